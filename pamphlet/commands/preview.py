"""`pamphlet preview`: PNG pictures of every reading page and printer sheet, and a contact sheet per edition.

A layout is judged by its pages, and an organiser should see the fold, the cut
and the page order on screen before paying for 500 copies. For each edition:

    <out>/<edition>/page-01.png …            the reading pages, in order
    <out>/<edition>/sheet-1-front.png …      both sides of every printer sheet
    <out>/<edition>-contact.png              everything on one picture, labelled

Where a layout prints its reading PDF as it is (the leaflet), that PDF's pages
are the sheet sides. Fold and cut guides are drawn into the ``-print.pdf``
already; pdfium strokes hairlines at least one device pixel wide, so rendering
straight at the target size (never shrinking a larger picture) keeps them
visible even in small thumbnails.

pdfium is not thread-safe: every render here happens in the calling thread,
one document at a time (``watch --serve`` calls this from its build loop only).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pamphlet.errors import ContentError
from pamphlet.output import atomic_write

if TYPE_CHECKING:
    from PIL import Image as PILImage

    from pamphlet.pipeline import EditionResult

PAGE_DPI = 96          # reading pages: a page on screen at its real size
SHEET_DPI = 150        # printer sheets: enough for 0.25 pt guides and small type
THUMB_HEIGHT = 300     # contact sheet: height of a reading page (px)
SHEET_THUMB_HEIGHT = 420  # contact sheet: height of a printer sheet side (px)
_PAGES_PER_ROW = 8
_GAP, _MARGIN = 16, 24
_BACKGROUND, _INK, _MUTED, _FRAME = "#e9e9e6", "#1b1b1b", "#5f5f5a", "#9d9d98"


@dataclass(frozen=True)
class Picture:
    """One rendered PNG and what it shows."""

    name: str      # file name: page-01.png, sheet-1-front.png
    label: str     # "page 1", "sheet 1 · front"
    png: bytes
    width: int
    height: int


@dataclass
class EditionPictures:
    """Every picture of one edition, in memory (``watch --serve`` keeps them there)."""

    edition: str               # "en/leaflet" (or "variant/en/leaflet")
    stem: str                  # the PDF's name without .pdf: "solidarity-en-leaflet"
    pages: list[Picture] = field(default_factory=list)
    sheets: list[Picture] = field(default_factory=list)
    contact: Picture | None = None


@dataclass(frozen=True)
class EditionPreview:
    """Where one edition's pictures were written."""

    edition: str
    pages: list[Path]
    sheets: list[Path]
    contact: Path

    @property
    def paths(self) -> list[Path]:
        return [*self.pages, *self.sheets, self.contact]


def side_labels(count: int, sides: int) -> list[str]:
    """Labels for the pages of a printer file: ``sheet 1 · front``, ``sheet 1 · back``, …

    ``sides`` is how many sides each sheet prints (1: one-sided, like the zine).
    """
    sides = 2 if sides >= 2 else 1
    labels = []
    for i in range(count):
        sheet, side = divmod(i, sides)
        labels.append(f"sheet {sheet + 1}" + ("" if sides == 1 else " · " + ("front", "back")[side]))
    return labels


def _side_file(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower().replace("tile ", "")).strip("-") + ".png"


def _sides(result: EditionResult) -> int:
    """Sides each printer sheet prints: 1 for a file printed one-sided (a zine, tiles, placards), else 2."""
    return 1 if result.cups_sides == "one-sided" or (result.sides or 1) < 2 else 2


def printer_labels(path: Path, count: int, sides: int) -> list[str]:
    """Labels for a printer file's pages: a poster's tiles say what each sheet is (``sheet 1 · map``,
    ``sheet 2 · tile A1``: the page labels its file carries); other files :func:`side_labels`."""
    named = side_labels(count, sides)
    if sides >= 2:
        return named
    pdf = _open(path)
    try:
        labels = [pdf.get_page_label(i) for i in range(len(pdf))]
    finally:
        pdf.close()
    if len(labels) != count or not all(labels) or labels == [str(i) for i in range(1, count + 1)]:
        return named
    return [f"{n} · {'map' if lab == 'map' else 'tile ' + lab}" for n, lab in zip(named, labels, strict=True)]


def _open(path: Path) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as exc:
        raise ContentError(f"{path}: cannot read the PDF to preview it ({exc})",
                           "build again with --force; the file may have been changed by another program") from None


def _render(path: Path, *, dpi: float | None = None, height: int | None = None) -> Iterator[PILImage.Image]:
    """Each page of ``path`` as an RGB image, at ``dpi`` or scaled to ``height`` pixels."""
    pdf = _open(path)
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                scale = (height / page.get_height()) if height else (dpi or 72) / 72
                bitmap = page.render(scale=scale, may_draw_forms=False)
                yield bitmap.to_pil().convert("RGB")
            finally:
                page.close()
    finally:
        pdf.close()


def _png(image: PILImage.Image, fast: bool = False) -> bytes:
    """PNG bytes; ``fast`` trades size for time (the live page re-encodes on every save)."""
    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=1 if fast else 6)
    return buf.getvalue()


def _picture(name: str, label: str, image: PILImage.Image, fast: bool = False) -> Picture:
    return Picture(name, label, _png(image, fast), image.width, image.height)


def render_edition(result: EditionResult, *, page_dpi: float = PAGE_DPI, sheet_dpi: float = SHEET_DPI,
                   contact: bool = True, fast: bool = False) -> EditionPictures:
    """Pictures of one built edition: its pages, its sheet sides and (optionally) its contact sheet."""
    if not result.path:
        raise ContentError(f"{result.name}: nothing to preview (the edition was not built)", "fix the build error first")
    reading = Path(result.path)
    printer = Path(result.print_path) if result.print_path else reading
    pictures = EditionPictures(result.name, reading.stem)
    for i, image in enumerate(_render(reading, dpi=page_dpi), start=1):
        pictures.pages.append(_picture(f"page-{i:02d}.png", f"page {i}", image, fast))
    sides = list(_render(printer, dpi=sheet_dpi))
    for label, image in zip(printer_labels(printer, len(sides), _sides(result)), sides, strict=True):
        pictures.sheets.append(_picture(_side_file(label), label, image, fast))
    if contact:
        pictures.contact = _picture(f"{reading.stem}-contact.png", f"{result.name} contact sheet",
                                    contact_sheet(result, reading, printer))
    return pictures


# --- the contact sheet -------------------------------------------------------------


@cache
def _font(size: int, bold: bool = False) -> Any:
    """A bundled Noto Sans face for labels (Pillow's default bitmap font if it is missing)."""
    from PIL import ImageFont

    from pamphlet.resources import fonts_dir

    path = fonts_dir() / "noto" / ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf")
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default()


def _framed(image: PILImage.Image) -> PILImage.Image:
    """A 1 px frame, so white pages stand out from the background."""
    from PIL import ImageOps

    return ImageOps.expand(image, border=1, fill=_FRAME)


def _rows(images: list[PILImage.Image], labels: list[str], per_row: int) -> list[list[tuple[PILImage.Image, str]]]:
    items = list(zip(images, labels, strict=True))
    return [items[i:i + per_row] for i in range(0, len(items), per_row)]


def contact_sheet(result: EditionResult, reading: Path, printer: Path) -> PILImage.Image:
    """One picture of an edition: a heading, the pages in reading order, then each sheet's sides.

    Sheet sides are rendered straight at thumbnail size (not shrunk from the big
    PNGs) so the 0.25 pt fold and cut guides stay one crisp pixel wide.
    """
    from PIL import Image, ImageDraw

    pages = [_framed(im) for im in _render(reading, height=THUMB_HEIGHT)]
    page_labels = [str(i) for i in range(1, len(pages) + 1)]
    sides = [_framed(im) for im in _render(printer, height=SHEET_THUMB_HEIGHT)]
    side_names = [name.removeprefix("sheet ") if "tile" in name or "map" in name else name
                  for name in printer_labels(printer, len(sides), _sides(result))]
    per_sheet = _sides(result)
    sections = [
        (f"Pages in reading order ({len(pages)})" + (", right to left" if result.direction == "rtl" else ""),
         _rows(pages, page_labels, _PAGES_PER_ROW)),
        (f"Printer sheets ({len(sides) // per_sheet if per_sheet == 1 else result.sheets or len(sides) // 2}): "
         + ("trim along the cut ticks" if any("tile" in n for n in side_names) else "fold and cut on the dashed lines"),
         _rows(sides, side_names, per_sheet)),
    ]
    title_font, head_font, label_font = _font(26, bold=True), _font(18, bold=True), _font(16)
    title = f"{result.name}  ·  {Path(result.path or reading).name}"
    subtitle = result.printing or ""
    label_h, head_h = 26, 40
    width = max(sum(im.width for im, _ in row) + _GAP * (len(row) - 1) for _, rows in sections for row in rows)
    width = max(width + 2 * _MARGIN, 900)
    height = _MARGIN + 40 + (28 if subtitle else 0)
    for _, rows in sections:
        height += head_h + sum(max(im.height for im, _ in row) + label_h + _GAP for row in rows)
    height += _MARGIN
    canvas = Image.new("RGB", (width, height), _BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    y = _MARGIN
    draw.text((_MARGIN, y), title, font=title_font, fill=_INK)
    y += 40
    if subtitle:
        draw.text((_MARGIN, y), _clip(draw, subtitle, label_font, width - 2 * _MARGIN), font=label_font, fill=_MUTED)
        y += 28
    for heading, rows in sections:
        y += 10
        draw.text((_MARGIN, y), heading, font=head_font, fill=_INK)
        y += head_h - 10
        for row in rows:
            x = _MARGIN
            row_h = max(im.height for im, _ in row)
            for im, label in row:
                canvas.paste(im, (x, y))
                tw = draw.textlength(label, font=label_font)
                draw.text((x + (im.width - tw) / 2, y + im.height + 4), label, font=label_font, fill=_MUTED)
                x += im.width + _GAP
            y += row_h + label_h + _GAP
    return canvas


def _clip(draw: Any, text: str, font: Any, width: float) -> str:
    while text and draw.textlength(text, font=font) > width:
        text = text[:-2].rstrip() + "…"
    return text


# --- writing -----------------------------------------------------------------------


def write_pictures(pictures: EditionPictures, out: Path) -> EditionPreview:
    """Write an edition's pictures under ``out`` (atomically) and drop stale ones.

    A booklet that shrank from 12 pages to 8 must not leave page-09.png behind.
    """
    folder = out / pictures.stem
    written = {p.name for p in (*pictures.pages, *pictures.sheets)}
    for pic in (*pictures.pages, *pictures.sheets):
        atomic_write(folder / pic.name, pic.png)
    if folder.is_dir():
        for old in folder.glob("*.png"):
            if old.name not in written and re.fullmatch(r"(page-\d+|sheet-\d+(-front|-back|-map|-[a-z]+\d+)?)\.png",
                                                        old.name):
                old.unlink(missing_ok=True)
    assert pictures.contact is not None
    contact = out / pictures.contact.name
    atomic_write(contact, pictures.contact.png)
    return EditionPreview(pictures.edition, [folder / p.name for p in pictures.pages],
                          [folder / p.name for p in pictures.sheets], contact)


def write_previews(results: list[EditionResult], out: Path) -> list[EditionPreview]:
    """Picture every edition that has PDFs (built now or up to date); failed ones are skipped."""
    return [write_pictures(render_edition(r), out) for r in results if r.status != "failed" and r.path]

