"""Layouts for the street: a poster (one big page, tiled onto office paper) and placards (one slogan a board).

Sizes come from viewing distance. Signage tables put ~28 mm capital height as readable at 3 m; a poster on
a wall is read from 5–8 m, so on A2 its Latin headline has capitals of at least 60 mm (250 pt in a face
whose capitals are 0.7 em; every script gets the same font size, at least 170 pt), its date digits at
least 25 mm, its QR code at least 60 mm with a quiet zone of four modules. Other poster sizes scale these
with the sheet (a smaller sheet is read from nearer); the body is never set below 18 pt: a text that
does not fit at that size prints a digest of its facts, and says what it left out.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pamphlet.layouts import PAPERS, SAFE_MARGIN, Composition, Geometry, Layout, _mm

if TYPE_CHECKING:
    from pamphlet.layouts.imposition import Plan
    from pamphlet.source.spec import EditionSpec
    from pamphlet.text.edition import Prepared


@dataclass(frozen=True)
class PosterSize:
    name: str
    label: str
    width: float   # portrait, mm
    height: float
    media: tuple[str, ...]  # how CUPS media lists name it (PWG self-describing names first)


#: The poster sizes (``--poster-size``): A3 and A2, and the Letter regions' tabloid (ledger: the same
#: 11×17 in sheet, as printers list it) and 18×24 in.
POSTER_SIZES: dict[str, PosterSize] = {
    "a3": PosterSize("a3", "A3", 297.0, 420.0, ("iso_a3_297x420mm", "A3")),
    "a2": PosterSize("a2", "A2", 420.0, 594.0, ("iso_a2_420x594mm", "A2")),
    "tabloid": PosterSize("tabloid", "Tabloid", 279.4, 431.8, ("na_ledger_11x17in", "Tabloid", "Ledger", "11x17")),
    "ledger": PosterSize("ledger", "Ledger", 279.4, 431.8, ("na_ledger_11x17in", "Ledger", "Tabloid", "11x17")),
    "18x24in": PosterSize("18x24in", "18×24 in", 457.2, 609.6, ("na_arch-c_18x24in", "oe_18x24in", "18x24in")),
}
POSTER_SIZE_NAMES = list(POSTER_SIZES)
#: A poster's size when none is asked for: A2 in A4 regions, 18×24 in in Letter ones.
DEFAULT_POSTER = {"a4": "a2", "letter": "18x24in"}

#: On A2: the headline's size (cap height 0.7 × 250 pt = 61.7 mm), the floor a long headline may shrink to,
#: the date's (display digits 0.7 × 108 pt = 26.7 mm), the QR code's edge, the body's size and its minimum.
HEADLINE_PT = 250.0
HEADLINE_FLOOR_PT = 100.0
DATE_PT = 108.0
QR_MM = 64.0
BODY_PT = 22.0
BODY_MIN_PT = 18.0
HEADLINE_LINES = 3
#: A quiet zone of 4 modules around a QR code of at least 21 modules (version 1): 4/21 of its edge is enough.
QR_QUIET = 4 / 21


def poster_size(spec: EditionSpec) -> PosterSize:
    return POSTER_SIZES[getattr(spec, "poster_size", None) or DEFAULT_POSTER.get(spec.paper, "a2")]


class Poster(Layout):
    name = "poster"
    description = ("One big page for walls and noticeboards (A2 or A3; 18×24 in or tabloid): headline, date, "
                   "place, call to action and QR code set for reading from across the street; also tiled onto "
                   "A4 or Letter sheets to glue together.")
    folding = ("print the poster on an A3/A2 printer at 100 %, or the -tiles.pdf on office paper: trim each tile "
               "along its cut ticks and glue it over its neighbour's overlap, following the map on page 1")
    base_size = BODY_PT
    max_pages = 1
    pads_before_back = False
    excerpts = True
    readable_scale = BODY_MIN_PT / BODY_PT
    shrink_exponent = 2.0
    prints = ("title", "subtitle", "place", "call_to_action", "organiser")
    compositions = (
        Composition("whole", "the whole text under the headline and the event, at 18 pt or more"),
        Composition("digest", "a digest of the facts (lists, boxes, phone numbers, times, places) when the whole "
                    "text does not fit at 18 pt", rescue=True, digest=True),
    )
    printer_file = "-tiles"
    digest_shares = (0.12, 0.05, 0.0)  # of the whole sheet: the headline, the event and the foot take the rest
    size: PosterSize = POSTER_SIZES["a2"]
    paper: str = "a4"
    overlap: float = 10.0

    def sized(self, spec: EditionSpec) -> Layout:
        lay = copy.copy(self)
        lay.size, lay.paper = poster_size(spec), spec.paper
        lay.overlap = getattr(spec, "overlap", None) or 10.0
        return lay

    @property
    def page_rule(self) -> str:
        return "one page"

    def sheet_about(self, paper: str) -> str:
        tiles = self.tile_plan(paper, rtl=False)
        return (f"{self.geometry(paper).label.split(' (')[0]}, 1 side; or {len(tiles.tiles)} {PAPERS[paper].label} "
                "tiles and a map, 1 side each")

    @property
    def k(self) -> float:
        """How much smaller than A2 the poster is (the viewing distance shrinks with it)."""
        return min(self.size.width / 420.0, self.size.height / 594.0)

    def geometry(self, paper: str) -> Geometry:
        s = self.size if self.paper == paper else POSTER_SIZES[DEFAULT_POSTER.get(paper, "a2")]
        return Geometry(s.width, s.height, {}, f"{s.label} ({_mm(s.width)}×{_mm(s.height)} mm)")

    def adapt(self, prepared: Prepared, meta: dict[str, Any]) -> None:
        k = self.k
        qr = round(QR_MM * k, 1)
        margin = round(max(SAFE_MARGIN + 5, 16 * k), 1)
        # A long headline (four lines at full size) is set smaller, to three lines, never below the floor;
        # a word wider than the page is the fit's to shrink (measure.headline_fit), down to the floor too.
        face = prepared.facts.fonts["display"][0] if prepared.facts.fonts.get("display") else ""
        title = str(meta.get("title") or "")
        width = self.size.width - 2 * margin - 22 * k
        headline = fitted_size(title.upper() if prepared.facts.display_caps else title, face, prepared.project_root,
                               width, HEADLINE_LINES * float(prepared.facts.display_line_height),
                               float(prepared.facts.display_line_height), HEADLINE_FLOOR_PT * k, HEADLINE_PT * k,
                               safety=0.97, by_lines=HEADLINE_LINES)
        prepared.context["poster"] = {
            "k": k, "size": self.size.name, "headline_pt": headline, "headline_floor_pt": HEADLINE_FLOOR_PT * k,
            "date_pt": DATE_PT * k, "qr_mm": qr, "quiet_mm": math.ceil(qr * QR_QUIET * 10) / 10,
            "margin_mm": margin,
        }

    def tile_plan(self, paper: str, *, rtl: bool) -> Any:
        from pamphlet.sheets.tiles import tile_plan

        p = PAPERS[paper]
        g = self.geometry(paper)
        return tile_plan(g.width, g.height, p.width, p.height, paper=paper, overlap=self.overlap, rtl=rtl)

    def companions(self, pdf: bytes, paper: str, *, rtl: bool, title: str, lang: str) -> dict[str, tuple[bytes, int]]:
        """The tiles (map first) on the build's paper, and the whole poster scaled onto one sheet."""
        from pamphlet.sheets.tiles import scaled_copy, tiles_pdf

        plan = self.tile_plan(paper, rtl=rtl)
        p = PAPERS[paper]
        return {"-tiles": (tiles_pdf(pdf, plan, title=title, lang=lang), len(plan.tiles) + 1),
                "-proof": (scaled_copy(pdf, p.width, p.height, title=title, lang=lang), 1)}

    def duplex(self, pages: int, plan: Plan | None) -> str:
        return "none"

    def printing(self, pages: int, plan: Plan | None) -> str:
        tiles = self.tile_plan(self.paper, rtl=False)
        return (f"print the poster on {self.size.label} at 100 %, or the -tiles.pdf ({len(tiles.tiles)} "
                f"{PAPERS[self.paper].label} tiles and the map) on one side at 100 %; trim along the cut ticks, "
                f"glue over the {self.overlap:g} mm overlaps")


# --- placards --------------------------------------------------------------------------------------------

#: A placard is read from 5–10 m while it moves: no slogan below this size (a cap height of ~17 mm).
PLACARD_MIN_PT = 60.0
#: A one-word slogan is set at most this large (it still fits the board: see slogan_size).
PLACARD_MAX_PT = 520.0
#: A slogan of more words is refused where the front matter is read (source.config.FrontMatter.slogans).
SLOGAN_MAX_WORDS = 12


class Placard(Layout):
    name = "placard"
    description = ("Placards to carry: one slogan a board (`slogans:` in the front matter), landscape, its type "
                   "as large as the board allows; without slogans the headline and the call to action.")
    folding = "print on one side at 100 %; glue onto card or a board"
    base_size = 12.0
    fixed_pages = 1
    pads_before_back = False
    shrink_exponent = 1.0
    prints = ()
    page_noun = "board"
    size: tuple[float, float, str] = (297.0, 210.0, "A4 landscape")

    def sized(self, spec: EditionSpec) -> Layout:
        lay = copy.copy(self)
        if getattr(spec, "poster_size", None) == "a3":
            lay.size = (420.0, 297.0, "A3 landscape")
        else:
            p = PAPERS[spec.paper]
            lay.size = (p.height, p.width, f"{p.label} landscape")
        return lay

    def geometry(self, paper: str) -> Geometry:
        if self.size[2].startswith("A3"):
            w, h, label = self.size
        else:
            p = PAPERS[paper]
            w, h, label = p.height, p.width, f"{p.label} landscape"
        return Geometry(w, h, {}, f"{label} ({_mm(w)}×{_mm(h)} mm)")

    def sheet_size(self, paper: str) -> tuple[float, float]:
        g = self.geometry(paper)
        return g.width, g.height

    @property
    def page_rule(self) -> str:
        return "one per slogan"

    def duplex(self, pages: int, plan: Plan | None) -> str:
        return "none"

    def adapt(self, prepared: Prepared, meta: dict[str, Any]) -> None:
        """One slogan a board, each set as large as its board allows; the slogans are the text the proof
        reads back, board by board. Without ``slogans:``, the headline and the call to action."""
        from pamphlet.text import markdown

        raw = meta.get("slogans")
        slogans = [str(s).strip() for s in raw if str(s).strip()] if isinstance(raw, list) else []
        if not slogans:
            slogans = [str(v).strip() for v in (meta.get("title"), meta.get("call_to_action")) if v]
            prepared.warnings.append(
                f"{prepared.spec.name}: no `slogans:` in the front matter; the placards carry the headline and the "
                "call to action (add `slogans:`, a list of short lines, one a board)")
        # A slogan of more than SLOGAN_MAX_WORDS words is refused when the front matter is read (its file and line:
        # source.config.FrontMatter), and its letters are checked against the fonts like every other field's.
        self.fixed_pages = len(slogans)
        g = self.geometry(prepared.spec.paper)
        margin = 14.0
        room_w, room_h = g.width - 2 * margin, g.height - 2 * margin - 14.0  # a foot line for the organiser
        face = prepared.facts.fonts["display"][0] if prepared.facts.fonts.get("display") else ""
        caps = prepared.facts.display_caps
        line = float(prepared.facts.display_line_height)
        typeset = [markdown.break_wordspaces(_typeset(s, prepared)) for s in slogans]
        sizes = [slogan_size(s.upper() if caps else s, face, prepared.project_root, room_w, room_h, line,
                             prepared.facts.size_factor) for s in slogans]
        prepared.context["slogans"] = [{"text": t, "pt": pt} for t, pt in zip(typeset, sizes, strict=True)]
        prepared.context["placard"] = {"margin_mm": margin, "min_pt": PLACARD_MIN_PT}
        # The proof reads every slogan back, board by board.
        prepared.printed_body = "\n\n".join(_escape_md(s) for s in slogans)
        prepared.words = sum(len(s.split()) for s in slogans)
        prepared.chars = sum(len(s) for s in slogans)


def _typeset(text: str, prepared: Prepared) -> Any:
    from pamphlet.text import typeset
    from pamphlet.text.edition import region_of

    return typeset.typeset_field(text, prepared.facts.rtl, prepared.facts.quotes, region_of(prepared.spec.lang))


def _escape_md(text: str) -> str:
    """A slogan as one Markdown paragraph (a leading "1." or "-" is not a list, "#" not a heading)."""
    return "".join("\\" + ch if ch in "\\`*_[]#+-.!<>|{}()" else ch for ch in text.replace("\n", " "))


@lru_cache(maxsize=16)
def _advances(face: str, root: str) -> tuple[dict[int, float], float]:
    """Advance widths (em) by code point of the bold face of ``face``, and its average (for the rest)."""
    from fontTools.ttLib import TTFont

    from pamphlet.text.edition import font_book

    book = font_book(Path(root))
    faces = sorted(book.faces.get(face, []), key=lambda f: (abs(f.weight - 700), f.italic))
    if not faces:
        return {}, 0.55
    font = TTFont(str(faces[0].path), lazy=True, fontNumber=0)
    upem = font["head"].unitsPerEm
    hmtx, cmap = font["hmtx"], font.getBestCmap() or {}
    widths = {cp: hmtx[g][0] / upem for cp, g in cmap.items() if g in hmtx.metrics}
    avg = sum(widths.values()) / max(1, len(widths))
    return widths, avg


def slogan_size(text: str, face: str, root: Path, width_mm: float, height_mm: float, line: float,
                size_factor: float = 1.0) -> float:
    """The largest size (pt) at which ``text`` broken into lines between its words fills ``width_mm`` ×
    ``height_mm`` without a word wider than the board; within PLACARD_MIN_PT … PLACARD_MAX_PT. Widths from
    the face's advance widths (unshaped: joining scripts come out a little wide, which errs on the safe
    side), with 8 % to spare."""
    return fitted_size(text, face, root, width_mm, height_mm, line, PLACARD_MIN_PT, PLACARD_MAX_PT,
                       size_factor=size_factor)


def fitted_size(text: str, face: str, root: Path, width_mm: float, height_mm: float, line: float, lo_pt: float,
                hi_pt: float, *, size_factor: float = 1.0, safety: float = 0.92, by_lines: int = 0) -> float:
    """The largest size in ``lo_pt`` … ``hi_pt`` at which ``text`` fits the box (or ``by_lines`` lines)."""
    widths, avg = _advances(face, str(root))
    words = text.split()
    space = widths.get(32, 0.25)
    em = [sum(widths.get(ord(ch), avg) for ch in w) for w in words]
    mm_per_pt = 25.4 / 72

    def fits(pt: float) -> bool:
        size = pt * mm_per_pt * size_factor
        lines, now = 1, 0.0
        for w in em:
            ww = w * size
            if ww > width_mm:
                return False
            if now and now + space * size + ww > width_mm:
                lines, now = lines + 1, ww
            else:
                now = now + space * size + ww if now else ww
        return lines <= by_lines if by_lines else lines * line * size <= height_mm

    lo, hi = lo_pt, hi_pt
    if fits(hi):
        return round(hi, 1)
    if not fits(lo):
        return lo  # the legible minimum: the fit shrinks it no further than the project's minimum allows
    for _ in range(24):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    return round(max(lo_pt, lo * safety), 1)


__all__ = ["DEFAULT_POSTER", "POSTER_SIZES", "POSTER_SIZE_NAMES", "Placard", "Poster", "PosterSize", "poster_size",
           "slogan_size"]
