"""One edition end to end: prepare → lay out → fit → proof → write.

``build``, ``check``, ``watch``, ``preview`` and ``print`` all run editions
through :func:`run_edition`; ``check`` stops before writing. Whatever goes wrong
inside one edition — our own errors, a user template raising at run time, a
bug of ours — becomes that edition's failure; it never stops the others.
"""

from __future__ import annotations

import logging
import math
import os
import time
import traceback
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import FetchError, FitError, Location, PamphletError, PrintError
from .output import atomic_write, output_name
from .project import Project
from .resources import data_root
from .spec import EditionSpec

if TYPE_CHECKING:
    from .edition import Prepared
    from .fit import Fitted

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

    def shaping(self) -> dict[str, Any]:
        """The options that change an edition's output (for the incremental-build key)."""
        return {"bleed": self.bleed, "marks": self.crop_marks, "signature": self.signature, "creep": self.creep,
                "html": self.html, "fit": self.fit, "pages": self.pages}


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
    warnings: list[str] = field(default_factory=list)
    traceback: str | None = None      # only for internal errors, shown under PAMPHLET_DEBUG=1

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


def lay_out(project: Project, prepared: Prepared, opts: BuildOptions) -> Fitted:
    """Lay the edition out and fit it to its layout's page rule (in one pass when this exact edition was
    fitted before: see fitmemo)."""
    from . import fitmemo, render  # WeasyPrint is imported only when something is laid out
    from .cache import project_digest

    roots = [project.root, data_root()]

    def lay(scale: float, blanks: int = 0, roles: int = 0, spread: float = 0.0) -> render.LaidOut:
        for _ in range(3):
            prepared.passes += 1
            laid = render.lay_out(prepared.html(scale, blanks, roles, spread), project.root, roots)
            # A headline word wider than its box (it is never hyphenated) would run past the panel's edge:
            # shrink the headline to fit and lay out again. Its size does not grow with the text, so this
            # happens on the first pass (at full size) and holds for every later one.
            ratio = render.headline_fit(laid)
            if ratio >= 1.0:
                break
            prepared.headline = math.floor(prepared.headline * ratio * 0.98 * 1000) / 1000
        return laid

    layout = prepared.layout
    language = project.languages[prepared.spec.lang]
    own = language.meta.get(layout.name) if layout.excerpts else None
    if own:  # a shorter text written for this layout (`handbill:` in the front matter)
        from markupsafe import Markup

        from . import markdown

        converted = markdown.to_html(own, prepared.facts.quotes, prepared.facts.rtl)
        prepared.context["body"] = Markup(converted.html)
        prepared.printed_body = own
    min_scale = max(project.config.min_scale, layout.readable_scale) if layout.excerpts else project.config.min_scale
    digest = fitmemo.key(prepared.html(1.0, 0, 0), layout=layout.name, paper=prepared.spec.paper, fit=opts.fit,
                         pages=opts.pages, min_scale=min_scale, project=project_digest(project))
    remembered = fitmemo.recall(digest)
    fitted = _replay(prepared, lay, remembered) if remembered else None
    if fitted is None:
        fitted = _fit(project, prepared, opts, lay, min_scale, own=bool(own))
        fitmemo.remember(digest, fitmemo.Decisions(
            fitted.scale, fitted.roles, fitted.blanks, list(fitted.blank_numbers), fitted.laid.pages,
            prepared.excerpt, [sorted(words) for words in prepared.whole], fitmemo.fingerprint(fitted.laid.fetched),
            fitted.spread, prepared.headline))
    fitted.passes = prepared.passes
    return fitted


def _fit(project: Project, prepared: Prepared, opts: BuildOptions, lay: Any, min_scale: float, *,
         own: bool) -> Fitted:
    """Fit from scratch: the whole text, or (a handbill of a long text) the lede and pull quotes."""
    from . import fit

    layout = prepared.layout
    too_long = _far_too_long(prepared, min_scale, opts)
    if too_long and (not layout.excerpts or own):
        raise too_long
    if not (too_long or (layout.excerpts and not own and opts.fit and _beyond_a_side(prepared, min_scale))):
        try:
            return _discipline(prepared, lay, fit.fit(layout, lay, name=prepared.spec.name, words=prepared.words,
                                                      fit=opts.fit, min_scale=min_scale, pages_wanted=opts.pages))
        except FitError:
            if not layout.excerpts or own:
                raise
    # else straight to the excerpt: no layout of a text that cannot fit
    _make_excerpt(prepared)
    return _discipline(prepared, lay, fit.fit(layout, lay, name=prepared.spec.name, words=prepared.words,
                                              fit=opts.fit, min_scale=project.config.min_scale,
                                              pages_wanted=opts.pages))


def _replay(prepared: Prepared, lay: Any, decided: Any) -> Fitted | None:
    """Lay the edition out once at what fitting it decided before; None (and ``prepared`` as it was) when
    the pages do not come out as they did then."""
    from . import fit

    before = dict(prepared.context), prepared.excerpt, list(prepared.warnings), prepared.printed_body
    prepared.headline = decided.headline
    if decided.excerpt:
        _make_excerpt(prepared)
    for words in decided.whole:
        prepared.keep_whole(set(words))
    layout = prepared.layout
    laid = lay(decided.scale, decided.blanks if layout.blanks_in_html else 0, decided.roles, decided.spread)
    fitted = fit.pad(layout, laid, decided.scale, decided.blanks, decided.roles, decided.spread)
    if fitted.laid.pages == decided.pages and list(fitted.blank_numbers) == decided.blank_numbers:
        return fitted
    log.info("%s: the remembered fit did not replay (%d pages, not %d); fitting again", prepared.spec.name,
             fitted.laid.pages, decided.pages)
    prepared.context.clear()
    prepared.context.update(before[0])
    prepared.excerpt, prepared.warnings, prepared.printed_body = before[1], before[2], before[3]
    prepared.whole.clear()
    prepared.headline = 1.0
    return None


def _too_short(prepared: Prepared, fitted: Fitted) -> list[str]:
    """A booklet pads a short text where a zine or a tri-fold refuses it: say so when its text would not
    fill half a page (the 25-word notice: four lines on page 2 of four)."""
    from . import render

    if not prepared.layout.blank_ok:
        return []
    share = render.text_pages(fitted.laid)
    if share >= 0.5:
        return []
    return [f"{prepared.spec.name}: the text fills about {max(5, round(share * 20) * 5)} % of a page in a "
            f"{fitted.laid.pages}-page {prepared.layout.name}; a leaflet or a handbill suits a text this short"]


def _make_excerpt(prepared: Prepared) -> None:
    """The handbill of a text too long for it prints the lede and pull quotes, else the first paragraph."""
    prepared.excerpt = True
    if not str(prepared.context["lede"]).strip() and not str(prepared.context["quotes"]).strip():
        # No short lede, no pull quote: the handbill's back carries the first paragraph.
        import re

        from markupsafe import Markup

        first = re.search(r"<p>.*?</p>", str(prepared.context["body"]), re.S)
        prepared.context["lede"] = Markup(first.group(0) if first else "")
    excerpt = _excerpt(prepared, _expected_blocks(prepared))
    kept = sum(len(b.words) for b in excerpt)
    total = sum(len(b.words) for b in _expected_blocks(prepared))
    what = "the first paragraph" if excerpt and excerpt[0].kind == "first" else "the lede and pull quotes"
    prepared.warnings.append(
        f"{prepared.spec.name}: prints {what}, {total - kept} of {total} words left out "
        f"(write a shorter text under {prepared.layout.name}: in the front matter)")


def _discipline(prepared: Prepared, lay: Any, fitted: Fitted) -> Fitted:
    """No word hyphenated across a page or column end, no three hyphenated lines in a row: keep those
    words whole and lay out once more at the same scale, if the pages still come out the same."""
    from . import proof

    if fitted.blanks and not prepared.layout.blanks_in_html:
        return fitted  # blank pages were added after layout; leave such editions as they are
    for _ in range(2):  # keeping one word whole can push another into a bad place: at most twice
        words = proof.hyphen_offenders(fitted.laid)
        if not words:
            break
        before = {k: prepared.context[k] for k in ("body", "body_after_lede", "lede", "quotes")}
        prepared.keep_whole(words)
        again = lay(fitted.scale, fitted.blanks, fitted.roles, fitted.spread)
        if again.pages != fitted.laid.pages:
            prepared.context.update(before)
            prepared.whole.pop()
            break
        fitted.laid = again
    return fitted


def _excerpt(prepared: Prepared, blocks: list[Any]) -> list[Any]:
    """The blocks an excerpt prints: the lede and pull quotes, or else the first paragraph."""
    chosen = [b for b in blocks if b.kind in ("lede", "quote")]
    return chosen or [b for b in blocks if b.kind == "first"]


def _far_too_long(prepared: Prepared, min_scale: float, opts: BuildOptions) -> FitError | None:
    """A text far beyond what the layout's pages can hold even at the smallest type, found before any
    layout pass (a 5 MB body on a leaflet would otherwise be laid out several times before the refusal)."""
    from . import markdown

    layout = prepared.layout
    limit = layout.page_limit(opts.pages)
    if not limit or not opts.fit:
        return None
    g = layout.geometry(prepared.spec.paper)
    room = markdown.capacity(limit, g.width, g.height, layout.base_size * min_scale)
    chars = len(prepared.printed_body)
    if chars <= room:
        return None
    return FitError(f"{prepared.spec.name}: {chars} characters of text, far more than {limit} pages can hold "
                    f"(about {room // 2} at most)", "shorten the text, or use -l booklet")


def _beyond_a_side(prepared: Prepared, min_scale: float) -> bool:
    """A text longer than one side of the layout can hold even at ``min_scale`` (the whole text of a handbill
    goes on one side: the front of the one-sided form, else the back)."""
    from . import markdown
    from .layouts import SAFE_MARGIN

    g = prepared.layout.geometry(prepared.spec.paper)
    room = markdown.side_capacity(g.width, g.height, SAFE_MARGIN, prepared.layout.base_size * min_scale)
    return prepared.chars > room


def _expected_blocks(prepared: Prepared) -> list[Any]:
    from . import proof

    return proof.source_blocks(prepared.printed_body, prepared.facts.quotes, prepared.facts.rtl,
                               prepared.lede_words)


def run_edition(project: Project, spec: EditionSpec, opts: BuildOptions, date: int = 0, *,
                write: bool = True) -> Outcome:
    """Run one edition through the pipeline; never raises for anything inside the edition."""
    project = project.for_variant(spec.variant)
    from .edition import prepare  # Jinja2, markdown-it, Babel: only when an edition is built

    started = time.perf_counter()
    result = EditionResult(lang=spec.lang, layout=spec.layout, variant=spec.variant, paper=spec.paper)
    outcome = Outcome(result)
    try:
        prepared = prepare(project, spec, created=date)
        outcome.prepared = prepared
        result.direction, result.binding = prepared.facts.direction, prepared.facts.binding
        fitted = lay_out(project, prepared, opts)
        result.warnings = list(prepared.warnings) + _too_short(prepared, fitted)
        outcome.fitted = fitted
        outcome.fetched = [str(p) for p in fitted.laid.fetched]
        result.scale, result.passes = fitted.scale, fitted.passes
        result.warnings += [f"{spec.name}: WeasyPrint: {w}" for w in fitted.laid.warnings]
        result.pages, result.blank_pages = fitted.laid.pages, fitted.blanks
        _proof(project, spec, prepared, fitted)
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


def _proof(project: Project, spec: EditionSpec, prepared: Prepared, fitted: Fitted) -> None:
    """Read the pages back: every word there, no blank page or panel, nothing in the dead edge."""
    from . import proof
    from .layouts import SAFE_MARGIN

    language = project.languages[spec.lang]
    layout = prepared.layout
    body = _expected_blocks(prepared)
    if prepared.excerpt:
        body = _excerpt(prepared, body)
    fields = {key: proof.text_blocks(prepared.context["meta"].get(key), language.meta_lines.get(key, 1))
              for key in layout.prints}

    def where(line: int) -> Location:
        return language.locate(line) if line else Location(language.path)

    report = proof.prove(spec.name, fitted.laid, body=body, fields=fields, where=where,
                         safe_margin=None if spec.bleed else SAFE_MARGIN, allowed_blank=fitted.blanks)
    unexpected = [n for n in report.blank_pages if n not in fitted.blank_numbers]
    if unexpected:
        from .errors import ProofError

        raise ProofError(f"{spec.name}: page {unexpected[0]} of {fitted.laid.pages} is blank",
                         "report it: this is a layout problem; try another layout meanwhile")


def _write(project: Project, spec: EditionSpec, opts: BuildOptions, prepared: Prepared, fitted: Fitted,
           date: int, result: EditionResult) -> None:
    """Write the reading PDF and, where the layout imposes, the printer sheets (both atomically)."""
    from . import render

    laid = fitted.laid
    pdf = render.write_pdf(laid)
    if prepared.facts.rtl:
        from .impose import read_right_to_left

        pdf = read_right_to_left(pdf)
    folder = edition_dir(opts, spec)
    layout = prepared.layout
    plan = layout.imposition(laid.pages, spec.paper, rtl=prepared.facts.rtl, signature=opts.signature,
                             creep=opts.creep)
    print_pdf = None
    if plan is not None:
        from .impose import impose

        try:
            print_pdf = impose(pdf, plan, guides=True, title=prepared.context["meta"]["title"], lang=spec.lang,
                               date=_pdf_date(date), bleed=spec.bleed, crop_marks=spec.crop_marks)
        except ValueError as exc:
            raise PrintError(f"{spec.name}: imposition failed: {exc}") from None
    if opts.html:
        page = prepared.html(fitted.scale, fitted.blanks, fitted.roles, fitted.spread)
        atomic_write(folder / f"{edition_name(project, spec)}.html", page.encode())
    out = folder / f"{edition_name(project, spec)}.pdf"
    atomic_write(out, pdf)
    result.path, result.bytes = str(out), len(pdf)
    if plan is not None and print_pdf is not None:
        pout = folder / f"{edition_name(project, spec, '-print')}.pdf"
        atomic_write(pout, print_pdf)
        result.print_path, result.sheets, result.sides = str(pout), len(plan.sheets), plan.sides_per_sheet
    else:
        result.sheets, result.sides = 1, min(laid.pages, 2)
    result.printing = layout.printing(laid.pages, plan)
    result.cups_sides = layout.cups_sides(laid.pages, plan)


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
