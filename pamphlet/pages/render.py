"""HTML → reading-order PDF with WeasyPrint (the only module that imports it).

Resources are fetched through a sandbox: files inside the project folder and
the bundled data, and ``data:`` URIs (also as the ``pamphlet-data:`` keys the
Markdown renderer packs them into); nothing else (no network, no ``../``
escape, no absolute paths elsewhere, no devices). One FontConfiguration per
process is shared by every document it renders.
"""

from __future__ import annotations

import errno
import logging
import mimetypes
import stat
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from pamphlet.errors import FetchError, RenderError
from pamphlet.pages import accessible, actualtext
from pamphlet.pages._weasy import (
    HTML,
    Document,
    FatalURLFetchingError,
    FontConfiguration,
    URLFetcher,
    URLFetcherResponse,
)

log = logging.getLogger(__name__)

MAX_RESOURCE_BYTES = 64 * 1024 * 1024
#: More pixels than any page needs (A3 at 600 dpi is 70 million): refused before decoding.
MAX_IMAGE_PIXELS = 80_000_000
RASTER_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff"}
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_FONT_CONFIG: FontConfiguration | None = None

#: What is done to every written PDF, in order: each step gets the PDF opened once with pikepdf and
#: whether it is tagged (see :func:`write_pdf`). Add a step here and it runs for every edition.
FINISH: tuple[accessible.FinishStep, ...] = (
    accessible.catalog,    # /Lang, /ViewerPreferences /DisplayDocTitle; no user's or machine's name in /Info
    accessible.xmp,        # XMP: dc:title, dc:language, producer and creator tool; no random ids, no dates
    accessible.structure,  # the structure tree: decorative pictures as artifacts, empty groups folded
)


def font_config() -> FontConfiguration:
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


class Refused(FatalURLFetchingError):
    """A fetch the sandbox refused; stops the rendering, carries a readable reason."""

    def __init__(self, url: str, reason: str, refused: bool = True, hint: str | None = None,
                 verb: str | None = None):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.refused, self.hint = url, reason, refused, hint
        self.verb = verb or ("refused to load" if refused else "cannot load")

    def error(self) -> FetchError:
        hint = self.hint or (None if self.refused else "check the file name; paths are relative to the project folder")
        return FetchError(f"{self.verb} {self.url}: {self.reason}", hint, resource=self.url)


def image_problem(data: bytes) -> str | None:
    """Why Pillow can't fully decode ``data``, or None (also None when it is no raster image at all).

    WeasyPrint sets ``ImageFile.LOAD_TRUNCATED_IMAGES`` for the whole process and
    embeds a truncated PNG with a black band; a print job must fail instead. Files
    Pillow does not recognise are left to WeasyPrint (an SVG, or junk it reports).
    """
    from PIL import Image, ImageFile, UnidentifiedImageError

    was = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(BytesIO(data)) as im:
            width, height = im.size
            if width * height > MAX_IMAGE_PIXELS:
                return f"{width}×{height} pixels is far more than a printed page needs"
            im.verify()
        with Image.open(BytesIO(data)) as im:
            im.load()
    except UnidentifiedImageError:
        return None
    except Image.DecompressionBombError:
        return "far more pixels than a printed page needs"
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds for damaged files
        return f"the file is damaged ({str(exc) or type(exc).__name__})"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = was
    return None


_CHECKED: dict[tuple[Path, int, int], str | None] = {}  # (file, size, mtime) → image_problem, per process


class SandboxFetcher(URLFetcher):
    """Allows files under ``roots`` and ``data:`` URIs; refuses everything else."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [r.resolve() for r in roots]
        self.fetched: list[Path] = []
        # Every refusal, also those WeasyPrint catches and only logs (an SVG's <image>, drawn
        # while writing the PDF): lay_out and write_pdf raise the first one afterwards.
        self.refusals: list[Refused] = []

    def _refuse(self, url: str, reason: str, refused: bool = True, hint: str | None = None,
                verb: str | None = None) -> Refused:
        exc = Refused(url, reason, refused, hint, verb)
        self.refusals.append(exc)
        return exc

    def _file(self, url: str) -> tuple[Path, Path]:
        """The path a ``file:`` URL names and its real location inside a root, or a Refused."""
        path = Path(unquote(urlsplit(url).path))
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise self._refuse(self._show(path), "file not found", refused=False) from None
        if not any(real.is_relative_to(root) for root in self.roots):
            raise self._refuse(self._show(path), "outside the project folder")
        return path, real

    def _check_svg(self, real: Path, shown: str, data: bytes) -> None:
        """Refuse an SVG whose ``<image>``/``<use>`` points outside the project, before WeasyPrint
        draws it (it fetches those only while writing the PDF and only logs a refusal)."""
        from xml.etree import ElementTree

        try:
            tree = ElementTree.fromstring(data)
        except (ElementTree.ParseError, ValueError):
            return  # WeasyPrint reports an unreadable SVG itself
        for element in tree.iter():
            for attr in ("href", _XLINK_HREF):
                ref = (element.get(attr) or "").strip()
                if not ref or ref.startswith("#"):
                    continue
                target = urljoin(real.as_uri(), ref)
                scheme = target.split(":", 1)[0].lower()
                if scheme == "data":
                    continue
                reason = None
                if scheme != "file":
                    reason = f"it links to {ref} ({scheme} URLs are not fetched)"
                else:
                    inner = Path(unquote(urlsplit(target).path)).resolve()
                    if not any(inner.is_relative_to(root) for root in self.roots):
                        reason = f"it links to {ref}, outside the project folder"
                if reason:
                    raise self._refuse(shown, reason, hint="SVG images may only use files inside the project folder; "
                                                           "embed the picture in the SVG or copy it into the project")

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "pamphlet-data":  # a picture the text embeds as a data: URI, packed (markdown.pack_images)
            from pamphlet.text.markdown import unpack

            uri = unpack(url)
            if uri == url:
                raise self._refuse(url, "no such picture in the text")
            url, scheme = uri, "data"
        if scheme == "data":
            response = super().fetch(url, headers)
            if response.headers.get_content_type() not in ("image/png", "image/jpeg", "image/gif", "image/webp"):
                return response
            data = response.read()
            problem = image_problem(data)
            if problem is not None:
                raise self._refuse(url[:40] + "…" if len(url) > 40 else url, problem, refused=False,
                                   verb="cannot use image", hint="the data: URI holds a damaged image; "
                                   "save the image in the project's images/ folder and refer to it by name")
            return URLFetcherResponse(response.url, data, response.headers)
        if scheme != "file":
            raise self._refuse(url, f"{scheme or 'this'} URLs are not fetched (no network while building)")
        path, real = self._file(url)
        st = real.stat()
        if not stat.S_ISREG(st.st_mode):
            raise self._refuse(self._show(path), "not a regular file")
        if st.st_size > MAX_RESOURCE_BYTES:
            raise self._refuse(self._show(path), f"larger than {MAX_RESOURCE_BYTES // 2**20} MB")
        data = real.read_bytes()
        mime = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
        if real.suffix.lower() in RASTER_SUFFIXES:
            key = (real, st.st_size, st.st_mtime_ns)
            if key not in _CHECKED:
                _CHECKED[key] = image_problem(data)
            problem = _CHECKED[key]
            if problem is not None:
                raise self._refuse(self._show(path), problem, refused=False, verb="cannot use image",
                                   hint="open the image in an editor and save it again as PNG or JPEG, "
                                        "or copy it again from where it came from")
        elif mime == "image/svg+xml":
            self._check_svg(real, self._show(path), data)
        self.fetched.append(real)
        return URLFetcherResponse(real.as_uri(), data, {"Content-Type": mime})

    def _show(self, path: Path) -> str:
        for root in self.roots[:1]:
            try:
                return str(path.relative_to(root))
            except ValueError:
                pass
        return str(path)


@dataclass
class LaidOut:
    """A laid-out document: its pages, ready to write or to measure."""

    document: Document
    fetched: list[Path]
    warnings: list[str] = field(default_factory=list)  # WeasyPrint's complaints about the HTML/CSS

    @property
    def pages(self) -> int:
        return len(self.document.pages)


class _Collect(logging.Handler):
    """WeasyPrint reports unusable images as log errors and goes on without them;
    for a print job that is a silent hole in the page, so we collect and raise.
    Its warnings (CSS it ignores, say) are kept for the edition's report."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.messages.append(record.getMessage())
        else:
            self.warnings.append(record.getMessage())


def lay_out(html: str, base_dir: Path, roots: list[Path]) -> LaidOut:
    """Lay out ``html`` (resources relative to ``base_dir``) without writing a PDF."""
    fetcher = SandboxFetcher([base_dir, *roots])
    collect = _Collect()
    wp_log = logging.getLogger("weasyprint")
    wp_log.addHandler(collect)
    try:
        doc = HTML(string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher).render(
            font_config=font_config())
        if fetcher.refusals:  # refused, but caught and only logged by WeasyPrint (an SVG's stylesheet)
            raise fetcher.refusals[0]
        for message in collect.messages:
            if message.startswith(("Failed to load image", "Failed to render SVG")):
                url = message.split("'")[1] if "'" in message else ""
                shown = fetcher._show(Path(unquote(urlsplit(url).path))) if url.startswith("file:") else url
                raise FetchError(f"cannot use image {shown}: not a readable image file",
                                 "save it as PNG, JPEG or SVG (and check the file is not damaged)", resource=shown)
    except Refused as exc:
        raise exc.error() from None
    except FatalURLFetchingError as exc:
        raise FetchError(f"could not load a resource: {exc}") from None
    except OSError as exc:
        raise os_error(exc, "laying out") from None
    except (ValueError, TypeError, AssertionError, RecursionError) as exc:
        raise RenderError(f"WeasyPrint failed: {type(exc).__name__}: {exc}") from exc
    finally:
        wp_log.removeHandler(collect)
    return LaidOut(doc, fetcher.fetched, list(dict.fromkeys(collect.warnings)))


def insert_blank_pages(layout: LaidOut, count: int, before_last: bool = True) -> LaidOut:
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
    return LaidOut(layout.document.copy(pages), layout.fetched, layout.warnings)


def write_pdf(layout: LaidOut, *, tags: bool = True) -> bytes:
    """The PDF bytes (no dates in it, so the same input gives the same bytes).

    A pipeline of steps: WeasyPrint writes the PDF — tagged for screen readers
    (PDF/UA-1 as far as WeasyPrint goes) unless ``tags`` is false, from the laid-out
    pages without their hidden boxes (:func:`pamphlet.pages.accessible.visible_only`)
    — then each of :data:`FINISH` works on it, opened once with pikepdf, and it is
    saved with a content-derived ``/ID``. A new finishing step is one more entry there.

    SVG images are drawn only now, and WeasyPrint logs (and skips) what goes wrong
    in them: a refused ``<image>`` or a broken SVG fails the edition instead.
    """
    document = accessible.visible_only(layout.document) if tags else layout.document
    pdf = _weasyprint_pdf(document, tags)
    return accessible.finish(pdf, FINISH, tagged=tags)


def _weasyprint_pdf(document: Document, tags: bool) -> bytes:
    """WeasyPrint's PDF of ``document``: PDF/UA-1 (tagged) or plain."""
    fetcher = getattr(document, "url_fetcher", None)
    refusals = fetcher.refusals if isinstance(fetcher, SandboxFetcher) else []
    before = len(refusals)
    collect = _Collect()
    wp_log = logging.getLogger("weasyprint")
    wp_log.addHandler(collect)
    try:
        options: dict[str, Any] = {"pdf_variant": "pdf/ua-1"} if tags else {}
        actualtext.install()  # each word of a complex script copies as written (its ActualText)
        pdf = document.write_pdf(pdf_identifier=False, **options)
        if len(refusals) > before:
            raise refusals[before]
        for message in collect.messages:
            if message.startswith(("Failed to load image", "Failed to render SVG")):
                raise FetchError(f"cannot draw an image: {message}",
                                 "save it as PNG, JPEG or SVG (and check the file is not damaged)")
        return pdf
    except Refused as exc:
        raise exc.error() from None
    except OSError as exc:
        raise os_error(exc, "writing the PDF") from None
    except (ValueError, TypeError, AssertionError) as exc:
        raise RenderError(f"WeasyPrint failed writing the PDF: {type(exc).__name__}: {exc}") from exc
    finally:
        wp_log.removeHandler(collect)


def os_error(exc: OSError, doing: str) -> RenderError:
    """An OSError inside WeasyPrint as one line: most often the temporary folder is full.

    WeasyPrint writes every font it loads to a temporary file for fontconfig; a
    nearly full ``$TMPDIR`` (or a file-size limit) gives ``File too large`` or
    ``No space left on device`` in the middle of a layout.
    """
    temp = tempfile.gettempdir()
    in_temp = str(exc.filename or "").startswith(temp)
    if in_temp or exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS):
        return RenderError(f"cannot write temporary files while {doing}: {exc.strerror or exc}",
                           f"free some space in {temp}, or set TMPDIR to a folder with room "
                           "(WeasyPrint writes fonts there while it works)")
    return RenderError(f"WeasyPrint failed while {doing}: {type(exc).__name__}: {exc}")
