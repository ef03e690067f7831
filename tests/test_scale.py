"""Scale (issue 28): the append-only manifest, a build killed and rerun, the streamed cluster client,
workers recycled and preloaded. A stand-in renderer keeps most of these fast; the 15 000-edition run is
benchmarks/scale.py, not a test."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from pamphlet.editions import batch, cluster, manifest
from pamphlet.editions.manifest import MANIFEST, OLD_MANIFEST, Entry, Manifest
from pamphlet.output import atomic_write
from pamphlet.pipeline import BuildOptions, EditionResult, Outcome, edition_dir, edition_name

from .conftest import FIXTURES, run_cli

PROJECT = FIXTURES / "variants"
ROOT = Path(__file__).resolve().parent.parent


def _entry(i: int, out: Path) -> Entry:
    return Entry(f"key{i}", {}, [str(out / f"e{i}.pdf")],
                 {"lang": "en", "layout": "leaflet", "status": "built", "composition": "standard", "warnings": []})


def _lines(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines()]


# --- the manifest ---------------------------------------------------------------------------------------


def test_each_edition_is_a_line_appended_at_once_and_a_clean_finish_compacts(tmp_path):
    m = Manifest(tmp_path)
    m.record("b/en/leaflet", _entry(1, tmp_path))
    m.record("a/en/leaflet", _entry(2, tmp_path))
    # On disk before any save: a reader (the next build, after a crash) sees both.
    assert [line.get("name") for line in _lines(tmp_path)] == [None, "b/en/leaflet", "a/en/leaflet"]
    assert _lines(tmp_path)[0]["format"] == 2
    assert Manifest(tmp_path).entries["a/en/leaflet"].key == "key2"
    m.record("b/en/leaflet", _entry(3, tmp_path))  # built again: a later line wins
    m.forget("a/en/leaflet")                        # failed since: forgotten
    assert len(_lines(tmp_path)) == 5
    again = Manifest(tmp_path)
    assert list(again.entries) == ["b/en/leaflet"] and again.entries["b/en/leaflet"].key == "key3"
    m.save()
    assert [(line.get("name"), line.get("key")) for line in _lines(tmp_path)] == [(None, None), ("b/en/leaflet", "key3")]
    assert [p.name for p in tmp_path.iterdir()] == [MANIFEST]  # no temporary file left


def test_a_line_cut_short_by_a_killed_build_is_skipped_and_never_glued_to(tmp_path):
    m = Manifest(tmp_path)
    m.record("a/en/leaflet", _entry(1, tmp_path))
    m.close()
    with open(tmp_path / MANIFEST, "a", encoding="utf-8") as fh:
        fh.write('{"name": "b/en/leaflet", "deps": {}, "key": "ke')  # the write a SIGKILL interrupted
    m = Manifest(tmp_path)
    assert list(m.entries) == ["a/en/leaflet"]
    m.record("c/en/leaflet", _entry(3, tmp_path))  # the file is compacted before the first append
    assert [line.get("name") for line in _lines(tmp_path)] == [None, "a/en/leaflet", "c/en/leaflet"]


@pytest.mark.expect_warnings("skipped 1 unreadable line", "not a manifest this version reads")
def test_a_damaged_line_costs_its_edition_only_and_a_foreign_file_is_ignored_with_a_note(tmp_path):
    m = Manifest(tmp_path)
    m.record("a/en/leaflet", _entry(1, tmp_path))
    m.record("b/en/leaflet", _entry(2, tmp_path))
    m.close()
    text = (tmp_path / MANIFEST).read_text(encoding="utf-8").replace('"name": "a/en/leaflet"', '"name": a/en/leaflet"')
    (tmp_path / MANIFEST).write_text(text, encoding="utf-8")
    m = Manifest(tmp_path)
    assert list(m.entries) == ["b/en/leaflet"]
    assert m.note is not None and "skipped 1 unreadable line; that edition is rebuilt" in m.note
    (tmp_path / MANIFEST).write_text('{"format": 99}\n{"name": "x"}\n', encoding="utf-8")
    m = Manifest(tmp_path)
    assert not m.entries and m.note is not None and "format 99" in m.note


def test_round_two_manifest_is_read_and_upgraded(tmp_path):
    old = {"format": 1, "editions": {"en/leaflet": {"key": "k", "deps": {"/x.png": "d"}, "outputs": ["/o.pdf"],
                                                     "result": {"lang": "en", "layout": "leaflet", "composition": "a"}}}}
    (tmp_path / OLD_MANIFEST).write_text(json.dumps(old), encoding="utf-8")
    m = Manifest(tmp_path)
    entry = m.entries["en/leaflet"]
    assert (entry.key, entry.deps, entry.outputs, entry.result["composition"]) == ("k", {"/x.png": "d"}, ["/o.pdf"], "a")
    assert m.note is not None and "read, and rewritten" in m.note
    m.record("fr/leaflet", _entry(2, tmp_path))  # the first write replaces the old file
    assert not (tmp_path / OLD_MANIFEST).exists()
    assert [line.get("name") for line in _lines(tmp_path)] == [None, "en/leaflet", "fr/leaflet"]


@pytest.mark.expect_warnings("unreadable old manifest")
def test_a_damaged_round_two_manifest_means_a_full_build_with_a_warning(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / OLD_MANIFEST).write_text('{"format": 1, "editions": {', encoding="utf-8")
    result = run_cli("build", FIXTURES / "mini", "-o", out)
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and f"{OLD_MANIFEST}: unreadable old manifest" in result.stderr
    assert not (out / OLD_MANIFEST).exists() and (out / MANIFEST).is_file()


def test_an_upgraded_build_is_up_to_date(tmp_path):
    """The keys did not change with the file's format: a round-2 folder stays up to date after the upgrade."""
    out = tmp_path / "out"
    assert run_cli("build", FIXTURES / "mini", "-o", out).exit_code == 0
    new = Manifest(out)
    old = {"format": 1, "editions": {name: {"key": e.key, "deps": e.deps, "outputs": e.outputs, "result": e.result}
                                     for name, e in new.entries.items()}}
    (out / MANIFEST).unlink()
    (out / OLD_MANIFEST).write_text(json.dumps(old, indent=1), encoding="utf-8")
    result = run_cli("build", FIXTURES / "mini", "-o", out, "--json")
    assert [e["status"] for e in json.loads(result.stdout)["editions"]] == ["up-to-date"]


# --- a build killed mid-way -----------------------------------------------------------------------------

#: A build whose renderer is a stand-in (each edition: a small PDF written atomically, then 0.15 s), run
#: in a process of its own so the test can kill it with SIGKILL.
_KILLABLE = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    from pamphlet.editions import batch, manifest
    from pamphlet.output import atomic_write
    from pamphlet.pipeline import BuildOptions, EditionResult, Outcome, edition_dir, edition_name

    # the package's files, templates and fonts may be edited meanwhile (a test worker remembers their digest from
    # its first build, this process reads them afresh): not this test's point
    manifest.code_digest = manifest._builtin_digest = lambda: "fixed"

    def stand_in(project, spec, opts, date, **kw):
        path = edition_dir(opts, spec) / f"{edition_name(project, spec)}.pdf"
        atomic_write(path, b"%PDF-1.7 " + spec.name.encode())
        time.sleep(0.15)
        return Outcome(EditionResult(spec.lang, spec.layout, spec.variant, path=str(path), status="built"))

    batch.run_edition = stand_in
    project = batch.load(Path(sys.argv[1]))
    batch.build(project, BuildOptions(out=Path(sys.argv[2]), jobs=1, layouts=("leaflet",), langs=("en",)))
''')


def test_a_build_killed_mid_way_and_rerun_builds_only_what_was_not_recorded(tmp_path, monkeypatch):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", _KILLABLE, str(PROJECT), str(out)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while len(Manifest(out).entries) < 6:
            assert proc.poll() is None and time.monotonic() < deadline, "the build ended before it was killed"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    recorded = set(Manifest(out).entries)
    assert 6 <= len(recorded) < 40  # killed mid-way: 40 variants × en × leaflet
    ran: list[str] = []

    def stand_in(project: Any, spec: Any, opts: Any, date: int, **kw: Any) -> Outcome:
        ran.append(spec.name)
        path = edition_dir(opts, spec) / f"{edition_name(project, spec)}.pdf"
        atomic_write(path, b"%PDF-1.7 " + spec.name.encode())
        return Outcome(EditionResult(spec.lang, spec.layout, spec.variant, path=str(path), status="built"))

    monkeypatch.setattr(manifest, "code_digest", lambda: "fixed")
    monkeypatch.setattr(manifest, "_builtin_digest", lambda: "fixed")
    monkeypatch.setattr(batch, "run_edition", stand_in)
    results = batch.build(batch.load(PROJECT), BuildOptions(out=out, jobs=1, layouts=("leaflet",), langs=("en",)))
    assert len(results) == 40
    assert sorted(ran) == sorted(r.name for r in results if r.name not in recorded)  # only the missing ones
    assert {r.name for r in results if r.status == "up-to-date"} == recorded
    assert len(_lines(out)) == 41  # compacted: the header and one line per edition


@pytest.mark.slow
def test_a_real_build_killed_with_sigkill_and_rerun(tmp_path):
    """The same with the real command, `-j 2`: the rerun builds exactly the editions the manifest lacks."""
    project = shutil.copytree(PROJECT, tmp_path / "p")
    out = tmp_path / "out"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    args = [str(Path(sys.executable).parent / "pamphlet"), "build", str(project), "-o", str(out), "-L", "en",
            "-l", "handbill", "--shard", "1/5", "--json"]  # 8 editions
    proc = subprocess.Popen([*args, "-j", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(Manifest(out).entries) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, "the build ended before it was killed"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the client and its workers
        proc.wait()
    recorded = set(Manifest(out).entries)
    assert 2 <= len(recorded) < 8
    rerun = subprocess.run([*args, "-j", "1"], env=env, capture_output=True, text=True)
    editions = json.loads(rerun.stdout)["editions"]
    assert rerun.returncode == 0
    built = {f"{e['variant']}/{e['lang']}/{e['layout']}" for e in editions if e["status"] == "built"}
    assert len(editions) == 8 and built.isdisjoint(recorded) and len(built) == 8 - len(recorded)
    for e in editions:
        assert Path(e["path"]).read_bytes().startswith(b"%PDF-")


# --- the cluster client: streamed, a few editions in flight per worker ------------------------------------


class _Counting(Executor):
    """A thread pool posing as a cluster of ``workers``; counts the editions submitted and not yet taken."""

    def __init__(self, workers: int):
        self.pool = ThreadPoolExecutor(workers)
        self.workers = workers
        self.submitted = 0
        self.lock = threading.Lock()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self.lock:
            self.submitted += 1
        return self.pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _shipped(bundle: cluster.ProjectBundle, spec: Any, opts: BuildOptions, date: int) -> cluster.Shipped:
    time.sleep(0.002)
    result = EditionResult(spec.lang, spec.layout, spec.variant, path="x.pdf", status="built")
    return cluster.Shipped(result, "/worker/copy", {"path": b"%PDF-1.7 " + spec.name.encode()})


def test_the_client_keeps_three_editions_per_worker_in_flight_and_takes_results_as_they_come(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "build_remote", _shipped)
    project = batch.load(PROJECT)
    opts = BuildOptions(out=tmp_path, layouts=("leaflet", "handbill"))
    specs = batch.editions(project, opts)[:60]
    executor = _Counting(2)
    taken, most = 0, 0
    seen = []
    for i, outcome in cluster.run(executor, project, opts, [(i, s, 0) for i, s in enumerate(specs)]):
        most = max(most, executor.submitted - taken)
        taken += 1
        seen.append(i)
        assert Path(outcome.result.path).read_bytes() == b"%PDF-1.7 " + specs[i].name.encode()
    executor.shutdown()
    assert sorted(seen) == list(range(60))
    # 3 per worker in flight, plus the edition being written: its replacement was submitted first.
    assert cluster.in_flight(executor) == 6 and most == 6 + 1


def test_in_flight_follows_the_workers():
    class Pool(Executor):
        _max_workers = 8

    assert cluster.in_flight(Pool()) == 24
    assert cluster.in_flight(Executor()) == 4  # unknown: a few, never none
    many = _Counting(1)
    many.workers = 200
    assert cluster.in_flight(many) == 600
    many.shutdown()


# --- workers: recycled, preloaded ----------------------------------------------------------------------


def test_generations_give_no_worker_more_than_its_share():
    runs = list(batch.generations(list(range(10)), workers=2, per_worker=2))
    assert runs == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert list(batch.generations(list(range(3)), workers=4)) == [[0, 1, 2]]


def _pid(_: int) -> int:
    return os.getpid()


@pytest.mark.slow
def test_a_build_replaces_its_workers_every_few_editions(tmp_path, monkeypatch):
    """Each run of RECYCLE_AFTER editions per worker gets fresh processes from the loaded fork server."""
    monkeypatch.setattr(batch, "RECYCLE_AFTER", 1)
    pids: list[int] = []
    for run in batch.generations(list(range(6)), 2):
        with batch.worker_pool(2, {"en"}) as pool:
            pids += pool.map(_pid, run)
    assert len(set(pids)) >= 4  # three runs of two editions, never one process for two runs
    assert os.getpid() not in pids


_IMPORTS = textwrap.dedent('''
    import os, sys, json
    os.environ["PAMPHLET_PRELOAD_LANGS"] = "en"
    import pamphlet.editions.workerboot
    from pathlib import Path
    from pamphlet.editions import batch
    from pamphlet.pipeline import BuildOptions, run_edition
    before = set(sys.modules)
    project = batch.load(Path(sys.argv[1]))
    opts = BuildOptions(out=Path(sys.argv[2]))
    spec = batch.editions(project, opts)[0]
    result = run_edition(project, spec, opts, 0).result
    print(json.dumps({"status": result.status, "new": sorted(set(sys.modules) - before)}))
''')


@pytest.mark.slow
def test_the_fork_server_preloads_everything_an_edition_imports(tmp_path):
    """No duplicate imports: a worker forked after workerboot imports no library of its own for an edition."""
    proc = subprocess.run([sys.executable, "-c", _IMPORTS, str(FIXTURES / "mini"), str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT)
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    assert data["status"] == "built"
    heavy = ("weasyprint", "jinja2", "markdown_it", "babel", "pikepdf", "pyphen", "pydyf", "tinycss2", "fontTools",
             "pamphlet.pages", "pamphlet.text.edition", "pamphlet.sheets")
    late = [m for m in data["new"] if m.startswith(heavy)]
    assert late == [], late


# --- check, in parallel for variants too ------------------------------------------------------------------


@pytest.mark.slow
def test_check_of_variants_runs_in_worker_processes_like_build(tmp_path, monkeypatch):
    """`check -V … -j 2` lays out the variants' editions in two worker processes (fresh ones every
    RECYCLE_AFTER editions each) and says exactly what `-j 1` says."""
    monkeypatch.setattr(batch, "RECYCLE_AFTER", 1)  # 3 editions: two pools, so a recycled run is checked too
    args = ["check", PROJECT, "-V", "leeds", "-V", "york", "-V", "london", "-L", "en", "-l", "handbill", "--json"]
    pools: list[int] = []
    real_pool = batch.worker_pool

    def counted(workers: int, langs: set[str]) -> Executor:
        pools.append(workers)
        return real_pool(workers, langs)

    monkeypatch.setattr("pamphlet.commands.check.worker_pool", counted)
    parallel = run_cli(*args, "-j", "2")
    serial = run_cli(*args, "-j", "1")
    assert pools == [2, 1]  # 2 editions in a pool of two fresh workers, then the third in a fresh one
    assert parallel.exit_code == serial.exit_code == 0, parallel.output
    one, two = json.loads(serial.stdout)["editions"], json.loads(parallel.stdout)["editions"]
    assert [e["variant"] for e in two] == ["leeds", "york", "london"]
    assert one == two


def test_a_dask_task_lays_its_edition_out_in_a_thread_the_profiler_does_not_sample(tmp_path, monkeypatch):
    """Dask's profiler samples the threads running tasks, and a sampled frame kept the edition's layout alive
    (a worker grew ~1 MB an edition): build_remote runs the edition in a thread of its own, and a failure
    there is raised in the task's thread as it was."""
    threads: list[str] = []

    def stand_in(project: Any, spec: Any, opts: BuildOptions, date: int) -> Outcome:
        threads.append(threading.current_thread().name)
        if spec.variant == "york":
            raise OSError("disk full")
        path = edition_dir(opts, spec) / f"{edition_name(project, spec)}.pdf"
        atomic_write(path, b"%PDF-1.7 x")
        return Outcome(EditionResult(spec.lang, spec.layout, spec.variant, path=str(path), status="built"))

    monkeypatch.setattr(cluster, "run_edition", stand_in)
    project = batch.load(PROJECT)
    opts = BuildOptions(out=tmp_path, layouts=("leaflet",), langs=("en",), variants=("leeds", "york"))
    bundle = cluster.ProjectBundle.pack(project)
    leeds, york = batch.editions(project, opts)
    assert cluster.build_remote(bundle, leeds, opts, 0).files["path"] == b"%PDF-1.7 x"
    with pytest.raises(OSError, match="disk full"):
        cluster.build_remote(bundle, york, opts, 0)
    assert threads == ["pamphlet leeds/en/leaflet", "pamphlet york/en/leaflet"]
    assert threading.current_thread().name not in threads
