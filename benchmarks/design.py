"""The design score over a corpus of texts the layouts were not tuned to: before and after, in one run.

    python benchmarks/design.py                 # this checkout, every corpus project, A4 and Letter
    python benchmarks/design.py --rev 3fb77f6   # ... and the same for an older commit, side by side
    python benchmarks/design.py --markdown      # the table as Markdown (docs/design.md)

Every edition (project × language × layout × paper) of ``benchmarks/corpus/`` is laid out in memory (nothing
is written) and judged by ``pamphlet/pages/score.py`` *of this checkout*, whichever code laid it out: an older
commit's pages are scored by today's rules (its boxes are read through a copy of today's ``measure.py`` and
``score.py``), so the two columns compare pages, not rule books.

Reported per layout and in total: editions refused; the mean score (lower is better; a refused edition is
not in it); pages or panels mostly white; pages where the event is set smaller than body text; handbills
that leave out a phone number or a time of their text; editions shrunk below 90 % or enlarged above 135 %;
layout passes per edition.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import types
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "benchmarks" / "corpus"
PAPERS = ("a4", "letter")
LAYOUTS = ("leaflet", "booklet", "zine", "trifold", "handbill")


def _judge_modules(source: Path) -> types.ModuleType:
    """Today's measure.py and score.py as a package of their own, reading WeasyPrint's boxes directly."""
    package = types.ModuleType("_judge")
    package.__path__ = []  # type: ignore[attr-defined]
    sys.modules["_judge"] = package
    weasy = types.ModuleType("_judge._weasy")
    from weasyprint.formatting_structure import boxes

    weasy.boxes = boxes  # type: ignore[attr-defined]
    sys.modules["_judge._weasy"] = weasy
    for name in ("measure", "score"):
        # Today's imports point into today's package; the pages being judged may come from an older one.
        code = (source / f"{name}.py").read_text(encoding="utf-8")
        code = code.replace("from pamphlet.pages._weasy import", "from _judge._weasy import")
        code = code.replace("from pamphlet.pages.measure import", "from _judge.measure import")
        code = code.replace("from pamphlet.pages import measure", "from _judge import measure")
        module = types.ModuleType(f"_judge.{name}")
        module.__file__ = str(source / f"{name}.py")
        sys.modules[f"_judge.{name}"] = module
        setattr(package, name, module)
        exec(compile(code, module.__file__, "exec"), module.__dict__)
    return sys.modules["_judge.score"]


_PHONE = re.compile(r"\+?\d[\d ()/-]{6,}\d")
#: A clock time: hours 0–23, minutes 00–59, after ':' or '.'. Not a price: nothing after a currency sign
#: ("£12.71", "€9.50", "$ 14.00") nor before a currency word or sign ("12.50 €", "9.30 EUR", "12.71 руб.");
#: "12.71" is no time anyway (minutes past 59).
_CURRENCY = "£€$¥₹₽₴₪₺"
_TIME = re.compile(r"(?<![\d.,:" + _CURRENCY + r"])(?<![" + _CURRENCY + r"] )(?:[01]?\d|2[0-3])[:.][0-5]\d(?!\d)"
                   r"(?!\s?(?:[" + _CURRENCY + r"]|EUR\b|USD\b|GBP\b|INR\b|руб|грн|zł))")


def _latin_digits(text: str) -> str:
    """Digits of any script as ASCII (an Arabic edition prints its times in Arabic-Indic digits)."""
    import unicodedata

    return "".join(str(unicodedata.digit(ch)) if unicodedata.category(ch) == "Nd" else ch for ch in text)


def _facts_in(text: str) -> set[str]:
    """The phone numbers (their digits) and clock times of ``text``; prices are neither."""
    text = _latin_digits(text)
    return {re.sub(r"\D", "", m) for m in _PHONE.findall(text)} | set(_TIME.findall(text))


def _edition(args: tuple[str, str, str, str]) -> dict:
    """One edition laid out and judged (run in a worker process)."""
    project_dir, lang, layout, paper = args
    try:
        from pamphlet.editions import batch
    except ImportError:  # an older checkout: the modules were flat
        from pamphlet import batch  # type: ignore[no-redef,attr-defined]
    from pamphlet.pipeline import BuildOptions, run_edition

    judge = _judge_modules(Path(os.environ["DESIGN_JUDGE"]))
    project = batch.load(Path(project_dir))
    opts = BuildOptions(layouts=(layout,), langs=(lang,), paper=paper, jobs=1)
    [spec] = batch.editions(project, opts)
    outcome = run_edition(project, spec, opts, write=False)
    result = outcome.result
    row = {"project": Path(project_dir).name, "lang": lang, "layout": layout, "paper": paper,
           "status": result.status, "passes": result.passes, "scale": result.scale,
           "error": result.error}
    if outcome.fitted is None or outcome.prepared is None:
        return row
    laid, prepared = outcome.fitted.laid, outcome.prepared
    pages = laid.pages
    quiet = {"booklet": (pages,), "zine": (pages,), "trifold": (6,)}.get(layout, ())  # as today's layouts say
    plan = prepared.layout.imposition(pages, paper, rtl=prepared.facts.rtl)
    sides = ([sorted({c.page for c in side.cells if c.page}) for sheet in plan.sheets for side in sheet.sides]
             if plan is not None else [[n] for n in range(1, pages + 1)])
    left = total = 0
    for w in result.warnings:
        m = re.search(r"(\d+) of (\d+) words", w)
        if m:
            left, total = int(m.group(1)), int(m.group(2))
    blanks = tuple(getattr(outcome.fitted, "blank_numbers", ()))
    score = judge.judge(laid, scale_used=result.scale, quiet=quiet, left_out=left, total_words=total or 1,
                        sides=sides, blank=blanks)
    row["score"] = score.total
    row["faults"] = score.faults
    row["white"] = sum(1 for f in score.faults if "% of its height is empty" in f)
    row["facts"] = sum(1 for f in score.faults if "the event is set at" in f)
    row["breaks"] = round(score.parts.get("breaks", 0), 2)
    if layout == "handbill":
        printed = _latin_digits(" ".join(measure_text(laid)))
        source = prepared.printed_body
        lost = {f for f in _facts_in(source) if f not in re.sub(r"\D", "", printed) and f not in printed}
        row["facts_lost"] = sorted(lost)
    return row


def measure_text(laid) -> list[str]:  # noqa: ANN001 - a LaidOut of either checkout
    from weasyprint.formatting_structure import boxes

    out = []
    for page in laid.document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if isinstance(box, boxes.TextBox):
                out.append(box.text)
            stack.extend(getattr(box, "children", None) or [])
    return out


def editions() -> list[tuple[str, str, str, str]]:
    jobs = []
    for project in sorted(p for p in CORPUS.iterdir() if (p / "pamphlet.yaml").is_file()):
        langs = sorted(f.stem for f in project.glob("*.md") if f.stem != "README" and re.fullmatch(r"[a-z]{2,3}(-[A-Z]{2})?", f.stem))
        for lang in langs:
            for layout in LAYOUTS:
                for paper in PAPERS:
                    jobs.append((str(project), lang, layout, paper))
    return jobs


def run(code: Path, jobs: int) -> list[dict]:
    """Every corpus edition laid out by the pamphlet at ``code`` (a checkout), judged by today's rules."""
    env = {**os.environ, "PYTHONPATH": str(code), "DESIGN_JUDGE": str(ROOT / "pamphlet" / "pages"), "PAMPHLET_JOBS": "1",
           "XDG_CACHE_HOME": tempfile.mkdtemp(prefix="design-cache-")}
    proc = subprocess.run([sys.executable, __file__, "--worker", str(jobs)], env=env, capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        raise SystemExit(f"design benchmark failed for {code}:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)


def _worker(jobs: int) -> None:
    with ProcessPoolExecutor(jobs) as pool:
        rows = list(pool.map(_edition, editions()))
    print(json.dumps(rows))


def summary(rows: list[dict]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r["layout"]].append(r)
        groups["all"].append(r)
    out = {}
    for name, rs in groups.items():
        built = [r for r in rs if "score" in r]
        out[name] = {
            "editions": len(rs),
            "refused": sum(1 for r in rs if r["status"] == "failed"),
            "mean score": round(sum(r["score"] for r in built) / max(1, len(built)), 2),
            "mostly white pages": sum(r.get("white", 0) for r in built),
            "event smaller than text": sum(r.get("facts", 0) for r in built),
            "handbills losing a phone or time": sum(1 for r in built if r.get("facts_lost")),
            "shrunk < 90 % or enlarged > 135 %": sum(1 for r in built if r["scale"] < 0.9 or r["scale"] > 1.35),
            "passes per edition": round(sum(r["passes"] for r in rs) / max(1, len(rs)), 2),
        }
    return out


def table(columns: dict[str, dict[str, dict[str, float]]], markdown: bool) -> str:
    names = list(columns)
    metrics = list(next(iter(columns.values()))["all"])
    lines = []
    for layout in ("all", *LAYOUTS):
        lines.append(f"\n{'### ' if markdown else ''}{layout}")
        header = ["measure", *names]
        if markdown:
            lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        else:
            lines.append("  ".join(f"{h:>34}" if i == 0 else f"{h:>12}" for i, h in enumerate(header)))
        for metric in metrics:
            values = [str(columns[n].get(layout, {}).get(metric, "—")) for n in names]
            if markdown:
                lines.append(f"| {metric} | " + " | ".join(values) + " |")
            else:
                lines.append(f"{metric:>34}  " + "  ".join(f"{v:>12}" for v in values))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rev", help="also lay the corpus out with this commit (before), for comparison")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--json", type=Path, help="write every edition's row here")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker)
        return
    columns: dict[str, dict] = {}
    rows: dict[str, list[dict]] = {}
    if args.rev:
        with tempfile.TemporaryDirectory(prefix="design-before-") as tmp:
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.rev], capture_output=True, check=True)
            with tarfile.open(fileobj=__import__("io").BytesIO(archive.stdout)) as tar:
                tar.extractall(tmp, filter="data")
            rows[f"before ({args.rev[:7]})"] = run(Path(tmp), args.jobs)
    rows["now"] = run(ROOT, args.jobs)
    for name, rs in rows.items():
        columns[name] = summary(rs)
    print(table(columns, args.markdown))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
