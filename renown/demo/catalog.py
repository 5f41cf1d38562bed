"""Built-in vocabulary of the synthetic organisation: names, departments, team names.

The lists are small and hand-written on purpose: the demo must run offline, look
plausible on a leaderboard, and never resemble a real person's record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

FIRST_NAMES: Final[tuple[str, ...]] = (
    "Ada", "Aisha", "Alejandro", "Amara", "Anders", "Ananya", "Beatriz", "Bilal", "Camille",
    "Chen", "Chiara", "Daniel", "Dmitri", "Elena", "Emeka", "Fatima", "Felix", "Grace",
    "Hana", "Hugo", "Ines", "Isaac", "Jamal", "Jonas", "Julia", "Kai", "Kenji", "Lars",
    "Layla", "Leila", "Lucas", "Maya", "Mei", "Mateo", "Nadia", "Nikhil", "Noah", "Olga",
    "Omar", "Priya", "Rafael", "Rosa", "Samuel", "Sara", "Sofia", "Tariq", "Theo", "Yara",
    "Yusuf", "Zoe",
)  # fmt: skip
"""Given names from many cultures, ASCII only so that they also serve as e-mail parts."""

LAST_NAMES: Final[tuple[str, ...]] = (
    "Abara", "Andersen", "Bauer", "Bianchi", "Costa", "Dubois", "Eriksen", "Fernandes",
    "Fischer", "Garcia", "Haddad", "Hansen", "Ito", "Ivanova", "Jensen", "Kaur", "Kim",
    "Kowalski", "Larsen", "Lopez", "Martin", "Mensah", "Moreau", "Nakamura", "Novak",
    "Okafor", "Olsen", "Park", "Patel", "Petrov", "Quinn", "Rossi", "Santos", "Schmidt",
    "Singh", "Silva", "Tanaka", "Torres", "Ueda", "Varga", "Wagner", "Wang", "Weber",
    "Williams", "Xu", "Yamamoto", "Yilmaz", "Zhang", "Zimmermann", "Zoric",
)  # fmt: skip
"""Family names; 50 x 50 combinations keep duplicates rare in a 3000-person org."""

TEAM_WORDS: Final[tuple[str, ...]] = (
    "Atlas", "Beacon", "Comet", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Iris",
    "Juniper", "Kestrel", "Lumen", "Meridian", "Nova", "Orbit", "Pioneer", "Quartz",
    "Raven", "Summit", "Tundra", "Umbra", "Vertex", "Willow", "Zephyr",
)  # fmt: skip
"""Team code names; a number is appended once a department has used them all."""


@dataclass(frozen=True)
class Department:
    """A department template: its name, the job family of its staff, its kind of work."""

    name: str
    role: str
    engineering: bool


DEPARTMENTS: Final[tuple[Department, ...]] = (
    Department("Engineering", "Software Engineer", engineering=True),
    Department("Sales", "Account Executive", engineering=False),
    Department("Customer Success", "Customer Success Specialist", engineering=False),
    Department("Platform & Infrastructure", "Site Reliability Engineer", engineering=True),
    Department("Product", "Product Manager", engineering=False),
    Department("Data & Analytics", "Data Scientist", engineering=True),
    Department("Marketing", "Marketing Specialist", engineering=False),
    Department("Design", "Product Designer", engineering=False),
    Department("Finance", "Financial Analyst", engineering=False),
    Department("People", "People Partner", engineering=False),
    Department("Operations", "Operations Analyst", engineering=False),
    Department("Legal", "Legal Counsel", engineering=False),
)
"""Department templates in order of typical size: the largest drawn size goes first."""

EXECUTIVE_DEPARTMENT: Final = "Executive Office"
"""Department of the CEO and their small staff."""

EMAIL_DOMAIN: Final = "renown-demo.example"
"""Reserved ``.example`` domain: demo addresses can never reach a real mailbox."""


def ic_title(role: str, level: int) -> str:
    """Title of an individual contributor at ``level`` (1-3)."""
    prefix = {1: "Junior ", 2: "", 3: "Senior "}[level]
    return f"{prefix}{role}"


def manager_title(department: str, level: int) -> str:
    """Title of a team manager (4), director (5) or department head (6)."""
    if level == 4:
        return f"Manager, {department}"
    if level == 5:
        return f"Director, {department}"
    return f"VP, {department}"
