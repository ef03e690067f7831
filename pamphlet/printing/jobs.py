"""The plan: which ``lp`` jobs print the built files, with which sides, media and copies.

Pure: nothing here runs a command or asks CUPS. What the printer said it can do
comes in as a :class:`Target` (from :func:`pamphlet.printing.cups.connect`); what
comes out is a list of steps — jobs, and for manual duplex the pause between
the fronts and the backs — that :func:`pamphlet.printing.cups.send` sends, or
:func:`dry_run_lines` shows.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pamphlet.errors import PrinterError

ONE_SIDED = "one-sided"
LONG_EDGE = "two-sided-long-edge"
SHORT_EDGE = "two-sided-short-edge"
SIDES = (ONE_SIDED, LONG_EDGE, SHORT_EDGE)
MEDIA = {"a4": "A4", "letter": "Letter"}


@dataclass(frozen=True)
class Media:
    """A paper size a printer file may need: its name for the job line, what ``lp -o media=`` gets when
    the printer does not list its own names, and its size (portrait, mm)."""

    label: str
    lp: str
    width: float
    height: float

    def fits(self, w: float, h: float, tolerance: float = 1.5) -> bool:
        """A page of ``w`` × ``h`` mm, either way round, is this size."""
        a, b = sorted((w, h))
        return abs(a - self.width) <= tolerance and abs(b - self.height) <= tolerance


#: The sizes printer files come in: office paper, and a poster's or an A3 placard's (the size decides, never
#: the layout's name). PWG self-describing names (``iso_a2_420x594mm``) carry the size; ``lp`` gets the legacy
#: name only when the printer did not say what it has.
SIZES = (
    Media("A4", "A4", 210.0, 297.0),
    Media("Letter", "Letter", 215.9, 279.4),
    Media("A3", "A3", 297.0, 420.0),
    Media("A2", "A2", 420.0, 594.0),
    Media("Tabloid", "Tabloid", 279.4, 431.8),
    Media("18×24 in", "na_arch-c_18x24in", 457.2, 609.6),
)
#: Legacy names (a PPD's PageSize, ``lpoptions -l``) for the sizes above, when IPP's media-supported is not known.
_LEGACY = {"a4": "A4", "letter": "Letter", "a3": "A3", "a2": "A2", "tabloid": "Tabloid", "ledger": "Tabloid",
           "11x17": "Tabloid", "archc": "18×24 in", "18x24": "18×24 in", "18x24in": "18×24 in"}
_PWG_SIZE = re.compile(r"_(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)(mm|in)$")


def media_of(size: tuple[float, float], paper: str) -> Media | None:
    """The known size a page of ``size`` mm is (the build's paper first), or None."""
    office = next(m for m in SIZES if m.label == MEDIA[paper])
    return next((m for m in (office, *SIZES) if m.fits(*size)), None)


def printer_media(media: Media, supported: frozenset[str] | None) -> str | None:
    """The printer's own name for ``media`` from its media list (``iso_a2_420x594mm``, or ``A2`` from a PPD);
    None when the list is known and has no such paper, the legacy name when the list is not known."""
    if supported is None:
        return media.lp
    for name in sorted(supported):
        if name.startswith("custom_"):  # custom_min_…/custom_max_…: a range, not paper in a tray
            continue
        m = _PWG_SIZE.search(name)
        if m:
            unit = 25.4 if m.group(3) == "in" else 1.0
            if media.fits(float(m.group(1)) * unit, float(m.group(2)) * unit):
                return name
        elif _LEGACY.get(name.lower().replace(" ", "")) == media.label:
            return name
    return None


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
    media: Media | None = None          # the paper its pages need when it is not ``paper`` (an A3 placard)
    full_size: PrintFile | None = None  # a poster at its own size, sent instead of its tiles to a printer
                                        # that lists that paper
    lp_media: str | None = None         # the printer's name for ``media`` (from its media list), once chosen

    @property
    def title(self) -> str:
        return self.path.stem

    @property
    def media_name(self) -> str:
        """What ``lp -o media=`` gets."""
        return self.lp_media or (self.media.lp if self.media else MEDIA[self.paper])

    @property
    def media_label(self) -> str:
        """How the job line names the paper: A4, Letter, A2…"""
        return self.media.label if self.media else MEDIA[self.paper]


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
        # One-sided: a sheet a page (a placard's boards, a poster's tiles), whatever the summary counted.
        sheets = pages if r.cups_sides == ONE_SIDED else r.sheets or max(1, (pages + 1) // 2)
        paper = r.paper or "a4"
        size = page_size_mm(path)
        media = media_of(size, paper) if size else None
        if media is not None and media.label == MEDIA[paper]:
            media = None  # office paper: the build's own
        full = None
        if r.print_path and r.path and r.print_path != r.path and (r.pages or 1) == 1:
            # A poster printed as tiles: its reading PDF, one big page, is the full size for a printer with that paper.
            big = page_size_mm(Path(r.path))
            found = media_of(big, paper) if big else None
            if found is not None and found.label != MEDIA[paper]:
                full = PrintFile(_name(r), Path(r.path), ONE_SIDED, paper, 1, 1, media=found)
        files.append(PrintFile(_name(r), path, r.cups_sides, paper, sheets, pages, media=media, full_size=full))
    return files


def page_size_mm(path: Path) -> tuple[float, float] | None:
    """The first page's size (mm) of a built PDF; None when it cannot be read (then the paper is assumed)."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            box = [float(v) for v in pdf.pages[0].trimbox]
    except (OSError, pikepdf.PdfError, IndexError):
        return None
    return round((box[2] - box[0]) * 25.4 / 72, 1), round((box[3] - box[1]) * 25.4 / 72, 1)


def _name(result: Any) -> str:
    """``en/booklet`` (with the variant in front when there is one)."""
    return getattr(result, "name", None) or f"{result.lang}/{result.layout}"


# --------------------------------------------------------------------------- jobs and the plan


@dataclass(frozen=True)
class Target:
    """The printer a run sends to, and what it said it can do."""

    printer: str | None
    supported: frozenset[str] | None  # sides-supported; None when unknown
    media: frozenset[str] | None = None  # media-supported (the paper sizes it lists); None when unknown


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
        cmd += ["-n", str(self.copies), "-o", f"sides={self.sides}", "-o", f"media={self.file.media_name}",
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
        text = f"{n} sheet{'s' if n != 1 else ''}, {self.sides}, {self.file.media_label}"
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


def on_paper(f: PrintFile, printer: str | None, media: frozenset[str] | None) -> PrintFile:
    """The file to send for ``f`` on a printer with ``media`` (its media-supported list; None: not known).

    A poster goes at full size to a printer that lists its paper (A2, A3…), else as its tiles on office
    paper; a file whose pages need paper the printer does not list (an A3 placard) is refused.
    """
    if f.full_size is not None and f.full_size.media is not None and media is not None:
        name = printer_media(f.full_size.media, media)
        if name is not None:
            return replace(f.full_size, lp_media=name)
    if f.media is None:
        return f
    name = printer_media(f.media, media)
    if name is None:
        who = printer or "the printer"
        raise PrinterError(f"{who} has no {f.media.label} paper for {f.name} (its pages are {f.media.label}); "
                           "nothing was sent",
                           f"choose a printer that lists {f.media.label} with -P (`lpoptions -p PRINTER -l` shows "
                           "a printer's page sizes), or build it for office paper")
    return replace(f, lp_media=name)


def plan(files: Sequence[PrintFile], printer: str | None, copies: int = 1, *, manual_duplex: bool = False,
         supported: frozenset[str] | None = None, swap_edges: bool = False,
         media: frozenset[str] | None = None) -> list[Step]:
    """The jobs (and manual-duplex pauses) that print ``files``, in order.

    ``media``: the paper the printer lists (IPP media-supported), which decides between a poster's full
    size and its tiles; None (not known) sends the tiles, which every printer can print.
    """
    steps: list[Step] = []
    for f in [on_paper(f, printer, media) for f in files]:  # every refusal before any job
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
