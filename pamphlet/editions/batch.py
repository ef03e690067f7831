"""The editions matrix: which editions to build, the worker pool, the manifest.

    load project → editions() (variant × language × layout)
      → up-to-date ones reported from the manifest
      → the rest through pipeline.run_edition, in-process or in worker processes
      → results streamed to ``on_result`` and recorded in the manifest as each finishes
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pamphlet import layouts
from pamphlet.editions.manifest import Entry, Manifest, build_date, edition_key, file_digest, project_digest
from pamphlet.errors import ProjectError, UsageError
from pamphlet.pipeline import BuildOptions, EditionResult, Outcome, edition_dir, edition_name, run_edition
from pamphlet.resources import data_root
from pamphlet.source.config import did_you_mean
from pamphlet.source.model import Project
from pamphlet.source.project import load_project
from pamphlet.source.spec import EditionSpec

if TYPE_CHECKING:
    import multiprocessing.context

log = logging.getLogger(__name__)

OnResult = Callable[[EditionResult, int, int], None]
T = TypeVar("T")


def load(project_dir: Path | None, *, example: bool = False) -> Project:
    """The project in ``project_dir`` (default: the current folder), or the bundled example when asked."""
    if example:
        from pamphlet.resources import example_dir

        project_dir = example_dir()
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
    for w in wanted:
        if w not in layouts.CATALOGUE:
            raise ProjectError(f"unknown layout '{w}'{did_you_mean(w, layouts.LAYOUT_NAMES)}",
                               "run `pamphlet layouts` to see them all")
    return list(dict.fromkeys(wanted))


def editions(project: Project, opts: BuildOptions) -> list[EditionSpec]:
    """Every edition the options ask for, in a stable order (variant, language, layout)."""
    paper = opts.paper or project.config.paper
    chosen_layouts = select_layouts(project, opts.layouts)
    langs = select_langs(project, opts.langs)
    variants = project.select_variants(opts.variants)
    specs = []
    for variant in variants:
        vid = variant.id if variant is not None else None
        for lang in langs:
            if variant is not None and variant.languages and lang not in variant.languages:
                continue
            for layout in chosen_layouts:
                specs.append(EditionSpec(lang, layout, paper, opts.bleed, opts.crop_marks, vid,
                                         opts.poster_size, opts.overlap))
    if opts.shard:
        specs = shard(specs, *opts.shard)
    return specs


def shard(specs: list[EditionSpec], k: int, n: int) -> list[EditionSpec]:
    """The k-th (1-based) of n deterministic parts: every edition is in exactly one part.

    Assignment is by position in the stable edition order, so the parts stay
    balanced and the same options always give the same parts.
    """
    if not 1 <= k <= n:
        raise UsageError(f"--shard {k}/{n}: K must be between 1 and N", "use --shard 1/4, --shard 2/4, …")
    return [s for i, s in enumerate(specs) if i % n == k - 1]


# --- workers -------------------------------------------------------------------------


def _init_worker() -> None:
    """Each worker keeps one font configuration for all its editions; logs go back as results."""
    logging.getLogger("pamphlet").handlers[:] = [logging.NullHandler()]
    from pamphlet.pages import render

    render.font_config()


def _worker_context() -> multiprocessing.context.BaseContext:
    """A fork server where there is one: workers are forked from a clean, single-threaded
    process that has imported the renderer once (never from the CLI while its progress
    thread runs, nor from a test runner's threads). Elsewhere spawn. (multiprocessing is imported
    here, not up top: an up-to-date rebuild never needs it.)"""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pamphlet.editions.workerboot"])
        return ctx
    return multiprocessing.get_context("spawn")


def _work(project: Project, spec: EditionSpec, opts: BuildOptions, date: int) -> Outcome:
    outcome = run_edition(project, spec, opts, date)
    outcome.fitted = outcome.prepared = None  # layouts stay in the worker; only the record travels
    return outcome


def default_jobs() -> int:
    env = os.environ.get("PAMPHLET_JOBS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return os.cpu_count() or 1


def _cost(project: Project, spec: EditionSpec) -> int:
    """A rough cost estimate, so the longest editions start first."""
    weight = {"booklet": 3, "zine": 2, "trifold": 2}.get(spec.layout, 1)
    return len(project.languages[spec.lang].body) * weight


@dataclass
class _Job:
    spec: EditionSpec
    key: str
    date: int


# --- the batch --------------------------------------------------------------------------


def build(project: Project, opts: BuildOptions, on_result: OnResult | None = None, *,
          executor: Executor | None = None) -> list[EditionResult]:
    """Build the editions matrix; results stream to ``on_result(result, done, total)`` as they finish.

    Up-to-date editions (same inputs, outputs present) are reported without
    rebuilding; the rest run through the pipeline in-process (``jobs`` 1), in
    worker processes, or on ``executor`` (a Dask cluster's, say). The manifest
    gets a line as each edition finishes (its PDFs already in place), so a
    batch interrupted or killed keeps its work, and is compacted at the end.
    """
    specs = editions(project, opts)
    results: dict[int, EditionResult] = {}
    total = len(specs)
    done = 0
    manifest = Manifest(opts.out)
    jobs = dict(_pending(project, opts, specs, manifest, results, on_result))
    done = len(results)

    def record(i: int, outcome: Outcome) -> None:
        nonlocal done
        job, result = jobs[i], outcome.result
        if result.status == "built":
            _composition_changed(manifest, job.spec.name, result)
            manifest.record(job.spec.name, _entry(project, opts, job, outcome, manifest))
        else:
            manifest.forget(job.spec.name)
        results[i] = result
        done += 1
        for w in result.warnings:
            log.warning(w)
        if on_result:
            on_result(result, done, total)

    try:
        for i, outcome in _run(project, opts, jobs, executor):
            record(i, outcome)
    except BaseException:
        manifest.close()  # every edition finished so far is already on its line
        raise
    if jobs:
        manifest.save()  # a clean finish: one line per edition
    return [results[i] for i in range(total)]


def _composition_changed(manifest: Manifest, name: str, result: EditionResult) -> None:
    """Nothing flips silently the night before: an edited text that changed an edition's composition (a
    leaflet now in three columns, a handbill now a digest) says so."""
    before = manifest.entries.get(name)
    old = before.result.get("composition") if before is not None else None
    if not (old and result.composition and old != result.composition):
        return
    paper = before.result.get("paper") if before is not None else None
    if paper and result.paper and paper != result.paper:  # the same text on the other paper decided otherwise
        shown = {"a4": "A4", "letter": "Letter"}
        result.warnings.append(
            f"{name}: {result.composition} on {shown.get(result.paper, result.paper)}, where the last build here "
            f"was {old} on {shown.get(paper, paper)} (to print both alike, write composition: {old} in the "
            "front matter)")
        return
    result.warnings.append(f"{name}: composition changed since the last build: {old} → {result.composition} "
                           f"(to keep the old one, write composition: {old} in the front matter)")


def edition_date(project: Project, spec: EditionSpec, files: list[Path] | None = None) -> int:
    """The date stamped into an edition (SOURCE_DATE_EPOCH, else its newest input's mtime)."""
    return build_date([project.config.path, *(project.inputs(spec.lang) if files is None else files)])


def _pending(project: Project, opts: BuildOptions, specs: list[EditionSpec], manifest: Manifest,
             results: dict[int, EditionResult], on_result: OnResult | None) -> Iterator[tuple[int, _Job]]:
    """Report up-to-date editions; yield the others as jobs."""
    shared = project_digest(project)
    shaping, out = opts.shaping(), str(opts.out.resolve())
    by_lang: dict[str, tuple[list[Path], int, dict[Path, str]]] = {}  # each language's files hashed once
    for i, spec in enumerate(specs):
        started = time.perf_counter()
        if spec.lang not in by_lang:
            files = project.inputs(spec.lang)
            by_lang[spec.lang] = (files, edition_date(project, spec, files), {p: file_digest(p) for p in files})
        files, date, digests = by_lang[spec.lang]
        key = edition_key(shared=shared, lang_files=files, digests=digests,
                          options={**shaping, "paper": spec.paper, "layout": spec.layout, "date": date,
                                   "out": out, "variant": project.variant_digest(spec.variant)})
        entry = None if opts.force else manifest.up_to_date(spec.name, key)
        if entry is None:
            yield i, _Job(spec, key, date)
            continue
        result = EditionResult(**{**entry.result, "status": "up-to-date"})
        result.seconds = round(time.perf_counter() - started, 3)
        results[i] = result
        if on_result:
            on_result(result, len(results), len(specs))


def _entry(project: Project, opts: BuildOptions, job: _Job, outcome: Outcome, manifest: Manifest) -> Entry:
    result = outcome.result
    outputs = list(dict.fromkeys(p for p in (result.path, result.print_path, *result.companions) if p))
    if opts.html:
        outputs.append(str(edition_dir(opts, job.spec) / f"{edition_name(project, job.spec)}.html"))
    deps = {}
    for f in outcome.fetched:
        fp = Path(f)
        if not (fp.is_relative_to(data_root()) or fp.is_relative_to(project.root / "fonts")):
            # A picture every edition prints is hashed once per build; one gone since is never up to date.
            deps[f] = manifest.digest(f) or "unreadable"
    return Entry(job.key, deps, outputs, plain(result))


def plain(result: EditionResult) -> dict[str, Any]:
    """The record as JSON-ready data: ``dataclasses.asdict`` without its deep copy (0.2 ms an edition); the
    lists are copied, so a warning added later is not in the manifest."""
    data = {f.name: getattr(result, f.name) for f in fields(result)}
    data["warnings"] = list(result.warnings)
    return data


def _run(project: Project, opts: BuildOptions, jobs: dict[int, _Job],
         executor: Executor | None) -> Iterator[tuple[int, Outcome]]:
    """Run the jobs, longest first, grouped by language; yield outcomes as they finish."""
    order = sorted(jobs, key=lambda i: (-_cost(project, jobs[i].spec), jobs[i].spec.lang, i))
    if executor is not None:  # a cluster: no shared filesystem, the project travels and PDFs come back
        from pamphlet.editions import cluster

        yield from cluster.run(executor, project, opts, [(i, jobs[i].spec, jobs[i].date) for i in order])
        return
    workers = min(opts.jobs or default_jobs(), len(jobs))
    if workers <= 1:
        for i in order:
            job = jobs[i]
            yield i, run_edition(project, job.spec, opts, job.date)
        return
    langs = {job.spec.lang for job in jobs.values()}
    for run in generations(order, workers):
        with worker_pool(min(workers, len(run)), langs) as pool:
            yield from _futures(pool, project, opts, jobs, run)


#: Editions a worker process lays out before it is replaced by a fresh one: WeasyPrint's resident memory
#: grows ~0.2 MB per render in a long-lived process, so a worker never grows by more than ~20 MB, and its
#: replacement, forked from the fork server that has everything loaded, starts as warm as the first.
RECYCLE_AFTER = 100


def worker_pool(workers: int, langs: set[str]) -> Executor:
    """Worker processes forked from a server that has loaded the renderer and ``langs``' dictionaries."""
    from concurrent.futures import ProcessPoolExecutor

    from pamphlet.resources import isolate_imports

    isolate_imports()  # the fork server starts as `python -c`, with the working folder first on sys.path
    os.environ["PAMPHLET_PRELOAD_LANGS"] = ",".join(sorted(langs))
    return ProcessPoolExecutor(max_workers=workers, mp_context=_worker_context(), initializer=_init_worker)


def generations(items: list[T], workers: int, per_worker: int | None = None) -> Iterator[list[T]]:
    """``items`` in runs of ``per_worker`` × ``workers`` (default :data:`RECYCLE_AFTER`): each run gets a
    pool of fresh workers, so no worker lays out more than ``per_worker`` editions.

    This is ``max_tasks_per_child`` done by hand: Python 3.11's ``ProcessPoolExecutor`` hangs when it
    has to replace a worker that reached ``max_tasks_per_child`` (checked on 3.11.7: 5 tasks, 2 workers,
    2 tasks each never finish). A new pool forks from the same fork server, which stays loaded; the cost is
    the first editions' start and, at each change, the last editions of a run waiting for the slowest.
    """
    size = max(1, (per_worker or RECYCLE_AFTER) * workers)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _futures(executor: Executor, project: Project, opts: BuildOptions, jobs: dict[int, _Job],
             order: list[int]) -> Iterator[tuple[int, Outcome]]:
    futures: dict[Future[Outcome], int] = {
        executor.submit(_work, project, jobs[i].spec, opts, jobs[i].date): i for i in order}
    try:
        for fut in as_completed(futures):
            i = futures[fut]
            spec = jobs[i].spec
            try:
                yield i, fut.result()
            except _broken_pool() as exc:
                yield i, _failed(spec, f"{spec.name}: the worker process died ({exc})",
                                 "run again with -j 1 to see the problem")
            except Exception as exc:  # a worker lost on a cluster, an unpicklable result…
                yield i, _failed(spec, f"{spec.name}: the worker failed: {type(exc).__name__}: {exc}",
                                 "run again with -j 1 to see the problem")
    finally:
        for fut in futures:
            fut.cancel()


def _broken_pool() -> type[Exception]:
    from concurrent.futures.process import BrokenProcessPool

    return BrokenProcessPool


def _failed(spec: EditionSpec, error: str, hint: str) -> Outcome:
    return Outcome(EditionResult(spec.lang, spec.layout, spec.variant, status="failed", error=error, hint=hint,
                                 paper=spec.paper))

