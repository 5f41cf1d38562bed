"""The README tour's pictures are cut and set side by side from the screenshot folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from scripts.tour import DESKTOP_HEIGHT, PHONE_GAP, compose, main


def _page(folder: Path, role: str, viewport: str, name: str, size: tuple[int, int]) -> None:
    target = folder / role / viewport
    target.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, "navy").save(target / f"07-{name}.png")


def test_the_tour_is_cut_from_the_screenshots(tmp_path: Path) -> None:
    shots = tmp_path / "screenshots"
    _page(shots, "hr", "desktop", "home", (1360, 2000))
    _page(shots, "hr", "desktop", "talent-ninebox", (1360, 700))
    for name in ("home", "profile", "leaderboard"):
        _page(shots, "employee", "phone", name, (390, 3000))

    written = compose(shots, tmp_path / "images")

    assert sorted(p.name for p in written) == [
        "tour-home.png",
        "tour-ninebox.png",
        "tour-phone.png",
    ]
    with Image.open(tmp_path / "images" / "tour-home.png") as home:
        assert home.size == (1360, DESKTOP_HEIGHT)
    with Image.open(tmp_path / "images" / "tour-ninebox.png") as ninebox:
        assert ninebox.size == (1360, 700)  # a short page is kept whole
    with Image.open(tmp_path / "images" / "tour-phone.png") as phone:
        assert phone.size == (3 * 195 + 2 * PHONE_GAP, 820)
        assert phone.getpixel((195 + PHONE_GAP // 2, 10)) == (255, 255, 255)


def test_a_missing_screenshot_says_what_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "nothing"), str(tmp_path / "images")]) == 1
    assert "no desktop screenshot of home for hr" in capsys.readouterr().err
    assert not (tmp_path / "images" / "tour-phone.png").exists()
