"""Exceptions that name the condition; handlers turn each into a localized answer."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of the conditions a user can run into."""

    def __init__(self, code: str = "", **details: object) -> None:
        super().__init__(code or type(self).__name__)
        self.code = code
        self.details = details


class NotPermitted(ServiceError):
    """The user lacks the role for this action on this scope."""


class NotFound(ServiceError):
    """The object does not exist (or a forged id pointed nowhere)."""


class InvalidInput(ServiceError):
    """The value cannot be accepted; `code` says why, `details` carry the numbers."""
