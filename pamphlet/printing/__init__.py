"""Sending the printer files to CUPS with the duplex each layout needs.

CUPS will never impose (apple/cups#2051), and its defaults are exactly wrong
for folded work: "fit to page" scaling moves every fold, and a booklet printed
"long edge" comes out with every back upside down. So every job states its
``sides``, ``media`` and ``print-scaling=none`` itself, and the ``sides`` value
comes from the build (the layout catalogue owns it), never from a layout name.

Printers without a duplexer get manual duplex: the fronts, an exact instruction
for turning the stack, a wait for Enter, then the backs. Nothing here prints:
the CLI passes ``report`` and ``ask`` callbacks to :func:`send`.

* :mod:`.jobs` — the plan, pure: the files to send, the ``lp`` jobs with their
  sides, media and copies, the manual-duplex steps, the dry-run lines;
* :mod:`.cups` — the CUPS client: ``lp``, ``lpstat``, ``lpoptions`` and
  ``ipptool`` run as subprocesses; :func:`connect` and :func:`send`;
* :mod:`.testsheet` — the duplex test sheet (its page is ``templates/test-sheet/``).
"""

from __future__ import annotations

from pamphlet.printing.cups import TIMEOUT, Cups, connect, send
from pamphlet.printing.jobs import (
    LONG_EDGE,
    MEDIA,
    ONE_SIDED,
    SHORT_EDGE,
    SIDES,
    SIZES,
    Job,
    Media,
    Pause,
    PrintFile,
    Step,
    Target,
    dry_run_lines,
    job_line,
    media_of,
    needs_manual,
    on_paper,
    plan,
    print_files,
    printer_media,
    swap_edge,
    turn_instructions,
)
from pamphlet.printing.testsheet import test_sheet_pdf, test_sheet_steps, write_test_sheet

__all__ = [
    "LONG_EDGE", "MEDIA", "ONE_SIDED", "SHORT_EDGE", "SIDES", "SIZES", "TIMEOUT",
    "Cups", "Job", "Media", "Pause", "PrintFile", "Step", "Target",
    "connect", "dry_run_lines", "job_line", "media_of", "needs_manual", "on_paper", "plan", "print_files",
    "printer_media", "send", "swap_edge",
    "test_sheet_pdf", "test_sheet_steps", "turn_instructions", "write_test_sheet",
]
