"""Request parameters and body fields shared by API routes and pages, bounded where the
database is.

Ids are positive 32-bit integers because that is what the id columns hold on every
supported database: a larger number can only be a typo or a probe, and must be a 422,
not an overflow deep in the driver. Free text may not contain NUL, which PostgreSQL
refuses in any string.

JSON bodies are typed strictly (:data:`BodyId`, :data:`Whole`, :data:`Number`,
:data:`Flag`): pydantic's lax mode would read ``true`` as the person with id 1, ``"5"``
as a rating of 5 and ``1`` as ``true``, so a client's type confusion would silently act on
the wrong object. Query, path and form values stay lax: they are text by nature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Final

from fastapi import Depends, Path, Query
from pydantic import (
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from renown.core.text import MULTI_LINE_PATTERN, SINGLE_LINE_PATTERN, text_problem

MAX_ID = 2**31 - 1
NO_NUL = r"^[^\x00]*$"
EARLIEST: Final = datetime(1900, 1, 1, tzinfo=UTC)
LATEST: Final = datetime(2199, 12, 31, 23, 59, 59, tzinfo=UTC)
"""Instants outside these are typos or probes; inside, date arithmetic never overflows."""


@dataclass(frozen=True)
class PlainText:
    """A string rule: no control characters (:mod:`renown.core.text`), tab and new lines
    allowed in ``multiline`` text.

    Checked after any length constraint written before it in the ``Annotated`` (so an
    oversize value is refused by its length first), with an error that names the field and
    the character but never repeats the text; the rule is also stated as the field's
    ``pattern`` in the OpenAPI document, so clients and generated tests know it.
    """

    multiline: bool = False

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = MULTI_LINE_PATTERN if self.multiline else SINGLE_LINE_PATTERN
        return json_schema

    def _check(self, value: str) -> str:
        problem = text_problem(value, multiline=self.multiline)
        if problem is not None:
            raise PydanticCustomError("control_character", problem)
        return value


SINGLE_LINE: Final = PlainText()
"""Names, e-mail addresses, passwords, keys and labels."""
MULTI_LINE: Final = PlainText(multiline=True)
"""Feedback, kudos, comments and reasons: tab and new lines allowed."""
SingleLine = Annotated[str, SINGLE_LINE]
MultiLine = Annotated[str, MULTI_LINE]


def _optional_id(value: object) -> object:
    """Blank means "all"; anything else must be an id in range (else a 422)."""
    if value is None or value == "":
        return None
    number = int(str(value))
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"an id is between 1 and {MAX_ID}")
    return number


def _aware(value: object) -> object:
    """A moment must say where in the world it is; it is read as UTC from then on.

    A date alone or a time without an offset means a different instant in every time
    zone; guessing would shift deadlines and filters by hours, so it is refused. Only
    text is a date-time here (never a number of seconds), as the document says.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            if text_problem(value) is not None:
                raise ValueError(value)  # fromisoformat ignores a trailing NUL
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "datetime_format", "not a date and time (e.g. 2025-01-31T09:00:00Z)"
            ) from None
    else:
        raise PydanticCustomError("datetime_type", "a date and time is a string")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise PydanticCustomError(
            "timezone_aware",
            "needs a time zone, e.g. 2025-01-31T09:00:00Z or 2025-01-31T10:00:00+01:00",
        )
    if not EARLIEST <= moment <= LATEST:
        raise PydanticCustomError(
            "datetime_range", f"a date between {EARLIEST.year} and {LATEST.year} is expected"
        )
    return moment.astimezone(UTC)


RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id (a positive 32-bit integer).")]
"""An object id in the path."""

OptionalId = Annotated[int | None, BeforeValidator(_optional_id), Query()]
"""An optional id filter; the "all" choice of a form's select arrives as an empty string."""

SearchText = Annotated[str | None, Query(max_length=200, pattern=NO_NUL)]
"""Free-text search."""

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]

BodyId = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
"""An object id in a JSON body: a JSON integer, never ``true``, ``1.0`` or ``"1"``."""
Whole = Annotated[int, Strict()]
"""A count, level or rating in a JSON body (bounds are the field's)."""
Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]
"""A JSON number (an integer is fine), never a boolean or a string of digits."""
Flag = Annotated[bool, Strict()]
"""``true`` or ``false``, never ``1``, ``"yes"`` or ``"on"``."""
Moment = Annotated[datetime, BeforeValidator(_aware)]
"""An instant in a body or a query: ISO 8601 with a time zone, normalised to UTC."""


@dataclass(frozen=True)
class Unit:
    """Which team and department a list of people is narrowed to (``None``: any)."""

    team_id: int | None = None
    department_id: int | None = None


def _unit(team_id: OptionalId = None, department_id: OptionalId = None) -> Unit:
    return Unit(team_id=team_id, department_id=department_id)


UnitFilter = Annotated[Unit, Depends(_unit)]
"""The ``team_id`` and ``department_id`` query filters of people lists, boards and maps."""
