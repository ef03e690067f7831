"""`pamphlet check`: everything `build` would refuse, without writing a PDF.

For every edition: configuration and front matter, glyph coverage, missing or
refused resources, whether fixed-size layouts fit (and at which type scale),
images too coarse for print, the QR payload; for the project: translations
that lack fields, paragraphs or headings the default language has.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from . import markdown
from .batch import default_jobs, edition_date, editions, worker_pool
from .pipeline import BuildOptions, run_edition
from .project import Project
from .spec import EditionSpec

log = logging.getLogger(__name__)

MIN_DPI = 150
FRONT_FIELDS = ("title", "subtitle", "place", "call_to_action", "organiser", "contact", "description")


@dataclass
class Finding:
    level: str  # "error" | "warning"
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

    @property
    def status(self) -> str:
        levels = {f.level for f in self.findings}
        return "error" if "error" in levels else ("warning" if "warning" in levels else "ok")

    @property
    def name(self) -> str:
        return "/".join(p for p in (self.variant, self.lang, self.layout) if p)

    def as_json(self) -> dict[str, Any]:
        d = {"lang": self.lang, "layout": self.layout, "status": self.status, "pages": self.pages,
             "scale": self.scale, "findings": [asdict(f) for f in self.findings]}
        if self.variant:
            d["variant"] = self.variant
        return d


def translation_findings(project: Project) -> dict[str, list[Finding]]:
    """Per language: fields, paragraphs and headings that differ from the default language."""
    base_code = project.default_lang
    base = project.languages[base_code]
    base_md = markdown.to_html(base.body)
    out: dict[str, list[Finding]] = {}
    for code, lang in project.languages.items():
        if code == base_code:
            continue
        found = []
        missing = [k for k in FRONT_FIELDS if base.meta.get(k) and not lang.meta.get(k)]
        for key in missing:
            found.append(Finding("warning", f"{lang.path.name}: {key}: missing (present in {base.path.name})",
                                 f"translate `{key}` from {base.path.name} into the front matter of {lang.path.name}"))
        md = markdown.to_html(lang.body)
        if md.paragraphs != base_md.paragraphs:
            found.append(Finding("warning", f"{lang.path.name}: {md.paragraphs} paragraphs, {base.path.name} has "
                                            f"{base_md.paragraphs}", "check for a paragraph left out or merged"))
        if md.headings != base_md.headings:
            found.append(Finding("warning", f"{lang.path.name}: {md.headings} headings, {base.path.name} has "
                                            f"{base_md.headings}", "check for a heading left out"))
        out[code] = found
    return out


def check(project: Project, opts: BuildOptions) -> list[EditionCheck]:
    """Run every edition through the build pipeline, stopping before anything is written (in worker
    processes like `build`, ``opts.jobs`` of them, default one per CPU)."""
    translations = translation_findings(project)
    specs = editions(project, opts)
    workers = min(opts.jobs or default_jobs(), len(specs))
    if workers <= 1:
        checked = [check_edition(project, spec, opts) for spec in specs]
    else:
        from .errors import RenderError

        try:
            with worker_pool(workers, {spec.lang for spec in specs}) as pool:
                checked = list(pool.map(partial(check_edition, project, opts=opts), specs))
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
    from . import render

    res = EditionCheck(spec.lang, spec.layout, variant=spec.variant)
    # Laid out exactly as `build` lays it out (same date in the HTML): a build after it replays the fit.
    outcome = run_edition(project, spec, opts, edition_date(project, spec), write=False)
    result = outcome.result
    res.findings.extend(Finding("warning", w) for w in result.warnings)
    res.pages, res.scale = result.pages, result.scale
    if result.status == "failed":
        res.findings.append(Finding("error", str(result.error), result.hint))
    elif outcome.fitted is not None:
        if result.scale < 1:
            res.findings.append(Finding("warning", f"{spec.name}: type shrunk to {round(result.scale * 100)} % "
                                                   f"to fit {res.pages} pages", "shorten the text to print at full size"))
        for img in render.placed_images(outcome.fitted.laid):
            if img.dpi < MIN_DPI:
                res.findings.append(Finding(
                    "warning", f"{spec.name}: image {img.src} on page {img.page} prints at {img.dpi:.0f} dpi "
                               f"(under {MIN_DPI})", "use a larger image or place it smaller"))
    return res


def _variant_gaps(project: Project, vid: str, lang: str) -> list[tuple[str, str]]:
    from .variants import gaps

    return gaps(project, project.variant(vid)).get(lang, [])
