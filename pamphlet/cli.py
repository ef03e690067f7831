"""The command line: parse options, call the library, print. Nothing else prints.

Every ``PamphletError`` becomes ``error: …`` and ``hint: …`` on stderr with
exit code 1 — never a traceback for a problem in the user's input. One printer
(``_failure``) writes every failure, and each option shared by several commands
is declared once (``LayoutOpt``, ``LangOpt``, …), so their help cannot drift.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperArgument, TyperCommand

from pamphlet import __version__
from pamphlet.errors import plural
from pamphlet.leancli import LazyConsole, LeanGroup, Table, escape  # Rich and Pydantic load only when needed

_APP = {"cls": LeanGroup, "add_completion": False, "no_args_is_help": True, "rich_markup_mode": None,
        "pretty_exceptions_enable": False,
        "help": "Build print-ready leaflets, booklets, zines, tri-folds and handbills from YAML + Markdown."}
app = typer.Typer(**_APP)  # type: ignore[arg-type]
out = LazyConsole()
err = LazyConsole(stderr=True, soft_wrap=True)

class _Command(TyperCommand):
    """A command whose arguments show their name alone in ``--help`` (``PROJECT``, not ``PROJECT <path>``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument) and param.metavar:
                param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]


# --- options shared by several commands: declared once ----------------------------------------------

ProjectArg = Annotated[Optional[Path], typer.Argument(
    metavar="PROJECT", show_default=False, help="Project folder (default: this folder).")]
ExampleOpt = Annotated[bool, typer.Option(
    "--example", help="Use the bundled example instead of a project folder.")]
LayoutOpt = Annotated[Optional[list[str]], typer.Option(
    "-l", "--layout", metavar="LAYOUT",
    help="Only this layout (repeatable; 'all' for every one). Default: the project's layouts.")]
LangOpt = Annotated[Optional[list[str]], typer.Option(
    "-L", "--lang", metavar="LANG", help="Only this language (repeatable; 'all' for every one). Default: every language.")]
VariantOpt = Annotated[Optional[list[str]], typer.Option(
    "-V", "--variant", metavar="ID",
    help="Only this variant, by its id in the variants table (repeatable). Default: every variant.")]
PaperOpt = Annotated[Optional[str], typer.Option(
    "--paper", metavar="PAPER", help="Paper size: a4 or letter (default: the project's).")]
OutOpt = Annotated[Path, typer.Option("-o", "--out", metavar="DIR", help="Folder for the PDFs.")]
JobsOpt = Annotated[Optional[int], typer.Option(
    "-j", "--jobs", metavar="N", min=1, max=64,
    help="Worker processes (default: one per CPU, or $PAMPHLET_JOBS; 1 works in this process).")]
ShardOpt = Annotated[Optional[str], typer.Option(
    "--shard", metavar="K/N", help="Only part K of N of the editions (like 2/4): for CI matrices and job arrays.")]
NoFitOpt = Annotated[bool, typer.Option(
    "--no-fit", help="Don't shrink the type to fit fixed-size layouts: an overflow is an error.")]
PagesOpt = Annotated[Optional[int], typer.Option(
    "--pages", metavar="N", min=4, max=256, help="Booklet: exact page count (fit down to it or fail).")]
NoTagsOpt = Annotated[bool, typer.Option(
    "--no-tags", help="Untagged reading PDFs: no structure tree for screen readers (smaller, a little faster).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of the table.")]
CompositionOpt = Annotated[Optional[str], typer.Option(
    "--composition", metavar="NAME",
    help="Use this composition of each layout (see check --explain) instead of the best scored one.")]
PressOpt = Annotated[bool, typer.Option(
    "--press", help="Printer's files as PDF/X-4 in CMYK for the copy shop's colour profile (press: in "
                    "pamphlet.yaml; docs/press.md).")]


class _ConsoleHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        level = "warning" if record.levelno >= logging.WARNING else "info"
        err.print(f"[yellow]{level}:[/] " + escape(record.getMessage()), highlight=False, markup=True)


def _setup_logging(quiet: bool) -> None:
    root = logging.getLogger("pamphlet")
    root.handlers[:] = [_ConsoleHandler()]
    root.setLevel(logging.ERROR if quiet else logging.WARNING)
    root.propagate = False


def _paper(paper: str | None) -> str | None:
    """--paper, lower-cased; an unknown size is a usage error."""
    from pamphlet.errors import UsageError
    from pamphlet.layouts import PAPER_NAMES

    if paper is not None and paper.lower() not in PAPER_NAMES:
        raise UsageError(f"--paper: unknown paper size '{paper}'",
                         "use " + " or ".join(f"--paper {p}" for p in PAPER_NAMES))
    return paper.lower() if paper else None


PosterSizeOpt = Annotated[Optional[str], typer.Option(
    "--poster-size", metavar="SIZE", help="Poster: a3, a2, tabloid, ledger or 18x24in (default: a2 on A4 paper, "
                                          "18x24in on Letter); placard: a3 for A3 boards.")]
OverlapOpt = Annotated[Optional[float], typer.Option(
    "--overlap", metavar="MM", min=3, max=30, help="Poster tiles: the strip glued under the next tile (default 10).")]


def _poster_size(size: str | None) -> str | None:
    """--poster-size, lower-cased; an unknown size is a usage error."""
    from pamphlet.errors import UsageError
    from pamphlet.layouts.street import POSTER_SIZE_NAMES

    if size is not None and size.strip().lower() not in POSTER_SIZE_NAMES:
        raise UsageError(f"--poster-size: unknown poster size '{size}'", "use one of " + ", ".join(POSTER_SIZE_NAMES))
    return size.strip().lower() if size else None


# --- the one failure printer ------------------------------------------------------------------------


def _failure(lines: list[str], hint: str | None, title: str | None = None) -> None:
    """``error: …`` on stderr, or ``error: TITLE`` (default: how many problems) and one indented line per
    problem, then ``hint: …``. Every failure the CLI reports is printed here."""
    if len(lines) > 1 or title:
        err.print("[red]error:[/] " + escape(title or plural(len(lines), "problem")), highlight=False)
        for line in lines:
            err.print(f"  {line}", highlight=False, markup=False)
    else:
        err.print("[red]error:[/] " + escape(lines[0] if lines else "failed"), highlight=False)
    if hint:
        err.print("[cyan]hint:[/] " + escape(hint), highlight=False)


def _report(exc: Exception) -> None:
    """A ``PamphletError``: one line per problem, and its hint."""
    from pamphlet.errors import PamphletError

    assert isinstance(exc, PamphletError)
    _failure(exc.lines(), exc.hint)


def _report_result(r: Any) -> None:
    """A failed edition: its error and hint (and, for a bug of ours under PAMPHLET_DEBUG, the traceback)."""
    _failure(str(r.error).split("\n"), str(r.hint) if r.hint else None)  # a text's problems: a line each
    if r.traceback:
        err.print(r.traceback, highlight=False, markup=False)


def _fail(exc: Exception) -> None:
    _report(exc)
    raise typer.Exit(getattr(exc, "exit_code", 1))


def _warn(text: str) -> None:
    err.print("[yellow]warning:[/] " + escape(text), highlight=False)


def _finding_text(finding: Any) -> str:
    return f"{finding.message}; {finding.hint}" if finding.hint else finding.message


def _text_findings(proj: Any, opts: Any) -> list[Any]:
    """What the texts of the languages being built get wrong that no edition fails on (a translation
    without `place:`, a `::: callout` never closed), once per language: `check` reports the same."""
    from pamphlet.commands.check import language_findings
    from pamphlet.editions import batch

    found = language_findings(proj, batch.select_langs(proj, opts.langs))
    return [f for findings in found.values() for f in findings]


def _warn_texts(proj: Any, opts: Any) -> list[Any]:
    findings = _text_findings(proj, opts)
    for f in findings:
        if f.level == "note":
            err.print("[cyan]note:[/] " + escape(_finding_text(f)), highlight=False)
        else:
            _warn(_finding_text(f))
    return findings


def _version(value: bool) -> None:
    if value:
        out.print(f"pamphlet {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Show the version and exit.")] = None,
) -> None:
    """Build print-ready leaflets, booklets, zines, tri-folds and handbills from YAML + Markdown."""


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


# --- the commands, in the order a user meets them ------------------------------------------------------


@app.command(cls=_Command, short_help="Start a project: settings, a short text per language, a README.")
def new(
    folder: Annotated[Path, typer.Argument(metavar="FOLDER", help="Folder to create the project in (new, or empty).")],
    lang: Annotated[Optional[list[str]], typer.Option(
        "-L", "--lang", metavar="LANG",
        help="Language of a starter text (repeatable; default en): en, fr, es, de, ar, he, fa, ur.")] = None,
    layout: Annotated[Optional[list[str]], typer.Option(
        "-l", "--layout", metavar="LAYOUT",
        help="Layout the project builds (repeatable; 'all' for every one; default leaflet).")] = None,
    region: Annotated[Optional[str], typer.Option(
        "--region", metavar="CODE",
        help="Country the group is in (GB, US, MX, BR …): names the texts en-GB.md, es-MX.md … so dates and "
             "times print that country's way. Asked in a terminal; '' for none.")] = None,
) -> None:
    """Start a project: a commented pamphlet.yaml, a short text per language, images/, a README."""
    _setup_logging(quiet=False)
    from pamphlet.commands import new as starter

    if region is None and _interactive():
        region = _ask_region(starter)
    written = starter.create(folder, lang or (), layout or (), region=region)
    names = [p.name + ("/" if p.is_dir() else "") for p in written]
    out.print(f"Created {folder}/ with {', '.join(names)}", highlight=False, markup=False)
    first = next(p.name for p in written if p.suffix == ".md" and p.name != "README.md")
    out.print(f"Next: cd {folder} && pamphlet watch --serve   (then edit {first} and see the pages change)",
              highlight=False, markup=False)


def _interactive() -> bool:
    """Someone at a terminal who can answer a question (not a script, not a pipe)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _ask_region(starter: Any) -> str:
    """The country code typed at `pamphlet new`'s question, checked (asked again until CLDR knows it); '' for none."""
    from pamphlet.errors import PamphletError

    while True:
        answer = typer.prompt("Which country is the group in? A code like GB, US, MX, BR (Enter: none)",
                              default="", show_default=False).strip()
        try:
            starter.check_region(answer)
        except PamphletError as exc:
            _warn(f"{exc}; {exc.hint}")
            continue
        return answer


@app.command(cls=_Command, short_help="Build the PDFs of every edition (variant × language × layout).")
def build(
    project: ProjectArg = None,
    example: ExampleOpt = False,
    layout: LayoutOpt = None,
    lang: LangOpt = None,
    variant: VariantOpt = None,
    paper: PaperOpt = None,
    output: OutOpt = Path("dist"),
    bleed: Annotated[float, typer.Option("--bleed", metavar="MM", min=0, max=10,
                                         help="Bleed in mm around each page (typical: 3).")] = 0.0,
    marks: Annotated[bool, typer.Option("--marks", help="Crop marks on the pages and sheets (fold and cut guides are always drawn).")] = False,
    signature: Annotated[Optional[int], typer.Option("--signature", metavar="N", min=1, max=32,
                                                     help="Booklet: sheets per signature (default: automatic above 40 pages).")] = None,
    creep: Annotated[float, typer.Option("--creep", metavar="MM", min=0, max=5,
                                         help="Booklet: creep compensation in mm across a signature.")] = 0.0,
    pages: PagesOpt = None,
    no_fit: NoFitOpt = False,
    composition: CompositionOpt = None,
    poster_size: PosterSizeOpt = None,
    overlap: OverlapOpt = None,
    press: PressOpt = False,
    html: Annotated[bool, typer.Option("--html", help="Also write each edition's HTML beside its PDF.")] = False,
    no_tags: NoTagsOpt = False,
    force: Annotated[bool, typer.Option("--force", help="Rebuild editions even when they are up to date.")] = False,
    jobs: JobsOpt = None,
    as_json: JsonOpt = False,
    shard: ShardOpt = None,
    scheduler: Annotated[Optional[str], typer.Option(
        "--scheduler", metavar="ADDRESS",
        help="Run the editions on a Dask cluster: its scheduler's address, like tcp://host:8786 "
             "(default: $DASK_SCHEDULER_ADDRESS). Needs the dask extra of pamphlet-builder.")] = None,
) -> None:
    """Build the editions (variant × language × layout) of a project into PDFs."""
    _setup_logging(quiet=as_json)
    from pamphlet.editions import batch
    from pamphlet.errors import PamphletError
    from pamphlet.pipeline import BuildOptions

    try:
        opts = BuildOptions(
            layouts=tuple(layout or ()), langs=tuple(lang or ()), paper=_paper(paper),
            out=output, bleed=bleed, crop_marks=marks, signature=signature, creep=creep, html=html, fit=not no_fit,
            pages=pages, jobs=jobs, force=force, variants=tuple(variant or ()), shard=_shard(shard),
            composition=composition, poster_size=_poster_size(poster_size), overlap=overlap,
            tags=not no_tags)
        proj = _load(project, example)
        opts = _with_press(opts, proj, press)
        if as_json:
            notes = _text_findings(proj, opts)
        else:
            _say_building(proj)
            notes = _warn_texts(proj, opts)
        installed = _installed_fonts(proj, quiet=as_json)
        address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS", "").strip() or None
        if address:
            from pamphlet.editions import cluster

            with cluster.connect(address) as executor:
                if not as_json:
                    err.print(f"Editions run on the Dask cluster at {address} ({plural(executor.workers, 'worker')})",
                              highlight=False, markup=False)
                results = _build_with_progress(batch, proj, opts, quiet=as_json, executor=executor)
        else:
            results = _build_with_progress(batch, proj, opts, quiet=as_json)
    except PamphletError as exc:
        if as_json:
            print(json.dumps({"ok": False, "error": str(exc), "hint": exc.hint, "warnings": [], "editions": []},
                             ensure_ascii=False))
            raise typer.Exit(exc.exit_code) from None
        _fail(exc)
        return
    failed = [r for r in results if r.status == "failed"]
    if as_json:
        print(json.dumps({"project": str(proj.root), "example": proj.is_example, "out": str(output),
                          "ok": not failed, "warnings": [{"message": f.message, "hint": f.hint} for f in notes],
                          "installed_fonts": {name: [str(f) for f in files] for name, files in installed.items()},
                          "editions": [r.as_json() for r in results]}, ensure_ascii=False, indent=2))
    else:
        _summary(results)
    if failed:
        raise typer.Exit(1)


def _shard(value: str | None) -> tuple[int, int] | None:
    """``--shard K/N`` as (K, N), 1 ≤ K ≤ N; anything else is a usage error."""
    import re

    from pamphlet.errors import UsageError

    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d{1,9})\s*/\s*(\d{1,9})\s*", value)
    if not m:
        raise UsageError(f"--shard {value}: expected K/N, like 1/4",
                         "--shard K/N builds the K-th of N parts: run 1/4, 2/4, 3/4 and 4/4 to build everything")
    k, n = int(m[1]), int(m[2])
    if not 1 <= k <= n:
        raise UsageError(f"--shard {value}: K must be between 1 and N",
                         f"use --shard 1/{max(n, 1)} … --shard {max(n, 1)}/{max(n, 1)}")
    return k, n


def _with_press(opts: Any, proj: Any, press: bool) -> Any:
    """``opts`` with the project's press settings when ``--press`` asks for them (refused without a profile)."""
    if not press:
        return opts
    from dataclasses import replace

    from pamphlet.sheets.press import settings

    return replace(opts, press=settings(proj))


def _load(project: Path | None, example: bool = False):  # noqa: ANN202 - a Project; batch loads lazily
    """The project in PROJECT (default: this folder), or the bundled example with --example."""
    from pamphlet.editions import batch
    from pamphlet.errors import UsageError

    if example and project is not None:
        raise UsageError(f"give a PROJECT folder or --example, not both ({project})",
                         "leave out --example to build the folder, or the folder to build the example")
    return batch.load(project, example=example)


def _installed_fonts(proj: Any, *, quiet: bool) -> dict[str, list[Path]]:
    """The installed system fonts the project's ``fonts:`` asks for, said once: another machine (a Dask
    worker) without them refuses those editions rather than print in another face."""
    from pamphlet.text.fonts import installed_used

    found = installed_used(proj.root, proj.config.fonts) if proj.config.fonts else {}
    if found and not quiet:
        names = ", ".join(f"{name} ({', '.join(str(f) for f in files)})" for name, files in found.items())
        err.print(f"note: installed fonts used: {names}; a machine or Dask worker without them refuses the "
                  "editions that need them", highlight=False, markup=False)
    return found


def _say_building(proj: Any, verb: str = "Building") -> None:
    """Which project this is, and that it runs on defaults when it has no pamphlet.yaml."""
    which = "the bundled example" if proj.is_example else str(proj.root)
    defaults = " (no pamphlet.yaml: using default settings)" if proj.default_settings else ""
    err.print(f"{verb} {which}{defaults}", highlight=False, markup=False)


def _build_with_progress(pipeline: Any, proj: Any, opts: Any, *, quiet: bool, executor: Any = None) -> list:
    """``pipeline`` is the batch module: ``pipeline.build(project, opts, on_result, executor=…)``.

    A Rich progress bar (counts, elapsed, time left) on a terminal, plain lines otherwise, nothing with --json.
    """
    if quiet:
        return pipeline.build(proj, opts, executor=executor)
    if err.plain:
        def line(r: Any, done: int, total: int) -> None:
            err.print(f"[{done}/{total}] {r.name}: {r.status} ({r.seconds:.2f} s)", highlight=False,
                      markup=False)
        return pipeline.build(proj, opts, on_result=line, executor=executor)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=err.rich, transient=True) as progress:
        task = progress.add_task("building", total=None)

        def tick(r: Any, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=f"{r.name} {r.status}")
        return pipeline.build(proj, opts, on_result=tick, executor=executor)


def _plain_table(title: str, headers: list[str], rows: list[list[str]], right: set[str]) -> None:
    """A table as aligned plain text (for pipes and logs: no Rich import)."""
    widths = [max(len(h), *(len(line) for row in rows for line in row[i].split("\n"))) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if h in right else c.ljust(w) for c, w, h in zip(cells, widths, headers, strict=True)).rstrip()

    out.print(title, markup=False)
    out.print(line(headers), markup=False)
    for row in rows:
        parts = [cell.split("\n") for cell in row]
        for k in range(max(len(p) for p in parts)):
            out.print(line([p[k] if k < len(p) else "" for p in parts]), markup=False)


def _summary(results: list) -> None:
    if out.plain:
        rows = []
        for r in results:
            files = "\n".join(Path(p).name for p in (r.path, r.print_path) if p) or "—"
            rows.append([r.name, files, str(r.pages or "—"), str(r.sheets or "—"), _size(r.bytes) if r.bytes else "—",
                         f"{r.seconds:.2f}", r.status.replace("-", " ")])
        _plain_table("Editions", ["edition", "file", "pages", "sheets", "size", "seconds", "status"], rows,
                     {"pages", "sheets", "size", "seconds"})
    else:
        _rich_summary(results)
    _summary_notes(results)


def _rich_summary(results: list) -> None:
    table = Table(title="Editions", title_justify="left")
    for col in ("edition", "file", "pages", "sheets", "size", "seconds", "status"):
        table.add_column(col, justify="right" if col in ("pages", "sheets", "size", "seconds") else "left")
    for r in results:
        status = {"built": "[green]built[/]", "failed": "[red]failed[/]", "up-to-date": "[dim]up to date[/]"}.get(r.status, r.status)
        files = Path(r.path).name if r.path else "—"
        if r.print_path:
            files += "\n" + Path(r.print_path).name
        table.add_row(r.name, files, str(r.pages or "—"), str(r.sheets or "—"),
                      _size(r.bytes) if r.bytes else "—", f"{r.seconds:.2f}", status)
    out.print(table)


def _summary_notes(results: list) -> None:
    # How to print, per layout; where editions of one layout print differently (a one-page leaflet beside a
    # two-page one), each way names its editions.
    howto: dict[str, dict[str, list[str]]] = {}
    for r in results:
        if r.status != "failed" and r.printing:
            howto.setdefault(r.layout, {}).setdefault(r.printing, []).append(r.name.rsplit("/", 1)[0])
    for layout, ways in howto.items():
        for text, names in ways.items():
            who = f" ({', '.join(names)})" if len(ways) > 1 else ""
            out.print(f"[bold]{layout}[/]{escape(who)}: {text}", highlight=False)
    for r in results:
        if r.status == "failed":
            continue
        if r.scale < 1:
            out.print(f"{r.name}: type shrunk to {round(r.scale * 100)} % to fit {plural(r.pages, 'page')}", highlight=False)
        elif r.scale > 1:
            out.print(f"{r.name}: type enlarged to {round(r.scale * 100)} % to fill {plural(r.pages, 'page')}",
                      highlight=False)
        if r.blank_pages:
            out.print(f"{r.name}: {plural(r.blank_pages, 'blank page')} added to make {r.pages}", highlight=False)
        if r.status == "up-to-date":
            for w in r.warnings:  # built editions logged theirs as they finished
                _warn(w)
    for r in results:
        if r.status == "failed":
            _report_result(r)


@app.command(cls=_Command, short_help="Check every edition for what build would refuse or warn about.")
def check(
    project: ProjectArg = None,
    example: ExampleOpt = False,
    layout: LayoutOpt = None,
    lang: LangOpt = None,
    variant: VariantOpt = None,
    paper: PaperOpt = None,
    pages: PagesOpt = None,
    no_fit: NoFitOpt = False,
    composition: CompositionOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 1) on warnings too, and name them.")] = False,
    press: Annotated[bool, typer.Option(
        "--press", help="Also preflight the PDF/X-4 printer's files build --press would write.")] = False,
    explain: Annotated[bool, typer.Option(
        "--explain", help="Lay out every composition of each layout and say how each scored and why one won.")] = False,
    no_tags: NoTagsOpt = False,
    jobs: JobsOpt = None,
    as_json: JsonOpt = False,
    shard: ShardOpt = None,
) -> None:
    """Check every edition for what `build` would refuse or warn about, without writing PDFs."""
    _setup_logging(quiet=True)
    from pamphlet.commands.check import check as run_check
    from pamphlet.errors import PamphletError
    from pamphlet.pipeline import BuildOptions

    try:
        opts = BuildOptions(layouts=tuple(layout or ()), langs=tuple(lang or ()),
                            paper=_paper(paper), fit=not no_fit, pages=pages, variants=tuple(variant or ()),
                            shard=_shard(shard), jobs=jobs, composition=composition, explain=explain,
                            tags=not no_tags)
        proj = _load(project, example)
        results = run_check(proj, _with_press(opts, proj, press))
    except PamphletError as exc:
        if as_json:
            print(json.dumps({"ok": False, "error": str(exc), "hint": exc.hint, "editions": []}, ensure_ascii=False))
            raise typer.Exit(exc.exit_code) from None
        _fail(exc)
        return
    errors = any(r.status == "error" for r in results)
    warnings = list(dict.fromkeys(f.message for r in results for f in r.findings if f.level == "warning"))
    if as_json:
        print(json.dumps({"project": str(proj.root), "example": proj.is_example,
                          "ok": not errors and not (strict and warnings),
                          "editions": [r.as_json() for r in results]}, ensure_ascii=False, indent=2))
    else:
        table = Table(title=f"Check of {'the bundled example' if proj.is_example else proj.root}", title_justify="left")
        for col in ("edition", "pages", "type", "status", "findings"):
            table.add_column(col)
        for r in results:
            style = {"ok": "[green]ok[/]", "warning": "[yellow]warning[/]", "error": "[red]error[/]"}[r.status]
            findings = "\n".join(escape(f"{f.level}: {f.message}") for f in r.findings) or "—"
            table.add_row(r.name, str(r.pages or "—"), f"{round(r.scale * 100)} %", style, findings)
        out.print(table)
        if explain:
            _explain(results)
        for r in results:
            for f in r.findings:
                if f.level in ("error", "note") and f.hint:
                    err.print(f"[cyan]hint:[/] {escape(r.name)}: " + escape(f.hint), highlight=False)
        if strict and warnings and not errors:
            _failure(warnings, f"fix {'it' if len(warnings) == 1 else 'them'}, or leave out --strict to accept warnings",
                     title=f"check --strict fails on {plural(len(warnings), 'warning')}:")
    if errors or (strict and warnings):
        raise typer.Exit(1)


def _explain(results: list) -> None:
    """Per edition: each composition laid out, its score (lower is better) and faults, and the one chosen."""
    for r in results:
        if not r.candidates:
            continue
        out.print(f"[bold]{escape(r.name)}[/]: {escape(r.composition or '—')}", highlight=False)
        for c in r.candidates:
            mark = "→" if c["composition"] == r.composition else " "
            if "refused" in c:
                out.print(f"  {mark} {c['composition']}: refused: {escape(c['refused'])}", highlight=False)
                continue
            faults = "; ".join(c["score"]["faults"]) or "no faults"
            out.print(f"  {mark} {c['composition']}: score {c['score']['total']:.2f} ({escape(faults)})",
                      highlight=False)
        other = r.other_paper
        if other:
            name = {"a4": "A4", "letter": "Letter"}.get(other["paper"], other["paper"])
            if other["error"]:
                out.print(f"  on {name}: refused: {escape(other['error'])}", highlight=False)
            elif other["same"]:
                out.print(f"  on {name}: the same ({escape(other['composition'] or '—')}, "
                          f"{plural(other['pages'], 'page')}, type {round(other['scale'] * 100)} %)", highlight=False)
            else:
                out.print(f"  on {name}: differs: {escape(other['composition'] or '—')}, {plural(other['pages'], 'page')}"
                          f", type {round(other['scale'] * 100)} % (here: {escape(r.composition or '—')}, "
                          f"{plural(r.pages, 'page')}, type {round(r.scale * 100)} %)", highlight=False)


@app.command(cls=_Command, short_help="Picture every page and printer sheet as PNG files.")
def preview(
    project: ProjectArg = None,
    example: ExampleOpt = False,
    layout: LayoutOpt = None,
    lang: LangOpt = None,
    variant: VariantOpt = None,
    paper: PaperOpt = None,
    output: Annotated[Path, typer.Option("-o", "--out", metavar="DIR", help="Folder for the PNG pictures.")] = Path("preview"),
    dist: Annotated[Path, typer.Option("--dist", metavar="DIR",
                                       help="Folder for the PDFs (built there first; up-to-date ones are reused).")] = Path("dist"),
    poster_size: PosterSizeOpt = None,
    overlap: OverlapOpt = None,
    jobs: JobsOpt = None,
) -> None:
    """PNG pictures of every page and both sides of every printer sheet, and a contact sheet per edition."""
    _setup_logging(quiet=False)
    from pamphlet.commands import preview as pictures
    from pamphlet.editions import batch
    from pamphlet.errors import PamphletError
    from pamphlet.pipeline import BuildOptions

    try:
        opts = BuildOptions(layouts=tuple(layout or ()), langs=tuple(lang or ()), paper=_paper(paper), out=dist,
                            jobs=jobs, variants=tuple(variant or ()), poster_size=_poster_size(poster_size),
                            overlap=overlap)
        proj = _load(project, example)
        _say_building(proj)
        _warn_texts(proj, opts)
        results = _build_with_progress(batch, proj, opts, quiet=False)
        previews = pictures.write_previews(results, output)
    except PamphletError as exc:
        _fail(exc)
        return
    for p in previews:
        for path in p.paths:
            out.print(str(path), highlight=False, markup=False, soft_wrap=True)
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        _report_result(r)
    if failed:
        raise typer.Exit(1)


class _ServeCommand(_Command):
    """Lets ``--serve`` take an optional port: ``--serve 8001`` and ``--serve=8001`` mean ``--serve --port 8001``.

    Typer has no options with an optional value; a bare number right after
    ``--serve`` is read as its port (so a project folder named only by digits
    needs ``--port`` spelled out).
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _serve_port(args))


def _serve_port(args: list[str]) -> list[str]:
    out_args: list[str] = []
    it = iter(range(len(args)))
    for i in it:
        arg = args[i]
        if arg.startswith("--serve="):
            out_args += ["--serve", "--port", arg.split("=", 1)[1]]
        elif arg == "--serve" and i + 1 < len(args) and args[i + 1].isdigit():
            out_args += ["--serve", "--port", args[i + 1]]
            next(it, None)
        else:
            out_args.append(arg)
    return out_args


@app.command(cls=_ServeCommand, short_help="Rebuild on every save; with --serve, show a live page.")
def watch(
    project: ProjectArg = None,
    layout: LayoutOpt = None,
    lang: LangOpt = None,
    variant: VariantOpt = None,
    paper: PaperOpt = None,
    output: OutOpt = Path("dist"),
    serve: Annotated[bool, typer.Option("--serve", help="Also show the pages and sheets on a live page at http://127.0.0.1:8000/ (--serve PORT for another port, 0 for any free one).")] = False,
    port: Annotated[int, typer.Option("--port", metavar="PORT", min=0, max=65535,
                                      help="Port of the live page (same as --serve PORT).")] = 8000,
    poster_size: PosterSizeOpt = None,
    overlap: OverlapOpt = None,
    no_tags: NoTagsOpt = False,
) -> None:
    """Rebuild on every save in one warm process; with --serve, a live page that updates itself."""
    _setup_logging(quiet=False)
    import signal

    from pamphlet.commands.watch import LiveServer, LiveState, Watcher
    from pamphlet.errors import PamphletError
    from pamphlet.pipeline import BuildOptions

    # Ctrl-C must stop the watcher even when it was started by a program that ignores SIGINT
    # (children inherit that, and Python then never raises KeyboardInterrupt).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    server = None
    try:
        opts = BuildOptions(layouts=tuple(layout or ()), langs=tuple(lang or ()), paper=_paper(paper), out=output,
                            variants=tuple(variant or ()), tags=not no_tags, poster_size=_poster_size(poster_size),
                            overlap=overlap)
        live = LiveState() if serve else None
        watcher = Watcher(project, opts, live=live)
        if live is not None:
            server = LiveServer(live, port).start()
        defaults = "" if (watcher.root / "pamphlet.yaml").is_file() else " (no pamphlet.yaml: using default settings)"
        err.print(f"Watching {watcher.root}{defaults} (Ctrl-C to stop)", highlight=False, markup=False)
        if server is not None:
            out.print(f"Live page: {server.url}", highlight=False, markup=False)
        watcher.warm_up()
        watcher.run(_RoundReporter())
    except PamphletError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        err.print("stopped", highlight=False)
    finally:
        if server is not None:
            server.stop()


class _RoundReporter:
    """One line per rebuild with its time; a failure's error and hint below it.

    The texts' warnings (a translation without `place:`, a box never closed) are said in the first round,
    then again for a language whose editions were rebuilt, and whenever one is new: not on every save.
    """

    def __init__(self) -> None:
        self.first = True
        self.said: set[str] = set()

    def __call__(self, rnd: Any) -> None:
        import time

        first, self.first = self.first, False
        stamp = time.strftime("%H:%M:%S", time.localtime(rnd.when))
        if rnd.error is not None:
            err.print(f"{stamp} the project could not be loaded:", highlight=False, markup=False)
            _report(rnd.error)
            return
        if rnd.rebuilt:
            names = ", ".join(r.name for r in rnd.rebuilt)
            out.print(f"{stamp} rebuilt {names} in {rnd.seconds:.2f} s", highlight=False, markup=False)
        elif first and not rnd.failed:
            out.print(f"{stamp} {plural(len(rnd.results), 'edition')} up to date", highlight=False, markup=False)
        rebuilt = {r.lang for r in rnd.rebuilt}
        now = set()
        for code, findings in rnd.warnings.items():
            for f in findings:
                text = _finding_text(f)
                now.add(text)
                if first or code in rebuilt or text not in self.said:
                    _warn(text)
        self.said = now
        for r in rnd.failed:
            err.print(f"{stamp} {r.name} failed", highlight=False, markup=False)
            _report_result(r)


@app.command(cls=_Command, short_help="A web page, calendar entry, cards and a message per language.")
def share(
    project: ProjectArg = None,
    example: ExampleOpt = False,
    layout: LayoutOpt = None,
    lang: LangOpt = None,
    variant: VariantOpt = None,
    paper: PaperOpt = None,
    output: Annotated[Path, typer.Option("-o", "--out", metavar="DIR",
                                         help="Folder for the PDFs; the share folders go into DIR/share/.")] = Path("dist"),
    jobs: JobsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Per language (and variant): a web page of the text linking its PDFs, event.ics, two cards, a message."""
    _setup_logging(quiet=as_json)
    from pamphlet import share as sharing
    from pamphlet.editions import batch
    from pamphlet.errors import PamphletError
    from pamphlet.pipeline import BuildOptions

    try:
        opts = BuildOptions(layouts=tuple(layout or ()), langs=tuple(lang or ()), paper=_paper(paper), out=output,
                            jobs=jobs, variants=tuple(variant or ()))
        proj = _load(project, example)
        if not as_json:
            _say_building(proj)
            _warn_texts(proj, opts)
        results = _build_with_progress(batch, proj, opts, quiet=as_json)
        shared = sharing.share(proj, opts, results)
    except PamphletError as exc:
        if as_json:
            print(json.dumps({"ok": False, "error": str(exc), "hint": exc.hint, "pages": []}, ensure_ascii=False))
            raise typer.Exit(exc.exit_code) from None
        _fail(exc)
        return
    failed = [r for r in results if r.status == "failed"]
    broken = [s for s in shared if s.error]
    if as_json:
        print(json.dumps({"project": str(proj.root), "example": proj.is_example, "out": str(output),
                          "ok": not failed and not broken, "pages": [s.as_json() for s in shared],
                          "editions": [r.as_json() for r in results]}, ensure_ascii=False, indent=2))
    else:
        rows = [[s.name, f"{s.folder}/", ", ".join(s.files) or "—", str(s.pdfs),
                 f"{s.segments.characters}" if s.segments else "—",
                 f"{s.segments.parts} ({s.segments.encoding})" if s.segments else "—"] for s in shared if not s.error]
        _plain_table("Share pages", ["language", "folder", "files", "PDFs", "message", "SMS"], rows,
                     {"PDFs", "message"})
        for r in failed:
            _report_result(r)
        for s in broken:
            _failure([f"{s.name}: {s.error}"], s.hint)
    if failed or broken:
        raise typer.Exit(1)


@app.command("print", cls=_Command, short_help="Build, then send the printer files to a CUPS printer.")
def print_cmd(
    project: ProjectArg = None,
    layout: LayoutOpt = None,
    lang: LangOpt = None,
    variant: VariantOpt = None,
    paper: PaperOpt = None,
    printer: Annotated[Optional[str], typer.Option("-P", "--printer", metavar="PRINTER",
                                                   help="CUPS printer (default: CUPS's default printer).")] = None,
    copies: Annotated[int, typer.Option("-n", "--copies", metavar="N", min=1, max=999,
                                        help="Copies of each edition, collated.")] = 1,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the exact lp commands instead of sending them.")] = False,
    manual_duplex: Annotated[bool, typer.Option("--manual-duplex", help="Print the fronts, wait while you turn the stack, then the backs (automatic when the printer cannot print two-sided).")] = False,
    swap_edges: Annotated[bool, typer.Option("--swap-edges", help="Ask for the other duplex edge, for printers that flip the wrong way (see --test-sheet).")] = False,
    test_sheet: Annotated[bool, typer.Option("--test-sheet", help="Print one duplex test sheet instead (on --paper, default a4): it shows which edge the printer flips on.")] = False,
    poster_size: PosterSizeOpt = None,
    overlap: OverlapOpt = None,
    output: OutOpt = Path("dist"),
    jobs: JobsOpt = None,
) -> None:
    """Build what is out of date, then send each printer file to CUPS with the right duplex, paper and no scaling."""
    _setup_logging(quiet=False)
    from pamphlet import printing
    from pamphlet.errors import PamphletError

    try:
        paper = _paper(paper)
        cups = printing.Cups()
        target = printing.connect(cups, printer, dry_run=dry_run)
        if test_sheet:
            steps = printing.test_sheet_steps(printing.write_test_sheet(output, paper or "a4"), target, copies)
        else:
            files = printing.print_files(_build_for_print(project, layout, lang, paper, output, jobs, variant,
                                                          _poster_size(poster_size), overlap))
            steps = printing.plan(files, target.printer, copies, manual_duplex=manual_duplex,
                                  supported=target.supported, swap_edges=swap_edges, media=target.media)
        if dry_run:
            for line in printing.dry_run_lines(steps):
                typer.echo(line)
            return
        printing.send(steps, cups, report=typer.echo, ask=_ask)
    except PamphletError as exc:
        _fail(exc)


def _build_for_print(project: Path | None, layout: list[str] | None, lang: list[str] | None, paper: str | None,
                     output: Path, jobs: int | None, variant: list[str] | None = None, poster_size: str | None = None,
                     overlap: float | None = None) -> list:
    """Build (or find up to date) every edition first: if one fails, nothing is sent."""
    from pamphlet.editions import batch
    from pamphlet.errors import PrinterError
    from pamphlet.pipeline import BuildOptions

    opts = BuildOptions(layouts=tuple(layout or ()), langs=tuple(lang or ()), paper=paper, out=output, jobs=jobs,
                        variants=tuple(variant or ()), poster_size=poster_size, overlap=overlap)
    proj = batch.load(project)
    _say_building(proj)
    _warn_texts(proj, opts)
    results = _build_with_progress(batch, proj, opts, quiet=False)
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        _report_result(r)
    if failed:
        raise PrinterError(f"{len(failed)} of {plural(len(results), 'edition')} failed to build; nothing was sent",
                           "fix the errors above, then print again")
    return results


def _ask(text: str) -> str | None:
    """Show a manual-duplex instruction and wait for Enter; None when standard input has ended."""
    typer.echo(text)
    try:
        return input()
    except EOFError:
        return None


@app.command("layouts", cls=_Command, short_help="List the layouts and how to print and fold each.")
def layouts_cmd() -> None:
    """List the layouts: pages, page size per paper, sheets and how to fold."""
    from pamphlet import layouts

    wide = out.width >= 110  # on a narrow terminal the descriptions go below the table
    table = Table(title="Layouts", title_justify="left", show_lines=wide)
    for col in ("layout", "pages", "page on A4", "page on Letter", "sheet") + (("description",) if wide else ()):
        table.add_column(col)
    for lay in layouts.CATALOGUE.values():
        table.add_row(lay.name, lay.page_rule, lay.geometry("a4").label, lay.geometry("letter").label,
                      lay.sheet_about("a4"), *((lay.description,) if wide else ()))
    out.print(table)
    out.print("How to print and fold:")
    for lay in layouts.CATALOGUE.values():
        about = "" if wide else f"{lay.description} "
        out.print(f"  [bold]{lay.name}[/]: {about}{lay.folding}", highlight=False)


def run(args: list[str] | None = None) -> int:
    """Run the command line; returns the exit code. Every failure is ``error:`` + ``hint:``, never a traceback.

    Usage errors (unknown option, value out of range) exit 2, a user's problem 1,
    Ctrl-C 130, a bug of ours 2 with a plea to report it.
    """
    from typer import Abort
    from typer._click.exceptions import ClickException, NoArgsIsHelpError  # typer vendors click
    from typer._click.exceptions import UsageError as ClickUsageError

    from pamphlet.errors import PamphletError

    try:
        rv = _app_for(sys.argv[1:] if args is None else args)(args=args, standalone_mode=False, prog_name="pamphlet")
        if rv == 130:  # Typer turns Ctrl-C inside a command into Exit(130), silently
            raise KeyboardInterrupt
        return rv if isinstance(rv, int) else 0
    except NoArgsIsHelpError as exc:
        out.print(exc.ctx.get_help() if exc.ctx is not None else "", highlight=False, markup=False)
        return 0
    except ClickUsageError as exc:
        err.print("[red]error:[/] " + escape(exc.format_message()), highlight=False)
        command = exc.ctx.command_path if exc.ctx is not None else "pamphlet"
        err.print(f"[cyan]hint:[/] see `{escape(command)} --help`", highlight=False)
        return 2
    except ClickException as exc:
        err.print("[red]error:[/] " + escape(exc.format_message()), highlight=False)
        return exc.exit_code
    except PamphletError as exc:
        _report(exc)
        return exc.exit_code
    except (KeyboardInterrupt, Abort):
        _restore_terminal()
        err.print("interrupted", highlight=False)
        return 130
    except Exception as exc:  # a bug of ours, not the user's: say so, without a traceback
        _restore_terminal()
        if os.environ.get("PAMPHLET_DEBUG"):
            raise
        err.print("[red]error:[/] internal error: " + escape(f"{type(exc).__name__}: {exc}"), highlight=False)
        err.print("[cyan]hint:[/] this is a bug in pamphlet; rerun with PAMPHLET_DEBUG=1 for the traceback and report it",
                  highlight=False)
        return 2


def _restore_terminal() -> None:
    """The cursor shown and the real streams back, whatever stopped a live display half-way (a Ctrl-C that
    lands while Rich starts or stops its progress bar skips the bar's own clean-up)."""
    sys.stdout, sys.stderr = sys.__stdout__ or sys.stdout, sys.__stderr__ or sys.stderr
    for console in (out, err):
        real = console._console
        if real is not None and real.is_terminal:
            real.show_cursor(True)


def _app_for(args: list[str]) -> typer.Typer:
    """The app with only the command being run: Typer builds every command's options from its signature
    before it parses anything (~0.05 s for all of them), and `pamphlet build` needs one. Anything else
    (`--help`, `--version`, an unknown command) gets the whole app, with its listing and suggestions."""
    from typer.main import get_command_name

    if not args or args[0].startswith("-"):
        return app
    wanted = [c for c in app.registered_commands
              if (c.name or get_command_name(c.callback.__name__ if c.callback else "")) == args[0]]
    if len(wanted) != 1:
        return app
    single = typer.Typer(**_APP)  # type: ignore[arg-type]
    single.registered_callback = app.registered_callback
    single.registered_commands = wanted
    return single


def main() -> None:
    sys.exit(run())
