"""What the kudos pages show of a kudos, in words: initials for a person's avatar, and a
message split into plain text, @mentions and #values, each value by its label.

People write ``#customer_focus`` or ``#delivery`` (the key the give form and the API use)
and ``@Ada``; the wall shows "#Customer focus" and a highlighted "@Ada", never the key.
Pure functions, tested without a browser; the template escapes every part.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from renown.web.labels import label

AVATAR_COLOURS: Final = 8
"""Avatar background colours (``avatar-0`` .. ``avatar-7`` in the stylesheet)."""
TOKEN: Final = re.compile(r"(?<![\w@#])([@#])([A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)*)")
"""An ``@name`` or ``#value`` that starts a word (not inside an e-mail address)."""


@dataclass(frozen=True)
class Part:
    """A piece of a message: plain text, a mention or a value (by its label)."""

    kind: Literal["text", "mention", "value", "tag"]
    text: str


def initials(name: str) -> str:
    """Up to two initials: first and last word ("Ada King Lovelace" -> "AL")."""
    words = [w for w in re.split(r"[\s\-]+", name.strip()) if w and w[0].isalpha()]
    if not words:
        return "?"
    first, last = words[0][0], words[-1][0] if len(words) > 1 else ""
    return (first + last).upper()


def avatar_colour(person_id: int) -> int:
    """A stable colour per person, so the same colleague looks the same on every card."""
    return person_id % AVATAR_COLOURS


def ring_of(discount_reason: str | None) -> int | None:
    """The confirmed kudos ring a discount names (stored as ``ring:<id>``), so HR sees "part
    of a confirmed ring" linked to that ring rather than the stored mark."""
    if discount_reason is None or not discount_reason.startswith("ring:"):
        return None
    number = discount_reason.removeprefix("ring:")
    return int(number) if number.isdigit() else None


def message_parts(
    message: str, values: Mapping[str, str], names: Collection[str] = frozenset()
) -> list[Part]:
    """``message`` as text, @mentions, #values and other #tags.

    ``values`` maps competency keys to labels: a ``#key`` of one shows its label; any other
    ``#word`` stays as written but highlighted as a tag. ``names`` are lower-case full names
    (see :func:`renown.recognition.mentions.mentioned_names`): ``@Zoe Zimmermann`` is one
    mention when someone is called that, otherwise the mention is the word after ``@``."""
    known = {key.lower(): key for key in values}
    parts: list[Part] = []
    position = 0
    for match in TOKEN.finditer(message):
        if match.start() < position:
            continue  # inside a mention already taken whole
        sign, word = match.group(1), match.group(2)
        end = match.end()
        if sign == "#":
            key = known.get(word.lower().replace("-", "_"))
            shown = (
                Part("tag", "#" + word)
                if key is None
                else Part("value", "#" + label(dict(values), key))
            )
        else:
            whole, end = _full_name(message, word, end, names)
            shown = Part("mention", "@" + whole)
        if match.start() > position:
            parts.append(Part("text", message[position : match.start()]))
        parts.append(shown)
        position = end
    if position < len(message):
        parts.append(Part("text", message[position:]))
    return parts


_NEXT_WORD: Final = re.compile(r"[ \t]+([^\W\d_][\w'-]*)")
_NAME_WORDS: Final = 4
"""Words of a full name an ``@`` may take (first, middle, last and a particle)."""


def _full_name(message: str, word: str, end: int, names: Collection[str]) -> tuple[str, int]:
    """The longest known full name starting with ``word`` at ``end`` (and where it ends),
    or ``word`` alone."""
    best, best_end = word, end
    written, at = word, end
    for _ in range(_NAME_WORDS - 1):
        following = _NEXT_WORD.match(message, at)
        if following is None:
            break
        written, at = f"{written} {following.group(1)}", following.end()
        if written.lower() in names:
            best, best_end = message[end - len(word) : at], at
    return best, best_end
