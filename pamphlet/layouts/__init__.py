"""The layout catalogue: one class per layout, owning everything about itself.

A layout knows its page geometry on every paper, its page-count rule, which
fit strategies apply, its imposition plan, how it is printed (the CUPS
``sides`` value) and folded. Pure data and arithmetic, no I/O; nothing outside
this package tests a layout's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pamphlet.layouts.imposition import Plan, auto_signature, booklet_plan, handbill_plan, trifold_plan, zine_plan


@dataclass(frozen=True)
class Paper:
    name: str
    label: str
    width: float   # portrait, mm
    height: float
    half: str      # the name of half a sheet (booklet page)
    quarter: str   # the name of a quarter sheet (handbill page)

    @property
    def size(self) -> tuple[float, float]:
        return self.width, self.height


#: The one paper table: config validation, the CLI and the layouts read it.
PAPERS: dict[str, Paper] = {
    "a4": Paper("a4", "A4", 210.0, 297.0, "A5", "A6"),
    "letter": Paper("letter", "Letter", 215.9, 279.4, "half letter", "quarter letter"),
}
PAPER_NAMES = list(PAPERS)

#: What office and copy-shop printers cannot reach: no ink this close to a sheet
#: edge unless the job is printed with bleed and trimmed.
SAFE_MARGIN = 5.0
TRIFOLD_TUCK = 3.0  # the fold-in panel is this much narrower (mm)

_CUPS_SIDES = {"none": "one-sided", "long-edge": "two-sided-long-edge", "short-edge": "two-sided-short-edge"}


def cups_sides(duplex: str) -> str:
    """The CUPS ``sides`` value for a plan's duplex mode (``none``, ``long-edge``, ``short-edge``)."""
    return _CUPS_SIDES[duplex]


@dataclass(frozen=True)
class Geometry:
    """Page sizes (mm) of one layout on one paper; ``narrow`` lists narrower pages by number."""

    width: float
    height: float
    narrow: dict[int, float]  # page number → narrower width (trifold's fold-in panel)
    label: str


@dataclass(frozen=True)
class Composition:
    """One way a layout can set a text: the fit engine lays out a layout's compositions, scores each and keeps
    the best (see :mod:`pamphlet.pages.compose`). ``variables`` go to the template; ``rescue`` compositions are laid
    out only when those before them are refused or show a fault they may cure; ``digest`` prints the facts
    digest instead of the whole text."""

    name: str
    about: str
    variables: tuple[tuple[str, object], ...] = ()
    rescue: bool = False
    digest: bool = False
    save_sheet_at: int = 3    # blank pages that make a layout that saves sheets (booklet) fit one sheet fewer
    page_cap: int | None = None  # at most this many pages (a leaflet's one-side poster)
    #: A rescue is laid out only when the best composition so far shows one of these: ``refused``, ``shrunk``
    #: (type under ~90 %), ``enlarged`` (over ~135 %), ``white`` (a mostly white page), ``sparse`` (a page over
    #: 30 % white), ``blank`` (blank pages).
    cures: tuple[str, ...] = ("refused",)
    needs: str | None = None  # an HTML tag the body must have for this composition to differ ("h2")
    #: The text pulled back one page at slightly smaller type (down to ``PULL_BACK_SCALE``), that page given to
    #: the layout's roles: the booklet whose text spills two lines onto a page of its own.
    pull_back: bool = False


STANDARD = Composition("standard", "the layout as designed")


def _mm(v: float) -> str:
    return f"{round(v, 2):g}"


class Layout:
    """A layout: subclasses set the class attributes and override what differs."""

    name: str = ""
    description: str = ""
    folding: str = ""                 # how to print, fold and cut, for `pamphlet layouts`
    base_size: float = 10.0           # body type size in pt at scale 1
    fixed_pages: int | None = None    # exact page count
    max_pages: int | None = None      # at most this many pages
    multiple_of: int = 1              # padded to a multiple of this
    landscape_sheet: bool = False     # the printer sheet is the paper turned landscape
    fills: bool = False               # enlarge short text rather than print an empty page or panel
    saves_sheets: bool = False        # shrink a little rather than pad three blank pages
    saves_sides: bool = False         # shrink a little rather than print a second side holding little
    pads_before_back: bool = True     # padding blanks go before the last page (the back cover)
    blanks_in_html: bool = False      # pages differ in size: blanks are laid out in the HTML
    takes_page_count: bool = False    # `--pages N` applies
    fill_max: float = 1.2             # how far short text may be enlarged to fill
    roles: int = 0                    # role levels (0…roles) the template knows for short text: own
                                      # pages/panels for the event, pull quotes, call to action
    blank_ok: int = 0                 # blank pages the layout may ship (a booklet's, before the back cover)
    prints: tuple[str, ...] = ("title", "subtitle", "call_to_action")  # front-matter fields on its pages
    excerpts: bool = False            # prints the lede and pull quotes when the whole text does not fit
    readable_scale: float = 0.85      # the smallest type scale at which the whole text still counts as readable
    # The first shrink guess takes the body's length to go with scale ** shrink_exponent. Text flowing through
    # columns shrinks with about the square of its type (leaflet, handbill); pages that start with a heading,
    # keep a back cover and pull quotes apart shrink less (1.3 measured over the example's booklets, zines
    # and tri-folds: 44 passes for what took 52 at 2, scales within a few percent either way).
    shrink_exponent: float = 1.3
    one_side: bool = False            # a short text goes on one side (the template's role level 1)
    fills_last_page: float = 0.0      # a text ending high on its last page is enlarged up to this to run down
                                      # it (a booklet's; 0: never)
    #: Pages of fixed size that hold a block or two of a short text each (a zine's, a tri-fold's panels): a
    #: mostly white one gets its blocks set larger, to fill it as a poster would (compose._poster_pages).
    poster_pages: bool = False
    #: A booklet whose whole body stands on one page (a 25-word notice) sets that page as a poster too.
    poster_whole_body: bool = False
    #: A one-sided edition whose text leaves much of its side free (a 27-word notice): the text alone set
    #: larger into that room, as a poster's is — not the headline and event with it (compose._poster_text).
    poster_text: bool = False
    spreads: int = 0                  # an edition of at most this many pages with an empty foot on its last
                                      # page shares the space out there (the template's ``spread``, in mm)
    stretches: bool = False           # the template's spread is a page-tall column, whatever the amount
    compositions: tuple[Composition, ...] = (STANDARD,)  # tried in this order (see Composition)
    page_noun: str = "page"           # what the design score calls a page: a tri-fold's are panels
    printer_file: str | None = None   # the companion file that goes to the printer (a poster's "-tiles")
    digest_shares: tuple[float, ...] = ()  # a digest's room, tried in turn, as shares of a side (empty: compose's)

    def sized(self, spec: Any) -> Layout:
        """This layout for one edition (a poster at ``--poster-size``); most layouts are the same for all."""
        return self

    def adapt(self, prepared: Any, meta: dict[str, Any]) -> None:
        """Add what the layout's template needs to a prepared edition (a placard's slogans)."""

    def companions(self, pdf: bytes, paper: str, *, rtl: bool, title: str, lang: str) -> dict[str, tuple[bytes, int]]:
        """Files written beside the reading PDF, by suffix: (PDF bytes, sheets); a poster's tiles and proof."""
        return {}

    def geometry(self, paper: str) -> Geometry:
        p = PAPERS[paper]
        return Geometry(p.width, p.height, {}, f"{p.label} ({_mm(p.width)}×{_mm(p.height)} mm)")

    def quiet_pages(self, pages: int) -> tuple[int, ...]:
        """Pages (1-based) that may be mostly white: a back cover carrying only the contact."""
        return ()

    def facing_pages(self, pages: int) -> tuple[int, ...]:
        """Pages (1-based) whose next page is seen beside them, no turn between: a spread's left page."""
        return ()

    def sheet_size(self, paper: str) -> tuple[float, float]:
        w, h = PAPERS[paper].size
        return (h, w) if self.landscape_sheet else (w, h)

    def sheet_about(self, paper: str) -> str:
        """The printer sheet for ``pamphlet layouts``: ``landscape, 2 sides``."""
        from pamphlet.errors import plural

        plan = self.imposition(self.fixed_pages or self.max_pages or 8, paper, rtl=False)
        sides = plan.sides_per_sheet if plan else (self.fixed_pages or 1)
        w, h = self.sheet_size(paper)
        return f"{'landscape' if w > h else 'portrait'}, {plural(sides, 'side')}"

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

    def page_limit(self, pages_wanted: int | None = None) -> int | None:
        """The most pages an edition may have (None: any number)."""
        return (pages_wanted if self.takes_page_count else None) or self.fixed_pages or self.max_pages

    def target_pages(self, laid_pages: int, pages_wanted: int | None = None) -> int:
        """How many pages the edition ends up with once padded."""
        if self.takes_page_count and pages_wanted:
            return pages_wanted
        return self.fixed_pages or self.padded(laid_pages)

    def imposition(self, pages: int, paper: str, *, rtl: bool, signature: int | None = None,
                   creep: float = 0.0) -> Plan | None:
        """The plan that puts the reading pages onto printer sheets; None: the reading PDF is printed."""
        return None

    def duplex(self, pages: int, plan: Plan | None) -> str:
        """``none``, ``long-edge`` or ``short-edge`` for the file that goes to the printer."""
        return plan.duplex if plan is not None else ("long-edge" if pages > 1 else "none")

    def cups_sides(self, pages: int, plan: Plan | None) -> str:
        return cups_sides(self.duplex(pages, plan))

    def printing(self, pages: int, plan: Plan | None) -> str:
        """One line on how to print and finish this edition."""
        return plan.instructions if plan is not None else self.folding


class Leaflet(Layout):
    name = "leaflet"
    description = ("Leaflet on one sheet: headline, event box and call to action on the front, the body in "
                   "columns, contact and QR; one-sided when the text fits one side.")
    folding = "print double-sided, flip on long edge; no folding"
    base_size = 12.5
    max_pages = 2
    pads_before_back = False
    fills = True
    fill_max = 1.6
    spreads = 1
    saves_sides = True
    shrink_exponent = 2.0
    poster_text = True
    prints = ("title", "subtitle", "call_to_action", "organiser")
    compositions = (
        Composition("two-columns", "the body in two columns; one side when the text fits it"),
        Composition("one-side", "everything on one side, tighter, like a poster: a text whose second side would "
                    "be mostly white", (("tight", True),), rescue=True, page_cap=1, cures=("white",)),
        Composition("tight", "tighter leading and margins: a text just too long for two sides, or just too long "
                    "for one (which two sides would leave half empty)", (("tight", True),), rescue=True,
                    cures=("refused", "shrunk", "enlarged", "white")),
        Composition("compact", "margins at 7 mm and the leading tighter still: a text a few lines over two sides "
                    "even at the smallest type", (("tight", True), ("compact", True)), rescue=True,
                    cures=("refused",)),
        Composition("three-columns", "three narrower columns, tighter leading: a text well over two sides",
                    (("tight", True), ("columns", 3)), rescue=True, cures=("refused", "shrunk")),
    )

    def printing(self, pages: int, plan: Plan | None) -> str:
        return self.folding if pages > 1 else "print on one side; no folding"


class Booklet(Layout):
    name = "booklet"
    description = "Saddle-stitched booklet: cover, numbered pages, back cover with contact and QR."
    folding = ("print the -print.pdf double-sided, flip on short edge; fold the sheets in half, nest them, "
               "staple on the fold")
    base_size = 11.5
    multiple_of = 4
    landscape_sheet = True
    saves_sheets = True
    takes_page_count = True
    blank_ok = 2
    roles = 3                         # pages of their own, before blanks: the call to action and the event;
                                      # then the lede, on the inside cover; then each pull quote
    fills_last_page = 1.1
    poster_whole_body = True
    prints = ("title", "subtitle", "call_to_action", "organiser")

    compositions = (
        Composition("standard", "cover, pages of text, back cover; blank pages before the back where the count "
                    "forces them"),
        Composition("fewer-pages", "one sheet fewer at slightly smaller type, rather than blank pages",
                    rescue=True, save_sheet_at=1, cures=("blank",)),
        Composition("pulled-back", "the text a few lines shorter at slightly smaller type, so that it does not "
                    "spill onto a page of its own; that page for the call to action and the event",
                    rescue=True, cures=("white",), pull_back=True),
    )

    def quiet_pages(self, pages: int) -> tuple[int, ...]:
        return (pages,)  # the back cover: call to action and contact at its foot

    def facing_pages(self, pages: int) -> tuple[int, ...]:
        return tuple(range(2, pages - 1, 2))  # the spreads: 2|3, 4|5, … (left to right, or right to left)

    def geometry(self, paper: str) -> Geometry:
        p = PAPERS[paper]
        return Geometry(p.height / 2, p.width, {}, f"{p.half} ({_mm(round(p.height / 2, 2))}×{_mm(p.width)} mm)")

    def imposition(self, pages: int, paper: str, *, rtl: bool, signature: int | None = None,
                   creep: float = 0.0) -> Plan | None:
        g = self.geometry(paper)
        return booklet_plan(pages, g.width, g.height, rtl=rtl, signature=signature, creep=creep)


class Zine(Layout):
    name = "zine"
    description = "8-page one-sheet mini zine: big type, one idea per page."
    folding = "print the -print.pdf on one side; fold in half lengthwise, cut the marked slit, fold into a zine"
    base_size = 9.6
    fixed_pages = 8
    poster_pages = True
    shrink_exponent = 2.0  # the example's zines: 17 passes for what took 19 at 1.3 (sections flow, as in a leaflet)
    landscape_sheet = True
    fills = True
    fill_max = 1.35
    roles = 7                         # event, quotes, call to action, QR, lede, lists, paragraphs: a page each
    compositions = (
        Composition("one-idea-per-page", "each heading starts a page: one idea per page, set large"),
        Composition("flowing", "the sections run on from page to page: a long text that one idea per page would "
                    "shrink, or leave half-empty pages", (("flowing", True),), rescue=True,
                    cures=("shrunk", "white", "refused"), needs="h2"),
    )

    def quiet_pages(self, pages: int) -> tuple[int, ...]:
        return (pages,)  # the back cover: the organiser and the contact at its foot, as a booklet's

    def facing_pages(self, pages: int) -> tuple[int, ...]:
        return (2, 4, 6)  # the spreads of the folded sheet: 2|3, 4|5, 6|7

    def geometry(self, paper: str) -> Geometry:
        p = PAPERS[paper]  # landscape sheet, 4 × 2 panels
        pw, ph = round(p.height / 4, 3), round(p.width / 2, 3)
        return Geometry(pw, ph, {}, f"{_mm(pw)}×{_mm(ph)} mm")

    def imposition(self, pages: int, paper: str, *, rtl: bool, signature: int | None = None,
                   creep: float = 0.0) -> Plan | None:
        g = self.geometry(paper)
        return zine_plan(g.width, g.height, rtl=rtl)


class Trifold(Layout):
    name = "trifold"
    description = "Tri-fold brochure: six panels on one landscape sheet."
    folding = ("print the -print.pdf double-sided, flip on short edge; fold the narrow panel in, "
               "then the cover over it")
    base_size = 12.0
    fixed_pages = 6
    poster_pages = True
    shrink_exponent = 1.6  # the example's tri-folds: 13 passes for what took 14 at 1.3 and 2.0
    landscape_sheet = True
    fills = True
    fill_max = 1.35
    roles = 3
    blanks_in_html = True
    page_noun = "panel"
    #: The running text one size across the inside panels (compose's poster pages): a panel its text leaves
    #: mostly white is set in the middle, not larger; only pull quotes and headings alone are set as posters.
    one_body_size = True
    compositions = (
        Composition("standard", "the text flows through the three inside panels; a short text gives its pull "
                    "quotes, paragraphs and boxes, then the event, panels of their own"),
        Composition("one-idea-per-panel", "each heading starts a panel: one section per panel (the opening hours, "
                    "the phone numbers), set large, a list never split, a picture on a panel of its own",
                    (("sections", True),), rescue=True, cures=("white", "refused"), needs="h2"),
    )

    def quiet_pages(self, pages: int) -> tuple[int, ...]:
        return (6,)  # the back panel: contact, QR and organiser, seen last

    def facing_pages(self, pages: int) -> tuple[int, ...]:
        return (2, 3)  # the opened inside: panels 2, 3 and 4 seen side by side

    def geometry(self, paper: str) -> Geometry:
        p = PAPERS[paper]  # landscape sheet, three panels a side
        panel = round((p.height + TRIFOLD_TUCK) / 3, 3)
        narrow = round(p.height - 2 * panel, 3)
        return Geometry(panel, p.width, {4: narrow, 5: narrow},
                        f"{_mm(panel)}×{_mm(p.width)} mm (fold-in panel {_mm(narrow)} mm)")

    def imposition(self, pages: int, paper: str, *, rtl: bool, signature: int | None = None,
                   creep: float = 0.0) -> Plan | None:
        g = self.geometry(paper)
        return trifold_plan(g.width, g.narrow[4], g.height, rtl=rtl)


class Handbill(Layout):
    name = "handbill"
    description = "Small one- or two-sided handbill, printed 4-up and cut."
    folding = ("print the -print.pdf (double-sided, flip on long edge if two-sided); cut along the crop marks")
    base_size = 9.5
    max_pages = 2
    pads_before_back = False
    fills = True
    fill_max = 1.5
    excerpts = True
    readable_scale = 0.9
    one_side = True
    spreads = 2
    stretches = True
    shrink_exponent = 2.0
    sizes_back = True  # the back's text set larger, on its own, to fill the back (pages/sides.py)
    compositions = (
        Composition("whole", "the whole text: on the front when short, else on the back"),
        Composition("digest", "a digest of the facts (lists, boxes, tables, phone numbers, times, places) before "
                    "the prose, when the whole text does not fit", rescue=True, digest=True),
        Composition("poster-card", "the front a card (headline, event, call to action), the back a poster of the "
                    "whole text set large with a large QR code: a text too long for one side whose back would "
                    "be mostly white", (("card", True),), rescue=True, cures=("white", "sparse")),
    )

    def geometry(self, paper: str) -> Geometry:
        p = PAPERS[paper]
        w, h = round(p.width / 2, 2), round(p.height / 2, 2)
        return Geometry(p.width / 2, p.height / 2, {}, f"{p.quarter} ({_mm(w)}×{_mm(h)} mm)")

    def imposition(self, pages: int, paper: str, *, rtl: bool, signature: int | None = None,
                   creep: float = 0.0) -> Plan | None:
        g = self.geometry(paper)
        p = PAPERS[paper]
        return handbill_plan(pages, g.width, g.height, p.width, p.height)


from pamphlet.layouts.street import Placard, Poster  # noqa: E402 - they subclass Layout

CATALOGUE: dict[str, Layout] = {lay.name: lay for lay in (Leaflet(), Booklet(), Zine(), Trifold(), Handbill(),
                                                         Poster(), Placard())}
LAYOUT_NAMES = list(CATALOGUE)


def get(name: str) -> Layout:
    return CATALOGUE[name]


__all__ = ["CATALOGUE", "LAYOUT_NAMES", "PAPERS", "PAPER_NAMES", "SAFE_MARGIN", "Composition", "Geometry", "Layout",
           "Paper",
           "Plan", "auto_signature", "cups_sides", "get"]
