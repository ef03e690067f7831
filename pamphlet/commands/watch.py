"""`pamphlet watch`: rebuild on save in one warm process, and an optional live page.

The loop between "edit a word" and "see the sheet" is the product. A cold
``pamphlet build`` pays for Python, WeasyPrint's import and font discovery
every time; ``watch`` pays once: it imports WeasyPrint and sets up its font
configuration at start, then builds in-process (``jobs=1``) on every change.
The build manifest decides what to rebuild, so saving ``en.md`` rebuilds the
English editions only; outputs are written atomically, so PDF viewers reload
a whole file.

``--serve`` adds a page on 127.0.0.1 (standard-library HTTP server in a
thread) showing each edition's pages and sheets, links to its PDFs and the
warnings `check` gives about the texts; after every rebuild the page
is told over server-sent events and fetches the new state, or shows the error
instead. Pictures are rendered in the build loop's thread (pdfium is not
thread-safe); the server threads only hand out bytes.

Only the CLI prints: the loop reports each rebuild to a callback.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

from pamphlet.errors import PamphletError, UsageError

if TYPE_CHECKING:
    from pamphlet.commands.check import Finding
    from pamphlet.commands.preview import EditionPictures
    from pamphlet.pipeline import BuildOptions, EditionResult

log = logging.getLogger(__name__)

DEFAULT_PORT = 8000
_PAGE = Path(__file__).resolve().parent / "watch.html"
_KEEPALIVE = 15.0  # seconds between SSE comments, so proxies and browsers keep the stream open


@dataclass
class Round:
    """One rebuild: what set it off, what came of it, how long it took."""

    when: float                        # time.time() at the start
    seconds: float
    changed: list[Path] = field(default_factory=list)
    results: list[EditionResult] = field(default_factory=list)
    error: PamphletError | None = None  # the project itself could not be loaded
    warnings: dict[str, list[Finding]] = field(default_factory=dict)  # per language: what `check` warns of its text

    @property
    def rebuilt(self) -> list[EditionResult]:
        return [r for r in self.results if r.status == "built"]

    @property
    def failed(self) -> list[EditionResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failed


class Watcher:
    """The warm build loop for one project folder."""

    def __init__(self, project_dir: Path | None, opts: BuildOptions, *, live: LiveState | None = None):
        from pamphlet.source.project import find_project

        self.root, _ = find_project(project_dir)
        self.opts = replace(opts, jobs=1)  # in-process: the warm WeasyPrint is this process's
        self.live = live
        self._pictures: dict[str, tuple[tuple[int, ...], EditionPictures]] = {}
        self._check_options()

    def _check_options(self) -> None:
        """``-l``/``-L`` that name nothing are mistakes to fix before watching, not on every save.

        A project that does not load yet (a typo in its YAML) is fine: the first
        round reports it, and the next save may fix it.
        """
        from pamphlet.editions import batch

        try:
            project = batch.load(self.root)
        except PamphletError:
            return
        batch.editions(project, self.opts)

    def warm_up(self) -> None:
        """Import WeasyPrint and build its font configuration now, not on the first save."""
        from pamphlet.pages import render

        render.font_config()

    # --- one round ---------------------------------------------------------------

    def rebuild(self, changed: Iterable[Path] = ()) -> Round:
        """Load the project afresh and build what is out of date; never raises for the user's input."""
        from pamphlet.editions import batch

        started, clock = time.time(), time.perf_counter()
        rnd = Round(started, 0.0, sorted(changed))
        if self.live is not None:
            self.live.building()
        try:
            from pamphlet.commands.check import language_findings

            project = batch.load(self.root)
            rnd.warnings = language_findings(project, batch.select_langs(project, self.opts.langs))
            rnd.results = batch.build(project, self.opts)
        except PamphletError as exc:
            rnd.error = exc
        rnd.seconds = time.perf_counter() - clock
        if self.live is not None:
            self._publish(rnd, self.root.name)
        return rnd

    def _publish(self, rnd: Round, name: str) -> None:
        """Render pictures of editions whose PDFs changed, then tell the live page."""
        from pamphlet.commands.preview import render_edition

        assert self.live is not None
        errors = []
        if rnd.error is not None:
            errors.append({"edition": "", "error": "\n".join(rnd.error.lines()), "hint": rnd.error.hint})
        shown = []
        for r in rnd.results:
            if r.status == "failed" or not r.path:
                errors.append({"edition": r.name, "error": str(r.error), "hint": str(r.hint)})
                continue
            stamp = _stamp(r)
            cached = self._pictures.get(r.name)
            if cached is None or cached[0] != stamp:
                try:
                    cached = (stamp, render_edition(r, page_dpi=LIVE_PAGE_DPI, sheet_dpi=LIVE_SHEET_DPI,
                                                    contact=False, fast=True))
                except PamphletError as exc:
                    errors.append({"edition": r.name, "error": str(exc), "hint": exc.hint})
                    continue
                self._pictures[r.name] = cached
            # Its PDFs: the reading one, the printer's, and the files beside them (a poster's tiles and proof copy).
            shown.append((cached[1], [Path(p) for p in dict.fromkeys((r.path, r.print_path, *r.companions)) if p]))
        warnings = [{"message": f.message, "hint": f.hint or ""} for found in rnd.warnings.values() for f in found]
        self.live.publish(name, time.strftime("%H:%M:%S", time.localtime(rnd.when)),
                          shown if rnd.error is None else self.live.last_shown(), errors, warnings)

    # --- the loop ----------------------------------------------------------------

    def ignore_paths(self) -> list[Path]:
        """Where our own writes land: the output folder, previews, the manifest."""
        paths = [self.opts.out.resolve(), self.root / "preview"]
        return [p for p in paths if p.is_relative_to(self.root)]

    def run(self, on_round: Callable[[Round], None], stop: threading.Event | None = None) -> None:
        """Build once, then again after every change under the project folder, until ``stop`` or Ctrl-C."""
        import watchfiles

        watch_filter = watchfiles.DefaultFilter(ignore_paths=[str(p) for p in self.ignore_paths()])

        def wanted(change: watchfiles.Change, path: str) -> bool:
            name = Path(path).name
            return watch_filter(change, path) and not name.startswith(".")

        # The first build runs once the watcher is live (its first, empty, yield after a
        # short timeout), so a save during that build is seen and rebuilt next.
        first = True
        for changes in watchfiles.watch(self.root, watch_filter=wanted, stop_event=stop, step=30,
                                        rust_timeout=200, yield_on_timeout=True, raise_interrupt=True):
            if first or changes:
                on_round(self.rebuild(Path(p) for _, p in changes))
                first = False


def _stamp(result: EditionResult) -> tuple[int, ...]:
    """What identifies one build of an edition's files (mtime and inode change on every atomic write)."""
    out = []
    for p in (result.path, result.print_path):
        if p:
            st = Path(p).stat()
            out += [st.st_mtime_ns, st.st_ino, st.st_size]
    return tuple(out)


# --- the live page -----------------------------------------------------------------

LIVE_PAGE_DPI = 96
LIVE_SHEET_DPI = 110


class LiveState:
    """What the live page shows, shared between the build loop (writer) and the server threads (readers)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.version = 0
        self.closed = False
        self._busy = False
        self._project = ""
        self._time = ""
        self._shown: list[tuple[EditionPictures, list[Path]]] = []
        self._errors: list[dict[str, str]] = []
        self._warnings: list[dict[str, str]] = []
        self._files: dict[str, Path] = {}
        self._images: dict[str, bytes] = {}
        self._image_version: dict[str, int] = {}

    def building(self) -> None:
        with self._cond:
            self._busy = True
            self._cond.notify_all()

    def last_shown(self) -> list[tuple[EditionPictures, list[Path]]]:
        with self._cond:
            return list(self._shown)

    def publish(self, project: str, when: str, shown: list[tuple[EditionPictures, list[Path]]],
                errors: list[dict[str, str]], warnings: list[dict[str, str]] | None = None) -> None:
        """``shown``: each edition's pictures and its PDFs (the reading one, the printer sheets)."""
        with self._cond:
            self.version += 1
            images: dict[str, bytes] = {}
            files: dict[str, Path] = {}
            for pics, pdfs in shown:
                for pic in (*pics.pages, *pics.sheets):
                    key = f"{pics.stem}/{pic.name}"
                    images[key] = pic.png
                    if self._images.get(key) != pic.png:
                        self._image_version[key] = self.version
                for pdf in pdfs:
                    files[f"{pics.stem}/{pdf.name}"] = pdf
            self._images, self._files = images, files
            self._project, self._time, self._shown, self._errors = project, when, shown, errors
            self._warnings = list(warnings or [])
            self._busy = False
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def wait(self, seen: int, busy_seen: bool, timeout: float) -> tuple[int, bool]:
        """Block until the version or the busy flag differs from what a client saw, or ``timeout``."""
        with self._cond:
            self._cond.wait_for(lambda: self.closed or self.version != seen or self._busy != busy_seen, timeout)
            return self.version, self._busy

    def image(self, key: str) -> bytes | None:
        with self._cond:
            return self._images.get(key)

    def pdf(self, key: str) -> Path | None:
        """One of the PDFs on the page (``stem/name.pdf``): only those, never any other path."""
        with self._cond:
            return self._files.get(key)

    def snapshot(self) -> dict[str, Any]:
        with self._cond:
            def pictures(stem: str, items: Iterable[Any]) -> list[dict[str, Any]]:
                return [{"src": f"/img/{stem}/{p.name}?v={self._image_version.get(f'{stem}/{p.name}', 0)}",
                         "label": p.label, "width": p.width, "height": p.height} for p in items]
            def files(stem: str, pdfs: list[Path]) -> list[dict[str, str]]:
                return [{"name": p.name, "href": f"/pdf/{quote(stem)}/{quote(p.name)}"} for p in pdfs]
            return {
                "version": self.version, "project": self._project, "time": self._time, "errors": self._errors,
                "warnings": self._warnings,
                "editions": [{"edition": pics.edition, "stem": pics.stem, "pdf": pdfs[0].name if pdfs else "",
                              "files": files(pics.stem, pdfs),
                              "pages": pictures(pics.stem, pics.pages), "sheets": pictures(pics.stem, pics.sheets)}
                             for pics, pdfs in self._shown],
            }


class LiveServer:
    """A loopback-only HTTP server for the live page, running in a daemon thread."""

    def __init__(self, state: LiveState, port: int = DEFAULT_PORT, host: str = "127.0.0.1"):
        self.state = state
        handler = type("Handler", (_Handler,), {"state": state})
        try:
            self.httpd = ThreadingHTTPServer((host, port), handler)
        except OSError as exc:
            raise UsageError(f"--serve {port}: cannot listen on {host}:{port} ({exc.strerror})",
                             f"pick another port, e.g. --serve {port + 1 if port else DEFAULT_PORT}, "
                             "or --serve 0 for any free one") from None
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self.url = f"http://{host}:{self.port}/"
        handler.allowed_hosts = allowed_hosts(host, self.port)  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="pamphlet-live", daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.state.close()
        self.httpd.shutdown()
        self.httpd.server_close()


def allowed_hosts(host: str, port: int) -> set[str]:
    """The ``Host`` headers a request to the live page may carry (lower case, no trailing dot): this
    address or ``localhost``, with the port, and without it on port 80, where browsers leave it out."""
    names = {host.lower(), "localhost"}
    return {f"{name}:{port}" for name in names} | (names if port == 80 else set())


class _Handler(BaseHTTPRequestHandler):
    state: LiveState
    allowed_hosts: set[str] = set()
    server_version = "pamphlet-watch"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.debug("live page: " + format, *args)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        # A page from elsewhere must not read ours through a DNS name that points at 127.0.0.1.
        if self.headers.get("Host", "").strip().lower().rstrip(".") not in self.allowed_hosts:
            self._send(403, "text/plain; charset=utf-8", b"forbidden\n")
            return
        path = unquote(urlsplit(self.path).path)
        if path in ("/", "/index.html"):
            self._send(200, "text/html; charset=utf-8", _PAGE.read_bytes())
        elif path == "/state.json":
            self._send(200, "application/json", json.dumps(self.state.snapshot(), ensure_ascii=False).encode())
        elif path == "/events":
            self._events()
        elif path.startswith("/img/") and (data := self.state.image(path[len("/img/"):])) is not None:
            self._send(200, "image/png", data, cache="max-age=3600")
        elif path.startswith("/pdf/") and (pdf := self.state.pdf(path[len("/pdf/"):])) is not None:
            try:
                data = pdf.read_bytes()
            except OSError:
                self._send(404, "text/plain; charset=utf-8", b"not found\n")
                return
            self._send(200, "application/pdf", data,
                       disposition=f"inline; filename*=UTF-8''{quote(pdf.name)}")
        else:
            self._send(404, "text/plain; charset=utf-8", b"not found\n")

    def _send(self, code: int, kind: str, body: bytes, cache: str = "no-store", disposition: str = "") -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        if disposition:
            self.send_header("Content-Disposition", disposition)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _events(self) -> None:
        """Server-sent events: ``update`` after each rebuild, ``building`` while one runs."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen, busy = -1, False
        try:
            while not self.state.closed:
                version, now_busy = self.state.wait(seen, busy, _KEEPALIVE)
                if self.state.closed:
                    break
                if version != seen:
                    self.wfile.write(f"event: update\ndata: {version}\n\n".encode())
                elif now_busy and not busy:
                    self.wfile.write(b"event: building\ndata: {}\n\n")
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
                seen, busy = version, now_busy
        except (BrokenPipeError, ConnectionResetError):
            pass
