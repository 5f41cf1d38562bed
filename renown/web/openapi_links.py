"""OpenAPI links: which answer's id feeds which other operation.

A client (or a generated test) reading the document learns that the ``id`` of a created
token is what ``DELETE /tokens/{token_id}`` takes, that a feedback request's id is what
its recipients answer or decline, that a round's id opens its board, and so on. The
stateful schemathesis tests walk these links, so they exercise real objects instead of
random ids that are almost always 404s.

The links are declared here in one table, by method and path, rather than on each route:
operation ids are derived by FastAPI from function names, and :func:`add_links` resolves
them from the generated document, failing loudly if a path named here no longer exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final


@dataclass(frozen=True)
class Link:
    """``source`` answering ``status`` gives ``target`` its ``parameters`` (path) and the
    ``body`` fields named (each a runtime expression, or a list of one)."""

    source: str
    status: int
    name: str
    target: str
    parameters: tuple[tuple[str, str], ...] = ()
    body: tuple[tuple[str, str | list[str]], ...] = ()


ID: Final = "$response.body#/id"
FIRST_ID: Final = "$response.body#/0/id"
FIRST_ITEM_ID: Final = "$response.body#/items/0/id"


def _links(source: str, status: int, parameter: str, value: str, *targets: str) -> list[Link]:
    """Links from ``source`` to each of ``targets``, all fed the same one parameter."""
    return [
        Link(source, status, _name(target), target, ((parameter, value),)) for target in targets
    ]


def _into_body(
    source: str, status: int, field: str, value: str | list[str], *targets: str
) -> list[Link]:
    """Links from ``source`` that fill ``field`` of each target's JSON body."""
    return [
        Link(source, status, _name(target), target, body=((field, value),)) for target in targets
    ]


def _name(target: str) -> str:
    """A link's name from its target, e.g. ``PUT /kudos/{kudos_id}/reactions/{kind}`` ->
    ``PutKudosReactions``."""
    method, path = target.split(" ", 1)
    words = [part for part in path.split("/") if part and not part.startswith("{")]
    cleaned = "".join(word.replace(".", " ").replace("-", " ").title() for word in words)
    return method.title() + cleaned.replace(" ", "")


ROUND_PAGES: Final = (
    "GET /talent/rounds/{round_id}",
    "PUT /talent/rounds/{round_id}",
    "GET /talent/rounds/{round_id}/whatif",
    "GET /talent/rounds/{round_id}/ninebox",
    "POST /talent/rounds/{round_id}/calibration",
    "POST /talent/rounds/{round_id}/decision",
    "GET /talent/rounds/{round_id}/decision",
    "GET /talent/rounds/{round_id}/me",
    "POST /talent/rounds/{round_id}/appeals",
    "GET /talent/rounds/{round_id}/appeals",
    "GET /talent/rounds/{round_id}/audit",
)
PERSON_PAGES: Final = (
    "GET /people/{person_id}",
    "GET /people/{person_id}/profile",
    "GET /feedback/people/{person_id}",
    "GET /feedback/people/{person_id}/trends",
    "GET /people/{person_id}/kudos/received",
    "GET /people/{person_id}/badges",
)
REQUEST_ACTIONS: Final = (
    "POST /feedback/requests/{request_id}/answer",
    "POST /feedback/requests/{request_id}/decline",
    "PUT /feedback/requests/{request_id}/anonymity",
)
KUDOS_ACTIONS: Final = (
    "PUT /kudos/{kudos_id}/reactions/{kind}",
    "DELETE /kudos/{kudos_id}/reactions/{kind}",
    "GET /kudos/{kudos_id}/comments",
    "POST /kudos/{kudos_id}/comments",
    "DELETE /kudos/{kudos_id}",
)
ROUND_PATH: Final = "$request.path.round_id"
FIRST_ROW: Final = "$response.body#/rows/0/person_id"

LINKS: Final[tuple[Link, ...]] = (
    *_links("POST /tokens", 201, "token_id", ID, "DELETE /tokens/{token_id}"),
    *_links("GET /tokens", 200, "token_id", FIRST_ID, "DELETE /tokens/{token_id}"),
    *_links("GET /people", 200, "person_id", FIRST_ITEM_ID, *PERSON_PAGES),
    *_into_body("GET /people", 200, "receiver_id", FIRST_ITEM_ID, "POST /kudos", "POST /feedback"),
    *_into_body("GET /people", 200, "person_ids", [FIRST_ITEM_ID], "POST /feedback/requests"),
    *_into_body("GET /people", 200, "incumbent_id", FIRST_ITEM_ID, "POST /talent/succession"),
    *_links("GET /teams", 200, "team_id", FIRST_ID, "GET /teams/{team_id}"),
    *_links("GET /runs", 200, "run_id", FIRST_ID, "GET /runs/{run_id}"),
    *_links("POST /runs", 202, "job_id", ID, "GET /jobs/{job_id}"),
    *_links("POST /recognition/run", 202, "job_id", ID, "GET /jobs/{job_id}"),
    *_links("GET /jobs", 200, "job_id", FIRST_ID, "GET /jobs/{job_id}"),
    *_links("POST /feedback/requests", 201, "request_id", ID, *REQUEST_ACTIONS),
    *_links(
        "POST /feedback/requests",
        201,
        "token",
        "$response.body#/links/0/token",
        "GET /external/feedback/{token}",
        "POST /external/feedback/{token}",
    ),
    *_links("GET /feedback/pending", 200, "request_id", FIRST_ID, *REQUEST_ACTIONS[:2]),
    *_links("GET /feedback/requested", 200, "request_id", FIRST_ID, REQUEST_ACTIONS[2]),
    *_links(
        "GET /notifications",
        200,
        "notification_id",
        FIRST_ID,
        "POST /notifications/{notification_id}/read",
    ),
    *_links("POST /kudos", 201, "kudos_id", ID, *KUDOS_ACTIONS),
    *_links("GET /kudos", 200, "kudos_id", FIRST_ITEM_ID, *KUDOS_ACTIONS[:4]),
    *_links(
        "POST /kudos/{kudos_id}/comments",
        201,
        "comment_id",
        ID,
        "DELETE /kudos/comments/{comment_id}",
    ),
    *_links(
        "GET /kudos/rings",
        200,
        "ring_id",
        FIRST_ID,
        "GET /kudos/rings/{ring_id}",
        "POST /kudos/rings/{ring_id}/confirm",
        "POST /kudos/rings/{ring_id}/dismiss",
    ),
    *_links("POST /talent/rounds", 201, "round_id", ID, *ROUND_PAGES),
    *_links("GET /talent/rounds", 200, "round_id", FIRST_ID, *ROUND_PAGES[:3]),
    Link(
        "GET /talent/rounds/{round_id}",
        200,
        "PutTalentRoundsCandidates",
        "PUT /talent/rounds/{round_id}/candidates/{person_id}",
        (("round_id", ROUND_PATH), ("person_id", FIRST_ROW)),
    ),
    Link(
        "GET /talent/rounds/{round_id}",
        200,
        "PostTalentRoundsDecision",
        "POST /talent/rounds/{round_id}/decision",
        (("round_id", ROUND_PATH),),
        (("promoted", [FIRST_ROW]),),
    ),
    *[
        Link(
            "POST /talent/rounds/{round_id}/calibration",
            201,
            _name(target),
            target,
            (("round_id", ROUND_PATH), ("session_id", ID)),
        )
        for target in (
            "POST /talent/rounds/{round_id}/calibration/{session_id}/moves",
            "POST /talent/rounds/{round_id}/calibration/{session_id}/close",
        )
    ],
    *_links(
        "POST /talent/rounds/{round_id}/appeals",
        201,
        "appeal_id",
        ID,
        "POST /talent/appeals/{appeal_id}/answer",
    ),
    *_links(
        "GET /talent/rounds/{round_id}/appeals",
        200,
        "appeal_id",
        FIRST_ID,
        "POST /talent/appeals/{appeal_id}/answer",
    ),
    *_links("POST /talent/succession", 201, "plan_id", ID, "GET /talent/succession/{plan_id}"),
    Link(
        "POST /talent/succession",
        201,
        "PostTalentSuccessionSuccessors",
        "POST /talent/succession/{plan_id}/successors",
        (("plan_id", ID),),
        (("person_id", "$response.body#/suggestions/0/person_id"),),
    ),
    *[
        Link(
            "POST /talent/succession/{plan_id}/successors",
            201,
            _name(target),
            target,
            (("plan_id", "$request.path.plan_id"), ("person_id", "$response.body#/person_id")),
        )
        for target in (
            "PUT /talent/succession/{plan_id}/successors/{person_id}",
            "DELETE /talent/succession/{plan_id}/successors/{person_id}",
        )
    ],
)


def add_links(document: dict[str, Any], prefix: str) -> dict[str, Any]:
    """``document`` with :data:`LINKS` added to the answers they start from.

    A source, status or target that the document does not have is a ``KeyError``: the
    table must follow the routes, and the OpenAPI tests fetch the document.
    """
    paths = document["paths"]
    for link in LINKS:
        method, path = link.source.split(" ", 1)
        target_method, target_path = link.target.split(" ", 1)
        target = paths[prefix + target_path][target_method.lower()]["operationId"]
        answer = paths[prefix + path][method.lower()]["responses"][str(link.status)]
        links = answer.setdefault("links", {})
        if link.name in links:
            raise ValueError(f"two links named {link.name} from {link.source}")
        links[link.name] = {"operationId": target}
        if link.parameters:
            links[link.name]["parameters"] = dict(link.parameters)
        if link.body:
            links[link.name]["requestBody"] = dict(link.body)
    return document
