"""What can go wrong when a connector talks to a public API, said so a person can act on it.

A connector never guesses: a response that does not have the documented shape is refused
with the network, the address and the field that was wrong (:class:`MalformedResponse`,
an :class:`~renown.core.errors.InputError`, so the web and the command line report it like a
bad line of a file), and nothing of that pull is kept. A rate limit is not an error of
the data: :class:`RateLimited` carries the moment the network allows the next request, and
the pull resumes from its last complete page then.
"""

from __future__ import annotations

from datetime import datetime

from renown.core.errors import InputError, RenownError


class ConnectorError(RenownError):
    """A public API could not give what was asked (the message names network and address)."""

    def __init__(self, network: str, url: str, message: str) -> None:
        self.network = network
        self.url = url
        self.message = message
        super().__init__(f"{network} {url}: {message}")


class MalformedResponse(InputError):  # noqa: N818 - the names are the public API
    """A response that does not have the documented shape (nothing of the pull is kept).

    ``line`` is the 1-based position of the record in the response's list, when the wrong
    field is inside one; ``field`` is the dotted path of the field.
    """

    def __init__(
        self,
        network: str,
        url: str,
        message: str,
        *,
        record: int | None = None,
        field: str | None = None,
    ) -> None:
        self.network = network
        self.url = url
        super().__init__(f"{network} {url}", message, line=record, field=field)


class RateLimited(ConnectorError):  # noqa: N818 - a condition, not a failure
    """The network asked us to wait longer than a pull may wait; resume at ``resume_at``."""

    def __init__(self, network: str, url: str, resume_at: datetime) -> None:
        self.resume_at = resume_at
        super().__init__(network, url, f"rate limited until {resume_at.isoformat()}")


class AccountNotFound(ConnectorError):  # noqa: N818 - reads like the answer
    """The network has no public account by that name (or it was deleted or suspended)."""


class NotAuthorised(ConnectorError):  # noqa: N818 - reads like the answer
    """The network refused the request: a token expired or was revoked, or data is private."""
