"""The one base of every feature's domain errors: a use case refused, with a reason to show.

Services raise a subclass (``AccountError``, ``WorkspaceError``, ``TraceError``, ``MarketError``,
``OrderError``, ``PaymentError``, ...); views catch it and show ``error.message`` next to
``error.field`` when the form has that field (:func:`market.forms.form_error`), else as a flash.
"""


class DomainError(Exception):
    """A use case refused; ``message`` (also ``str(error)``) says why in the user's language."""

    def __init__(self, message: object = "", field: str | None = None) -> None:
        super().__init__(str(message))
        self.field = field

    @property
    def message(self) -> str:
        """The reason, for the user."""
        return str(self.args[0]) if self.args else ""
