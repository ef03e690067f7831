"""A poster tiled onto office paper: the plan (pure data) and the PDF made from it.

A group without a large-format printer prints an A2 poster on eight A4 sheets and glues them together.
:func:`tile_plan` decides where the poster is cut: each tile shows its *visible* part of the poster, and
every tile but the last in its row (column) carries an extra strip, the *overlap*, that is glued under the
next tile. The visible parts of all tiles cover the poster exactly once (the fast table tests prove it).
Rows are lettered from the top (``A``, ``B`` …), columns numbered from the reading start: from the left,
or from the right in a right-to-left edition, whose overlaps then lie on the left edges.

Everything printed on a tile — the picture, the cut and glue ticks, the label (``B2``) — stays inside the
sheet's safe area; the label stands outside the picture, in a band of its own.

:func:`tiles_pdf` turns the plan into a PDF with pikepdf: an assembly map first (the poster scaled down,
its tiles outlined and labelled), then one page per tile. :func:`scaled_copy` is the one-sheet proof.
Lengths in millimetres; poster coordinates have their origin at the poster's top left, y downwards.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

#: No ink this close to a sheet's edge (office printers cannot print there).
SAFE = 5.0
#: Room around the picture for the cut and glue ticks.
TICK_ROOM = 4.0
#: The band above the picture that carries the tile's label.
LABEL_BAND = 8.0
#: The overlap glued under the next tile, by default.
OVERLAP = 10.0
_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle in poster millimetres (origin top left, y down)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.y1 - self.y0

    def contains(self, x: float, y: float) -> bool:
        """Half-open: a point on the right or bottom edge belongs to the next tile."""
        return self.x0 <= x < self.x1 and self.y0 <= y < self.y1


@dataclass(frozen=True, slots=True)
class Tile:
    """One sheet of the tiled poster."""

    label: str            # "B2": row letter, column number (from the reading start)
    row: int              # 0-based from the top
    column: int           # 0-based from the reading start (the right, in a right-to-left edition)
    visible: Rect         # the part of the poster this tile shows when the poster is assembled
    picture: Rect         # what it prints: the visible part and its overlap strips
    cut: tuple[str, ...]  # edges to trim before gluing ("left", "right", "top"): where it lies over a neighbour
    glue: tuple[str, ...]  # edges with an overlap strip that goes under the next tile ("right", "left", "bottom")
    origin: tuple[float, float]  # where the picture's top-left corner is on the sheet (mm from the sheet's top left)


@dataclass(frozen=True, slots=True)
class TilePlan:
    poster: tuple[float, float]   # width, height (mm)
    sheet: tuple[float, float]    # width, height as printed (landscape when wider)
    paper: str                    # "a4" | "letter"
    overlap: float
    rows: int
    columns: int
    rtl: bool
    tiles: tuple[Tile, ...]

    @property
    def landscape(self) -> bool:
        return self.sheet[0] > self.sheet[1]

    def at(self, x: float, y: float) -> list[Tile]:
        """The tiles whose visible part holds the poster point (x, y): exactly one on the poster."""
        return [t for t in self.tiles if t.visible.contains(x, y)]

    @property
    def instructions(self) -> str:
        n = len(self.tiles)
        where = "right" if self.rtl else "left"
        return (f"print the -tiles.pdf on one side at 100 % (no scaling): page 1 is the assembly map, then {n} "
                f"tiles; trim each tile along its cut ticks and glue it over the {self.overlap:g} mm strip of the "
                f"tile above and to its {where}, starting at A1")


def _row_letters(n: int) -> str:
    """A … Z, then AA, AB …: spreadsheet-style row names."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _count(length: float, room: float, overlap: float) -> int:
    """Tiles along one edge: the first n-1 show ``room - overlap`` each, the last up to ``room``."""
    if length <= room + _EPS:
        return 1
    return math.ceil((length - room) / (room - overlap) - _EPS) + 1


def _areas(sheet_w: float, sheet_h: float) -> tuple[float, float]:
    """The picture's room on a sheet: inside the safe margin, the tick room and the label band."""
    return sheet_w - 2 * SAFE - 2 * TICK_ROOM, sheet_h - 2 * SAFE - 2 * TICK_ROOM - LABEL_BAND


def tile_plan(poster_w: float, poster_h: float, paper_w: float, paper_h: float, *, paper: str = "a4",
              overlap: float = OVERLAP, rtl: bool = False) -> TilePlan:
    """The fewest tiles of ``paper`` (portrait or landscape, whichever needs fewer; portrait on a tie)
    that cover the poster with ``overlap`` mm glued under each next tile."""
    if poster_w <= 0 or poster_h <= 0:
        raise ValueError(f"the poster size must be positive, not {poster_w} x {poster_h} mm")
    best: tuple[int, float, float] | None = None
    for sw, sh in ((paper_w, paper_h), (paper_h, paper_w)):
        aw, ah = _areas(sw, sh)
        if overlap < 0 or overlap >= min(aw, ah) / 2:
            raise ValueError(f"an overlap of {overlap:g} mm does not fit a {paper_w:g} x {paper_h:g} mm sheet")
        n = _count(poster_w, aw, overlap) * _count(poster_h, ah, overlap)
        if best is None or n < best[0]:
            best = (n, sw, sh)
    assert best is not None
    _, sw, sh = best
    aw, ah = _areas(sw, sh)
    cols, rows = _count(poster_w, aw, overlap), _count(poster_h, ah, overlap)
    step_x, step_y = aw - overlap, ah - overlap
    tiles = []
    for r in range(rows):
        vy0, vy1 = r * step_y, min(poster_h, (r + 1) * step_y) if r < rows - 1 else poster_h
        py1 = min(poster_h, vy1 + overlap) if r < rows - 1 else vy1
        for c in range(cols):  # c counts from the reading start
            if rtl:
                vx1 = poster_w - c * step_x
                vx0 = max(0.0, poster_w - (c + 1) * step_x) if c < cols - 1 else 0.0
                px0, px1 = (max(0.0, vx0 - overlap) if c < cols - 1 else vx0), vx1
            else:
                vx0 = c * step_x
                vx1 = min(poster_w, (c + 1) * step_x) if c < cols - 1 else poster_w
                px0, px1 = vx0, (min(poster_w, vx1 + overlap) if c < cols - 1 else vx1)
            cut = tuple(e for e, on in (("top", r > 0), ("right" if rtl else "left", c > 0)) if on)
            glue = tuple(e for e, on in (("bottom", r < rows - 1), ("left" if rtl else "right", c < cols - 1)) if on)
            visible = Rect(vx0, vy0, vx1, vy1)
            picture = Rect(px0, vy0, px1, py1)
            # The picture sits against the inner edge of the tick room on the side it is cut (its reading start).
            ox = SAFE + TICK_ROOM + (aw - picture.w if rtl else 0.0)
            oy = SAFE + LABEL_BAND + TICK_ROOM
            tiles.append(Tile(f"{_row_letters(r)}{c + 1}", r, c, visible, picture, cut, glue, (ox, oy)))
    return TilePlan((poster_w, poster_h), (sw, sh), paper, overlap, rows, cols, rtl, tuple(tiles))


# --- the PDF ----------------------------------------------------------------------------------------------


def _pt(mm: float) -> float:
    return mm * 72 / 25.4


def _n(v: float) -> str:
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _text(x: float, y: float, size: float, s: str, *, font: str = "/F1") -> str:
    """ASCII text at (x, y) in points (PDF coordinates), in the labels' face (bundled Noto Sans Bold)."""
    safe = s.encode("ascii", "replace").decode().replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"BT {font} {_n(size)} Tf {_n(x)} {_n(y)} Td ({safe}) Tj ET\n"


def _width(s: str, size: float) -> float:
    """The width of ``s`` at ``size`` pt in the labels' face, from its advance widths."""
    from pamphlet.sheets.press import _ascii_font

    widths = _ascii_font(True)[1]  # thousandths of an em, characters 32–126
    return size * sum(widths[ord(ch) - 32] if 32 <= ord(ch) < 127 else widths[31] for ch in s) / 1000


def _label_font(pdf: object) -> object:
    """The labels' face, embedded once per file: the bundled Noto Sans Bold cut to ASCII, as the press files
    embed a standard font (:func:`pamphlet.sheets.press._embed_standard_fonts`), so that a tiles file needs no
    font of the printer's and looks the same in every viewer."""
    from pikepdf import Dictionary, Name

    from pamphlet.sheets.press import _embed_standard_fonts

    resources = Dictionary(Font=Dictionary(F1=Dictionary(Type=Name.Font, Subtype=Name.Type1,
                                                         BaseFont=Name("/Helvetica-Bold"),
                                                         Encoding=Name.WinAnsiEncoding)))
    _embed_standard_fonts(pdf, resources, set())  # type: ignore[arg-type]
    return resources.Font.F1


def _poster_form(pdf: object, src: object) -> object:
    """The poster's first page as a form XObject in ``pdf``."""
    from pamphlet.sheets.impose import _form_xobject, _shared_resources

    page = src.pages[0]  # type: ignore[attr-defined]
    formx = _form_xobject(page)
    resources = _shared_resources(src, page)  # type: ignore[arg-type]
    if resources is not None:
        formx.Resources = resources
    return pdf.copy_foreign(formx)  # type: ignore[attr-defined]


def _new_page(pdf: object, w_mm: float, h_mm: float, content: str, form: object | None,
              font: object | None = None) -> None:
    import pikepdf
    from pikepdf import Dictionary, Name

    resources = Dictionary(Font=Dictionary(F1=font)) if font is not None else Dictionary()
    if form is not None:
        resources.XObject = Dictionary(P=form)
    page = Dictionary(Type=Name.Page, MediaBox=[0, 0, round(_pt(w_mm), 4), round(_pt(h_mm), 4)],
                      Resources=resources, Contents=pdf.make_stream(content.encode("ascii")))  # type: ignore[attr-defined]
    pdf.pages.append(pikepdf.Page(page))  # type: ignore[attr-defined]


def _fit(poster: tuple[float, float], box: tuple[float, float, float, float]) -> tuple[float, float, float]:
    """Scale and lower-left corner (pt) that fit the poster centred in ``box`` (x, y, w, h in pt)."""
    pw, ph = _pt(poster[0]), _pt(poster[1])
    bx, by, bw, bh = box
    s = min(bw / pw, bh / ph)
    return s, bx + (bw - s * pw) / 2, by + (bh - s * ph) / 2


def _map_content(plan: TilePlan, title: str) -> str:
    sw, sh = _pt(plan.sheet[0]), _pt(plan.sheet[1])
    m = _pt(SAFE + 3)
    head = 30.0
    s, ox, oy = _fit(plan.poster, (m, m, sw - 2 * m, sh - 2 * m - head))
    ph = _pt(plan.poster[1])
    out = [f"q {_n(s)} 0 0 {_n(s)} {_n(ox)} {_n(oy)} cm /P Do Q\n"]
    out.append(f"q 0 G 0.8 w {_n(ox)} {_n(oy)} {_n(s * _pt(plan.poster[0]))} {_n(s * ph)} re S Q\n")
    for t in plan.tiles:
        v = t.visible
        x, y = ox + s * _pt(v.x0), oy + s * (ph - _pt(v.y1))
        w, h = s * _pt(v.w), s * _pt(v.h)
        size = max(8.0, min(28.0, 0.35 * min(w, h)))
        lw = _width(t.label, size)
        cx, cy = x + w / 2, y + h / 2
        out.append(f"q 1 g {_n(cx - lw / 2 - 4)} {_n(cy - size * 0.45)} {_n(lw + 8)} {_n(size * 1.15)} re f Q\n")
        out.append(f"q 0 G 1.2 w {_n(x)} {_n(y)} {_n(w)} {_n(h)} re S Q\n")
        out.append("0 g " + _text(cx - lw / 2, cy - size * 0.3, size, t.label))
    lines = [f"{_ascii(title) or 'Poster'}: {len(plan.tiles)} tiles, {plan.rows} rows x {plan.columns} columns, "
             f"{plan.overlap:g} mm overlap",
             "Trim each tile along its black cut ticks; glue it over its neighbours' overlap strips (up to the grey glue ticks); "
             + ("start at A1, top right." if plan.rtl else "start at A1, top left.")]
    y = sh - m - 12
    for i, line in enumerate(lines):
        size = 11.0 if i == 0 else 8.5
        while _width(line, size) > sw - 2 * m and size > 5:
            size -= 0.5
        out.append("0 g " + _text(m, y, size, line))
        y -= 14
    return "".join(out)


def _ascii(text: str) -> str:
    """``text`` in the labels' ASCII face: accents dropped (é → e); empty when other letters would be lost
    (an Arabic title: the map then says "Poster" rather than a row of question marks)."""
    import unicodedata

    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return plain if plain.isascii() else ""


def _tick(x1: float, y1: float, x2: float, y2: float) -> str:
    return f"{_n(x1)} {_n(y1)} m {_n(x2)} {_n(y2)} l "


def _tile_content(plan: TilePlan, tile: Tile) -> str:
    sh = _pt(plan.sheet[1])
    p = tile.picture
    # Picture rectangle on the sheet, PDF coordinates.
    x0 = _pt(tile.origin[0])
    top = sh - _pt(tile.origin[1])
    w, h = _pt(p.w), _pt(p.h)
    y0 = top - h
    ph = _pt(plan.poster[1])
    # The poster page placed so that the picture's poster rectangle lands on the sheet's picture rectangle.
    tx, ty = x0 - _pt(p.x0), y0 - (ph - _pt(p.y1))
    out = [f"q {_n(x0)} {_n(y0)} {_n(w)} {_n(h)} re W n 1 0 0 1 {_n(tx)} {_n(ty)} cm /P Do Q\n"]
    room, gap = _pt(TICK_ROOM - 0.5), _pt(0.5)
    v = tile.visible
    vx0, vx1 = x0 + _pt(v.x0 - p.x0), x0 + _pt(v.x1 - p.x0)
    vy1 = top - _pt(v.y1 - p.y0)  # the visible part's bottom, PDF coordinates
    cuts, glues = [], []
    for edge in tile.cut:  # ticks in line with the edge, outside the picture at both ends
        if edge == "top":
            cuts.append(_tick(x0 - gap, top, x0 - room, top) + _tick(x0 + w + gap, top, x0 + w + room, top))
        else:
            ex = x0 if edge == "left" else x0 + w
            cuts.append(_tick(ex, top + gap, ex, top + room) + _tick(ex, y0 - gap, ex, y0 - room))
    for edge in tile.glue:  # where the next tile's cut edge will lie: the overlap strip begins here
        if edge == "bottom":
            glues.append(_tick(x0 - gap, vy1, x0 - room, vy1) + _tick(x0 + w + gap, vy1, x0 + w + room, vy1))
        else:
            ex = vx1 if edge == "right" else vx0
            glues.append(_tick(ex, top + gap, ex, top + room) + _tick(ex, y0 - gap, ex, y0 - room))
    if cuts:
        out.append("q 0 G 0.6 w [] 0 d " + "".join(cuts) + "S Q\n")
    if glues:
        out.append("q 0.45 G 0.6 w [2 1.5] 0 d " + "".join(glues) + "S Q\n")
    # The label band above the picture: the label, and what to do with this tile.
    band_y = top + _pt(TICK_ROOM) + 2
    out.append("0 g " + _text(x0, band_y, 16, tile.label))
    hints = []
    if tile.cut:
        hints.append("cut: " + ", ".join(tile.cut))
    if tile.glue:
        hints.append("glue under next tile: " + ", ".join(tile.glue))
    hint = "  |  ".join(hints) or "one tile"
    size = 7.0
    room_w = w - _width(tile.label, 16) - 10
    while _width(hint, size) > room_w and size > 4:
        size -= 0.5
    out.append("0.3 g " + _text(x0 + _width(tile.label, 16) + 10, band_y + 2, size, hint))
    return "".join(out)


def tiles_pdf(poster_pdf: bytes, plan: TilePlan, *, title: str = "Poster", lang: str | None = None) -> bytes:
    """The assembly map, then one page per tile: every page exactly the plan's sheet."""
    import pikepdf

    with pikepdf.open(io.BytesIO(poster_pdf)) as src:
        out = pikepdf.new()
        form = _poster_form(out, src)
        font = _label_font(out)
        _new_page(out, *plan.sheet, _map_content(plan, title), form, font)
        for tile in plan.tiles:
            _new_page(out, *plan.sheet, _tile_content(plan, tile), form, font)
        # Page labels, as a viewer's page box and `pamphlet preview` show them: "map", then each tile's "B2".
        labels = ["map", *(t.label for t in plan.tiles)]
        nums: list[object] = []
        for i, label in enumerate(labels):
            nums += [i, pikepdf.Dictionary(P=pikepdf.String(label))]
        out.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))
        return _save(out, src, title, lang)


def scaled_copy(poster_pdf: bytes, paper_w: float, paper_h: float, *, title: str = "Poster",
                lang: str | None = None) -> bytes:
    """The whole poster scaled onto one sheet (inside its safe area), to proofread before printing the tiles."""
    import pikepdf

    with pikepdf.open(io.BytesIO(poster_pdf)) as src:
        box = src.pages[0].trimbox
        pw, ph = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
        sw, sh = (paper_h, paper_w) if pw > ph else (paper_w, paper_h)
        out = pikepdf.new()
        form = _poster_form(out, src)
        m = _pt(SAFE)
        s, ox, oy = _fit((pw * 25.4 / 72, ph * 25.4 / 72), (m, m, _pt(sw) - 2 * m, _pt(sh) - 2 * m))
        _new_page(out, sw, sh, f"q {_n(s)} 0 0 {_n(s)} {_n(ox)} {_n(oy)} cm /P Do Q\n", form)
        return _save(out, src, title, lang)


def _save(out: object, src: object, title: str, lang: str | None) -> bytes:
    import pikepdf
    from pikepdf import Dictionary, Name

    root = out.Root  # type: ignore[attr-defined]
    root.ViewerPreferences = Dictionary(PrintScaling=Name("/None"), Duplex=Name.Simplex)
    if lang:
        root.Lang = pikepdf.String(lang)
    out.docinfo[Name.Title] = pikepdf.String(title)  # type: ignore[attr-defined]
    buffer = io.BytesIO()
    out.save(buffer, min_version=src.pdf_version, compress_streams=True,  # type: ignore[attr-defined]
             object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    return buffer.getvalue()


__all__ = ["OVERLAP", "Rect", "Tile", "TilePlan", "scaled_copy", "tile_plan", "tiles_pdf"]
