from screens.base import DeckScreen


class S(DeckScreen):
    MODE = "logs"


SCREEN = S
