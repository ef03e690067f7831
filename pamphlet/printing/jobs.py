"""The plan: which ``lp`` jobs print the built files, with which sides, media and copies.

Pure: nothing here runs a command or asks CUPS. What the printer said it can do
comes in as a :class:`Target` (from :func:`pamphlet.printing.cups.connect`); what
comes out is a list of steps — jobs, and for manual duplex the pause between
the fronts and the backs — that :func:`pamphlet.printing.cups.send` sends, or
:func:`dry_run_lines` shows.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pamphlet.errors import PrinterError

ONE_SIDED = "one-sided"
LONG_EDGE = "two-sided-long-edge"
SHORT_EDGE = "two-sided-short-edge"
SIDES = (ONE_SIDED, LONG_EDGE, SHORT_EDGE)
MEDIA = {"a4": "A4", "letter": "Letter"}


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
class Target:
    """The printer a run sends to, and what it said it can do."""

    printer: str | None
    supported: frozenset[str] | None  # sides-supported; None when unknown


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


def job_line(job: Job, job_id: str) -> str:
    """``en/booklet → PDF job 12: 2 sheets, two-sided-short-edge, A4``."""
    part = f" ({job.part}{', last sheet first' if job.reverse else ''})" if job.part else ""
    return f"{job.file.name} → {job.printer or 'default printer'} job {job_id}{part}: {job.describe()}"
