"""Every layout built through `pamphlet build`, left-to-right and right-to-left:
reading pages, printer sheets, where the cover lands and which way up."""

from __future__ import annotations

import pikepdf
import pypdfium2 as pdfium
import pytest

from .conftest import EXAMPLE, PT_PER_MM, fonts_in, matrix_editions, page_sizes_mm, run_cli

TITLES = {"en": "Solidarity with Iraq", "ar": "التضامن مع العراق"}


@pytest.fixture(scope="module")
def built(example_matrix):
    return example_matrix, matrix_editions(example_matrix)


def _sheet_mm(path, index=0):
    with pikepdf.open(path) as pdf:
        box = [float(v) for v in pdf.pages[index].mediabox]
    return round((box[2] - box[0]) / PT_PER_MM, 1), round((box[3] - box[1]) / PT_PER_MM, 1)


def _where(path, side: int, needle: str):
    """(x centre as a fraction of the sheet width, upside down?) of the largest hit of ``needle``."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[side]
        w = page.get_width()
        tp = page.get_textpage()
        searcher = tp.search(needle, match_case=False)
        hits = []
        while (hit := searcher.get_next()) is not None:
            boxes = [tp.get_charbox(i) for i in range(hit[0], hit[0] + hit[1])]
            hits.append((max(b[3] - b[1] for b in boxes), boxes))
        assert hits, f"{needle!r} not on side {side} of {path.name}"
        boxes = max(hits, key=lambda h: h[0])[1]
        boxes = [b for b in boxes if b[2] > b[0]]
        xs = [(b[0] + b[2]) / 2 for b in boxes]
        upside_down = xs[0] > xs[-1] if len(xs) > 1 else False
        return sum(xs) / len(xs) / w, upside_down
    finally:
        pdf.close()


@pytest.mark.parametrize(
    ("layout", "reading", "sheet", "sheets"),
    [
        ("leaflet", (210.0, 297.0), None, 1),
        ("booklet", (148.5, 210.0), (297.0, 210.0), None),
        ("zine", (74.2, 105.0), (297.0, 210.0), 1),
        ("trifold", (100.0, 210.0), (297.0, 210.0), 1),
        ("handbill", (105.0, 148.5), (210.0, 297.0), 1),
    ],
)
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_sizes_sheets_and_fonts(built, layout, reading, sheet, sheets, lang):
    out, eds = built
    ed = eds[(lang, layout)]
    assert ed["status"] in ("built", "up-to-date")
    got = page_sizes_mm(out / ed["path"].split("/")[-1])[0]
    assert got == pytest.approx(reading, abs=0.11)
    if sheet is None:
        assert ed["print_path"] is None
        return
    print_pdf = out / ed["print_path"].split("/")[-1]
    assert _sheet_mm(print_pdf) == sheet
    if sheets:
        assert ed["sheets"] == sheets
    assert all(fonts_in(print_pdf).values())


def test_page_counts(built):
    _, eds = built
    assert (eds[("ar", "booklet")]["direction"], eds[("ar", "booklet")]["binding"]) == ("rtl", "right")
    assert (eds[("en", "booklet")]["direction"], eds[("en", "booklet")]["binding"]) == ("ltr", "left")
    for lang in ("en", "ar"):
        assert eds[(lang, "leaflet")]["pages"] == 2
        assert eds[(lang, "zine")]["pages"] == 8
        assert eds[(lang, "trifold")]["pages"] == 6
        assert eds[(lang, "handbill")]["pages"] == 2
        assert eds[(lang, "booklet")]["pages"] % 4 == 0
        assert eds[(lang, "booklet")]["sheets"] == eds[(lang, "booklet")]["pages"] // 4


def test_trifold_narrow_panels(built):
    out, _ = built
    sizes = page_sizes_mm(out / "solidarity-en-trifold.pdf")
    assert [w for w, _ in sizes] == [100.0, 100.0, 100.0, 97.0, 97.0, 100.0]


@pytest.mark.parametrize(
    ("layout", "side", "ltr_range", "rtl_range"),
    [
        # zine: the cover sits bottom right (LTR) or bottom left (RTL), upright
        ("zine", 0, (0.75, 1.0), (0.0, 0.25)),
        # trifold: the cover is the outside's right panel (LTR) or left panel (RTL)
        ("trifold", 0, (0.66, 1.0), (0.0, 0.34)),
        # booklet: the cover is the right half of sheet 1's front (LTR), the left half (RTL)
        ("booklet", 0, (0.5, 1.0), (0.0, 0.5)),
    ],
)
def test_cover_lands_on_the_right_cell(built, layout, side, ltr_range, rtl_range):
    out, _ = built
    for lang, (lo, hi) in (("en", ltr_range), ("ar", rtl_range)):
        x, upside_down = _where(out / f"solidarity-{lang}-{layout}-print.pdf", side, TITLES[lang])
        assert lo <= x <= hi, (lang, layout, x)
        if lang == "en":
            assert not upside_down


def test_zine_top_row_is_upside_down(built):
    out, _ = built
    # page 2 starts with the event box ("WHEN"), top right cell, upside down
    x, upside_down = _where(out / "solidarity-en-zine-print.pdf", 0, "WHEN")
    assert x > 0.75 and upside_down


def test_bleed_and_marks_set_trim_and_bleed_boxes(tmp_path):
    result = run_cli("build", EXAMPLE, "-l", "leaflet", "-L", "en", "-o", tmp_path, "--bleed", "3", "--marks")
    assert result.exit_code == 0, result.output
    with pikepdf.open(tmp_path / "solidarity-en-leaflet.pdf") as pdf:
        page = pdf.pages[0]
        media = [float(v) / PT_PER_MM for v in page.mediabox]
        trim = [float(v) / PT_PER_MM for v in page.trimbox]
        assert "/BleedBox" in page.obj
    assert round(trim[2] - trim[0], 1) == 210.0 and round(trim[3] - trim[1], 1) == 297.0
    assert media[2] - media[0] > 216  # bleed plus room for the crop marks


def test_printing_instructions_in_summary(built):
    _, eds = built
    assert "flip on short edge" in eds[("en", "booklet")]["printing"]
    assert "one side only" in eds[("en", "zine")]["printing"]
    assert "cut" in eds[("en", "handbill")]["printing"]


def test_bleed_reaches_the_sheet_edge_but_not_the_neighbour(tmp_path):
    result = run_cli("build", EXAMPLE, "-l", "zine", "-L", "en", "-o", tmp_path, "--bleed", "3", "--marks")
    assert result.exit_code == 0, result.output
    path = tmp_path / "solidarity-en-zine-print.pdf"
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        trim = [float(v) / PT_PER_MM for v in page.trimbox]
        bleed = [float(v) / PT_PER_MM for v in page.bleedbox]
    assert round(trim[2] - trim[0], 1) == 297.0 and round(trim[3] - trim[1], 1) == 210.0
    assert [round(b - t, 1) for b, t in zip(bleed, trim, strict=True)] == [-3.0, -3.0, 3.0, 3.0]
    pdf = pdfium.PdfDocument(str(path))
    try:
        im = pdf[0].render(scale=8 / PT_PER_MM).to_pil().convert("RGB")  # 8 px per mm
    finally:
        pdf.close()
    px = lambda x_mm, y_mm_from_bottom: im.getpixel((round(x_mm * 8), round(im.height - y_mm_from_bottom * 8)))  # noqa: E731
    x0, y0 = trim[0], trim[1]
    red = lambda p: p[0] > 150 and p[1] < 80 and p[2] < 90  # noqa: E731
    # the cover (bottom right cell) is red: its red runs 1.5 mm into the bleed on the right and at the bottom
    assert red(px(x0 + 297 - 10, y0 + 50))
    assert red(px(x0 + 297 + 1.5, y0 + 50)) and red(px(x0 + 297 - 10, y0 - 1.5))
    # but not into its neighbour, page 8, left of it
    assert not red(px(x0 + 3 * 74.25 - 1.5, y0 + 50))
    # crop marks sit outside the bleed
    mark = [px(x0 + dx / 8, y0 - 3 - 2 - 2.5) for dx in (-1, 0, 1)]  # 7.5 mm below the trim corner
    assert any(sum(p) < 600 for p in mark)
    assert sum(px(x0 + 2, y0 - 7.5)) > 700  # nothing drawn beside the mark
