"""How fast an interaction fades: the default half-life every layer agrees on.

It lives in the core because the graph builder, the scoring pipeline, the settings and the
command line all default to it, and pure compute may not read settings.
"""

from __future__ import annotations

from typing import Final

DEFAULT_HALF_LIFE_DAYS: Final = 365.0
"""Days after which an interaction counts half, unless a run says otherwise.

Why a year: prominence is standing in an organisation, and standing is built and lost over
review and promotion cycles, not over one quarter's project. With a 90-day half-life the
ties of an archive's busiest year had faded to a sixteenth by its last message, and on the
Enron job levels the score ranked people little better than counting correspondents; with a
year, last quarter still counts 84% and a tie last used two years ago a quarter
(``docs/validity.md``)."""
