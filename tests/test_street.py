"""Posters, their tiles and placards (issue 26): the tiling plan as tables (fast), then real builds read back."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

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


# --- printing: the full size to a printer that has its paper, else the tiles ------------------------------


def _result(path: Path, print_path: Path | None, pages: int, sides: str, sheets: int | None = None) -> Any:
    from pamphlet.pipeline import EditionResult

    return EditionResult("en", "poster", path=str(path), print_path=str(print_path) if print_path else None,
                         pages=pages, sheets=sheets, sides=1, cups_sides=sides, paper="a4")


def test_the_printers_own_name_for_a_paper_comes_from_its_media_list() -> None:
    from pamphlet import printing

    a2, a3, big = (next(m for m in printing.SIZES if m.label == n) for n in ("A2", "A3", "18×24 in"))
    ipp = frozenset({"iso_a4_210x297mm", "na_letter_8.5x11in", "iso_a3_297x420mm", "na_arch-c_18x24in",
                     "custom_min_0.5x0.5in", "custom_max_35277.78x35277.78mm"})
    assert printing.printer_media(a3, ipp) == "iso_a3_297x420mm"
    assert printing.printer_media(big, ipp) == "na_arch-c_18x24in"
    assert printing.printer_media(a2, ipp) is None  # a custom range is not paper in a tray
    assert printing.printer_media(a2, frozenset({"A4", "A2", "Letter"})) == "A2"  # a PPD's names (lpoptions -l)
    assert printing.printer_media(a2, None) == "A2"  # the printer did not say: the legacy name
    assert printing.media_of((420.0, 594.0), "a4") == a2 and printing.media_of((297.0, 210.0), "a4").label == "A4"
    assert printing.media_of((100.0, 100.0), "a4") is None


@pytest.mark.slow
def test_a_poster_is_planned_at_full_size_only_where_the_printer_lists_its_paper(street) -> None:
    from pamphlet import printing

    e = street[("en", "poster")]
    (f,) = printing.print_files([_result(Path(e["path"]), Path(e["print_path"]), 1, "one-sided", 9)])
    assert f.path.name.endswith("-tiles.pdf") and (f.sheets, f.pages, f.media_label) == (9, 9, "A4")
    assert f.full_size is not None and f.full_size.path == Path(e["path"]) and f.full_size.media_label == "A2"
    office = frozenset({"iso_a4_210x297mm", "na_letter_8.5x11in"})
    large = office | {"iso_a3_297x420mm", "iso_a2_420x594mm"}
    (tiles,) = printing.plan([f], "office", media=office)
    (full,) = printing.plan([f], "large", media=large)
    (unknown,) = printing.plan([f], "any", media=None)  # a printer that would not say: tiles fit every printer
    assert (tiles.file.path, tiles.file.media_name, tiles.sides) == (f.path, "A4", "one-sided")
    assert unknown.file.path == f.path
    assert (full.file.path, full.file.media_name, full.file.sheets) == (Path(e["path"]), "iso_a2_420x594mm", 1)
    assert full.describe() == "1 sheet, one-sided, A2"
    # A3 placards are A3 on any printer that has it, and refused by one that has not.
    p = street[("en", "placard")]
    (boards,) = printing.print_files([_result(Path(p["path"]), None, 4, "one-sided", 1)])
    assert (boards.sheets, boards.media_label, boards.full_size) == (4, "A4", None)


@pytest.fixture(scope="module")
def cups():
    """A private cupsd (tests/cups_server.py) with a printer that has every size up to A0, and an office
    printer with only A4 and Letter."""
    from tests.conftest import missing_service
    from tests.cups_server import CupsServer, unavailable

    why = unavailable()
    if why is not None:
        missing_service(f"no private cupsd: {why}")
    server = CupsServer().start()
    try:
        server.add_queue("test-large", duplex=False)
        server.add_queue("test-office", duplex=False, sizes=("A4", "Letter"))
        yield server
    finally:
        server.stop()


@pytest.fixture
def cups_env(cups, monkeypatch):
    for name, value in cups.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LPDEST", raising=False)
    monkeypatch.delenv("PRINTER", raising=False)
    return cups


_JOB = re.compile(r"^(?P<name>\S+) → (?P<printer>\S+) job (?P<id>\d+): (?P<sheets>\d+) sheets?, (?P<sides>\S+), "
                  r"(?P<media>.+)$")


def _jobs(stdout: str) -> dict[str, dict[str, str]]:
    return {m["name"]: m.groupdict() for m in map(_JOB.match, stdout.splitlines()) if m}


def test_print_sends_the_poster_full_size_or_its_tiles_and_the_placards_one_sided(cups_env, street) -> None:
    out = street.out
    poster, tiles = Path(street[("en", "poster")]["path"]), Path(street[("en", "poster")]["print_path"])
    placards = Path(street[("en", "placard")]["path"])
    large = run_cli("print", EXAMPLE, "-L", "en", "-l", "poster", "-l", "placard", "-o", out, "-P", "test-large")
    assert large.exit_code == 0, large.output
    office = run_cli("print", EXAMPLE, "-L", "en", "-l", "poster", "-l", "placard", "-o", out, "-P", "test-office")
    assert office.exit_code == 0, office.output
    jobs_large, jobs_office = _jobs(large.stdout), _jobs(office.stdout)
    assert {k: (j["sheets"], j["sides"], j["media"]) for k, j in jobs_large.items()} == {
        "en/poster": ("1", "one-sided", "A2"), "en/placard": ("4", "one-sided", "A4")}
    assert {k: (j["sheets"], j["sides"], j["media"]) for k, j in jobs_office.items()} == {
        "en/poster": ("9", "one-sided", "A4"), "en/placard": ("4", "one-sided", "A4")}
    sent = {("large", "poster"): (jobs_large["en/poster"]["id"], poster, "iso_a2_420x594mm"),
            ("office", "poster"): (jobs_office["en/poster"]["id"], tiles, "A4"),
            ("large", "placard"): (jobs_large["en/placard"]["id"], placards, "A4"),
            ("office", "placard"): (jobs_office["en/placard"]["id"], placards, "A4")}
    for (printer, layout), (job, source, media) in sent.items():
        attrs = cups_env.wait_job(job)
        assert attrs["job-state"] == "completed", (printer, layout, attrs)
        assert (attrs["job-name"], attrs["media"], attrs["sides"], attrs["print-scaling"]) == \
            (source.stem, media, "one-sided", "none"), (printer, layout)
        printed = page_sizes_mm(cups_env.output(job))
        assert len(printed) == {"poster": 1 if printer == "large" else 9, "placard": 4}[layout]
        if (printer, layout) == ("large", "poster"):  # the whole poster on one A2 sheet, at 100 %
            assert sorted(printed[0]) == pytest.approx([420.0, 594.0], abs=1.0)
        else:  # office paper, the tiles as the plan turned them and the boards landscape
            assert all(sorted(s) == pytest.approx([210.0, 297.0], abs=1.0) for s in printed), printed


def test_print_dry_run_shows_which_file_and_paper_each_printer_gets(cups_env, street, tmp_path) -> None:
    out = street.out
    poster, tiles = Path(street[("en", "poster")]["path"]), Path(street[("en", "poster")]["print_path"])
    before = cups_env.jobs()
    lines = {}
    for printer in ("test-large", "test-office"):
        result = run_cli("print", EXAMPLE, "-L", "en", "-l", "poster", "-o", out, "-P", printer, "--dry-run")
        assert result.exit_code == 0, result.output
        lines[printer] = result.stdout.splitlines()
    assert lines["test-large"] == [f"lp -d test-large -n 1 -o sides=one-sided -o media=iso_a2_420x594mm "
                                   f"-o print-scaling=none -t {poster.stem} {poster}"]
    assert lines["test-office"] == [f"lp -d test-office -n 1 -o sides=one-sided -o media=A4 -o print-scaling=none "
                                    f"-t {tiles.stem} {tiles}"]
    # A3 placards: A3 paper where the printer has it; refused, before anything is sent, where it has not.
    a3 = tmp_path / "a3"
    result = run_cli("print", EXAMPLE, "-L", "en", "-l", "placard", "--poster-size", "a3", "-o", a3,
                     "-P", "test-large", "--dry-run")
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    assert " -o media=iso_a3_297x420mm " in line and line.endswith("solidarity-en-placard.pdf")
    assert page_sizes_mm(a3 / "solidarity-en-placard.pdf") == [(420.0, 297.0)] * 4
    result = run_cli("print", EXAMPLE, "-L", "en", "-l", "placard", "--poster-size", "a3", "-o", a3,
                     "-P", "test-office")
    assert result.exit_code == 1 and result.stdout == ""
    assert "error: test-office has no A3 paper for en/placard" in result.stderr
    assert "hint: choose a printer that lists A3 with -P" in result.stderr
    assert cups_env.jobs() == before


# --- slogans: checked like every other field --------------------------------------------------------------


def _with_slogan(tmp_path: Path, old: str, new: str) -> Path:
    project = copy_project(EXAMPLE, tmp_path / "p")
    en = project / "en.md"
    text = en.read_text(encoding="utf-8")
    assert f"  - {old}\n" in text
    en.write_text(text.replace(f"  - {old}\n", f"  - {new}\n"), encoding="utf-8")
    return project


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_a_slogans_letter_no_font_has_names_its_file_and_line(tmp_path: Path) -> None:
    project = _with_slogan(tmp_path, "People over profits", "People over profits ა")  # Georgian: no bundled font
    result = run_cli("build", project, "-L", "en", "-l", "placard", "-o", tmp_path / "out")
    assert result.exit_code == 1
    line = _line_of(project / "en.md", "People over profits")
    assert f"'ა' U+10D0 at {project / 'en.md'}:{line}" in result.stderr
    assert "hint: pamphlet bundles no Georgian font" in result.stderr
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_a_slogan_of_more_than_twelve_words_names_its_file_and_line(tmp_path: Path) -> None:
    long = "one two three four five six seven eight nine ten eleven twelve thirteen"
    project = _with_slogan(tmp_path, "Solidarity", long)
    result = run_cli("check", project, "-L", "en", "-l", "placard")
    assert result.exit_code == 1
    line = _line_of(project / "en.md", long)
    assert (f"{project / 'en.md'}:{line}: slogans[0]: 'one two three four five six seven eight …' has 13 words, "
            "at most 12 allowed (a placard is read while it moves)") in result.stderr
    assert "Traceback" not in result.output


# --- pamphlet layouts, preview, watch --serve -------------------------------------------------------------


def test_layouts_says_what_a_poster_and_a_placard_are() -> None:
    poster, placard = CATALOGUE["poster"], CATALOGUE["placard"]
    assert (poster.page_rule, placard.page_rule) == ("one page", "one per slogan")
    assert poster.sheet_about("a4") == "A2, 1 side; or 8 A4 tiles and a map, 1 side each"
    assert poster.sheet_about("letter") == "18×24 in, 1 side; or 8 Letter tiles and a map, 1 side each"
    assert placard.sheet_about("a4") == "landscape, 1 side"
    result = run_cli("layouts")
    assert result.exit_code == 0
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.count("│") > 3}
    assert "one page" in rows["poster"] and "one per" in rows["placard"]
    assert "1–1" not in result.stdout


def _png_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as im:
        return im.size


def _px(mm: float, dpi: int) -> Any:
    """Pixels for ``mm`` at ``dpi``, as pdfium renders them (it rounds the page's points up: ±2 px)."""
    return pytest.approx(mm / 25.4 * dpi, abs=2)


@pytest.mark.slow
def test_preview_pictures_the_poster_each_tile_sheet_and_each_placard(street, tmp_path: Path) -> None:
    from pamphlet.commands.preview import PAGE_DPI, SHEET_DPI

    out = tmp_path / "preview"
    result = run_cli("preview", EXAMPLE, "-L", "en", "-l", "poster", "-l", "placard", "--dist", street.out, "-o", out)
    assert result.exit_code == 0, result.output
    poster = out / "solidarity-en-poster"
    assert sorted(p.name for p in poster.iterdir()) == [
        "page-01.png", "sheet-1-map.png", "sheet-2-a1.png", "sheet-3-a2.png", "sheet-4-b1.png", "sheet-5-b2.png",
        "sheet-6-c1.png", "sheet-7-c2.png", "sheet-8-d1.png", "sheet-9-d2.png"]
    assert _png_size(poster / "page-01.png") == (_px(420, PAGE_DPI), _px(594, PAGE_DPI))
    for sheet in poster.glob("sheet-*.png"):
        assert sorted(_png_size(sheet)) == [_px(210, SHEET_DPI), _px(297, SHEET_DPI)], sheet.name
    placard = out / "solidarity-en-placard"
    assert sorted(p.name for p in placard.iterdir()) == [f"page-0{i}.png" for i in range(1, 5)] + [
        f"sheet-{i}.png" for i in range(1, 5)]  # one-sided: a board a sheet, no backs
    assert all(_png_size(p) == (_px(297, PAGE_DPI), _px(210, PAGE_DPI)) for p in placard.glob("page-*.png"))
    assert all(_png_size(p) == (_px(297, SHEET_DPI), _px(210, SHEET_DPI)) for p in placard.glob("sheet-*.png"))
    for stem in ("solidarity-en-poster", "solidarity-en-placard"):
        assert _png_size(out / f"{stem}-contact.png")[0] >= 900


@pytest.mark.slow
@pytest.mark.expect_warnings("en/poster: prints a digest of the facts")
def test_the_live_page_shows_the_tiles_and_links_every_file(tmp_path: Path) -> None:
    from pamphlet.commands.watch import LiveState, Watcher
    from pamphlet.pipeline import BuildOptions

    project = copy_project(EXAMPLE, tmp_path / "p")
    live = LiveState()
    watcher = Watcher(project, BuildOptions(layouts=("poster", "placard"), langs=("en",), out=tmp_path / "dist"),
                      live=live)
    rnd = watcher.rebuild()
    assert rnd.error is None and not rnd.failed
    state = {e["edition"]: e for e in live.snapshot()["editions"]}
    poster, placard = state["en/poster"], state["en/placard"]
    assert [p["label"] for p in poster["sheets"]] == ["sheet 1 · map"] + [
        f"sheet {i} · tile {label}" for i, label in enumerate(["A1", "A2", "B1", "B2", "C1", "C2", "D1", "D2"], 2)]
    assert [f["name"] for f in poster["files"]] == ["solidarity-en-poster.pdf", "solidarity-en-poster-tiles.pdf",
                                                    "solidarity-en-poster-proof.pdf"]
    assert len(poster["pages"]) == 1 and poster["pages"][0]["width"] < poster["pages"][0]["height"]
    assert [p["label"] for p in placard["sheets"]] == [f"sheet {i}" for i in range(1, 5)]
    assert len(placard["pages"]) == 4 and [f["name"] for f in placard["files"]] == ["solidarity-en-placard.pdf"]
    key = f"{poster['stem']}/solidarity-en-poster-tiles.pdf"
    assert live.pdf(key) == tmp_path / "dist" / "solidarity-en-poster-tiles.pdf"


# --- a Dask cluster: the tiles and the proof come back ---------------------------------------------------


@pytest.mark.slow
@pytest.mark.expect_warnings("en/poster: prints a digest of the facts")
def test_the_cluster_path_carries_the_tiles_and_proof_back_under_their_names(street, tmp_path: Path) -> None:
    """The cluster client (editions/cluster.py) on a thread pool: the worker's files as bytes, landed by name."""
    from concurrent.futures import ThreadPoolExecutor

    from pamphlet.editions import batch
    from pamphlet.pipeline import BuildOptions

    out = tmp_path / "out"
    project = batch.load(EXAMPLE)
    with ThreadPoolExecutor(1) as pool:
        (r,) = batch.build(project, BuildOptions(layouts=("poster",), langs=("en",), out=out), executor=pool)
    assert r.status == "built", r.error
    assert Path(r.print_path) == out / "solidarity-en-poster-tiles.pdf"
    assert sorted(Path(c).name for c in r.companions) == ["solidarity-en-poster-proof.pdf",
                                                          "solidarity-en-poster-tiles.pdf"]
    assert sorted(p.name for p in out.glob("*.pdf")) == ["solidarity-en-poster-proof.pdf",
                                                         "solidarity-en-poster-tiles.pdf", "solidarity-en-poster.pdf"]
    local = street[("en", "poster")]
    for name in ("solidarity-en-poster.pdf", "solidarity-en-poster-tiles.pdf", "solidarity-en-poster-proof.pdf"):
        assert (out / name).read_bytes() == (Path(local["path"]).parent / name).read_bytes(), name


def test_a_shipped_poster_lands_its_companions_and_names_the_printer_file_right(tmp_path: Path) -> None:
    from pamphlet.editions import batch, cluster
    from pamphlet.pipeline import BuildOptions, EditionResult

    project = batch.load(EXAMPLE)
    opts = BuildOptions(layouts=("poster",), langs=("en",), out=tmp_path)
    (spec,) = batch.editions(project, opts)
    w = "/worker/out"
    result = EditionResult("en", "poster", path=f"{w}/solidarity-en-poster.pdf",
                           print_path=f"{w}/solidarity-en-poster-tiles.pdf",
                           companions=[f"{w}/solidarity-en-poster-tiles.pdf", f"{w}/solidarity-en-poster-proof.pdf"])
    shipped = cluster.Shipped(result, "/worker/copy", {"path": b"poster", "companion:solidarity-en-poster-tiles.pdf": b"tiles",
                                                       "companion:solidarity-en-poster-proof.pdf": b"proof"})
    landed = cluster.land(project, opts, spec, shipped).result
    assert Path(landed.path).read_bytes() == b"poster"
    assert Path(landed.print_path) == tmp_path / "solidarity-en-poster-tiles.pdf"
    assert Path(landed.print_path).read_bytes() == b"tiles"
    assert [Path(c).read_bytes() for c in landed.companions] == [b"tiles", b"proof"]
    assert not (tmp_path / "solidarity-en-poster-print.pdf").exists()


@pytest.mark.slow
def test_the_tiles_labels_are_in_an_embedded_bundled_face(street) -> None:
    with pikepdf.open(street[("en", "poster")]["print_path"]) as pdf:
        fonts = {(str(f.BaseFont), str(f.Subtype), "/FontFile2" in f.FontDescriptor, f.objgen)
                 for page in pdf.pages for f in page.Resources.Font.values()}
    assert len(fonts) == 1  # one font object, embedded once, shared by the map and every tile
    (name, subtype, embedded, _), = fonts
    assert (name, subtype, embedded) == ("/NotoSans-Bold", "/TrueType", True)
