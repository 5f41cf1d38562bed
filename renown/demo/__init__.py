"""Deterministic synthetic organisation for ``make demo``, tests and benchmarks."""

from renown.demo.org import SyntheticOrg, generate_org, inject_collusion_rings

__all__ = ["SyntheticOrg", "generate_org", "inject_collusion_rings"]
