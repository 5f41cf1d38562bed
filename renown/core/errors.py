"""Domain errors.

Bad input must be reported so that a person can fix it without reading code: every
:class:`InputError` names the file, the line (1-based, counting the header) and the field.
"""

from __future__ import annotations

from typing import ClassVar


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


class FileErrors(InputError):  # noqa: N818 - the name says it carries several errors
    """Every problem found in one file (up to a limit), each located, raised together.

    Files edited by hand (the org chart, HR's talent records) report all their problems
    at once, so that one round of fixes is enough. ``line`` and ``field`` are those of the
    first problem, so code that looks at one location only still points at a real one.
    Subclasses say what a file's field is called in the listing (:attr:`cell`).
    """

    cell: ClassVar[str] = "field"

    def __init__(
        self, source: str, what: str, problems: list[InputError], *, truncated: bool = False
    ) -> None:
        self.what = what
        self.problems = problems
        self.truncated = truncated
        count = f"{len(problems)}{'+' if truncated else ''}"
        noun = "problem" if len(problems) == 1 and not truncated else "problems"
        listing = "\n".join(f"  - {self._located(p)}" for p in problems)
        super().__init__(
            source,
            f"{count} {noun} in the {what}:\n{listing}",
            line=problems[0].line,
            field=problems[0].field,
        )

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_file_errors,
            (type(self), self.source, self.what, self.problems, self.truncated),
        )

    def _located(self, problem: InputError) -> str:
        where = [f"line {problem.line}"] if problem.line is not None else []
        if problem.field is not None:
            where.append(f"{self.cell} {problem.field!r}")
        return (", ".join(where) + ": " if where else "") + problem.message


def _rebuild_file_errors(
    cls: type[FileErrors], source: str, what: str, problems: list[InputError], truncated: bool
) -> FileErrors:
    return cls(source, what, problems, truncated=truncated)


class FileProblems:
    """Collects the problems of one file until there are too many to be useful.

    Subclasses set the error they raise (:attr:`error`) and the limit (:attr:`limit`).
    """

    error: ClassVar[type[FileErrors]] = FileErrors
    limit: ClassVar[int] = 50

    def __init__(self, source: str, what: str) -> None:
        self.source = source
        self.what = what
        self.items: list[InputError] = []
        self.truncated = False

    def add(self, message: str, *, line: int | None, field: str | None) -> None:
        """Record a problem (dropped, and the list marked truncated, past the limit)."""
        if len(self.items) >= self.limit:
            self.truncated = True
            return
        self.items.append(InputError(self.source, message, line=line, field=field))

    def raise_if_any(self) -> None:
        """Raise :attr:`error` when anything was recorded."""
        if self.items:
            raise self.error(self.source, self.what, self.items, truncated=self.truncated)


class NotAllowed(RenownError):  # noqa: N818 - reads like the HTTP answer it becomes
    """The principal may not do this (a web request answers 403)."""


class NotFound(RenownError):  # noqa: N818
    """No such object is visible to the principal (404: existence is not revealed)."""


class Invalid(RenownError):  # noqa: N818
    """The request is well-formed but a value is wrong (422)."""

    field: str | None = None
    """The form field (or body field) that is wrong, when one is: pages show the reason
    beside that field. ``None`` when the refusal concerns the request as a whole."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Stale(Invalid):
    """The change was chosen against a state someone else has changed since (409).

    Collaborative pages send what the person saw (a 9-box move, the cell its person was
    in); when the stored state differs, the change is refused rather than silently
    applied over the other person's. An :class:`Invalid`, so a form shows the sentence
    like any other refusal and keeps what was typed; the API answers 409 Conflict.
    """
