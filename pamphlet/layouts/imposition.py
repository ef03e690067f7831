"""Imposition plans: where each reading-order page goes on the printer sheets.

This module is deliberately pure data and arithmetic — no PDF library, no I/O —
so that every layout can be checked exhaustively by fast table-driven tests
(including a "fold it in your head" simulation) before any PDF is touched.
:mod:`pamphlet.sheets.impose` is the only place that turns a :class:`Plan` into PDF.

Conventions (shared with :mod:`pamphlet.sheets.impose`):

* All lengths are millimetres. Coordinates follow PDF: origin at the sheet's
  lower-left corner, y grows upwards.
* A side's cells are listed left to right as seen when looking at that side
  with the sheet the right way up.
* Every two-sided plan mirrors the back horizontally: the cell at ``x`` on the
  front is backed by the cell at ``sheet.width - x - w`` on the back. For a
  landscape sheet that is "flip on the short edge", for a portrait sheet
  "flip on the long edge" — the plan's ``duplex`` says which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "AUTO_SIGNATURE_SHEETS",
    "AUTO_SIGNATURE_THRESHOLD",
    "Cell",
    "Mark",
    "Plan",
    "Sheet",
    "Side",
    "auto_signature",
    "booklet_plan",
    "handbill_plan",
    "trifold_plan",
    "zine_plan",
]

#: Above this many pages a single saddle-stitched set gets too thick to fold
#: flat and creeps badly, so booklets are split into signatures automatically.
AUTO_SIGNATURE_THRESHOLD = 40
#: Sheets per signature when splitting automatically (16 pages each).
AUTO_SIGNATURE_SHEETS = 4
#: Length of fold ticks drawn in from the sheet edges, mm.
FOLD_TICK = 5.0
#: Office printers cannot print this close to a sheet edge: marks start this far in (mm).
EDGE_GAP = 5.0
#: Length of handbill crop ticks, mm.
CROP_TICK = 5.0
#: Grid edges closer than this to the sheet edge need no cut, mm.
_NO_CUT_NEEDED = 1.0
#: Minimum margin around a handbill grid for crop ticks to sit outside it, mm.
_MIN_CROP_ROOM = 3.0
#: Tolerance for floating-point divisions of paper sizes (e.g. 215.9 / 107.95).
_EPS = 1e-6

DUPLEX_MODES = ("none", "long-edge", "short-edge")
MARK_KINDS = ("fold", "cut", "crop")


@dataclass(frozen=True, slots=True)
class Cell:
    """One page-sized slot on a sheet side.

    ``page`` is the 1-based reading-order page placed here (``None`` leaves the
    cell blank). ``x``/``y`` is the cell's lower-left corner on the sheet and
    ``w``/``h`` its size, which equals the page's trim size. ``rotate=180``
    places the page upside down inside the same cell (mini zines need that for
    the row that ends up behind the fold). ``shift_x`` moves the page content
    horizontally inside the cell to compensate booklet creep.
    """

    page: int | None
    x: float
    y: float
    w: float
    h: float
    rotate: int = 0
    shift_x: float = 0.0

    def __post_init__(self) -> None:
        if self.rotate not in (0, 180):
            raise ValueError(f"cell rotation must be 0 or 180, not {self.rotate}")
        if self.page is not None and self.page < 1:
            raise ValueError(f"cell page numbers are 1-based, got {self.page}")
        if self.w <= 0 or self.h <= 0:
            raise ValueError(f"cell size must be positive, got {self.w} x {self.h} mm")


@dataclass(frozen=True, slots=True)
class Mark:
    """A printer's mark: a straight line segment on the sheet, in mm.

    ``kind`` tells the imposer how to draw it and the reader what to do with
    it: ``fold`` (fold here), ``cut`` (cut here, e.g. the zine slit) or
    ``crop`` (trim the sheet here).
    """

    kind: str
    x1: float
    y1: float
    x2: float
    y2: float

    def __post_init__(self) -> None:
        if self.kind not in MARK_KINDS:
            raise ValueError(f"mark kind must be one of {MARK_KINDS}, not {self.kind!r}")


@dataclass(frozen=True, slots=True)
class Side:
    """One printed face of a sheet with its cells (left to right) and marks."""

    name: str
    cells: tuple[Cell, ...]
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True, slots=True)
class Sheet:
    """A physical printer sheet, sized as printed (landscape: width > height)."""

    width: float
    height: float
    sides: tuple[Side, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """A complete imposition: the sheets, how to print them, how to finish them."""

    layout: str
    sheets: tuple[Sheet, ...]
    duplex: str
    instructions: str

    def __post_init__(self) -> None:
        if self.duplex not in DUPLEX_MODES:
            raise ValueError(f"duplex must be one of {DUPLEX_MODES}, not {self.duplex!r}")

    @property
    def sides_per_sheet(self) -> int:
        """1 for one-sided plans, 2 for double-sided ones (what the printer must do)."""
        return max((len(sheet.sides) for sheet in self.sheets), default=0)

    def pages(self) -> list[int]:
        """Every page number placed, in sheet/side/cell order (repeats included)."""
        return [
            cell.page for sheet in self.sheets for side in sheet.sides for cell in side.cells if cell.page is not None
        ]


# --------------------------------------------------------------------------
# helpers


def _positive(**values: float) -> None:
    """Reject zero/negative/NaN sizes early, with the parameter's name."""
    for name, value in values.items():
        if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive length in mm, got {value!r}")


def _row(
    pages: list[int | None],
    widths: list[float],
    y: float,
    h: float,
    *,
    rotate: int = 0,
    shifts: list[float] | None = None,
) -> tuple[Cell, ...]:
    """Lay cells out left to right from x = 0, each as wide as its width."""
    cells = []
    x = 0.0
    for i, (page, w) in enumerate(zip(pages, widths, strict=True)):
        shift = shifts[i] if shifts else 0.0
        cells.append(Cell(page, x, y, w, h, rotate=rotate, shift_x=shift))
        x += w
    return tuple(cells)


def _fold_ticks(x: float, height: float) -> tuple[Mark, Mark]:
    """Short fold ticks at the bottom and top edges at ``x``.

    Ticks rather than a full line: a printed line across the page would show
    on the finished spine/panel, ticks at the edge are enough to fold against.
    """
    gap = min(EDGE_GAP, height / 8)
    tick = min(FOLD_TICK, height / 4)
    return (
        Mark("fold", x, gap, x, gap + tick),
        Mark("fold", x, height - gap - tick, x, height - gap),
    )


# --------------------------------------------------------------------------
# booklet (saddle stitch)


def auto_signature(n_pages: int) -> int | None:
    """Sheets per signature chosen automatically for ``n_pages`` (None = one set).

    More than :data:`AUTO_SIGNATURE_THRESHOLD` pages in one saddle-stitched set
    will not fold flat, so thicker booklets are made of 16-page signatures.
    Exposed separately so the CLI can tell the user what it decided.
    """
    return AUTO_SIGNATURE_SHEETS if n_pages > AUTO_SIGNATURE_THRESHOLD else None


def _signature_sizes(n_pages: int, signature: int | None) -> list[int]:
    """Pages in each consecutive signature; the last may be smaller."""
    if signature is None:
        return [n_pages]
    per = 4 * signature
    sizes = [per] * (n_pages // per)
    if n_pages % per:
        sizes.append(n_pages % per)
    return sizes


def booklet_plan(
    n_pages: int,
    page_w: float,
    page_h: float,
    *,
    rtl: bool = False,
    signature: int | None = None,
    creep: float = 0.0,
) -> Plan:
    """Saddle-stitched booklet: sheets of two pages per side, folded and nested.

    For one signature of N pages, sheet k (0 = outermost) carries
    front ``[N-2k | 2k+1]`` and back ``[2k+2 | N-2k-1]`` (left | right); a
    right-to-left booklet (spine on the right) mirrors every side. Sheets are
    landscape, so the back is printed "flip on short edge".

    ``signature`` is sheets per signature; ``None`` means one set unless the
    booklet is thicker than :data:`AUTO_SIGNATURE_THRESHOLD` pages (see
    :func:`auto_signature`). ``creep`` (mm, total) pushes the content of inner
    sheets toward the spine, linearly from 0 on the outermost sheet to
    ``creep`` on the innermost sheet of each signature, because inner sheets
    stick out further at the fore edge and get trimmed more.
    """
    if n_pages < 4 or n_pages % 4:
        raise ValueError(
            f"a saddle-stitched booklet needs a multiple of 4 pages, got {n_pages} (pad with blank pages first)"
        )
    _positive(page_w=page_w, page_h=page_h)
    if signature is not None and (not isinstance(signature, int) or isinstance(signature, bool) or signature < 1):
        raise ValueError(f"signature must be a whole number of sheets >= 1, got {signature!r}")
    if not (math.isfinite(creep) and 0 <= creep < page_w):
        raise ValueError(f"creep must be between 0 and the page width ({page_w} mm), got {creep}")

    if signature is None:
        signature = auto_signature(n_pages)
    sizes = _signature_sizes(n_pages, signature)

    sheet_w = 2 * page_w
    widths = [page_w, page_w]
    marks = _fold_ticks(page_w, page_h)

    sheets: list[Sheet] = []
    offset = 0
    for size in sizes:
        n_sheets = size // 4
        for k in range(n_sheets):
            shift = creep * k / (n_sheets - 1) if n_sheets > 1 else 0.0
            # Left cell: spine on its right (+); right cell: spine on its left (-).
            shifts = [shift, -shift if shift else 0.0]
            front: list[int | None] = [offset + size - 2 * k, offset + 2 * k + 1]
            back: list[int | None] = [offset + 2 * k + 2, offset + size - 2 * k - 1]
            if rtl:
                front.reverse()
                back.reverse()
            sheets.append(
                Sheet(
                    sheet_w,
                    page_h,
                    (
                        Side(
                            "front",
                            _row(front, widths, 0.0, page_h, shifts=shifts),
                            marks,
                        ),
                        Side(
                            "back",
                            _row(back, widths, 0.0, page_h, shifts=shifts),
                            marks,
                        ),
                    ),
                )
            )
        offset += size

    if len(sizes) == 1:
        finish = "fold each sheet in half, nest them in order, staple on the fold"
    else:
        finish = (
            f"{len(sizes)} signatures ({_describe_signatures(sizes)}): nest the "
            "sheets of each signature in order and fold it in half, stack the "
            "signatures in order, then bind"
        )
    return Plan(
        layout="booklet",
        sheets=tuple(sheets),
        duplex="short-edge",
        instructions=f"double-sided, flip on short edge; {finish}",
    )


def _describe_signatures(sizes: list[int]) -> str:
    """'4 x 4 sheets' or '2 x 3 sheets + 1 x 2 sheets' for the instructions."""
    parts: list[str] = []
    run_size, run = sizes[0], 0
    for size in [*sizes, -1]:
        if size == run_size:
            run += 1
            continue
        sheets = run_size // 4
        parts.append(f"{run} x {sheets} sheet{'s' if sheets != 1 else ''}")
        run_size, run = size, 1
    return " + ".join(parts)


# --------------------------------------------------------------------------
# 8-page mini zine


def zine_plan(page_w: float, page_h: float, *, rtl: bool = False) -> Plan:
    """The classic one-sheet 8-page mini zine (fold, slit, fold).

    Left-to-right: top row ``5 4 3 2`` upside down, bottom row ``6 7 8 1``
    upright. Folding the sheet lengthwise puts the top row behind the bottom
    row, turned the right way up, in reverse column order; the slit then lets
    the strip fold into a booklet whose pages follow the loop
    bottom row -> top row, i.e. 1..8 with the cover at the bottom right.
    A right-to-left zine is the mirror image (cover at the bottom left).
    """
    _positive(page_w=page_w, page_h=page_h)
    top: list[int | None] = [5, 4, 3, 2]
    bottom: list[int | None] = [6, 7, 8, 1]
    if rtl:
        top.reverse()
        bottom.reverse()
    widths = [page_w] * 4
    cells = _row(top, widths, page_h, page_h, rotate=180) + _row(bottom, widths, 0.0, page_h)
    width, height = 4 * page_w, 2 * page_h
    marks = (
        Mark("fold", EDGE_GAP, page_h, width - EDGE_GAP, page_h),
        *(Mark("fold", i * page_w, EDGE_GAP, i * page_w, height - EDGE_GAP) for i in (1, 2, 3)),
        Mark("cut", page_w, page_h, 3 * page_w, page_h),
    )
    return Plan(
        layout="zine",
        sheets=(Sheet(width, height, (Side("front", cells, marks),)),),
        duplex="none",
        instructions="one side only; fold in half lengthwise, cut the marked slit, fold into an 8-page zine",
    )


# --------------------------------------------------------------------------
# tri-fold leaflet


def trifold_plan(panel_w: float, narrow_w: float, page_h: float, *, rtl: bool = False) -> Plan:
    """Letter-fold (roll-fold) leaflet: one sheet, three panels per side.

    Reading pages 1..6 are the panels: 1 cover, 2-3-4 the opened inside,
    5 the outside face of the fold-in flap, 6 the back. Pages 4 and 5 are the
    two faces of the fold-in panel, which is ``narrow_w`` wide (a little
    narrower than the others so it folds in without buckling).

    Left-to-right: outside ``[5 | 6 | 1]``, inside ``[2 | 3 | 4]``; the narrow
    panel is leftmost outside and rightmost inside — the same physical panel
    once the landscape sheet is flipped on its short edge. Right-to-left
    mirrors both sides.
    """
    _positive(panel_w=panel_w, narrow_w=narrow_w, page_h=page_h)
    if narrow_w > panel_w:
        raise ValueError(
            f"the fold-in panel ({narrow_w} mm) must not be wider than the other "
            f"panels ({panel_w} mm), or it cannot fold inside"
        )
    outside: list[int | None] = [5, 6, 1]
    out_widths = [narrow_w, panel_w, panel_w]
    inside: list[int | None] = [2, 3, 4]
    in_widths = [panel_w, panel_w, narrow_w]
    if rtl:
        outside.reverse()
        out_widths.reverse()
        inside.reverse()
        in_widths.reverse()

    def side(name: str, pages: list[int | None], widths: list[float]) -> Side:
        cells = _row(pages, widths, 0.0, page_h)
        marks = tuple(m for cell in cells[1:] for m in _fold_ticks(cell.x, page_h))
        return Side(name, cells, marks)

    width = 2 * panel_w + narrow_w
    sheet = Sheet(
        width,
        page_h,
        (side("outside", outside, out_widths), side("inside", inside, in_widths)),
    )
    return Plan(
        layout="trifold",
        sheets=(sheet,),
        duplex="short-edge",
        instructions="double-sided, flip on short edge; fold the narrow panel in first, then fold the cover over it",
    )


# --------------------------------------------------------------------------
# handbill (n-up flyer)


def handbill_plan(n_pages: int, page_w: float, page_h: float, sheet_w: float, sheet_h: float) -> Plan:
    """A one- or two-page handbill repeated n-up on a sheet, to be cut apart.

    The grid (as many whole pages as fit across and down) is centred on the
    sheet. With two pages the back carries page 2 at the horizontally mirrored
    positions, so each back lands exactly behind its front when the sheet is
    flipped on its vertical edge (the long edge of a portrait sheet).
    Crop marks go on the front only: if duplex registration is a little off,
    marks on the back would disagree with the front and mislead the cutter.
    """
    if n_pages not in (1, 2):
        raise ValueError(f"a handbill has 1 or 2 pages (front and back), got {n_pages}")
    _positive(page_w=page_w, page_h=page_h, sheet_w=sheet_w, sheet_h=sheet_h)
    cols = math.floor(sheet_w / page_w + _EPS)
    rows = math.floor(sheet_h / page_h + _EPS)
    if cols < 1 or rows < 1:
        raise ValueError(f"a {page_w} x {page_h} mm page does not fit on a {sheet_w} x {sheet_h} mm sheet")
    x0 = max(0.0, (sheet_w - cols * page_w) / 2)
    y0 = max(0.0, (sheet_h - rows * page_h) / 2)

    def grid(page: int, mirrored: bool) -> tuple[Cell, ...]:
        cells = []
        for r in reversed(range(rows)):  # top row first, like reading
            for c in range(cols):
                x = x0 + c * page_w
                if mirrored:
                    x = sheet_w - x - page_w
                cells.append(Cell(page, x, y0 + r * page_h, page_w, page_h))
        if mirrored:  # keep the "left to right" listing convention
            cells.sort(key=lambda cell: (-cell.y, cell.x))
        return tuple(cells)

    marks = _crop_marks(x0, y0, cols, rows, page_w, page_h, sheet_w, sheet_h)
    sides = [Side("front", grid(1, False), marks)]
    n_up = cols * rows
    pieces = f"cut along the marks into {n_up} handbill{'s' if n_up != 1 else ''}"
    if n_pages == 2:
        sides.append(Side("back", grid(2, True)))
        # Mirroring in x is a flip about a vertical edge: long on portrait sheets.
        duplex = "long-edge" if sheet_h >= sheet_w else "short-edge"
        instructions = f"double-sided, flip on {duplex.replace('-', ' ')}; {pieces}"
    else:
        duplex = "none"
        instructions = f"one side only; {pieces}"
    return Plan(
        layout="handbill",
        sheets=(Sheet(sheet_w, sheet_h, tuple(sides)),),
        duplex=duplex,
        instructions=instructions,
    )


def _crop_marks(
    x0: float,
    y0: float,
    cols: int,
    rows: int,
    page_w: float,
    page_h: float,
    sheet_w: float,
    sheet_h: float,
) -> tuple[Mark, ...]:
    """Crop ticks at both ends of every cut line of the grid.

    A cut line that coincides with the sheet edge (within 1 mm) needs no cut
    and gets no mark. Ticks sit in the margin outside the grid when there is
    room for them; otherwise they run in from the sheet edge along the cut
    line itself, where the cut removes them.
    """
    marks: list[Mark] = []
    x1, y1 = x0 + cols * page_w, y0 + rows * page_h

    def ends(
        lo_room: float, hi_room: float, lo: float, hi: float, size: float
    ) -> tuple[tuple[float, float], tuple[float, float]]:
        """(start, end) spans of the two ticks along a cut line."""
        if lo_room >= EDGE_GAP + _MIN_CROP_ROOM:
            first = (lo - min(CROP_TICK, lo_room - EDGE_GAP), lo)
        else:  # no margin outside the grid: tick along the cut line, inside the printable area
            first = (max(lo, EDGE_GAP), max(lo, EDGE_GAP) + CROP_TICK)
        if hi_room >= EDGE_GAP + _MIN_CROP_ROOM:
            second = (hi, hi + min(CROP_TICK, hi_room - EDGE_GAP))
        else:
            second = (min(hi, size - EDGE_GAP) - CROP_TICK, min(hi, size - EDGE_GAP))
        return first, second

    for c in range(cols + 1):
        x = x0 + c * page_w
        if x < _NO_CUT_NEEDED or x > sheet_w - _NO_CUT_NEEDED:
            continue
        for a, b in ends(y0, sheet_h - y1, y0, y1, sheet_h):
            marks.append(Mark("crop", x, a, x, b))
    for r in range(rows + 1):
        y = y0 + r * page_h
        if y < _NO_CUT_NEEDED or y > sheet_h - _NO_CUT_NEEDED:
            continue
        for a, b in ends(x0, sheet_w - x1, x0, x1, sheet_w):
            marks.append(Mark("crop", a, y, b, y))
    return tuple(marks)
