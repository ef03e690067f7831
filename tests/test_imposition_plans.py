"""Table-driven checks of the imposition plans — pure Python, no PDFs.

Besides comparing against the published formulas, every layout is "folded in
the head": a small simulation works out which page ends up behind which when
the sheet is turned over, folded and nested, and checks the result reads
1..N in the reading direction. That catches mistakes a formula copied into
the test would repeat.
"""

from __future__ import annotations

import math

import pytest

from pamphlet.layouts.imposition import (
    Cell,
    Mark,
    Plan,
    Sheet,
    Side,
    auto_signature,
    booklet_plan,
    handbill_plan,
    trifold_plan,
    zine_plan,
)

A5 = (148.0, 210.0)
A6 = (105.0, 148.0)
A4 = (210.0, 297.0)
LETTER = (215.9, 279.4)
QUARTER_LETTER = (107.95, 139.7)
TOL = 1e-6


def pages_of(side: Side) -> list[int | None]:
    """A side's pages, left to right."""
    return [cell.page for cell in sorted(side.cells, key=lambda c: (-c.y, c.x))]


def behind(sheet: Sheet, cell: Cell) -> Cell:
    """The cell on the other side that is physically behind ``cell``.

    Every plan's back is the front flipped about a vertical edge, so the
    backing cell sits at the horizontally mirrored position.
    """
    front, back = sheet.sides
    other = back if cell in front.cells else front
    mirrored_x = sheet.width - cell.x - cell.w
    matches = [
        c for c in other.cells if math.isclose(c.x, mirrored_x, abs_tol=TOL) and math.isclose(c.y, cell.y, abs_tol=TOL)
    ]
    assert len(matches) == 1, f"no unique cell behind {cell}"
    return matches[0]


def signature_groups(plan: Plan, sizes: list[int]) -> list[tuple[Sheet, ...]]:
    """Split the plan's sheets into signatures of the given page counts."""
    groups, start = [], 0
    for size in sizes:
        groups.append(plan.sheets[start : start + size // 4])
        start += size // 4
    assert start == len(plan.sheets)
    return groups


def fold_booklet(plan: Plan, sizes: list[int], *, rtl: bool) -> list[int]:
    """Fold each sheet with its front outside, nest, read the pages in order.

    For a left-to-right booklet the spine is on the left of the cover, so the
    first leaf of each folded sheet is the front half right of the spine
    (for right-to-left: left of it). A leaf is read recto (its face toward
    the reader) then verso (the cell behind it). Nesting puts the first
    leaves of sheets 0..s-1 before the second leaves of sheets s-1..0.
    """
    reading: list[int] = []
    for sheets in signature_groups(plan, sizes):
        first_leaves: list[tuple[Cell, Cell]] = []
        second_leaves: list[tuple[Cell, Cell]] = []
        for sheet in sheets:
            front = sheet.sides[0]
            assert front.name == "front"
            spine = sheet.width / 2
            right = [c for c in front.cells if c.x >= spine - TOL]
            left = [c for c in front.cells if c.x < spine - TOL]
            assert len(right) == len(left) == 1
            lead, tail = (left[0], right[0]) if rtl else (right[0], left[0])
            first_leaves.append((lead, behind(sheet, lead)))
            # The second leaf's recto is the inside face, its verso the outside.
            second_leaves.insert(0, (behind(sheet, tail), tail))
        for recto, verso in first_leaves + second_leaves:
            reading += [recto.page, verso.page]
    return reading


# --------------------------------------------------------------------------
# booklet


@pytest.mark.parametrize("rtl", [False, True], ids=["ltr", "rtl"])
@pytest.mark.parametrize("n", range(4, 65, 4))
def test_booklet_every_page_once_and_formula(n: int, rtl: bool) -> None:
    plan = booklet_plan(n, *A5, rtl=rtl, signature=None if n <= 40 else n // 4)
    assert plan.layout == "booklet"
    assert plan.duplex == "short-edge"
    assert plan.sides_per_sheet == 2
    assert sorted(plan.pages()) == list(range(1, n + 1))
    assert len(plan.sheets) == n // 4
    for k, sheet in enumerate(plan.sheets):
        assert (sheet.width, sheet.height) == (2 * A5[0], A5[1])
        front, back = sheet.sides
        assert (front.name, back.name) == ("front", "back")
        want_front = [n - 2 * k, 2 * k + 1]
        want_back = [2 * k + 2, n - 2 * k - 1]
        if rtl:
            want_front.reverse()
            want_back.reverse()
        assert pages_of(front) == want_front
        assert pages_of(back) == want_back
        for side in sheet.sides:
            a, b = side.cells
            assert a.page is not None and b.page is not None
            assert a.page + b.page == n + 1, "pages facing across the spine sum to N+1"
            assert (a.x, a.w, b.x, b.w) == (0.0, A5[0], A5[0], A5[0])
            assert all(c.y == 0 and c.h == A5[1] and c.rotate == 0 for c in side.cells)


@pytest.mark.parametrize("rtl", [False, True], ids=["ltr", "rtl"])
@pytest.mark.parametrize("n", range(4, 65, 4))
def test_booklet_folds_into_reading_order(n: int, rtl: bool) -> None:
    """One signature, whatever the size: nest and read 1..N."""
    plan = booklet_plan(n, *A5, rtl=rtl, signature=n // 4)
    assert fold_booklet(plan, [n], rtl=rtl) == list(range(1, n + 1))


@pytest.mark.parametrize("rtl", [False, True], ids=["ltr", "rtl"])
def test_booklet_mirror_is_not_a_valid_ltr_booklet(rtl: bool) -> None:
    """Guard the simulation itself: reading a booklet the wrong way fails."""
    plan = booklet_plan(8, *A5, rtl=rtl)
    assert fold_booklet(plan, [8], rtl=not rtl) != list(range(1, 9))


def test_auto_signature_threshold() -> None:
    assert auto_signature(4) is None
    assert auto_signature(40) is None
    assert auto_signature(44) == 4
    assert auto_signature(64) == 4


@pytest.mark.parametrize(
    ("n", "signature", "sizes"),
    [
        (64, None, [16, 16, 16, 16]),  # automatic: > 40 pages
        (44, None, [16, 16, 12]),
        (40, None, [40]),
        (24, 3, [12, 12]),
        (20, 3, [12, 8]),
        (16, 10, [16]),
        (8, 1, [4, 4]),
    ],
)
@pytest.mark.parametrize("rtl", [False, True], ids=["ltr", "rtl"])
def test_booklet_signatures(n: int, signature: int | None, sizes: list[int], rtl: bool) -> None:
    plan = booklet_plan(n, *A5, rtl=rtl, signature=signature)
    assert sorted(plan.pages()) == list(range(1, n + 1))
    assert fold_booklet(plan, sizes, rtl=rtl) == list(range(1, n + 1))
    offset = 0
    for size, sheets in zip(sizes, signature_groups(plan, sizes), strict=True):
        for side in (s for sheet in sheets for s in sheet.sides):
            a, b = (c.page for c in side.cells)
            assert a is not None and b is not None
            assert a + b == 2 * offset + size + 1, "pairs sum within the signature"
        offset += size
    if len(sizes) > 1:
        assert "signatures" in plan.instructions
        assert plan.instructions.endswith("then bind")
    else:
        assert plan.instructions == (
            "double-sided, flip on short edge; fold each sheet in half, nest them in order, staple on the fold"
        )


def test_booklet_64_auto_layout_first_sheet_of_each_signature() -> None:
    plan = booklet_plan(64, *A5)
    firsts = [pages_of(plan.sheets[i].sides[0]) for i in (0, 4, 8, 12)]
    assert firsts == [[16, 1], [32, 17], [48, 33], [64, 49]]


@pytest.mark.parametrize("rtl", [False, True], ids=["ltr", "rtl"])
def test_booklet_creep_toward_spine(rtl: bool) -> None:
    creep = 1.2
    plan = booklet_plan(16, *A5, rtl=rtl, creep=creep)
    expected = [0.0, 0.4, 0.8, 1.2]
    for sheet, shift in zip(plan.sheets, expected, strict=True):
        for side in sheet.sides:
            left, right = side.cells
            assert left.x < right.x
            assert left.shift_x == pytest.approx(shift), "left cell: spine is to the right"
            assert right.shift_x == pytest.approx(-shift), "right cell: spine is to the left"


def test_booklet_creep_restarts_in_each_signature() -> None:
    plan = booklet_plan(64, *A5, creep=3.0)
    shifts = [sheet.sides[0].cells[0].shift_x for sheet in plan.sheets]
    assert shifts == pytest.approx([0.0, 1.0, 2.0, 3.0] * 4)


def test_booklet_creep_single_sheet_is_zero() -> None:
    plan = booklet_plan(4, *A5, creep=2.0)
    assert all(c.shift_x == 0 for s in plan.sheets[0].sides for c in s.cells)


def test_booklet_spine_fold_ticks_on_every_side() -> None:
    w, h = A5
    plan = booklet_plan(12, w, h)
    for sheet in plan.sheets:
        for side in sheet.sides:
            assert side.marks
            for mark in side.marks:
                assert mark.kind == "fold"
                assert mark.x1 == mark.x2 == w
                assert 0 < abs(mark.y2 - mark.y1) <= 10
                assert min(mark.y1, mark.y2) in (5, pytest.approx(h - 10))  # inside the printable area
            ys = sorted(min(m.y1, m.y2) for m in side.marks)
            assert ys[0] == 5 and max(max(m.y1, m.y2) for m in side.marks) == h - 5


@pytest.mark.parametrize("n", [0, -4, 2, 6, 10, 30])
def test_booklet_rejects_page_counts_not_multiple_of_4(n: int) -> None:
    with pytest.raises(ValueError, match="multiple of 4"):
        booklet_plan(n, *A5)


@pytest.mark.parametrize(
    "kwargs",
    [{"signature": 0}, {"signature": -1}, {"creep": -0.5}, {"creep": 500.0}],
)
def test_booklet_rejects_bad_options(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        booklet_plan(16, *A5, **kwargs)  # type: ignore[arg-type]


def test_booklet_rejects_bad_sizes() -> None:
    with pytest.raises(ValueError, match="page_w"):
        booklet_plan(8, 0, 210)
    with pytest.raises(ValueError, match="page_h"):
        booklet_plan(8, 148, -1)


# --------------------------------------------------------------------------
# zine

# (page, row, col, rotate) — row 0 is the top row, col 0 the leftmost column.
ZINE_LTR = {
    (5, 0, 0, 180),
    (4, 0, 1, 180),
    (3, 0, 2, 180),
    (2, 0, 3, 180),
    (6, 1, 0, 0),
    (7, 1, 1, 0),
    (8, 1, 2, 0),
    (1, 1, 3, 0),
}
ZINE_RTL = {
    (2, 0, 0, 180),
    (3, 0, 1, 180),
    (4, 0, 2, 180),
    (5, 0, 3, 180),
    (1, 1, 0, 0),
    (8, 1, 1, 0),
    (7, 1, 2, 0),
    (6, 1, 3, 0),
}


def zine_table(plan: Plan, w: float, h: float) -> set[tuple[int | None, int, int, int]]:
    (side,) = plan.sheets[0].sides
    table = set()
    for c in side.cells:
        col = c.x / w
        row = 0 if c.y == h else 1
        assert col == round(col) and c.y in (0, h)
        assert (c.w, c.h) == (w, h)
        table.add((c.page, row, round(col), c.rotate))
    return table


def fold_zine(plan: Plan) -> list[int]:
    """Fold the mini zine in the head and return the pages in reading order.

    Folding lengthwise (top half behind) puts the top-row cell of each column
    behind the bottom-row cell, turned the right way up — so the top row must
    be printed upside down. The slit through the middle two columns leaves a
    loop: bottom row left to right, then the top row right to left. The zine
    reads around that loop; the page after the cover is the one behind it.
    """
    (side,) = plan.sheets[0].sides
    bottom = sorted((c for c in side.cells if c.y == 0), key=lambda c: c.x)
    top = sorted((c for c in side.cells if c.y > 0), key=lambda c: c.x)
    assert all(c.rotate == 0 for c in bottom), "the outside row is upright"
    assert all(c.rotate == 180 for c in top), "the row folded behind is upside down"
    loop = bottom + top[::-1]
    start = next(i for i, c in enumerate(loop) if c.page == 1)
    nxt = (start + 1) % 8
    step = 1 if loop[nxt].x == loop[start].x else -1  # towards the page behind the cover
    return [loop[(start + step * i) % 8].page for i in range(8)]  # type: ignore[misc]


@pytest.mark.parametrize(("rtl", "table"), [(False, ZINE_LTR), (True, ZINE_RTL)], ids=["ltr", "rtl"])
def test_zine_cell_table(rtl: bool, table: set[tuple[int, int, int, int]]) -> None:
    w, h = 74.25, 105.0
    plan = zine_plan(w, h, rtl=rtl)
    assert plan.layout == "zine"
    assert plan.duplex == "none"
    assert plan.sides_per_sheet == 1
    assert len(plan.sheets) == 1
    sheet = plan.sheets[0]
    assert (sheet.width, sheet.height) == (4 * w, 2 * h)
    assert sheet.sides[0].name == "front"
    assert zine_table(plan, w, h) == table
    assert plan.instructions == (
        "one side only; fold in half lengthwise, cut the marked slit, fold into an 8-page zine"
    )


@pytest.mark.parametrize("rtl", [False, True], ids=["ltr", "rtl"])
def test_zine_folds_into_reading_order(rtl: bool) -> None:
    plan = zine_plan(74.25, 105.0, rtl=rtl)
    assert fold_zine(plan) == list(range(1, 9))
    (side,) = plan.sheets[0].sides
    cover = next(c for c in side.cells if c.page == 1)
    back = next(c for c in side.cells if c.page == 8)
    # The cover is on the outside face at the end of the strip, and the back
    # cover shares the spine fold with it: on the cover's left for LTR, on
    # its right for RTL.
    assert cover.y == 0 and cover.rotate == 0
    assert cover.x == (0 if rtl else 3 * 74.25)
    assert back.y == 0
    assert (back.x > cover.x) is rtl


def test_zine_rtl_is_mirror_of_ltr() -> None:
    mirrored = {(p, r, 3 - c, rot) for p, r, c, rot in ZINE_LTR}
    assert mirrored == ZINE_RTL


def test_zine_marks() -> None:
    w, h = 70.0, 100.0
    (side,) = zine_plan(w, h).sheets[0].sides
    folds = {(m.x1, m.y1, m.x2, m.y2) for m in side.marks if m.kind == "fold"}
    cuts = [(m.x1, m.y1, m.x2, m.y2) for m in side.marks if m.kind == "cut"]
    assert folds == {  # 5 mm short of the sheet edges, which office printers cannot reach
        (5, h, 4 * w - 5, h),
        (w, 5, w, 2 * h - 5),
        (2 * w, 5, 2 * w, 2 * h - 5),
        (3 * w, 5, 3 * w, 2 * h - 5),
    }
    assert cuts == [(w, h, 3 * w, h)], "slit across the middle two panels only"


def test_zine_rejects_bad_size() -> None:
    with pytest.raises(ValueError):
        zine_plan(0, 100)


# --------------------------------------------------------------------------
# trifold

PANEL, NARROW, HEIGHT = 100.0, 97.0, 210.0


def side_table(side: Side) -> list[tuple[int | None, float, float]]:
    """(page, x, width) left to right."""
    return [(c.page, c.x, c.w) for c in sorted(side.cells, key=lambda c: c.x)]


@pytest.mark.parametrize(
    ("rtl", "outside", "inside"),
    [
        (
            False,
            [(5, 0, NARROW), (6, NARROW, PANEL), (1, NARROW + PANEL, PANEL)],
            [(2, 0, PANEL), (3, PANEL, PANEL), (4, 2 * PANEL, NARROW)],
        ),
        (
            True,
            [(1, 0, PANEL), (6, PANEL, PANEL), (5, 2 * PANEL, NARROW)],
            [(4, 0, NARROW), (3, NARROW, PANEL), (2, NARROW + PANEL, PANEL)],
        ),
    ],
    ids=["ltr", "rtl"],
)
def test_trifold_tables(
    rtl: bool,
    outside: list[tuple[int, float, float]],
    inside: list[tuple[int, float, float]],
) -> None:
    plan = trifold_plan(PANEL, NARROW, HEIGHT, rtl=rtl)
    assert plan.layout == "trifold"
    assert plan.duplex == "short-edge"
    assert plan.sides_per_sheet == 2
    (sheet,) = plan.sheets
    assert sheet.width == pytest.approx(2 * PANEL + NARROW)
    assert sheet.height == HEIGHT
    out_side, in_side = sheet.sides
    assert (out_side.name, in_side.name) == ("outside", "inside")
    assert side_table(out_side) == [(p, pytest.approx(x), w) for p, x, w in outside]
    assert side_table(in_side) == [(p, pytest.approx(x), w) for p, x, w in inside]
    assert all(c.y == 0 and c.h == HEIGHT and c.rotate == 0 for s in sheet.sides for c in s.cells)
    assert plan.instructions == (
        "double-sided, flip on short edge; fold the narrow panel in first, then fold the cover over it"
    )


@pytest.mark.parametrize("rtl", [False, True], ids=["ltr", "rtl"])
def test_trifold_panels_back_each_other(rtl: bool) -> None:
    """Flipped on the short edge, the narrow panel's faces are 4 and 5,
    the cover backs page 2 and the back page backs page 3."""
    (sheet,) = trifold_plan(PANEL, NARROW, HEIGHT, rtl=rtl).sheets
    pairs = {(c.page, behind(sheet, c).page) for c in sheet.sides[0].cells}
    assert pairs == {(5, 4), (6, 3), (1, 2)}
    for c in sheet.sides[0].cells:
        assert behind(sheet, c).w == c.w
    narrow = [c for s in sheet.sides for c in s.cells if c.w == NARROW]
    assert sorted(c.page for c in narrow) == [4, 5]


@pytest.mark.parametrize("rtl", [False, True], ids=["ltr", "rtl"])
def test_trifold_fold_ticks_at_panel_boundaries(rtl: bool) -> None:
    (sheet,) = trifold_plan(PANEL, NARROW, HEIGHT, rtl=rtl).sheets
    for side in sheet.sides:
        boundaries = sorted(c.x for c in side.cells)[1:]
        xs = sorted({m.x1 for m in side.marks})
        assert xs == pytest.approx(boundaries)
        assert all(m.kind == "fold" and m.x1 == m.x2 for m in side.marks)
        assert len(side.marks) == 4  # top and bottom tick at each of 2 folds
        assert sorted({round(min(m.y1, m.y2), 6) for m in side.marks}) == [5, HEIGHT - 10]


def test_trifold_rejects_wide_fold_in_panel() -> None:
    with pytest.raises(ValueError, match="fold-in panel"):
        trifold_plan(97, 100, 210)


# --------------------------------------------------------------------------
# handbill


def test_handbill_a6_on_a4_two_pages() -> None:
    plan = handbill_plan(2, *A6, *A4)
    assert plan.layout == "handbill"
    assert plan.duplex == "long-edge"
    assert plan.sides_per_sheet == 2
    assert plan.instructions == "double-sided, flip on long edge; cut along the marks into 4 handbills"
    (sheet,) = plan.sheets
    assert (sheet.width, sheet.height) == A4
    front, back = sheet.sides
    assert (front.name, back.name) == ("front", "back")
    spots = {(c.x, c.y) for c in front.cells}
    assert spots == {(0, 0.5), (105, 0.5), (0, 148.5), (105, 148.5)}, "grid centred"
    assert all(c.page == 1 and (c.w, c.h) == A6 for c in front.cells)
    assert all(c.page == 2 and (c.w, c.h) == A6 for c in back.cells)
    for cell in front.cells:
        assert behind(sheet, cell).page == 2
        assert {(c.x, c.y) for c in back.cells} == spots


def test_handbill_back_is_mirrored_when_grid_is_off_centre() -> None:
    """3 x 1 of 60 mm on 200 mm: mirrored positions must back each other."""
    plan = handbill_plan(2, 60, 100, 200, 120)
    (sheet,) = plan.sheets
    assert plan.duplex == "short-edge", "landscape sheet mirrored in x flips on the short edge"
    xs = sorted(c.x for c in sheet.sides[0].cells)
    assert xs == pytest.approx([10, 70, 130])
    for cell in sheet.sides[0].cells:
        assert behind(sheet, cell).page == 2


def test_handbill_one_page() -> None:
    plan = handbill_plan(1, *A6, *A4)
    assert plan.duplex == "none"
    assert plan.sides_per_sheet == 1
    assert plan.instructions == "one side only; cut along the marks into 4 handbills"


def test_handbill_crop_marks_a6_on_a4() -> None:
    (side,) = handbill_plan(1, *A6, *A4).sheets[0].sides
    marks = {(m.kind, m.x1, m.y1, m.x2, m.y2) for m in side.marks}
    # Only the inner cut lines need cutting; the grid touches the sheet edges,
    # so the ticks run along the cut lines, starting 5 mm in (where printers print).
    assert marks == {
        ("crop", 105, 5, 105, 10),
        ("crop", 105, 287, 105, 292),
        ("crop", 5, 148.5, 10, 148.5),
        ("crop", 200, 148.5, 205, 148.5),
    }


def test_handbill_crop_marks_outside_grid_when_room() -> None:
    (side,) = handbill_plan(1, 90, 130, *A4).sheets[0].sides
    x0, y0 = 15.0, 18.5
    assert sorted((round(c.x, 6), round(c.y, 6)) for c in side.cells) == [
        (x0, y0),
        (x0, y0 + 130),
        (x0 + 90, y0),
        (x0 + 90, y0 + 130),
    ]
    assert len(side.marks) == 12  # 3 cut lines each way, 2 ticks each
    for m in side.marks:
        assert m.kind == "crop"
        length = math.hypot(m.x2 - m.x1, m.y2 - m.y1)
        assert length == pytest.approx(5)
        # Every tick lies in the margin, outside the grid.
        inside_x = x0 + TOL < (m.x1 + m.x2) / 2 < x0 + 180 - TOL
        inside_y = y0 + TOL < (m.y1 + m.y2) / 2 < y0 + 260 - TOL
        assert not (inside_x and inside_y)


def test_handbill_quarter_letter() -> None:
    plan = handbill_plan(2, *QUARTER_LETTER, *LETTER)
    (sheet,) = plan.sheets
    assert (sheet.width, sheet.height) == LETTER
    cells = sheet.sides[0].cells
    assert len(cells) == 4
    spots = sorted((round(c.x, 6), round(c.y, 6)) for c in cells)
    assert spots == [(0, 0), (0, 139.7), (107.95, 0), (107.95, 139.7)]
    assert plan.instructions.endswith("into 4 handbills")
    kinds = {m.kind for m in sheet.sides[0].marks}
    assert kinds == {"crop"}


@pytest.mark.parametrize("n", [0, 3, 4])
def test_handbill_rejects_page_count(n: int) -> None:
    with pytest.raises(ValueError, match="1 or 2"):
        handbill_plan(n, *A6, *A4)


def test_handbill_rejects_page_larger_than_sheet() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        handbill_plan(1, 300, 400, *A4)


# --------------------------------------------------------------------------
# data classes


def test_dataclasses_are_frozen_and_validated() -> None:
    cell = Cell(1, 0, 0, 10, 10)
    with pytest.raises(AttributeError):
        cell.page = 2  # type: ignore[misc]
    with pytest.raises(ValueError):
        Cell(1, 0, 0, 10, 10, rotate=90)
    with pytest.raises(ValueError):
        Cell(0, 0, 0, 10, 10)
    with pytest.raises(ValueError):
        Mark("staple", 0, 0, 1, 1)
    with pytest.raises(ValueError):
        Plan("x", (), "sideways", "")
    assert Plan("x", (), "none", "").sides_per_sheet == 0
