"""``TimeToMoveModel``: when someone is likely to move, not only whether.

A yes/no label throws away what dates tell: a person who stayed ten years and one hired last
month are both "stayed" today, yet only the first has shown they stay. A proportional hazards
model (Cox) uses each person's time observed and whether the move happened (``event``) or
the observation simply ended (censored): ``h(t | x) = h0(t) · exp(β·x)``.

* Design: the same encoded table as :class:`renown.radar.JobChangeModel`
  (:mod:`renown.radar.tabular`): numeric columns imputed, clipped and standardised with a
  missing indicator, categorical columns one-hot.
* Fit: Breslow's partial likelihood for tied times with an L2 penalty ``alpha/2 · |β|²``
  (standardised columns, so one penalty fits all), maximised by L-BFGS with the exact
  gradient (scipy; no new dependency).
* Baseline: Breslow's cumulative hazard at the event times, so survival curves, the
  probability of a move within a horizon and the median time to move follow.

Durations may be in any unit (days, years); horizons are in the same unit. Saved as JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final, Self

import numpy as np
import numpy.typing as npt
import polars as pl

from renown.radar.additive import integer_codes
from renown.radar.linear import design_matrix
from renown.radar.tabular import Encoding, learn_encoding
from renown.radar.threads import one_thread

FloatArray = npt.NDArray[np.float64]

FORMAT: Final = "renown.radar.TimeToMoveModel"
FORMAT_VERSION: Final = 1


class TimeToMoveModel:
    """Cox proportional hazards with a Breslow baseline and an L2 penalty.

    Parameters
    ----------
    alpha:
        Strength of the L2 penalty on the standardised coefficients.
    categorical:
        Columns to treat as categorical even when numeric.
    """

    def __init__(self, *, alpha: float = 1.0, categorical: list[str] | None = None) -> None:
        self.alpha = alpha
        self.categorical = categorical

    def fit(self, X: pl.DataFrame, durations: Any, events: Any) -> Self:
        """Fit on the table ``X``, each row's observed time and whether it ended in a move.

        Raises
        ------
        ValueError
            On negative or missing durations, lengths that differ, or no event at all.
        """
        times = np.asarray(durations, dtype=np.float64)
        happened = np.asarray(events).astype(bool)
        if times.shape != (X.height,) or happened.shape != (X.height,):
            raise ValueError(f"durations and events need one value per row ({X.height})")
        if not np.all(np.isfinite(times)) or np.any(times < 0):
            raise ValueError("durations must be finite and not negative")
        if not happened.any():
            raise ValueError("no row ends in a move: a time-to-move model needs some moves")
        self.encoding_ = learn_encoding(X, categorical=tuple(self.categorical or ()))
        raw = self._raw(X)
        self.mean_ = raw.mean(axis=0)
        scale = raw.std(axis=0)
        scale[scale == 0.0] = 1.0
        self.scale_ = scale
        design = (raw - self.mean_) / self.scale_
        with one_thread():
            self.coef_ = _fit_cox(design, times, happened, self.alpha)
        risk = np.exp(design @ self.coef_)
        self.event_times_, self.baseline_hazard_ = _breslow(times, happened, risk)
        return self

    def _raw(self, X: pl.DataFrame) -> FloatArray:
        codes = integer_codes(self.encoding_, self.encoding_.codes(X))
        return design_matrix(self.encoding_, X, codes)

    def risk_score(self, X: pl.DataFrame) -> FloatArray:
        """``β·x``: higher means an earlier move (the log of the hazard ratio to a typical
        row)."""
        return np.asarray(((self._raw(X) - self.mean_) / self.scale_) @ self.coef_)

    def predict_survival(self, X: pl.DataFrame, times: Any) -> FloatArray:
        """Probability of still not having moved at each of ``times`` (rows × times)."""
        at = np.atleast_1d(np.asarray(times, dtype=np.float64))
        cumulative = self._baseline_at(at)
        return np.asarray(np.exp(-np.exp(self.risk_score(X))[:, None] * cumulative[None, :]))

    def probability_of_move_within(self, X: pl.DataFrame, days: float) -> FloatArray:
        """Probability of a move within ``days`` (in the durations' unit) from time zero."""
        return np.asarray(1.0 - self.predict_survival(X, [days])[:, 0])

    def median_time_to_move(self, X: pl.DataFrame) -> FloatArray:
        """The first event time at which survival drops to one half; ``inf`` when it never
        does within the observed times (most people are not expected to move)."""
        survival = self.predict_survival(X, self.event_times_)
        below = survival <= 0.5
        first = np.argmax(below, axis=1)
        return np.where(below.any(axis=1), self.event_times_[first], np.inf)

    def concordance(self, X: pl.DataFrame, durations: Any, events: Any) -> float:
        """Harrell's C of the risk scores against observed times (0.5 = chance)."""
        return harrell_c(self.risk_score(X), durations, events)

    def _baseline_at(self, times: FloatArray) -> FloatArray:
        index = np.searchsorted(self.event_times_, times, side="right") - 1
        cumulative = np.cumsum(self.baseline_hazard_)
        return np.where(index >= 0, cumulative[np.maximum(index, 0)], 0.0)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data with format and version."""
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "params": {"alpha": self.alpha, "categorical": list(self.categorical or [])},
            "encoding": self.encoding_.to_dict(),
            "mean": self.mean_.tolist(),
            "scale": self.scale_.tolist(),
            "coef": self.coef_.tolist(),
            "event_times": self.event_times_.tolist(),
            "baseline_hazard": self.baseline_hazard_.tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TimeToMoveModel:
        """Rebuild from :meth:`to_dict`; refuses other formats, versions and shapes."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a saved time-to-move model (expected format {FORMAT!r})")
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(
                f"model file version {data.get('version')!r} is not supported "
                f"(this renown reads version {FORMAT_VERSION}); refit the model"
            )
        try:
            model = cls(
                alpha=float(data["params"]["alpha"]),
                categorical=list(data["params"]["categorical"]) or None,
            )
            model.encoding_ = Encoding.from_dict(data["encoding"])
            width = sum(
                2 if column.kind == "numeric" else column.n_codes
                for column in model.encoding_.columns
            )
            arrays = [np.asarray(data[key], dtype=np.float64) for key in ("mean", "scale", "coef")]
            if any(array.shape != (width,) for array in arrays):
                raise ValueError("coefficients do not match the encoding")
            model.mean_, model.scale_, model.coef_ = arrays
            model.event_times_ = np.asarray(data["event_times"], dtype=np.float64)
            model.baseline_hazard_ = np.asarray(data["baseline_hazard"], dtype=np.float64)
            if model.event_times_.shape != model.baseline_hazard_.shape:
                raise ValueError("baseline hazard does not match its times")
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"the time-to-move model file is damaged or altered: {exc}") from None
        return model

    def save(self, path: Path) -> None:
        """Write the model as JSON."""
        path.write_text(json.dumps(self.to_dict(), allow_nan=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> TimeToMoveModel:
        """Read a model written by :meth:`save`."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: not a JSON model file ({exc})") from None
        return cls.from_dict(data)


def _fit_cox(
    design: FloatArray, times: FloatArray, events: npt.NDArray[np.bool_], alpha: float
) -> FloatArray:
    """Coefficients maximising Breslow's penalised partial likelihood."""
    from scipy.optimize import minimize

    order = np.argsort(-times, kind="stable")  # longest first: risk sets are prefixes
    x, t, d = design[order], times[order], events[order]
    # Rows tied in time share the risk set of the last row of their tie group.
    last_of_tie = np.searchsorted(-t, -t, side="right") - 1
    n_events = float(d.sum())

    def objective(beta: FloatArray) -> tuple[float, FloatArray]:
        eta = x @ beta
        shift = float(eta.max())
        w = np.exp(eta - shift)
        risk = np.cumsum(w)[last_of_tie]
        weighted = np.cumsum(w[:, None] * x, axis=0)[last_of_tie]
        loglik = float(np.sum(eta[d] - shift - np.log(risk[d])))
        gradient = np.sum(x[d] - weighted[d] / risk[d, None], axis=0)
        value = -loglik / n_events + 0.5 * alpha * float(beta @ beta) / n_events
        return value, np.asarray(-gradient / n_events + alpha * beta / n_events)

    result = minimize(
        objective,
        np.zeros(design.shape[1]),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 1000, "gtol": 1e-9},
    )
    return np.asarray(result.x, dtype=np.float64)


def _breslow(
    times: FloatArray, events: npt.NDArray[np.bool_], risk: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Breslow's baseline hazard increments at each distinct event time."""
    event_times = np.unique(times[events])
    order = np.argsort(times, kind="stable")
    sorted_times = times[order]
    at_risk = np.cumsum(risk[order][::-1])[::-1]  # Σ risk over times ≥ sorted_times[i]
    first = np.searchsorted(sorted_times, event_times, side="left")
    deaths = np.array([np.sum(events & (times == t)) for t in event_times], dtype=np.float64)
    return event_times, deaths / at_risk[first]


def harrell_c(risk: Any, durations: Any, events: Any) -> float:
    """Harrell's concordance: among pairs where the earlier time is a move, the share whose
    earlier mover has the higher risk (ties in risk count one half)."""
    score = np.asarray(risk, dtype=np.float64)
    times = np.asarray(durations, dtype=np.float64)
    happened = np.asarray(events).astype(bool)
    concordant = 0.0
    comparable = 0
    for i in np.flatnonzero(happened):
        later = times > times[i]
        comparable += int(later.sum())
        concordant += float(
            np.sum(score[i] > score[later]) + 0.5 * np.sum(score[i] == score[later])
        )
    if comparable == 0:
        raise ValueError("no comparable pairs: concordance needs a move before another time")
    return concordant / comparable


def cross_validated_concordance(
    X: pl.DataFrame,
    durations: Any,
    events: Any,
    *,
    folds: int = 5,
    repeats: int = 2,
    seed: int = 0,
) -> float:
    """Mean held-out Harrell's C of :class:`TimeToMoveModel` over repeated stratified folds
    (stratified by event)."""
    from sklearn.model_selection import RepeatedStratifiedKFold

    d = np.asarray(durations, dtype=np.float64)
    e = np.asarray(events).astype(bool)
    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    values = []
    for train, test in splitter.split(np.zeros(e.size), e):
        model = TimeToMoveModel().fit(X[train], d[train], e[train])
        values.append(model.concordance(X[test], d[test], e[test]))
    return float(np.mean(values))
