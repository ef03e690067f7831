"""What tagged reading PDFs cost (issue 25): the bundled example built with tags (the default) and with
``--no-tags``, interleaved, in one run: seconds per edition (the editions' own ``seconds`` from ``--json``,
so start-up is left out), reading-PDF bytes, and the ratios. The goal is at most 1.3× the time per edition.

Usage: ``python benchmarks/tags.py [--runs N] [--jobs N]`` (run with the interpreter that has pamphlet installed).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def build(out: Path, tags: bool, jobs: int) -> tuple[float, int, int]:
    """(mean seconds per edition, total bytes of the reading PDFs, editions) of one full build."""
    args = [sys.executable, "-m", "pamphlet", "build", "--example", "-o", str(out), "--force", "--json",
            "--jobs", str(jobs)] + ([] if tags else ["--no-tags"])
    run = subprocess.run(args, capture_output=True, text=True, check=False)
    editions = [e for e in json.loads(run.stdout)["editions"] if e["status"] == "built"]
    seconds = statistics.mean(e["seconds"] for e in editions)
    return seconds, sum(e["bytes"] for e in editions), len(editions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=1)
    ns = parser.parse_args()
    got: dict[bool, list[tuple[float, int, int]]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(ns.runs):
            for tags in (False, True) if run % 2 == 0 else (True, False):
                got[tags].append(build(Path(tmp) / f"{tags}-{run}", tags, ns.jobs))
    rows = {}
    for tags, runs in got.items():
        rows[tags] = (min(s for s, _, _ in runs), runs[0][1], runs[0][2])
    for tags in (False, True):
        seconds, size, editions = rows[tags]
        print(f"{'tagged' if tags else 'untagged':9} {editions} editions: {seconds:.3f} s per edition (best of "
              f"{ns.runs}), reading PDFs {size / 1024:.0f} KiB")
    print(f"ratio tagged/untagged: time {rows[True][0] / rows[False][0]:.2f}×, size {rows[True][1] / rows[False][1]:.2f}×")


if __name__ == "__main__":
    main()
