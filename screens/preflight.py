from screens.base import DeckScreen


class S(DeckScreen):
    MODE = "preflight"


SCREEN = S
