"""WEIGHTS.toml: component weights an organisation chose (usually by ``renown tune``), with
where they came from.

``[weights]`` maps component names to non-negative weights summing to 1; ``[provenance]``
records the labels file, the number of people, the folds and the held-out figures that
justified them, and the date, so that a run scored with the file can say why its weights are
what they are. Read with :mod:`tomllib`; written by hand (a flat table of numbers and
strings needs no library).
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from renown.core.errors import InputError
from renown.core.private import write_private
from renown.prominence.components import COMPONENTS
from renown.validation.tune import TuneOutcome, nonzero


@dataclass(frozen=True)
class WeightsFile:
    """The weights of a WEIGHTS.toml and its provenance table (as written)."""

    source: str
    weights: dict[str, float]
    provenance: dict[str, Any] = field(default_factory=dict)

    def metadata(self) -> dict[str, Any]:
        """What a scoring run records about the file."""
        return {
            "file": Path(self.source).name,
            "weights": dict(self.weights),
            "provenance": dict(self.provenance),
        }


def read_weights(path: Path) -> WeightsFile:
    """Read and check a WEIGHTS.toml.

    Raises
    ------
    InputError
        No such file, invalid TOML (with its line), no ``[weights]`` table, a component the
        registry does not know, a weight that is not a non-negative number, or no positive
        weight at all.
    """
    where = str(path)
    if not path.is_file():
        raise InputError(where, "no such file")
    return parse_weights(path.read_bytes(), source=where)


def parse_weights(data: bytes, *, source: str) -> WeightsFile:
    """The weights in the bytes of a WEIGHTS.toml called ``source`` (an upload's name, or a
    path), with the checks and errors of :func:`read_weights`."""
    where = source
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as error:
        # Python 3.14 gives the line as an attribute; earlier ones only say it in words
        found = re.search(r"at line (\d+)", str(error))
        line = getattr(error, "lineno", None) or (int(found.group(1)) if found else None)
        raise InputError(where, f"is not valid TOML ({error})", line=line) from None
    except UnicodeDecodeError:
        raise InputError(where, "is not UTF-8 text") from None
    table = document.get("weights")
    if not isinstance(table, dict) or not table:
        raise InputError(where, "needs a [weights] table of component = weight", field="weights")
    weights: dict[str, float] = {}
    for name, value in table.items():
        if name not in COMPONENTS:
            raise InputError(
                where,
                f"unknown component; known: {', '.join(sorted(COMPONENTS))}",
                field=f"weights.{name}",
            )
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(where, f"weight {value!r} is not a number", field=f"weights.{name}")
        if not math.isfinite(value) or value < 0:
            raise InputError(
                where, f"weight {value!r} must be a number >= 0", field=f"weights.{name}"
            )
        if value > 0 and not COMPONENTS[name].monotone:
            raise InputError(
                where,
                "only components that an extra message to a person can never lower may be "
                f"weighted; {name} is not one (sending volume or position would buy score)",
                field=f"weights.{name}",
            )
        weights[name] = float(value)
    if sum(weights.values()) <= 0:
        raise InputError(where, "at least one weight must be positive", field="weights")
    provenance = document.get("provenance", {})
    return WeightsFile(where, weights, provenance if isinstance(provenance, dict) else {})


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(round(float(value), 6)) if isinstance(value, float) else str(value)
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string


def weights_toml(outcome: TuneOutcome) -> str:
    """The WEIGHTS.toml text of a tuning outcome."""
    provenance = {
        "labels": Path(outcome.labels).name,
        "people": outcome.people,
        "folds": outcome.folds,
        "repeats": outcome.repeats,
        "seed": outcome.seed,
        "metric": outcome.metric,
        "default_heldout": outcome.default_heldout,
        "tuned_heldout": outcome.tuned_heldout,
        "gain": outcome.gain.value,
        "gain_low": outcome.gain.low,
        "gain_high": outcome.gain.high,
        "date": outcome.date,
    }
    lines = [
        "# Component weights fitted by 'renown tune'; use with 'renown score --weights'.",
        "[weights]",
    ]
    lines += [f"{name} = {_toml_value(w)}" for name, w in nonzero(outcome.weights).items()]
    lines += ["", "[provenance]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in provenance.items()]
    return "\n".join(lines) + "\n"


def write_weights(path: Path, outcome: TuneOutcome) -> None:
    """Write the WEIGHTS.toml of ``outcome`` to ``path``."""
    write_private(path, weights_toml(outcome))
