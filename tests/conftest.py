"""Shared helpers: build real PDFs and read them back (pypdfium2, pikepdf)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from typer.testing import CliRunner

from pamphlet.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = Path(__file__).parent.parent / "content"
PT_PER_MM = 72 / 25.4


def run_cli(*args: str, cwd: Path | None = None):
    """Invoke the CLI in-process; returns the click Result (exit_code, stdout, stderr)."""
    import os

    runner = CliRunner()
    old = Path.cwd()
    if cwd:
        os.chdir(cwd)
    try:
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    finally:
        os.chdir(old)


def page_texts(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def page_sizes_mm(path: Path) -> list[tuple[float, float]]:
    with pikepdf.open(path) as pdf:
        out = []
        for page in pdf.pages:
            box = page.trimbox if "/TrimBox" in page.obj else page.mediabox
            x0, y0, x1, y1 = (float(v) for v in box)
            out.append((round((x1 - x0) / PT_PER_MM, 1), round((y1 - y0) / PT_PER_MM, 1)))
        return out


def fonts_in(path: Path) -> dict[str, bool]:
    """Every font's base name → whether its program is embedded."""
    found: dict[str, bool] = {}
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                name = str(obj.get("/FontName"))
                found[name] = any(k in obj for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def text_boxes(path: Path, page_index: int, needle: str) -> list[tuple[float, float, float, float]]:
    """Boxes (left, bottom, right, top in pt) where ``needle`` occurs on a page."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        tp = pdf[page_index].get_textpage()
        searcher = tp.search(needle, match_case=False)
        boxes = []
        while (hit := searcher.get_next()) is not None:
            start, count = hit
            rects = [tp.get_charbox(i) for i in range(start, start + count)]
            boxes.append((min(r[0] for r in rects), min(r[1] for r in rects),
                          max(r[2] for r in rects), max(r[3] for r in rects)))
        return boxes
    finally:
        pdf.close()


def copy_project(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


@pytest.fixture(scope="session")
def example_build(tmp_path_factory) -> Path:
    """The bundled example, English, leaflet + booklet, built once per session."""
    out = tmp_path_factory.mktemp("example")
    result = run_cli("build", EXAMPLE, "-L", "en", "-l", "leaflet", "-l", "booklet", "-o", out)
    assert result.exit_code == 0, result.output
    return out
