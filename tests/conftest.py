"""Shared helpers: build real PDFs and read them back (pypdfium2, pikepdf).

Also the suite's own rules, applied to every test (see ``pytest_collection_modifyitems``):

* a warning logged by WeasyPrint or by pamphlet itself fails the test unless it declares it
  (``@pytest.mark.expect_warnings("text", …)``, ``@pytest.mark.weasyprint_warnings``);
* ``slow`` marks what ``make test-fast`` leaves out (the big shared builds, and the tests measured slow);
* a missing CUPS or Chromium skips its tests, except under ``CI=true`` where it fails them.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

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

#: Under ``CI=true`` a service the suite needs (CUPS, Chromium) that is missing fails the run.
CI = os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


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
        _fresh_pamphlet_logger()  # as after ``main()``, whose process ends: no level or handler left behind
        _fresh_consoles()


def _fresh_consoles() -> None:
    """The CLI's consoles as a new process has them: no Rich console created yet, so what goes to a pipe is
    plain text. Once one run created it (`pamphlet layouts` measures the width), every later run in the same
    test worker printed Rich tables wrapped at 80 columns, and a test read its rows depending on the order."""
    for console in (cli.out, cli.err):
        console._console = None


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


def letters_only(text: str) -> str:
    """Letters and digits only (digits as ASCII): PDF text extraction moves Arabic vowel marks around, so
    marks go too. For comparing the words of a source with a PDF's text."""
    import unicodedata

    out = []
    for ch in unicodedata.normalize("NFKC", text).casefold():
        cat = unicodedata.category(ch)
        if cat[0] == "L" or cat == "Nd":
            out.append(str(unicodedata.digit(ch)) if cat == "Nd" else ch)
    return "".join(out)


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


def font_sizes(path: Path, page_index: int, needle: str) -> list[float]:
    """The font size of every occurrence of ``needle`` on a page, from its first character (pdfium's unit,
    px: × 0.75 for points)."""
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(str(path))
    try:
        tp = pdf[page_index].get_textpage()
        found, search = [], tp.search(needle)
        while (hit := search.get_next()) is not None:
            found.append(pdfium_c.FPDFText_GetFontSize(tp, hit[0]))
        return found
    finally:
        pdf.close()


def pictures_placed(path: Path) -> list[tuple[int, float, float]]:
    """Every picture drawn in a PDF: (its page, 0-based; its height and width as shares of the page's)."""
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(str(path))
    try:
        placed = []
        for n, page in enumerate(pdf):
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
                left, bottom, right, top = obj.get_bounds()
                placed.append((n, (top - bottom) / page.get_height(), (right - left) / page.get_width()))
        return placed
    finally:
        pdf.close()


def copy_project(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


# --- stray warnings ------------------------------------------------------------------------------------------
#
# WeasyPrint's warnings and pamphlet's own are captured where every logger hands a record to its
# handlers, ``Logger.callHandlers``. A handler would not do: the CLI replaces the handlers of the
# ``pamphlet`` logger on every run and stops it propagating (``_setup_logging``: ``propagate =
# False``), so a handler on the root logger never sees pamphlet's records and one on ``pamphlet``
# is thrown away by the next run; a filter on ``pamphlet`` would not see its children's records
# (``pamphlet.editions.batch`` …), which skip the parents' filters. ``callHandlers`` runs once for every
# record that passed its logger's level, whatever the handlers and ``propagate`` are. What the CLI
# does not log at all (``--json`` raises the level to ERROR: the warnings are in the JSON) is not
# seen, as the user does not see it either.


class _Captured:
    """The warnings (and errors) one family of loggers logged: messages, in order."""

    def __init__(self, family: str) -> None:
        self.family = family
        self.records: list[str] = []

    def mine(self, record: logging.LogRecord) -> bool:
        return record.name == self.family or record.name.startswith(self.family + ".")


WEASYPRINT_WARNINGS = _Captured("weasyprint")
PAMPHLET_WARNINGS = _Captured("pamphlet")
_CAPTURED = (WEASYPRINT_WARNINGS, PAMPHLET_WARNINGS)
_call_handlers = logging.Logger.callHandlers


def _call_handlers_capturing(self: logging.Logger, record: logging.LogRecord) -> None:
    if record.levelno >= logging.WARNING:
        for captured in _CAPTURED:
            if captured.mine(record):
                captured.records.append(record.getMessage())
    _call_handlers(self, record)


logging.Logger.callHandlers = _call_handlers_capturing  # type: ignore[method-assign]


def _fresh_pamphlet_logger() -> None:
    """The ``pamphlet`` logger as a fresh process has it: a CLI run before must not decide whether a library
    call's warning is logged (``--json`` left the level at ERROR) or where it goes."""
    log = logging.getLogger("pamphlet")
    log.handlers[:] = []
    log.setLevel(logging.NOTSET)
    log.propagate = True


@contextlib.contextmanager
def logged() -> Iterator[dict[str, list[str]]]:
    """What WeasyPrint and pamphlet log while the block runs: ``{"weasyprint": [...], "pamphlet": [...]}``."""
    starts = [len(c.records) for c in _CAPTURED]
    found: dict[str, list[str]] = {}
    try:
        yield found
    finally:
        for captured, start in zip(_CAPTURED, starts, strict=True):
            found[captured.family] = captured.records[start:]


@pytest.fixture(autouse=True)
def no_weasyprint_warnings(request):
    """Like WeasyPrint's own ``assert_no_logs``: a warning from our templates, or one pamphlet logs, is a bug.

    A test that causes one on purpose says so: ``@pytest.mark.weasyprint_warnings`` (WeasyPrint's, any),
    ``@pytest.mark.expect_warnings("text", …)`` (pamphlet's or WeasyPrint's containing one of the texts, and
    each text must turn up), ``@pytest.mark.expect_warnings`` (any), or an entry in ``EXPECTED_WARNINGS`` below.
    """
    _fresh_pamphlet_logger()
    with logged() as found:
        yield
    _fresh_pamphlet_logger()
    expect = request.node.get_closest_marker("expect_warnings")
    texts: tuple[str, ...] = tuple(expect.args) if expect else ()
    stray = [f"{family}: {m}" for family, messages in found.items() for m in messages
             if not (family == "weasyprint" and request.node.get_closest_marker("weasyprint_warnings"))
             and not (expect and (not texts or any(t in m for t in texts)))]
    if stray:
        pytest.fail(f"unexpected warnings (declare them with @pytest.mark.expect_warnings): {stray[:3]}",
                    pytrace=False)
    missing = [t for t in texts if not any(t in m for messages in found.values() for m in messages)]
    if missing:
        pytest.fail(f"expected a warning containing {missing[0]!r}; none was logged", pytrace=False)


# --- services: skipped here, required under CI ---------------------------------------------------------------


def missing_service(reason: str) -> NoReturn:
    """Skip the test for want of a service (CUPS, Chromium), or fail it under ``CI=true``: there a missing
    service is a broken runner, not a reason to pass with the printing tests unrun."""
    if CI:
        pytest.fail(f"{reason} (CI=true: a missing service fails the run instead of skipping its tests)",
                    pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """``@pytest.mark.needs_service(reason)``: ``reason`` None means it is there; else ``missing_service``."""
    for mark in item.iter_markers("needs_service"):
        if mark.args and mark.args[0] is not None:
            missing_service(mark.args[0])


# --- the fast tier -------------------------------------------------------------------------------------------

#: A test that needs one of these builds is slow: the example in every language × layout (25 editions), the
#: corpus (35), every language's leaflet, the variants, the notice (5), the scripts sheet (12), a preview, a
#: private cupsd, a browser.
SLOW_FIXTURES = frozenset({"example_matrix", "example_build", "corpus_a4", "corpus_letter", "udhr_build",
                           "variants_build", "notice_a4", "scripts_pdfs", "previewed", "cups", "browser"})

#: Tests measured slow (``pytest --durations=0``: over ~0.5 s on an idle machine, or ~1 s with the cores
#: shared), by file; ``"*"``: the whole file. What is left is the fast tier: ~550 tests, ~30 s of test time.
SLOW_TESTS: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in {
    "test_batch.py": {
        "test_changed_image_means_rebuild", "test_corrupt_manifest_just_rebuilds", "test_html_written_beside_pdf",
        "test_incremental_rebuilds_only_what_changed", "test_matrix_in_workers_matches_in_process",
        "test_one_failure_does_not_stop_the_others", "test_plain_progress_lines_when_not_a_terminal",
        "test_reproducible_bytes_in_two_folders",
    },
    "test_build.py": {"test_json_summary_and_names", "test_letter_paper"},
    "test_cli.py": {
        "test_a_template_that_raises_fails_its_edition_only", "test_image_inside_project_is_allowed",
        "test_no_project_uses_current_folder_example_only_when_asked",
        "test_source_date_epoch_is_part_of_the_key_and_checked",
    },
    "test_design.py": {
        "test_a_call_to_action_head_wider_than_the_flap_is_set_smaller",
        "test_a_headline_word_wider_than_its_panel_is_set_smaller", "test_code_wraps_unhyphenated_at_the_columns_edge",
        "test_event_date_and_time_each_on_one_line_and_large_on_the_leaflet_front",
        "test_qr_codes_are_error_correction_m_or_better_and_at_least_18_mm", "test_the_lede_length_is_configurable",
    },
    "test_docs.py": {"*"},  # runs the documented commands afresh
    "test_fit_check.py": {
        "test_a_handbill_of_a_long_text_prints_its_excerpt_without_laying_the_whole_text_out",
        "test_a_text_that_fits_a_handbill_side_whole_is_never_cut_to_an_excerpt", "test_booklet_pages_exact",
        "test_booklet_reports_blank_pages", "test_booklet_saves_a_sheet_when_the_type_allows",
        "test_check_bad_project_exact_findings", "test_check_in_worker_processes_reports_what_it_reports_in_process",
        "test_check_warnings_exit_zero_unless_strict", "test_no_fit_refuses_instead",
        "test_overflow_detected_for_every_fixed_layout", "test_overflow_fixture_error_text",
        "test_overflowing_german_is_shrunk_to_fit", "test_short_text_enlarges_type_instead_of_leaving_an_empty_panel",
        "test_text_that_cannot_fit_fails_and_keeps_the_older_pdf",
        "test_the_words_a_short_zine_lacks_are_estimated_from_its_lines_of_text",
    },
    "test_fitmemo.py": {
        "test_a_damaged_or_lying_memo_costs_passes_not_pages",
        "test_a_one_sided_spread_out_edition_replays_to_the_same_bytes", "test_an_unwritable_cache_still_builds",
        "test_changed_text_is_fitted_afresh", "test_check_then_build_lays_out_each_edition_once",
        "test_the_same_edition_again_takes_one_pass_and_gives_the_same_bytes",
    },
    "test_hostile.py": {"test_a_full_temp_folder_is_a_one_line_render_error",
                        "test_markup_floods_are_refused_within_seconds", "test_nested_template_loops_are_stopped"},
    "test_i18n.py": {"test_lang_selection", "test_rtl_document_has_lang_and_dir"},
    "test_impose.py": {"test_booklet_64_pages_shares_resources_and_stays_small"},
    "test_integrity.py": {
        "test_a_group_that_prints_no_contact_gets_no_blank_panel",
        "test_a_handbill_text_in_the_front_matter_is_printed_whole", "test_check_reports_the_proof_like_build",
        "test_far_too_long_is_refused_before_any_layout_and_the_handbill_prints_the_first_paragraph",
        "test_text_drawn_over_other_text_fails_the_build",
    },
    "test_layouts_e2e.py": {"test_bleed_reaches_the_sheet_edge_but_not_the_neighbour"},
    "test_messages.py": {
        "test_an_unclosed_box_is_a_warning_with_its_line_and_fails_check_strict",
        "test_build_says_what_a_translation_lacks_once_per_language_also_when_up_to_date",
        "test_build_warns_of_an_unclosed_box", "test_check_example", "test_check_strict_names_every_warning_once",
        "test_languages_not_built_are_not_warned_of",
    },
    "test_new.py": {"test_a_folder_of_language_files_is_a_project_with_default_settings",
                    "test_starter_builds_clean_in_every_language"},
    "test_preview.py": {"test_one_variant_is_pictured_with_dash_v", "test_pages_and_sheet_sides_count_and_size",
                        "test_second_preview_reuses_the_pdfs_and_drops_stale_pictures"},
    "test_speedups.py": {
        "test_an_up_to_date_rebuild_imports_no_renderer", "test_an_up_to_date_rebuild_into_a_pipe_imports_no_rich",
        "test_cache_hit_hyphenates_like_a_cold_parse", "test_every_module_imported_first_installs_the_patches_before_weasyprint",
        "test_pdf_bytes_are_the_same_with_the_speedups",
        "test_weasyprint_imports_with_one_ldconfig_instead_of_dozens_of_processes",
    },
    "test_terminal.py": {"*"},  # a real `pamphlet` in a pseudo-terminal: a process start and a build each
    "test_variants.py": {
        "test_a_changed_row_rebuilds_only_its_variant", "test_a_lost_worker_is_retried_once_then_only_its_edition_fails",
        "test_a_variant_sets_its_own_colours", "test_check_names_the_variant_and_the_cell_of_a_letter_no_font_has",
        "test_check_warns_when_a_row_sets_a_field_for_one_language_but_not_another",
        "test_scheduler_that_cannot_be_reached_or_no_dask", "test_the_dask_path_is_byte_identical_to_the_local_build",
    },
    "test_watch.py": {"test_live_page_serves_state_pictures_and_events",
                      "test_watch_rebuilds_what_changed_reports_errors_and_recovers"},
    "test_watch_serve.py": {"test_each_round_carries_the_texts_warnings_and_says_them_when_they_matter",
                            "test_watch_serve_warns_and_links_the_pdfs"},
}.items()}


def is_slow(item: pytest.Item) -> bool:
    names = SLOW_TESTS.get(item.path.name, frozenset())
    name = getattr(item, "originalname", item.name)
    return "*" in names or name in names or bool(SLOW_FIXTURES & set(getattr(item, "fixturenames", ())))


# --- warnings tests expect, declared here rather than in their files ---------------------------------------------

#: ``file::test`` → the texts of the warnings it causes on purpose (``()``: any); applied as ``expect_warnings``.
EXPECTED_WARNINGS: dict[str, tuple[str, ...]] = {
    "test_i18n.py::test_ui_string_warning_names_key_and_language": ("no cy translation",),
}


def pytest_configure(config):
    config.addinivalue_line("markers", "weasyprint_warnings: the test expects WeasyPrint to log warnings")
    config.addinivalue_line("markers", "expect_warnings(*texts): the test expects pamphlet (or WeasyPrint) to log "
                                       "warnings containing one of the texts (no text: any warning)")
    config.addinivalue_line("markers", "slow: left out of the fast tier (`make test-fast`: -m 'not slow')")
    config.addinivalue_line("markers", "needs_service(reason): skipped (failed under CI=true) when reason is not None")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if is_slow(item):
            item.add_marker(pytest.mark.slow)
        key = f"{item.path.name}::{getattr(item, 'originalname', item.name)}"
        if key in EXPECTED_WARNINGS:
            item.add_marker(pytest.mark.expect_warnings(*EXPECTED_WARNINGS[key]))


# --- builds shared by the whole run ------------------------------------------------------------------------------


def shared_dir(tmp_path_factory) -> Path:
    """A folder shared by all xdist workers of this test run, and only this run.

    Under xdist: ``shared-<testrunuid>`` beside the workers' base folders; alone: this run's base folder.
    Both live in pytest's numbered ``pytest-<N>`` folder, new for every run (and pruned after three), so
    nothing built by an earlier run — or by other code — is ever found there.
    """
    uid = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if uid is None:
        return tmp_path_factory.getbasetemp()
    path = tmp_path_factory.getbasetemp().parent / f"shared-{uid}"
    path.mkdir(exist_ok=True)
    return path


@dataclass(frozen=True)
class Built:
    """A build made once per run: its output folder and its ``--json`` summary."""

    out: Path
    summary: dict[str, Any]

    @property
    def editions(self) -> dict[tuple[str, ...], dict[str, Any]]:
        """The editions by (lang, layout), or (variant, lang, layout) when the project has variants."""
        return {((e["variant"],) if e.get("variant") else ()) + (e["lang"], e["layout"]): e
                for e in self.summary["editions"]}

    def __getitem__(self, key: tuple[str, ...]) -> dict[str, Any]:
        return self.editions[key]


@contextlib.contextmanager
def _environ(env: dict[str, str] | None) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in env or {}}
    os.environ.update(env or {})
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def build_once(tmp_path_factory, name: str, *args: str | Path, env: dict[str, str] | None = None,
               exit_codes: tuple[int, ...] = (0,)) -> Built:
    """``pamphlet build ARGS -o <this run's shared folder>/NAME --json``, run once for all test workers.

    The first worker to take the file lock builds and writes the summary as ``NAME/summary.json``; the
    others wait for the lock and read it, so every worker sees the same summary (editions ``built``, not
    some workers ``up-to-date``). ``env``: variables set for the build (``SOURCE_DATE_EPOCH``). The build
    must log no warning: WeasyPrint's would be our templates' fault.
    """
    root = shared_dir(tmp_path_factory)
    out = root / name
    summary = out / "summary.json"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not summary.is_file():
            with _environ(env), logged() as found:
                result = run_cli("build", *args, "-o", out, "--json")
            try:
                data = json.loads(result.stdout)
            except ValueError:
                data = {"editions": []}
            failed = [e.get("error") for e in data.get("editions", []) if e.get("status") == "failed"]
            assert result.exit_code in exit_codes, f"{name}: exit {result.exit_code}: {failed or result.stderr[-2000:]}"
            assert found == {"weasyprint": [], "pamphlet": []}, found
            out.mkdir(parents=True, exist_ok=True)
            part = out / ".summary.json.part"
            part.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            part.replace(summary)
    return Built(out, json.loads(summary.read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def example_matrix(tmp_path_factory) -> Path:
    """The bundled example, every language × every layout, built once for all test workers."""
    return build_once(tmp_path_factory, "example-matrix", EXAMPLE, "-l", "all").out


def matrix_editions(out: Path) -> dict[tuple[str, str], dict]:
    """The example matrix's --json records by (lang, layout)."""
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {(e["lang"], e["layout"]): e for e in data["editions"]}


@pytest.fixture(scope="session")
def example_build(example_matrix) -> Path:
    """The bundled example's editions (every language × layout), shared by the whole session."""
    return example_matrix
