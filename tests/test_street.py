"""Posters, their tiles and placards (issue 26): the tiling plan as tables (fast), then real builds read back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from pamphlet.layouts import CATALOGUE, PAPERS
from pamphlet.layouts.street import POSTER_SIZES
from pamphlet.sheets import tiles
from tests.conftest import EXAMPLE, PT_PER_MM, build_once, copy_project, page_sizes_mm, page_texts, run_cli

# --- the tiling plan: pure data -----------------------------------------------------------------------------

CASES = [(size, paper, rtl, overlap) for size in POSTER_SIZES for paper in PAPERS for rtl in (False, True)
         for overlap in (10.0, 6.0, 15.0)]


def _plan(size: str, paper: str, rtl: bool, overlap: float) -> tiles.TilePlan:
    s, p = POSTER_SIZES[size], PAPERS[paper]
    return tiles.tile_plan(s.width, s.height, p.width, p.height, paper=paper, overlap=overlap, rtl=rtl)


@pytest.mark.parametrize(("size", "paper", "rtl", "overlap"), CASES)
def test_every_point_of_the_poster_is_on_exactly_one_tile(size: str, paper: str, rtl: bool, overlap: float) -> None:
    plan = _plan(size, paper, rtl, overlap)
    w, h = plan.poster
    steps = 97  # a grid that does not line up with the tiles' edges, plus every edge itself
    xs = sorted({w * i / steps for i in range(steps)} | {t.visible.x0 for t in plan.tiles} |
                {t.visible.x1 - 1e-9 for t in plan.tiles if t.visible.x1 < w})
    ys = sorted({h * i / steps for i in range(steps)} | {t.visible.y0 for t in plan.tiles} |
                {t.visible.y1 - 1e-9 for t in plan.tiles if t.visible.y1 < h})
    for x in xs:
        for y in ys:
            assert len(plan.at(x, y)) == 1, (x, y, [t.label for t in plan.at(x, y)])
    assert sum(t.visible.w * t.visible.h for t in plan.tiles) == pytest.approx(w * h)


@pytest.mark.parametrize(("size", "paper", "rtl", "overlap"), CASES)
def test_overlaps_labels_and_safe_area(size: str, paper: str, rtl: bool, overlap: float) -> None:
    plan = _plan(size, paper, rtl, overlap)
    labels = [t.label for t in plan.tiles]
    assert len(set(labels)) == len(labels) == plan.rows * plan.columns
    sw, sh = plan.sheet
    assert {sw, sh} == {PAPERS[paper].width, PAPERS[paper].height}
    for t in plan.tiles:
        last_col, last_row = t.column == plan.columns - 1, t.row == plan.rows - 1
        # The overlap glued under the next tile, on the side reading goes on to; none on the last.
        extra_x = t.picture.w - t.visible.w
        assert extra_x == pytest.approx(0.0 if last_col else overlap)
        assert t.picture.h - t.visible.h == pytest.approx(0.0 if last_row else overlap)
        assert (t.picture.x0 < t.visible.x0) == (rtl and not last_col)
        assert ("bottom" in t.glue) == (not last_row) and ("top" in t.cut) == (t.row > 0)
        # Picture, ticks and label band inside the sheet's 5 mm safe area.
        ox, oy = t.origin
        assert ox - tiles.TICK_ROOM >= tiles.SAFE - 1e-9 and oy - tiles.TICK_ROOM - tiles.LABEL_BAND >= tiles.SAFE - 1e-9
        assert ox + t.picture.w + tiles.TICK_ROOM <= sw - tiles.SAFE + 1e-9
        assert oy + t.picture.h + tiles.TICK_ROOM <= sh - tiles.SAFE + 1e-9
        assert t.label == f"{chr(65 + t.row)}{t.column + 1}"


@pytest.mark.parametrize("rtl", [False, True])
def test_columns_are_numbered_from_the_reading_start(rtl: bool) -> None:
    plan = _plan("a2", "a4", rtl, 10.0)
    first = next(t for t in plan.tiles if t.label == "A1")
    w = plan.poster[0]
    assert first.visible.contains(w - 1, 1) if rtl else first.visible.contains(1, 1)
    assert (rtl and first.glue == ("bottom", "left")) or (not rtl and first.glue == ("bottom", "right"))


@pytest.mark.parametrize(("size", "paper", "count"), [("a2", "a4", 8), ("a3", "a4", 4), ("a2", "letter", 8),
                                                       ("18x24in", "letter", 8), ("tabloid", "letter", 4)])
def test_the_fewest_sheets(size: str, paper: str, count: int) -> None:
    assert len(_plan(size, paper, False, 10.0).tiles) == count


def test_an_overlap_the_sheet_cannot_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        tiles.tile_plan(420, 594, 210, 297, overlap=150)


def test_the_catalogue_lists_both() -> None:
    assert {"poster", "placard"} <= set(CATALOGUE)
    assert CATALOGUE["poster"].geometry("a4").label.startswith("A2 (420×594 mm)")
    assert CATALOGUE["poster"].geometry("letter").label.startswith("18×24 in")


# --- real builds -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def street(tmp_path_factory):
    return build_once(tmp_path_factory, "street", EXAMPLE, "-l", "poster", "-l", "placard", "-L", "en", "-L", "ar")


@pytest.fixture(scope="module")
def street_letter(tmp_path_factory):
    return build_once(tmp_path_factory, "street-letter", EXAMPLE, "-l", "poster", "-L", "en", "--paper", "letter",
                      "--overlap", "12")


def _glyph_heights_mm(path: Path, needle: str, page: int = 0) -> list[float]:
    """The height of each glyph of ``needle``'s first occurrence, from the glyphs' own boxes."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        tp = pdf[page].get_textpage()
        hit = tp.search(needle, match_case=False).get_next()
        assert hit is not None, f"{needle!r} not on page {page + 1}"
        start, count = hit
        return [(tp.get_charbox(i)[3] - tp.get_charbox(i)[1]) / PT_PER_MM for i in range(start, start + count)]
    finally:
        pdf.close()


def _label(text: str) -> str:
    """A tile page's label, printed in its band above the picture with what to do with the tile."""
    found = re.findall(r"\b([A-Z]+\d+)\s+(?:cut:|glue under|one tile)", text)
    assert len(found) == 1, text[-200:]
    return found[0]


@pytest.mark.slow
def test_short_headline_has_60_mm_capitals(tmp_path: Path) -> None:
    """A headline that fits the page at full size: capitals of at least 60 mm on A2, for every script the
    same font size (at least 170 pt)."""
    project = copy_project(EXAMPLE, tmp_path / "p")
    en = project / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("title: Solidarity with Iraq and Palestine",
                                                         "title: Rally for housing"), encoding="utf-8")
    result = run_cli("build", project, "-l", "poster", "-L", "en", "-o", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.output
    e = json.loads(result.stdout)["editions"][0]
    heights = _glyph_heights_mm(Path(e["path"]), "HOUSING")
    assert min(heights[0:2] + heights[3:5]) >= 60.0, heights  # H, O, U… : H, I, N without overshoot
    assert min(heights[4:6]) >= 60.0


@pytest.mark.slow
def test_a2_poster_sizes_measured_from_the_glyphs(street) -> None:
    e = street[("en", "poster")]
    assert e["status"] == "built" and e["pages"] == 1
    poster = Path(e["path"])
    assert page_sizes_mm(poster) == [(420.0, 594.0)]
    # Capitals without overshoot (I, T, H of "WITH"): "AND PALESTINE" is wider than the page at 60 mm
    # capitals, so this long headline is set smaller, to three lines — never below 100 pt (24.7 mm capitals).
    heights = _glyph_heights_mm(poster, "WITH")
    assert 100 * 0.7 / PT_PER_MM < min(heights[1:]) < 60.0, heights
    assert max(_glyph_heights_mm(poster, "2026")) >= 25.0
    assert any(": prints a digest of the facts" in w and "left out" in w for w in e["warnings"]), e["warnings"]


@pytest.mark.slow
def test_tiles_and_proof_copy_are_exactly_a4_and_letter(street, street_letter) -> None:
    e = street[("en", "poster")]
    tiles_pdf = Path(e["print_path"])
    assert tiles_pdf.name.endswith("-poster-tiles.pdf") and e["sheets"] == 9 and e["cups_sides"] == "one-sided"
    sizes = page_sizes_mm(tiles_pdf)
    assert len(sizes) == 9 and all(sorted(s) == [210.0, 297.0] for s in sizes)
    texts = page_texts(tiles_pdf)
    assert all(label in texts[0] for label in ("A1", "A2", "B1", "D2"))  # the assembly map
    assert [_label(t) for t in texts[1:]] == ["A1", "A2", "B1", "B2", "C1", "C2", "D1", "D2"]
    proof = next(Path(p) for p in e["companions"] if p.endswith("-proof.pdf"))
    assert page_sizes_mm(proof) == [(210.0, 297.0)]
    letter = street_letter[("en", "poster")]
    assert page_sizes_mm(Path(letter["path"])) == [(457.2, 609.6)]
    assert all(sorted(s) == [215.9, 279.4] for s in page_sizes_mm(Path(letter["print_path"])))
    assert "12 mm overlap" in page_texts(Path(letter["print_path"]))[0]


@pytest.mark.slow
def test_the_tiles_show_the_poster_at_full_size(street) -> None:
    """Tile A1 carries the poster's top-left corner at 100 %: its form is placed unscaled."""
    e = street[("en", "poster")]
    with pikepdf.open(e["print_path"]) as pdf:
        content = pdf.pages[1].Contents.read_bytes().decode()
    assert " cm /P Do" in content and "1 0 0 1 " in content


@pytest.mark.slow
def test_rtl_poster_is_mirrored_and_its_tiles_numbered_from_the_right(street) -> None:
    e = street[("ar", "poster")]
    assert e["status"] == "built" and e["direction"] == "rtl"
    pdf = pdfium.PdfDocument(e["path"])
    try:
        page = pdf[0]
        tp = page.get_textpage()
        width = page.get_width()
        title_x = tp.get_charbox(0)[0]  # the first character drawn: the headline's, on the right
    finally:
        pdf.close()
    assert title_x > width / 2
    texts = page_texts(Path(e["print_path"]))
    assert _label(texts[1]) == "A1"
    with pikepdf.open(e["print_path"]) as tiles_file:
        first = tiles_file.pages[1].Contents.read_bytes().decode()
    assert "glue under next tile: bottom, left" in first


@pytest.mark.slow
def test_qr_code_is_large_with_a_quiet_zone(street) -> None:
    e = street[("en", "poster")]
    pdf = pdfium.PdfDocument(e["path"])
    try:
        scale = 30 / 72  # 30 dpi
        image = pdf[0].render(scale=scale).to_pil().convert("L")
    finally:
        pdf.close()
    w, h = image.size
    px = image.load()
    mm = 25.4 / 30
    # The QR code stands in the page's bottom corner (the right one: the reading end of a Latin poster),
    # its light edge the page's 16 mm margin; the contact lines end at least a quiet zone to its left.
    region = int((16 + 64 + 2) / mm)
    dark = [(x, y) for x in range(w - region, w) for y in range(h - region, h) if px[x, y] < 80]
    x0, x1 = min(x for x, _ in dark), max(x for x, _ in dark)
    y0, y1 = min(y for _, y in dark), max(y for _, y in dark)
    assert (x1 - x0) * mm >= 58 and (y1 - y0) * mm >= 58  # 64 mm, less the code's own light edge modules
    quiet = int(64 * 4 / 21 / mm) - 1
    for x in range(x0 - quiet, x0 - 1):
        for y in range(y0 - quiet, y1):
            assert px[x, y] > 200, "something printed in the QR code's quiet zone"
    for y in range(y0 - quiet, y0 - 1):
        for x in range(x0, x1):
            assert px[x, y] > 200, "something printed in the QR code's quiet zone"


@pytest.mark.slow
def test_placards_one_slogan_a_board_fitted_to_it(street) -> None:
    for lang in ("en", "ar"):
        e = street[(lang, "placard")]
        assert e["status"] == "built" and e["pages"] == 4 and e["warnings"] == []
        assert page_sizes_mm(Path(e["path"])) == [(297.0, 210.0)] * 4
    texts = page_texts(Path(street[("en", "placard")]["path"]))
    assert texts[0].split()[0].casefold() == "solidarity" and "together" in texts[3].casefold()
    one_word = max(_glyph_heights_mm(Path(street[("en", "placard")]["path"]), "L", 0))
    twelve = max(_glyph_heights_mm(Path(street[("en", "placard")]["path"]), "L", 3))
    assert one_word > twelve >= 60 * 0.7 * 25.4 / 72  # never below the legible minimum (60 pt)


def test_placard_without_slogans_uses_headline_and_call_to_action(tmp_path: Path) -> None:
    project = copy_project(EXAMPLE, tmp_path / "p")
    en = project / "en.md"
    text = en.read_text(encoding="utf-8")
    head, _, rest = text.partition("slogans:\n")
    en.write_text(head + rest.split("---\n", 1)[0].split("\n", 4)[-1] + "---\n" + rest.split("---\n", 1)[1],
                  encoding="utf-8")
    assert "slogans" not in en.read_text(encoding="utf-8").split("---")[1]
    result = run_cli("build", project, "-l", "placard", "-L", "en", "-o", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.output
    e = json.loads(result.stdout)["editions"][0]
    assert e["pages"] == 2 and any("no `slogans:`" in w for w in e["warnings"])
    texts = page_texts(Path(e["path"]))
    assert "IRAQ" in texts[0].upper() and "RALLY" in texts[1].upper()


def test_unknown_poster_size_is_a_usage_error() -> None:
    result = run_cli("build", EXAMPLE, "-l", "poster", "--poster-size", "a0")
    assert result.exit_code == 2 and "--poster-size" in result.output and "a3" in result.output
