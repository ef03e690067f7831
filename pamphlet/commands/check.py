"""`pamphlet check`: everything `build` would refuse, without writing a PDF.

For every edition: configuration and front matter, glyph coverage, missing or
refused resources, whether fixed-size layouts fit (and at which type scale),
images too coarse for print, the QR payload; per language (``language_findings``,
which `build` and `watch` print too): a ``::: callout`` never closed, and a
translation that lacks fields, paragraphs or headings the default language has; a note when a
language without a region (``en.md``) would print the event as another country than the project's does.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any, NamedTuple

from pamphlet.editions.batch import default_jobs, edition_date, editions, generations, worker_pool
from pamphlet.errors import plural
from pamphlet.pipeline import BuildOptions, run_edition
from pamphlet.source.config import PRINTED_FIELDS
from pamphlet.source.model import Language, Project
from pamphlet.source.spec import EditionSpec

log = logging.getLogger(__name__)

MIN_DPI = 150


@dataclass
class Finding:
    level: str  # "error" | "warning" | "note" (advice: never fails a check, not even --strict)
    message: str
    hint: str | None = None


@dataclass
class EditionCheck:
    lang: str
    layout: str
    variant: str | None = None
    pages: int = 0
    scale: float = 1.0
    findings: list[Finding] = field(default_factory=list)
    composition: str | None = None
    score: dict[str, Any] | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)  # with --explain: each composition laid out
    # With --explain: the same edition laid out on the other paper (A4 ↔ Letter), and what it chose there.
    other_paper: dict[str, Any] | None = None

    @property
    def status(self) -> str:
        levels = {f.level for f in self.findings}
        return "error" if "error" in levels else ("warning" if "warning" in levels else "ok")

    @property
    def name(self) -> str:
        return "/".join(p for p in (self.variant, self.lang, self.layout) if p)

    def as_json(self) -> dict[str, Any]:
        d = {"lang": self.lang, "layout": self.layout, "status": self.status, "pages": self.pages,
             "scale": self.scale, "composition": self.composition, "score": self.score,
             "findings": [asdict(f) for f in self.findings]}
        if self.candidates:
            d["candidates"] = self.candidates
        if self.other_paper:
            d["other_paper"] = self.other_paper
        if self.variant:
            d["variant"] = self.variant
        return d


class Shape(NamedTuple):
    """``markdown.Shape`` as remembered: paragraphs, headings, boxes never closed (line, name)."""

    paragraphs: int
    headings: int
    unclosed: list[tuple[int, str]]


def text_shape(body: str) -> Shape | None:
    """``markdown.shape(body)``, remembered across processes by the text's digest: an up-to-date build
    prints the text warnings without importing markdown-it (~0.07 s)."""
    import hashlib
    import json

    from pamphlet import __version__
    from pamphlet.text import memo

    def compute() -> str:
        from pamphlet.text import markdown

        found = markdown.shape(body)
        return json.dumps(None if found is None else [found.paragraphs, found.headings, found.unclosed])

    key = (__version__, memo.library_version("mdit_py_plugins"), hashlib.sha256(body.encode()).hexdigest())
    data = json.loads(memo.remembered("text-shape", key, compute, library="markdown_it"))
    if data is None:
        return None
    return Shape(data[0], data[1], [(int(line), str(name)) for line, name in data[2]])


def language_findings(project: Project, langs: list[str] | None = None) -> dict[str, list[Finding]]:
    """Per language (``langs``, default all): what its text gets wrong that no edition fails on.

    A ``::: callout`` (or note, aside) that is never closed, so the rest of the text prints inside the
    box; and, against the default language, front-matter fields, paragraphs and headings a translation
    lacks (a missing ``place:`` prints a flyer without a meeting place).
    """
    base_code = project.default_lang
    base = project.languages[base_code]
    chosen = [code for code in project.languages if langs is None or code in langs]
    shapes = {code: text_shape(project.languages[code].body) for code in {base_code, *chosen}}
    base_shape = shapes[base_code]
    out: dict[str, list[Finding]] = {}
    for code in chosen:
        lang = project.languages[code]
        found: list[Finding] = []
        own = shapes[code]
        for line, name in own.unclosed if own is not None else ():
            found.append(Finding("warning", f"{lang.locate(line)}: '::: {name}' is never closed, so all the text "
                                            "after it is inside the box", "end the box with a line holding only :::"))
        if code != base_code:
            found.extend(_translation_findings(base, lang, base_shape, own))
        found.extend(_region_note(project, lang))
        out[code] = found
    return out


def _region_note(project: Project, lang: Language) -> list[Finding]:
    """A note when a language file without a region (``en.md``) prints the event's date and time the way
    another country writes them than the one the project's phone number, web or e-mail domain or postcode
    points to (:func:`pamphlet.text.languages.region_note`)."""
    from pamphlet.text import languages

    cfg = project.config
    if cfg.event is None or languages.has_region(lang.code):
        return []
    contact = cfg.contact
    named = languages.regions_named(contact.phone, [a for a in (contact.web, contact.email) if a],
                                    [v for v in lang.meta.values() if isinstance(v, str)])
    note = languages.region_note(lang.code, named, cfg.event.date, cfg.event.start, cfg.event.end)
    return [Finding("note", f"{lang.path.name}: {note[0]}", note[1])] if note else []


def _translation_findings(base: Language, lang: Language, base_shape: Shape | None,
                          own: Shape | None) -> list[Finding]:
    found = []
    for key in (k for k in PRINTED_FIELDS if base.meta.get(k) and not lang.meta.get(k)):
        found.append(Finding("warning", f"{lang.path.name}: {key}: missing (present in {base.path.name})",
                             f"translate `{key}` from {base.path.name} into the front matter of {lang.path.name}"))
    if own is None or base_shape is None:
        return found
    if own.paragraphs != base_shape.paragraphs:
        found.append(Finding("warning", f"{lang.path.name}: {plural(own.paragraphs, 'paragraph')}, {base.path.name} "
                                        f"has {base_shape.paragraphs}", "check for a paragraph left out or merged"))
    if own.headings != base_shape.headings:
        found.append(Finding("warning", f"{lang.path.name}: {plural(own.headings, 'heading')}, {base.path.name} "
                                        f"has {base_shape.headings}", "check for a heading left out"))
    return found


def check(project: Project, opts: BuildOptions) -> list[EditionCheck]:
    """Run every edition through the build pipeline, stopping before anything is written (in worker
    processes like `build`, ``opts.jobs`` of them, default one per CPU)."""
    specs = editions(project, opts)
    translations = language_findings(project, [spec.lang for spec in specs])
    workers = min(opts.jobs or default_jobs(), len(specs))
    if workers <= 1:
        checked = [check_edition(project, spec, opts) for spec in specs]
    else:
        from pamphlet.errors import RenderError

        try:
            checked = []
            for run in generations(specs, workers):  # fresh workers every RECYCLE_AFTER editions each, as build
                with worker_pool(min(workers, len(run)), {spec.lang for spec in specs}) as pool:
                    checked += pool.map(partial(check_edition, project, opts=opts), run)
        except Exception as exc:  # a worker process died (out of memory, killed): the check is incomplete
            raise RenderError(f"a check worker failed: {type(exc).__name__}: {exc}",
                              "run again with -j 1 to see the problem") from None
    results = []
    qr_first: dict[str, EditionCheck] = {}  # each QR link (a variant may have its own) checked once
    for spec, own in zip(specs, checked, strict=True):
        res = EditionCheck(spec.lang, spec.layout, variant=spec.variant)
        res.findings.extend(translations.get(spec.lang, []))
        if spec.variant:
            res.findings.extend(Finding("warning", m, h) for m, h in _variant_gaps(project, spec.variant, spec.lang))
        res.findings.extend(own.findings)
        res.pages, res.scale = own.pages, own.scale
        res.composition, res.score, res.candidates = own.composition, own.score, own.candidates
        res.other_paper = own.other_paper
        qr = project.for_variant(spec.variant).config.qr
        if qr:
            qr_first.setdefault(qr, res)
        results.append(res)
    for qr, res in qr_first.items():
        import segno

        code = segno.make_qr(qr, error="m", boost_error=True)
        if isinstance(code.version, int) and code.version > 10:
            whose = f"{res.variant}: " if res.variant else ""
            res.findings.append(Finding(
                "warning", f"{whose}qr: {len(qr)} characters make a dense QR code (version {code.version}); "
                           "it may not scan when printed small", "use a shorter link"))
    return results


def check_edition(project: Project, spec: EditionSpec, opts: BuildOptions) -> EditionCheck:
    """One edition's own findings: what laying it out reported, shrunk type, coarse images."""
    from pamphlet.pages import measure

    res = EditionCheck(spec.lang, spec.layout, variant=spec.variant)
    # Laid out exactly as `build` lays it out (same date in the HTML): a build after it replays the fit.
    outcome = run_edition(project, spec, opts, edition_date(project, spec), write=False)
    result = outcome.result
    res.findings.extend(Finding("warning", w) for w in result.warnings)
    res.pages, res.scale = result.pages, result.scale
    res.composition, res.score = result.composition, result.score
    prepared = getattr(outcome, "prepared", None)
    if prepared is not None and opts.explain:
        res.candidates = [c.as_json() for c in prepared.candidates]
        res.other_paper = other_paper(project, spec, opts, result)
    if result.status == "failed":  # every problem of the edition (a text's refused links: one line each)
        problems = str(result.error).split("\n")
        res.findings.extend(Finding("error", line, result.hint if i == 0 else None) for i, line in enumerate(problems))
    elif outcome.fitted is not None:
        if opts.press is not None:
            res.findings.extend(press_findings(project, spec, opts, outcome))
        if result.scale < 1:
            res.findings.append(Finding("warning", f"{spec.name}: type shrunk to {round(result.scale * 100)} % "
                                                   f"to fit {plural(res.pages, 'page')}", "shorten the text to print at full size"))
        for img in measure.placed_images(outcome.fitted.laid):
            if img.dpi < MIN_DPI:
                res.findings.append(Finding(
                    "warning", f"{spec.name}: image {img.src} on page {img.page} prints at {img.dpi:.0f} dpi "
                               f"(under {MIN_DPI})", "use a larger image or place it smaller"))
    return res


def other_paper(project: Project, spec: EditionSpec, opts: BuildOptions, here: Any) -> dict[str, Any] | None:
    """The edition laid out on the other paper (A4 ↔ Letter) and whether it decided the same: a group printing
    both (a German section on A4, its US partner on Letter) should get the same composition where the text
    allows, and be told where it does not."""
    from dataclasses import replace

    from pamphlet.layouts import PAPER_NAMES

    others = [p for p in ("a4", "letter") if p in PAPER_NAMES and p != spec.paper]
    if not others or here.status == "failed":
        return None
    there = run_edition(project, replace(spec, paper=others[0]), opts, edition_date(project, spec), write=False).result
    same = there.status != "failed" and there.composition == here.composition and there.pages == here.pages
    return {"paper": others[0], "composition": there.composition, "pages": there.pages,
            "scale": there.scale, "same": same, "error": there.error if there.status == "failed" else None}


def press_findings(project: Project, spec: EditionSpec, opts: BuildOptions, outcome: Any) -> list[Finding]:
    """``check --press``: the printer's file ``build --press`` would write, made in memory and preflighted
    (:mod:`pamphlet.sheets.preflight`): a line per rule it breaks, and the pictures whose colours move."""
    from pamphlet.errors import PamphletError
    from pamphlet.pages import render
    from pamphlet.pipeline import edition_name, press_file
    from pamphlet.sheets.preflight import preflight

    prepared, laid = outcome.prepared, outcome.fitted.laid
    pdf = render.write_pdf(laid)
    if prepared.facts.rtl:
        from pamphlet.sheets.impose import read_right_to_left

        pdf = read_right_to_left(pdf)
    plan = prepared.layout.imposition(laid.pages, spec.paper, rtl=prepared.facts.rtl, signature=opts.signature,
                                      creep=opts.creep)
    name = edition_name(project, spec, "-print" if plan is not None else "-press") + ".pdf"
    try:
        data, warnings = press_file(project, spec, opts, prepared, laid, pdf, plan, edition_date(project, spec))
    except PamphletError as exc:
        return [Finding("error", f"{name}: {exc}", exc.hint)]
    files = {name: data}
    layout = prepared.layout
    if layout.printer_file:  # a poster's tiles: the office printer's file, as PDF/X-4 too
        from pamphlet.pipeline import press_companion
        from pamphlet.text.typeset import plain

        made = layout.companions(pdf, spec.paper, rtl=prepared.facts.rtl, lang=spec.lang,
                                 title=plain(prepared.context["meta"]["title"]))
        if layout.printer_file in made:
            files[edition_name(project, spec, layout.printer_file) + ".pdf"] = press_companion(
                made[layout.printer_file][0], opts, prepared, edition_date(project, spec))
    found = [Finding("warning", w) for w in warnings]
    found += [Finding("error", f"{file}: {line}", "this is a bug in pamphlet's press output; report it")
              for file, pdf_bytes in files.items() for line in preflight(pdf_bytes)]
    return found


def _variant_gaps(project: Project, vid: str, lang: str) -> list[tuple[str, str]]:
    from pamphlet.source.variants import gaps

    variant = project.variant(vid)
    return gaps(project, variant).get(lang, []) if variant is not None else []
