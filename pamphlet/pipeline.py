"""One edition end to end: prepare → lay out → fit → proof → write.

``build``, ``check``, ``watch``, ``preview`` and ``print`` all run editions
through :func:`run_edition`; ``check`` stops before writing. Whatever goes wrong
inside one edition — our own errors, a user template raising at run time, a
bug of ours — becomes that edition's failure; it never stops the others.
"""

from __future__ import annotations

import logging
import os
import time
import traceback
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pamphlet.errors import FetchError, ImpositionError, Location, PamphletError
from pamphlet.output import atomic_write, output_name
from pamphlet.source.model import Project
from pamphlet.source.spec import EditionSpec

if TYPE_CHECKING:
    from pamphlet.pages.fit import Fitted
    from pamphlet.pages.render import LaidOut
    from pamphlet.sheets.press import PressSettings
    from pamphlet.text.edition import Prepared

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildOptions:
    layouts: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    paper: str | None = None
    out: Path = Path("dist")
    bleed: float = 0.0
    crop_marks: bool = False
    signature: int | None = None
    creep: float = 0.0
    html: bool = False
    fit: bool = True
    pages: int | None = None
    jobs: int | None = None
    force: bool = False
    shard: tuple[int, int] | None = None   # (k, n): build the k-th of n deterministic parts
    composition: str | None = None         # pin the layouts' composition (--composition); None: the best scored
    explain: bool = False                  # lay out every composition (check --explain); never a remembered one
    tags: bool = True                      # tagged reading PDFs for screen readers (--no-tags: off)
    press: PressSettings | None = None     # --press: the printer's files as PDF/X-4 for the shop's profile
    poster_size: str | None = None         # --poster-size (a3, a2, tabloid, ledger, 18x24in)
    overlap: float | None = None           # --overlap: a tiled poster's overlap in mm

    def shaping(self) -> dict[str, Any]:
        """The options that change an edition's output (for the incremental-build key)."""
        return {"bleed": self.bleed, "marks": self.crop_marks, "signature": self.signature, "creep": self.creep,
                "html": self.html, "fit": self.fit, "pages": self.pages, "composition": self.composition,
                **({"press": self.press.digest} if self.press is not None else {}),
                "tags": self.tags, **({"poster_size": self.poster_size} if self.poster_size else {}),
                **({"overlap": self.overlap} if self.overlap else {})}


@dataclass
class EditionResult:
    """One edition's outcome; the ``--json`` summary is a list of these."""

    lang: str
    layout: str
    variant: str | None = None
    path: str | None = None
    pages: int = 0
    bytes: int = 0
    seconds: float = 0.0
    status: str = "built"             # "built" | "up-to-date" | "checked" | "failed"
    error: str | None = None
    hint: str | None = None
    print_path: str | None = None
    sheets: int | None = None
    sides: int | None = None
    printing: str | None = None
    blank_pages: int = 0
    scale: float = 1.0
    direction: str | None = None      # "ltr" | "rtl"
    binding: str | None = None        # the edge a booklet binds on: "left", or "right" for right-to-left
    paper: str | None = None          # "a4" | "letter"
    cups_sides: str | None = None     # CUPS `sides` for the printer file: one-sided, two-sided-long-edge, -short-edge
    passes: int = 0                   # layout passes fitting took
    composition: str | None = None    # the layout's composition chosen (compose.py)
    score: dict[str, Any] | None = None  # its design score: total, parts, faults
    warnings: list[str] = field(default_factory=list)
    traceback: str | None = None      # only for internal errors, shown under PAMPHLET_DEBUG=1
    companions: list[str] = field(default_factory=list)  # files beside the PDF (a poster's tiles, proof)

    @property
    def name(self) -> str:
        return "/".join(p for p in (self.variant, self.lang, self.layout) if p)

    @property
    def print_file(self) -> str | None:
        """The file that goes to the printer: the imposed sheets, or the reading PDF where they are the same."""
        return self.print_path or self.path

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("traceback")
        if self.variant is None:
            d.pop("variant")
        if self.status != "failed":
            d.pop("error"), d.pop("hint")
        return d


@dataclass
class Outcome:
    """What running one edition gave: its record, the files it fetched, and (in-process) its layout."""

    result: EditionResult
    fetched: list[str] = field(default_factory=list)
    fitted: Fitted | None = None
    prepared: Prepared | None = None


def edition_name(project: Project, spec: EditionSpec, suffix: str = "") -> str:
    return output_name(project.config.slug, spec.lang, spec.layout, suffix, spec.variant)


def edition_dir(opts: BuildOptions, spec: EditionSpec) -> Path:
    """Variants get a folder each; plain editions go straight into the output folder."""
    return opts.out / spec.variant if spec.variant else opts.out


def run_edition(project: Project, spec: EditionSpec, opts: BuildOptions, date: int = 0, *,
                write: bool = True) -> Outcome:
    """Run one edition through the pipeline; never raises for anything inside the edition."""
    project = project.for_variant(spec.variant)
    from pamphlet.pages import compose
    from pamphlet.text.edition import prepare  # Jinja2, markdown-it, Babel: only when an edition is built

    started = time.perf_counter()
    result = EditionResult(lang=spec.lang, layout=spec.layout, variant=spec.variant, paper=spec.paper)
    outcome = Outcome(result)
    try:
        prepared = prepare(project, spec, created=date)
        outcome.prepared = prepared
        result.direction, result.binding = prepared.facts.direction, prepared.facts.binding
        fitted = compose.lay_out(project, prepared, opts, explain=opts.explain)
        result.warnings = list(prepared.warnings) + compose.too_short(prepared, fitted)
        result.composition = prepared.composition
        result.score = fitted.score.as_json() if fitted.score is not None else None
        outcome.fitted = fitted
        outcome.fetched = [str(p) for p in fitted.laid.fetched]
        result.scale, result.passes = fitted.scale, fitted.passes
        result.warnings += [f"{spec.name}: WeasyPrint: {w}" for w in fitted.laid.warnings]
        result.pages, result.blank_pages = fitted.laid.pages, fitted.blanks
        compose.proof_edition(project, prepared, fitted)
        if write:
            _write(project, spec, opts, prepared, fitted, date, result)
        else:
            result.status = "checked"
    except FetchError as exc:
        where = _reference(project, spec.lang, exc.resource)
        result.status, result.error, result.hint = "failed", f"{where}: {exc}" if where else str(exc), exc.hint
    except PamphletError as exc:
        result.status, result.error, result.hint = "failed", str(exc), exc.hint
    except Exception as exc:  # a bug of ours, or a library failing on odd input: this edition only
        log.debug("internal error in %s", spec.name, exc_info=True)
        result.status = "failed"
        result.error = f"internal error in {spec.name}: {type(exc).__name__}: {exc}"
        result.hint = "this is a bug in pamphlet; rerun with PAMPHLET_DEBUG=1 for the traceback and report it"
        result.traceback = traceback.format_exc() if os.environ.get("PAMPHLET_DEBUG") else None
    if outcome.prepared is not None:
        result.passes = outcome.prepared.passes
    if spec.variant and result.error and not result.error.startswith(f"{spec.variant}/"):
        result.error = f"{spec.variant}: {result.error}"  # among hundreds of variants, say whose edition failed
    result.seconds = round(time.perf_counter() - started, 3)
    return outcome


def _write(project: Project, spec: EditionSpec, opts: BuildOptions, prepared: Prepared, fitted: Fitted,
           date: int, result: EditionResult) -> None:
    """Write the reading PDF and, where the layout imposes, the printer sheets (both atomically)."""
    from pamphlet.pages import render

    laid = fitted.laid
    pdf = render.write_pdf(laid, tags=opts.tags)
    if prepared.facts.rtl:
        from pamphlet.sheets.impose import read_right_to_left

        pdf = read_right_to_left(pdf)
    folder = edition_dir(opts, spec)
    layout = prepared.layout
    plan = layout.imposition(laid.pages, spec.paper, rtl=prepared.facts.rtl, signature=opts.signature,
                             creep=opts.creep)
    print_pdf = press_pdf = None
    if opts.press is not None:  # the printer's file as PDF/X-4: the sheets, or the pages beside the reading PDF
        press_pdf, warnings = press_file(project, spec, opts, prepared, laid, pdf, plan, date)
        result.warnings += warnings
        print_pdf = press_pdf if plan is not None else None
    elif plan is not None:
        from pamphlet.sheets.impose import impose
        from pamphlet.text.typeset import plain

        try:
            print_pdf = impose(pdf, plan, guides=True, title=plain(prepared.context["meta"]["title"]), lang=spec.lang,
                               date=_pdf_date(date), bleed=spec.bleed, crop_marks=spec.crop_marks)
        except ValueError as exc:
            raise ImpositionError(f"{spec.name}: imposition failed: {exc}") from None
    if opts.html:
        page = prepared.html(fitted.scale, fitted.blanks, fitted.roles, fitted.spread)
        atomic_write(folder / f"{edition_name(project, spec)}.html", page.encode())
    out = folder / f"{edition_name(project, spec)}.pdf"
    atomic_write(out, pdf)
    result.path, result.bytes = str(out), len(pdf)
    from pamphlet.text.typeset import plain as plain_text

    for suffix, (data, sheets) in layout.companions(pdf, spec.paper, rtl=prepared.facts.rtl, lang=spec.lang,
                                                   title=plain_text(prepared.context["meta"]["title"])).items():
        cout = folder / f"{edition_name(project, spec, suffix)}.pdf"  # a poster's tiles and its proof copy
        if opts.press is not None and suffix == layout.printer_file:  # the tiles as PDF/X-4 too
            data = press_companion(data, opts, prepared, date)
        atomic_write(cout, data)
        result.companions.append(str(cout))
        if suffix == layout.printer_file:  # the tiles go to an office printer
            result.print_path, result.sheets, result.sides = str(cout), sheets, 1
    if plan is not None and print_pdf is not None:
        pout = folder / f"{edition_name(project, spec, '-print')}.pdf"
        atomic_write(pout, print_pdf)
        result.print_path, result.sheets, result.sides = str(pout), len(plan.sheets), plan.sides_per_sheet
    elif not result.print_path:  # the reading PDF is printed: on both sides, or a sheet a page (placards)
        one_sided = layout.cups_sides(laid.pages, plan) == "one-sided"
        result.sheets, result.sides = (laid.pages, 1) if one_sided else (1, min(laid.pages, 2))
    if plan is None and press_pdf is not None:  # a leaflet's pages, a poster at full size: for the press
        pout = folder / f"{edition_name(project, spec, '-press')}.pdf"
        atomic_write(pout, press_pdf)
        if result.print_path:  # a poster's tiles go to the office printer; its -press.pdf to a large-format one
            result.companions.append(str(pout))
        else:
            result.print_path = str(pout)
    result.printing = layout.printing(laid.pages, plan)
    result.cups_sides = layout.cups_sides(laid.pages, plan)


def press_file(project: Project, spec: EditionSpec, opts: BuildOptions, prepared: Prepared, laid: LaidOut,
               pdf: bytes, plan: Any, date: int) -> tuple[bytes, list[str]]:
    """The edition's printer's file as PDF/X-4 (:mod:`pamphlet.sheets.press`) and the warnings about
    pictures whose colours move; ``build --press`` writes it, ``check --press`` preflights it in memory."""
    from pamphlet.sheets import press
    from pamphlet.text.typeset import plain

    assert opts.press is not None
    try:
        return press.printer_file(pdf, plan, opts.press, title=plain(prepared.context["meta"]["title"]),
                                  lang=spec.lang, date=_pdf_date(date), bleed=spec.bleed, crop_marks=spec.crop_marks,
                                  images=press.image_names(laid.fetched, project.root))
    except ValueError as exc:
        raise ImpositionError(f"{spec.name}: imposition failed: {exc}") from None


def press_companion(data: bytes, opts: BuildOptions, prepared: Prepared, date: int) -> bytes:
    """A printer's file a layout makes beside its reading PDF (a poster's tiles) as PDF/X-4."""
    from pamphlet.sheets import press
    from pamphlet.text.typeset import plain

    assert opts.press is not None
    converted, _ = press.to_press(data, opts.press, title=plain(prepared.context["meta"]["title"]),
                                  date=_pdf_date(date))  # its pictures were named for the poster's pages
    return press.verified(converted, f"{prepared.layout.printer_file} file")


def _reference(project: Project, lang: str, resource: str | None) -> Location | None:
    """Where a language's text mentions ``resource`` (so a refused image names its file:line)."""
    if not resource:
        return None
    language = project.languages[lang]
    for path in [p for p, _, _ in language.parts] or [language.path]:
        try:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if resource in line:
                    return Location(path, number)
        except OSError:
            continue
    return None


def _pdf_date(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("D:%Y%m%d%H%M%SZ")
