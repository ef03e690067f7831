"""Show that the guards bite: deliberate breakages, each caught by the tests that guard it.

    python tests/mutants.py            # every breakage (``make mutants``)
    python tests/mutants.py fold-order  # some of them, by name
    python tests/mutants.py --list

Each breakage is one small edit of pamphlet (or a template) that a real change could make. The script
never touches the checkout: it copies the project's files (tracked and new, as they are in the working
tree) into a temporary folder and runs pytest there, with that copy first on PYTHONPATH and no bytecode
written, so the copy's code is what the tests import. First the guard tests run on the unbroken copy: a
guard that already fails there proves nothing and is left out (and said so). Then, for each breakage: edit
the copy, run its guard tests, put the file back. A breakage is *caught* when at least one guard test
fails, and *survived* when they all pass. The exit status is 0 only when every breakage was caught.

Not collected by pytest (no ``test_`` prefix); it runs the suite's own tests, so it stays beside them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: What a copy needs when git cannot list the files.
FALLBACK = ("pamphlet", "tests", "templates", "fonts", "content", "pyproject.toml")


@dataclass(frozen=True)
class Mutant:
    name: str
    what: str               # the breakage, as a reviewer would describe it
    where: str              # the files to look in (a glob from the project's folder): code moves between modules
    old: str                # text that must occur exactly once in them
    new: str
    guards: tuple[str, ...]  # the tests that must catch it (pytest node ids)


MUTANTS = (
    Mutant(
        "lede-placement",
        "the leaflet sets its lede inside the two columns instead of across the page above them",
        "templates/leaflet/page.html",
        '{{ lede }}\n<main class="body">\n',
        '<main class="body">\n{{ lede }}\n',
        ("tests/test_integrity.py::test_the_leaflets_lede_runs_across_the_page",),
    ),
    Mutant(
        "word-proof",
        "the proof no longer fails an edition whose words are missing from its pages",
        "pamphlet/**/*.py",
        "    if first is None:\n        return\n",
        "    if first is None or True:  # mutant\n        return\n",
        ("tests/test_integrity.py::test_a_template_that_drops_a_paragraph_fails_the_build",),
    ),
    Mutant(
        "safe-area",
        "the proof no longer checks the safe area (ink within 5 mm of the sheet edge without bleed)",
        "pamphlet/**/*.py",
        "safe_margin=None if spec.bleed else SAFE_MARGIN",
        "safe_margin=None",
        ("tests/test_integrity.py::test_text_in_the_printers_dead_edge_fails_the_build",),
    ),
    Mutant(
        "glyph-check",
        "the glyph check finds no character missing from the fonts (tofu would be printed)",
        "pamphlet/**/*.py",
        "                first[ch] = Location(loc.path, line_no)\n",
        "                pass  # mutant\n",
        ("tests/test_i18n.py::test_missing_glyphs_stop_the_edition_with_code_points_and_location",
         "tests/test_variants.py::test_check_names_the_variant_and_the_cell_of_a_letter_no_font_has"),
    ),
    Mutant(
        "fold-order",
        "the booklet's back sides carry their two pages swapped (the folded booklet reads out of order)",
        "pamphlet/**/*.py",
        "back: list[int | None] = [offset + 2 * k + 2, offset + size - 2 * k - 1]",
        "back: list[int | None] = [offset + size - 2 * k - 1, offset + 2 * k + 2]",
        ("tests/test_imposition_plans.py",),
    ),
    Mutant(
        "manifest-key",
        "the manifest's edition key leaves out the options (paper, build date, variant row): a build on other "
        "paper, of another date or of an edited variant is taken as up to date",
        "pamphlet/**/*.py",
        "    h.update(json.dumps(options, sort_keys=True, default=str).encode())\n",
        "",
        ("tests/test_batch.py::test_incremental_rebuilds_only_what_changed",
         "tests/test_cli.py::test_source_date_epoch_is_part_of_the_key_and_checked",
         "tests/test_variants.py::test_a_changed_row_rebuilds_only_its_variant"),
    ),
    Mutant(
        "locate",
        "the edition renders Markdown without locate=lang.locate (errors say 'line 7', not 'en.md:7')",
        "pamphlet/**/*.py",
        "locate=lang.locate, ",
        "",
        ("tests/test_hostile.py::test_hostile_rebuild_fails_in_one_line_and_keeps_the_old_pdf",),
    ),
    Mutant(
        "refusal",
        "an off-by-one refuses every edition that ships no blank page (blanks >= blank_ok)",
        "pamphlet/**/*.py",
        "    if blanks > layout.blank_ok:\n",
        "    if blanks >= layout.blank_ok:  # mutant\n",
        ("tests/test_integrity.py::test_a_25_word_notice",),
    ),
)


def locate(copy: Path, m: Mutant) -> tuple[Path | None, int]:
    """The one file holding the text to break, and how many times the files hold it (must be once)."""
    hits = [(p, p.read_text(encoding="utf-8").count(m.old)) for p in sorted(copy.glob(m.where)) if p.is_file()]
    hits = [(p, n) for p, n in hits if n]
    return (hits[0][0] if len(hits) == 1 else None), sum(n for _, n in hits)


def project_files() -> list[str]:
    """The checkout's files as they are now: tracked (less deleted) and new ones git does not ignore."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return sorted({name for name in out.decode().split("\0") if name and (ROOT / name).is_file()})


def copy_tree(dest: Path) -> None:
    files = project_files()
    if files:
        for name in files:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name, follow_symlinks=False)
        return
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    for name in FALLBACK:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, symlinks=True, ignore=ignore)
        elif src.is_file():
            shutil.copy2(src, dest / name)


@dataclass
class Run:
    code: int
    failed: list[str]   # node ids of the tests that failed or errored
    total: int
    seconds: float
    tail: str


def _node_id(case: ET.Element) -> str:
    module = case.get("classname", "").replace(".", "/") + ".py"
    return f"{module}::{case.get('name')}"


def pytest(copy: Path, work: Path, tag: str, args: list[str], *, jobs: int) -> Run:
    """Run pytest on the copy; its results from a JUnit XML report."""
    report = work / f"{tag}.xml"
    env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1", PYTHONSAFEPATH="1")
    env.pop("PYTEST_ADDOPTS", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--basetemp={work / ('tmp-' + tag)}",
           f"--junitxml={report}", "-o", "addopts=", "-W", "ignore::pytest.PytestUnknownMarkWarning"]
    cmd += ["-n", str(jobs)] if jobs > 1 else ["-p", "no:xdist"]
    started = time.monotonic()
    proc = subprocess.run([*cmd, *args], cwd=copy, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    failed, total = [], 0
    if report.is_file():
        for case in ET.parse(report).getroot().iter("testcase"):
            total += 1
            if case.find("failure") is not None or case.find("error") is not None:
                failed.append(_node_id(case))
    tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
    return Run(proc.returncode, failed, total, seconds, tail)


def check_import(copy: Path) -> None:
    """The copy's pamphlet is what the tests import, not the checkout's (an editable install points there)."""
    env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1", PYTHONSAFEPATH="1")
    where = subprocess.run([sys.executable, "-c", "import pamphlet, sys; sys.stdout.write(pamphlet.__file__)"],
                           cwd=copy, env=env, capture_output=True, text=True, check=True).stdout
    if not Path(where).resolve().is_relative_to(copy.resolve()):
        sys.exit(f"mutants: the copy imports pamphlet from {where}, not from {copy}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="breakages to try (default: all)")
    parser.add_argument("--list", action="store_true", help="list the breakages and their guard tests")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    parser.add_argument("-n", "--jobs", type=int, default=1, help="pytest-xdist workers per run (default 1)")
    args = parser.parse_args(argv)
    by_name = {m.name: m for m in MUTANTS}
    unknown = [n for n in args.names if n not in by_name]
    if unknown:
        parser.error(f"no such breakage: {', '.join(unknown)} (try --list)")
    chosen = [by_name[n] for n in args.names] if args.names else list(MUTANTS)
    if args.list:
        for m in chosen:
            print(f"{m.name}: {m.what}\n  in {m.where}\n  guards: {' '.join(m.guards)}")
        return 0

    work = Path(tempfile.mkdtemp(prefix="pamphlet-mutants-"))
    copy = work / "tree"
    try:
        copy.mkdir()
        copy_tree(copy)
        check_import(copy)
        print(f"mutants: {len(chosen)} breakages, each tried on a copy of the tree in {copy}", flush=True)

        targets: dict[str, Path] = {}
        for m in chosen:  # every breakage must still apply: a changed line would make it test nothing
            path, count = locate(copy, m)
            if path is None or count != 1:
                print(f"  {m.name}: cannot apply: {m.where} holds the text to break {count} times "
                      "(the code changed: update tests/mutants.py)")
                return 2
            targets[m.name] = path

        guards = sorted({g for m in chosen for g in m.guards})
        base = pytest(copy, work, "baseline", guards, jobs=args.jobs)
        if base.total == 0:
            print(f"  baseline: no guard test ran (exit {base.code})\n{base.tail}")
            return 2
        print(f"baseline: {base.total - len(base.failed)} of {base.total} guard tests pass unbroken "
              f"({base.seconds:.0f} s)", flush=True)
        for node in base.failed:
            print(f"  already failing, left out: {node}")

        results: dict[str, str] = {}
        width = max(len(m.name) for m in chosen)
        for m in chosen:
            target = targets[m.name]
            original = target.read_bytes()
            run_args = [g for g in m.guards if not any(f.startswith(g) for f in base.failed)]
            deselect = [a for f in base.failed if any(f.startswith(g) for g in m.guards) for a in ("--deselect", f)]
            if not run_args:
                results[m.name] = "no green guard"
                print(f"{m.name:<{width}}  NO GREEN GUARD  every guard test fails unbroken", flush=True)
                continue
            try:
                target.write_text(original.decode("utf-8").replace(m.old, m.new, 1), encoding="utf-8")
                run = pytest(copy, work, m.name, [*run_args, *deselect], jobs=args.jobs)
            finally:
                target.write_bytes(original)
            if run.failed:
                results[m.name] = "caught"
                shown = ", ".join(f.split("::", 1)[1] for f in run.failed[:2])
                more = f" and {len(run.failed) - 2} more" if len(run.failed) > 2 else ""
                print(f"{m.name:<{width}}  CAUGHT    {len(run.failed)} of {run.total} guard tests fail "
                      f"({shown}{more}; {run.seconds:.0f} s)", flush=True)
            elif run.code == 0 and run.total:
                results[m.name] = "survived"
                print(f"{m.name:<{width}}  SURVIVED  all {run.total} guard tests pass ({run.seconds:.0f} s)",
                      flush=True)
            else:
                results[m.name] = f"error (pytest exit {run.code})"
                print(f"{m.name:<{width}}  ERROR     pytest exit {run.code}, no test result\n{run.tail}", flush=True)
            print(f"{'':<{width}}  {m.what} ({target.relative_to(copy)})")

        caught = sum(r == "caught" for r in results.values())
        if caught == len(chosen):
            print(f"all {caught} breakages caught")
            return 0
        print(f"{caught} of {len(chosen)} breakages caught; not caught: "
              + ", ".join(f"{k} ({v})" for k, v in results.items() if v != "caught"))
        return 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
