"""The README's pictures of the visual report: the English and Spanish samples' pages and a page comparing
two takes, written by `mockmic` as a user runs it and photographed in headless chromium (tests/browser.py).

    .venv/bin/python scripts/screenshots.py        # writes docs/report_en.png, docs/report_es.png, docs/compare.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.browser import open_page  # noqa: E402
from tests.helpers import SAMPLES, mockmic  # noqa: E402

DOCS = ROOT / "docs"
WIDTH = 1000  # a laptop's browser window


def run(home: Path, *args: str) -> None:
    result = mockmic(*args, home=home)
    if result.returncode:
        raise SystemExit(f"mockmic {' '.join(args)} failed: {result.stderr}")


def photograph(page_path: Path, picture: Path) -> None:
    with open_page(page_path) as (page, outside):
        page.set_viewport_size({"width": WIDTH, "height": 800})
        page.screenshot(path=str(picture), full_page=True)
        if outside:
            raise SystemExit(f"{page_path.name} asked for {outside}: a report must hold everything itself")
    print(f"{picture.relative_to(ROOT)}: {picture.stat().st_size / 1000:.0f} KB")


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        home = Path(directory)
        run(home, "analyze", str(SAMPLES / "rambling_flat.flac"), "--save")
        run(home, "analyze", str(SAMPLES / "concise_lively.flac"), "--save", "--html", str(home / "en.html"))
        run(home, "analyze", str(SAMPLES / "spanish_concise.flac"), "--html", str(home / "es.html"))
        run(home, "compare", "1", "2", "--html", str(home / "compare.html"))
        for name in ("en", "es", "compare"):
            picture = DOCS / ("compare.png" if name == "compare" else f"report_{name}.png")
            photograph(home / f"{name}.html", picture)


if __name__ == "__main__":
    main()
