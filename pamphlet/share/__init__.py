"""``pamphlet share``: the same pamphlet for screens, per language (and variant), beside the PDFs.

    <out>/share/<slug>-<lang>/            (<slug>-<variant>-<lang>/ for a variant)
        index.html              the text as one self-contained web page (share/page.py)
        event.ics               the event as a calendar entry (share/ics.py)
        card-1200x630.png       the link preview (og:image) and
        card-1080x1080.png      the square card (share/cards.py)
        message.txt             the short version for a messenger or SMS (share/sms.py)

The PDFs the page links are the build's: the command builds them first (up-to-date ones are reused, as for
``preview`` and ``print``), so the page never links a stale or missing file. Its links are relative
(``../../solidarity-en-leaflet.pdf``): publish the output folder as a whole. With ``share: {base_url: …}``
(the address the output folder is published at) the preview tags get absolute addresses and the cards'
QR code leads to the page itself.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from pamphlet.errors import PamphletError, plural
from pamphlet.output import atomic_write
from pamphlet.pipeline import BuildOptions, EditionResult
from pamphlet.source.model import Project
from pamphlet.source.spec import EditionSpec

log = logging.getLogger(__name__)

PAGE, ICS, MESSAGE = "index.html", "event.ics", "message.txt"
#: The layout whose preparation gives the page its text (any layout prints the whole text; the leaflet
#: is the one every project can build).
_TEXT_LAYOUT = "leaflet"


@dataclass
class Shared:
    """What was written for one language (and variant)."""

    lang: str
    variant: str | None
    folder: Path
    files: dict[str, int] = field(default_factory=dict)  # file name → bytes
    message: str = ""
    segments: Any = None                                  # sms.Segments
    pdfs: int = 0
    error: str | None = None
    hint: str | None = None

    @property
    def name(self) -> str:
        return f"{self.variant}/{self.lang}" if self.variant else self.lang

    def as_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"lang": self.lang, "folder": str(self.folder), "files": self.files, "pdfs": self.pdfs}
        if self.variant:
            d["variant"] = self.variant
        if self.segments is not None:
            d["message"] = {"text": self.message, "characters": self.segments.characters,
                            "encoding": self.segments.encoding, "units": self.segments.units,
                            "sms_segments": self.segments.parts}
        if self.error:
            d["error"], d["hint"] = self.error, self.hint
        return d


def folder_name(slug: str, lang: str, variant: str | None = None) -> str:
    """``<slug>-<lang>``, or ``<slug>-<variant>-<lang>``: the build's file names without the layout."""
    return "-".join(p for p in (slug, variant, lang) if p)


def share_root(out: Path) -> Path:
    return out / "share"


def share(project: Project, opts: BuildOptions, results: list[EditionResult]) -> list[Shared]:
    """Write the share folder of every language (and variant) the options select, linking the PDFs in
    ``results`` (the build just run). One language failing does not stop the others."""
    from pamphlet.editions import batch

    specs = batch.editions(project, BuildOptions(layouts=opts.layouts[:1] or (_TEXT_LAYOUT,), langs=opts.langs,
                                                 variants=opts.variants, paper=opts.paper, shard=opts.shard))
    pairs = list(dict.fromkeys((s.variant, s.lang) for s in specs))
    if project.config.event is not None and project.config.event.start is not None and not project.config.event.tz:
        from pamphlet.share.ics import floating_warning

        log.warning(floating_warning(_shown(project.config.path)))
    done: list[Shared] = []
    for variant, lang in pairs:
        folder = share_root(opts.out) / folder_name(project.config.slug, lang, variant)
        shared = Shared(lang, variant, folder)
        try:
            _share_one(project, opts, results, pairs, shared)
        except PamphletError as exc:
            shared.error, shared.hint = str(exc), exc.hint
        done.append(shared)
    return done


def _shown(path: Path) -> str:
    from pamphlet.errors import Location

    return str(Location(path))


def _share_one(project: Project, opts: BuildOptions, results: list[EditionResult],
               pairs: list[tuple[str | None, str]], shared: Shared) -> None:
    from pamphlet.editions import batch
    from pamphlet.share import cards, ics, sms, words
    from pamphlet.share.page import inline_pictures, picture_uri, qr_data_uri, qr_svg, render_page
    from pamphlet.text import typeset
    from pamphlet.text.edition import prepare
    from pamphlet.text.languages import facts as lang_facts

    variant, lang = shared.variant, shared.lang
    proj = project.for_variant(variant)
    cfg = proj.config
    spec = EditionSpec(lang, _TEXT_LAYOUT, opts.paper or cfg.paper, variant=variant)
    date = batch.edition_date(proj, spec)
    prepared = prepare(proj, spec, created=date)
    ctx = prepared.context
    facts = prepared.facts
    meta = ctx["meta"]
    raw = proj.languages[lang].meta
    folder = shared.folder

    def plain(value: Any) -> str:
        return " ".join(typeset.plain(str(value)).split()) if value else ""

    base = cfg.share.base_url.rstrip("/") + "/" if cfg.share.base_url else None
    page_url = f"{base}share/{folder.name}/" if base else None
    target = page_url or cfg.qr or cfg.contact.web  # where a reader goes from a card or a message
    own, is_own = words.words_for(lang)

    # The PDFs of this language (and variant), built or up to date.
    pdfs = []
    for r in results:
        if r.lang == lang and r.variant == variant and r.status != "failed" and r.path and Path(r.path).is_file():
            href = Path(os.path.relpath(r.path, folder)).as_posix()
            pdfs.append({"href": href, "label": own.get(r.layout, r.layout), "size": _size(r.bytes, facts),
                         "layout": r.layout})
    shared.pdfs = len(pdfs)

    # The other languages' pages: written in this run, or there from an earlier one.
    others = {code for v, code in pairs if v == variant}
    languages = []
    for code in _languages_of(proj, variant):
        if code == lang:
            continue
        other = folder_name(cfg.slug, code, variant)
        if code not in others and not (folder.parent / other / PAGE).is_file():
            continue
        languages.append({"code": code, "name": words.language_name(code), "dir": lang_facts(code).direction,
                          "href": f"{base}share/{other}/" if base else f"../{other}/{PAGE}"})

    title, subtitle = plain(meta["title"]), plain(meta.get("subtitle"))
    description = plain(meta.get("description")) or subtitle or _first_sentence(plain(Markup(ctx["lede"]).striptags()))
    picture = None
    if ctx.get("picture"):
        picture = {"src": picture_uri(proj.root, ctx["picture"]["src"]), "alt": ctx["picture"]["alt"]}
    card_image = f"{page_url}{cards.WIDE.file}" if page_url else cards.WIDE.file
    contact = {**ctx["contact"], "email": cfg.contact.email, "web_display": plain(ctx["contact"]["web_display"]),
               "phone": cfg.contact.phone, "tel": "".join(c for c in (cfg.contact.phone or "") if c.isdigit() or c == "+")}
    event_ok = cfg.event is not None
    page_ctx = {
        **ctx,
        "meta": meta, "contact": contact, "body": Markup(inline_pictures(str(ctx["body"]), proj.root)),
        "picture": picture, "languages": languages, "pdfs": pdfs,
        "words": own, "words_lang": Markup("") if is_own else Markup(' lang="en"'),
        "stacks": {role: Markup(f"{ctx['fonts'][role]}, {_system_stack(role, facts.script)}") for role in ctx["fonts"]},
        "ics_href": ICS if event_ok else None,
        "qr": qr_svg(target, cfg.theme.ink, f"{own['qr']}: {target}") if target else None,
        "qr_shown": target.split("://", 1)[-1].rstrip("/") if target else "",
        "og": {"title": title, "description": description, "image": card_image,
               "image_alt": ", ".join(p for p in (title, plain(ctx["event"]["date"]) if ctx.get("event") else "",
                                                  plain(meta.get("place"))) if p),
               "url": page_url, "locale": _og_locale(lang),
               "alternates": [_og_locale(x["code"]) for x in languages]},
    }
    page = render_page(page_ctx, proj.root / "templates")

    written: dict[str, bytes] = {PAGE: page.encode("utf-8")}
    if cfg.event is not None:
        entry = ics.EntryFacts(
            slug=cfg.slug, lang=lang, variant=variant, title=title,
            description="\n".join(p for p in (subtitle, plain(raw.get("call_to_action")), target) if p),
            place=plain(raw.get("place")) or None, organiser=plain(raw.get("organiser")) or None,
            email=cfg.contact.email, url=page_url or cfg.qr or cfg.contact.web)
        written[ICS] = ics.calendar_entry(cfg.event, entry, date)

    card_ctx = {**ctx, "qr": qr_data_uri(target, cfg.theme.ink) if target else None, "qr_target": target}
    from pamphlet.resources import data_root

    for shape in cards.SHAPES:
        written[shape.file] = cards.render_card(shape, card_ctx, proj.root, [proj.root, data_root()])

    event = ctx.get("event")
    date_line, time_line = (plain(event["date"]), plain(event.get("time"))) if event else ("", "")
    text = sms.message([title, date_line, time_line, plain(meta.get("place")), plain(meta.get("call_to_action")),
                        target])
    written[MESSAGE] = (text + "\n").encode("utf-8")
    shared.message, shared.segments = text, sms.segments(text)

    for name, data in written.items():
        atomic_write(folder / name, data)
        shared.files[name] = len(data)
    if not is_own:
        log.warning(f"{lang}: the share page's own words ({', '.join(sorted(own))}) have no {lang} translation; "
                    "using English (marked lang=\"en\" for screen readers)")


def _languages_of(project: Project, variant: str | None) -> list[str]:
    v = project.variant(variant)
    return [c for c in project.languages if v is None or not v.languages or c in v.languages]


def _first_sentence(text: str, limit: int = 200) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def _og_locale(code: str) -> str:
    """Open Graph writes locales as ``language_TERRITORY`` (``pt_BR``); a bare language stays as it is."""
    parts = code.split("-")
    return "_".join([parts[0], *[p.upper() for p in parts[1:] if len(p) == 2]])


def _size(n: int, facts: Any) -> str:
    """A file's size the way the language writes numbers and units (CLDR): "21 kB", "٢١ كيلوبايت"."""
    from babel.units import format_unit

    from pamphlet.text.languages import babel_locale

    loc = babel_locale(facts.code) or "en"
    kb = max(1, round(n / 1000))
    try:
        text = format_unit(kb, "digital-kilobyte", length="short", locale=loc)
    except Exception:  # noqa: BLE001 - a locale without the unit: the international symbol
        text = f"{kb} kB"
    from pamphlet.text.languages import to_digits

    return to_digits(text, facts.digits)


#: System faces by role, after the edition's own families (which a reader may not have installed).
_SYSTEM = {
    "latin": "system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, sans-serif",
    "arabic": "\"Noto Naskh Arabic\", \"Geeza Pro\", \"Segoe UI\", Tahoma, system-ui, sans-serif",
    "hebrew": "\"Noto Sans Hebrew\", \"Arial Hebrew\", \"Segoe UI\", Arial, system-ui, sans-serif",
}


def _system_stack(role: str, script: str) -> str:
    stack = _SYSTEM.get(script, "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif")
    return stack if role != "body" or script != "latin" else "Georgia, \"Times New Roman\", serif"


def describe(shared: Shared) -> str:
    """One line about a share folder: its files and its message's length."""
    files = plural(len(shared.files), "file")
    return f"{shared.folder}: {files}; message {shared.segments.describe()}" if shared.segments else files


__all__ = ["Shared", "describe", "folder_name", "share", "share_root"]
