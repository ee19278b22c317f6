"""The errors of the domain layers (services, selectors, reports), free of HTTP: api.errors answers each
with its status and the error envelope."""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses."""


class InvalidInputError(DomainError):
    """A value that cannot be served: 400 invalid_parameter, with a message per named field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors

    @classmethod
    def of(cls, field: str, message: str) -> InvalidInputError:
        return cls({field: [message]})


class ConflictError(DomainError):
    """A change that clashes with what is stored (a name already taken): 409 conflict."""
