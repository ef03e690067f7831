"""Sending the printer files to CUPS with the duplex each layout needs.

CUPS will never impose (apple/cups#2051), and its defaults are exactly wrong
for folded work: "fit to page" scaling moves every fold, and a booklet printed
"long edge" comes out with every back upside down. So every job states its
``sides``, ``media`` and ``print-scaling=none`` itself, and the ``sides`` value
comes from the build (the layout catalogue owns it), never from a layout name.

We shell out to the CUPS command-line tools (``lp``, ``lpstat``, ``ipptool``)
rather than bind libcups: pycups is GPL and needs a compiler, and the commands
are what a user can rerun by hand (``--dry-run`` prints them). Every tool runs
with ``LC_ALL=C`` because we read its English messages.

Printers without a duplexer get manual duplex: the fronts, an exact instruction
for turning the stack, a wait for Enter, then the backs. Nothing here prints:
the CLI passes ``report`` and ``ask`` callbacks to :func:`send`.
"""

from __future__ import annotations

import logging
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .errors import PrinterError

log = logging.getLogger(__name__)

ONE_SIDED = "one-sided"
LONG_EDGE = "two-sided-long-edge"
SHORT_EDGE = "two-sided-short-edge"
SIDES = (ONE_SIDED, LONG_EDGE, SHORT_EDGE)
MEDIA = {"a4": "A4", "letter": "Letter"}
TIMEOUT = 30.0  # seconds for one CUPS command; a scheduler that takes longer is as good as gone

_INSTALL_HINT = ("install CUPS (Debian/Ubuntu: apt install cups; macOS has it), or print the -print.pdf files "
                 "by hand as README.md 'Printing' describes")


# --------------------------------------------------------------------------- what gets printed


@dataclass(frozen=True)
class PrintFile:
    """One PDF to send: an edition's printer file, or the test sheet."""

    name: str      # "en/booklet", shown in every line about it
    path: Path
    sides: str     # the CUPS sides value the file was imposed for
    paper: str     # "a4" | "letter"
    sheets: int    # sheets of paper per copy
    pages: int     # pages in the file: one per side of a sheet

    @property
    def title(self) -> str:
        return self.path.stem


def print_files(results: Iterable[Any]) -> list[PrintFile]:
    """The file to send for each built edition: its printer file, or the reading PDF
    for a leaflet (which is printed as it reads).

    ``results`` are the build's ``EditionResult``s; none may have failed (the
    caller prints nothing unless the whole build succeeded).
    """
    files = []
    for r in results:
        if r.status == "failed" or not (r.print_path or r.path):
            raise PrinterError(f"{_name(r)} was not built; nothing was sent",
                               "fix the build errors above, then print again")
        if r.cups_sides not in SIDES:
            raise PrinterError(f"{_name(r)}: the build did not say how to print it (sides={r.cups_sides!r})",
                               "rebuild with `pamphlet build --force`, then print again")
        if r.print_path:
            path, pages = Path(r.print_path), (r.sheets or 1) * (r.sides or 1)
        else:
            path, pages = Path(r.path), r.pages or 1
        sheets = r.sheets or max(1, pages if r.cups_sides == ONE_SIDED else (pages + 1) // 2)
        files.append(PrintFile(_name(r), path, r.cups_sides, r.paper or "a4", sheets, pages))
    return files


def _name(result: Any) -> str:
    """``en/booklet`` (with the variant in front when there is one)."""
    return getattr(result, "name", None) or f"{result.lang}/{result.layout}"


# --------------------------------------------------------------------------- jobs and the plan


@dataclass(frozen=True)
class Job:
    """One ``lp`` invocation."""

    file: PrintFile
    printer: str | None   # None: lp's default (only in a dry run that could not ask CUPS)
    copies: int
    sides: str
    page_ranges: str | None = None
    reverse: bool = False
    part: str = ""        # "fronts" | "backs" in manual duplex

    def argv(self) -> list[str]:
        """The exact command line, option order as in README.md."""
        cmd = ["lp"]
        if self.printer:
            cmd += ["-d", self.printer]
        cmd += ["-n", str(self.copies), "-o", f"sides={self.sides}", "-o", f"media={MEDIA[self.file.paper]}",
                "-o", "print-scaling=none"]
        if self.copies > 1:
            cmd += ["-o", "collate=true"]
        if self.page_ranges:
            cmd += ["-o", f"page-ranges={self.page_ranges}"]
        if self.reverse:
            cmd += ["-o", "outputorder=reverse"]
        title = f"{self.file.title} ({self.part})" if self.part else self.file.title
        return cmd + ["-t", title, str(self.file.path)]

    def describe(self) -> str:
        """``2 sheets, two-sided-short-edge, A4`` (+ copies), for the line per job."""
        n = self.file.sheets
        text = f"{n} sheet{'s' if n != 1 else ''}, {self.sides}, {MEDIA[self.file.paper]}"
        if self.copies > 1:
            text += f", {self.copies} copies"
        return text


@dataclass(frozen=True)
class Pause:
    """Manual duplex: the fronts are out; tell the user how to turn the stack, wait for Enter.

    The job after a pause prints the backs; an answer starting with ``r`` sends
    them last sheet first (for printers that would feed the last front first).
    """

    file: PrintFile
    text: str


Step = Job | Pause


def swap_edge(sides: str) -> str:
    """Long ↔ short edge, for printers whose driver flips on the other edge (the test sheet shows it)."""
    return {LONG_EDGE: SHORT_EDGE, SHORT_EDGE: LONG_EDGE}.get(sides, sides)


def _ranges(first: int, pages: int) -> str:
    return ",".join(str(p) for p in range(first, pages + 1, 2))


def needs_manual(sides: str, supported: frozenset[str] | None, *, forced: bool) -> bool:
    """Manual duplex when asked to, or when the printer says it cannot print this ``sides``.

    Unknown support (no ``ipptool``, a printer that won't say) counts as duplex-capable:
    refusing to print on a printer we cannot question would be worse.
    """
    if sides == ONE_SIDED:
        return False
    return forced or (supported is not None and sides not in supported)


def plan(files: Sequence[PrintFile], printer: str | None, copies: int = 1, *, manual_duplex: bool = False,
         supported: frozenset[str] | None = None, swap_edges: bool = False) -> list[Step]:
    """The jobs (and manual-duplex pauses) that print ``files``, in order."""
    steps: list[Step] = []
    for f in files:
        sides = swap_edge(f.sides) if swap_edges else f.sides
        if not needs_manual(sides, supported, forced=manual_duplex) or f.pages < 2:
            steps.append(Job(f, printer, copies, sides if f.pages > 1 else ONE_SIDED))
            continue
        why = "" if manual_duplex else f"{printer or 'The printer'} cannot print {sides}: printing by hand. "
        steps.append(Job(f, printer, copies, ONE_SIDED, page_ranges=_ranges(1, f.pages), part="fronts"))
        steps.append(Pause(f, why + turn_instructions(f, copies)))
        steps.append(Job(f, printer, copies, ONE_SIDED, page_ranges=_ranges(2, f.pages), part="backs"))
    return steps


def turn_instructions(f: PrintFile, copies: int = 1) -> str:
    """How to put the printed fronts back for the backs: which edge, which side, which sheet first.

    The printer always prints the top of a page at the edge that goes in first.
    A long-edge flip keeps the top of the back at the top of the front, so the
    same edge must lead again; a short-edge flip (booklet, tri-fold) puts it at
    the other end, so the edge that led must now go in last. Turning the whole
    stack over also reverses it, so the sheet printed first is on top again.
    """
    n = f.sheets * copies
    sheets = f"all {n} sheets" if n > 1 else "the sheet"
    if f.sides == SHORT_EDGE:
        turn = ("Turn the stack over top to bottom, like a calendar page (flip on the short edge): "
                "the edge that went into the printer first must now go in last.")
    else:
        turn = ("Turn the stack over sideways, like a page in a book (flip on the long edge): "
                "the edge that went into the printer first must go in first again.")
    return "\n".join([
        f"Manual duplex for {f.name} ({f.sides.replace('two-sided-', 'flip on the ').replace('-', ' ')}):",
        f"  1. Wait for {sheets} to come out; take the stack from the output tray without changing its order.",
        f"  2. {turn}",
        "  3. Put it back in the paper tray with the blank side where your printer prints, "
        "so that the sheet printed first is fed first.",
        "Press Enter to print the backs (type r and Enter if your printer would feed the last sheet first).",
    ])


def dry_run_lines(steps: Sequence[Step]) -> list[str]:
    """The exact, shell-quoted ``lp`` commands; manual-duplex instructions as ``#`` comments between them."""
    lines: list[str] = []
    for step in steps:
        if isinstance(step, Job):
            lines.append(shlex.join(step.argv()))
        else:
            lines.extend(f"# {line}" for line in step.text.splitlines())
    return lines


# --------------------------------------------------------------------------- talking to CUPS


@dataclass(frozen=True)
class Target:
    """The printer a run sends to, and what it said it can do."""

    printer: str | None
    supported: frozenset[str] | None  # sides-supported; None when unknown


class Cups:
    """The CUPS command-line tools, run with C messages and a timeout; honours ``CUPS_SERVER``."""

    def __init__(self, env: dict[str, str] | None = None, timeout: float = TIMEOUT):
        self.env = {**(os.environ if env is None else env), "LC_ALL": "C", "LANG": "C", "LANGUAGE": "C"}
        self.timeout = timeout
        self._server: str | None = None

    def run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        tool = shutil.which(argv[0], path=self.env.get("PATH"))
        if tool is None:
            raise PrinterError(f"CUPS is not installed: there is no `{argv[0]}` command", _INSTALL_HINT)
        try:
            return subprocess.run(list(argv), executable=tool, env=self.env, capture_output=True, text=True,
                                  timeout=self.timeout, stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:
            raise PrinterError(f"CUPS did not answer within {self.timeout:.0f} s (`{shlex.join(argv)}`)",
                               "check that the print server is up, and CUPS_SERVER if you set it") from None
        except OSError as exc:
            raise PrinterError(f"cannot run `{argv[0]}`: {exc.strerror or exc}", _INSTALL_HINT) from None

    # -- the scheduler

    def server(self) -> str:
        """``host:port`` (or a socket path) the tools talk to, after CUPS_SERVER and client.conf."""
        if self._server is None:
            self._server = self.run("lpstat", "-H").stdout.strip() or "localhost:631"
        return self._server

    def require_scheduler(self) -> None:
        """A clear error instead of lp's misleading "The printer or class does not exist"."""
        if shutil.which("lp", path=self.env.get("PATH")) is None:
            raise PrinterError("CUPS is not installed: there is no `lp` command", _INSTALL_HINT)
        res = self.run("lpstat", "-r")
        if "scheduler is running" not in res.stdout:
            where = self.server()
            hint = ("start it (`sudo systemctl start cups`, or `sudo cupsd`)" if _is_local(where) else
                    "check that the print server is up and reachable")
            if self.env.get("CUPS_SERVER"):
                hint += f", or fix CUPS_SERVER (now {self.env['CUPS_SERVER']})"
            raise PrinterError(f"cannot reach the CUPS scheduler at {where}", hint)

    # -- printers

    def printers(self) -> list[str]:
        res = self.run("lpstat", "-e")
        return [line.strip() for line in res.stdout.splitlines() if line.strip()]

    def default_printer(self) -> str | None:
        """CUPS's default destination (LPDEST/PRINTER, lpoptions -d, then the server's)."""
        m = re.search(r"system default destination:\s*(\S+)", self.run("lpstat", "-d").stdout)
        return m.group(1) if m else None

    def resolve(self, wanted: str | None) -> str:
        """The printer to use: ``wanted``, else CUPS's default; a clear error listing the printers."""
        names = self.printers()
        listed = ", ".join(names) if names else ""
        where = self.server()
        if wanted is None:
            default = self.default_printer()
            if default is None:
                if not names:
                    raise PrinterError(f"there are no printers on the CUPS server at {where}", _ADD_PRINTER_HINT)
                raise PrinterError(f"no printer given and CUPS has no default printer (printers: {listed})",
                                   f"choose one with -P {names[0]}, or make one the default: lpoptions -d {names[0]}")
            wanted = default
        if wanted not in names and wanted.split("/")[0] not in names:
            if not names:
                raise PrinterError(f"no printer '{wanted}': there are no printers on the CUPS server at {where}",
                                   _ADD_PRINTER_HINT)
            raise PrinterError(f"no printer '{wanted}' on the CUPS server at {where} (printers: {listed})",
                               f"choose one of them with -P, e.g. -P {names[0]}")
        return wanted

    def require_ready(self, printer: str) -> None:
        """A stopped or rejecting queue would hold or refuse the jobs: say so before sending any."""
        queue = printer.split("/")[0]
        state = self.run("lpstat", "-p", queue)
        first, reason = _first_and_reason(state.stdout)
        if re.search(r"\bdisabled\b", first):
            why = f": {reason}" if reason else ""
            raise PrinterError(f"printer '{queue}' is stopped{why}",
                               f"start it with `cupsenable {queue}` (CUPS stops a queue after a failed job; "
                               "check the printer first), then print again")
        accepting = self.run("lpstat", "-a", queue)
        first, reason = _first_and_reason(accepting.stdout)
        if "not accepting" in first:
            why = f": {reason}" if reason else ""
            raise PrinterError(f"printer '{queue}' is not accepting jobs{why}",
                               f"let it take jobs again with `cupsaccept {queue}`, or choose another printer with -P")

    def printer_uri(self, printer: str) -> str:
        server = self.server()
        host = "localhost" if server.startswith("/") else server
        return f"ipp://{host}/printers/{quote(printer.split('/')[0], safe='')}"

    def sides_supported(self, printer: str) -> frozenset[str] | None:
        """What the printer says about two-sided printing (IPP ``sides-supported``); None if it won't say.

        ``ipptool`` asks the scheduler directly and works for every queue,
        PPD-based or driverless. Without it, the queue's PPD options (``lpoptions
        -l``) tell the same thing: CUPS derives sides-supported from a Duplex option.
        """
        found = self._sides_ipptool(printer)
        if found is None:
            found = self._sides_lpoptions(printer)
        if found is None:
            log.warning("could not read what printer '%s' can do (no ipptool?); assuming it prints two-sided — "
                        "use --manual-duplex if it has no duplexer", printer)
        return found

    def _sides_ipptool(self, printer: str) -> frozenset[str] | None:
        if shutil.which("ipptool", path=self.env.get("PATH")) is None:
            return None
        with tempfile.TemporaryDirectory(prefix="pamphlet-ipp-") as tmp:
            test = Path(tmp) / "sides.test"
            test.write_text(_IPP_SIDES_TEST, encoding="utf-8")
            res = self.run("ipptool", "-T", str(int(self.timeout)), "-tv", self.printer_uri(printer), str(test))
        m = re.search(r"^\s*sides-supported \([^)]*\) = (.+)$", res.stdout, re.M)
        return frozenset(v.strip() for v in m.group(1).split(",")) if m else None

    def _sides_lpoptions(self, printer: str) -> frozenset[str] | None:
        if shutil.which("lpoptions", path=self.env.get("PATH")) is None:
            return None
        res = self.run("lpoptions", "-p", printer, "-l")
        if res.returncode != 0 or not res.stdout.strip():
            return None
        for line in res.stdout.splitlines():
            key, _, values = line.partition(":")
            if key.split("/")[0].strip().lower().endswith("duplex"):
                choices = {v.lstrip("*") for v in values.split()}
                found = {ONE_SIDED}
                if choices & {"DuplexNoTumble", "LongEdge"}:
                    found.add(LONG_EDGE)
                if choices & {"DuplexTumble", "ShortEdge"}:
                    found.add(SHORT_EDGE)
                return frozenset(found)
        return frozenset({ONE_SIDED})

    # -- sending

    def submit(self, job: Job) -> str:
        """Send one job; its id (``12``), or the whole request id when lp's answer has another shape."""
        argv = job.argv()
        res = self.run(*argv)
        if res.returncode != 0:
            raise _refused(job, res.stderr or res.stdout)
        m = re.search(r"request id is (\S+)", res.stdout)
        if not m:
            log.warning("lp did not say which job it made for %s: %s", job.file.name, res.stdout.strip())
            return "?"
        request = m.group(1)
        tail = re.search(r"-(\d+)$", request)
        return tail.group(1) if tail else request


_ADD_PRINTER_HINT = ("add one on the CUPS web page (http://localhost:631/admin) or with lpadmin, "
                     "or point CUPS_SERVER at a print server that has printers")

_IPP_SIDES_TEST = """{
  NAME "pamphlet: what the printer can do"
  OPERATION Get-Printer-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR keyword requested-attributes sides-supported,printer-state,printer-is-accepting-jobs
  STATUS successful-ok
}
"""


def _is_local(server: str) -> bool:
    return server.startswith(("/", "localhost", "127.", "[::1]"))


def _first_and_reason(text: str) -> tuple[str, str]:
    """lpstat's first line and the indented reason line under it (if any)."""
    lines = [line for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    reason = lines[1].strip() if len(lines) > 1 and lines[1][:1].isspace() else ""
    if reason in ("Paused", "Rejecting Jobs"):  # CUPS's own placeholders say nothing new
        reason = ""
    return first, reason


def _refused(job: Job, stderr: str) -> PrinterError:
    """lp's complaint as one line, with a hint that fits it."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    reason = re.sub(r"^(\S*/)?lp:\s*(Error\s*-\s*)?", "", lines[0]) if lines else "no reason given"
    printer = job.printer or "the default printer"
    low = reason.lower()
    if "not accepting" in low:
        hint = f"let it take jobs again with `cupsaccept {printer}`, or choose another printer with -P"
    elif any(w in low for w in ("not allowed", "forbidden", "unauthorized", "not authorized")):
        hint = f"the print server does not let you print on {printer}: ask whoever runs it, or choose another printer with -P"
    elif "does not exist" in low:
        hint = "list the printers with `lpstat -e` and choose one with -P"
    else:
        hint = f"check the queue with `lpstat -l -p {printer}` and the CUPS error log"
    return PrinterError(f"{printer} refused {job.file.name}: {reason}", hint)


# --------------------------------------------------------------------------- one run


def connect(cups: Cups, printer: str | None, *, dry_run: bool = False) -> Target:
    """Check CUPS and the printer before anything is built or sent.

    A dry run sends nothing, so it goes on without CUPS (a warning, and ``lp``
    without ``-d`` when no printer was named); a named printer that does not
    exist is still an error.
    """
    try:
        cups.require_scheduler()
    except PrinterError as exc:
        if not dry_run:
            raise
        log.warning("%s; showing the commands anyway", exc.message)
        return Target(printer, None)
    name = cups.resolve(printer)
    if dry_run:
        try:
            cups.require_ready(name)
        except PrinterError as exc:
            log.warning("%s", exc.message)
    else:
        cups.require_ready(name)
    return Target(name, cups.sides_supported(name))


def send(steps: Sequence[Step], cups: Cups, *, report: Callable[[str], None],
         ask: Callable[[str], str | None]) -> list[tuple[Job, str]]:
    """Send the jobs in order; ``report`` gets one line per job, ``ask`` each manual-duplex pause.

    ``ask`` returns the user's answer, or None at the end of input: then the
    backs are not sent and the error names the command that sends them.
    """
    sent: list[tuple[Job, str]] = []
    reverse = False
    for step in steps:
        if isinstance(step, Pause):
            answer = ask(step.text)
            if answer is None:
                backs = next(s for s in steps[steps.index(step):] if isinstance(s, Job))
                raise PrinterError(f"no answer on standard input: the backs of {step.file.name} were not printed",
                                   "run pamphlet print in a terminal, or print the backs yourself: "
                                   + shlex.join(backs.argv()))
            reverse = answer.strip().lower().startswith("r")
            continue
        job = replace(step, reverse=True) if reverse and step.part == "backs" else step
        reverse = False
        try:
            job_id = cups.submit(job)
        except PrinterError as exc:
            if sent:
                done = ", ".join(f"{j.file.name}{f' {j.part}' if j.part else ''} (job {i})" for j, i in sent)
                exc.message += f" (already sent: {done})"
            raise
        sent.append((job, job_id))
        report(job_line(job, job_id))
    return sent


def job_line(job: Job, job_id: str) -> str:
    """``en/booklet → PDF job 12: 2 sheets, two-sided-short-edge, A4``."""
    part = f" ({job.part}{', last sheet first' if job.reverse else ''})" if job.part else ""
    return f"{job.file.name} → {job.printer or 'default printer'} job {job_id}{part}: {job.describe()}"


# --------------------------------------------------------------------------- the test sheet


def write_test_sheet(out: Path, paper: str) -> PrintFile:
    """Write the duplex test sheet into ``out`` (kept, so a dry run's command can be rerun)."""
    pdf = test_sheet_pdf(paper)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"pamphlet-test-sheet-{paper}.pdf"
    fd, tmp = tempfile.mkstemp(dir=out, prefix=".test-sheet-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pdf)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return PrintFile("test sheet", path, LONG_EDGE, paper, 1, 2)


def test_sheet_steps(sheet: PrintFile, target: Target, copies: int = 1) -> list[Step]:
    """The test sheet is always one two-sided-long-edge job: it tests the printer's duplex, not ours."""
    if target.supported is not None and LONG_EDGE not in target.supported:
        log.warning("printer '%s' says it cannot print two-sided: the test sheet will come out as two sheets "
                    "(print with --manual-duplex)", target.printer)
    return [Job(sheet, target.printer, copies, LONG_EDGE)]


def test_sheet_pdf(paper: str) -> bytes:
    """Two pages: a front, and a back whose verdict is written twice — once upright, once upside down.

    After a long-edge duplex print and a turn like a book page, the half of the
    back that reads the right way up is the verdict: upright means the printer
    flips as asked; the upside-down half says the driver flips on the other edge
    and how to fix it. A back on a second sheet means there is no duplex at all.
    """
    from . import render
    from .resources import fonts_dir

    html = _TEST_SHEET_HTML.format(size=MEDIA[paper], paper=MEDIA[paper], fonts=fonts_dir().as_uri(),
                                   arrow=_ARROW)
    laid = render.lay_out(html, fonts_dir(), [fonts_dir()])
    return render.write_pdf(laid)


_ARROW = ('<svg class="arrow" viewBox="0 0 100 100" width="24mm" height="24mm">'
          '<polygon points="50,4 94,52 66,52 66,96 34,96 34,52 6,52" fill="#000"/></svg>')

_TEST_SHEET_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pamphlet duplex test sheet</title>
<style>
@font-face {{ font-family: TestSans; src: url({fonts}/noto/NotoSans-Regular.ttf); }}
@font-face {{ font-family: TestSans; font-weight: bold; src: url({fonts}/noto/NotoSans-Bold.ttf); }}
@page {{ size: {size} portrait; margin: 14mm; }}
html {{ font-family: TestSans, sans-serif; font-size: 12pt; line-height: 1.35; color: #000; }}
body {{ margin: 0; }}
.page {{ height: 268mm; position: relative; page-break-after: always; }}
.page:last-child {{ page-break-after: auto; }}
.top {{ text-align: center; }}
.top b {{ display: block; font-size: 40pt; line-height: 1; letter-spacing: 4pt; }}
.side {{ font-size: 72pt; font-weight: bold; text-align: center; margin: 8mm 0 6mm; line-height: 1; }}
.half {{ height: 132mm; overflow: hidden; }}
.half .side {{ font-size: 40pt; margin: 3mm 0; }}
.flipped {{ transform: rotate(180deg); }}
.verdict {{ font-size: 20pt; font-weight: bold; text-align: center; margin: 0 0 3mm; }}
p {{ margin: 0 0 3mm; }}
code {{ font-family: TestSans, sans-serif; font-weight: bold; }}
.small {{ font-size: 10pt; }}
</style></head><body>
<div class="page">
  <div class="top">{arrow}<b>TOP</b></div>
  <div class="side">FRONT</div>
  <p>This is the pamphlet duplex test sheet ({paper}). It was sent two-sided, flip on the long edge
  (<code>sides=two-sided-long-edge</code>), the way leaflets and handbills are printed, with no scaling.</p>
  <p><b>Turn this sheet over like a page in a book</b>: around its long side (its left or right edge), keeping
  this TOP arrow at the top. Then look at the back. It has two messages, one of them upside down:
  <b>the one you can read the right way up is the answer.</b></p>
  <p>Only this side printed, and the back came out on a second sheet? Then your printer printed one-sided: it has
  no duplexer, or two-sided printing is switched off in its settings. Print with
  <code>pamphlet print --manual-duplex</code>, which prints the fronts, tells you how to turn the stack and then
  prints the backs.</p>
  <p class="small">Scaling check: this text sits 14 mm from every edge of the paper. If the margins look
  uneven or larger, your printer scaled the page — set "actual size" / "100 %" in its settings.</p>
</div>
<div class="page">
  <div class="half">
    <div class="top">{arrow}<b>TOP</b></div>
    <div class="side">BACK</div>
    <p class="verdict">This back is the right way up.</p>
    <p>Your printer flips on the long edge when asked to. <code>pamphlet print</code> will print leaflets and
    handbills (long edge) and booklets and tri-folds (short edge) the right way round: nothing to change.</p>
  </div>
  <div class="half flipped">
    <div class="top">{arrow}<b>TOP</b></div>
    <div class="side">BACK</div>
    <p class="verdict">This back came out upside down.</p>
    <p>Your printer flips on the other edge: asked for the long edge it flips on the short one. Print with
    <code>pamphlet print --swap-edges</code>. Printing by hand, choose "short edge" for leaflets and handbills and
    "long edge" for booklets and tri-folds.</p>
  </div>
</div>
</body></html>
"""
