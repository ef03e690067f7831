"""Scale benchmark (issue 28): is the client ever the bottleneck? Measured, not extrapolated.

Three measurements, each printed as a Markdown table:

``synthetic`` (default 15 000 editions)
    The real client (``batch.build``: the matrix, the manifest, ``cluster.run``'s bounded window, the
    PDFs landed atomically into the output folder) and a real Dask scheduler with workers, each a separate
    process on this machine (``dask scheduler`` and ``dask worker --nworkers W --nthreads 1``). Only the
    renderer is a stand-in: it burns ~5 ms of CPU and returns a ~50 KB incompressible "PDF", so the client,
    the scheduler and the wire carry what they would carry for real. Reported: wall editions/s, the client's
    CPU per edition and the editions/s one client could feed (1 / client CPU per edition), the scheduler's CPU
    per task, the workers' CPU per edition, and the client's peak memory. Then the same matrix again, every
    edition up to date: the manifest read and the up-to-date check of every edition.

``real`` (default 1 000 editions)
    The real renderer on the same kind of cluster (2 worker processes): a generated variants table of
    tests/fixtures/variants (leaflet + handbill, English and Arabic). Takes minutes on 2 cores.

``crash``
    A build killed with SIGKILL half-way, then run again: how many editions the rerun builds.

``watch`` (default 200 rebuilds)
    One ``pamphlet watch`` process, en.md saved 200 times with a new text each time: its resident memory
    after the 10th rebuild and after the last (goal: ≤ 20 MB growth).

Usage: ``python benchmarks/scale.py [synthetic|real|crash|watch|all] [--editions N] [--workers W]``
(``--editions`` is the number of rebuilds for ``watch``).
The client of each build runs in a process of its own (``_client``), which reports its CPU and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "variants"
EPOCH = "1767225600"
BIN = Path(sys.executable).parent

#: What the stand-in renderer does per edition.
BURN = 0.005
PAYLOAD = 50_000


# --- the stand-in renderer (runs on the workers) -------------------------------------------------------


def stand_in(bundle: Any, spec: Any, opts: Any, date: int) -> Any:
    """``cluster.build_remote``'s double: unpacks the project once per worker like the real one, burns
    ~5 ms of CPU, returns an edition record and ~50 KB of bytes that do not compress (as PDF streams)."""
    from pamphlet.editions import cluster
    from pamphlet.pipeline import EditionResult

    project = cluster._project_on_worker(bundle)
    end = time.process_time() + BURN
    while time.process_time() < end:
        pass
    result = EditionResult(spec.lang, spec.layout, spec.variant, path="stand-in.pdf", pages=1, bytes=PAYLOAD,
                           seconds=BURN, paper=spec.paper, composition="standard", passes=1)
    return cluster.Shipped(result, str(project.root), {"path": os.urandom(PAYLOAD)})


# --- a project of many variants ----------------------------------------------------------------------


def make_project(folder: Path, variants: int, layouts: tuple[str, ...] = ("leaflet", "handbill")) -> Path:
    """tests/fixtures/variants with ``variants`` generated rows (each its own date, place, contact, QR)."""
    project = folder / "day-of-action"
    project.mkdir(parents=True)
    for name in ("en.md", "ar.md"):
        shutil.copy(FIXTURE / name, project / name)
    yaml = (FIXTURE / "pamphlet.yaml").read_text(encoding="utf-8")
    yaml = yaml.replace("layouts: [leaflet, handbill]", f"layouts: [{', '.join(layouts)}]")
    (project / "pamphlet.yaml").write_text(yaml, encoding="utf-8")
    places = [("Town Hall steps", "درج مبنى البلدية"), ("Central Library", "المكتبة المركزية"),
              ("Market Square", "ساحة السوق"), ("Railway Station", "محطة القطار")]
    lines = ["id,event.date,event.start,place,place@ar,contact.email,qr"]
    for i in range(variants):
        en, ar = places[i % 4]
        day = f"2026-{5 + i // 28 % 6:02d}-{1 + i % 28:02d}"
        lines.append(f'town-{i:05d},{day},{10 + i % 8}:{"30" if i % 2 else "00"},"{en}, Town {i}",'
                     f'"{ar}، البلدة {i}",town-{i:05d}@example.org,https://example.org/action/town-{i:05d}')
    (project / "variants.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return project


# --- a local cluster, each part its own process ----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a running process and its living descendants."""
    import psutil

    total = 0.0
    try:
        proc = psutil.Process(pid)
        for p in [proc, *proc.children(recursive=True)]:
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                pass
    except psutil.NoSuchProcess:
        pass
    return total


class Cluster:
    """``dask scheduler`` and ``dask worker --nworkers W --nthreads 1``, started and stopped by us."""

    def __init__(self, workers: int, log: Path):
        self.workers = workers
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        self.log = log
        self.procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Cluster:
        port = self.address.rsplit(":", 1)[1]
        logfile = open(self.log, "ab")  # noqa: SIM115 - closed with the processes
        env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
        self.scheduler = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", port,
                                           "--no-dashboard", "--no-show"], stdout=logfile, stderr=logfile, env=env)
        self.procs.append(self.scheduler)
        time.sleep(1.0)
        self.worker = subprocess.Popen([str(BIN / "dask"), "worker", self.address, "--nworkers", str(self.workers),
                                        "--nthreads", "1", "--no-dashboard"], stdout=logfile, stderr=logfile, env=env)
        self.procs.append(self.worker)
        from distributed import Client

        with Client(self.address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(self.workers, timeout=60)
        return self

    def worker_rss(self) -> list[float]:
        """Resident memory (MB) of each worker process (the leaves under `dask worker`: not its nannies)."""
        import psutil

        leaves = [p for p in psutil.Process(self.worker.pid).children(recursive=True) if not p.children()]
        return sorted(p.memory_info().rss / 2**20 for p in leaves)

    def cpu(self) -> tuple[float, float]:
        """CPU seconds so far: the scheduler's, the workers' (nannies included)."""
        return _cpu(self.scheduler.pid), _cpu(self.worker.pid)

    def __exit__(self, *exc: object) -> None:
        for proc in reversed(self.procs):
            proc.send_signal(signal.SIGINT)
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


# --- the client, in a process of its own --------------------------------------------------------------


def client_main(argv: list[str]) -> None:
    """``_client PROJECT OUT ADDRESS STATS [--stand-in] [--force]``: one build through ``batch.build``."""
    import resource

    project_dir, out, address, stats = Path(argv[0]), Path(argv[1]), argv[2], Path(argv[3])
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    from dataclasses import replace

    from pamphlet.editions import batch, cluster, manifest
    from pamphlet.pipeline import BuildOptions

    if "--stand-in" in argv:
        cluster.build_remote = stand_in  # type: ignore[assignment]
    started = time.perf_counter()
    project = batch.load(project_dir)
    opts = BuildOptions(out=out, force="--force" in argv)
    loaded = time.perf_counter()
    statuses: dict[str, int] = {}
    if address == "-":
        cpu0 = time.process_time()
        results = batch.build(project, opts)
    else:
        with cluster.connect(address) as executor:
            connected = time.perf_counter()
            cpu0 = time.process_time()
            results = batch.build(project, opts, executor=executor)
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    ended = time.perf_counter()
    ru = resource.getrusage(resource.RUSAGE_SELF)
    data: dict[str, Any] = {
        "editions": len(results), "statuses": statuses, "wall": ended - started, "load": loaded - started,
        "build": ended - (connected if address != "-" else loaded),
        "cpu": ru.ru_utime + ru.ru_stime, "cpu_build": time.process_time() - cpu0,
        "maxrss_mb": ru.ru_maxrss / 1024}
    if "--again" in argv:
        # In the same process: code_digest() (the package's files by mtime) is the one the build used, even
        # if someone edits pamphlet/ meanwhile. The manifest is read from disk again.
        again = time.perf_counter()
        cpu1 = time.process_time()
        results = batch.build(project, replace(opts, force=False))
        data["again"] = {"wall": time.perf_counter() - again, "cpu": time.process_time() - cpu1,
                         "statuses": {s: sum(r.status == s for r in results) for s in {r.status for r in results}}}
        t = time.perf_counter()
        manifest.Manifest(out)
        data["again"]["read"] = time.perf_counter() - t
    stats.write_text(json.dumps(data))


def run_client(project: Path, out: Path, address: str, *flags: str) -> dict[str, Any]:
    stats = out.parent / f"{out.name}.stats.json"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    proc = subprocess.run([sys.executable, __file__, "_client", str(project), str(out), address, str(stats), *flags],
                          env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"the client failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(stats.read_text())
    return result


# --- the measurements ---------------------------------------------------------------------------------


def synthetic(editions: int, workers: int, tmp: Path) -> None:
    variants = max(1, editions // 4)
    project = make_project(tmp, variants)
    out = tmp / "out"
    with Cluster(workers, tmp / "cluster.log") as cl:
        run_client(project, tmp / "warm", cl.address, "--stand-in")  # the workers unpack and import once
        s0, w0 = cl.cpu()
        build = run_client(project, out, cl.address, "--stand-in", "--force", "--again")
        s1, w1 = cl.cpu()
    again = build["again"]
    n = build["editions"]
    client_ms = 1000 * build["cpu"] / n
    print(f"\nSynthetic: {n} editions ({variants} variants × 2 languages × 2 layouts), stand-in renderer "
          f"({BURN * 1000:.0f} ms CPU, {PAYLOAD // 1000} KB per edition), {workers} Dask worker processes; "
          f"{_machine()}\n")
    print("| measure | value |")
    print("|---|---|")
    print(f"| editions built | {build['statuses']} |")
    print(f"| wall (load + connect + build) | {build['wall']:.1f} s |")
    print(f"| editions/s, wall | {n / build['build']:.0f} |")
    print(f"| client CPU per edition (whole process: start, load, Dask client, manifest, writing PDFs) | "
          f"{client_ms:.2f} ms |")
    print(f"| client CPU per edition, the build alone (after imports and loading the project) | "
          f"{1000 * build['cpu_build'] / n:.2f} ms |")
    print(f"| editions/s one client can feed (1 / client CPU per edition) | {1000 / client_ms:.0f} |")
    print(f"| scheduler CPU per edition | {1000 * (s1 - s0) / n:.2f} ms |")
    print(f"| worker CPU per edition (the stand-in's {BURN * 1000:.0f} ms included) | {1000 * (w1 - w0) / n:.2f} ms |")
    print(f"| client peak RSS | {build['maxrss_mb']:.0f} MB |")
    print(f"| rebuild, every edition up to date (manifest read, every edition checked): wall / CPU | "
          f"{again['wall']:.2f} s / {again['cpu']:.2f} s ({again['statuses']}) |")
    print(f"| of which reading the manifest ({n} lines) | {again['read']:.2f} s |")


def real(editions: int, workers: int, tmp: Path) -> None:
    variants = max(1, editions // 4)
    project = make_project(tmp, variants)
    with Cluster(workers, tmp / "cluster.log") as cl:
        idle = cl.worker_rss()
        s0, w0 = cl.cpu()
        build = run_client(project, tmp / "out", cl.address, "--force")
        s1, w1 = cl.cpu()
        after = cl.worker_rss()
    n = build["editions"]
    print(f"\nReal: {n} editions ({variants} variants × 2 languages × leaflet + handbill of tests/fixtures/variants), "
          f"{workers} Dask worker processes (cold: each imports and warms up during the run); {_machine()}\n")
    print("| measure | value |")
    print("|---|---|")
    print(f"| editions | {build['statuses']} |")
    print(f"| wall | {build['wall']:.0f} s |")
    print(f"| editions/s | {n / build['build']:.2f} |")
    print(f"| client CPU per edition (whole process: start, load, connect, build) | {1000 * build['cpu'] / n:.2f} ms |")
    print(f"| client CPU per edition, the build alone | {1000 * build['cpu_build'] / n:.2f} ms |")
    print(f"| scheduler CPU per edition (its upkeep over the run included) | {1000 * (s1 - s0) / n:.2f} ms |")
    print(f"| worker CPU per edition | {(w1 - w0) / n:.3f} s |")
    print(f"| client peak RSS | {build['maxrss_mb']:.0f} MB |")
    print(f"| each worker's resident memory: started / after {n // workers} editions each | "
          f"{', '.join(f'{mb:.0f}' for mb in idle)} MB / {', '.join(f'{mb:.0f}' for mb in after)} MB |")


def crash(editions: int, tmp: Path) -> None:
    """A local build (-j default) killed half-way, then rerun: only the missing editions are built."""
    from pamphlet.editions.manifest import Manifest

    project = make_project(tmp, max(1, editions // 4), layouts=("handbill",))
    out = tmp / "out"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    proc = subprocess.Popen([str(BIN / "pamphlet"), "build", str(project), "-o", str(out), "-j", "2", "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    total = max(1, editions // 4) * 2
    while len(Manifest(out).entries) < total // 2:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    recorded = len(Manifest(out).entries)
    pdfs = len(list(out.rglob("*.pdf")))
    rerun = subprocess.run([str(BIN / "pamphlet"), "build", str(project), "-o", str(out), "--json"],
                           capture_output=True, text=True, env=env)
    data = json.loads(rerun.stdout)
    built = sum(e["status"] == "built" for e in data["editions"])
    print(f"\nCrash: {total} editions, the build killed (SIGKILL) after {recorded} were recorded ({pdfs} PDFs on "
          f"disk); the rerun built {built} and found {total - built} up to date.")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def watch(rebuilds: int, tmp: Path) -> None:
    """One `pamphlet watch` process, ``rebuilds`` saves of en.md, each a new text (a number in a sentence
    changes, so every round lays out afresh): its resident memory after the 10th round and after the last."""
    import queue
    import threading

    project = tmp / "example"
    shutil.copytree(ROOT / "content", project)
    out = tmp / "out"
    proc = subprocess.Popen([str(BIN / "pamphlet"), "watch", str(project), "-L", "en", "-l", "leaflet", "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()

    def rebuilt() -> None:
        while "rebuilt" not in lines.get(timeout=300):
            pass

    en = project / "en.md"
    text = en.read_text(encoding="utf-8")
    if "people across the globe." not in text:
        sys.exit("the example's en.md changed: pick another sentence to edit")
    samples: list[tuple[int, float]] = []
    started = time.perf_counter()
    try:
        rebuilt()
        samples.append((0, _rss_mb(proc.pid)))
        for i in range(1, rebuilds + 1):
            en.write_text(text.replace("people across the globe.", f"people across the globe ({i})."), encoding="utf-8")
            rebuilt()
            if i in (10, 50, 100, 150) or i == rebuilds:
                samples.append((i, _rss_mb(proc.pid)))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    wall = time.perf_counter() - started
    base = dict(samples)[10] if rebuilds >= 10 else samples[0][1]
    print(f"\nWatch: {rebuilds} rebuilds of the example's English leaflet, each text new (one number changes), "
          f"in {wall:.0f} s; {_machine()}\n")
    print("| after rebuild | resident memory (VmRSS) |")
    print("|---|---|")
    for i, mb in samples:
        print(f"| {i} | {mb:.0f} MB |")
    growth = samples[-1][1] - base
    print(f"\nGrowth from the 10th to the {rebuilds}th rebuild: {growth:+.1f} MB "
          f"({'✓' if growth <= 20 else '✗'} goal ≤ 20 MB)")


def _machine() -> str:
    return (f"measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_client":
        client_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="?", default="synthetic", choices=["synthetic", "real", "crash", "watch", "all"])
    parser.add_argument("--editions", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pamphlet-bench-scale-") as tmp:
        if args.what in ("synthetic", "all"):
            synthetic(args.editions or 15_000, args.workers, Path(tmp) / "synthetic")
        if args.what in ("real", "all"):
            real(args.editions or 1_000, args.workers, Path(tmp) / "real")
        if args.what in ("crash", "all"):
            crash(args.editions or 40, Path(tmp) / "crash")
        if args.what in ("watch", "all"):
            watch(args.editions or 200, Path(tmp) / "watch")


if __name__ == "__main__":
    main()
