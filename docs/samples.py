"""The command samples in README.md and docs/*.md, from real runs: ``make docs`` (or .venv/bin/python docs/samples.py).

A sample in the Markdown is a marker comment and the fenced block right after it::

    <!-- sample: check-bad exit=1 -->
    ```console
    $ pamphlet check check-bad
    …what the command printed…
    ```

This script knows every sample (``SCENES`` below): the folder it runs in, how that folder is set up
(``pamphlet new``, a copied test fixture, an edit), the command and, for ``watch``, what is saved while it
runs. It runs each one for real, in a temporary folder shown as ``/home/me`` (this checkout as
``/home/me/pamphlet``), with fixed ``SOURCE_DATE_EPOCH``, ``PAMPHLET_JOBS=1``, ``COLUMNS=100`` and
``NO_COLOR``, and writes the command, its output (stdout and stderr, as a terminal shows them) and its exit
code into the block. A block whose output differs only in timings is left as it is, so ``make docs`` does not
rewrite a file for the seconds alone.

Samples of ``print`` (a private CUPS server, as tests/test_print.py starts one), ``watch`` and a Dask cluster
need a service: ``--no-services`` leaves them alone, and tests/test_docs.py re-runs only the others (the
commands' own tests cover the rest).

    docs/samples.py                 every sample
    docs/samples.py check-bad ...   only these samples (and the samples of their scenes run before them)
    docs/samples.py --check         compare, write nothing; exit 1 when a sample is stale
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
FIXTURES = ROOT / "tests" / "fixtures"
HOME = "/home/me"                      # the sandbox, as the samples show it
CHECKOUT = f"{HOME}/pamphlet"          # this checkout, as the samples show it
EPOCH = "1767225600"                   # 2026-01-01T00:00:00Z
TIMEOUT = 300.0                        # one command; generous for a loaded machine
SERVICES = ("print", "watch", "dask")


# --------------------------------------------------------------------------- what the samples are


@dataclass(frozen=True)
class Sample:
    """One command and its output, shown in one fenced block."""

    name: str
    args: tuple[str, ...]                  # pamphlet's arguments
    cwd: str = "."                         # where it runs, inside the sandbox
    service: str | None = None             # "print", "watch", "dask": needs more than the command
    drive: Callable[[Session], None] | None = None  # for watch: what is saved while it runs

    @property
    def command(self) -> str:
        return "pamphlet " + shlex.join(self.args)


Setup = Callable[[Path, dict[str, str]], None]


@dataclass(frozen=True)
class Scene:
    """A sandbox, how it is set up, and its samples, run in order (each may rely on the ones before)."""

    name: str
    setup: tuple[Setup, ...] = ()
    samples: tuple[Sample, ...] = ()


def pamphlet_cmd() -> list[str]:
    """The command as a user runs it: the console script beside this Python, else ``python -m pamphlet``."""
    script = Path(sys.executable).parent / "pamphlet"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "pamphlet"]


def new(*args: str) -> Setup:
    def step(box: Path, env: dict[str, str]) -> None:
        subprocess.run([*pamphlet_cmd(), "new", *args], cwd=box, env=env, check=True, capture_output=True,
                       timeout=TIMEOUT)
    return step


def fixture(name: str, dest: str | None = None) -> Setup:
    def step(box: Path, env: dict[str, str]) -> None:
        shutil.copytree(FIXTURES / name, box / (dest or name))
    return step


def edit(path: str, old: str, new_text: str) -> Setup:
    def step(box: Path, env: dict[str, str]) -> None:
        file = box / path
        text = file.read_text(encoding="utf-8")
        if old not in text:
            raise SystemExit(f"docs/samples.py: {path} has no {old!r} to replace (did the starter change?)")
        file.write_text(text.replace(old, new_text, 1), encoding="utf-8")
    return step


def example(dest: str) -> Setup:
    """The bundled example (content/) as a project of one's own (docs/posters.md)."""
    def step(box: Path, env: dict[str, str]) -> None:
        shutil.copytree(ROOT / "content", box / dest)
    return step


def write(path: str, text: str) -> Setup:
    def step(box: Path, env: dict[str, str]) -> None:
        (box / path).write_text(text, encoding="utf-8")
    return step


def copy(src: str, dest: str) -> Setup:
    """A file from this machine into the sandbox (docs/press.md: Ghostscript's CMYK profile as a shop's)."""
    def step(box: Path, env: dict[str, str]) -> None:
        shutil.copy(src, box / dest)
    return step


def append(path: str, text: str) -> Setup:
    def step(box: Path, env: dict[str, str]) -> None:
        with (box / path).open("a", encoding="utf-8") as fh:
            fh.write(text)
    return step


def mkdir(path: str) -> Setup:
    def step(box: Path, env: dict[str, str]) -> None:
        (box / path).mkdir(parents=True)
    return step


GEORGIAN = """---
title: ჩვენი აქცია
---

შეხვედრა ქალაქის მოედანზე, შაბათს.
"""


def drive_watch(s: Session) -> None:
    """The watcher's first build, an edit, a mistake in the front matter, the fix, Ctrl-C. (The fix must
    differ from the last good text: a save that restores an edition already built rebuilds nothing.)"""
    s.expect(r"rebuilt .* in ")
    s.edit("my-action/en.md", "title: Our Action Starts Here", "title: Our Action Starts on Saturday")
    s.expect(r"rebuilt en/leaflet in ")
    s.edit("my-action/en.md", "title: Our Action Starts on Saturday", "title: [Our Action Starts on Saturday")
    s.expect(r"^hint: ")
    s.edit("my-action/en.md", "title: [Our Action Starts on Saturday", "title: Our Action Starts on Sunday")
    s.expect(r"rebuilt en/leaflet in ")


SCENES: tuple[Scene, ...] = (
    # README: the five-minute path, and what building and previewing print (docs/building.md)
    Scene("start", samples=(
        Sample("new", ("new", "my-action", "-L", "en", "-L", "ar")),
        Sample("build", ("build",), cwd="my-action"),
        Sample("build-again", ("build",), cwd="my-action"),
        Sample("preview", ("preview", "-L", "en"), cwd="my-action"),
        Sample("print", ("print", "-P", "Office"), cwd="my-action", service="print"),
    )),
    Scene("watch", setup=(new("my-action", "-L", "en", "-L", "ar"),), samples=(
        Sample("watch", ("watch", "--serve"), cwd="my-action", service="watch", drive=drive_watch),
    )),
    Scene("version", samples=(Sample("version", ("--version",)),)),
    # docs/building.md
    # (the booklet first, as JSON: the table then shows it up to date, and the test lays it out once, not twice)
    Scene("example", samples=(
        Sample("build-json", ("build", "--example", "-l", "booklet", "-L", "en", "--json")),
        Sample("build-example", ("build", "--example", "-L", "en")),
    )),
    Scene("no-project", setup=(mkdir("notes"),), samples=(
        Sample("no-project", ("build",), cwd="notes"),
    )),
    # docs/project-format.md
    Scene("bad-config", setup=(
        new("my-action"),
        edit("my-action/pamphlet.yaml", "layouts: [leaflet]", "layouts: [leaflet, bookelt]"),
        edit("my-action/pamphlet.yaml", 'accent: "#b3122e"', "accent: 12"),
        edit("my-action/pamphlet.yaml", "date: 2026-12-26", "date: 2026-12-32"),
    ), samples=(
        Sample("bad-config", ("build", "my-action")),
    )),
    # docs/checking.md
    Scene("check", setup=(fixture("check-bad"),), samples=(
        Sample("check-bad", ("check", "check-bad")),
    )),
    # docs/layouts.md
    Scene("layouts", samples=(Sample("layouts", ("layouts",)),)),
    # docs/languages.md
    Scene("glyphs", setup=(mkdir("georgian"), write("georgian/ka.md", GEORGIAN)), samples=(
        Sample("missing-glyph", ("build",), cwd="georgian"),
    )),
    # docs/variants.md
    Scene("variants", setup=(fixture("variants-bad", "day-of-action"),), samples=(
        Sample("variants-bad", ("check", "day-of-action")),
    )),
    Scene("dask", setup=(fixture("variants", "day-of-action"),), samples=(
        Sample("dask", ("build", "day-of-action", "-V", "leeds", "-V", "london", "-l", "leaflet",
                        "--scheduler", "tcp://127.0.0.1:8786"), service="dask"),
    )),
    # docs/press.md (the profile: Ghostscript's CMYK one, from Debian's libgs-common, which make test-deps installs)
    Scene("press-refused", setup=(new("my-action", "-L", "en", "-l", "leaflet", "-l", "booklet"),), samples=(
        Sample("press-no-profile", ("build", "--press"), cwd="my-action"),
    )),
    Scene("press", setup=(
        new("my-action", "-L", "en", "-l", "leaflet", "-l", "booklet"),
        copy("/usr/share/color/icc/ghostscript/default_cmyk.icc", "my-action/shop-swop.icc"),
        append("my-action/pamphlet.yaml", "\npress:\n  profile: shop-swop.icc\n  condition: SWOP\n"),
    ), samples=(
        Sample("press-build", ("build", "--press", "--bleed", "3", "--marks"), cwd="my-action"),
        Sample("press-check", ("check", "--press"), cwd="my-action"),
    )),
    # docs/posters.md
    Scene("street", setup=(example("solidarity"),), samples=(
        Sample("street-build", ("build", "solidarity", "-L", "en", "-l", "poster", "-l", "placard")),
        Sample("street-print-office", ("print", "solidarity", "-L", "en", "-l", "poster", "-l", "placard",
                                       "-P", "Office", "--dry-run"), service="print"),
        Sample("street-print-plotter", ("print", "solidarity", "-L", "en", "-l", "poster", "-P", "Plotter",
                                        "--dry-run"), service="print"),
    )),
    Scene("street-slogan", setup=(
        example("solidarity"),
        edit("solidarity/en.md", "  - People over profits\n",
             "  - People over profits, every day and every night, in every street of this city\n"),
    ), samples=(
        Sample("street-long-slogan", ("check", "solidarity", "-L", "en", "-l", "placard")),
    )),
    # docs/printing.md
    Scene("printing", setup=(new("my-action", "-L", "en", "-l", "leaflet", "-l", "booklet", "-l", "zine"),),
          samples=(
        Sample("print-dry-run", ("print", "-l", "booklet", "-P", "Office", "-n", "20", "--dry-run"),
               cwd="my-action", service="print"),
        Sample("print-all", ("print", "-P", "Office"), cwd="my-action", service="print"),
        Sample("print-manual-duplex", ("print", "-l", "booklet", "-P", "Basement", "--dry-run"),
               cwd="my-action", service="print"),
    )),
)

SAMPLES: dict[str, Sample] = {s.name: s for scene in SCENES for s in scene.samples}
SCENE_OF: dict[str, Scene] = {s.name: scene for scene in SCENES for s in scene.samples}


# --------------------------------------------------------------------------- the blocks in the Markdown

MARKER = re.compile(r"^<!-- sample: (?P<name>[a-z0-9-]+)(?: exit=(?P<exit>\d+))? -->\n"
                    r"(?P<fence>```+)console\n(?P<body>.*?)\n(?P=fence)\n", re.S | re.M)
ANY_MARKER = re.compile(r"^<!-- sample:", re.M)


@dataclass(frozen=True)
class Block:
    file: Path
    name: str
    exit: int | None
    body: str
    span: tuple[int, int]

    @property
    def command(self) -> str:
        return self.body.split("\n", 1)[0].removeprefix("$ ")

    @property
    def output(self) -> str:
        return self.body.split("\n", 1)[1] if "\n" in self.body else ""


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def blocks(file: Path) -> list[Block]:
    text = file.read_text(encoding="utf-8")
    found = [Block(file, m["name"], int(m["exit"]) if m["exit"] else None, m["body"], m.span())
             for m in MARKER.finditer(text)]
    loose = len(ANY_MARKER.findall(text)) - len(found)
    if loose:
        raise SystemExit(f"{file.relative_to(ROOT)}: {loose} sample marker(s) not followed by a ```console block")
    return found


def all_blocks() -> list[Block]:
    return [b for f in markdown_files() for b in blocks(f)]


# --------------------------------------------------------------------------- running


@dataclass
class Result:
    exit: int
    output: str  # as shown: paths normalised, trailing blanks removed


def clean_env(box: Path) -> dict[str, str]:
    drop = ("FORCE_COLOR", "TTY_COMPATIBLE", "CLICOLOR_FORCE", "CUPS_SERVER", "LPDEST", "PRINTER",
            "DASK_SCHEDULER_ADDRESS", "PAMPHLET_DEBUG", "XDG_CACHE_HOME")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(SOURCE_DATE_EPOCH=EPOCH, PAMPHLET_JOBS="1", COLUMNS="100", LINES="40", NO_COLOR="1", TERM="dumb",
               PYTHONUNBUFFERED="1", LC_ALL="C.UTF-8", XDG_CACHE_HOME=str(box / ".cache"))
    return env


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def shown(text: str, box: Path) -> str:
    """What the sample shows: the sandbox as /home/me, this checkout as /home/me/pamphlet, no trailing blanks."""
    text = ANSI.sub("", text)
    for real in sorted({str(box), os.path.realpath(box)}, key=len, reverse=True):
        text = text.replace(real, HOME)
    for real in sorted({str(ROOT), os.path.realpath(ROOT)}, key=len, reverse=True):
        text = text.replace(real, CHECKOUT)
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


class Session:
    """A running ``pamphlet watch``: its output lines as they come, and edits made while it runs."""

    def __init__(self, proc: subprocess.Popen[str], box: Path):
        self.proc, self.box = proc, box
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, pattern: str, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"watch: no line matching {pattern!r}; it said {self.seen}") from None
            self.seen.append(line)
            if re.search(pattern, line):
                return

    def edit(self, path: str, old: str, new_text: str) -> None:
        time.sleep(0.5)  # a save a moment after the last rebuild, as a person makes it
        edit(path, old, new_text)(self.box, {})

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            code = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        time.sleep(0.2)
        while True:
            try:
                self.seen.append(self.lines.get_nowait())
            except queue.Empty:
                return code


def run_sample(sample: Sample, box: Path, env: dict[str, str]) -> Result:
    cwd = box / sample.cwd
    if sample.drive is None:
        proc = subprocess.run([*pamphlet_cmd(), *sample.args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                              timeout=TIMEOUT)
        return Result(proc.returncode, shown(proc.stdout, box))
    popen = subprocess.Popen([*pamphlet_cmd(), *sample.args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    session = Session(popen, box)
    try:
        sample.drive(session)
    finally:
        code = session.stop()
    return Result(code, shown("\n".join(session.seen), box))


@contextlib.contextmanager
def cups_service(env: dict[str, str]) -> Iterator[None]:
    """A private cupsd (tests/cups_server.py) with three cups-pdf queues: Office (duplex, A4 and Letter),
    Basement (no duplex) and Plotter (no duplex, paper up to A0: a poster's full size)."""
    sys.path.insert(0, str(ROOT))
    try:
        from tests.cups_server import CupsServer, unavailable
    finally:
        sys.path.remove(str(ROOT))
    why = unavailable()
    if why:
        raise ServiceUnavailable(f"CUPS: {why}")
    server = CupsServer().start()
    try:
        server.add_queue("Office", duplex=True, sizes=("A4", "Letter"))
        server.add_queue("Basement", duplex=False)
        server.add_queue("Plotter", duplex=False)
        env["CUPS_SERVER"] = server.server
        yield
    finally:
        server.stop()


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@contextlib.contextmanager
def dask_service(env: dict[str, str]) -> Iterator[None]:
    """``dask scheduler`` on 127.0.0.1:8786 and ``dask worker … --nworkers 2 --nthreads 1``, as docs/variants.md says."""
    dask = Path(sys.executable).parent / "dask"
    if not dask.is_file():
        raise ServiceUnavailable("Dask: no `dask` command beside this Python (pip install '.[dask]')")
    if not _port_free(8786):
        raise ServiceUnavailable("Dask: port 8786 is in use")
    procs: list[subprocess.Popen[bytes]] = []
    log = tempfile.TemporaryFile()
    try:
        procs.append(subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", "8786",
                                       "--no-dashboard"], env=env, stdout=log, stderr=log))
        procs.append(subprocess.Popen([str(dask), "worker", "tcp://127.0.0.1:8786", "--nworkers", "2",
                                       "--nthreads", "1", "--no-dashboard"], env=env, stdout=log, stderr=log))
        deadline = time.monotonic() + 120
        while True:
            probe = subprocess.run([sys.executable, "-c", "import distributed; c = distributed.Client("
                                    "'tcp://127.0.0.1:8786', timeout=5); c.wait_for_workers(2, timeout=5)"],
                                   env=env, capture_output=True)
            if probe.returncode == 0:
                break
            if time.monotonic() > deadline:
                log.seek(0)
                raise ServiceUnavailable("Dask: the cluster did not start: " + log.read().decode(errors="replace")[-2000:])
            time.sleep(1)
        yield
    finally:
        for proc in reversed(procs):  # only the processes started here, by their own handles
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in reversed(procs):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


class ServiceUnavailable(Exception):
    pass


@contextlib.contextmanager
def watch_service(env: dict[str, str]) -> Iterator[None]:
    """``pamphlet watch --serve`` listens on port 8000."""
    if not _port_free(8000):
        raise ServiceUnavailable("watch --serve: port 8000 is in use")
    yield


SERVICE_CONTEXTS = {"print": cups_service, "dask": dask_service, "watch": watch_service}


def run_scene(scene: Scene, *, services: bool = True, only: set[str] | None = None,
              on_skip: Callable[[str, str], None] | None = None) -> dict[str, Result]:
    """Set up the scene's sandbox and run its samples in order; service samples only with ``services``.

    With ``only``, the scene stops after the last sample named (earlier ones still run: they set the stage).
    """
    wanted = [s for s in scene.samples if services or s.service is None]
    if only is not None:
        names = [i for i, s in enumerate(wanted) if s.name in only]
        wanted = wanted[:names[-1] + 1] if names else []
    results: dict[str, Result] = {}
    if not wanted:
        return results
    with tempfile.TemporaryDirectory(prefix="pamphlet-samples-") as tmp, contextlib.ExitStack() as stack:
        box = Path(tmp)
        env = clean_env(box)
        for step in scene.setup:
            step(box, env)
        started: set[str] = set()
        broken: dict[str, str] = {}
        for sample in wanted:
            kind = sample.service
            if kind in SERVICE_CONTEXTS and kind not in started and kind not in broken:
                try:
                    stack.enter_context(SERVICE_CONTEXTS[kind](env))
                    started.add(kind)
                except ServiceUnavailable as exc:
                    broken[kind] = str(exc)
            if kind in broken:
                if on_skip:
                    on_skip(sample.name, broken[kind])
                continue
            try:
                results[sample.name] = run_sample(sample, box, env)
            except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
                if on_skip is None:
                    raise
                on_skip(sample.name, f"failed: {exc}")
                break  # the samples after it may depend on it
    return results


# --------------------------------------------------------------------------- comparing

TIMING = [
    (re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b"), "HH:MM:SS"),                      # watch's clock
    (re.compile(r"\b\d+\.\d+ s\b"), "N s"),                                    # durations
    (re.compile(r'"seconds": [0-9.e+-]+'), '"seconds": N'),                     # --json
    (re.compile(r"(?<![\w.×])\d+\.\d\d(?![\w.×])"), "N"),                        # the seconds column
    (re.compile(r"^\[\d+/(\d+)\] ", re.M), r"[k/\1] "),                          # progress, in finishing order
]
LOOSE = TIMING + [
    (re.compile(r"\b\d+(?:\.\d+)? [KM]B\b"), "N KB"),                          # file sizes
    (re.compile(r"\b\d+ %"), "N %"),                                           # type scale
    (re.compile(r'"(bytes|scale|passes)": [0-9.e+-]+'), r'"\1": N'),
    (re.compile(r"\bjob \d+\b"), "job N"),
]
BOX = re.compile(r"[\u2500-\u257f]")


def _masked(text: str, masks: list[tuple[re.Pattern[str], str]]) -> str:
    for pattern, repl in masks:
        text = pattern.sub(repl, text)
    return text


def same_but_timings(a: str, b: str) -> bool:
    """The same lines (in any order: a cluster finishes editions in any order), timings aside."""
    return sorted(_masked(a, TIMING).splitlines()) == sorted(_masked(b, TIMING).splitlines())


def what_matters(text: str) -> list[str]:
    """The words of an output without timings, sizes, type scales and table rules or wrapping: the exit code
    is compared beside it, and what is left are the file names, pages and sheets, statuses and messages."""
    return BOX.sub(" ", _masked(text, LOOSE)).split()


def render(sample: Sample, result: Result) -> str:
    body = f"$ {sample.command}\n{result.output}".rstrip("\n")
    return f"<!-- sample: {sample.name} exit={result.exit} -->\n```console\n{body}\n```\n"


# --------------------------------------------------------------------------- the command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("names", nargs="*", help="only these samples")
    parser.add_argument("--no-services", action="store_true", help="leave the print, watch and Dask samples alone")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a sample is stale")
    args = parser.parse_args(argv)

    found = all_blocks()
    problems = check_markers(found)
    unknown = [n for n in args.names if n not in SAMPLES]
    if unknown:
        parser.error(f"unknown sample(s): {', '.join(unknown)} (known: {', '.join(SAMPLES)})")
    only = set(args.names) or None

    results: dict[str, Result] = {}
    skipped: dict[str, str] = {}
    for scene in SCENES:
        if only is not None and not only & {s.name for s in scene.samples}:
            continue
        started = time.monotonic()
        got = run_scene(scene, services=not args.no_services, only=only,
                        on_skip=lambda name, why: skipped.__setitem__(name, why))
        results.update(got)
        if got:
            print(f"ran {', '.join(got)} ({time.monotonic() - started:.1f} s)", file=sys.stderr)
    for name, why in skipped.items():
        print(f"skipped {name}: {why}", file=sys.stderr)

    stale = 0
    for file in markdown_files():
        text = file.read_text(encoding="utf-8")
        out, pos = [], 0
        for block in blocks(file):
            out.append(text[pos:block.span[0]])
            pos = block.span[1]
            result = results.get(block.name)
            sample = SAMPLES.get(block.name)
            if result is None or sample is None:
                out.append(text[block.span[0]:block.span[1]])
                continue
            if (block.exit == result.exit and block.command == sample.command
                    and same_but_timings(block.output, result.output)):
                out.append(text[block.span[0]:block.span[1]])  # only the timings differ: keep the block
                continue
            stale += 1
            print(f"{'stale' if args.check else 'updated'}: {file.relative_to(ROOT)}: {block.name}", file=sys.stderr)
            out.append(render(sample, result))
        out.append(text[pos:])
        new_text = "".join(out)
        if new_text != text and not args.check:
            file.write_text(new_text, encoding="utf-8")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems or (args.check and stale) else 0


def check_markers(found: list[Block]) -> list[str]:
    """Every sample shown once, and every block a known sample."""
    problems = []
    names = [b.name for b in found]
    for name in sorted(set(names) - set(SAMPLES)):
        problems.append(f"a block names sample {name!r}, which docs/samples.py does not know")
    for name in sorted(set(SAMPLES) - set(names)):
        problems.append(f"sample {name!r} is shown nowhere: add <!-- sample: {name} --> and a ```console block")
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"sample {name!r} is shown more than once")
    return problems


if __name__ == "__main__":
    sys.exit(main())
