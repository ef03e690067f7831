"""The CUPS client: the command-line tools ``lp``, ``lpstat``, ``lpoptions`` and ``ipptool``.

We shell out to them rather than bind libcups: pycups is GPL and needs a
compiler, and the commands are what a user can rerun by hand (``--dry-run``
prints them). Every tool runs with ``LC_ALL=C`` because we read its English
messages, and with a timeout. :func:`connect` checks the scheduler and the
printer before anything is built; :func:`send` sends a plan's steps
(:mod:`pamphlet.printing.jobs`) in order.
"""

from __future__ import annotations

import logging
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from pamphlet.errors import PrinterError
from pamphlet.printing.jobs import LONG_EDGE, ONE_SIDED, SHORT_EDGE, Job, Pause, Step, Target, job_line

log = logging.getLogger(__name__)

TIMEOUT = 30.0  # seconds for one CUPS command; a scheduler that takes longer is as good as gone

_INSTALL_HINT = ("install CUPS (Debian/Ubuntu: apt install cups; macOS has it), or print the -print.pdf files "
                 "by hand as docs/printing.md, 'By hand', describes")


class Cups:
    """The CUPS command-line tools, run with C messages and a timeout; honours ``CUPS_SERVER``."""

    def __init__(self, env: dict[str, str] | None = None, timeout: float = TIMEOUT):
        self.env = {**(os.environ if env is None else env), "LC_ALL": "C", "LANG": "C", "LANGUAGE": "C"}
        self.timeout = timeout
        self._server: str | None = None
        self._ipp: dict[str, str | None] = {}  # printer → ipptool's answer about it (asked once)

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

    def _ipp_attributes(self, printer: str) -> str | None:
        """What the scheduler says about the printer (ipptool's verbose answer), asked once; None without ipptool."""
        if printer not in self._ipp:
            if shutil.which("ipptool", path=self.env.get("PATH")) is None:
                self._ipp[printer] = None
            else:
                with tempfile.TemporaryDirectory(prefix="pamphlet-ipp-") as tmp:
                    test = Path(tmp) / "sides.test"
                    test.write_text(_IPP_SIDES_TEST, encoding="utf-8")
                    res = self.run("ipptool", "-T", str(int(self.timeout)), "-tv", self.printer_uri(printer), str(test))
                self._ipp[printer] = res.stdout
        return self._ipp[printer]

    def _ipp_values(self, printer: str, attribute: str) -> frozenset[str] | None:
        answer = self._ipp_attributes(printer)
        m = re.search(rf"^\s*{attribute} \([^)]*\) = (.+)$", answer or "", re.M)
        return frozenset(v.strip() for v in m.group(1).split(",")) if m else None

    def _sides_ipptool(self, printer: str) -> frozenset[str] | None:
        return self._ipp_values(printer, "sides-supported")

    def media_supported(self, printer: str) -> frozenset[str] | None:
        """The paper sizes the printer lists (IPP ``media-supported``: ``iso_a4_210x297mm``, …); None if it won't say.

        Without ``ipptool``, the queue's PPD page sizes (``lpoptions -l``: ``A4``, ``A3``, …) say the same.
        It decides whether a poster goes at full size (a printer that has its paper) or as tiles.
        """
        found = self._ipp_values(printer, "media-supported")
        if found is None and shutil.which("lpoptions", path=self.env.get("PATH")) is not None:
            res = self.run("lpoptions", "-p", printer, "-l")
            for line in res.stdout.splitlines() if res.returncode == 0 else ():
                key, _, values = line.partition(":")
                if key.split("/")[0].strip() == "PageSize":
                    found = frozenset(v.lstrip("*") for v in values.split() if not v.startswith("Custom."))
        return found

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
  ATTR keyword requested-attributes sides-supported,media-supported,printer-state,printer-is-accepting-jobs
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
    return Target(name, cups.sides_supported(name), cups.media_supported(name))


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
