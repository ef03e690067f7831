"""Shared helpers: build real PDFs and read them back (pypdfium2, pikepdf)."""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from typer.testing import CliRunner

from pamphlet import cli

# Each test session gets its own caches (font coverage, hyphenation) and builds
# in-process: tests run in parallel already, a worker pool inside each would
# oversubscribe the cores. Tests about parallelism pass -j themselves.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="pamphlet-test-cache-")
os.environ["PAMPHLET_JOBS"] = "1"
os.environ.pop("SOURCE_DATE_EPOCH", None)

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = Path(__file__).parent.parent / "content"
PT_PER_MM = 72 / 25.4


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str
    output: str


def run_cli(*args: str | Path, cwd: Path | None = None, input: str | None = None) -> CliResult:
    """Run the command line in-process exactly as ``main()`` does (our error format, exit codes)."""
    runner = CliRunner()
    old = Path.cwd()
    if cwd:
        os.chdir(cwd)
    try:
        with runner.isolation(input=input) as (stdout, stderr, output):
            code = cli.run([str(a) for a in args])
            sys.stdout.flush()
            sys.stderr.flush()
            return CliResult(code, stdout.getvalue().decode(), stderr.getvalue().decode(), output.getvalue().decode())
    finally:
        os.chdir(old)


def logical_pdf(path: Path) -> bytes:
    """The PDF without ``/ViewerPreferences /Direction``: pdfium honours ``/R2L`` when extracting text and
    then returns Latin runs of right-to-left pages back to front (``solidarity/org.example``)."""
    import io

    with pikepdf.open(path) as pdf:
        prefs = pdf.Root.get("/ViewerPreferences")
        if prefs is not None and "/Direction" in prefs:
            del prefs.Direction
        buffer = io.BytesIO()
        pdf.save(buffer)
        return buffer.getvalue()


def page_texts(path: Path) -> list[str]:
    """Each page's text in logical order (see ``logical_pdf``)."""
    pdf = pdfium.PdfDocument(logical_pdf(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def page_sizes_mm(path: Path) -> list[tuple[float, float]]:
    with pikepdf.open(path) as pdf:
        out = []
        for page in pdf.pages:
            box = page.trimbox if "/TrimBox" in page.obj else page.mediabox
            x0, y0, x1, y1 = (float(v) for v in box)
            out.append((round((x1 - x0) / PT_PER_MM, 1), round((y1 - y0) / PT_PER_MM, 1)))
        return out


def fonts_in(path: Path) -> dict[str, bool]:
    """Every font's base name → whether its program is embedded."""
    found: dict[str, bool] = {}
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                name = str(obj.get("/FontName"))
                found[name] = any(k in obj for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def text_boxes(path: Path, page_index: int, needle: str) -> list[tuple[float, float, float, float]]:
    """Boxes (left, bottom, right, top in pt) where ``needle`` occurs on a page."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        tp = pdf[page_index].get_textpage()
        searcher = tp.search(needle, match_case=False)
        boxes = []
        while (hit := searcher.get_next()) is not None:
            start, count = hit
            rects = [tp.get_charbox(i) for i in range(start, start + count)]
            boxes.append((min(r[0] for r in rects), min(r[1] for r in rects),
                          max(r[2] for r in rects), max(r[3] for r in rects)))
        return boxes
    finally:
        pdf.close()


def copy_project(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


class _WeasyPrintWarnings(logging.Handler):
    """Every warning WeasyPrint logs while a test runs (our own templates must cause none)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record.getMessage())


WEASYPRINT_WARNINGS = _WeasyPrintWarnings()
logging.getLogger("weasyprint").addHandler(WEASYPRINT_WARNINGS)


@pytest.fixture(autouse=True)
def no_weasyprint_warnings(request):
    """Like WeasyPrint's own ``assert_no_logs``: a warning from our templates is a bug.

    Tests that feed WeasyPrint something bad on purpose mark themselves
    ``@pytest.mark.weasyprint_warnings``.
    """
    start = len(WEASYPRINT_WARNINGS.records)
    yield
    new = WEASYPRINT_WARNINGS.records[start:]
    if new and not request.node.get_closest_marker("weasyprint_warnings"):
        pytest.fail(f"WeasyPrint warned: {new[:3]}")


def pytest_configure(config):
    config.addinivalue_line("markers", "weasyprint_warnings: the test expects WeasyPrint to log warnings")


def shared_dir(tmp_path_factory) -> Path:
    """A folder shared by all xdist workers of this test run (and only this run)."""
    uid = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if uid is None:
        return tmp_path_factory.getbasetemp()
    path = tmp_path_factory.getbasetemp().parent / f"shared-{uid}"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def example_matrix(tmp_path_factory) -> Path:
    """The bundled example, every language × every layout, built once for all test workers.

    pytest-xdist runs session fixtures once per worker: the first worker builds
    under a file lock, the others find every edition up to date in the manifest.
    """
    root = shared_dir(tmp_path_factory)
    out = root / "example-matrix"
    with open(root / "example-matrix.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        start = len(WEASYPRINT_WARNINGS.records)
        result = run_cli("build", EXAMPLE, "-l", "all", "-o", out, "--json")
        assert result.exit_code == 0, result.output
        assert WEASYPRINT_WARNINGS.records[start:] == []
        (out / "summary.json").write_text(result.stdout, encoding="utf-8")
    return out


def matrix_editions(out: Path) -> dict[tuple[str, str], dict]:
    """The example matrix's --json records by (lang, layout)."""
    import json

    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {(e["lang"], e["layout"]): e for e in data["editions"]}


@pytest.fixture(scope="session")
def example_build(example_matrix) -> Path:
    """The bundled example's editions (every language × layout), shared by the whole session."""
    return example_matrix
