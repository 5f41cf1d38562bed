"""Reading igraphdata's ``enron.rda`` (an R ``igraph`` object) with the ``rdata`` package.

Only ``rdata``'s *parser* is used, and the parsed tree is walked here: its high-level
conversion would need constructors for igraph's classes and environments, while the few
vectors the loader needs sit at fixed places of the igraph object, the same in every
igraph data format since 0.4:

* element 3 and 4 (``from``, ``to``): 0-based vertex ids of each edge, as doubles;
* element 9 (attributes): a list whose 3rd and 4th members are the named lists of vertex
  attributes (``Email``, ``Name``, ...) and edge attributes (``Time``, ``Reciptype``,
  ``Topic``, ``LDC_topic``).

``rdata`` is optional (extra ``datasets``) and imported only when an ``.rda`` is read.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Final

import numpy as np
import polars as pl

from renown.core.errors import InputError
from renown.datasets.enron_tables import MISSING_NAME, EnronTables
from renown.datasets.errors import DatasetError

ENRON_VARIABLE: Final = "enron"
"""Name of the R variable that holds the graph in ``enron.rda``."""

_FROM, _TO, _ATTRIBUTES = 2, 3, 8
_VERTEX_ATTRIBUTES, _EDGE_ATTRIBUTES = 2, 3
_LATIN1_FLAG: Final = 1 << 2

RObject = Any
"""A node of ``rdata``'s parse tree (typed loosely: only a few fields are read)."""


def read_enron_rda(path: Path) -> EnronTables:
    """Read the Enron graph from igraphdata's ``enron.rda`` into the TSV-layout tables.

    Parameters
    ----------
    path:
        A verified copy of ``data/enron.rda``.

    Returns
    -------
    EnronTables
        Employees are the vertices (id = 0-based vertex id, ``email_local`` = address
        before ``@``); messages are the edges in stored order. Record numbers in errors
        are 1-based edge or vertex numbers.

    Raises
    ------
    DatasetError
        When ``rdata`` is not installed or the file is not the expected igraph object.
    InputError
        When a value cannot be used (for example a fractional vertex id).
    """
    parser = _rdata_parser()
    try:
        parsed = parser.parse_file(path)
    except Exception as exc:  # rdata raises many types on a foreign or damaged file
        raise DatasetError(f"{path}: not a readable R data file ({exc})") from exc
    source = str(path)
    graph = _elements(_variable(parsed.object, ENRON_VARIABLE, source), source)
    if len(graph) <= _ATTRIBUTES:
        raise DatasetError(f"{source}: {ENRON_VARIABLE!r} is not an igraph object")
    attributes = _elements(graph[_ATTRIBUTES], source)
    if len(attributes) <= _EDGE_ATTRIBUTES:
        raise DatasetError(f"{source}: the igraph attribute list is incomplete")
    vertex = _named(attributes[_VERTEX_ATTRIBUTES], source)
    edge = _named(attributes[_EDGE_ATTRIBUTES], source)
    employees = _employees(vertex, source)
    messages = pl.DataFrame(
        {
            "time": _strings(_field(edge, "Time", source), source),
            "from_id": _integers(graph[_FROM], "from", source),
            "to_id": _integers(graph[_TO], "to", source),
            "reciptype": _strings(_field(edge, "Reciptype", source), source),
            "topic": _integers(_field(edge, "Topic", source), "Topic", source),
            "ldc_topic": _integers(_field(edge, "LDC_topic", source), "LDC_topic", source),
        },
        schema={
            "time": pl.String,
            "from_id": pl.Int64,
            "to_id": pl.Int64,
            "reciptype": pl.String,
            "topic": pl.Int64,
            "ldc_topic": pl.Int64,
        },
    )
    return EnronTables(messages, employees, source, source, first_record=1)


def _rdata_parser() -> Any:
    try:
        return importlib.import_module("rdata.parser")
    except ImportError as exc:
        raise DatasetError(
            "reading enron.rda needs the optional 'rdata' package: "
            "pip install 'renown[datasets]' (or use the TSV conversion via RENOWN_DATA_HOME)"
        ) from exc


def _employees(vertex: dict[str, RObject], source: str) -> pl.DataFrame:
    emails = _strings(_field(vertex, "Email", source), source)
    names = _strings(_field(vertex, "Name", source), source)
    if len(names) != len(emails):
        raise DatasetError(f"{source}: vertex attributes Email and Name differ in length")
    locals_: list[str | None] = [None if e is None else e.split("@", 1)[0] for e in emails]
    return pl.DataFrame(
        {
            "id": list(range(len(emails))),
            "email_local": locals_,
            "name": [None if n in (None, MISSING_NAME) else n for n in names],
        },
        schema={"id": pl.Int64, "email_local": pl.String, "name": pl.String},
    )


def _resolve(obj: RObject) -> RObject:
    """Follow R serialisation back-references to the object they stand for."""
    while obj.info.type.name == "REF":
        obj = obj.referenced_object
    return obj


def _symbol(obj: RObject) -> str | None:
    obj = _resolve(obj)
    if obj is None or obj.info.type.name != "SYM":
        return None
    return _char(_resolve(obj.value))


def _char(obj: RObject) -> str | None:
    raw = obj.value
    if raw is None:
        return None
    encoding = "latin-1" if obj.info.gp & _LATIN1_FLAG else "utf-8"
    return bytes(raw).decode(encoding)


def _pairs(pairlist: RObject) -> list[tuple[str | None, RObject]]:
    pairs: list[tuple[str | None, RObject]] = []
    node = _resolve(pairlist)
    while node is not None and node.info.type.name == "LIST":
        tag = None if node.tag is None else _symbol(node.tag)
        pairs.append((tag, node.value[0]))
        node = _resolve(node.value[1])
    return pairs


def _variable(root: RObject, name: str, source: str) -> RObject:
    for tag, value in _pairs(root):
        if tag == name:
            return _resolve(value)
    raise DatasetError(f"{source}: no R variable named {name!r}")


def _elements(obj: RObject, source: str) -> list[RObject]:
    obj = _resolve(obj)
    if obj.info.type.name != "VEC":
        raise DatasetError(f"{source}: expected an R list, found {obj.info.type.name}")
    return [_resolve(item) for item in obj.value]


def _named(obj: RObject, source: str) -> dict[str, RObject]:
    items = _elements(obj, source)
    names: list[str | None] = []
    if obj.attributes is not None:
        for tag, value in _pairs(obj.attributes):
            if tag == "names":
                names = _strings(value, source)
    if len(names) != len(items):
        raise DatasetError(f"{source}: an igraph attribute list has no names")
    return {str(name): item for name, item in zip(names, items, strict=True)}


def _field(attributes: dict[str, RObject], name: str, source: str) -> RObject:
    try:
        return attributes[name]
    except KeyError:
        found = ", ".join(sorted(attributes))
        raise DatasetError(f"{source}: no igraph attribute {name!r} (found {found})") from None


def _strings(obj: RObject, source: str) -> list[str | None]:
    obj = _resolve(obj)
    if obj.info.type.name != "STR":
        raise DatasetError(f"{source}: expected a character vector, found {obj.info.type.name}")
    return [_char(_resolve(item)) for item in obj.value]


def _integers(obj: RObject, field: str, source: str) -> list[int]:
    obj = _resolve(obj)
    if obj.info.type.name not in ("REAL", "INT"):
        raise DatasetError(f"{source}: {field} is not numeric ({obj.info.type.name})")
    values = np.ma.filled(np.ma.asarray(obj.value, dtype=np.float64), np.nan)
    bad = ~np.isfinite(values) | (values != np.round(values))
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        raise InputError(source, f"not an integer: {values[index]}", line=index + 1, field=field)
    return [int(v) for v in values.astype(np.int64)]
