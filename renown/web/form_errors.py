"""What a form says when it refuses input: a sentence, tied to the field it is about.

The domain explains a refusal in words (``feedback needs a text or at least one rating``)
and, when one field is wrong, names it (``Invalid(..., field="text")``); FastAPI's
validation explains in pydantic's words (``String should have at most 5000 characters``
at ``("body", "text")``). Pages show both the same way: a sentence that starts with a
capital and ends with a full stop, and, for a field's problem, the message beside the field
(``field_error``), the field marked invalid and described by it (``field_attrs``), and the
summary at the top of the form (``alert``) linking to the field. The macros are in
``_macros.html``; this module gives them the message and where it belongs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from jinja2 import Environment

from renown.core.errors import InputError
from renown.web.labels import readable

_ENDS_A_SENTENCE: Final = (".", "!", "?", "…")
_PLAIN_FIRST_WORD: Final = re.compile(r"[a-z]+(?:'s)?(?=[\s,:;]|$)")
_PYDANTIC_SUBJECT: Final = re.compile(
    r"^(Input|String|Value|List|Dictionary|Object|Tuple|Set|Number|Decimal|Date|Datetime)"
    r" should "
)
_UNABLE: Final = re.compile(r", unable to .*$")
_VALUE_ERROR: Final = re.compile(r"^(Value|Assertion) error, ")
_CHOICE_TYPES: Final = frozenset({"enum", "literal_error"})
"""A value outside a list of choices: the choices are keys, not words, so not listed."""
_VERBS: Final = ("contains ", "is ", "must ", "needs ", "has ")


def sentence(text: str) -> str:
    """``text`` as a sentence: a capital first letter and a full stop at the end."""
    words = " ".join(str(text).split())
    if not words:
        return words
    if _PLAIN_FIRST_WORD.match(words):  # not a file name or an address ("notes.csv: ...")
        words = words[0].upper() + words[1:]
    if words.endswith(":"):
        words = words[:-1]
    return words if words.endswith(_ENDS_A_SENTENCE) else words + "."


def field_id(field: str) -> str:
    """The id of the input of ``field`` in a form that ties errors to fields."""
    return f"{field}-field"


def message_id(field: str) -> str:
    """The id of the message beside the input of ``field``."""
    return f"{field}-error"


class FormError(str):
    """A refusal as a page shows it: the sentence, and the field it is about (if one).

    A ``str``, so every template and route that shows a reason as text keeps working;
    templates read :attr:`field` (via the macros) to tie the message to its input.
    """

    field: str | None

    def __new__(cls, message: str, field: str | None = None) -> FormError:
        made = super().__new__(cls, sentence(message))
        made.field = field
        return made

    @property
    def field_id(self) -> str:
        return field_id(self.field or "")

    @property
    def message_id(self) -> str:
        return message_id(self.field or "")


def form_error(refusal: Exception | str) -> FormError:
    """The :class:`FormError` of a domain refusal (its ``field`` when it names one)."""
    if isinstance(refusal, FormError):
        return refusal
    if isinstance(refusal, InputError):  # a file: its name must not be capitalised
        return FormError(f"File {refusal}")
    return FormError(str(refusal), getattr(refusal, "field", None))


def issue_sentence(issue: Mapping[str, Any]) -> str:
    """One problem of a refused request (see :func:`renown.web.issues.public_issues`) in a
    sentence naming the field in words: ``("body", "text")`` with ``String should have at
    most 5000 characters`` is "The text should have at most 5000 characters."."""
    names = [part for part in issue.get("loc", ()) if isinstance(part, str) and part != "body"]
    field = _field_words(names[-1]) if names else ""
    message = _UNABLE.sub("", str(issue.get("msg", "")))
    message = _VALUE_ERROR.sub("", message)
    if not field:
        return sentence(message or "This request cannot be read")
    if issue.get("type") == "missing":
        return sentence(f"The {field} is missing: fill it in")
    if issue.get("type") in _CHOICE_TYPES:
        return sentence(f"The {field} is not one of the choices offered")
    if message.startswith(_VERBS):
        return sentence(f"The {field} {message}")
    if _PYDANTIC_SUBJECT.match(message):
        return sentence(_PYDANTIC_SUBJECT.sub(f"The {field} should ", message, count=1))
    return sentence(f"The {field}: {message}")


def _field_words(name: str) -> str:
    """A form field's name as words (``receiver_id`` -> ``receiver``)."""
    return readable(name.removesuffix("_id").removesuffix("_ids"))


def install(env: Environment) -> None:
    """Give templates the ``sentence`` filter and ``field_id`` (used by the form macros)."""
    env.filters["sentence"] = sentence
    env.globals["field_id"] = field_id
