"""``JobChangeModel``: calibrated job-change probabilities, each with its reasons in words.

The model is additive in log-odds and therefore exactly explainable: a recruiter sees which
facts about a person moved the estimate, by how much, and the contributions add up to the
estimate itself (no sampling, no approximation). It averages two additive parts fitted on
the same encoded table (:mod:`renown.radar.tabular`):

* a boosted part (:mod:`renown.radar.additive`): shapes per feature and per pair among the
  most important features, read out as tables;
* a ridge logistic part (:mod:`renown.radar.linear`).

The average is calibrated by Platt scaling, ``a·z + b``, fitted on out-of-fold scores of the
whole pipeline (cross-fitted), so a stated 30 % means about 30 % on new rows rather than on
rows the model memorised. A feature's contribution is ``a`` times its share of the average;
a pair's table is split half to each of its features.

Once fitted, the model is the tables (:mod:`renown.radar.model_tables`, which also holds the
fitting and calibration pipeline; reasons are worded by :mod:`renown.radar.model_words`):
predicting needs no scikit-learn, and :meth:`save`
writes plain JSON (no pickle, which would run code from an untrusted file). :meth:`load`
refuses other formats, versions and inconsistent shapes with a clear error.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, Self

import numpy as np
import numpy.typing as npt
import polars as pl
from sklearn.base import BaseEstimator, ClassifierMixin

from renown.radar.additive import BoostingParams
from renown.radar.linear import LinearTerm
from renown.radar.model_tables import (
    ModelTables,
    calibrated,
    fit_uncalibrated,
    platt,
    sigmoid,
)
from renown.radar.model_words import Reason, as_frame, reason_for, shown_values
from renown.radar.tabular import (
    Encoding,
    NumericColumn,
)
from renown.radar.threads import one_thread

FloatArray = npt.NDArray[np.float64]

FORMAT: Final = "renown.radar.JobChangeModel"
FORMAT_VERSION: Final = 1


class ModelFileError(ValueError):
    """A saved model that is not one this version of renown wrote, or was altered."""


class JobChangeModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Calibrated, exactly explainable probability that a person changes jobs.

    Parameters
    ----------
    categorical:
        Columns to treat as categorical even when every value is a number.
    pairs:
        How many of the most important features may interact pairwise in the boosted part
        (0: no interactions).
    bags:
        Boosted fits averaged (different early-stopping splits), for stabler shapes. Averaging
        only removes variance, so more is better up to the fit time; 10 keeps most of the gain
        (the variance left falls as 1/bags) for about 10/3 the boosting time of 3 bags.
    learning_rate, max_rounds:
        Of the boosted part (rounds stop early on a held-out fifth of the training rows).
    cv:
        Folds of the cross-fitting behind the calibration and of the inner search of the
        logistic part's penalty.
    random_state:
        Seed of every split and bag: the same table gives the same model.
    """

    def __init__(
        self,
        *,
        categorical: Sequence[str] | None = None,
        pairs: int = 5,
        bags: int = 10,
        learning_rate: float = 0.03,
        max_rounds: int = 3000,
        cv: int = 5,
        random_state: int = 0,
    ) -> None:
        self.categorical = categorical
        self.pairs = pairs
        self.bags = bags
        self.learning_rate = learning_rate
        self.max_rounds = max_rounds
        self.cv = cv
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        """Binary only; missing values and text columns are the point of the model."""
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags

    # -- fitting -------------------------------------------------------------------------

    def fit(self, X: Any, y: Any) -> Self:
        """Fit on the table ``X`` (polars, pandas or a 2-D array) and binary labels ``y``.

        Raises
        ------
        ValueError
            When ``y`` does not have exactly two classes, lengths differ, or no column of
            ``X`` varies.
        """
        if y is None:
            raise ValueError("JobChangeModel requires y to be passed, but the target y is None")
        frame = as_frame(X, None)
        if frame.width == 0:
            raise ValueError(
                f"0 feature(s) (shape=({frame.height}, 0)) while a minimum of 1 is required."
            )
        labels = np.asarray(y)
        if labels.ndim != 1 or labels.shape[0] != frame.height:
            raise ValueError(f"y has {labels.shape} labels for a table of {frame.height} rows")
        from sklearn.utils.multiclass import type_of_target

        kind = type_of_target(labels)
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"Unknown label type: {kind}; the label must be binary (0/1, yes/no)")
        classes = np.unique(labels)
        if classes.size > 2:
            raise ValueError(
                f"Only binary classification is supported. The type of the target is {kind}: "
                f"the label has {classes.size} classes ({classes.tolist()[:3]}…)"
            )
        if classes.size != 2:
            raise ValueError(
                f"the label has {classes.size} class(es) ({classes.tolist()[:3]}); a job-change "
                "model needs rows of people who moved and of people who stayed"
            )
        target = (labels == classes[1]).astype(np.int64)
        minority = int(min(target.sum(), target.size - target.sum()))
        if minority < self.cv:
            raise ValueError(
                f"only {minority} row(s) of the rarer class; need at least cv={self.cv}"
            )
        with one_thread():
            return self._fit(frame, labels, classes, target)

    def _fit(
        self,
        frame: pl.DataFrame,
        labels: npt.NDArray[Any],
        classes: npt.NDArray[Any],
        target: npt.NDArray[np.int64],
    ) -> Self:
        params = self._boosting()
        categorical = tuple(self.categorical or ())
        # Out-of-fold scores of the whole pipeline: what calibration must map to truth.
        from sklearn.model_selection import StratifiedKFold

        splitter = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
        scores = np.empty((frame.height, 2))
        for fold, (train, test) in enumerate(splitter.split(np.zeros(frame.height), target)):
            part = fit_uncalibrated(
                frame[train], target[train], categorical, params, self.cv, self.random_state + fold
            )
            scores[test] = part.parts(frame[test])
        # The two parts are averaged, then calibrated: a·(boost + linear)/2 + b. (Stacking
        # them with two learned weights was measured worse in ROC-AUC on both benchmarks.)
        a, b = platt(scores.mean(axis=1), target)
        w_boost = w_linear = a / 2.0
        whole = fit_uncalibrated(frame, target, categorical, params, self.cv, self.random_state)
        self.tables_ = calibrated(whole, w_boost, w_linear, b, frame)
        self.classes_ = classes
        self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
        self.n_features_in_ = len(frame.columns)
        return self

    def _boosting(self) -> BoostingParams:
        return BoostingParams(
            learning_rate=self.learning_rate,
            max_rounds=self.max_rounds,
            bags=self.bags,
            pairs=self.pairs,
        )

    # -- predicting ----------------------------------------------------------------------

    def _fitted(self) -> ModelTables:
        tables: ModelTables | None = getattr(self, "tables_", None)
        if tables is None:
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("this JobChangeModel is not fitted yet; call fit or load")
        return tables

    def decision_function(self, X: Any) -> FloatArray:
        """The calibrated log-odds of each row."""
        tables = self._fitted()
        return tables.logit(as_frame(X, self.feature_names_in_))

    def predict_proba(self, X: Any) -> FloatArray:
        """Calibrated probabilities, shape (n, 2): column 1 is ``classes_[1]`` (a move)."""
        positive = sigmoid(self.decision_function(X))
        return np.column_stack([1.0 - positive, positive])

    def predict(self, X: Any) -> npt.NDArray[Any]:
        """``classes_[1]`` where the probability exceeds one half."""
        positive = self.decision_function(X) > 0.0
        return np.asarray(self.classes_[positive.astype(np.int64)])

    def contributions(self, X: Any) -> pl.DataFrame:
        """One column per feature (calibrated log-odds) and ``intercept``; each row sums to
        the row's calibrated logit (:meth:`decision_function`)."""
        tables = self._fitted()
        values = tables.contributions(as_frame(X, self.feature_names_in_))
        data = {name: values[:, j] for j, name in enumerate(tables.encoding.names)}
        data["intercept"] = np.full(values.shape[0], tables.intercept)
        return pl.DataFrame(data)

    def reasons(self, X: Any, top: int = 3) -> list[tuple[Reason, ...]]:
        """The ``top`` features that moved each row's estimate most, in words."""
        tables = self._fitted()
        frame = as_frame(X, self.feature_names_in_)
        values = tables.contributions(frame)
        shown = [shown_values(frame, column) for column in tables.encoding.columns]
        names = tables.encoding.names
        out: list[tuple[Reason, ...]] = []
        for i in range(values.shape[0]):
            order = sorted(range(len(names)), key=lambda j: (-abs(values[i, j]), names[j]))
            out.append(
                tuple(
                    reason_for(names[j], shown[j][i], float(values[i, j]))
                    for j in order[:top]
                    if values[i, j] != 0.0
                )
            )
        return out

    @property
    def encoding_(self) -> Encoding:
        """The encoding learned on the training rows."""
        return self._fitted().encoding

    @property
    def importance_(self) -> dict[str, float]:
        """Mean absolute contribution of each feature on the training rows (log-odds)."""
        tables = self._fitted()
        return dict(zip(tables.encoding.names, tables.importance, strict=True))

    @property
    def notes_(self) -> tuple[str, ...]:
        """What fitting decided that a user should know (dropped columns, the penalty)."""
        return self._fitted().notes

    # -- saving --------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The fitted model as plain JSON-ready data, with its format and version."""
        tables = self._fitted()
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "params": {**self.get_params(), "categorical": list(self.categorical or [])},
            "classes": self.classes_.tolist(),
            "feature_names_in": [str(name) for name in self.feature_names_in_],
            "encoding": tables.encoding.to_dict(),
            "intercept": tables.intercept,
            "main": [table.tolist() for table in tables.main],
            "linear": [
                None if term is None else [term.slope, term.offset, term.missing]
                for term in tables.linear
            ],
            "pairs": [
                {"features": [j, k], "table": table.tolist()}
                for (j, k), table in tables.pairs.items()
            ],
            "calibration": list(tables.calibration),
            "importance": list(tables.importance),
            "notes": list(tables.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobChangeModel:
        """Rebuild a model from :meth:`to_dict`.

        Raises
        ------
        ModelFileError
            On another format or version, or tables that do not fit the encoding.
        """
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelFileError(f"not a saved job-change model (expected format {FORMAT!r})")
        if data.get("version") != FORMAT_VERSION:
            raise ModelFileError(
                f"model file version {data.get('version')!r} is not supported "
                f"(this renown reads version {FORMAT_VERSION}); refit the model"
            )
        try:
            return _rebuild(cls, data)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelFileError(f"the model file is damaged or altered: {exc}") from None

    def save(self, path: Path) -> None:
        """Write the model as JSON (tables only; nothing executable)."""
        path.write_text(json.dumps(self.to_dict(), allow_nan=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> JobChangeModel:
        """Read a model written by :meth:`save`.

        Raises
        ------
        ModelFileError
            When the file is not JSON or not a model this renown can read.
        """
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelFileError(f"{path}: not a JSON model file ({exc})") from None
        return cls.from_dict(data)


def _rebuild(cls: type[JobChangeModel], data: dict[str, Any]) -> JobChangeModel:
    params = dict(data["params"])
    params["categorical"] = list(params["categorical"]) or None
    model = cls(**params)
    encoding = Encoding.from_dict(data["encoding"])
    columns = encoding.columns
    main = tuple(_finite(np.asarray(table, dtype=np.float64)) for table in data["main"])
    if len(main) != len(columns) or any(
        t.shape != (c.n_codes,) for t, c in zip(main, columns, strict=True)
    ):
        raise ValueError("the feature tables do not match the encoding")
    linear: list[LinearTerm | None] = []
    for column, term in zip(columns, data["linear"], strict=True):
        if isinstance(column, NumericColumn):
            slope, offset, missing = (float(v) for v in term)
            _finite(np.array([slope, offset, missing]))
            linear.append(LinearTerm(slope, offset, missing))
        elif term is not None:
            raise ValueError("a categorical feature has a linear term")
        else:
            linear.append(None)
    pairs: dict[tuple[int, int], FloatArray] = {}
    for item in data["pairs"]:
        j, k = (int(v) for v in item["features"])
        table = _finite(np.asarray(item["table"], dtype=np.float64))
        if not 0 <= j < k < len(columns) or table.shape != (
            columns[j].n_codes,
            columns[k].n_codes,
        ):
            raise ValueError(f"pair table ({j}, {k}) does not match the encoding")
        pairs[(j, k)] = table
    w_boost, w_linear, b = (float(v) for v in data["calibration"])
    importance = tuple(float(v) for v in data["importance"])
    if len(importance) != len(columns):
        raise ValueError("the importance list does not match the encoding")
    names = [str(name) for name in data["feature_names_in"]]
    missing_names = set(encoding.names) - set(names)
    if missing_names:
        raise ValueError(f"features {sorted(missing_names)} are not among the input names")
    model.tables_ = ModelTables(
        encoding,
        float(data["intercept"]),
        main,
        tuple(linear),
        pairs,
        (w_boost, w_linear, b),
        importance,
        tuple(str(note) for note in data["notes"]),
    )
    classes = data["classes"]
    if not isinstance(classes, list) or len(classes) != 2:
        raise ValueError("a model has exactly two classes")
    model.classes_ = np.asarray(classes)
    model.feature_names_in_ = np.asarray(names, dtype=object)
    model.n_features_in_ = len(names)
    return model


def _finite(values: FloatArray) -> FloatArray:
    if not np.all(np.isfinite(values)):
        raise ValueError("a table holds a value that is not a finite number")
    return values
