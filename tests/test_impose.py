"""Impose real WeasyPrint PDFs and read the sheets back with pypdfium2.

Every reading page carries a big label ("P1", "P2", ...) in its TOP-LEFT
corner, so finding the label on a sheet tells both which cell a page landed
in and which way up it is: upright puts the label near the cell's top-left,
turned 180 degrees near its bottom-right.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import cache

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import weasyprint

from pamphlet.layouts.imposition import (
    Cell,
    Plan,
    Sheet,
    Side,
    booklet_plan,
    handbill_plan,
    trifold_plan,
    zine_plan,
)
from pamphlet.sheets.impose import impose, mm_to_pt

A6 = (105.0, 148.0)
A4 = (210.0, 297.0)
ZINE_PAGE = (74.25, 105.0)  # an eighth of A4
PANEL, NARROW, TRIFOLD_H = 100.0, 97.0, 210.0
LABEL_INSET_MM = 4.0
BODY = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
    "tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim "
    "veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea "
    "commodo consequat. "
)


# --------------------------------------------------------------------------
# helpers


@cache
def reading_pdf(
    sizes: tuple[tuple[float, float], ...],
    *,
    bleed: float = 0.0,
    background: str = "white",
    body: str = "",
    heading: bool = False,
) -> bytes:
    """A reading-order PDF with one labelled page per entry of ``sizes``.

    Pages of different sizes use CSS named pages. The label sits at the top
    left so orientation and mirroring are both visible after imposition.
    """
    css = [
        "body { margin: 0; font-family: DejaVu Sans; font-size: 9pt }",
        ".p { position: relative; break-after: page; overflow: hidden }",
        f".l {{ position: absolute; top: {LABEL_INSET_MM}mm; left: {LABEL_INSET_MM}mm;"
        " font-size: 28pt; line-height: 1 }",
        ".t { position: absolute; top: 25mm; left: 6mm; right: 6mm }",
        "h1 { font-size: 1pt; margin: 0 }",
    ]
    names: dict[tuple[float, float], str] = {}
    pages = []
    for number, (w, h) in enumerate(sizes, 1):
        name = names.setdefault((w, h), f"s{len(names)}")
        title = f"<h1>Chapter {number}</h1>" if heading else ""
        pages.append(
            f'<div class="p" style="page: {name}; height: {h}mm">{title}'
            f'<div class="l">P{number}</div><div class="t">{body}</div></div>'
        )
    for (w, h), name in names.items():
        bleed_css = f"bleed: {bleed}mm;" if bleed else ""
        css.append(f"@page {name} {{ size: {w}mm {h}mm; margin: 0; {bleed_css} background: {background} }}")
    html = f"<html lang=en><style>{' '.join(css)}</style>{''.join(pages)}</html>"
    return weasyprint.HTML(string=html).write_pdf()


@dataclass(frozen=True)
class Found:
    """A label found on a sheet side: its page, centre and left/top edges (mm),
    and its glyph angle in degrees."""

    page: int
    x: float
    y: float
    angle: float
    left: float
    top: float


def labels(pdf: bytes, max_page: int) -> list[list[Found]]:
    """For each sheet side (PDF page), every "P<n>" label with n <= max_page."""
    doc = pdfium.PdfDocument(pdf)
    try:
        result = []
        for index in range(len(doc)):
            textpage = doc[index].get_textpage()
            found = []
            for number in range(1, max_page + 1):
                searcher = textpage.search(f"P{number}", match_case=True, match_whole_word=True)
                while (hit := searcher.get_next()) is not None:
                    start, count = hit
                    boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
                    left = min(b[0] for b in boxes)
                    right = max(b[2] for b in boxes)
                    bottom = min(b[1] for b in boxes)
                    top = max(b[3] for b in boxes)
                    angle = math.degrees(pdfium_c.FPDFText_GetCharAngle(textpage.raw, start))
                    found.append(
                        Found(
                            number,
                            _mm((left + right) / 2),
                            _mm((bottom + top) / 2),
                            angle,
                            _mm(left),
                            _mm(top),
                        )
                    )
            result.append(found)
        return result
    finally:
        doc.close()


def _mm(points: float) -> float:
    return points * 25.4 / 72


def sheet_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [(_mm(doc[i].get_width()), _mm(doc[i].get_height())) for i in range(len(doc))]
    finally:
        doc.close()


def where(found: Found, side: Side) -> tuple[Cell, str]:
    """The cell a label is in, and "up" or "down" from where it sits in it."""
    cells = [c for c in side.cells if c.x <= found.x <= c.x + c.w and c.y <= found.y <= c.y + c.h]
    assert len(cells) == 1, f"P{found.page} at ({found.x:.1f}, {found.y:.1f}) is in no cell"
    cell = cells[0]
    rel_x = (found.x - cell.x) / cell.w
    rel_y = (found.y - cell.y) / cell.h
    if rel_y > 0.8 and rel_x < 0.5:
        assert found.angle == pytest.approx(0, abs=1) or found.angle == pytest.approx(360, abs=1)
        return cell, "up"
    if rel_y < 0.2 and rel_x > 0.5:
        assert found.angle == pytest.approx(180, abs=1)
        return cell, "down"
    raise AssertionError(f"P{found.page} sits oddly in its cell: {rel_x:.2f}, {rel_y:.2f}")


def layout_seen(pdf: bytes, max_page: int) -> list[list[tuple[int, str]]]:
    """What a reader sees per sheet side: (page, "up"/"down"), left to right,
    top row first — derived purely from where the labels are."""
    sides = []
    for found in labels(pdf, max_page):
        rows = sorted(found, key=lambda f: (-round(f.y / 20), f.x))
        sides.append([(f.page, "up" if f.angle < 90 or f.angle > 270 else "down") for f in rows])
    return sides


def assert_follows_plan(pdf: bytes, plan: Plan, max_page: int) -> None:
    """Every cell shows its page, the right way up, and nothing else is there."""
    sides = [side for sheet in plan.sheets for side in sheet.sides]
    all_found = labels(pdf, max_page)
    assert len(all_found) == len(sides)
    for side, found in zip(sides, all_found, strict=True):
        expected = sorted((c.page, c.x, c.y, "down" if c.rotate else "up") for c in side.cells if c.page is not None)
        seen = []
        for f in found:
            cell, way = where(f, side)
            seen.append((f.page, cell.x, cell.y, way))
        assert sorted(seen) == expected


def render(pdf: bytes, index: int = 0, scale: float = 2.0):
    """Render one sheet side to a PIL image (scale 2 = 144 dpi)."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return doc[index].render(scale=scale).to_pil().convert("RGB")
    finally:
        doc.close()


def pixel(image, sheet_h_mm: float, x_mm: float, y_mm: float) -> tuple[int, int, int]:
    """The pixel at sheet position (x, y) mm, PDF convention (y up)."""
    scale = image.height / mm_to_pt(sheet_h_mm)
    return image.getpixel((int(mm_to_pt(x_mm) * scale), int(mm_to_pt(sheet_h_mm - y_mm) * scale)))


def is_white(rgb: tuple[int, int, int]) -> bool:
    return min(rgb) >= 250


def is_red(rgb: tuple[int, int, int]) -> bool:
    return rgb[0] >= 200 and rgb[1] <= 60 and rgb[2] <= 60


def is_black(rgb: tuple[int, int, int]) -> bool:
    return max(rgb) <= 60


# --------------------------------------------------------------------------
# booklet


BOOKLET_8 = {
    False: [
        [(8, "up"), (1, "up")],
        [(2, "up"), (7, "up")],
        [(6, "up"), (3, "up")],
        [(4, "up"), (5, "up")],
    ],
    True: [
        [(1, "up"), (8, "up")],
        [(7, "up"), (2, "up")],
        [(3, "up"), (6, "up")],
        [(5, "up"), (4, "up")],
    ],
}


@pytest.mark.parametrize("rtl", [False, True], ids=["ltr", "rtl"])
def test_booklet_8_pages(rtl: bool) -> None:
    source = reading_pdf((A6,) * 8)
    plan = booklet_plan(8, *A6, rtl=rtl)
    out = impose(source, plan)
    assert layout_seen(out, 8) == BOOKLET_8[rtl]
    assert_follows_plan(out, plan, 8)
    for w, h in sheet_sizes_mm(out):
        assert (w, h) == (pytest.approx(2 * A6[0], abs=0.1), pytest.approx(A6[1], abs=0.1))


def test_booklet_labels_sit_exactly_at_the_trim_position() -> None:
    """Scale 1, no offset: P1's label is 4 mm in from its cell's top-left."""
    source = reading_pdf((A6,) * 8)
    out = impose(source, booklet_plan(8, *A6))
    found = {f.page: f for f in labels(out, 8)[0]}
    reading = labels(source, 8)
    p1, p8 = reading[0][0], reading[7][0]
    assert (p1.page, p8.page) == (1, 8)
    assert found[8].left == pytest.approx(p8.left, abs=0.05)
    assert found[8].top == pytest.approx(p8.top, abs=0.05)
    assert found[1].left == pytest.approx(A6[0] + p1.left, abs=0.05)
    assert found[1].top == pytest.approx(p1.top, abs=0.05)


def test_booklet_creep_moves_inner_pages_toward_spine() -> None:
    source = reading_pdf((A6,) * 8)
    plain = labels(impose(source, booklet_plan(8, *A6)), 8)
    crept = labels(impose(source, booklet_plan(8, *A6, creep=4.0)), 8)
    assert len(crept) == 4
    # Outer sheet (sides 0, 1) unchanged; inner sheet (2, 3): left +4, right -4.
    for side in (0, 1):
        assert [f.x for f in crept[side]] == pytest.approx([f.x for f in plain[side]], abs=0.05)
    for side in (2, 3):
        before = {f.page: f.x for f in plain[side]}
        for f in crept[side]:
            toward_spine = 4.0 if before[f.page] < A6[0] else -4.0
            assert f.x - before[f.page] == pytest.approx(toward_spine, abs=0.05)


def test_booklet_64_pages_shares_resources_and_stays_small() -> None:
    """Each page's XObject is made once; fonts are copied once, not per sheet."""
    source = reading_pdf((A6,) * 64, body=BODY)
    plan = booklet_plan(64, *A6)
    out = impose(source, plan)
    assert len(out) < 1.3 * len(source), (len(out), len(source))
    with pikepdf.open(io.BytesIO(out)) as pdf:
        assert len(pdf.pages) == 32
        forms = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Form"]
        assert len(forms) == 64
        font_files = [
            o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/FontDescriptor"
        ]
    with pikepdf.open(io.BytesIO(source)) as pdf:
        source_fonts = [
            o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/FontDescriptor"
        ]
    assert len(font_files) == len(source_fonts)


# --------------------------------------------------------------------------
# zine

ZINE = {
    False: [
        (5, "down"),
        (4, "down"),
        (3, "down"),
        (2, "down"),
        (6, "up"),
        (7, "up"),
        (8, "up"),
        (1, "up"),
    ],
    True: [
        (2, "down"),
        (3, "down"),
        (4, "down"),
        (5, "down"),
        (1, "up"),
        (8, "up"),
        (7, "up"),
        (6, "up"),
    ],
}


@pytest.mark.parametrize("rtl", [False, True], ids=["ltr", "rtl"])
def test_zine(rtl: bool) -> None:
    plan = zine_plan(*ZINE_PAGE, rtl=rtl)
    out = impose(reading_pdf((ZINE_PAGE,) * 8), plan)
    assert layout_seen(out, 8) == [ZINE[rtl]]
    assert_follows_plan(out, plan, 8)
    (size,) = sheet_sizes_mm(out)
    assert size == (pytest.approx(297, abs=0.1), pytest.approx(210, abs=0.1))


def test_zine_needs_eight_pages() -> None:
    with pytest.raises(ValueError, match="needs page 8.*only 4 pages"):
        impose(reading_pdf((ZINE_PAGE,) * 4), zine_plan(*ZINE_PAGE))


# --------------------------------------------------------------------------
# trifold

TRIFOLD_SIZES = ((PANEL, TRIFOLD_H),) * 3 + ((NARROW, TRIFOLD_H),) * 2 + ((PANEL, TRIFOLD_H),)


@pytest.mark.parametrize(
    ("rtl", "outside", "inside"),
    [
        (False, [(5, 0), (6, NARROW), (1, NARROW + PANEL)], [(2, 0), (3, PANEL), (4, 2 * PANEL)]),
        (True, [(1, 0), (6, PANEL), (5, 2 * PANEL)], [(4, 0), (3, NARROW), (2, NARROW + PANEL)]),
    ],
    ids=["ltr", "rtl"],
)
def test_trifold(rtl: bool, outside: list[tuple[int, float]], inside: list[tuple[int, float]]) -> None:
    plan = trifold_plan(PANEL, NARROW, TRIFOLD_H, rtl=rtl)
    out = impose(reading_pdf(TRIFOLD_SIZES), plan)
    assert_follows_plan(out, plan, 6)
    assert sheet_sizes_mm(out) == [(pytest.approx(2 * PANEL + NARROW, abs=0.1), pytest.approx(TRIFOLD_H, abs=0.1))] * 2
    # Labels sit 4 mm in from each panel's left edge: this pins the panel widths.
    for found, want in zip(labels(out, 6), (outside, inside), strict=True):
        by_x = sorted(found, key=lambda f: f.x)
        assert [f.page for f in by_x] == [p for p, _ in want]
        label_offset = labels(reading_pdf(TRIFOLD_SIZES), 6)[0][0].left
        assert [f.left for f in by_x] == pytest.approx([x + label_offset for _, x in want], abs=0.05)


def test_trifold_narrow_pages_render_at_their_own_width() -> None:
    """A page whose background fills it must end exactly at the narrow panel's edge."""
    sizes = TRIFOLD_SIZES
    source = reading_pdf(sizes, background="red")
    out = impose(source, trifold_plan(PANEL, NARROW, TRIFOLD_H))
    image = render(out, 0)
    # Outside side, LTR: narrow page 5 is [0, 97], then page 6, page 1. All red.
    for x in (1, NARROW - 1, NARROW + 1, 2 * PANEL + NARROW - 1):
        assert is_red(pixel(image, TRIFOLD_H, x, TRIFOLD_H / 2)), x


# --------------------------------------------------------------------------
# handbill


def test_handbill_two_pages() -> None:
    plan = handbill_plan(2, *A6, *A4)
    out = impose(reading_pdf((A6, A6)), plan)
    assert layout_seen(out, 2) == [[(1, "up")] * 4, [(2, "up")] * 4]
    assert_follows_plan(out, plan, 2)
    assert sheet_sizes_mm(out) == [(pytest.approx(210, abs=0.1), pytest.approx(297, abs=0.1))] * 2


def test_handbill_one_page_and_crop_marks_always_drawn() -> None:
    plan = handbill_plan(1, *A6, *A4)
    source = reading_pdf((A6,))
    for marks in (True, False):
        out = impose(source, plan, guides=marks)
        assert layout_seen(out, 1) == [[(1, "up")] * 4]
        image = render(out, 0)
        # The crop tick at the top of the vertical cut line (x = 105 mm), 5–10 mm below the edge.
        assert is_black(pixel(image, 297, 105, 290)), marks


def test_handbill_quarter_letter() -> None:
    page = (107.95, 139.7)
    plan = handbill_plan(2, *page, 215.9, 279.4)
    out = impose(reading_pdf((page, page)), plan)
    assert_follows_plan(out, plan, 2)
    assert sheet_sizes_mm(out)[0] == (pytest.approx(215.9, abs=0.1), pytest.approx(279.4, abs=0.1))


# --------------------------------------------------------------------------
# trim box, bleed, clipping, scaling


def _two_cell_plan(w: float, h: float, *, rotate: int = 0, page_on_left: bool = True) -> Plan:
    page = Cell(1, 0.0 if page_on_left else w, 0.0, w, h, rotate=rotate)
    blank = Cell(None, w if page_on_left else 0.0, 0.0, w, h)
    cells = (page, blank) if page_on_left else (blank, page)
    return Plan("test", (Sheet(2 * w, h, (Side("front", cells),)),), "none", "test")


@cache
def bleed_pdf() -> bytes:
    """A 100 x 140 mm page with 3 mm bleed, red to the bleed edge, and a
    black 10 mm square in the top-left corner of the trim box."""
    html = """
    <style>
      @page { size: 100mm 140mm; margin: 0; bleed: 3mm; background: red }
      body { margin: 0 }
      .sq { position: absolute; top: 0; left: 0; width: 10mm; height: 10mm; background: black }
    </style>
    <div class="sq"></div>
    """
    return weasyprint.HTML(string=html).write_pdf()


def test_source_has_bleed_boxes() -> None:
    """The premise of the bleed tests: WeasyPrint wrote a TrimBox inside the MediaBox."""
    with pikepdf.open(io.BytesIO(bleed_pdf())) as pdf:
        page = pdf.pages[0]
        media = [float(v) for v in page.mediabox]
        trim = [float(v) for v in page.trimbox]
        assert media[0] < trim[0] and media[2] > trim[2]


@pytest.mark.parametrize("page_on_left", [True, False], ids=["blank-right", "blank-left"])
@pytest.mark.parametrize("rotate", [0, 180])
def test_bleed_never_spills_into_the_neighbouring_cell(rotate: int, page_on_left: bool) -> None:
    w, h = 100.0, 140.0
    out = impose(bleed_pdf(), _two_cell_plan(w, h, rotate=rotate, page_on_left=page_on_left))
    image = render(out, 0)
    page_x0 = 0.0 if page_on_left else w
    blank_x0 = w if page_on_left else 0.0
    spine = w
    # The blank cell stays white right up to the shared edge...
    near_edge = spine + 0.5 if page_on_left else spine - 0.5
    assert is_white(pixel(image, h, near_edge, h / 2))
    assert is_white(pixel(image, h, blank_x0 + w / 2, h / 2))
    # ...while the page is red right up to it and to the sheet edges.
    assert is_red(pixel(image, h, spine - 0.5 if page_on_left else spine + 0.5, h / 2))
    assert is_red(pixel(image, h, page_x0 + w / 2, 0.5))
    assert is_red(pixel(image, h, page_x0 + w / 2, h - 0.5))
    # The trim box (not the media box) is mapped onto the cell: the 10 mm
    # square starts exactly at the cell corner (top-left, or bottom-right
    # when the page is upside down).
    if rotate == 0:
        corner_in, corner_out = (page_x0 + 1, h - 1), (page_x0 + 11, h - 1)
    else:
        corner_in, corner_out = (page_x0 + w - 1, 1), (page_x0 + w - 11, 1)
    assert is_black(pixel(image, h, *corner_in))
    assert is_red(pixel(image, h, *corner_out))


def test_creep_shift_is_clipped_to_the_cell() -> None:
    """Shifting a page 5 mm toward a blank neighbour must not paint into it."""
    w, h = 100.0, 140.0
    cells = (Cell(1, 0.0, 0.0, w, h, shift_x=5.0), Cell(None, w, 0.0, w, h))
    plan = Plan("test", (Sheet(2 * w, h, (Side("front", cells),)),), "none", "test")
    image = render(impose(bleed_pdf(), plan), 0)
    assert is_white(pixel(image, h, w + 0.5, h / 2))
    assert is_red(pixel(image, h, w - 0.5, h / 2))
    # The fore edge is left white by the shift, and the square moved with it.
    assert is_white(pixel(image, h, 2.5, h / 2))
    assert is_black(pixel(image, h, 6, h - 1))
    assert is_red(pixel(image, h, 16, h - 1))


def test_mismatched_cell_scales_uniformly_and_centres() -> None:
    """A 100 x 140 mm trim box in a 50 x 140 mm cell: scale 0.5, centred vertically."""
    plan = Plan(
        "test",
        (Sheet(100.0, 140.0, (Side("front", (Cell(1, 0.0, 0.0, 50.0, 140.0),)),)),),
        "none",
        "test",
    )
    image = render(impose(bleed_pdf(), plan), 0)
    # Page occupies x 0..50, y 35..105 (70 mm tall).
    assert is_red(pixel(image, 140, 25, 70))
    assert is_white(pixel(image, 140, 25, 30))
    assert is_white(pixel(image, 140, 25, 110))
    assert is_white(pixel(image, 140, 75, 70))
    # The square is now 5 mm, at the top-left of the scaled page.
    assert is_black(pixel(image, 140, 1, 104))
    assert is_red(pixel(image, 140, 7, 104))


def test_blank_cells_stay_empty() -> None:
    out = impose(bleed_pdf(), _two_cell_plan(100.0, 140.0))
    with pikepdf.open(io.BytesIO(out)) as pdf:
        page = pdf.pages[0]
        assert list(page.Resources.XObject.keys()) == ["/P1"]
        assert page.Contents.read_bytes().count(b" Do") == 1


# --------------------------------------------------------------------------
# marks, metadata, fonts, determinism


def test_fold_and_cut_marks_only_with_marks_true() -> None:
    source = reading_pdf((ZINE_PAGE,) * 8)
    plan = zine_plan(*ZINE_PAGE)
    with_marks = render(impose(source, plan, guides=True), 0)
    without = render(impose(source, plan, guides=False), 0)
    # A point on the slit (horizontal midline, middle panels) between labels.
    x, y = 2 * ZINE_PAGE[0] - 20, ZINE_PAGE[1]
    assert with_marks.tobytes() != without.tobytes()
    differs = any(pixel(with_marks, 210, x + dx / 4, y) != pixel(without, 210, x + dx / 4, y) for dx in range(40))
    assert differs, "the dashed slit is drawn on the midline"


def test_metadata_outlines_and_viewer_preferences() -> None:
    source = reading_pdf((A6,) * 8, heading=True)
    with pikepdf.open(io.BytesIO(source)) as pdf:
        assert "/Outlines" in pdf.Root, "premise: WeasyPrint wrote bookmarks"
        pdf.Root.PageLabels = pikepdf.Dictionary(Nums=[0, pikepdf.Dictionary(S=pikepdf.Name.r)])
        buffer = io.BytesIO()
        pdf.save(buffer)
        source = buffer.getvalue()
    out = impose(source, booklet_plan(8, *A6), title="Mein Heft", lang="de")
    with pikepdf.open(io.BytesIO(out)) as pdf:
        assert "/Outlines" not in pdf.Root
        assert "/PageLabels" not in pdf.Root
        assert str(pdf.Root.Lang) == "de"
        assert str(pdf.docinfo.Title) == "Mein Heft"
        assert "/CreationDate" not in pdf.docinfo
        assert "/ModDate" not in pdf.docinfo
        assert pdf.Root.ViewerPreferences.Duplex == pikepdf.Name.DuplexFlipShortEdge
        assert pdf.Root.ViewerPreferences.PrintScaling == pikepdf.Name("/None")


def test_no_title_no_lang() -> None:
    out = impose(reading_pdf((A6, A6)), handbill_plan(2, *A6, *A4))
    with pikepdf.open(io.BytesIO(out)) as pdf:
        assert "/Lang" not in pdf.Root
        assert "/Title" not in pdf.docinfo
        assert pdf.Root.ViewerPreferences.Duplex == pikepdf.Name.DuplexFlipLongEdge


@pytest.mark.parametrize(
    ("plan", "sizes"),
    [
        (booklet_plan(8, *A6), (A6,) * 8),
        (zine_plan(*ZINE_PAGE), (ZINE_PAGE,) * 8),
        (trifold_plan(PANEL, NARROW, TRIFOLD_H), TRIFOLD_SIZES),
        (handbill_plan(2, *A6, *A4), (A6, A6)),
    ],
    ids=["booklet", "zine", "trifold", "handbill"],
)
def test_fonts_stay_embedded(plan: Plan, sizes: tuple[tuple[float, float], ...]) -> None:
    out = impose(reading_pdf(sizes, body=BODY), plan)
    with pikepdf.open(io.BytesIO(out)) as pdf:
        fonts = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font"]
        assert fonts
        for font in fonts:
            if font.get("/Subtype") == "/Type3":
                continue
            holder = font.DescendantFonts[0] if font.get("/Subtype") == "/Type0" else font
            descriptor = holder.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font


def test_same_input_gives_identical_bytes() -> None:
    source = reading_pdf((A6,) * 8, body=BODY)
    plan = booklet_plan(8, *A6, creep=0.7)
    first = impose(source, plan, title="T", lang="en")
    second = impose(bytes(source), booklet_plan(8, *A6, creep=0.7), title="T", lang="en")
    assert first == second
    assert first.startswith(b"%PDF-")


def test_page_beyond_the_pdf_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="needs page 8"):
        impose(reading_pdf((A6,) * 4), booklet_plan(8, *A6))
