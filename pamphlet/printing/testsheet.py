"""The duplex test sheet: which edge a printer really flips on, and its one job.

Its page is the built-in template ``templates/test-sheet/page.html`` (with
``style.css`` beside it), laid out by WeasyPrint with the bundled fonts.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pamphlet.output import atomic_write
from pamphlet.printing.jobs import LONG_EDGE, MEDIA, Job, PrintFile, Step, Target

log = logging.getLogger(__name__)

TEMPLATE = "test-sheet/page.html"


def write_test_sheet(out: Path, paper: str) -> PrintFile:
    """Write the duplex test sheet into ``out`` (kept, so a dry run's command can be rerun)."""
    path = out / f"pamphlet-test-sheet-{paper}.pdf"
    atomic_write(path, test_sheet_pdf(paper))
    return PrintFile("test sheet", path, LONG_EDGE, paper, 1, 2)


def test_sheet_steps(sheet: PrintFile, target: Target, copies: int = 1) -> list[Step]:
    """The test sheet is always one two-sided-long-edge job: it tests the printer's duplex, not ours."""
    if target.supported is not None and LONG_EDGE not in target.supported:
        log.warning("printer '%s' says it cannot print two-sided: the test sheet will come out as two sheets "
                    "(print with --manual-duplex)", target.printer)
    return [Job(sheet, target.printer, copies, LONG_EDGE)]


def test_sheet_html(paper: str) -> str:
    """The test sheet's page for ``paper`` ("a4" or "letter")."""
    from pamphlet.resources import fonts_dir
    from pamphlet.text import templates

    return templates.render(TEMPLATE, {"media": MEDIA[paper], "fonts": fonts_dir().as_uri()}, None)


def test_sheet_pdf(paper: str) -> bytes:
    """Two pages: a front, and a back whose verdict is written twice — once upright, once upside down.

    After a long-edge duplex print and a turn like a book page, the half of the
    back that reads the right way up is the verdict: upright means the printer
    flips as asked; the upside-down half says the driver flips on the other edge
    and how to fix it. A back on a second sheet means there is no duplex at all.
    """
    from pamphlet.pages import render
    from pamphlet.resources import fonts_dir

    laid = render.lay_out(test_sheet_html(paper), fonts_dir(), [fonts_dir()])
    return render.write_pdf(laid)
