"""Domain errors of the producer workspace; their message is shown to the user."""

from market.domain_errors import DomainError


class WorkspaceError(DomainError):
    """A change the workspace refuses; ``str(error)`` explains why to the user."""


class NotAllowed(WorkspaceError):
    """The actor's standing for the producer does not permit this change."""
