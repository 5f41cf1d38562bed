"""Validating the prominence score against labels an organisation trusts, and tuning it.

``metrics`` (AUC, Spearman, pairwise accuracy, precision at the top decile, with bootstrap
intervals), ``baselines`` (in-degree, PageRank, HITS... on the undecayed history),
``labels`` (reading and matching a labels file), ``validate`` (the one path from events or
scores to a :class:`~renown.validation.report.ValidationReport`), ``tune`` (cross-validated
non-negative weights) and ``realdata`` (the public data sets' labelled cases).
"""
