"""HTML → reading-order PDF with WeasyPrint (the only module that imports it).

Resources are fetched through a sandbox: files inside the project folder and
the bundled data, and ``data:`` URIs; nothing else (no network, no ``../``
escape, no absolute paths elsewhere, no devices). One FontConfiguration per
process is shared by every document it renders.
"""

from __future__ import annotations

import logging
import mimetypes
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import hyphenation, native

# Before WeasyPrint is imported: its native libraries resolve without ~50 shell-outs (native.py),
# and Pyphen reads parsed dictionaries from the on-disk cache (hyphenation.py). Same output.
native.install()
hyphenation.install()

from weasyprint import HTML  # noqa: E402
from weasyprint.document import Document  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

from .errors import FetchError, RenderError  # noqa: E402

log = logging.getLogger(__name__)

MAX_RESOURCE_BYTES = 64 * 1024 * 1024
_FONT_CONFIG: FontConfiguration | None = None


def font_config() -> FontConfiguration:
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


class Refused(FatalURLFetchingError):
    """A fetch the sandbox refused; stops the rendering, carries a readable reason."""

    def __init__(self, url: str, reason: str, refused: bool = True):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.refused = url, reason, refused


class SandboxFetcher(URLFetcher):
    """Allows files under ``roots`` and ``data:`` URIs; refuses everything else."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [r.resolve() for r in roots]
        self.fetched: list[Path] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise Refused(url, f"{scheme or 'this'} URLs are not fetched (no network while building)")
        path = Path(unquote(urlsplit(url).path))
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise Refused(self._show(path), "file not found", refused=False) from None
        if not any(real.is_relative_to(root) for root in self.roots):
            raise Refused(self._show(path), "outside the project folder")
        st = real.stat()
        if not stat.S_ISREG(st.st_mode):
            raise Refused(self._show(path), "not a regular file")
        if st.st_size > MAX_RESOURCE_BYTES:
            raise Refused(self._show(path), f"larger than {MAX_RESOURCE_BYTES // 2**20} MB")
        self.fetched.append(real)
        mime = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
        return URLFetcherResponse(real.as_uri(), real.read_bytes(), {"Content-Type": mime})

    def _show(self, path: Path) -> str:
        for root in self.roots[:1]:
            try:
                return str(path.relative_to(root))
            except ValueError:
                pass
        return str(path)


@dataclass
class Layout:
    """A laid-out document: its pages, ready to write or to measure."""

    document: Document
    fetched: list[Path]

    @property
    def pages(self) -> int:
        return len(self.document.pages)


class _Collect(logging.Handler):
    """WeasyPrint reports unusable images as log errors and goes on without them;
    for a print job that is a silent hole in the page, so we collect and raise."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def lay_out(html: str, base_dir: Path, roots: list[Path]) -> Layout:
    """Lay out ``html`` (resources relative to ``base_dir``) without writing a PDF."""
    fetcher = SandboxFetcher([base_dir, *roots])
    collect = _Collect()
    wp_log = logging.getLogger("weasyprint")
    wp_log.addHandler(collect)
    try:
        doc = HTML(string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher).render(
            font_config=font_config())
        for message in collect.messages:
            if message.startswith(("Failed to load image", "Failed to render SVG")):
                url = message.split("'")[1] if "'" in message else ""
                shown = fetcher._show(Path(unquote(urlsplit(url).path))) if url.startswith("file:") else url
                raise FetchError(f"cannot use image {shown}: not a readable image file",
                                 "save it as PNG, JPEG or SVG (and check the file is not damaged)", resource=shown)
    except Refused as exc:
        if exc.refused:
            raise FetchError(f"refused to load {exc.url}: {exc.reason}", resource=exc.url) from None
        raise FetchError(f"cannot load {exc.url}: {exc.reason}", "check the file name; paths are relative to the project folder",
                         resource=exc.url) from None
    except FatalURLFetchingError as exc:
        raise FetchError(f"could not load a resource: {exc}") from None
    except (ValueError, TypeError, AssertionError, RecursionError) as exc:
        raise RenderError(f"WeasyPrint failed: {type(exc).__name__}: {exc}") from exc
    finally:
        wp_log.removeHandler(collect)
    return Layout(doc, fetcher.fetched)


def insert_blank_pages(layout: Layout, count: int, before_last: bool = True) -> Layout:
    """Add ``count`` blank pages (before the back cover) sized like the first page."""
    if count <= 0:
        return layout
    first = layout.document.pages[0]
    w, h = first.width * 25.4 / 96, first.height * 25.4 / 96
    blank_html = f"<style>@page {{ size: {w:.3f}mm {h:.3f}mm; margin: 0 }}</style><div></div>"
    blank = HTML(string=blank_html).render(font_config=font_config()).pages[0]
    pages = list(layout.document.pages)
    at = len(pages) - 1 if before_last else len(pages)
    pages[at:at] = [blank] * count
    return Layout(layout.document.copy(pages), layout.fetched)


def _content_bottom(page) -> float:
    """How far down the page's content reaches, as a fraction of its height."""
    box = page._page_box
    bottom = 0.0
    stack = list(box.children)
    while stack:
        b = stack.pop()
        if getattr(b, "children", None):
            stack.extend(b.children)
        elif getattr(b, "height", None) is not None and hasattr(b, "position_y"):
            bottom = max(bottom, b.position_y + (b.height or 0))
    return min(1.0, bottom / page.height) if page.height else 1.0


def overflow_fraction(layout: Layout, limit: int) -> float:
    """Roughly which share of the text lies beyond page ``limit``."""
    pages = layout.document.pages
    if len(pages) <= limit:
        return 0.0
    fills = [1.0] * (len(pages) - 1) + [_content_bottom(pages[-1])]
    total = sum(fills)
    return sum(fills[limit:]) / total if total else 0.0


@dataclass(frozen=True)
class PlacedImage:
    src: str
    page: int
    dpi: float  # the lower of horizontal and vertical resolution at its placed size


def placed_images(layout: Layout) -> list[PlacedImage]:
    """Raster images as laid out, with their effective print resolution."""
    from weasyprint.formatting_structure.boxes import ReplacedBox

    found = []
    for number, page in enumerate(layout.document.pages, start=1):
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            stack.extend(getattr(box, "children", []) or [])
            if isinstance(box, ReplacedBox) and hasattr(box.replacement, "mode") and box.width and box.height:
                dpi_x = box.replacement.width / (box.width / 96)
                dpi_y = box.replacement.height / (box.height / 96)
                src = box.element.get("src", "?") if box.element is not None else "?"
                found.append(PlacedImage(src, number, min(dpi_x, dpi_y)))
    return found


def write_pdf(layout: Layout) -> bytes:
    """The PDF bytes (no dates in it, so the same input gives the same bytes)."""
    try:
        return layout.document.write_pdf(pdf_identifier=False)
    except Refused as exc:
        raise FetchError(f"refused to load {exc.url}: {exc.reason}", resource=exc.url) from None
    except (ValueError, TypeError, AssertionError) as exc:
        raise RenderError(f"WeasyPrint failed writing the PDF: {type(exc).__name__}: {exc}") from exc
