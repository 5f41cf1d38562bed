"""What the demo's colleagues write: kudos messages, comments and feedback.

Plain, specific sentences of the kind people write at work, each kudos tied to a
competency key of the default framework (:mod:`renown.feedback.frameworks`) and each piece
of feedback to the competencies it rates, so the wall and the competency charts agree.
Feedback comments are put together from parts (:func:`feedback_text`), so no two are the
same: an anonymous summary that repeated a named comment word for word would look like a
leak of who wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np

KUDOS_MESSAGES: Final[tuple[tuple[str, str], ...]] = (
    ("Thanks for untangling the release on Friday evening.", "delivery"),
    ("Your write-up of the incident made it easy for everyone to follow.", "communication"),
    ("Thank you for pairing with me on the migration, I learnt a lot.", "craft"),
    ("You kept the customer calm and got them a fix the same day.", "customer_focus"),
    ("Thanks for stepping in to run the planning session.", "leadership"),
    ("Brilliant review comments, the design is much better for them.", "craft"),
    ("Thank you for covering my on-call shift at short notice.", "collaboration"),
    ("The onboarding guide you wrote saved the new starters days.", "communication"),
    ("Shipped ahead of the deadline and with tests. Thank you!", "delivery"),
    ("Thanks for connecting us with the right people in finance.", "collaboration"),
    ("Your demo to the client was clear and confident.", "customer_focus"),
    ("Thank you for mentoring the interns this quarter.", "leadership"),
)

COMMENTS: Final[tuple[str, ...]] = (
    "Well deserved!",
    "+1, this made a real difference for our team.",
    "Agreed, thank you from us too.",
    "So true. Great work.",
    "Couldn't have done it without you.",
)

FEEDBACK_THEMES: Final[tuple[tuple[str, ...], ...]] = (
    ("delivery", "communication"),
    ("collaboration", "craft"),
    ("craft", "leadership"),
    ("customer_focus", "communication"),
    ("leadership", "delivery"),
    ("communication", "collaboration"),
)
"""The competencies a piece of everyday feedback rates and talks about."""

PRAISE: Final[dict[str, tuple[str, ...]]] = {
    "communication": (
        "Your communication in {moment} was clear and calm",
        "You communicate trade-offs plainly, as in {moment}",
        "Your write-ups around {moment} were easy to follow",
        "You explained {moment} so that everyone could act on it",
    ),
    "collaboration": (
        "You collaborated generously during {moment}",
        "Pairing with you on {moment} made the work lighter",
        "You brought the right people together for {moment}",
        "You shared credit with the whole group after {moment}",
    ),
    "delivery": (
        "You delivered {moment} on the date you promised",
        "Delivery of {moment} was steady and well tested",
        "You kept {moment} moving and delivered without drama",
        "You delivered {moment} ahead of plan",
    ),
    "craft": (
        "Your craft showed in {moment}: thorough and careful",
        "The expertise you brought to {moment} raised the bar",
        "Your technical craft in {moment} taught us a lot",
        "Others learnt from the expertise you showed in {moment}",
    ),
    "leadership": (
        "You showed leadership in {moment} by setting a clear direction",
        "Your leadership during {moment} kept the team focused",
        "You took the lead on {moment} and grew the people around you",
        "You led {moment} with patience and good judgement",
    ),
    "customer_focus": (
        "Your customer focus in {moment} kept the users' needs first",
        "You listened to customers throughout {moment}",
        "You brought the customer's view into {moment}",
        "Customers felt heard during {moment}, thanks to you",
    ),
}
"""Per competency, sentence openings that name it (the 360 page groups comments by the
competencies their words name); ``{moment}`` is filled from :data:`MOMENTS`."""

MOMENTS: Final = (
    "the billing migration",
    "the spring planning",
    "last month's incident review",
    "the onboarding revamp",
    "the data platform upgrade",
    "the partner launch",
    "the quarterly roadmap",
    "the mobile release",
    "the security audit",
    "the hiring push",
    "the pricing experiment",
    "the support backlog clean-up",
)

SUGGESTIONS: Final = (
    "Sharing progress a little earlier would help others plan.",
    "Next, try letting others lead parts of it.",
    "Writing down the decisions would help newcomers.",
    "Say no more often to protect your focus time.",
    "Keep inviting the quieter voices in.",
    "More of this, please.",
    "Consider presenting it at the all-hands.",
    "Delegating the routine parts would free you for the hard ones.",
)

REVIEW_OPENING: Final = "Over this review cycle: "
"""How the review-cycle feedback (:mod:`renown.demo.talent_feedback`) opens, so its texts
can never equal the everyday feedback's, anonymous ones included."""


def feedback_text(rng: np.random.Generator, keys: Sequence[str], used: set[str]) -> str:
    """A comment about ``keys`` (competency keys) drawn from parts, never one in ``used``
    (it is added): every seeded comment is unique, so an anonymous summary never repeats a
    named comment word for word, which would look like a leak. Deterministic in ``rng``."""
    known = [key for key in keys if key in PRAISE] or ["collaboration"]
    for _attempt in range(200):
        sentences = [
            PRAISE[key][int(rng.integers(len(PRAISE[key])))].format(
                moment=MOMENTS[int(rng.integers(len(MOMENTS)))]
            )
            + "."
            for key in known
        ]
        text = " ".join([*sentences, SUGGESTIONS[int(rng.integers(len(SUGGESTIONS)))]])
        if text not in used:
            used.add(text)
            return text
    text = f"{text} ({len(used) + 1})"  # parts exhausted: a numbered variant stays unique
    used.add(text)
    return text


REQUEST_MESSAGE: Final = (
    "I'd value your honest view on how I lead our planning and how clearly I communicate "
    "priorities. Anonymous answers are welcome."
)
