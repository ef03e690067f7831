"""The design score: how a print designer would judge a laid-out edition, read from its boxes.

Each rule is a penalty (0 = as a good designer would set it) with a one-line fault that says where. The
fit engine lays out a layout's candidate compositions and keeps the one with the lowest total; `--json`,
`check` and `check --explain` show the parts, and `benchmarks/design.py` sums them over a corpus.

The rules (DESIGN-REVIEW.md, in the order an organiser cares):

* ``facts``: the date, time and place never smaller than the body or lede text on the same page;
* ``white``: no page or panel mostly white — its tallest band without ink under half its height (a back
  cover may be quiet);
* ``excerpt``: the whole text before an excerpt (a handbill's digest leaves words out);
* ``scale``: type near 100 % (enlarged or shrunk text is a compromise, a little for each per cent);
* ``breaks``: no short list (≤ 4 items) split across columns or pages, no heading at the foot of a column
  or page, column tops aligned, no one-word last line in the headline, no lede split across pages;
* ``repeats``: no block printed twice on one page or panel (the event box), no page holding only the call
  to action;
* ``sizes``: a tri-fold's running text one size on every panel of a side of the sheet (the opening hours at
  7 pt beside the phone numbers at 10 pt on the next panel read as an accident; headings, the lede and pull
  quotes may differ).

Scores compare compositions of one edition; their absolute size means little. Weights make one mostly
white panel cost about as much as type at 80 %.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pamphlet.pages import measure
from pamphlet.pages.measure import Mark

WEIGHTS = {"facts": 3.0, "white": 4.0, "excerpt": 2.5, "scale": 4.0, "breaks": 1.0, "repeats": 2.0, "sizes": 2.0}
WHITE_LIMIT = 0.5        # a band without ink taller than this share of the page is "mostly white"
TOLERANCE_PT = 0.25      # sizes this close count as equal
COLUMN_SLACK_PX = 4.0    # column tops this close count as aligned (~1 mm)


@dataclass
class Score:
    """The penalties of one laid-out composition, and what caused them."""

    parts: dict[str, float] = field(default_factory=lambda: dict.fromkeys(WEIGHTS, 0.0))
    faults: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return round(sum(WEIGHTS[k] * v for k, v in self.parts.items()), 3)

    def add(self, part: str, amount: float, fault: str) -> None:
        self.parts[part] = round(self.parts[part] + amount, 4)
        self.faults.append(fault)

    def as_json(self) -> dict[str, Any]:
        return {"total": self.total, "parts": {k: round(v, 3) for k, v in self.parts.items()},
                "faults": list(self.faults)}


def _is_date(m: Mark) -> bool:
    """The event's date: in the event box, or on a cover (a zine's)."""
    return m.kind == "text" and ((m.within("event") and m.within("value") and m.within("when"))
                                 or m.within("cover-date"))


def _is_fact(m: Mark) -> bool:
    return m.kind == "text" and m.within("event") and m.within("value")


def _is_body(m: Mark) -> bool:
    """Running text: the body's paragraphs and list items, and the lede (not headings, pull quotes, boxes)."""
    if m.kind != "text" or m.within("event", "cta", "contact", "masthead", "pull-quote", "h1", "h2", "h3", "h4",
                                    "footnotes", "callout", "table", "kicker"):
        return False
    return m.within("lede") or (m.within("main", "summary") and m.within("p", "li"))


def facts(pages: list[list[Mark]], score: Score) -> None:
    """Date, time and place never smaller than body or lede text on the same page."""
    for number, found in enumerate(pages, start=1):
        fact = [measure.font_size_pt(m) for m in found if _is_fact(m)]
        body = [measure.font_size_pt(m) for m in found if _is_body(m)]
        if fact and body and min(fact) + TOLERANCE_PT < max(body):
            gap = max(body) - min(fact)
            score.add("facts", gap / max(body),
                      f"page {number}: the event is set at {min(fact):.1f} pt beside {max(body):.1f} pt text")


def white(gaps: list[float], quiet: Iterable[int], score: Score, noun: str = "page") -> None:
    """No page or panel mostly white; ``quiet`` pages (1-based: a back cover) may be."""
    allowed = set(quiet)
    for number, gap in enumerate(gaps, start=1):
        if number not in allowed and gap > WHITE_LIMIT:
            score.add("white", gap - WHITE_LIMIT, f"{noun} {number}: {round(gap * 100)} % of its height is empty")


def scale(value: float, score: Score) -> None:
    """Type away from 100 %: shrunk costs legibility, enlarged (a short text set large) half as much."""
    if abs(value - 1.0) > 0.005:
        score.add("scale", abs(math.log(value)) * (1.0 if value < 1 else 0.5), f"type at {round(value * 100)} %")


def excerpt(left_out: int, total: int, score: Score) -> None:
    if left_out > 0 and total > 0:
        score.add("excerpt", left_out / total, f"{left_out} of {total} words left out")


def headline(pages: list[list[Mark]], score: Score) -> None:
    """No one-word last line in a headline of two lines or more."""
    for number, found in enumerate(pages, start=1):
        lines = [m for m in found if m.kind == "text" and m.within("title") and m.within("h1")]
        if len(lines) >= 2 and len(lines[-1].text.split()) == 1 and len(lines[-2].text.split()) > 1:
            score.add("breaks", 0.5, f"page {number}: the headline ends on one word ({lines[-1].text.strip()})")
            return


def _columns(found: list[Mark], width: float | None = None) -> dict[int, list[Mark]]:
    """The body's text lines on a page by column: lines whose start edges lie within a quarter of the page's
    text width (``width``, px; else the lines' own span) of each other (a list's indent) are one column. A
    table's cells are not columns of their own (a booklet's three-column table would read as three columns
    "apart"): they belong to the column they stand in. The start edge is the left or the right, whichever
    groups the lines into fewer columns: a right-to-left column's lines share their right edge, and their
    left edges, ragged, would read as several columns."""
    lines = [m for m in found if m.kind == "text" and m.within("main", "summary")]
    prose = [m for m in lines if not m.within("td", "th")]
    if not prose:
        return {}
    span = width or (max(m.right for m in prose) - min(m.left for m in prose))

    def grouped(edge: Any) -> dict[int, list[Mark]]:
        starts: list[float] = []
        for m in sorted(prose, key=edge):
            if not starts or edge(m) - starts[-1] > span / 4:
                starts.append(edge(m))
        cols: dict[int, list[Mark]] = {}
        for m in lines:
            start = max((s for s in starts if s <= edge(m) + 1), default=starts[0])
            cols.setdefault(round(abs(start)), []).append(m)
        return cols

    left, right = grouped(lambda m: m.left), grouped(lambda m: -m.right)
    return right if len(right) < len(left) else left


def heading_at_foot(pages: list[list[Mark]], score: Score, widths: list[float] | None = None) -> None:
    """A heading (or a list's intro ending in a colon) with nothing of its section after it in its column."""
    for number, found in enumerate(pages, start=1):
        for col in _columns(found, widths[number - 1] if widths else None).values():
            last = max(col, key=lambda m: m.bottom)
            if last.within("h2", "h3", "h4") or (last.within("p") and last.text.rstrip().endswith(":")):
                score.add("breaks", 0.5, f"page {number}: '{_short(last.text)}' stands at the foot of a column")


def column_tops(pages: list[list[Mark]], score: Score, widths: list[float] | None = None) -> None:
    """The body's columns start at the same height (a list split 2 + 2 left its second column ~9 mm high)."""
    for number, found in enumerate(pages, start=1):
        cols = _columns(found, widths[number - 1] if widths else None)
        tops = sorted(_column_top(col) for col in cols.values())
        if 2 <= len(tops) <= 3 and tops[-1] - tops[0] > COLUMN_SLACK_PX and all(len(col) >= 3 for col in cols.values()):
            mm = (tops[-1] - tops[0]) / measure.PX_PER_MM
            score.add("breaks", min(1.0, mm / 10), f"page {number}: column tops {mm:.0f} mm apart")


#: A column that starts with a boxed block (a pull quote's rule, a callout's tint) aligns by the box's edge,
#: which stands about this far above its first line of text.
BOX_INSET_PX = 6 * 96 / 25.4


def _column_top(col: list[Mark]) -> float:
    first = min(col, key=lambda m: m.top)
    inset = BOX_INSET_PX if first.within("pull-quote", "callout", "aside") else 0.0
    return first.top - inset


def lede_split(pages: list[list[Mark]], score: Score) -> None:
    on = [n for n, found in enumerate(pages, start=1) if any(m.within("lede") for m in found)]
    if len(on) > 1:
        score.add("breaks", 1.0, f"the lede runs from page {on[0]} onto page {on[-1]}")


def short_lists(lists: list[tuple[int, set[tuple[int, int]]]], score: Score) -> None:
    """``lists``: (items, the (page, column) places its items stand in) per list."""
    for items, places in lists:
        if items <= 4 and len(places) > 1:
            pages = sorted({p for p, _ in places})
            where = f"page {pages[0]}" if len(pages) == 1 else f"pages {pages[0]}–{pages[-1]}"
            score.add("breaks", 0.5, f"{where}: a list of {items} items is split")


POSTER_GAP = 0.4  # a page holding only the call to action, set as a poster: no white band taller than this


def repeats(pages: list[list[Mark]], score: Score, sides: list[list[int]] | None = None,
            gaps: list[float] | None = None) -> None:
    """The event printed twice on one side of the sheet; a page with nothing but the call to action's box
    (set as a poster, large in the middle of its page, it is a designed page: ``gaps``, each page's tallest
    band without ink, tell)."""
    for side in sides or []:
        with_event = [n for n in side if any(_is_date(m) for m in pages[n - 1])]
        if len(with_event) > 1:
            score.add("repeats", 1.0, f"pages {', '.join(map(str, with_event))}: the event is printed twice on "
                                      "one side of the sheet")
    for number, found in enumerate(pages, start=1):
        text = [m for m in found if m.kind == "text"]
        poster = gaps is not None and gaps[number - 1] <= POSTER_GAP
        if text and all(m.within("cta") for m in text) and not poster:
            score.add("repeats", 0.5, f"page {number} holds only the call to action's box")


#: Running text on two panels of one side differing by more than this ratio is set at two sizes.
SIZE_SPREAD = 1.1


def body_sizes(pages: list[list[Mark]], score: Score, sides: list[list[int]] | None) -> None:
    """The running text (paragraphs and list items, not the lede) one size across the panels of each side of
    the sheet: each panel's most common size, the largest against the smallest."""
    for side in sides or []:
        found: dict[int, float] = {}
        for number in side:
            sizes = [round(measure.font_size_pt(m), 1) for m in pages[number - 1]
                     if _is_body(m) and not m.within("lede")]
            if sizes:
                found[number] = max(set(sizes), key=lambda v: (sizes.count(v), v))
        if len(found) >= 2 and max(found.values()) > min(found.values()) * SIZE_SPREAD:
            small = min(found, key=lambda n: found[n])
            large = max(found, key=lambda n: found[n])
            score.add("sizes", math.log(found[large] / found[small]),
                      f"panels {small} and {large}: the text is set at {found[small]:.1f} pt and {found[large]:.1f} pt "
                      "on one side of the sheet")


def _short(text: str, most: int = 30) -> str:
    text = text.strip()
    return text if len(text) <= most else text[: most - 1] + "…"


def list_places(layout: Any) -> list[tuple[int, set[tuple[int, int]]]]:
    """For each list in the document: its item count and the (page, column) of each item's start."""
    found: dict[int, tuple[int, set[tuple[int, int]]]] = {}
    for number, page in enumerate(layout.document.pages, start=1):
        for box, _ in measure.walk(measure.page_box(page)):
            if getattr(box, "element_tag", None) not in ("ul", "ol") or box.element is None:
                continue
            items = [c for c in box.element if getattr(c, "tag", None) == "li"]
            key = id(box.element)
            count, places = found.setdefault(key, (len(items), set()))
            for child in measure.children(box):
                if getattr(child, "element_tag", None) == "li":
                    places.add((number, round(child.position_x / 8)))
    return list(found.values())


def blanks(numbers: Iterable[int], score: Score) -> None:
    """Blank pages the page count forces (a booklet's, before its back cover) cost a little each: one sheet
    fewer at slightly smaller type may be the better booklet."""
    for number in numbers:
        score.add("white", 0.25, f"page {number} is blank (the page count needs a multiple of 4)")


def judge(layout: Any, *, scale_used: float, quiet: Iterable[int] = (), left_out: int = 0, total_words: int = 0,
          sides: list[list[int]] | None = None, noun: str = "page", blank: Iterable[int] = ()) -> Score:
    """The score of one laid-out edition (``layout``: a ``render.LaidOut``; ``blank``: its padding pages)."""
    score = Score()
    pages = [measure.marks(p) for p in layout.document.pages]
    facts(pages, score)
    blank = tuple(blank)
    gaps = [measure.largest_gap(p, found) for p, found in zip(layout.document.pages, pages, strict=True)]
    white(gaps, set(quiet) | set(blank), score, noun)
    blanks(blank, score)
    excerpt(left_out, total_words, score)
    scale(scale_used, score)
    widths = [float(measure.page_box(p).width or 0) or None for p in layout.document.pages]
    headline(pages, score)
    heading_at_foot(pages, score, widths)  # type: ignore[arg-type]
    column_tops(pages, score, widths)  # type: ignore[arg-type]
    lede_split(pages, score)
    short_lists(list_places(layout), score)
    repeats(pages, score, sides, gaps)
    if noun == "panel":  # a tri-fold; a zine's pages are posters of one idea each, set as large as each holds
        body_sizes(pages, score, sides)
    return score
