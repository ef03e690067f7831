"""`pamphlet watch` in a real subprocess: rebuild on save, errors keep it going, Ctrl-C; the live page.

The live page is tested twice: over plain HTTP (the state, the pictures, the
server-sent events, the loopback guard) and in a real headless Chromium driven
over the DevTools protocol with a tiny standard-library WebSocket client: load
the page, edit the text, and the page image changes without a reload.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from pamphlet.cli import _serve_port
from pamphlet.commands.watch import LiveServer, LiveState
from pamphlet.errors import UsageError

from .conftest import FIXTURES, missing_service, page_texts, run_cli

TIMEOUT = 20.0  # generous for a loaded CI machine; a rebuild takes about a second


class Watch:
    """``pamphlet watch`` in a subprocess, its output lines collected as they come."""

    def __init__(self, cwd: Path, *args: str):
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
        self.proc = subprocess.Popen([sys.executable, "-m", "pamphlet", "watch", *args], cwd=cwd, env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, encoding="utf-8")
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        for name, stream in (("out", self.proc.stdout), ("err", self.proc.stderr)):
            threading.Thread(target=self._pump, args=(name, stream), daemon=True).start()

    def _pump(self, name: str, stream: Any) -> None:
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))

    def expect(self, pattern: str, stream: str = "out", timeout: float = TIMEOUT) -> re.Match[str]:
        """The next line on ``stream`` matching ``pattern`` (earlier lines are kept in ``seen``)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                name, line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {stream} line matching {pattern!r} in {timeout} s; saw {self.seen}") from None
            self.seen.append((name, line))
            if name == stream and (m := re.search(pattern, line)):
                return m

    def stop(self) -> int:
        """Ctrl-C, as a user would; the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise

    def drain(self) -> list[tuple[str, str]]:
        time.sleep(0.2)
        while True:
            try:
                self.seen.append(self.lines.get_nowait())
            except queue.Empty:
                return self.seen


def wait_until(check: Callable[[], Any], timeout: float = TIMEOUT, what: str = "", watch: Watch | None = None) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    said = f"; pamphlet watch said {watch.drain()}" if watch is not None else ""
    raise AssertionError(f"timed out after {timeout} s waiting for {what or check}{said}")


def stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


BROKEN = "---\ntitle: [unclosed\n---\n\nBroken.\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The mini fixture in English and French (two editions, so selective rebuilds show)."""
    proj = tmp_path / "proj"
    shutil.copytree(FIXTURES / "mini", proj)
    en = (proj / "en.md").read_text(encoding="utf-8")
    (proj / "fr.md").write_text(en.replace("title: Mini Test Pamphlet", "title: Mini pamphlet en français"),
                                encoding="utf-8")
    return proj


def test_watch_rebuilds_what_changed_reports_errors_and_recovers(project: Path, tmp_path: Path):
    out = project / "dist"  # inside the watched folder: our own writes must not set off rebuilds
    watch = Watch(tmp_path, str(project), "-o", str(out))
    try:
        watch.expect(r"rebuilt (en|fr)/leaflet, (en|fr)/leaflet in \d+\.\d\d s")
        en_pdf, fr_pdf = out / "mini-en-leaflet.pdf", out / "mini-fr-leaflet.pdf"
        fr_before = stamp(fr_pdf)

        # an edit: the English PDF is rewritten within seconds; French is untouched
        started = time.monotonic()
        before = stamp(en_pdf)
        en = project / "en.md"
        en.write_text(en.read_text(encoding="utf-8").replace("First sentence", "Edited sentence"), encoding="utf-8")
        wait_until(lambda: stamp(en_pdf) != before, what="the English PDF to be rewritten", watch=watch)
        elapsed = time.monotonic() - started
        assert "Edited sentence" in "".join(page_texts(en_pdf))
        m = watch.expect(r"rebuilt (.+) in (\d+\.\d\d) s")
        assert m.group(1) == "en/leaflet" and elapsed < 10, (m.group(0), elapsed)
        assert stamp(fr_pdf) == fr_before

        # a broken edit: error and hint, and the watcher keeps going
        good = en.read_text(encoding="utf-8")
        en.write_text(BROKEN, encoding="utf-8")
        watch.expect(r"^error: .*en\.md:2: malformed YAML", stream="err")
        watch.expect(r"^hint: ", stream="err")
        assert watch.proc.poll() is None
        assert "Edited sentence" in "".join(page_texts(en_pdf))  # the last good PDF stays

        # fixed: rebuilt again
        before = stamp(en_pdf)
        en.write_text(good.replace("Edited sentence", "Recovered sentence"), encoding="utf-8")
        watch.expect(r"rebuilt en/leaflet in")
        assert stamp(en_pdf) != before and "Recovered sentence" in "".join(page_texts(en_pdf))
    finally:
        code = watch.stop()
    lines = watch.drain()
    assert code == 0, lines
    assert not any("Traceback" in line for _, line in lines)
    assert ("err", "stopped") in lines
    # nothing half-written was left behind
    assert not list(out.glob(".*.tmp"))


def test_watch_of_a_folder_that_is_not_a_project_fails_at_once(tmp_path: Path):
    result = run_cli("watch", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no pamphlet project here")
    assert "hint: start one with `pamphlet new my-action`" in result.stderr


def test_watch_refuses_options_that_name_nothing_before_watching(project: Path):
    result = run_cli("watch", project, "-l", "bookelt")
    assert result.exit_code == 1 and "error: unknown layout 'bookelt' (did you mean 'booklet'?)" in result.stderr
    result = run_cli("watch", project, "-L", "xx")
    assert result.exit_code == 1 and "error: no language 'xx' in proj/ (it has: en, fr)" in result.stderr


# --- the live page over plain HTTP ---------------------------------------------------


def serve(cwd: Path, project: Path, *args: str) -> tuple[Watch, str]:
    watch = Watch(cwd, str(project), "-o", str(cwd / "dist"), "--serve", "0", *args)
    url = watch.expect(r"Live page: (http://127\.0\.0\.1:\d+/)").group(1)
    return watch, url


def get(url: str, host: str | None = None) -> tuple[int, str, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                     headers={"Host": host} if host else {})
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type", ""), resp.read()
    finally:
        conn.close()


def state(url: str) -> dict[str, Any]:
    return json.loads(get(url + "state.json")[2])


class Events:
    """A reader of the live page's server-sent events."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT)
        self.sock.sendall(f"GET /events HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
        self.buf = b""

    def next(self) -> tuple[str, str]:
        while b"\n\n" not in self.buf:
            chunk = self.sock.recv(4096)
            assert chunk, "the event stream ended"
            self.buf += chunk
        block, self.buf = self.buf.split(b"\n\n", 1)
        fields = dict(line.split(": ", 1) for line in block.decode().splitlines()
                      if ": " in line and not line.startswith((":", "HTTP/")) and line.split(": ")[0] in ("event", "data"))
        if "event" not in fields:
            return self.next()  # the response head or a keep-alive comment
        return fields["event"], fields["data"]

    def until(self, event: str) -> str:
        while True:
            name, data = self.next()
            if name == event:
                return data

    def close(self) -> None:
        self.sock.close()


def test_live_page_serves_state_pictures_and_events(project: Path, tmp_path: Path):
    watch, url = serve(tmp_path, project, "-L", "en")
    try:
        watch.expect(r"rebuilt en/leaflet in")
        status, kind, body = get(url)
        assert status == 200 and kind.startswith("text/html") and b"EventSource" in body
        s = wait_until(lambda: (st := state(url))["editions"] and st, what="the first state")
        [ed] = s["editions"]
        assert ed["edition"] == "en/leaflet" and s["errors"] == []
        assert len(ed["pages"]) >= 1 and len(ed["sheets"]) == len(ed["pages"])
        status, kind, png = get(url.rstrip("/") + ed["pages"][0]["src"])
        assert status == 200 and kind == "image/png" and png.startswith(b"\x89PNG")
        # a page elsewhere reaching us through a DNS name for 127.0.0.1 is refused
        assert get(url, host="attacker.example:80")[0] == 403

        events = Events(url)
        first = int(events.until("update"))
        (project / "en.md").write_text(BROKEN, encoding="utf-8")
        assert int(events.until("update")) > first
        s = state(url)
        assert s["errors"] and "en.md:2" in s["errors"][0]["error"] and s["errors"][0]["hint"]
        events.close()
    finally:
        assert watch.stop() == 0


def test_serve_needs_a_free_port():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(UsageError, match=rf"--serve {port}: cannot listen on 127\.0\.0\.1:{port}"):
            LiveServer(LiveState(), port)


def test_serve_port_spellings():
    assert _serve_port(["proj", "--serve"]) == ["proj", "--serve"]
    assert _serve_port(["--serve", "8001", "proj"]) == ["--serve", "--port", "8001", "proj"]
    assert _serve_port(["--serve=0", "-L", "en"]) == ["--serve", "--port", "0", "-L", "en"]
    assert _serve_port(["--serve", "proj"]) == ["--serve", "proj"]


# --- the live page in a real browser ---------------------------------------------------


class DevTools:
    """The smallest DevTools-protocol client: one page target over a standard-library WebSocket."""

    def __init__(self, ws_url: str):
        parts = urlsplit(ws_url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert head.startswith(b"HTTP/1.1 101"), head
        self.next_id = 0

    def _send(self, payload: bytes) -> None:
        mask = os.urandom(4)
        n = len(payload)
        header = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                                  bytes([0x80 | 126]) + struct.pack(">H", n) if n < 1 << 16 else
                                  bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _exactly(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            assert chunk, "DevTools closed the connection"
            data += chunk
        return data

    def _message(self) -> bytes:
        message = b""
        while True:
            b0, b1 = self._exactly(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exactly(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exactly(8))[0]
            data = self._exactly(n)
            if b0 & 0x0F in (0x9, 0xA):  # ping/pong: not part of a message
                continue
            message += data
            if b0 & 0x80:
                return message

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}).encode())
        while True:
            reply = json.loads(self._message())
            if reply.get("id") == self.next_id:
                assert "error" not in reply, reply
                return reply["result"]

    def js(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")


def chromium() -> str | None:
    return next((p for name in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(name))), None)


# What the page shows: the first page image's address, a digest of its pixels, the state version.
SHOWN = """(async () => {
  const img = document.querySelector('#editions .pages img');
  if (!img || !img.complete || !img.naturalWidth) return null;
  const c = document.createElement('canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let h = 0; for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) >>> 0;
  return {src: img.src, digest: h, version: Number(document.body.dataset.version),
          failed: document.body.classList.contains('failed'), errors: document.getElementById('errors').innerText,
          marker: window.__marker || null};
})()"""


@contextlib.contextmanager
def headless_chromium(profile: Path, log_path: Path) -> Iterator[int]:
    """Debian's Chromium, headless, with the DevTools protocol on a free port (yielded); stopped after."""
    exe = chromium()
    if exe is None:
        missing_service("chromium is not installed (`make test-deps` installs Debian's chromium when run as root)")
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                             "--disable-component-update", "--disable-sync", "--no-first-run",
                             "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--remote-debugging-port=0",
                             "--window-size=1280,900", "about:blank"],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        port_file = profile / "DevToolsActivePort"
        wait_until(lambda: port_file.is_file() and port_file.read_text().count("\n") >= 1, what="Chromium to start")
        yield int(port_file.read_text().split()[0])
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def browser(tmp_path: Path):
    """Debian's Chromium, headless, with the DevTools protocol on a free port."""
    with headless_chromium(tmp_path / "chromium-profile", tmp_path / "chromium.log") as port:
        yield port


def test_live_page_in_chromium_updates_itself(browser: int, project: Path, tmp_path: Path):
    screenshot = os.environ.get("PAMPHLET_SCREENSHOT")  # how docs/watch-serve.png is made: a starter project
    if screenshot:
        from pamphlet.commands.new import create

        project = tmp_path / "our-action"
        create(project, ["en"], ["leaflet"])
    watch, url = serve(tmp_path, project, "-L", "en")
    try:
        watch.expect(r"rebuilt en/leaflet in", timeout=3 * TIMEOUT)
        req = urllib.request.Request(f"http://127.0.0.1:{browser}/json/new?{url}", method="PUT")
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            target = json.loads(resp.read())
        page = DevTools(target["webSocketDebuggerUrl"])
        first = wait_until(lambda: page.js(SHOWN), what="the page image to load")
        assert not first["failed"] and re.search(r"/img/[a-z-]+-en-leaflet/page-01\.png\?v=\d+$", first["src"])
        page.js("window.__marker = 'same page'")

        # edit the text: the shown page image changes, without a reload
        en = project / "en.md"
        good = en.read_text(encoding="utf-8")
        en.write_text(re.sub(r"^title: .*$", "title: Everyone to the Square Tonight", good, count=1, flags=re.M),
                      encoding="utf-8")
        changed = wait_until(lambda: (s := page.js(SHOWN)) and s["digest"] != first["digest"] and s,
                             what="the page image to change")
        assert changed["version"] > first["version"] and changed["src"] != first["src"]
        assert changed["marker"] == "same page" and not changed["failed"]

        # a broken edit: the page shows the error instead
        en.write_text(BROKEN, encoding="utf-8")
        broken = wait_until(lambda: (s := page.js(SHOWN)) and s["failed"] and s, what="the error to show")
        assert "en.md:2" in broken["errors"] and "malformed YAML" in broken["errors"] and "hint:" in broken["errors"]
        assert page.js("getComputedStyle(document.getElementById('editions')).display") == "none"

        # fixed: the pages come back
        en.write_text(good, encoding="utf-8")
        back = wait_until(lambda: (s := page.js(SHOWN)) and not s["failed"] and s["version"] > broken["version"] and s,
                          what="the pages to come back")
        assert back["marker"] == "same page"
        shot = base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"])
        assert shot.startswith(b"\x89PNG")
        (tmp_path / "live-page.png").write_bytes(shot)
        if screenshot:
            Path(screenshot).write_bytes(shot)
    finally:
        assert watch.stop() == 0
