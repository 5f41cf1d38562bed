"""Domain errors.

Bad input must be reported so that a person can fix it without reading code: every
:class:`InputError` names the file, the line (1-based, counting the header) and the field.
"""

from __future__ import annotations


class RenownError(Exception):
    """Base class of every error renown raises on purpose."""


class InputError(RenownError):
    """Input that cannot be accepted, located as precisely as the format allows.

    Parameters
    ----------
    source:
        File or folder the input came from.
    message:
        What is wrong, in words a user understands.
    line:
        1-based line (or record) number, when the format has lines.
    field:
        Column, header or key that is wrong, when there is one.
    """

    def __init__(
        self,
        source: str,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.source = source
        self.message = message
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f", line {self.line}"
        if self.field is not None:
            where += f", field {self.field!r}"
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_input_error, (self.source, self.message, self.line, self.field))


def _rebuild_input_error(
    source: str, message: str, line: int | None, field: str | None
) -> InputError:
    return InputError(source, message, line=line, field=field)


class NotAllowed(RenownError):  # noqa: N818 - reads like the HTTP answer it becomes
    """The principal may not do this (a web request answers 403)."""


class NotFound(RenownError):  # noqa: N818
    """No such object is visible to the principal (404: existence is not revealed)."""


class Invalid(RenownError):  # noqa: N818
    """The request is well-formed but a value is wrong (422)."""
