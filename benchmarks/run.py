"""Benchmarks for pamphlet (run with `make bench`): prints a Markdown table.

Measures, on the bundled example:
- `pamphlet --help` wall time (lazy imports: WeasyPrint is not loaded for --help);
- one English leaflet through `pamphlet build` vs WeasyPrint's own CLI on the very same HTML;
- the full matrix (every language × every layout) with -j 1 vs the default number of jobs;
- an up-to-date rebuild of the matrix;
- peak RSS of the processes, and output sizes per layout.
Each timing is the median of several runs; ratios are what the targets are about.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PAMPHLET = str(BIN / "pamphlet")
WEASYPRINT = str(BIN / "weasyprint")


def run(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss // 1024


def median(cmd: list[str], n: int, before=None) -> tuple[float, int]:  # noqa: ANN001
    times, rss = [], 0
    for _ in range(n):
        if before:
            before()
        t, r = run(cmd)
        times.append(t)
        rss = max(rss, r)
    return statistics.median(times), rss


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pamphlet-bench-"))
    rows: list[tuple[str, str, str]] = []
    try:
        help_t, _ = median([PAMPHLET, "--help"], 7)
        rows.append(("`pamphlet --help`", f"{help_t:.3f} s", "target < 0.3 s"))

        one = tmp / "one"
        build_one = [PAMPHLET, "build", "content", "-l", "leaflet", "-L", "en", "-j", "1", "--force", "--html", "-o", str(one)]
        run(build_one)  # warm caches, write the HTML
        ours, rss1 = median(build_one, 5)
        html = one / "solidarity-en-leaflet.html"
        theirs, rss2 = median([WEASYPRINT, str(html), str(tmp / "weasy.pdf")], 5)
        rows.append(("one English leaflet: `pamphlet build`", f"{ours:.3f} s", ""))
        rows.append(("same HTML through `weasyprint` CLI", f"{theirs:.3f} s", ""))
        rows.append(("overhead over raw WeasyPrint", f"{(ours / theirs - 1) * 100:+.0f} %", "target ≤ +10 %"))

        matrix = tmp / "matrix"
        def clean() -> None:
            shutil.rmtree(matrix, ignore_errors=True)
        serial, rss3 = median([PAMPHLET, "build", "content", "-l", "all", "-j", "1", "-o", str(matrix)], 3, clean)
        parallel, rss4 = median([PAMPHLET, "build", "content", "-l", "all", "-o", str(matrix)], 3, clean)
        n_editions = len(list((ROOT / "content").glob("*.md"))) * 5
        rows.append((f"full matrix ({n_editions} editions), -j 1", f"{serial:.2f} s", ""))
        rows.append((f"full matrix, default jobs ({os.cpu_count()})", f"{parallel:.2f} s", ""))
        rows.append(("parallel / serial", f"{parallel / serial:.2f}×", "target ≤ 0.6× on 2 cores"))
        uptodate, _ = median([PAMPHLET, "build", "content", "-l", "all", "-o", str(matrix)], 5)
        rows.append(("up-to-date rebuild of the matrix", f"{uptodate:.3f} s", "target < 0.5 s"))
        rows.append(("peak RSS (one process)", f"{max(rss1, rss3, rss4)} MB", f"weasyprint CLI: {rss2} MB"))
        for layout in ("leaflet", "booklet", "zine", "trifold", "handbill"):
            files = sorted(matrix.glob(f"solidarity-en-{layout}*.pdf"))
            sizes = ", ".join(f"{f.stat().st_size / 1024:.0f} KB" for f in files)
            rows.append((f"output size, en/{layout}", sizes, "reading" + (" + print" if len(files) > 1 else "")))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}\n")
    print("| measurement | value | note |\n|---|---|---|")
    for name, value, note in rows:
        print(f"| {name} | {value} | {note} |")


if __name__ == "__main__":
    main()
