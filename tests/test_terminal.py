"""The commands as a person types them: in a pseudo-terminal, and with only stdout or only stderr redirected.

Every other test runs the CLI with both streams captured, which is the one case where Rich's live progress
bar, colours and cursor handling never run. A build on a terminal once crashed on its first edition
(the progress bar was handed a stand-in console) and nothing in the suite saw it. These tests start the real
``pamphlet`` command in a child process whose stdout and/or stderr is a pty, as a terminal would.
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import FIXTURES

HIDE, SHOW = "\x1b[?25l", "\x1b[?25h"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "CI")}
    env.update(COLUMNS="120", LINES="40", TERM="xterm-256color", PAMPHLET_JOBS="1", **extra)
    return env


class Terminal:
    """A child ``pamphlet`` whose chosen streams are a pseudo-terminal; reads what it shows."""

    def __init__(self, args: list[str], cwd: Path, *, stdout_tty: bool = True, stderr_tty: bool = True,
                 env: dict[str, str] | None = None) -> None:
        self.master, slave = pty.openpty()
        self.sink = (cwd / ".redirected").open("w+b")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pamphlet", *args], cwd=cwd, env=env or _env(),
            stdin=slave, stdout=slave if stdout_tty else self.sink, stderr=slave if stderr_tty else self.sink,
            start_new_session=True)
        os.close(slave)
        self.shown = b""

    def read_until(self, text: str, timeout: float = 90, *, after: int = 0) -> str:
        """Read the terminal until ``text`` appears (after the first ``after`` bytes shown; or the child
        ends, or time runs out)."""
        deadline = time.monotonic() + timeout
        while text.encode() not in self.shown[after:] and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                self.shown += chunk
            elif self.proc.poll() is not None:
                break
        return self.text

    def finish(self, timeout: float = 120) -> int:
        self.read_until("\x00never\x00", timeout=timeout)
        code = self.proc.wait(timeout=10)
        os.close(self.master)
        return code

    def type(self, keys: str) -> None:
        """Keys typed at the terminal (answering a question)."""
        os.write(self.master, keys.encode())

    def interrupt(self) -> None:
        """Ctrl-C as a terminal sends it: SIGINT to the whole foreground process group."""
        os.killpg(self.proc.pid, signal.SIGINT)

    @property
    def text(self) -> str:
        return self.shown.decode("utf-8", "replace")

    @property
    def redirected(self) -> str:
        self.sink.seek(0)
        return self.sink.read().decode("utf-8", "replace")


def _cursor_restored(shown: str) -> bool:
    """Every hidden cursor shown again before the end."""
    return shown.rfind(HIDE) < shown.rfind(SHOW) if HIDE in shown else True


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "mini", tmp_path / "mini")
    return tmp_path / "mini"


def test_build_in_a_terminal_shows_progress_colours_and_table(project: Path) -> None:
    term = Terminal(["build", "-o", "out"], project)
    code = term.finish()
    shown = term.text
    assert code == 0, shown
    assert "internal error" not in shown and "Traceback" not in shown
    assert HIDE in shown, "the live progress bar never started"
    assert _cursor_restored(shown)
    assert "\x1b[32mbuilt" in shown  # the status column in colour
    assert "mini-en-leaflet.pdf" in shown  # the table: file names whole, not cut with an ellipsis
    assert (project / "out" / "mini-en-leaflet.pdf").is_file()


@pytest.mark.parametrize("tty", ["stdout", "stderr"])
def test_build_with_one_stream_redirected(project: Path, tty: str) -> None:
    """`pamphlet build | cat` (stderr a terminal: the bar) and `pamphlet build 2>log` (stdout: the table)."""
    term = Terminal(["build", "-o", "out"], project, stdout_tty=tty == "stdout", stderr_tty=tty == "stderr")
    code = term.finish()
    shown, redirected = term.text, term.redirected
    assert code == 0, shown + redirected
    assert "internal error" not in shown + redirected
    assert _cursor_restored(shown)
    assert "mini-en-leaflet.pdf" in (shown if tty == "stdout" else redirected)
    assert "\x1b[" not in redirected  # no colour codes into a file or pipe
    assert (project / "out" / "mini-en-leaflet.pdf").is_file()


def test_ctrl_c_during_a_build_restores_the_cursor(project: Path) -> None:
    term = Terminal(["build", "-o", "out", "-l", "all", "--force"], project)
    term.read_until(HIDE)
    assert HIDE in term.text, term.text
    term.interrupt()
    code = term.finish()
    shown = term.text
    assert code == 130, shown
    assert "interrupted" in shown
    assert "Traceback" not in shown and "internal error" not in shown
    assert _cursor_restored(shown)


def test_internal_error_with_debug_shows_the_traceback_in_a_terminal(project: Path) -> None:
    """PAMPHLET_DEBUG=1 is the way to a traceback; on a terminal it must reach the terminal."""
    boom = project / "sitecustomize.py"
    boom.write_text("import pamphlet.editions.batch as b\n"
                    "def _boom(*a, **k):\n    raise RuntimeError('deliberate bug for the test')\n"
                    "b.build = _boom\n", encoding="utf-8")
    env = _env(PAMPHLET_DEBUG="1", PYTHONPATH=str(project))
    term = Terminal(["build", "-o", "out"], project, env=env)
    code = term.finish()
    shown = term.text
    assert code != 0
    assert "Traceback" in shown and "deliberate bug for the test" in shown, shown
    assert "lost sys.stderr" not in shown
    assert _cursor_restored(shown)


def test_check_preview_and_print_dry_run_in_a_terminal(project: Path) -> None:
    for args, expect in ((["check"], "ok"), (["preview", "-o", "pics", "--dist", "out"], "page-01.png"),
                         (["print", "--dry-run", "-o", "out"], "lp ")):
        term = Terminal(args, project, env=_env(CUPS_SERVER="127.0.0.1:9"))
        code = term.finish()
        shown = term.text
        assert code == 0, (args, shown)
        assert "internal error" not in shown and "Traceback" not in shown, (args, shown)
        assert expect in shown, (args, shown)
        assert _cursor_restored(shown)


def test_new_and_layouts_in_a_terminal(tmp_path: Path) -> None:
    """`pamphlet new` at a terminal asks for the country (a script or pipe is not asked): a code it does not
    know is asked again, GB names the text en-GB.md."""
    term = Terminal(["new", "my-action"], tmp_path)
    term.read_until("Which country")
    assert "Which country is the group in?" in term.text, term.text
    asked = len(term.shown)
    term.type("XQ\r")
    term.read_until("Which country", timeout=30, after=asked)
    assert "XQ: not a country or region code" in term.text[asked:], term.text
    assert term.text.count("Which country") == 2, term.text  # asked again
    term.type("GB\r")
    assert term.finish() == 0, term.text
    assert "Created my-action/" in term.text
    assert (tmp_path / "my-action" / "pamphlet.yaml").is_file()
    assert (tmp_path / "my-action" / "en-GB.md").is_file(), term.text
    term = Terminal(["layouts"], tmp_path)
    assert term.finish() == 0, term.text
    assert "leaflet" in term.text and "tri-fold" in term.text.replace("trifold", "tri-fold")


def test_a_watch_round_in_a_terminal(project: Path) -> None:
    term = Terminal(["watch", "-o", "out"], project)
    first = term.read_until("leaflet", timeout=90)
    assert "Watching" in first, first
    term.read_until("up to date" if "up to date" in first else "rebuilt", timeout=90)
    start = len(term.shown)
    time.sleep(0.5)
    md = project / "en.md"
    md.write_text(md.read_text(encoding="utf-8") + "\nOne more sentence, written while watching.\n", encoding="utf-8")
    deadline = time.monotonic() + 90
    while b"rebuilt" not in term.shown[start:] and time.monotonic() < deadline:
        term.read_until("\x00never\x00", timeout=0.5)
    assert b"rebuilt" in term.shown[start:], term.text
    term.interrupt()
    code = term.finish(timeout=30)
    assert code in (0, 130), term.text
    assert "stopped" in term.text
    assert "Traceback" not in term.text
    assert _cursor_restored(term.text)
