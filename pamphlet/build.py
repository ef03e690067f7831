"""The build pipeline: plan the editions, render each, impose, write atomically.

    load project → plan editions (language × layout)
      → for each: prepare (fonts, text, HTML) → lay out → fit/pad → PDF → impose
      → write to the output folder (temp file + rename) → result records

One failing edition does not stop the others; its record carries the error
and the hint. Only ``cli`` prints; this module logs and returns records.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import layouts
from .edition import EditionSpec, Prepared, prepare
from .errors import FetchError, FitError, Location, OutputError, PamphletError, PrintError, ProjectError
from .project import Project, load_project
from .resources import data_root

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildOptions:
    layouts: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    paper: str | None = None
    out: Path = Path("dist")
    bleed: float = 0.0
    marks: bool = False
    signature: int | None = None
    creep: float = 0.0
    html: bool = False
    fit: bool = True
    pages: int | None = None
    jobs: int | None = None
    force: bool = False

    def shaping(self) -> dict[str, Any]:
        """The options that change an edition's output (for the incremental-build key)."""
        return {"bleed": self.bleed, "marks": self.marks, "signature": self.signature, "creep": self.creep,
                "html": self.html, "fit": self.fit, "pages": self.pages}


@dataclass
class EditionResult:
    """One edition's outcome; the ``--json`` summary is a list of these."""

    lang: str
    layout: str
    path: str | None = None
    pages: int = 0
    bytes: int = 0
    seconds: float = 0.0
    status: str = "built"
    error: str | None = None
    hint: str | None = None
    print_path: str | None = None
    sheets: int | None = None
    sides: int | None = None
    printing: str | None = None
    blank_pages: int = 0
    scale: float = 1.0
    direction: str | None = None      # "ltr" | "rtl"
    binding: str | None = None        # the edge a booklet binds on: "left", or "right" for right-to-left
    paper: str | None = None          # "a4" | "letter"
    cups_sides: str | None = None     # CUPS `sides` for the printer file: one-sided, two-sided-long-edge, -short-edge
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        if self.status != "failed":
            d.pop("error"), d.pop("hint")
        return d


def load(project_dir: Path | None) -> Project:
    return load_project(project_dir, layouts.LAYOUT_NAMES)


def select_langs(project: Project, wanted: tuple[str, ...]) -> list[str]:
    available = list(project.languages)
    if not wanted or "all" in wanted:
        return available
    unknown = [w for w in wanted if w not in project.languages]
    if unknown:
        raise ProjectError(f"no language '{unknown[0]}' in {project.root.name}/ (it has: {', '.join(available)})",
                           f"add {unknown[0]}.md to the project, or pick one of: {', '.join(available)}")
    return list(dict.fromkeys(wanted))


def select_layouts(project: Project, wanted: tuple[str, ...]) -> list[str]:
    if not wanted:
        return list(project.config.layouts)
    if "all" in wanted:
        return list(layouts.LAYOUT_NAMES)
    from .config import did_you_mean

    for w in wanted:
        if w not in layouts.CATALOGUE:
            raise ProjectError(f"unknown layout '{w}'{did_you_mean(w, layouts.LAYOUT_NAMES)}",
                               "run `pamphlet layouts` to see them all")
    return list(dict.fromkeys(wanted))


def plan(project: Project, opts: BuildOptions) -> list[EditionSpec]:
    paper = opts.paper or project.config.paper
    return [EditionSpec(lang, layout, paper, opts.bleed, opts.marks)
            for lang in select_langs(project, opts.langs)
            for layout in select_layouts(project, opts.layouts)]


def output_name(project: Project, spec: EditionSpec, suffix: str = "") -> str:
    return f"{project.config.slug}-{spec.lang}-{spec.layout}{suffix}"


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temp file in the same folder, then rename: never half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path.parent}: cannot write here: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class Rendered:
    """A laid-out edition and what fitting it did."""

    layout: Any
    blanks: int = 0
    scale: float = 1.0
    html: str = ""


def _fit_limit(prepared: Prepared, pages_wanted: int | None) -> int | None:
    lay = prepared.layout
    return pages_wanted or lay.fixed_pages or lay.max_pages


def render_edition(prepared: Prepared, *, fit: bool = True, min_scale: float = 0.85,
                   pages_wanted: int | None = None) -> Rendered:
    """Lay out the edition; shrink the type to fit a fixed page count; pad with blanks.

    Fixed-size layouts shrink the type (``_shrink``) when they overflow and enlarge
    it (``_fill``) rather than print an empty panel; booklets that would pad three
    blank pages try one sheet fewer first.
    """
    from . import render  # WeasyPrint is imported only when something is rendered

    project_root = prepared.context["_project_templates"].parent
    roots = [project_root, data_root()]

    html_used = {}

    def lay(scale: float, blanks: int = 0):  # noqa: ANN202
        html_used[scale] = prepared.html(scale, blanks)
        return render.lay_out(html_used[scale], project_root, roots)

    layout = prepared.layout
    if pages_wanted and layout.multiple_of > 1 and pages_wanted % layout.multiple_of:
        raise FitError(f"{prepared.spec.name}: --pages {pages_wanted} is not a multiple of {layout.multiple_of}",
                       f"use --pages {layout.padded(pages_wanted)}")
    limit = _fit_limit(prepared, pages_wanted)
    laid, scale = lay(1.0), 1.0
    if limit and laid.pages > limit:
        if not fit:
            raise _fit_error(prepared, laid, limit, 1.0, render)
        laid, scale, fits = _shrink(lay, laid, limit, min_scale, render)
        if not fits:
            raise _fit_error(prepared, laid, limit, min_scale, render)
    target = pages_wanted or layout.fixed_pages or (layout.padded(laid.pages) if layout.multiple_of > 1 else laid.pages)
    if fit and not limit and layout.multiple_of == 4 and target > 4 and target - laid.pages >= 3:
        # Three blank pages waste a sheet: fit one sheet fewer when the type stays above the minimum.
        smaller, small_scale, fits = _shrink(lay, laid, target - 4, min_scale, render)
        if fits:
            laid, scale, target = smaller, small_scale, target - 4
    blanks = max(0, target - laid.pages)
    if fit and scale == 1.0 and layout.back_cover and layout.fixed_pages and blanks:
        laid, scale = _fill(lay, laid, target)
        blanks = max(0, target - laid.pages)
    if blanks and layout.geometry(prepared.spec.paper).narrow:
        # Pages differ in size by position (trifold): lay out again with the blanks in the HTML.
        laid = lay(scale, blanks)
    elif blanks:
        laid = render.insert_blank_pages(laid, blanks, before_last=layout.back_cover and laid.pages > 1)
    return Rendered(laid, blanks, scale, html_used[scale])


def _shrink(lay: Callable[[float], Any], laid: Any, limit: int, min_scale: float, render: Any) -> tuple[Any, float, bool]:
    """The largest type scale at which the edition fits ``limit`` pages.

    Text area grows with the square of the type scale: guess from how much is
    over, check the guess, then halve the bracket two or three times (about 1 %).
    Returns (layout, scale, True), or the layout at ``min_scale`` and False.
    """
    over = render.overflow_fraction(laid, limit)
    guess = max(min_scale, min(0.995, ((1 - over) ** 0.5) * 0.995))
    trial = lay(guess)
    if trial.pages <= limit:
        lo, hi, best = guess, 1.0, trial
    else:
        low = lay(min_scale) if guess > min_scale else trial
        if low.pages > limit:
            return low, min_scale, False
        lo, hi, best = min_scale, guess, low
    for _ in range(2 if hi - lo < 0.06 else 3):
        mid = round((lo + hi) / 2, 4)
        trial = lay(mid)
        if trial.pages <= limit:
            lo, best = mid, trial
        else:
            hi = mid
    return best, lo, True


MAX_FILL_SCALE = 1.2


def _fill(lay: Callable[[float], Any], laid: Any, target: int) -> tuple[Any, float]:
    """Enlarge the type (up to 120 %) so short text fills the pages instead of leaving blanks.

    Only for fixed-size layouts with a back cover (zine, tri-fold): an empty panel
    there looks like a mistake, while a booklet's blank pages before the back cover
    are normal. Three passes find the largest scale that still fits ``target``.
    """
    best, best_scale = laid, 1.0
    top = lay(MAX_FILL_SCALE)
    if top.pages <= target:
        return top, MAX_FILL_SCALE
    lo, hi = 1.0, MAX_FILL_SCALE
    for _ in range(3):
        mid = round((lo + hi) / 2, 4)
        trial = lay(mid)
        if trial.pages <= target:
            lo, best, best_scale = mid, trial, mid
        else:
            hi = mid
    return best, best_scale


def _fit_error(prepared: Prepared, laid: Any, limit: int, scale: float, render: Any) -> FitError:
    over = render.overflow_fraction(laid, limit)
    words = max(1, round(prepared.words * over))
    at = f", even at {round(scale * 100)} % type" if scale < 1 else ""
    alt = "use -l booklet" if prepared.spec.layout != "booklet" else "use a larger --pages"
    return FitError(
        f"{prepared.spec.name}: needs {laid.pages} pages, the layout has {limit}{at}; about {words} words too many",
        f"shorten the text or {alt}")


def build_edition(project: Project, spec: EditionSpec, opts: BuildOptions,
                  date: int = 0) -> tuple[EditionResult, list[str]]:
    """Build one edition end to end; never raises for a user's problem.

    Returns the result record and the files WeasyPrint fetched for it (for the
    incremental-build manifest).
    """
    from . import render

    started = time.perf_counter()
    result = EditionResult(lang=spec.lang, layout=spec.layout)
    fetched: list[str] = []
    try:
        prepared = prepare(project, spec, created=date)
        result.warnings = prepared.warnings
        result.direction, result.binding = prepared.facts.direction, prepared.facts.binding
        result.paper = spec.paper
        rendered = render_edition(prepared, fit=opts.fit, min_scale=project.config.min_scale,
                                  pages_wanted=opts.pages if spec.layout == "booklet" else None)
        laid, blanks = rendered.layout, rendered.blanks
        fetched = [str(p) for p in laid.fetched]
        result.scale = rendered.scale
        pdf = render.write_pdf(laid)
        out = opts.out / f"{output_name(project, spec)}.pdf"
        plan_ = prepared.layout.impose(laid.pages, spec.paper, rtl=prepared.facts.rtl,
                                       signature=opts.signature, creep=opts.creep)
        print_pdf = None
        if plan_ is not None:
            from .impose import impose

            try:
                print_pdf = impose(pdf, plan_, marks=True, title=prepared.context["meta"]["title"], lang=spec.lang,
                                   date=_pdf_date(date), bleed=spec.bleed, crop_marks=spec.marks)
            except ValueError as exc:
                raise PrintError(f"{spec.name}: imposition failed: {exc}") from None
        if opts.html:
            atomic_write(opts.out / f"{output_name(project, spec)}.html", rendered.html.encode("utf-8"))
        atomic_write(out, pdf)
        result.path, result.pages, result.bytes, result.blank_pages = str(out), laid.pages, len(pdf), blanks
        if plan_ is not None and print_pdf is not None:
            pout = opts.out / f"{output_name(project, spec, '-print')}.pdf"
            atomic_write(pout, print_pdf)
            result.print_path, result.sheets = str(pout), len(plan_.sheets)
            result.sides, result.printing = plan_.sides_per_sheet, plan_.instructions
        else:
            result.sheets = 1 if spec.layout == "leaflet" else None
            result.sides = laid.pages if spec.layout == "leaflet" else None
            result.printing = prepared.layout.folding
        result.cups_sides = layouts.cups_sides(plan_.duplex if plan_ is not None else
                                               ("long-edge" if laid.pages > 1 else "none"))
    except FetchError as exc:
        where = _reference(project, spec.lang, exc.resource)
        result.status, result.error, result.hint = "failed", f"{where}: {exc}" if where else str(exc), exc.hint
    except PamphletError as exc:
        result.status, result.error, result.hint = "failed", str(exc), exc.hint
    result.seconds = round(time.perf_counter() - started, 3)
    return result, fetched


def _reference(project: Project, lang: str, resource: str | None) -> Location | None:
    """Where a language's text mentions ``resource`` (so a refused image names its file:line)."""
    if not resource:
        return None
    for path in _inputs(project, EditionSpec(lang, "leaflet")):
        try:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if resource in line:
                    return Location(path, number)
        except OSError:
            continue
    return None


def _pdf_date(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("D:%Y%m%d%H%M%SZ")


# --- the batch: workers, manifest, streaming results -------------------------------



def _init_worker() -> None:
    """Each worker imports WeasyPrint once and keeps one font configuration for all its editions."""
    logging.getLogger("pamphlet").handlers[:] = [logging.NullHandler()]
    from . import render

    render.font_config()


def _worker_context() -> multiprocessing.context.BaseContext:
    """A fork server where there is one: workers are forked from a clean, single-threaded
    process (never from the CLI while its progress thread runs, nor from a test runner's
    threads); each worker then imports WeasyPrint once. Elsewhere spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pamphlet.build"])
        return ctx
    return multiprocessing.get_context("spawn")


def _work(project: Project, spec: EditionSpec, opts: BuildOptions, date: int) -> tuple[EditionResult, list[str]]:
    return build_edition(project, spec, opts, date)


@dataclass
class _Job:
    spec: EditionSpec
    key: str
    date: int


def _inputs(project: Project, spec: EditionSpec) -> list[Path]:
    lang = project.languages[spec.lang]
    return [p for p, _, _ in lang.parts] or [lang.path]


def build(project: Project, opts: BuildOptions,
          on_result: Callable[[EditionResult, int, int], None] | None = None) -> list[EditionResult]:
    """Build the edition matrix; results stream to ``on_result(result, done, total)`` as they finish.

    Up-to-date editions (same inputs, outputs present) are reported without
    rebuilding; the rest run in worker processes (``opts.jobs``; 1 = in-process).
    """
    from .cache import Entry, Manifest, build_date, edition_key, project_digest

    specs = plan(project, opts)
    manifest = Manifest(opts.out)
    shared = project_digest(project.root, project.config.path)
    results: dict[int, EditionResult] = {}
    jobs: dict[int, _Job] = {}
    total = len(specs)
    done = 0

    def finish(i: int, result: EditionResult) -> None:
        nonlocal done
        results[i] = result
        done += 1
        for w in result.warnings:
            log.warning(w)
        if on_result:
            on_result(result, done, total)

    for i, spec in enumerate(specs):
        started = time.perf_counter()
        files = _inputs(project, spec)
        key = edition_key(shared=shared, lang_files=files,
                          options={**opts.shaping(), "paper": spec.paper, "layout": spec.layout,
                                   "out": str(opts.out.resolve())})
        date = build_date([project.config.path, *files])
        entry = None if opts.force else manifest.up_to_date(spec.name, key)
        if entry is not None:
            result = EditionResult(**{**entry.result, "status": "up-to-date", "warnings": []})
            result.seconds = round(time.perf_counter() - started, 3)
            finish(i, result)
        else:
            jobs[i] = _Job(spec, key, date)

    def record(i: int, result: EditionResult, fetched: list[str]) -> None:
        job = jobs[i]
        if result.status == "built":
            outputs = [p for p in (result.path, result.print_path) if p]
            if opts.html:
                outputs.append(str(opts.out / f"{output_name(project, job.spec)}.html"))
            deps = {}
            for f in fetched:
                fp = Path(f)
                if not (fp.is_relative_to(data_root()) or fp.is_relative_to(project.root / "fonts")):
                    from .cache import file_digest

                    deps[f] = file_digest(fp)
            manifest.record(job.spec.name, Entry(job.key, deps, outputs, asdict(result)))
        else:
            manifest.forget(job.spec.name)
        finish(i, result)

    workers = min(opts.jobs or os.cpu_count() or 1, len(jobs))
    try:
        if workers <= 1:
            for i, job in jobs.items():
                record(i, *build_edition(project, job.spec, opts, job.date))
        else:
            ctx = _worker_context()
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker) as pool:
                futures = {pool.submit(_work, project, job.spec, opts, job.date): i for i, job in jobs.items()}
                for fut in as_completed(futures):
                    i = futures[fut]
                    try:
                        record(i, *fut.result())
                    except BrokenProcessPool as exc:
                        spec = jobs[i].spec
                        record(i, EditionResult(spec.lang, spec.layout, status="failed",
                                                error=f"{spec.name}: the worker process died ({exc})",
                                                hint="run again with -j 1 to see the problem"), [])
    finally:
        if jobs:
            manifest.save()
    return [results[i] for i in range(total)]
