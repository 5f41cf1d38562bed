"""The package's top level stays small and deliberate."""

import renown


def test_public_surface_is_exactly_what_is_documented() -> None:
    assert sorted(renown.__all__) == [
        "Explanation",
        "ProminenceModel",
        "ScoringResult",
        "__version__",
        "build_graph",
        "score_events",
    ]
    for name in renown.__all__:
        assert getattr(renown, name) is not None


def test_version_is_a_release_string() -> None:
    major, minor, patch = renown.__version__.split(".")
    assert major.isdigit() and minor.isdigit() and patch.isdigit()
