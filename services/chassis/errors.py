"""Error categories shared by every service and the gateway.

A service raises a domain error (``class WindowClosed(Conflict)``); the chassis
RPC entrypoint sends it over the wire as its *category* (the classes below are
registered with nameko so they arrive as instances, not as ``RemoteError``);
the gateway's ``problems`` table is the only place that knows HTTP statuses.
Arguments stay JSON-safe so that nameko can serialise them.
"""
from __future__ import annotations

import json
from typing import Any

from nameko.exceptions import deserialize_to_instance


class DomainError(Exception):
    """Base of every error a caller is meant to see.

    ``problem`` is the stable slug of the problem type; ``fields`` maps field
    names to messages; ``extra`` carries JSON-safe members for the problem
    document (for example ``retry_after`` or the lines whose price changed).
    """

    problem = "domain-error"
    title = "The request could not be completed."

    def __init__(
        self,
        detail: str | None = None,
        problem: str | None = None,
        title: str | None = None,
        fields: dict[str, Any] | str | None = None,
        extra: dict[str, Any] | str | None = None,
    ):
        self.detail = detail or ""
        self.problem = problem or type(self).problem
        self.title = title or type(self).title
        # On the wire fields and extra travel as JSON text: nameko would turn
        # every number inside a dict argument into a string.
        self.fields = json.loads(fields) if isinstance(fields, str) else (fields or {})
        self.extra = json.loads(extra) if isinstance(extra, str) else (extra or {})
        super().__init__(self.detail, self.problem, self.title, json.dumps(self.fields), json.dumps(self.extra))

    def __str__(self) -> str:
        return f"{self.problem}: {self.detail}" if self.detail else self.problem

    def as_category(self) -> "DomainError":
        """The same error as an instance of its wire category."""
        category = next(c for c in type(self).__mro__ if c in CATEGORIES)
        if type(self) is category:
            return self
        return category(self.detail, self.problem, self.title, self.fields, self.extra)


@deserialize_to_instance
class Invalid(DomainError):
    problem = "validation-failed"
    title = "The request has invalid fields."


@deserialize_to_instance
class Unauthenticated(DomainError):
    problem = "unauthenticated"
    title = "Authentication is required."


@deserialize_to_instance
class Forbidden(DomainError):
    problem = "forbidden"
    title = "You may not do this."


@deserialize_to_instance
class NotFound(DomainError):
    problem = "not-found"
    title = "Not found."


@deserialize_to_instance
class Conflict(DomainError):
    problem = "conflict"
    title = "The request conflicts with the current state."


@deserialize_to_instance
class RateLimited(DomainError):
    problem = "too-many-requests"
    title = "Too many requests."


@deserialize_to_instance
class ServiceUnavailable(DomainError):
    problem = "service-unavailable"
    title = "A service is not available right now."


class DatabaseBusy(ServiceUnavailable):
    """A lock or statement timeout, or no free connection: nothing was written; the same request
    may be sent again (services/chassis/database_bounds.py). Travels as ``ServiceUnavailable``."""

    problem = "database-busy"
    title = "The shop is busy right now. Try again in a moment."


class DatabaseUnavailable(ServiceUnavailable):
    """No connection to the database could be made within the connect timeout. Travels as
    ``ServiceUnavailable``."""

    problem = "database-unavailable"
    title = "The shop cannot reach its database right now. Try again in a moment."


@deserialize_to_instance
class ServiceTimeout(DomainError):
    problem = "service-timeout"
    title = "A service did not answer in time."


CATEGORIES = (
    Invalid,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    RateLimited,
    ServiceUnavailable,
    ServiceTimeout,
)
