"""The share cards: a link preview (1200×630, what ``og:image`` points at) and a square card (1080×1080).

Each is laid out from its own template (``templates/share/card.html``) by WeasyPrint with the edition's
own fonts (the display face its headline is set in on paper, the script's faces for the rest), written as
a one-page PDF and drawn by pdfium at exactly the card's size in pixels. A headline too long for the card
is set smaller until the card holds it (a second page means it did not). The PNG is quantised to a
256-colour palette when that is what keeps it under :data:`MAX_BYTES` (a photo on the card needs it; flat
colour and type rarely do). The same inputs give the same pixels and the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pamphlet.errors import RenderError

#: Messengers and social sites refuse or recompress larger previews (WhatsApp's limit is about 300 KB).
MAX_BYTES = 300 * 1024


@dataclass(frozen=True)
class Shape:
    name: str   # "wide" | "square"
    width: int
    height: int

    @property
    def file(self) -> str:
        return f"card-{self.width}x{self.height}.png"


WIDE = Shape("wide", 1200, 630)
SQUARE = Shape("square", 1080, 1080)
SHAPES = (WIDE, SQUARE)


def _sizes(shape: Shape, step: int, picture: bool) -> dict[str, int]:
    """Type sizes for a card: the headline as large as a short one deserves, 10 % smaller ``step`` times over
    (the facts give way a little after the third step)."""
    title = (124 if shape is WIDE else 150) * (0.85 if picture else 1.0)
    fact = (36 if shape is WIDE else 44) * 0.95 ** max(step - 3, 0)
    return {"title_size": round(title * 0.9 ** step), "fact_size": round(fact), "kicker_size": round(fact * 0.8),
            "pad": 56 if shape is WIDE else 72, "qr_size": 150 if shape is WIDE else 200}


def _foot(shape: Shape, sizes: dict[str, int], picture: bool, rtl: bool) -> dict[str, int]:
    """Where the facts and the QR code go at the card's foot (left edges and width in px): the QR code at the
    end of the line (on the left in right-to-left text), the facts in the rest."""
    pad = sizes["pad"]
    side = round(shape.width * 0.4) if picture and shape is WIDE else 0  # the picture's column
    x0, x1 = pad + (0 if rtl else side), shape.width - pad - (side if rtl else 0)
    qr_box = sizes["qr_size"] + 2 * round(sizes["qr_size"] * 0.08)
    facts_width = x1 - x0 - qr_box - pad
    if rtl:
        return {"qr_left": x0, "facts_left": x0 + qr_box + pad, "facts_width": facts_width}
    return {"qr_left": x1 - qr_box, "facts_left": x0, "facts_width": facts_width}


def render_card(shape: Shape, context: dict[str, Any], project_root: Path, roots: list[Path]) -> bytes:
    """The card as PNG bytes, its headline fitted to it."""
    from pamphlet.pages import render
    from pamphlet.text import templates

    def lay(step: int, pinned: bool) -> render.LaidOut:
        sizes = _sizes(shape, step, bool(context.get("picture")))
        ctx = {**context, "shape": shape.name, "width": shape.width, "height": shape.height, "pinned": pinned,
               **sizes, "at": _foot(shape, sizes, bool(context.get("picture")), context["lang"].rtl)}
        html = templates.render("share/card.html", ctx, project_root / "templates")
        return render.lay_out(html, project_root, roots)

    def fits(laid: render.LaidOut) -> bool:
        from pamphlet.pages import measure

        return laid.pages == 1 and not measure.overflowing_lines(laid)  # a word wider than the card: smaller

    fitting = next((step for step in range(12) if fits(lay(step, pinned=False))), None)
    if fitting is None:
        raise RenderError(f"{shape.file}: the headline does not fit on the card even at a small size",
                          "shorten the title in the front matter")
    laid = lay(fitting, pinned=True)
    # An intermediate PDF, only drawn: untagged, no identifier (the same card gives the same bytes)
    pdf = laid.document.copy(laid.document.pages[:1]).write_pdf(pdf_identifier=False)
    return png(pdf, shape)


def png(pdf: bytes, shape: Shape) -> bytes:
    """Page 1 of ``pdf`` drawn at the card's size, as an optimised PNG under MAX_BYTES."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        width_pt = page.get_width()
        image = page.render(scale=shape.width / width_pt, may_draw_forms=False).to_pil().convert("RGB")
    finally:
        doc.close()
    if image.size != (shape.width, shape.height):
        image = image.resize((shape.width, shape.height))
    data = _png_bytes(image)
    if len(data) > MAX_BYTES:
        from PIL import Image

        data = _png_bytes(image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.FLOYDSTEINBERG))
    if len(data) > MAX_BYTES:
        from PIL import Image

        data = _png_bytes(image.quantize(64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.FLOYDSTEINBERG))
    return data


def _png_bytes(image: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
