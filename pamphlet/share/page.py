"""``index.html``: the pamphlet as one self-contained web page.

One file a phone opens from a messenger, a mail or a web folder: the same text as the PDFs (the
Markdown's headings, lists, tables and quotes as HTML), the event, the call to action, links to the PDFs
and to the page in the other languages, and the QR code inline as SVG. No script, no tracker, nothing
fetched: the pictures are inlined as ``data:`` URIs and the type is the reader's own (the edition's
families first, then the system's), which keeps the page at a few dozen KB.
"""

from __future__ import annotations

import base64
import io
import mimetypes
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from pamphlet.errors import ContentError
from pamphlet.text import markdown

#: A picture in the page is at most this wide (a phone's 480 CSS px at 2×), re-encoded.
PICTURE_WIDTH = 960
#: Pictures smaller than this are inlined as they are.
KEEP_BYTES = 60_000

_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')


def qr_svg(url: str, dark: str, label: str) -> Markup:
    """The QR code of ``url`` as inline SVG (never a Micro QR; error correction M or better), labelled for
    screen readers."""
    import segno

    try:
        code = segno.make_qr(url, error="m", boost_error=True)
    except segno.DataOverflowError:
        raise ContentError(f"qr: the link is too long for a QR code ({len(url)} characters)",
                           "use a shorter link (a URL shortener or your site's short path)") from None
    svg = code.svg_inline(dark=dark, light="#ffffff", border=4, omitsize=True, svgclass="qr-code")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(label)}" ', 1)
    return Markup(svg)


def qr_data_uri(url: str, dark: str) -> str:
    """The same QR code as an SVG ``data:`` URI, for the cards' templates."""
    import segno

    code = segno.make_qr(url, error="m", boost_error=True)
    return str(code.svg_data_uri(dark=dark, light=None, border=0, omitsize=True))


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def inline_pictures(html: str, root: Path) -> str:
    """Every ``<img src>`` of ``html`` as a ``data:`` URI: a picture the text embeds as it is, a file of the
    project (checked when the edition was prepared) read, and a large photo scaled to the page's width."""

    def swap(m: re.Match[str]) -> str:
        src = markdown.unpack(m.group(2).replace("&amp;", "&"))
        if src.startswith("data:"):
            return m.group(1) + src + m.group(3)
        return m.group(1) + picture_uri(root, src) + m.group(3)

    return _IMG_SRC.sub(swap, html)


def picture_uri(root: Path, src: str) -> str:
    """A project's picture file as a ``data:`` URI, a large raster scaled down and re-encoded."""
    from urllib.parse import unquote

    path = (root / unquote(src)).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        raise ContentError(f"{src}: no such picture in the project", "check the picture's path in the text")
    data = path.read_bytes()
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if mime in ("image/jpeg", "image/png", "image/webp") and len(data) > KEEP_BYTES:
        data, mime = _scaled(data, mime)
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _scaled(data: bytes, mime: str) -> tuple[bytes, str]:
    """A photo at most PICTURE_WIDTH wide, as JPEG (a PNG with transparency stays PNG)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        im: Image.Image = opened
        if im.width > PICTURE_WIDTH:
            im = im.resize((PICTURE_WIDTH, round(im.height * PICTURE_WIDTH / im.width)), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if im.mode in ("RGBA", "LA", "P") and mime == "image/png":
            im.save(out, "PNG", optimize=True)
            return out.getvalue(), "image/png"
        im.convert("RGB").save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return (out.getvalue(), "image/jpeg") if out.tell() < len(data) else (data, mime)


def render_page(context: dict[str, Any], project_templates: Path) -> str:
    from pamphlet.text import templates

    return templates.render("share/page.html", context, project_templates)
