"""Editions on a Dask cluster (``build --scheduler tcp://host:8786``), with no shared filesystem.

The local worker pool passes a ``Project`` whose paths point into the user's
folder and lets each worker write its PDFs there. Cluster workers may be other
machines, so here:

* the project travels as a :class:`ProjectBundle` — the ``Project`` object plus
  the bytes of every file under its folder that an edition may read (text,
  images, fonts, templates) — scattered to the cluster once, not once per task;
  each worker process unpacks it once into a temporary folder and points the
  project there;
* a worker writes the edition into a temporary folder of its own, reads the
  PDFs back as bytes and returns them; the client writes them atomically into
  the output folder as each edition arrives and forgets them, so its memory
  stays flat in the number of editions;
* editions are streamed, a few per worker in flight (:func:`run`), so one client
  feeds hundreds of workers and a build of 15 000 editions holds a few dozen
  futures, not 15 000;
* an edition whose worker died (or whose task failed outside the pipeline) is
  submitted once more; if that fails too only that edition fails.

Only ``connect`` imports Dask; ``run`` works with any ``concurrent.futures.Executor``
(a plain process pool sends the bundle with every task instead of scattering it).
"""

from __future__ import annotations

import atexit
import copy
import hashlib
import logging
import queue
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pamphlet import __version__
from pamphlet.errors import ClusterError, Location, PamphletError
from pamphlet.output import atomic_write
from pamphlet.pipeline import BuildOptions, EditionResult, Outcome, edition_dir, edition_name, run_edition
from pamphlet.source.model import Project
from pamphlet.source.spec import EditionSpec

log = logging.getLogger(__name__)

#: Bytes of project files one bundle may carry: the text, images and fonts of a pamphlet, not a photo archive.
MAX_BUNDLE = 256 * 1024 * 1024
#: Seconds to wait for the scheduler to answer, and for a first worker to join it.
CONNECT_TIMEOUT = 10
WORKERS_TIMEOUT = 30
INSTALL_HINT = "pip install '.[dask]' in your pamphlet checkout (or: pipx inject pamphlet-builder distributed)"


# --- the project, packed -------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectBundle:
    """A project that can be rebuilt anywhere: the loaded ``Project`` and the bytes of its files."""

    project: Project
    files: dict[str, bytes] = field(hash=False)  # path relative to project.root (posix) → content
    digest: str = ""

    @classmethod
    def pack(cls, project: Project, skip: Sequence[Path] = ()) -> ProjectBundle:
        """Every regular file under the project folder, except hidden ones, PDFs and the output folders.

        A link that leads outside the project is left out: the sandboxed
        renderer refuses such a file locally as well, so the edition fails on
        the worker as it would here.
        """
        root = project.root
        skipped = [p.resolve() for p in skip]
        files: dict[str, bytes] = {}
        total = 0
        h = hashlib.sha256(__version__.encode())
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
                continue
            if path.suffix.lower() == ".pdf" or not path.is_file():
                continue
            real = path.resolve()
            if not real.is_relative_to(root) or any(real.is_relative_to(s) for s in skipped):
                continue
            data = real.read_bytes()
            total += len(data)
            if total > MAX_BUNDLE:
                raise ClusterError(f"{root}: the project folder holds more than {MAX_BUNDLE // 2**20} MB of files "
                                   f"to send to the cluster (at {rel.as_posix()})",
                                   "move files the pamphlet does not use (photo archives, old builds) out of the folder")
            files[rel.as_posix()] = data
            h.update(rel.as_posix().encode() + b"\0" + hashlib.sha256(data).digest())
        h.update(repr(project.root).encode())
        return cls(project, files, h.hexdigest())

    def unpack(self, into: Path) -> Project:
        """Write the files under ``into`` and return the project pointed there."""
        root = into / self.project.root.name
        for rel, data in self.files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        root.mkdir(parents=True, exist_ok=True)
        return relocate(self.project, root)


def relocate(project: Project, root: Path) -> Project:
    """``project`` with every path under its folder moved under ``root`` (same names inside)."""
    old = project.root

    def move(p: Path) -> Path:
        return root / p.relative_to(old) if p.is_relative_to(old) else p

    cfg = project.config
    source = copy.copy(cfg.source)
    if source is not None:
        source.path = move(source.path)
    config = replace(cfg, path=move(cfg.path), source=source)
    languages = {code: replace(lang, path=move(lang.path), parts=tuple((move(p), a, b) for p, a, b in lang.parts))
                 for code, lang in project.languages.items()}
    return replace(project, root=root, config=config, languages=languages)


# --- on a worker ------------------------------------------------------------------------------------


@dataclass
class Shipped:
    """One edition's outcome as it travels back: its record, its files as bytes, what it read."""

    result: EditionResult
    root: str                                             # the worker's copy of the project folder
    files: dict[str, bytes] = field(default_factory=dict)  # "path" | "print_path" | "html" | "companion:NAME" → bytes
    fetched: list[str] = field(default_factory=list)       # files read, relative to the project folder


_UNPACKED: dict[str, Project] = {}
_TEMP: list[Path] = []
# A Dask worker runs tasks in threads; WeasyPrint and our caches are not made for that.
# One edition at a time per process: give workers `--nthreads 1` and several processes.
_LOCK = threading.Lock()
def _cleanup() -> None:
    for folder in _TEMP:
        shutil.rmtree(folder, ignore_errors=True)


atexit.register(_cleanup)


def _project_on_worker(bundle: ProjectBundle) -> Project:
    """The bundle unpacked once per worker process (a new bundle, a new build, replaces the old)."""
    project = _UNPACKED.get(bundle.digest)
    if project is None:
        _cleanup()
        _TEMP.clear()
        _UNPACKED.clear()
        folder = Path(tempfile.mkdtemp(prefix="pamphlet-project-"))
        _TEMP.append(folder)
        project = _UNPACKED[bundle.digest] = bundle.unpack(folder)
    return project


def build_remote(bundle: ProjectBundle, spec: EditionSpec, opts: BuildOptions, date: int) -> Shipped:
    """Run one edition on a worker: write it into a temporary folder there, send the bytes back.

    The edition runs in a thread of its own, which the task's thread waits for. Dask's statistical profiler
    (on by default) samples the stacks of the threads running tasks; on Python 3.11 a sampled frame keeps
    the edition's WeasyPrint boxes and styles alive after the edition ended: a worker grew from 48 MB to
    ~500 MB over 500 editions (local workers, and Dask workers with the profiler off, stay flat). A thread
    the profiler does not sample keeps nothing; the profile then shows the task waiting on it.
    """
    box: dict[str, Any] = {}

    def edition() -> None:
        try:
            box["shipped"] = _build_remote(bundle, spec, opts, date)
        except BaseException as exc:  # noqa: BLE001 - raised again in the task's own thread below
            box["error"] = exc

    worker = threading.Thread(target=edition, name=f"pamphlet {spec.name}", daemon=True)
    worker.start()
    worker.join()
    if "error" in box:
        raise box.pop("error")
    shipped: Shipped = box.pop("shipped")
    return shipped


def _build_remote(bundle: ProjectBundle, spec: EditionSpec, opts: BuildOptions, date: int) -> Shipped:
    with _LOCK:
        project = _project_on_worker(bundle)
        out = Path(tempfile.mkdtemp(prefix="pamphlet-out-"))
        try:
            outcome = run_edition(project, spec, replace(opts, out=out), date)
            result = outcome.result
            shipped = Shipped(result, str(project.root))
            for key, name in (("path", result.path), ("print_path", result.print_path)):
                if name and name not in result.companions:  # a poster's tiles travel once, as a companion
                    shipped.files[key] = Path(name).read_bytes()
            for name in result.companions:  # files beside the PDF: a poster's tiles and proof, its -press.pdf
                shipped.files[f"companion:{Path(name).name}"] = Path(name).read_bytes()
            if opts.html and result.status == "built":
                html = edition_dir(replace(opts, out=out), spec) / f"{edition_name(project, spec)}.html"
                shipped.files["html"] = html.read_bytes()
            shipped.fetched = [Path(f).relative_to(project.root).as_posix() for f in outcome.fetched
                               if Path(f).is_relative_to(project.root)]
            return shipped
        finally:
            shutil.rmtree(out, ignore_errors=True)


def worker_version() -> str:
    """What a worker runs (checked before a build: mixed versions would give mixed PDFs)."""
    return __version__


# --- on the client ----------------------------------------------------------------------------------


#: Editions in flight per worker process: enough that a worker finds its next edition waiting when it finishes
#: one (the client answers within a few ms), few enough that a cancelled build or a lost worker costs little
#: and the scheduler holds a few tasks per worker, not 15 000.
IN_FLIGHT_PER_WORKER = 3
#: Seconds between two looks at how many workers the cluster has (workers that join mid-build get work).
RECOUNT_EVERY = 5.0


def in_flight(executor: Executor) -> int:
    """How many editions to keep submitted: 3 per worker process (the cluster's, or a pool's), at least 4."""
    workers = getattr(executor, "workers", None)
    if workers is None:
        workers = getattr(executor, "_max_workers", None)  # a ProcessPoolExecutor
    try:
        count = int(workers or 1)
    except (TypeError, ValueError):
        count = 1
    return max(4, IN_FLIGHT_PER_WORKER * count)


def run(executor: Executor, project: Project, opts: BuildOptions,
        tasks: list[tuple[int, EditionSpec, int]]) -> Iterator[tuple[int, Outcome]]:
    """Run ``tasks`` (index, spec, date) on ``executor``; yield each outcome once its files are written.

    Editions are streamed: at most :func:`in_flight` are submitted at a time
    (3 per worker), and each one that finishes makes room for the next, before
    its PDFs are written, so the workers never wait on the client. Results are
    taken as they finish (a queue fed by done-callbacks: the loop costs the same
    for 15 000 editions as for 15) and each future is dropped once its PDFs are
    on disk. The client's own cost is about 1 ms per edition (benchmarks/scale.py).
    """
    if not tasks:
        return
    bundle = ProjectBundle.pack(project, skip=[opts.out])
    share = getattr(executor, "share", None)
    payload: Any = share(bundle) if callable(share) else bundle
    finished: queue.Queue[Future[Shipped]] = queue.Queue()
    pending: dict[Future[Shipped], tuple[int, EditionSpec, int, int]] = {}
    todo = iter(tasks)
    retries: deque[tuple[int, EditionSpec, int, int]] = deque()
    window = in_flight(executor)
    recount = time.monotonic() + RECOUNT_EVERY
    shown = str(Location(project.root))  # how messages name the project folder (a path resolved once, not per edition)

    def submit(i: int, spec: EditionSpec, date: int, attempt: int) -> None:
        nonlocal payload
        if attempt and callable(share) and getattr(payload, "status", "finished") != "finished":
            payload = share(bundle)  # every copy of the project went down with its workers: send it again
        fut = executor.submit(build_remote, payload, spec, opts, date)
        pending[fut] = (i, spec, date, attempt)
        fut.add_done_callback(finished.put)

    def top_up() -> None:
        nonlocal window, recount
        if time.monotonic() >= recount:
            window, recount = in_flight(executor), time.monotonic() + RECOUNT_EVERY
        while len(pending) < window:
            if retries:
                submit(*retries.popleft())
                continue
            task = next(todo, None)
            if task is None:
                return
            submit(*task, 0)

    try:
        top_up()
        while pending:
            fut = finished.get()
            i, spec, date, attempt = pending.pop(fut)
            try:
                shipped = fut.result()
            except Exception as exc:  # a worker lost, a task that could not be sent or unpacked…
                if attempt == 0:
                    log.info("%s: %s: %s; trying once more", spec.name, type(exc).__name__, exc)
                    retries.append((i, spec, date, 1))
                    top_up()
                    continue
                top_up()
                yield i, _failed(spec, f"{spec.name}: failed twice on the cluster: {type(exc).__name__}: {exc}")
                continue
            top_up()  # the next edition is on its way before this one's PDFs are written
            yield i, land(project, opts, spec, shipped, shown)
    finally:
        for fut in pending:
            fut.cancel()


def land(project: Project, opts: BuildOptions, spec: EditionSpec, shipped: Shipped, shown: str | None = None) -> Outcome:
    """Write an edition's bytes into the output folder (atomically) and point its record there."""
    result = shipped.result
    if shown is None:
        shown = str(Location(project.root))

    def here(text: str) -> str:
        """A message naming the worker's copy of a file names the user's file instead."""
        return text.replace(shipped.root + "/", "" if shown == "." else shown + "/").replace(shipped.root, shown)

    result.error = here(result.error) if result.error else result.error
    result.hint = here(result.hint) if result.hint else result.hint
    result.warnings = [here(w) for w in result.warnings]
    folder = edition_dir(opts, spec)
    # The printer's file keeps the name the worker gave it (-print.pdf, a poster's -tiles.pdf, a -press.pdf):
    # the worker names files as the client would, from the same project.
    printer = Path(result.print_path).name if result.print_path else f"{edition_name(project, spec, '-print')}.pdf"
    names = {"path": f"{edition_name(project, spec)}.pdf", "print_path": printer,
             "html": f"{edition_name(project, spec)}.html"}
    companions = [Path(c).name for c in result.companions]
    try:
        for key, data in shipped.files.items():
            target = folder / (key.partition(":")[2] if key.startswith("companion:") else names[key])
            atomic_write(target, data)
        if "path" in shipped.files:
            result.path = str(folder / names["path"])
        if result.print_path:
            result.print_path = str(folder / printer)
        result.companions = [str(folder / name) for name in companions]
    except PamphletError as exc:
        result.status, result.error, result.hint = "failed", str(exc), exc.hint
        result.path = result.print_path = None
        result.companions = []
    shipped.files.clear()
    return Outcome(result, fetched=[str(project.root / rel) for rel in shipped.fetched])


def _failed(spec: EditionSpec, error: str) -> Outcome:
    return Outcome(EditionResult(spec.lang, spec.layout, spec.variant, status="failed", error=error,
                                 hint="check the workers' logs (`dask worker` prints them); a worker needs "
                                      f"pamphlet installed ({INSTALL_HINT}) and memory for one edition per thread",
                                 paper=spec.paper))


# --- connecting -------------------------------------------------------------------------------------


class ClusterExecutor(Executor):
    """``Client.get_executor()`` plus a way to send one object to the cluster once (``share``)."""

    def __init__(self, client: Any):
        self.client = client
        # pure=False: a resubmitted edition must run again, not be handed the failed task's result.
        self._executor = client.get_executor(pure=False)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self._executor.submit(fn, *args, **kwargs)

    def share(self, obj: Any) -> Any:
        """Send ``obj`` to every worker once; tasks then find it there instead of carrying it each time.

        Every worker holds a copy, so one that dies does not take the project with it.
        """
        return self.client.scatter(obj, hash=False, broadcast=True)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._executor.shutdown(wait=wait)

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))


@contextmanager
def connect(address: str) -> Iterator[ClusterExecutor]:
    """A client of the Dask scheduler at ``address``, checked: reachable, with workers that run pamphlet."""
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"--scheduler {address}: Dask is not installed here (no module 'distributed')",
                           INSTALL_HINT) from None
    # Dask logs every failed connection attempt on its own handler; the error below says it once.
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except Exception as exc:  # OSError, TimeoutError, ValueError for a malformed address…
        raise ClusterError(f"--scheduler {address}: cannot reach the Dask scheduler ({_first_line(exc)})",
                           f"start it with `dask scheduler`, or check the address (like tcp://HOST:8786); "
                           f"workers join with `dask worker {address} --nthreads 1`") from None
    try:
        _check_workers(client, address)
        executor = ClusterExecutor(client)
        yield executor
    finally:
        client.close()


def _check_workers(client: Any, address: str) -> None:
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
    except Exception:
        raise ClusterError(f"--scheduler {address}: the scheduler has no workers (waited {WORKERS_TIMEOUT} s)",
                           f"start some with `dask worker {address} --nthreads 1`") from None
    try:
        versions = client.run(worker_version)
    except Exception as exc:
        raise ClusterError(f"--scheduler {address}: a worker cannot run pamphlet ({_first_line(exc)})",
                           f"install pamphlet {__version__} on every worker: {INSTALL_HINT}") from None
    other = {w: v for w, v in versions.items() if v != __version__}
    if other:
        worker, version = next(iter(other.items()))
        raise ClusterError(f"--scheduler {address}: worker {worker} runs pamphlet {version}, this is {__version__}",
                           f"install pamphlet {__version__} on every worker, so that every edition is built alike")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
