"""Domain errors: raised by models/ operations, turned into messages by the views."""


class DomainError(Exception):
    """A business rule refused the operation; the message is meant for the user."""


class ValidationFailed(DomainError):
    """One or more fields break a rule. `errors` maps a field name to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


class ConcurrentEditError(DomainError):
    """Someone else saved the record after this user opened it."""
