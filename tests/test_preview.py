"""`pamphlet preview`: PNGs of every page and sheet side, one contact sheet per edition, sizes and counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from pamphlet.commands.preview import side_labels

from .conftest import FIXTURES, page_sizes_mm, run_cli

MM = 1 / 25.4


def px(mm: float, dpi: int) -> int:
    return round(mm * MM * dpi)


@pytest.fixture(scope="session")
def previewed(tmp_path_factory) -> tuple[Path, list[str], str]:
    """The mini fixture as leaflet, booklet and zine, previewed once: (work folder, printed paths, stderr)."""
    work = tmp_path_factory.mktemp("preview")
    shutil.copytree(FIXTURES / "mini", work / "proj")
    result = run_cli("preview", "-l", "leaflet", "-l", "booklet", "-l", "zine", cwd=work / "proj")
    assert result.exit_code == 0, result.output
    return work / "proj", result.stdout.split(), result.stderr


def test_every_printed_path_exists_and_nothing_else_was_written(previewed):
    proj, paths, _ = previewed
    assert paths and all((proj / p).is_file() for p in paths)
    written = sorted(str(p.relative_to(proj)) for p in (proj / "preview").rglob("*.png"))
    assert sorted(paths) == written
    # the PDFs were built into dist/ first
    assert (proj / "dist" / "mini-en-zine-print.pdf").is_file()


@pytest.mark.parametrize(
    ("layout", "page_mm", "sheet_mm", "sides_per_sheet"),
    [
        ("leaflet", (210, 297), (210, 297), 2),
        ("booklet", (148.5, 210), (297, 210), 2),
        ("zine", (74.25, 105), (297, 210), 1),
    ],
)
def test_pages_and_sheet_sides_count_and_size(previewed, layout, page_mm, sheet_mm, sides_per_sheet):
    proj, _, _ = previewed
    reading = proj / "dist" / f"mini-en-{layout}.pdf"
    printer = proj / "dist" / f"mini-en-{layout}-print.pdf"
    pages = len(page_sizes_mm(reading))
    sides = len(page_sizes_mm(printer if printer.exists() else reading))
    assert pages == {"zine": 8}.get(layout, pages) and (layout != "booklet" or pages % 4 == 0)
    folder = proj / "preview" / f"mini-en-{layout}"
    page_files = sorted(folder.glob("page-*.png"))
    assert [p.name for p in page_files] == [f"page-{i:02d}.png" for i in range(1, pages + 1)]
    for p in page_files:
        with Image.open(p) as im:
            assert abs(im.width - px(page_mm[0], 96)) <= 1 and abs(im.height - px(page_mm[1], 96)) <= 1
    expected = [f"sheet-{k // sides_per_sheet + 1}" + ("" if sides_per_sheet == 1 or sides == 1 else
                                                         ("-front", "-back")[k % 2]) for k in range(sides)]
    assert sorted(p.stem for p in folder.glob("sheet-*.png")) == sorted(expected)
    for side in expected:
        with Image.open(folder / f"{side}.png") as im:
            assert abs(im.width - px(sheet_mm[0], 150)) <= 1 and abs(im.height - px(sheet_mm[1], 150)) <= 1
    with Image.open(proj / "preview" / f"mini-en-{layout}-contact.png") as im:
        assert im.width >= 900 and im.height > 300 + 420  # a row of pages and a row of sheets at least


def _dark_run(im: Image.Image, y: int, x0: int, x1: int, threshold: int = 180) -> float:
    """Share of pixels darker than ``threshold`` along row ``y`` (±1) between ``x0`` and ``x1``."""
    gray = im.convert("L")
    dark = sum(1 for x in range(x0, x1) if min(gray.getpixel((x, yy)) for yy in (y - 1, y, y + 1)) < threshold)
    return dark / (x1 - x0)


def test_zine_sheet_shows_the_slit_and_the_folds(previewed):
    """The zine's slit (cut) runs along the middle of the sheet between the outer panels: dashed, so about half dark."""
    proj, _, _ = previewed
    with Image.open(proj / "preview" / "mini-en-zine" / "sheet-1.png") as im:
        w, h = im.size
        slit = _dark_run(im, h // 2, w // 4 + 10, 3 * w // 4 - 10)
        assert 0.35 < slit < 0.9, slit
        # the long fold continues over the outer panels, lighter but visible
        fold = _dark_run(im, h // 2, 10, w // 4 - 10, threshold=235)
        assert fold > 0.3, fold


def _thumbnails(contact: Image.Image) -> list[Image.Image]:
    """The first row of framed thumbnails on a contact sheet, left to right."""
    rgb = contact.convert("RGB")
    background = rgb.getpixel((2, 2))
    frame = (0x9D, 0x9D, 0x98)
    # the top edge of the first frame: a long horizontal run of the frame colour
    top = next(y for y in range(rgb.height) if all(rgb.getpixel((x, y)) == frame for x in range(30, 130)))
    bottom = next(y for y in range(top + 2, rgb.height) if rgb.getpixel((30, y)) == frame)
    mid = (top + bottom) // 2
    boxes, start = [], None
    for xx in range(rgb.width):
        inside = rgb.getpixel((xx, mid)) != background
        if inside and start is None:
            start = xx
        elif not inside and start is not None:
            boxes.append((start, top, xx, bottom))
            start = None
    return [rgb.crop(b) for b in boxes]


def _difference(a: Image.Image, b: Image.Image) -> float:
    """Mean per-channel difference between ``a`` and ``b`` scaled to ``a``'s size."""
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB").resize(a.size))
    return sum(ImageStat.Stat(diff).mean)


def test_contact_sheet_pages_come_in_reading_order(previewed):
    """Each thumbnail of the zine's contact sheet looks most like the page of the same number."""
    proj, _, _ = previewed
    folder = proj / "preview" / "mini-en-zine"
    pages = [Image.open(p) for p in sorted(folder.glob("page-*.png"))]
    with Image.open(proj / "preview" / "mini-en-zine-contact.png") as contact:
        thumbs = _thumbnails(contact)
    assert len(thumbs) == len(pages) == 8
    for i, thumb in enumerate(thumbs):
        scores = [_difference(thumb, page) for page in pages]
        assert scores.index(min(scores)) == i, (i, scores)


def test_second_preview_reuses_the_pdfs_and_drops_stale_pictures(tmp_path):
    shutil.copytree(FIXTURES / "mini", tmp_path / "proj")
    assert run_cli("preview", "-l", "leaflet", cwd=tmp_path / "proj").exit_code == 0
    stale = tmp_path / "proj" / "preview" / "mini-en-leaflet" / "page-09.png"
    stale.write_bytes(b"old")
    result = run_cli("preview", "-l", "leaflet", cwd=tmp_path / "proj")
    assert result.exit_code == 0, result.output
    assert "en/leaflet: up-to-date" in result.stderr
    assert not stale.exists()
    assert (tmp_path / "proj" / "preview" / "mini-en-leaflet" / "page-01.png").is_file()


def test_preview_of_a_failing_edition_reports_it(tmp_path):
    shutil.copytree(FIXTURES / "mini", tmp_path / "proj")
    (tmp_path / "proj" / "en.md").write_text("---\ntitle: [unclosed\n---\n\nText.\n")
    result = run_cli("preview", tmp_path / "proj", "-o", tmp_path / "pics", "--dist", tmp_path / "dist")
    assert result.exit_code == 1
    assert "error:" in result.stderr and "en.md:2" in result.stderr and "hint:" in result.stderr
    assert not (tmp_path / "pics").exists()


def test_side_labels():
    assert side_labels(4, 2) == ["sheet 1 · front", "sheet 1 · back", "sheet 2 · front", "sheet 2 · back"]
    assert side_labels(1, 1) == ["sheet 1"]
    assert side_labels(2, 1) == ["sheet 1", "sheet 2"]


def test_one_variant_is_pictured_with_dash_v(tmp_path):
    result = run_cli("preview", FIXTURES / "variants", "-V", "london", "-L", "en", "-l", "leaflet",
                     "-o", tmp_path / "pics", "--dist", tmp_path / "dist")
    assert result.exit_code == 0, result.output
    pictured = sorted(p.name for p in (tmp_path / "pics").iterdir())
    assert pictured and all("-london-en-leaflet" in name for name in pictured), pictured
