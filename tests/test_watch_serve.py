"""`pamphlet watch`: the texts' warnings each round, and the live page's PDF links and Host check.

The warnings `check` gives about a text (a translation without `place:`, a box never closed) are said
in the first round, again when that language is rebuilt or a warning is new, and shown on the live
page; the page links each edition's PDFs; its guard against other sites accepts whatever port was
chosen, port 80 too (where browsers leave the port out of ``Host``).
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from pamphlet.commands.watch import LiveServer, LiveState, allowed_hosts
from pamphlet.errors import UsageError

from .conftest import FIXTURES

TIMEOUT = 30.0
MINI_EN = (FIXTURES / "mini" / "en.md").read_text(encoding="utf-8")
NO_PLACE = MINI_EN.replace("place: Town Hall\n", "").replace("title: Mini Test Pamphlet", "title: Mini en français")
PLACE = "fr.md: place: missing (present in en.md); translate `place` from en.md into the front matter of fr.md"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The mini fixture with a French text that lacks `place:`."""
    proj = tmp_path / "proj"
    shutil.copytree(FIXTURES / "mini", proj)
    (proj / "fr.md").write_text(NO_PLACE, encoding="utf-8")
    return proj


def get(port: int, path: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request("GET", path, headers={"Host": host} if host is not None else {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


# --- the warnings, round by round ------------------------------------------------------------------------


def test_each_round_carries_the_texts_warnings_and_says_them_when_they_matter(project: Path, tmp_path: Path, capsys):
    from pamphlet.cli import _RoundReporter
    from pamphlet.commands.watch import Watcher
    from pamphlet.pipeline import BuildOptions

    watcher = Watcher(project, BuildOptions(layouts=("leaflet",), langs=("fr",), out=tmp_path / "out"))
    report = _RoundReporter()
    first = watcher.rebuild()
    assert [f.message for f in first.warnings["fr"]] == ["fr.md: place: missing (present in en.md)"]
    report(first)
    assert capsys.readouterr().err.splitlines() == [f"warning: {PLACE}"]

    report(watcher.rebuild([project / "images"]))  # nothing rebuilt, the same warning: not said again
    assert capsys.readouterr().err == ""

    (project / "fr.md").write_text(NO_PLACE + "\nOne more paragraph.\n", encoding="utf-8")
    report(watcher.rebuild([project / "fr.md"]))  # French rebuilt: its warnings again, and the new one
    assert capsys.readouterr().err.splitlines() == [
        f"warning: {PLACE}",
        "warning: fr.md: 7 paragraphs, en.md has 6; check for a paragraph left out or merged"]

    (project / "fr.md").write_text(MINI_EN.replace("title: Mini Test Pamphlet", "title: Mini"), encoding="utf-8")
    fixed = watcher.rebuild([project / "fr.md"])
    assert fixed.warnings == {"fr": []}
    report(fixed)
    assert "warning" not in capsys.readouterr().err


# --- the live page: PDF links, warnings, the Host check -----------------------------------------------------


def _pictures(stem: str) -> Any:
    pic = SimpleNamespace(name="page-01.png", png=b"\x89PNG fake", label="page 1", width=10, height=14)
    return SimpleNamespace(edition="en/leaflet", stem=stem, pages=[pic], sheets=[pic])


def test_live_page_links_each_editions_pdfs(tmp_path: Path):
    reading, sheets = tmp_path / "mini-en-booklet.pdf", tmp_path / "mini-en-booklet-print.pdf"
    reading.write_bytes(b"%PDF-1.7 reading")
    sheets.write_bytes(b"%PDF-1.7 sheets")
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-1.7 not on the page")
    state = LiveState()
    state.publish("mini", "12:00:00", [(_pictures("mini-en-booklet"), [reading, sheets])], [],
                  [{"message": "fr.md: place: missing (present in en.md)", "hint": "translate `place`"}])
    server = LiveServer(state, 0).start()
    try:
        status, _, body = get(server.port, "/state.json")
        snapshot = json.loads(body)
        [ed] = snapshot["editions"]
        assert ed["pdf"] == "mini-en-booklet.pdf"
        assert ed["files"] == [{"name": "mini-en-booklet.pdf", "href": "/pdf/mini-en-booklet/mini-en-booklet.pdf"},
                               {"name": "mini-en-booklet-print.pdf",
                                "href": "/pdf/mini-en-booklet/mini-en-booklet-print.pdf"}]
        assert snapshot["warnings"] == [{"message": "fr.md: place: missing (present in en.md)",
                                         "hint": "translate `place`"}]
        for file, href in zip((reading, sheets), (f["href"] for f in ed["files"]), strict=True):
            status, headers, body = get(server.port, href)
            assert status == 200 and headers["content-type"] == "application/pdf" and body == file.read_bytes()
            assert headers["content-disposition"] == f"inline; filename*=UTF-8''{file.name}"
        # only the PDFs on the page: no other file, no way out of the output folder
        for path in ("/pdf/mini-en-booklet/secret.pdf", "/pdf/mini-en-booklet/../secret.pdf", "/pdf/secret.pdf"):
            assert get(server.port, path)[0] == 404
        reading.unlink()  # deleted since: not found, not a crash
        assert get(server.port, ed["files"][0]["href"])[0] == 404
        page = get(server.port, "/")[2].decode()
        assert "f.href" in page and 'id="warnings"' in page
    finally:
        server.stop()


def test_host_check_accepts_the_chosen_port_and_refuses_other_names():
    assert allowed_hosts("127.0.0.1", 8001) == {"127.0.0.1:8001", "localhost:8001"}
    assert allowed_hosts("127.0.0.1", 80) == {"127.0.0.1:80", "localhost:80", "127.0.0.1", "localhost"}
    server = LiveServer(LiveState(), 0).start()
    try:
        port = server.port
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
            assert get(server.port, "/state.json", host)[0] == 200, host
        for host in ("127.0.0.1", f"127.0.0.1:{port + 1}", f"attacker.example:{port}", "attacker.example", ""):
            assert get(server.port, "/state.json", host)[0] == 403, host
        # what a browser sends to a page on port 80: no port at all
        server.httpd.RequestHandlerClass.allowed_hosts = allowed_hosts("127.0.0.1", 80)  # type: ignore[attr-defined]
        for host in ("127.0.0.1", "localhost", "127.0.0.1:80"):
            assert get(server.port, "/state.json", host)[0] == 200, host
        assert get(server.port, "/state.json", "attacker.example")[0] == 403
    finally:
        server.stop()


def test_the_live_page_on_port_80_answers_a_browsers_host_header():
    try:
        server = LiveServer(LiveState(), 80).start()
    except UsageError:
        pytest.skip("port 80 cannot be opened here (taken, or not allowed for this user)")
    try:
        assert get(80, "/state.json", "127.0.0.1")[0] == 200
        assert get(80, "/state.json", "localhost")[0] == 200
        assert get(80, "/state.json", "attacker.example")[0] == 403
    finally:
        server.stop()


# --- end to end: `pamphlet watch --serve` -------------------------------------------------------------------


class _Watch:
    def __init__(self, cwd: Path, *args: str):
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
        self.proc = subprocess.Popen([sys.executable, "-m", "pamphlet", "watch", *args], cwd=cwd, env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, encoding="utf-8")
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        self.cursor: dict[str, int] = {}
        for name, stream in (("out", self.proc.stdout), ("err", self.proc.stderr)):
            threading.Thread(target=self._pump, args=(name, stream), daemon=True).start()

    def _pump(self, name: str, stream: Any) -> None:
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))

    def expect(self, pattern: str, stream: str) -> re.Match[str]:
        """The next line on ``stream`` matching ``pattern`` (each stream read in its own order: stdout and
        stderr lines come in no fixed order between them)."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            for i, (name, line) in enumerate(self.seen):
                if name == stream and i >= self.cursor.get(stream, 0) and (m := re.search(pattern, line)):
                    self.cursor[stream] = i + 1
                    return m
            try:
                self.seen.append(self.lines.get(timeout=max(0.01, deadline - time.monotonic())))
            except queue.Empty:
                raise AssertionError(f"no {stream} line matching {pattern!r}; saw {self.seen}") from None

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise


def test_watch_serve_warns_and_links_the_pdfs(project: Path, tmp_path: Path):
    watch = _Watch(tmp_path, str(project), "-o", str(tmp_path / "dist"), "-L", "fr", "-l", "leaflet", "--serve", "0")
    try:
        port = int(watch.expect(r"Live page: http://127\.0\.0\.1:(\d+)/", "out").group(1))
        watch.expect(r"rebuilt fr/leaflet in", "out")
        assert watch.expect(re.escape(f"warning: {PLACE}"), "err")
        deadline = time.monotonic() + TIMEOUT
        while not (snapshot := json.loads(get(port, "/state.json")[2]))["editions"]:
            assert time.monotonic() < deadline, "the live page never showed the edition"
            time.sleep(0.1)
        [ed] = snapshot["editions"]
        assert [f["name"] for f in ed["files"]] == ["mini-fr-leaflet.pdf"]
        status, headers, body = get(port, ed["files"][0]["href"])
        assert status == 200 and body == (tmp_path / "dist" / "mini-fr-leaflet.pdf").read_bytes()
        assert [w["message"] for w in snapshot["warnings"]] == ["fr.md: place: missing (present in en.md)"]
    finally:
        assert watch.stop() == 0


def test_a_busy_port_is_still_refused_with_a_hint():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(UsageError, match=rf"--serve {port}: cannot listen on 127\.0\.0\.1:{port}"):
            LiveServer(LiveState(), port)
