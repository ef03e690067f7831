"""Regenerate the README pictures from the bundled example: .venv/bin/python docs/pictures.py

``docs/pictures.py street`` makes only docs/posters.md's (the poster, its tiles, the placards).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

DOCS = Path(__file__).resolve().parent


def page(pdf: Path, index: int, width: int) -> Image.Image:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        img = doc[index].render(scale=3).to_pil().convert("RGB")
    finally:
        doc.close()
    img.thumbnail((width, width * 2))
    return img


def side_by_side(images: list[Image.Image], gap: int = 24) -> Image.Image:
    w = sum(i.width for i in images) + gap * (len(images) - 1)
    h = max(i.height for i in images)
    out = Image.new("RGB", (w, h), "#d9d9d9")
    x = 0
    for img in images:
        out.paste(img, (x, 0))
        x += img.width + gap
    return out


def street(out: Path) -> None:
    """docs/posters.md: the English and Arabic posters, the tiles' assembly map beside tile A1, two placards."""
    side_by_side([page(out / f"solidarity-{lang}-poster.pdf", 0, 420) for lang in ("en", "ar")]
                 ).save(DOCS / "poster-en-ar.png", optimize=True)
    tiles = out / "solidarity-en-poster-tiles.pdf"
    side_by_side([page(tiles, 0, 480), page(tiles, 1, 480)]).save(DOCS / "poster-tiles.png", optimize=True)
    placards = out / "solidarity-en-placard.pdf"
    side_by_side([page(placards, 0, 520), page(placards, 3, 520)]).save(DOCS / "placard-en.png", optimize=True)


def main() -> None:
    if sys.argv[1:] == ["street"]:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, "-m", "pamphlet", "build", "--example", "-L", "en", "-L", "ar",
                            "-l", "poster", "-l", "placard", "-o", tmp, "-j", "2"], check=True, capture_output=True)
            street(Path(tmp))
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        subprocess.run([sys.executable, "-m", "pamphlet", "build", "--example", "-L", "en", "-L", "ar",
                        "-l", "all", "-o", str(out), "-j", "2"], check=True, capture_output=True)
        page(out / "solidarity-en-leaflet.pdf", 0, 700).save(DOCS / "leaflet-en.png", optimize=True)
        side_by_side([page(out / "solidarity-en-leaflet.pdf", 0, 520), page(out / "solidarity-ar-leaflet.pdf", 0, 520)]
                     ).save(DOCS / "leaflet-en-ar.png", optimize=True)
        page(out / "solidarity-en-zine-print.pdf", 0, 1000).save(DOCS / "zine-print.png", optimize=True)
        side_by_side([page(out / "solidarity-en-trifold-print.pdf", i, 640) for i in (0, 1)]
                     ).save(DOCS / "trifold-print.png", optimize=True)
        side_by_side([page(out / "solidarity-en-booklet-print.pdf", i, 560) for i in (0, 1)]
                     ).save(DOCS / "booklet-print.png", optimize=True)
        side_by_side([page(out / "solidarity-en-handbill-print.pdf", i, 420) for i in (0, 1)]
                     ).save(DOCS / "handbill-print.png", optimize=True)
        # A 25-word notice: the leaflet with its free space shared out, the handbill on one side.
        notice = DOCS.parent / "tests" / "fixtures" / "notice"
        subprocess.run([sys.executable, "-m", "pamphlet", "build", str(notice), "-l", "leaflet", "-l", "handbill",
                        "-o", str(out / "notice"), "-j", "2"], check=True, capture_output=True)
        side_by_side([page(out / "notice" / "notice-en-leaflet.pdf", 0, 420),
                      page(out / "notice" / "notice-en-handbill-print.pdf", 0, 420)]
                     ).save(DOCS / "short-notice.png", optimize=True)
        street(out)  # -l all built the posters and placards too


if __name__ == "__main__":
    main()
