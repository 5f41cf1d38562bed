"""What the demo's colleagues write: kudos messages, comments and feedback.

Plain, specific sentences of the kind people write at work, each kudos tied to a
competency key of the default framework (:mod:`renown.feedback.frameworks`) and each piece
of feedback to the competencies it rates, so the wall and the competency charts agree.
"""

from __future__ import annotations

from typing import Final

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

FEEDBACK: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    (
        "Very reliable on delivery. Sharing progress earlier would help others plan.",
        ("delivery", "communication"),
    ),
    (
        "A generous collaborator who makes reviews a learning moment for everyone.",
        ("collaboration", "craft"),
    ),
    (
        "Strong technical judgement. Could take the lead in planning discussions more often.",
        ("craft", "leadership"),
    ),
    (
        "Listens well to customers and brings their view into our decisions.",
        ("customer_focus", "communication"),
    ),
    (
        "Keeps the team calm under pressure and makes priorities clear.",
        ("leadership", "delivery"),
    ),
    (
        "Writes clear documents; meetings could end with clearer next steps.",
        ("communication", "collaboration"),
    ),
)

REQUEST_MESSAGE: Final = (
    "I'd value your honest view on how I lead our planning and how clearly I communicate "
    "priorities. Anonymous answers are welcome."
)
