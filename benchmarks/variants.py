"""Benchmark variants at scale (issue 15; run by `make bench`): editions per second, client memory.

The project is tests/fixtures/variants (a short statement in English and
Arabic, leaflet + handbill) with a generated table of 200 variants, so the
matrix is 200 × 2 languages × 2 layouts = 800 editions. Each mode builds the
same editions from scratch (``--force``) into a fresh folder:

- local, ``-j 1``: in-process, one edition after the other;
- local, default ``-j`` (one worker process per core);
- Dask: ``--scheduler`` to a ``LocalCluster`` of 2 worker processes (1 thread
  each) on this machine, started (and warmed up with a few editions, as a
  long-running cluster would be) before the timing starts.

Every build runs as a separate client process (``pamphlet.cli.run`` under a
small wrapper) that reports its own peak RSS (``ru_maxrss``) and CPU time: the
client's memory is what must stay flat however many editions there are, so the
Dask build also runs at a quarter and at the full size and both peaks are shown.

The whole matrix takes several minutes on two cores, so by default a fixed
quarter of it is measured (``--shard 1/4``: 200 editions, spread over every
variant, language and layout). ``--shard 1/1`` measures all 800.

Usage: ``python benchmarks/variants.py [--shard K/N] [--variants N]``. Prints a Markdown table and the
estimate for 15 000 editions on 16 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "variants"
EPOCH = "1767225600"

CLIENT = r"""
import json, os, resource, sys
from pamphlet import cli
code = cli.run(sys.argv[1:])
ru = resource.getrusage(resource.RUSAGE_SELF)
with open(os.environ["BENCH_CLIENT_STATS"], "w") as fh:
    json.dump({"code": code, "maxrss_kb": ru.ru_maxrss, "cpu": ru.ru_utime + ru.ru_stime}, fh)
sys.exit(code)
"""


@dataclass
class Build:
    label: str
    editions: int
    wall: float
    client_cpu: float      # the client process alone
    cpu: float             # the client, its worker processes (and, for Dask, the cluster's workers)
    client_mb: float
    failed: int

    @property
    def per_second(self) -> float:
        return self.editions / self.wall


def _become_subreaper() -> None:
    """A fork server's workers outlive the client briefly; as their reaper we count their CPU too."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _reap_orphans(seconds: float = 2.0) -> float:
    """CPU seconds of descendants that exited after the client (a fork server and its workers)."""
    cpu, deadline = 0.0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.05)
            continue
        cpu += usage.ru_utime + usage.ru_stime
    return cpu


def make_project(folder: Path, n: int) -> Path:
    """The fixture's texts with ``n`` generated variants (each its own date, time, place, contact, QR link)."""
    project = folder / "day-of-action"
    project.mkdir(parents=True)
    for name in ("pamphlet.yaml", "en.md", "ar.md"):
        shutil.copy(FIXTURE / name, project / name)
    places = [("Town Hall steps", "درج مبنى البلدية"), ("Central Library", "المكتبة المركزية"),
              ("Market Square", "ساحة السوق"), ("Railway Station", "محطة القطار")]
    lines = ["id,event.date,event.start,place,place@ar,contact.email,qr"]
    for i in range(n):
        en, ar = places[i % 4]
        day = f"2026-{5 + i // 28 % 6:02d}-{1 + i % 28:02d}"
        lines.append(f'town-{i:03d},{day},{10 + i % 8}:{"30" if i % 2 else "00"},"{en}, Town {i}",'
                     f'"{ar}، البلدة {i}",town-{i:03d}@example.org,https://example.org/action/town-{i:03d}')
    (project / "variants.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return project


def build(label: str, project: Path, out: Path, *args: str) -> Build:
    """One client process building into ``out`` from scratch; its wall time, CPU and peak memory."""
    shutil.rmtree(out, ignore_errors=True)
    stats = out.parent / f"{out.name}.stats.json"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "BENCH_CLIENT_STATS": str(stats)}
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen([sys.executable, "-c", CLIENT, "build", str(project), "-o", str(out), "--force",
                                 "--json", *args], env=env, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        tree_cpu = usage.ru_utime + usage.ru_stime + _reap_orphans()
        stdout.seek(0)
        stderr.seek(0)
        text, errors = stdout.read().decode(), stderr.read().decode()
    try:
        summary = json.loads(text)
    except ValueError:
        sys.exit(f"{label}: no JSON summary (exit {proc.returncode}):\n{errors[-2000:]}")
    client = json.loads(stats.read_text())
    editions = summary["editions"]
    failed = sum(e["status"] == "failed" for e in editions)
    return Build(label, len(editions), wall, client["cpu"], tree_cpu, client["maxrss_kb"] / 1024, failed)


def _workers_cpu(client: Any) -> float:
    """CPU seconds the cluster's worker processes have used so far."""
    return sum(client.run(_own_cpu).values())


def _own_cpu() -> float:
    import resource

    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shard", default="1/4", help="the part of the matrix to measure (default 1/4; 1/1 for all)")
    parser.add_argument("--variants", type=int, default=200)
    args = parser.parse_args()
    shard = [] if args.shard == "1/1" else ["--shard", args.shard]
    cores = os.cpu_count() or 1

    from distributed import Client, LocalCluster

    _become_subreaper()

    with tempfile.TemporaryDirectory(prefix="pamphlet-bench-variants-") as tmp:
        tmpdir = Path(tmp)
        project = make_project(tmpdir, args.variants)
        rows: list[Build] = []
        rows.append(build("local, -j 1 (in-process)", project, tmpdir / "j1", *shard, "-j", "1"))
        rows.append(build(f"local, default -j ({cores} workers)", project, tmpdir / "jn", *shard))
        with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                          dashboard_address=None) as cluster, Client(cluster, set_as_default=False) as client:
            address = cluster.scheduler_address
            # Warm, as a long-running cluster is: every language and layout laid out once on each worker.
            build("warm-up", project, tmpdir / "warm", "-V", "town-000", "-V", "town-001", "--scheduler", address)
            before = _workers_cpu(client)
            big = build("Dask, 2 workers (LocalCluster)", project, tmpdir / "dask", *shard, "--scheduler", address)
            big.cpu += _workers_cpu(client) - before
            before = _workers_cpu(client)
            small = build("Dask, 2 workers: a quarter of that", project, tmpdir / "dask-small",
                          "--shard", _quarter(args.shard), "--scheduler", address)
            small.cpu += _workers_cpu(client) - before
            rows += [big, small]
    _report(rows, args, cores)


def _quarter(shard: str) -> str:
    k, n = (int(x) for x in shard.split("/"))
    return f"{k}/{n * 4}"


def _report(rows: list[Build], args: argparse.Namespace, cores: int) -> None:
    matrix = args.variants * 2 * 2
    what = "all" if args.shard == "1/1" else f"shard {args.shard} of"
    load = os.getloadavg()[0]
    print(f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {cores} cores (load average {load:.1f} "
          f"at the end), Python {platform.python_version()}: {what} {args.variants} variants × 2 languages × "
          f"leaflet + handbill ({matrix} editions), built from scratch, SOURCE_DATE_EPOCH set. CPU = user + system "
          f"of the client, its worker processes and (Dask) the cluster's workers.\n")
    print("| mode | editions | wall | editions/s | CPU per edition | client CPU | client peak RSS | failed |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.label} | {r.editions} | {r.wall:.1f} s | {r.per_second:.2f} | {r.cpu / r.editions:.3f} s | "
              f"{r.client_cpu:.1f} s | {r.client_mb:.0f} MB | {r.failed} |")
    j1, jn, dask = rows[0], rows[1], rows[2]
    one = j1.cpu / j1.editions  # in-process: the CPU one edition costs, start-up included
    for label, r in (("local pool", jn), ("Dask", dask)):
        cost = r.cpu / r.editions
        minutes = 15000 * cost / 16 / 60
        print(f"\nEstimate, {label}: 15 000 editions × {cost:.3f} s CPU each ({cost / one:.2f}× in-process) "
              f"/ 16 cores ≈ {minutes:.0f} min, if the 16 cores are real and the cluster's workers are warm", end="")
    print()


if __name__ == "__main__":
    main()
