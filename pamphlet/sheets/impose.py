"""Turn a reading-order PDF into a printer-sheet PDF by following a :class:`Plan`.

This is the only module that imports pikepdf. The plan (pure data, in
:mod:`pamphlet.layouts.imposition`) decides *where* each page goes; this
module only does the PDF plumbing:

* every reading page becomes one form XObject, created and copied into the
  output exactly once, so booklets that show each page once and handbills that
  show one page eight times share fonts, images and content streams instead
  of duplicating them;
* the XObject's /BBox is the page's TrimBox (falling back to CropBox, then
  MediaBox), and the TrimBox — not the MediaBox — is mapped onto the cell, so
  a page printed with bleed lands at its trimmed size and its bleed never
  spills into the neighbouring cell (each placement is also clipped to its
  cell);
* the output is deterministic: no dates, a content-derived /ID, stable
  resource names and number formatting, so the same input gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import pikepdf
from pikepdf import Dictionary, Name

from pamphlet.layouts.imposition import Cell, Mark, Plan

__all__ = ["impose", "mm_to_pt", "read_right_to_left"]

#: Cells whose size differs from the page's trim size by more than this (mm)
#: are filled by scaling the page uniformly; smaller differences are rounding.
SIZE_TOLERANCE_MM = 0.5

_DUPLEX_PREFERENCE = {
    "none": Name.Simplex,
    "long-edge": Name.DuplexFlipLongEdge,
    "short-edge": Name.DuplexFlipShortEdge,
}

# How each kind of mark is stroked: fold lines are light and dashed so they
# guide without showing much on the finished piece; cuts and crops are black.
_MARK_STYLE = {
    "fold": b"0.6 G 0.25 w [3 2] 0 d",
    "cut": b"0 G 0.4 w [4 2] 0 d",
    "crop": b"0 G 0.25 w [] 0 d",
}


def mm_to_pt(mm: float) -> float:
    """Millimetres to PDF points (1 pt = 1/72 inch)."""
    return mm * 72 / 25.4


def _num(value: float) -> bytes:
    """Format a number for a content stream: short, fixed precision, stable.

    Fixed rounding keeps output byte-identical across runs and avoids
    ``1e-05``-style notation, which is not valid PDF syntax.
    """
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.encode("ascii")


def _nums(*values: float) -> bytes:
    return b" ".join(_num(v) for v in values)


def _transformed_bbox(xobject: pikepdf.Stream) -> tuple[float, float, float, float]:
    """The XObject's /BBox after its /Matrix, as (x0, y0, x1, y1).

    ``as_form_xobject`` folds a page's /Rotate (and /UserUnit) into /Matrix;
    taking the matrix into account places rotated source pages correctly.
    """
    bx0, by0, bx1, by1 = (float(v) for v in xobject.BBox)
    a, b, c, d, e, f = (float(v) for v in xobject.Matrix) if "/Matrix" in xobject else (1, 0, 0, 1, 0, 0)
    xs, ys = [], []
    for x, y in ((bx0, by0), (bx0, by1), (bx1, by0), (bx1, by1)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return min(xs), min(ys), max(xs), max(ys)


def _form_xobject(page: pikepdf.Page) -> pikepdf.Stream:
    """The page as a form XObject whose /BBox is its TrimBox.

    ``as_form_xobject`` gets the geometry right (TrimBox -> CropBox ->
    MediaBox as /BBox, /Rotate and /UserUnit folded into /Matrix, /Group kept)
    but hands the page content over decompressed, so the writer re-deflates
    it, usually a few percent larger than the original. When the page has a
    single Flate-compressed content stream, its already-compressed bytes are
    reused verbatim instead (the writer does not recompress Flate data).
    """
    formx = page.as_form_xobject()
    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Array) and len(contents) == 1:
        contents = contents[0]
    if (
        isinstance(contents, pikepdf.Stream)
        and set(contents.keys()) <= {"/Length", "/Filter", "/DecodeParms"}
        and contents.get("/Filter") in (Name.FlateDecode, pikepdf.Array([Name.FlateDecode]))
    ):
        formx.write(
            contents.read_raw_bytes(),
            filter=contents.Filter,  # type: ignore[arg-type]  # pikepdf's stubs are narrower than its API
            decode_parms=contents.get("/DecodeParms"),  # type: ignore[arg-type]
        )
    return formx  # type: ignore[return-value]


def _shared_resources(src: pikepdf.Pdf, page: pikepdf.Page) -> pikepdf.Object | None:
    """The page's (possibly inherited) /Resources as an indirect object.

    ``as_form_xobject`` puts a shallow copy of the resource dictionary inline
    in the XObject's stream dictionary, and stream dictionaries cannot live in
    compressed object streams — 64 pages would carry 64 uncompressed copies.
    Referring to one indirect dictionary instead lets pages that share
    resources share them in the print file too (copy_foreign copies each
    indirect object once).
    """
    node: pikepdf.Object | None = page.obj
    seen = 0
    while node is not None and "/Resources" not in node and seen < 64:
        node = node.get("/Parent")
        seen += 1
    if node is None or "/Resources" not in node:
        return None
    resources = node.Resources
    if resources.is_indirect:
        return resources
    return src.make_indirect(resources)


def _placement(cell: Cell, bbox: tuple[float, float, float, float],
               clip: tuple[float, float, float, float] | None = None) -> bytes:
    """Content-stream ops drawing one XObject's trim box exactly into ``cell``.

    Scale is 1 when the cell matches the trim size (the normal case: plans
    size cells from the page size); otherwise the page is scaled uniformly to
    fit and centred. ``rotate=180`` turns the page upside down within the same
    cell; ``shift_x`` (creep) moves it sideways and the cell clip trims what
    crosses the cell edge.
    """
    cx, cy, cw, ch = (mm_to_pt(v) for v in (cell.x, cell.y, cell.w, cell.h))
    bx0, by0, bx1, by1 = bbox
    bw, bh = bx1 - bx0, by1 - by0
    if bw <= 0 or bh <= 0:
        raise ValueError(f"page {cell.page} has an empty trim box")
    tolerance = mm_to_pt(SIZE_TOLERANCE_MM)
    if abs(bw - cw) <= tolerance and abs(bh - ch) <= tolerance:
        scale = 1.0
    else:
        scale = min(cw / bw, ch / bh)
    ox = cx + (cw - scale * bw) / 2 + mm_to_pt(cell.shift_x)
    oy = cy + (ch - scale * bh) / 2
    if cell.rotate == 180:
        # (x, y) -> (ox + s*bw - s*(x - bx0), oy + s*bh - s*(y - by0))
        matrix = (
            -scale,
            0.0,
            0.0,
            -scale,
            ox + scale * (bw + bx0),
            oy + scale * (bh + by0),
        )
    else:
        # (x, y) -> (ox + s*(x - bx0), oy + s*(y - by0))
        matrix = (scale, 0.0, 0.0, scale, ox - scale * bx0, oy - scale * by0)
    return b"q %s re W n %s cm /P%d Do Q\n" % (
        _nums(*(clip or (cx, cy, cw, ch))),
        _nums(*matrix),
        cell.page or 0,  # blank cells are skipped before placement
    )


def _draw_marks(marks: Iterable[Mark], *, all_marks: bool) -> bytes:
    """Stroke the side's marks; crop marks always, fold/cut only if asked.

    Crop marks are drawn regardless of ``guides=False`` because a handbill
    sheet cannot be cut apart without them. Marks of one kind share one
    graphics state and one path, which keeps the per-side stream small.
    """
    by_kind: dict[str, list[Mark]] = {}
    for mark in marks:
        if mark.kind == "crop" or all_marks:
            by_kind.setdefault(mark.kind, []).append(mark)
    out = []
    for kind in ("fold", "cut", "crop"):  # cuts and crops on top of folds
        if kind not in by_kind:
            continue
        path = b" ".join(
            b"%s m %s l"
            % (
                _nums(mm_to_pt(mark.x1), mm_to_pt(mark.y1)),
                _nums(mm_to_pt(mark.x2), mm_to_pt(mark.y2)),
            )
            for mark in by_kind[kind]
        )
        out.append(b"q %s %s S Q\n" % (_MARK_STYLE[kind], path))
    return b"".join(out)


def _check_pages(plan: Plan, page_count: int) -> None:
    """Fail before building anything if the plan wants pages the PDF lacks."""
    wanted = plan.pages()
    if not wanted:
        return
    highest = max(wanted)
    if highest > page_count:
        raise ValueError(
            f"the {plan.layout} layout needs page {highest}, but the reading PDF "
            f"has only {page_count} page{'s' if page_count != 1 else ''}"
        )


def impose(
    reading_pdf: bytes,
    plan: Plan,
    *,
    guides: bool = True,
    title: str | None = None,
    lang: str | None = None,
    date: str | None = None,
    bleed: float = 0.0,
    crop_marks: bool = False,
    boxes: bool = False,
) -> bytes:
    """Impose ``reading_pdf`` (one page per reading page) onto the plan's sheets.

    Returns the print-ready PDF as bytes: one PDF page per sheet side, in
    sheet order (front, back, front, back, ...), which is what a duplex
    printer expects. ``guides=False`` omits fold and cut guides (crop marks stay).
    ``title`` and ``lang`` set /Info /Title and the catalog /Lang. The
    catalog's /ViewerPreferences ask for the plan's duplex mode and for no
    print scaling, because "fit to page" would break fold and cut positions.
    ``boxes`` sets a TrimBox and BleedBox on every sheet even without bleed (press output wants them).
    A source made for print production (one with an output intent: :mod:`pamphlet.sheets.press`) keeps
    its output intent, XMP metadata and ``/Trapped`` on the sheets.
    """
    with pikepdf.open(io.BytesIO(reading_pdf)) as src:
        _check_pages(plan, len(src.pages))
        out = pikepdf.new()
        xobjects: dict[int, pikepdf.Stream] = {}
        bboxes: dict[int, tuple[float, float, float, float]] = {}

        def xobject_for(page: int) -> None:
            """Create and copy page ``page``'s XObject once, then reuse it."""
            if page in xobjects:
                return
            source_page = src.pages[page - 1]
            formx = _form_xobject(source_page)
            resources = _shared_resources(src, source_page)
            if resources is not None:
                formx.Resources = resources
            copied = out.copy_foreign(formx)
            bboxes[page] = _transformed_bbox(copied)  # type: ignore[arg-type]
            if bleed > 0 and "/MediaBox" in source_page.obj and "/Matrix" not in copied:
                # Keep what lies outside the trim box (the bleed); placement still maps the trim box.
                copied.BBox = pikepdf.Array([float(v) for v in source_page.mediabox])
            xobjects[page] = copied  # type: ignore[assignment]

        b = mm_to_pt(bleed)
        off = b + (mm_to_pt(CROP_MARK_ROOM_MM) if crop_marks else 0.0)
        for sheet in plan.sheets:
            sw, sh = mm_to_pt(sheet.width), mm_to_pt(sheet.height)
            media = [0, 0, sw + 2 * off, sh + 2 * off]
            for side in sheet.sides:
                content = [b"q 1 0 0 1 %s cm\n" % _nums(off, off)] if off else []
                used: dict[int, pikepdf.Stream] = {}
                for cell in side.cells:
                    if cell.page is None:
                        continue
                    xobject_for(cell.page)
                    used[cell.page] = xobjects[cell.page]
                    content.append(_placement(cell, bboxes[cell.page], _bleed_clip(cell, sheet, b) if b else None))
                content.append(_draw_marks(side.marks, all_marks=guides))
                if off:
                    content.append(b"Q\n")
                if crop_marks:
                    content.append(_sheet_crop_marks(off, sw, sh, b))
                resources = Dictionary()
                if used:
                    resources.XObject = Dictionary({f"/P{page}": used[page] for page in sorted(used)})
                page_dict = Dictionary(
                    Type=Name.Page,
                    MediaBox=[_round(v) for v in media],
                    Resources=resources,
                    Contents=out.make_stream(b"".join(content)),
                )
                if off or boxes:
                    page_dict.TrimBox = [_round(v) for v in (off, off, off + sw, off + sh)]
                    page_dict.BleedBox = [_round(v) for v in (off - b, off - b, off + sw + b, off + sh + b)]
                out.pages.append(pikepdf.Page(page_dict))

        _finish_catalog(out, plan, title=title, lang=lang, date=date)
        _carry_print_metadata(src, out)
        buffer = io.BytesIO()
        out.save(
            buffer,
            min_version=src.pdf_version,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            deterministic_id=True,
        )
        return buffer.getvalue()


CROP_MARK_ROOM_MM = 8.0  # room outside the bleed for crop marks


def _bleed_clip(cell: Cell, sheet: Any, b: float) -> tuple[float, float, float, float]:
    """The cell's clip, grown by the bleed on every side that lies on the sheet's edge.

    Inner edges stay exact: there the neighbouring page begins, and bleed would
    spill into it.
    """
    cx, cy, cw, ch = (mm_to_pt(v) for v in (cell.x, cell.y, cell.w, cell.h))
    eps = 0.01
    left = b if cell.x <= eps else 0.0
    bottom = b if cell.y <= eps else 0.0
    right = b if cell.x + cell.w >= sheet.width - eps else 0.0
    top = b if cell.y + cell.h >= sheet.height - eps else 0.0
    return cx - left, cy - bottom, cw + left + right, ch + bottom + top


def _sheet_crop_marks(off: float, sw: float, sh: float, b: float) -> bytes:
    """Crop marks at the four corners of the sheet's trim, outside its bleed."""
    gap, length = b + mm_to_pt(2), mm_to_pt(5)
    ops = [b"q 0 G 0.25 w [] 0 d\n"]
    for x, dx in ((off, -1), (off + sw, 1)):
        for y, dy in ((off, -1), (off + sh, 1)):
            ops.append(b"%s m %s l S\n" % (_nums(x + dx * gap, y), _nums(x + dx * (gap + length), y)))
            ops.append(b"%s m %s l S\n" % (_nums(x, y + dy * gap), _nums(x, y + dy * (gap + length))))
    ops.append(b"Q\n")
    return b"".join(ops)


def _round(value: float) -> float:
    """Round box coordinates so sizes like 841.8898 pt do not carry float noise."""
    return round(value, 4)


def _finish_catalog(out: pikepdf.Pdf, plan: Plan, *, title: str | None, lang: str | None,
                    date: str | None = None) -> None:
    """Document-level metadata for the print file.

    Outlines and page labels describe reading pages, which no longer exist as
    pages here, so any that crept in are removed. No dates are written so the
    output stays reproducible.
    """
    root = out.Root
    for stale in ("/Outlines", "/PageLabels"):
        if stale in root:
            del root[stale]
    root.ViewerPreferences = Dictionary(
        Duplex=_DUPLEX_PREFERENCE[plan.duplex],
        PrintScaling=Name("/None"),
    )
    if lang:
        root.Lang = pikepdf.String(lang)
    if title:
        out.docinfo[Name.Title] = pikepdf.String(title)
    if "/Info" in out.trailer:
        for key in ("/CreationDate", "/ModDate"):
            if key in out.docinfo:
                del out.docinfo[key]
    if date:  # a fixed date (SOURCE_DATE_EPOCH or derived from the inputs) keeps the bytes reproducible
        out.docinfo[Name.CreationDate] = pikepdf.String(date)
        out.docinfo[Name.ModDate] = pikepdf.String(date)


def _carry_print_metadata(src: pikepdf.Pdf, out: pikepdf.Pdf) -> None:
    """What a press needs from the page file, onto the sheets built from ``pikepdf.new()``.

    The output intent (the press's ICC profile), the XMP packet (PDF/X version, title, document ID) and
    ``/Trapped`` describe the print job, and the sheets are the same job. Only a source with an output
    intent is such a file: a reading PDF's XMP may claim PDF/UA, which untagged sheets are not.
    """
    intents = src.Root.get("/OutputIntents")
    if not isinstance(intents, pikepdf.Array) or len(intents) == 0:
        return
    out.Root.OutputIntents = out.copy_foreign(intents if intents.is_indirect else src.make_indirect(intents))
    metadata = src.Root.get("/Metadata")
    if isinstance(metadata, pikepdf.Stream):
        out.Root.Metadata = out.copy_foreign(metadata)
    if "/Info" in src.trailer:
        for key in ("/Trapped", "/GTS_PDFXVersion"):
            if key in src.docinfo:
                out.docinfo[key] = out.copy_foreign(src.docinfo[key]) if src.docinfo[key].is_indirect \
                    else src.docinfo[key]


def read_right_to_left(reading_pdf: bytes) -> bytes:
    """Declare a right-to-left reading PDF as such (``/ViewerPreferences /Direction /R2L``), so viewers
    show its spreads with the first page on the right. Same input, same bytes."""
    with pikepdf.open(io.BytesIO(reading_pdf)) as pdf:
        prefs = pdf.Root.get("/ViewerPreferences")
        if not isinstance(prefs, Dictionary):
            prefs = pdf.make_indirect(Dictionary())
            pdf.Root.ViewerPreferences = prefs
        prefs.Direction = Name.R2L
        buffer = io.BytesIO()
        pdf.save(buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve,
                 deterministic_id=True)
        return buffer.getvalue()
