"""The layout catalogue: per layout its page geometry, page-count rule and imposition.

Pure data and arithmetic, no I/O: the build asks here how big a page is on a
given paper, how many pages an edition may or must have, and how to put the
reading pages onto printer sheets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .imposition import Plan, auto_signature, booklet_plan, handbill_plan, trifold_plan, zine_plan

#: Paper sizes, portrait, in millimetres.
PAPERS: dict[str, tuple[float, float]] = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
PAPER_NAMES = {"a4": "A4", "letter": "Letter"}
TRIFOLD_TUCK = 3.0  # the fold-in panel is this much narrower (mm)


@dataclass(frozen=True)
class Geometry:
    """Page sizes (mm) of one layout on one paper: ``pages`` lists special sizes by page number."""

    width: float
    height: float
    narrow: dict[int, float]  # page number → narrower width (trifold's fold-in panel)
    label: str


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    fixed_pages: int | None      # exact page count, or None
    max_pages: int | None        # at most (handbill: 2)
    multiple_of: int             # padded to a multiple of this (booklet: 4)
    duplex: str
    folding: str                 # how to fold / cut, for `pamphlet layouts`
    geometry: Callable[[str], Geometry]
    plan: Callable[..., Plan] | None  # imposition, None when the reading PDF is what gets printed
    back_cover: bool = True           # padding blanks go before the last page (else at the end)

    @property
    def page_rule(self) -> str:
        if self.fixed_pages:
            return f"{self.fixed_pages}"
        if self.max_pages:
            return f"1–{self.max_pages}"
        return f"multiple of {self.multiple_of}" if self.multiple_of > 1 else "any"

    def padded(self, pages: int) -> int:
        m = self.multiple_of
        return -(-pages // m) * m if m > 1 else pages

    def sheet_size(self, paper: str) -> tuple[float, float]:
        w, h = PAPERS[paper]
        return (h, w) if self.name in ("booklet", "zine", "trifold") else (w, h)

    def impose(self, pages: int, paper: str, *, rtl: bool, signature: int | None = None,
               creep: float = 0.0) -> Plan | None:
        g = self.geometry(paper)
        if self.name == "booklet":
            return booklet_plan(pages, g.width, g.height, rtl=rtl, signature=signature, creep=creep)
        if self.name == "zine":
            return zine_plan(g.width, g.height, rtl=rtl)
        if self.name == "trifold":
            return trifold_plan(g.width, g.narrow[4], g.height, rtl=rtl)
        if self.name == "handbill":
            sw, sh = PAPERS[paper]
            return handbill_plan(pages, g.width, g.height, sw, sh)
        return None


def _mm(v: float) -> str:
    return f"{round(v, 2):g}"


def _same(paper: str) -> Geometry:
    w, h = PAPERS[paper]
    return Geometry(w, h, {}, f"{PAPER_NAMES[paper]} ({_mm(w)}×{_mm(h)} mm)")


def _half(paper: str) -> Geometry:
    w, h = PAPERS[paper]
    name = {"a4": "A5", "letter": "half letter"}[paper]
    return Geometry(h / 2, w, {}, f"{name} ({_mm(round(h / 2, 2))}×{_mm(w)} mm)")


def _quarter(paper: str) -> Geometry:
    w, h = PAPERS[paper]
    name = {"a4": "A6", "letter": "quarter letter"}[paper]
    return Geometry(w / 2, h / 2, {}, f"{name} ({_mm(round(w / 2, 2))}×{_mm(round(h / 2, 2))} mm)")


def _zine(paper: str) -> Geometry:
    w, h = PAPERS[paper]  # landscape sheet h × w, 4 × 2 panels
    pw, ph = round(h / 4, 3), round(w / 2, 3)
    return Geometry(pw, ph, {}, f"{_mm(pw)}×{_mm(ph)} mm")


def _trifold(paper: str) -> Geometry:
    w, h = PAPERS[paper]  # landscape sheet h × w, three panels
    panel = round((h + TRIFOLD_TUCK) / 3, 3)
    narrow = round(h - 2 * panel, 3)
    return Geometry(panel, w, {4: narrow, 5: narrow}, f"{_mm(panel)}×{_mm(w)} mm (fold-in panel {_mm(narrow)} mm)")


CATALOGUE: dict[str, Layout] = {
    "leaflet": Layout(
        "leaflet", "Two-sided leaflet: headline, event box, body, pull quote, call to action, QR code.",
        fixed_pages=2, max_pages=None, multiple_of=1, duplex="long-edge",
        folding="print double-sided, flip on long edge; no folding",
        geometry=_same, plan=None, back_cover=False),
    "booklet": Layout(
        "booklet", "Saddle-stitched booklet: cover, numbered pages, back cover with contact and QR.",
        fixed_pages=None, max_pages=None, multiple_of=4, duplex="short-edge",
        folding="print the -print.pdf double-sided, flip on short edge; fold the sheets in half, nest them, staple on the fold",
        geometry=_half, plan=booklet_plan),
    "zine": Layout(
        "zine", "8-page one-sheet mini zine: big type, one idea per page.",
        fixed_pages=8, max_pages=None, multiple_of=1, duplex="none",
        folding="print the -print.pdf on one side; fold in half lengthwise, cut the marked slit, fold into a zine",
        geometry=_zine, plan=zine_plan),
    "trifold": Layout(
        "trifold", "Tri-fold brochure: six panels on one landscape sheet.",
        fixed_pages=6, max_pages=None, multiple_of=1, duplex="short-edge",
        folding="print the -print.pdf double-sided, flip on short edge; fold the narrow panel in, then the cover over it",
        geometry=_trifold, plan=trifold_plan),
    "handbill": Layout(
        "handbill", "Small one- or two-sided handbill, printed 4-up and cut.",
        fixed_pages=None, max_pages=2, multiple_of=1, duplex="long-edge",
        folding="print the -print.pdf (double-sided, flip on long edge if two-sided); cut along the crop marks",
        geometry=_quarter, plan=handbill_plan),
}

LAYOUT_NAMES = list(CATALOGUE)


_CUPS_SIDES = {"none": "one-sided", "long-edge": "two-sided-long-edge", "short-edge": "two-sided-short-edge"}


def cups_sides(duplex: str) -> str:
    """The CUPS ``sides`` value for a plan's duplex mode."""
    return _CUPS_SIDES[duplex]


def get(name: str) -> Layout:
    return CATALOGUE[name]


__all__ = ["CATALOGUE", "LAYOUT_NAMES", "PAPERS", "Geometry", "Layout", "Plan", "auto_signature", "get"]
