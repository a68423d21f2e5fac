from screens.base import DeckScreen


class S(DeckScreen):
    MODE = "export"


SCREEN = S
