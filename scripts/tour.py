"""The README tour's pictures, composed from what ``make screenshots`` saved.

The tour shows three views a newcomer should recognise when they first sign in: HR's home
page, a promotion round's 9-box and three pages on a phone. Composing them from the
screenshots (rather than keeping hand-made images) means one command brings the README up
to date whenever the pages change:

    python -m scripts.screenshots --roles hr,employee
    python -m scripts.tour screenshots docs/images
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Final

from PIL import Image

DESKTOP_HEIGHT: Final = 900
"""Pixels of a desktop page kept from the top: what a laptop shows without scrolling."""
PHONE_HEIGHT: Final = 1640
"""Pixels of a phone page kept from the top (two screens of a 390 px wide phone)."""
PHONE_GAP: Final = 16
"""Pixels between the phone pages set side by side."""
HALF: Final = 2
"""The phone pictures are shown at half size so three fit the README's width."""

DESKTOP: Final = {
    "tour-home.png": ("hr", "home"),
    "tour-ninebox.png": ("hr", "talent-ninebox"),
}
"""README picture -> (role, page) of the desktop screenshot it is cut from."""
PHONE: Final = ("employee", ("home", "profile", "leaderboard"))
"""The role and pages set side by side in ``tour-phone.png``."""


def shot(screenshots: Path, role: str, viewport: str, page: str) -> Path:
    """The screenshot of ``page`` for ``role`` at ``viewport`` (files are numbered)."""
    matches = sorted((screenshots / role / viewport).glob(f"[0-9][0-9]-{page}.png"))
    if not matches:
        raise FileNotFoundError(f"no {viewport} screenshot of {page} for {role} in {screenshots}")
    return matches[0]


def top(path: Path, height: int) -> Image.Image:
    """The first ``height`` pixels of a full-page screenshot."""
    with Image.open(path) as image:
        return image.crop((0, 0, image.width, min(height, image.height))).convert("RGB")


def phone_strip(screenshots: Path) -> Image.Image:
    """The phone pages side by side at half size, on white."""
    role, pages = PHONE
    parts = [top(shot(screenshots, role, "phone", page), PHONE_HEIGHT) for page in pages]
    parts = [p.resize((p.width // HALF, p.height // HALF), Image.Resampling.LANCZOS) for p in parts]
    width = sum(p.width for p in parts) + PHONE_GAP * (len(parts) - 1)
    strip = Image.new("RGB", (width, max(p.height for p in parts)), "white")
    left = 0
    for part in parts:
        strip.paste(part, (left, 0))
        left += part.width + PHONE_GAP
    return strip


def compose(screenshots: Path, out: Path) -> list[Path]:
    """Write the tour's pictures into ``out``; the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (role, page) in DESKTOP.items():
        picture = top(shot(screenshots, role, "desktop", page), DESKTOP_HEIGHT)
        picture.save(out / name, optimize=True)
        written.append(out / name)
    phone_strip(screenshots).save(out / "tour-phone.png", optimize=True)
    written.append(out / "tour-phone.png")
    return written


def main(argv: list[str] | None = None) -> int:
    """Compose the tour's pictures; print the files written."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("screenshots", type=Path, help="the folder make screenshots wrote")
    parser.add_argument("out", type=Path, help="where the README's pictures live")
    args = parser.parse_args(argv)
    try:
        written = compose(args.screenshots, args.out)
    except FileNotFoundError as missing:
        print(f"{missing}: run 'make screenshots' first", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
