"""Benchmark `pamphlet watch` (run with `make bench`): save → rewritten PDF, beside a cold build.

On a copy of the bundled example, English leaflet only:
- cold: `pamphlet build -L en -l leaflet --force` in a new process each time (Python start,
  imports, WeasyPrint's font set-up, layout, fitting, writing);
- watch: one `pamphlet watch -L en -l leaflet` process; the time from writing en.md (file
  closed) to the leaflet PDF being replaced (its inode changes on the atomic rename).
Medians of several runs; the goal is watch ≤ 0.5 × cold. Wall time is what a user waits;
CPU time (user + system, of the build process or of the watch process during the rebuild)
is shown beside it because it hardly moves when the machine is busy with other work.
Prints a Markdown table.
"""

from __future__ import annotations

import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAMPHLET = str(Path(sys.executable).parent / "pamphlet")
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
GOAL = 0.5


def cold(project: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one cold build."""
    started = time.perf_counter()
    proc = subprocess.Popen([PAMPHLET, "build", str(project), "-L", "en", "-l", "leaflet", "-o", str(out), "--force"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the cold build failed")
    return wall, usage.ru_utime + usage.ru_stime


def cpu(pid: int) -> float:
    """User + system CPU seconds of a running process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except FileNotFoundError:
        return None


def watch_times(project: Path, out: Path, runs: int) -> list[tuple[float, float]]:
    proc = subprocess.Popen([PAMPHLET, "watch", str(project), "-L", "en", "-l", "leaflet", "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: queue.Queue[str] = queue.Queue()
    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()

    def rebuilt(timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while "rebuilt" not in lines.get(timeout=max(0.01, deadline - time.monotonic())):
            pass

    try:
        rebuilt()  # the first build
        pdf = out / "solidarity-en-leaflet.pdf"
        en = project / "en.md"
        text = en.read_text(encoding="utf-8")
        times = []
        for i in range(runs):
            before = inode(pdf)
            # change one word (alternately), so the text and its length hardly change
            edited = text.replace("people across the globe.", "people across the world.") if i % 2 == 0 else text
            started, cpu_before = time.perf_counter(), cpu(proc.pid)
            en.write_text(edited, encoding="utf-8")
            while inode(pdf) == before:
                time.sleep(0.002)
            times.append((time.perf_counter() - started, cpu(proc.pid) - cpu_before))
            rebuilt()
            time.sleep(0.3)
        return times
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pamphlet-bench-watch-") as tmp:
        project = Path(tmp) / "example"
        shutil.copytree(ROOT / "content", project)
        cold(project, Path(tmp) / "warm-up")  # font caches, as any user's second build has them
        cold_times = [cold(project, Path(tmp) / "cold") for _ in range(max(3, RUNS // 2))]
        watch = watch_times(project, Path(tmp) / "watch", RUNS)
    c, w = statistics.median(t for t, _ in cold_times), statistics.median(t for t, _ in watch)
    c_cpu, w_cpu = statistics.median(t for _, t in cold_times), statistics.median(t for _, t in watch)
    print("| English leaflet of the bundled example | wall (median) | CPU (median) | runs |")
    print("|---|---:|---:|---:|")
    print(f"| cold `pamphlet build -L en -l leaflet --force` | {c:.2f} s | {c_cpu:.2f} s | {len(cold_times)} |")
    print(f"| `pamphlet watch`: save en.md → PDF rewritten | {w:.2f} s | {w_cpu:.2f} s | {len(watch)} |")
    print(f"| watch / cold (goal ≤ {GOAL}×) | {w / c:.2f}× | {w_cpu / c_cpu:.2f}× | |")
    if w / c > GOAL:
        print(f"warning: watch is {w / c:.2f}× the cold build, above the goal of {GOAL}×", file=sys.stderr)


if __name__ == "__main__":
    main()
