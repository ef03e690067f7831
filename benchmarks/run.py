"""`make bench`: pamphlet's speed as ratios, measured in one run (issue 16).

Every comparison is *paired and interleaved*: the two commands run one after
the other, in alternating order, N times, and the table shows medians. The main
figure is CPU time (user + system) of the whole process tree — the command, its
worker processes, the fork server — which stays steady on a busy machine where
wall time does not. This process makes itself a child subreaper so that workers
orphaned by a fork server are reaped (and counted) here too.

What runs is the *installed* package with bytecode, as a user has it: a wheel is
built from the checkout and installed into ``benchmarks/.venv-bench`` (its
dependencies come from the development ``.venv`` through a ``.pth`` file, so
nothing is downloaded but the wheel's build backend). An editable install under
``PYTHONDONTWRITEBYTECODE`` would recompile our modules on every run.

Rows (goals from issue 16):
- one English leaflet, ``pamphlet build`` vs ``weasyprint`` on the same HTML (≤ 1.10×);
- an overlong leaflet (the English text, three paragraphs repeated: shrunk to fit) vs ``weasyprint``
  on its final HTML (≤ 1.6×);
- layout passes per edition over the example matrix (the 25 editions of the layouts its pamphlet.yaml
  builds; the poster's and placard's counted apart), from ``--json``: laid out for the first time (the fit
  memo emptied; ≤ 1.5, issue 28, with every composition the layouts offer now; ≤ 2.5, issue 23, the bound the
  composition work keeps), and the same editions again (``check`` then ``build``: one pass each, ≤ 1.3);
- the full matrix with ``-j 2`` vs ``-j 1``: wall and total CPU (CPU ≤ 1.1×);
- an up-to-date rebuild of the matrix (< 0.25 s);
- peak memory: per-process peak RSS summed over the tree, and the peak of the tree's summed PSS.

Usage: ``python benchmarks/run.py [--runs N] [--source DIR] [--readme]`` (``--readme``: the table into
docs/speed.md).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCH_VENV = HERE / ".venv-bench"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


# --- measuring one process tree -----------------------------------------------------------------


@dataclass
class Run:
    """One command's cost: wall seconds, CPU seconds of its whole tree, memory."""

    wall: float
    cpu: float
    rss_sum_mb: float      # per-process peak RSS (VmHWM), summed over every process of the tree
    pss_peak_mb: float     # the largest sum of PSS over the tree seen while it ran (sampled)
    processes: int
    stdout: str = ""


def _become_subreaper() -> None:
    """Orphans of our children (fork-server workers) are re-parented to us, so we reap and count them."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def _tree(root: int) -> Iterator[int]:
    kids = _children_map()
    stack = [root]
    while stack:
        pid = stack.pop()
        yield pid
        stack.extend(kids.get(pid, ()))


def _status_kb(pid: int, field_name: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field_name):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _reap_all(proc: subprocess.Popen[bytes], block: bool) -> tuple[float, bool]:
    """Reap finished children (the command, or orphans of it); CPU seconds reaped and whether any are left."""
    cpu = 0.0
    while True:
        try:
            pid, status, usage = os.wait4(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return cpu, False
        if pid == 0:
            return cpu, True
        cpu += usage.ru_utime + usage.ru_stime
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)


def measure(cmd: list[str], env: dict[str, str], cwd: Path, *, capture: bool = False, memory: bool = False,
            ok: tuple[int, ...] = (0,)) -> Run:
    """Run ``cmd`` to completion: wall time, CPU of it and of every process it started, and (with
    ``memory``) its memory, sampled from /proc every 20–50 ms."""
    me = os.getpid()
    out = tempfile.TemporaryFile() if capture else subprocess.DEVNULL
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)
    hwm: dict[int, int] = {}
    pss_peak = 0
    cpu = 0.0
    wall = 0.0
    if not memory:
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime + _reap_all(proc, block=True)[0]
    else:
        while True:
            pss_now = 0
            for pid in _tree(me):
                if pid != me:
                    hwm[pid] = max(hwm.get(pid, 0), _status_kb(pid, "VmHWM:"))
                    pss_now += _pss_kb(pid)
            pss_peak = max(pss_peak, pss_now)
            reaped, left = _reap_all(proc, block=False)
            cpu += reaped
            if proc.returncode is not None and not wall:
                wall = time.perf_counter() - start
            if not left:
                break
            time.sleep(0.02 if time.perf_counter() - start < 1 else 0.05)
    text = ""
    if capture:
        assert not isinstance(out, int)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
        out.close()
    if proc.returncode not in ok:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{text[-2000:]}")
    return Run(wall, cpu, sum(hwm.values()) / 1024, pss_peak / 1024, len(hwm), text)


@dataclass
class Pair:
    """N interleaved runs of two commands."""

    a: list[Run] = field(default_factory=list)
    b: list[Run] = field(default_factory=list)

    def med(self, side: str, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in getattr(self, side))

    def ratio(self, attr: str) -> float:
        """Median of the per-pair ratios a/b (pairs ran back to back: they share the machine's mood)."""
        return statistics.median(getattr(x, attr) / getattr(y, attr) for x, y in zip(self.a, self.b, strict=True))


def paired(runs: int, a: Callable[[], Run], b: Callable[[], Run]) -> Pair:
    pair = Pair()
    for i in range(runs):
        if i % 2 == 0:
            pair.a.append(a())
            pair.b.append(b())
        else:
            pair.b.append(b())
            pair.a.append(a())
    return pair


# --- the installed package ------------------------------------------------------------------------


def _dev_site_packages() -> Path:
    return Path(sysconfig.get_paths()["purelib"])


def install(source: Path, venv: Path, work: Path) -> Path:
    """Build a wheel from ``source``, install it into ``venv``; returns the venv's python."""
    wheels = work / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(source)],
                   check=True)
    wheel = next(wheels.glob("pamphlet*.whl"))  # the distribution is pamphlet-builder: pamphlet_builder-….whl
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # Dependencies come from the development venv (same versions as the tests); its .pth files are
    # not processed from here, so its editable pamphlet stays out of the way.
    (site / "_pamphlet_bench_deps.pth").write_text(f"{_dev_site_packages()}\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--force-reinstall", str(wheel)], check=True)
    for where in (site, _dev_site_packages()):  # bytecode for us and for every dependency
        subprocess.run([str(python), "-m", "compileall", "-q", "-j", "0", str(where)], check=True,
                       stdout=subprocess.DEVNULL)
    imported = subprocess.run([str(python), "-c", "import pamphlet; print(pamphlet.__file__)"], check=True,
                              capture_output=True, text=True, cwd=work).stdout.strip()
    if not imported.startswith(str(site)):
        raise SystemExit(f"the bench venv imports pamphlet from {imported}, not from the wheel")
    return python


# --- the benchmark -------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    value: str
    goal: str = ""
    ok: bool | None = None

    def cells(self) -> str:
        mark = "" if self.ok is None else (" ✓" if self.ok else " ✗")
        return f"| {self.name} | {self.value}{mark} | {self.goal} |"


def overlong_project(example: Path, where: Path) -> Path:
    """The example's English text with three of its paragraphs repeated: ~45 % too long for a
    leaflet at full size, it fits at ~91 % type after several layout passes. English, so that the
    comparison with WeasyPrint is about fitting (a German text would also measure Pyphen's parse
    of its large dictionary, which WeasyPrint's CLI pays in every run and pamphlet reads cached)."""
    where.mkdir(parents=True, exist_ok=True)
    shutil.copy(example / "pamphlet.yaml", where / "pamphlet.yaml")
    _, head, body = (example / "en.md").read_text(encoding="utf-8").split("---\n", 2)
    paragraphs = [p for p in body.strip().split("\n\n") if not p.startswith(">")]
    extra = "\n\n".join(paragraphs[2:5])
    (where / "en.md").write_text(f"---\n{head}---\n{body.rstrip()}\n\n{extra}\n", encoding="utf-8")
    return where


def bench(python: Path, runs: int, work: Path, log: Callable[[str], None]) -> tuple[list[Row], dict]:
    pamphlet = [str(python.parent / "pamphlet")]
    weasyprint = [str(python), "-m", "weasyprint"]
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONDONTWRITEBYTECODE", "PAMPHLET_JOBS", "SOURCE_DATE_EPOCH", "PYTHONPATH")}
    env["XDG_CACHE_HOME"] = str(work / "cache")  # warmed by the first run of each kind, as on a user's machine
    example = ROOT / "content"
    overlong = overlong_project(example, work / "overlong")
    rows: list[Row] = []
    raw: dict = {"runs": runs}

    def run(cmd: list[str], capture: bool = False, memory: bool = False, ok: tuple[int, ...] = (0,),
            fit_memo: bool = False) -> Run:
        """Every other cache stays warm, as on a user's machine; the fit memo (pamphlet/pages/fitmemo.py) is
        emptied first unless ``fit_memo``, so fitting is measured as for a text laid out the first time."""
        if not fit_memo:
            shutil.rmtree(work / "cache" / "pamphlet" / "fit", ignore_errors=True)
        return measure(cmd, env, work, capture=capture, memory=memory, ok=ok)

    log("help")
    help_runs = [run([*pamphlet, "--help"]) for _ in range(runs)]
    help_cpu = statistics.median(r.cpu for r in help_runs)
    rows.append(Row("`pamphlet --help`", f"{help_cpu:.3f} s CPU"))

    # One leaflet, and an overlong one, against WeasyPrint's CLI on the very same final HTML.
    for case, (label, project, lang, goal, slug) in enumerate((
        ("one English leaflet", example, "en", 1.10, "solidarity-en-leaflet"),
        ("overlong English leaflet (three paragraphs repeated: shrunk to fit)", overlong, "en", 1.6,
         "solidarity-en-leaflet"),
    )):
        log(label)
        out = work / f"one-{case}"
        cmd = [*pamphlet, "build", str(project), "-l", "leaflet", "-L", lang, "-j", "1", "--force", "--html",
               "-o", str(out), "--json"]
        first = run(cmd, capture=True)  # warms the caches and writes the HTML
        record = json.loads(first.stdout)["editions"][0]
        html = next(out.glob("*.html"), None) or out / f"{slug}.html"
        theirs = [*weasyprint, str(html), str(work / "weasy.pdf")]
        pair = paired(runs, lambda cmd=cmd: run(cmd), lambda theirs=theirs: run(theirs))  # type: ignore[misc]
        ratio = pair.ratio("cpu")
        raw[label] = {"pamphlet_cpu": pair.med("a", "cpu"), "weasyprint_cpu": pair.med("b", "cpu"),
                      "ratio_cpu": ratio, "wall_ratio": pair.ratio("wall"), "passes": record.get("passes"),
                      "scale": record.get("scale")}
        fitted = f", {record.get('passes')} layout passes, type {round(record.get('scale', 1) * 100)} %" \
            if record.get("scale", 1) != 1 else ""
        rows.append(Row(f"{label}: `pamphlet build` / `weasyprint` on its HTML",
                        f"{ratio:.2f}× ({pair.med('a', 'cpu'):.2f} s / {pair.med('b', 'cpu'):.2f} s CPU{fitted})",
                        f"≤ {goal:.2f}×", ratio <= goal))

    # The example matrix: -j 2 against -j 1, and the layout passes it took.
    log("matrix")
    matrix = work / "matrix"
    base = [*pamphlet, "build", str(example), "-l", "all", "-o", str(matrix), "--force"]
    # A failed edition (exit 1) is still measured: the table says how many failed.
    serial = run([*base, "-j", "1", "--json"], capture=True, ok=(0, 1))  # also warms every language's caches
    editions = json.loads(serial.stdout)["editions"]
    failed = [f"{e['lang']}/{e['layout']}" for e in editions if e.get("status") == "failed"]
    raw["failed"] = failed
    # The goal (issue 28) is set on the example's own matrix, the layouts its pamphlet.yaml builds (25 editions:
    # leaflet, booklet, zine, tri-fold, handbill); the poster and the placard, built here too, are counted apart.
    own = set(yaml.safe_load((example / "pamphlet.yaml").read_text(encoding="utf-8")).get("layouts") or ())
    matrix_editions = [e for e in editions if e["layout"] in own] or editions
    counts: list[int] = [e.get("passes", 0) for e in matrix_editions if e.get("status") != "failed"]
    every = [e.get("passes", 0) for e in editions if e.get("status") != "failed"]
    mean_passes = statistics.fmean(counts) if counts else float("nan")
    raw["passes"] = {f"{e['lang']}/{e['layout']}": e.get("passes") for e in editions}
    note = f"; {len(failed)} failed: {', '.join(failed)}" if failed else ""
    also = f"; all {len(editions)} layouts' editions {statistics.fmean(every):.2f}" if len(every) > len(counts) else ""
    rows.append(Row(f"layout passes per edition, example matrix, first layout ({len(matrix_editions)} editions{note})",
                    f"{mean_passes:.2f} (max {max(counts, default=0)}, total {sum(counts)}{also})", "≤ 1.5 (≤ 2.5)",
                    mean_passes <= 1.5))
    # The same editions laid out again (`check` then `build`, `--force`, another output folder): the fit memo.
    again = json.loads(run([*base, "-j", "1", "--json"], capture=True, ok=(0, 1), fit_memo=True).stdout)["editions"]
    again_counts = [e.get("passes", 0) for e in again if e.get("status") != "failed"]
    again_mean = statistics.fmean(again_counts) if again_counts else float("nan")
    raw["passes_again"] = {f"{e['lang']}/{e['layout']}": e.get("passes") for e in again}
    rows.append(Row("layout passes per edition, the same editions laid out again (check → build, --force)",
                    f"{again_mean:.2f} (total {sum(again_counts)})", "≤ 1.3", again_mean <= 1.3))
    pair = paired(runs, lambda: run([*base, "-j", "2"], memory=True, ok=(0, 1)),
                  lambda: run([*base, "-j", "1"], memory=True, ok=(0, 1)))
    cpu_ratio, wall_ratio = pair.ratio("cpu"), pair.ratio("wall")
    raw["matrix"] = {"j2_cpu": pair.med("a", "cpu"), "j1_cpu": pair.med("b", "cpu"), "j2_wall": pair.med("a", "wall"),
                     "j1_wall": pair.med("b", "wall"), "cpu_ratio": cpu_ratio, "wall_ratio": wall_ratio,
                     "j2_rss_sum": pair.med("a", "rss_sum_mb"), "j1_rss_sum": pair.med("b", "rss_sum_mb"),
                     "j2_pss_peak": pair.med("a", "pss_peak_mb"), "j1_pss_peak": pair.med("b", "pss_peak_mb")}
    rows.append(Row("full matrix `-j 2` / `-j 1`: CPU",
                    f"{cpu_ratio:.2f}× ({pair.med('a', 'cpu'):.1f} s / {pair.med('b', 'cpu'):.1f} s)", "≤ 1.10×",
                    cpu_ratio <= 1.10))
    rows.append(Row("full matrix `-j 2` / `-j 1`: wall",
                    f"{wall_ratio:.2f}× ({pair.med('a', 'wall'):.1f} s / {pair.med('b', 'wall'):.1f} s)",
                    "< 1 (faster with two workers)", wall_ratio < 1))
    rows.append(Row("peak memory, `-j 2` / `-j 1` (peak RSS summed over processes)",
                    f"{pair.med('a', 'rss_sum_mb'):.0f} MB / {pair.med('b', 'rss_sum_mb'):.0f} MB"))
    rows.append(Row("peak memory, `-j 2` / `-j 1` (peak of the tree's summed PSS)",
                    f"{pair.med('a', 'pss_peak_mb'):.0f} MB / {pair.med('b', 'pss_peak_mb'):.0f} MB"))

    log("up to date")
    # A failed edition is never up to date (it is tried again), so leave out layouts that had one.
    layouts = list(dict.fromkeys(e["layout"] for e in editions))
    whole = [name for name in layouts if not any(f.endswith(f"/{name}") for f in failed)]
    picked = [arg for name in whole for arg in ("-l", name)] if failed else ["-l", "all"]
    up = [run([*pamphlet, "build", str(example), *picked, "-o", str(matrix)]) for _ in range(max(runs, 5))]
    up_wall, up_cpu = statistics.median(r.wall for r in up), statistics.median(r.cpu for r in up)
    raw["up_to_date"] = {"wall": up_wall, "cpu": up_cpu, "layouts": whole}
    which = "the matrix" if not failed else f"the matrix's {', '.join(whole)} editions"
    rows.append(Row(f"up-to-date rebuild of {which}", f"{up_wall:.3f} s wall, {up_cpu:.3f} s CPU", "< 0.25 s",
                    up_wall < 0.25))
    return rows, raw


def table(rows: list[Row], runs: int) -> str:
    cpu = platform.processor() or platform.machine()
    lines = [f"Measured {time.strftime('%Y-%m-%d')} on {cpu}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}; medians of {runs} paired, interleaved runs; CPU = user + system "
             "time of the whole process tree.", "", "| measurement | result | goal |", "|---|---|---|"]
    lines += [r.cells() for r in rows]
    return "\n".join(lines)


SPEED_DOC = ROOT / "docs" / "speed.md"


def write_table(text: str) -> None:
    """The table into docs/speed.md, between its ``bench:`` markers."""
    body = SPEED_DOC.read_text(encoding="utf-8")
    if README_START not in body or README_END not in body:
        raise SystemExit(f"docs/speed.md has no {README_START} … {README_END} section")
    head, rest = body.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    SPEED_DOC.write_text(f"{head}{README_START}\n{text}\n{README_END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="pairs per comparison (default 5)")
    parser.add_argument("--source", type=Path, default=ROOT, help="the checkout to build the wheel from")
    parser.add_argument("--venv", type=Path, default=BENCH_VENV, help="where to install it")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    parser.add_argument("--readme", action="store_true", help="write the table into docs/speed.md (its bench: markers)")
    args = parser.parse_args()
    _become_subreaper()
    work = Path(tempfile.mkdtemp(prefix="pamphlet-bench-"))

    def log(step: str) -> None:
        print(f"… {step}", file=sys.stderr, flush=True)

    try:
        log(f"installing {args.source} into {args.venv}")
        python = install(args.source.resolve(), args.venv, work)
        rows, raw = bench(python, args.runs, work, log)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = table(rows, args.runs)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(raw, indent=2), encoding="utf-8")
    if args.readme:
        write_table(text)


if __name__ == "__main__":
    main()
