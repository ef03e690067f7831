"""Measurements of laid-out pages: one box walker, and everything fitting, the proof and the design score
read from WeasyPrint's boxes.

Fitting predicts type scales from where the body ends (:func:`extent`), fills short texts by how full their
pages are (:func:`page_fill`, :func:`free_below_mm`), refuses lines wider than their boxes
(:func:`overflowing_lines`); the design score (:mod:`pamphlet.pages.score`) reads ink bands, type sizes and the
place of headings from the same walk. All of it reads boxes already in memory: no measurement lays out.

Lengths are CSS px (1/96 in) unless a name says mm; page positions in :class:`Extent` are in pages.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pamphlet.pages._weasy import boxes as _boxes

LineBox, MarginBox, ReplacedBox, TextBox = _boxes.LineBox, _boxes.MarginBox, _boxes.ReplacedBox, _boxes.TextBox
PX_PER_MM = 96 / 25.4


# --- the walker ------------------------------------------------------------------------------------------


def children(box: Any) -> list[Any]:
    """A box's children; an absolutely placed box stands behind a placeholder, which is looked through."""
    return [getattr(child, "_box", child) for child in getattr(box, "children", None) or ()]


def classes(box: Any) -> list[str]:
    """The class names of the element ``box`` was made for ([] for anonymous boxes)."""
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []


def hidden(box: Any) -> bool:
    """Laid out but not printed (a hidden copy that keeps room in the flow)."""
    return getattr(box, "style", None) is not None and box.style["visibility"] != "visible"


def pinned(box: Any) -> bool:
    """Placed at the page's foot, its room kept in the flow by a hidden copy (the leaflet's contact)."""
    return "pinned" in classes(box) and box.style["position"] == "absolute"


def walk(root: Any, state: Any = None, enter: Callable[[Any, Any], tuple[bool, Any]] | None = None, *,
         unprinted: bool = False) -> Iterator[tuple[Any, Any]]:
    """(box, state) for every printed box under ``root`` in document order, the page-margin boxes (page
    numbers, running heads) and hidden boxes left out — or, with ``unprinted``, every box (where the flow
    ends counts a hidden copy that keeps room in it). ``enter(box, state)`` says whether to look inside
    ``box`` and with which state its children are walked (a room that narrows, being inside ``<main>``)."""
    stack = [(root, state)]
    while stack:
        box, st = stack.pop()
        if not unprinted and (isinstance(box, MarginBox) or hidden(box)):
            continue
        descend, inner = enter(box, st) if enter is not None else (True, st)
        yield box, st
        if descend:
            stack.extend((child, inner) for child in reversed(children(box)))


def _no_margins(enter: Callable[[Any, Any], tuple[bool, Any]]) -> Callable[[Any, Any], tuple[bool, Any]]:
    """``enter`` that leaves the page-margin boxes out (and nothing else)."""
    def wrapped(box: Any, state: Any) -> tuple[bool, Any]:
        return (False, state) if isinstance(box, MarginBox) else enter(box, state)
    return wrapped


def page_box(page: Any) -> Any:
    return page._page_box


# --- where things end ------------------------------------------------------------------------------------


def _flex_column(box: Any) -> bool:
    style = getattr(box, "style", None)
    return bool(box.children) and style is not None and style["display"][-1] == "flex" and \
        style["flex_direction"].startswith("column")


def lowest(boxes: list[Any], floor: float = 0.0, *, natural: bool = False) -> float:
    """The lowest bottom edge (px) of the leaf boxes under ``boxes``, or ``floor``. A pinned box does not
    count: the content ends where the flow does. ``natural``: a column of flex items (a panel that centres
    or spreads its content, such as a zine's event page) counts as tall as its items stacked, not as far
    down as it spreads them."""
    bottom = floor

    def enter(box: Any, _: Any) -> tuple[bool, Any]:
        nonlocal bottom
        if pinned(box):
            return False, None
        if natural and _flex_column(box):
            bottom = max(bottom, box.content_box_y() + sum(child.margin_height() for child in box.children))
            return False, None
        if not getattr(box, "children", None) and getattr(box, "height", None) is not None and \
                hasattr(box, "position_y"):
            bottom = max(bottom, box.position_y + (box.height or 0))
        return True, None

    for top in boxes:
        for _ in walk(top, enter=enter, unprinted=True):
            pass
    return bottom


def content_bottom(page: Any) -> float:
    """How far down the page's content reaches, as a fraction of its height."""
    return min(1.0, lowest(page_box(page).children) / page.height) if page.height else 1.0


def free_below_mm(page: Any, *, natural: bool = False) -> float:
    """How much of the page's content area (inside its margins) is left empty below its content, in mm."""
    box = page_box(page)
    top = box.content_box_y()
    bottom = lowest([b for b in box.children if not isinstance(b, MarginBox)], top, natural=natural)
    return max(0.0, top + box.height - bottom) * 25.4 / 96


def page_fill(page: Any) -> float:
    """How much of its content area (inside the margins) the page's content takes, 0–1 (centred or spread
    content counted as stacked: see :func:`lowest`)."""
    height = page_box(page).height or 1
    return max(0.0, min(1.0, 1 - free_below_mm(page, natural=True) * 96 / 25.4 / height))


def text_pages(layout: Any, body_px: float | None = None) -> float:
    """How many pages' height the body's lines take (the lines in ``<main>``, outside the sections a short
    text's event or call to action is given, ``role-*``), in page heights. ``body_px``: each line counted as
    if set at this size (a line set twice as large holds half the text in twice the height: a quarter), so a
    short text's poster page measures what its words would take at the body's size."""
    total = 0.0

    def at_body_size(line: Any) -> float:
        if not body_px:
            return 1.0
        sizes = [float(b.style["font_size"]) for b, _ in walk(line) if isinstance(b, TextBox) and b.text.strip()]
        return min(1.0, (body_px / max(sizes)) ** 2) if sizes else 1.0

    def enter(box: Any, inside: bool) -> tuple[bool, bool]:
        if any(c.startswith("role-") for c in classes(box)):
            return False, inside
        return not isinstance(box, LineBox), inside or getattr(box, "element_tag", None) == "main"

    for page in layout.document.pages:
        height = page_box(page).height or 1
        for box, inside in walk(page_box(page), False, _no_margins(enter), unprinted=True):
            if isinstance(box, LineBox) and (inside or getattr(box, "element_tag", None) == "main"):
                total += box.height / height * at_body_size(box)
    return total


def overflow_fraction(layout: Any, limit: int) -> float:
    """Roughly which share of the text lies beyond page ``limit``."""
    pages = layout.document.pages
    if len(pages) <= limit:
        return 0.0
    fills = [1.0] * (len(pages) - 1) + [content_bottom(pages[-1])]
    total = sum(fills)
    return sum(fills[limit:]) / total if total else 0.0


@dataclass(frozen=True)
class Extent:
    """Where the body text starts and ends and where the document ends, in pages (2.25 = a quarter into page 3).

    The end of the body moves smoothly with the type scale, unlike the page count or the last page (often a
    back cover on a page of its own), so fitting predicts the scale from it.
    """

    body_start: float
    body_end: float
    end: float

    def whole(self) -> Extent:
        """Everything after the body's start counted as body."""
        return Extent(self.body_start, self.end, self.end)


def _body_part(box: Any) -> str | None:
    """``main`` for the ``<main>`` element, ``lede`` for a lede set apart (both grow with the type)."""
    if getattr(box, "element_tag", None) == "main":
        return "main"
    if getattr(box, "element_tag", None) in ("p", "div") and "lede" in classes(box):
        return "lede"
    return None


def extent(layout: Any) -> Extent:
    """The body's extent (the ``<main>`` element, with a lede set apart before it), or the whole document's
    when there is no body to measure."""
    spans: dict[str, list[float]] = {"main": [], "lede": []}
    pages = layout.document.pages
    for index, page in enumerate(pages):
        height = page.height or 1

        def enter(box: Any, _: Any) -> tuple[bool, Any]:
            part = _body_part(box)
            if part and getattr(box, "position_y", None) is not None:
                spans[part].extend([index + box.position_y / height,  # noqa: B023 - used at once
                                    index + (box.position_y + box.margin_height()) / height])  # noqa: B023
                return part != "main", None
            return True, None

        for _ in walk(page_box(page), enter=_no_margins(enter), unprinted=True):
            pass
    # A lede counts only beside a <main> (the leaflet's, set across the columns above them); a handbill's
    # back, with no <main>, is measured whole.
    found = spans["main"] + spans["lede"] if spans["main"] else []
    doc_end = len(pages) - 1 + content_bottom(pages[-1])
    if not found or max(found) - min(found) < 0.05:
        return Extent(0.0, doc_end, doc_end)  # no body to speak of: the whole document grows with the type
    return Extent(min(found), max(found), doc_end)


def natural_bottom(page: Any) -> float:
    """As :func:`content_bottom`, a column of flex items counted as tall as its items stacked: how far down the
    content of a page stretched into a page-tall column (a handbill's last side laid out spread) would reach
    unstretched."""
    return min(1.0, lowest(page_box(page).children, natural=True) / page.height) if page.height else 1.0


def natural_extent(layout: Any) -> Extent:
    """As :func:`extent`, the document's end read with :func:`natural_bottom`."""
    found = extent(layout)
    pages = layout.document.pages
    end = len(pages) - 1 + natural_bottom(pages[-1])
    if found.body_start == 0.0 and found.body_end == found.end:
        return Extent(0.0, end, end)  # no body to speak of: the whole document
    return Extent(found.body_start, min(found.body_end, end), end)


# --- lines past their box ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overflow:
    """A line wider than the narrowest box around it: its text runs past a column's, panel's or box's edge."""

    page: int         # 1-based
    text: str
    tag: str          # the element the line belongs to
    classes: str
    ratio: float      # the line's width over the room it has (> 1)
    within: tuple[str, ...] = ()  # the classes of the boxes it stands in, outermost first


def overflowing_lines(layout: Any) -> list[Overflow]:
    """Every line whose text is wider than the narrowest box it stands in (margin boxes aside)."""
    found = []

    def enter(box: Any, state: tuple[float, tuple[str, ...]]) -> tuple[bool, tuple[float, tuple[str, ...]]]:
        room, path = state
        if isinstance(box, LineBox):
            return False, state
        room = min(room, box.width) if getattr(box, "width", None) else room
        return True, (room, path + tuple(classes(box)))

    for number, page in enumerate(layout.document.pages, start=1):
        root = page_box(page)
        for box, (room, path) in walk(root, (float(root.width or 0) or 1e9, ()), enter):
            if not isinstance(box, LineBox):
                continue
            leaves, edges, text = list(box.children), [], []
            while leaves:
                leaf = leaves.pop()
                if getattr(leaf, "children", None):
                    leaves.extend(leaf.children)
                elif leaf.width:
                    content = getattr(leaf, "text", "") or ""
                    width = leaf.width
                    if content and content != content.rstrip():  # a space hanging at the line's end: no ink
                        width *= len(content.rstrip()) / len(content)
                    edges += [leaf.position_x, leaf.position_x + width]
                    text.append(content)
            if edges and max(edges) - min(edges) > room + 0.5:
                found.append(Overflow(number, "".join(reversed(text)).strip(), box.element_tag or "",
                                      " ".join(classes(box)), (max(edges) - min(edges)) / room, path))
    return found


def headline_fit(layout: Any) -> float:
    """How much the display type (the headline, ``h1.title``, and the call to action's head, ``.cta-head``:
    both sized by ``title_rem``) must shrink for its widest line to fit: 1.0 when every line fits, else the
    ratio of the room to that line's width. Display type is never hyphenated, so a long word (the Greek
    "Οικουμενική" on a tri-fold's cover, the Russian "Присоединяйтесь" on its narrow flap) runs past the
    panel's edge."""
    ratios = [1 / o.ratio for o in overflowing_lines(layout)
              if (o.tag == "h1" and "title" in o.classes.split()) or "cta-head" in o.classes.split()]
    return min(ratios, default=1.0)


def event_fit(layout: Any) -> float:
    """How much the event box's type must shrink for its widest line (a date, a time range, which never
    break inside) to fit, and for the box itself to stay as wide as the column it stands in (a table widens
    to its longest unbreakable line, past the page's margin): 1.0 when everything fits."""
    ratios = [1 / o.ratio for o in overflowing_lines(layout) if "event" in o.within]

    def enter(box: Any, room: float) -> tuple[bool, float]:
        if isinstance(box, LineBox):
            return False, room
        if "event" in classes(box) and getattr(box, "width", None):
            wide = box.border_width() if hasattr(box, "border_width") else box.width
            if wide > room + 0.5:
                ratios.append(room / wide)
        return True, min(room, box.width) if getattr(box, "width", None) else room

    for page in layout.document.pages:
        root = page_box(page)
        for _ in walk(root, float(root.width or 0) or 1e9, enter):
            pass
    return min(ratios, default=1.0)


def cover_fit(layout: Any) -> float:
    """How much a cover's content (headline, subtitle, date, organiser, stacked in a panel as tall as the
    page) overflows its panel: the panel's height over the content's, below 1.0 when a long title and
    subtitle would run into the foot (the organiser printed over the subtitle), or a handbill's front runs
    onto its back; 1.0 when it fits."""
    ratios = []
    for page in layout.document.pages[:1]:
        for box, _ in walk(page_box(page)):
            if "cover-panel" in classes(box) and box.height:
                # Flex items shrink to the panel while their text runs out of them: what each needs is
                # from its top to the lowest line it holds.
                need = sum(max(child.margin_height(), lowest([child], child.position_y) - child.position_y)
                           for child in children(box))
                if need > box.height + 0.5:
                    ratios.append(box.height / need)
    # A front (a handbill's headline, event and call to action) that runs onto the next page.
    pages = layout.document.pages
    if len(pages) > 1:
        def fronts(page: Any) -> list[Any]:
            return [box for box, _ in walk(page_box(page)) if "front" in classes(box)]
        first, spill = fronts(pages[0]), fronts(pages[1])
        # Only a front of fixed parts (headline, event, call to action): a one-sided front that holds the
        # text too runs over because of the text, which the fit shrinks.
        holds_text = any(getattr(b, "element_tag", None) == "main" for f in first for b, _ in walk(f))
        if first and spill and not holds_text:
            room = page_box(pages[0]).height or 1
            ratios.append(room / (room + sum(b.margin_height() for b in spill)))
    return min(ratios, default=1.0)


# --- pictures ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacedImage:
    src: str
    page: int
    dpi: float  # the lower of horizontal and vertical resolution at its placed size


def placed_images(layout: Any) -> list[PlacedImage]:
    """Raster images as laid out, with their effective print resolution."""
    found = []
    for number, page in enumerate(layout.document.pages, start=1):
        for box, _ in walk(page_box(page)):
            if isinstance(box, ReplacedBox) and hasattr(box.replacement, "mode") and box.width and box.height:
                dpi_x = box.replacement.width / (box.width / 96)
                dpi_y = box.replacement.height / (box.height / 96)
                src = box.element.get("src", "?") if box.element is not None else "?"
                found.append(PlacedImage(src, number, min(dpi_x, dpi_y)))
    return found


# --- what the design score reads ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """Something printed: a line of text, a picture, a painted or bordered box. ``top``/``bottom`` in px from
    the page's top; ``size`` the font size (px) of a text line's first glyph run; ``path`` the classes and
    tags of the boxes it stands in, outermost first."""

    kind: str          # "text" | "picture" | "box"
    top: float
    bottom: float
    left: float
    right: float
    size: float
    text: str
    path: tuple[str, ...]

    def within(self, *names: str) -> bool:
        return any(n in self.path for n in names)


def _painted(box: Any) -> bool:
    style = getattr(box, "style", None)
    if style is None:
        return False
    bg = style["background_color"]
    if bg is not None and getattr(bg, "alpha", 0) > 0:
        return True
    return any(style[f"border_{side}_width"] and style[f"border_{side}_style"] not in ("none", "hidden")
               for side in ("top", "bottom"))


def marks(page: Any) -> list[Mark]:
    """What a page prints, in document order (margin boxes — running heads, page numbers — aside)."""
    found: list[Mark] = []

    def enter(box: Any, path: tuple[str, ...]) -> tuple[bool, tuple[str, ...]]:
        if isinstance(box, LineBox):
            return False, path
        tag = getattr(box, "element_tag", None)
        own = tuple(classes(box)) + ((tag,) if tag and not getattr(box, "is_for_root_element", False) else ())
        return True, path + own if own else path

    for box, path in walk(page_box(page), (), enter):
        if isinstance(box, LineBox):
            # A picture in the text's flow (Markdown's image: inline, in a line of its own) is ink too.
            for pic, _ in walk(box):
                if isinstance(pic, ReplacedBox) and pic.width and pic.height:
                    found.append(Mark("picture", pic.position_y, pic.position_y + pic.height, pic.position_x,
                                      pic.position_x + pic.width, 0.0, "", path + tuple(classes(box))))
            runs = [b for b, _ in walk(box) if isinstance(b, TextBox) and b.text.strip()]
            if not runs:
                continue
            text = "".join(b.text for b in runs)
            left = min(b.position_x for b in runs)
            right = max(b.position_x + b.width for b in runs)
            size = float(runs[0].style["font_size"])
            found.append(Mark("text", box.position_y, box.position_y + box.height, left, right, size, text,
                              path + tuple(classes(box))))
        elif isinstance(box, ReplacedBox) and box.width and box.height:
            found.append(Mark("picture", box.position_y, box.position_y + box.height, box.position_x,
                              box.position_x + box.width, 0.0, "", path))
        elif _painted(box) and getattr(box, "height", None):
            top, left = box.border_box_y(), box.border_box_x()
            found.append(Mark("box", top, top + box.border_height(), left, left + box.border_width(), 0.0, "",
                              path))
    return found


def largest_gap(page: Any, found: list[Mark] | None = None) -> float:
    """The tallest band of the page's content area (inside its margins) with no ink across it, as a share
    of that area's height (0: ink all the way down; 1: a blank page). A painted box counts as ink from its
    top to its bottom edge."""
    box = page_box(page)
    top, height = box.content_box_y(), box.height or 1
    bottom = top + height
    spans = sorted((max(top, m.top), min(bottom, m.bottom)) for m in (found if found is not None else marks(page))
                   if m.bottom > top and m.top < bottom)
    gap, reach = 0.0, top
    for start, end in spans:
        gap = max(gap, start - reach)
        reach = max(reach, end)
    gap = max(gap, bottom - reach)
    return max(0.0, min(1.0, gap / height))


def font_size_pt(mark: Mark) -> float:
    return mark.size * 72 / 96


def column_tops(found: list[Mark], within: str = "body") -> list[float]:
    """The top of each text column inside ``within`` on one page: a column is a run of lines with one left
    edge (to the px); for a page of two columns, two numbers."""
    firsts: dict[int, float] = {}
    for m in found:
        if m.kind == "text" and m.within(within):
            key = round(m.left)
            firsts[key] = min(firsts.get(key, math.inf), m.top)
    return [firsts[k] for k in sorted(firsts)]
