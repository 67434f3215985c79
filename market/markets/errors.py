"""Domain errors of markets, stalls, stall sales and approvals; their message is for the user."""


class MarketError(Exception):
    """A change refused with a reason the user can act on; ``field`` names the form field."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.field = field
