"""Domain errors of the producer workspace; their message is shown to the user."""


class WorkspaceError(Exception):
    """A change the workspace refuses; ``str(error)`` explains why to the user."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.field = field


class NotAllowed(WorkspaceError):
    """The actor's standing for the producer does not permit this change."""
