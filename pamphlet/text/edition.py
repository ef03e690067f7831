"""One edition (language × layout): its facts, text checks and HTML.

Everything here is pure preparation before WeasyPrint: the template context,
the glyph-coverage check and the HTML document. ``build`` drives it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from pamphlet import __version__
from pamphlet.errors import ContentError, GlyphError, Location, plural
from pamphlet.layouts import Layout, get
from pamphlet.source.config import PRINTED_FIELDS
from pamphlet.source.model import Project
from pamphlet.source.spec import EditionSpec
from pamphlet.text import languages, markdown, templates, typeset
from pamphlet.text.fonts import FontBook, TextSource, glyph_error, missing_glyphs, project_families
from pamphlet.text.languages import region_of

log = logging.getLogger(__name__)

@dataclass
class Prepared:
    """An edition ready to render: the HTML at a given type scale."""

    spec: EditionSpec
    layout: Layout
    facts: languages.LangFacts
    context: dict[str, Any]
    project_root: Path
    images: list[str] = field(default_factory=list)
    words: int = 0
    warnings: list[str] = field(default_factory=list)
    printed_body: str = ""  # the Markdown whose every word the pages must carry
    chars: int = 0          # characters of the body's visible text (links and markup not counted)
    excerpt: bool = False   # the layout prints a digest of the facts (a handbill of a long text)
    lede_words: int = 45    # lede.max_words: how short a first paragraph must be to become the lede
    whole: list[set[str]] = field(default_factory=list)  # the words kept whole, one set per keep_whole call
    passes: int = 0         # layout passes so far (a failed fit still reports them)
    headline: float = 1.0   # the headline's size factor: below 1 when its longest word is wider than its box
    headline_cap: float = 1.25  # how far the headline grows with an enlarged text (less where it would not fit)
    composition: str = ""   # the layout's composition it is laid out in (see compose.py)
    digest_lines: list[tuple[int, int]] = field(default_factory=list)  # source lines of the digest's blocks
    digest_budget: int = 0  # characters the digest was given
    event_fit: float = 1.0  # the event box's size factor: below 1 when a date or time range is wider than its line
    event_wrap: bool = False  # a date may break after its weekday, a time range after its dash (the box at body size)
    last_event_fit: float | None = None  # how well the event box fitted the pass before (did smaller type help?)
    candidates: list[Any] = field(default_factory=list)  # the compositions laid out (compose.py), refused ones too

    def keep_whole(self, words: set[str]) -> None:
        """Never hyphenate these words (they fell at a page or column end, or in a run of hyphens)."""
        self.whole.append(set(words))
        pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                             + r")(?![\w-])")

        def protect(html: str) -> str:
            return re.sub(r">([^<]+)<", lambda m: ">" + pattern.sub(r'<span class="nohyph">\1</span>', m.group(1)) + "<",
                          html)
        for key in ("body", "body_after_lede", "lede", "quotes", "digest"):
            if key in self.context:
                self.context[key] = Markup(protect(str(self.context[key])))

    def title_rem(self, scale: float) -> float:
        """The display type's size factor (on top of the type scale): it shrinks with the text, and grows with
        an enlarged short text up to ``headline_cap`` (a poster's headline, as large as its panel allows)."""
        return self.headline * (min(scale, self.headline_cap) / scale if scale > 1 else 1.0)

    def title_lines(self, scale: float) -> list[int] | None:
        """The headline's lines balanced at the size a pass at ``scale`` sets it in (its units measured in
        its box by compose._measure_title; the rem grows with the scale, and so does the headline, times
        its size factor): how many units each line takes, or None (greedy breaking does as well)."""
        metrics = self.context.get("title_metrics")
        if not metrics:
            return None
        from pamphlet.pages.predict import balanced_lines

        units, widths, space, room = metrics
        factor = self.title_rem(scale) * scale
        return balanced_lines(list(units), [w * factor for w in widths], space * factor, room)

    def html(self, scale: float = 1.0, blank_pages: int = 0, roles: int = 0, spread: float = 0.0) -> str:
        # Headlines grow and shrink with the text (a short notice enlarged is a poster, its headline set large);
        # ``headline`` shrinks one whose longest word (or last two, held together) is wider than its box.
        ctx = {**self.context, "scale": scale, "blank_pages": blank_pages, "roles": roles, "spread": spread, "excerpt": self.excerpt,
               "title_rem": self.title_rem(scale), "event_fit": self.event_fit, "event_wrap": self.event_wrap,
               "title_lines": self.title_lines(scale)}
        return templates.render(f"{self.spec.layout}/page.html", ctx, self.project_root / "templates")


@lru_cache(maxsize=8)
def font_book(project_root: Path) -> FontBook:
    return FontBook(project_root / "fonts")


def _css_stack(names: list[str]) -> str:
    return ", ".join('"%s"' % n.replace('"', "") for n in names)


def _stacks(fonts: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each role's families, then the body and heading families it lacks.

    The glyph check lets a character through when the body or the heading stack has it; a run set in
    the other stack must then find it in a face pamphlet declares, never in one fontconfig picks from the
    system. The lede, a table head or a callout title are set in the heading face, say, and a symbol only
    the serif has would otherwise come from whatever the machine has installed.
    """
    shared = [*fonts["body"], *fonts["heading"]]
    return {role: list(dict.fromkeys([*names, *shared])) for role, names in fonts.items()}


def _code_css(stack: list[str]) -> str:
    """Code (a `code span`, an indented or fenced block) in the edition's own faces.

    The browser style sets code in ``monospace``: a face pamphlet does not ship, whatever the machine
    has. A tab stops every 4 spaces, not 8 (CommonMark's own example ``→foo→baz→→bim`` ran past its column).
    """
    return f"code, kbd, samp, pre, tt {{ font-family: {_css_stack(stack)}; }}\npre {{ tab-size: 4; }}"


def _field_locate(lang: Any, key: str) -> markdown.Locate:
    """Where line ``n`` of a front-matter field's Markdown text (``handbill: |``) is in its file."""
    if key in lang.meta_where:  # set in a variants table's cell
        cell = lang.meta_where[key]
        return lambda n: cell
    start = lang.meta_lines.get(key, 1)
    try:
        at = lang.path.read_text(encoding="utf-8-sig").split("\n")[start - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        at = ""
    first = start + 1 if re.search(r":[ \t]*[|>][-+0-9]*[ \t]*(#.*)?$", at) else start  # a block scalar
    return lambda n: Location(lang.path, first + n - 1)


def lang_facts(project: Project, code: str) -> languages.LangFacts:
    cfg = project.config
    overrides = {**cfg.strings.get(code, {}), **project.languages[code].meta.get("strings", {})}
    return languages.facts(code, font_overrides=cfg.fonts, digits=cfg.digits, strings=overrides)


def prepare(project: Project, spec: EditionSpec, created: int = 0) -> Prepared:
    """Check the edition's text against its fonts and build its template context."""
    cfg = project.config
    lang = project.languages[spec.lang]
    facts = lang_facts(project, spec.lang)
    layout = get(spec.layout).sized(spec)
    book = font_book(project.root)
    book.add_installed(project_families(cfg.fonts))  # installed fonts, only those `fonts:` names
    where = cfg.source.where(("fonts", facts.script)) if cfg.source else Location(cfg.path)
    for role, stack in facts.fonts.items():
        book.check_stack(stack, where, f"fonts.{facts.script}.{role}")
    warnings: list[str] = []  # UI-string warnings come from _check_ui_strings, once we know what is printed

    meta = dict(lang.meta)
    # The headline (and the call-to-action head, also in the display face) in one face that has all its letters.
    facts = facts.with_display_for(" ".join([str(meta.get("title") or ""), *facts.strings.values()]), book.coverage)
    region = region_of(spec.lang)
    rendered = markdown.to_html(lang.body, facts.quotes, facts.rtl, locate=lang.locate, lede_words=cfg.lede_words,
                                region=region)
    own = meta.get(layout.name) if layout.excerpts else None
    own_texts: list[TextSource] = []
    if isinstance(own, str) and own:  # a shorter text for this layout (`handbill:`): refused at its own lines
        field_at = _field_locate(lang, layout.name)
        own_texts = [TextSource(text, field_at(line))
                     for line, text in markdown.to_html(own, facts.quotes, facts.rtl, locate=field_at, region=region).texts]
    event = None
    if cfg.event:
        event = {"date": facts.date(cfg.event.date), "date_parts": facts.date_parts(cfg.event.date),
                 "time": facts.time_range(cfg.event.start, cfg.event.end),
                 "date_short": _short_date(facts, cfg.event.date), "place": _field(meta.get("place"), facts, region)}

    # Glyph coverage: everything this edition prints, with where it comes from: the text as written, then
    # as printed (what entity and numeric references like &hearts; or &#xD06; and smart quotes produce).
    sources = _body_sources(lang) + [TextSource(text, lang.locate(line)) for line, text in rendered.texts]
    sources += own_texts
    front = [TextSource(value, lang.meta_where.get(key) or Location(lang.path, lang.meta_lines.get(key, 1)))
             for key, value in meta.items() if isinstance(value, str)]
    front += [TextSource(item, Location(lang.path, lang.meta_lines.get(f"{key}[{i}]", lang.meta_lines.get(key, 1))))
              for key, value in meta.items() if isinstance(value, list)  # the placards' slogans, each at its line
              for i, item in enumerate(value) if isinstance(item, str)]
    sources = sorted(front, key=lambda src: src.location.line or 0) + sources
    if event:
        sources.append(TextSource(f"{event['date']} {event['time'] or ''}", Location(cfg.path, _cfg_line(project, ("event",)))))
    body_stack = sorted(set(facts.fonts["body"]) | set(facts.fonts["heading"]))
    # A character must be in the body or heading stack (display falls back to heading).
    missing = missing_glyphs(book, body_stack, sources)
    if missing:
        raise glyph_error(spec.lang, missing, body_stack)

    g = layout.geometry(spec.paper)
    families = set(facts.fonts["body"]) | set(facts.fonts["heading"]) | set(facts.fonts["display"])
    contact = cfg.contact
    web_display = typeset.breakable_address((contact.web or "").split("://", 1)[-1].rstrip("/"))
    ctx: dict[str, Any] = {
        "version": __version__,
        "layout": spec.layout,
        "lang": facts,
        "t": facts.strings,  # templates written before the gettext catalogs: t.when, t.join_us
        **facts.template_globals(),  # gettext/pgettext of Jinja's i18n extension, in this edition's language
        # Typeset as the body is (quotes, units kept whole, direction); the glyph check above read them as written.
        "meta": {k: markdown.break_wordspaces(_field(meta.get(k), facts, region)) for k in PRINTED_FIELDS},
        "body": Markup(rendered.html),
        "body_after_lede": Markup(rendered.html.replace(rendered.lede, "", 1) if rendered.lede else rendered.html),
        "lede": Markup(rendered.lede),
        "quotes": Markup(rendered.quotes),
        "event": event,
        "contact": {"email": typeset.breakable_address(contact.email) if contact.email else contact.email,
                    "web": contact.web, "web_display": web_display,
                    "phone": typeset.keep_together(contact.phone, region) if contact.phone else contact.phone,
                    "social": contact.social,
                    # What the reading PDF links them to (the printed lines above carry invisible break marks).
                    "mailto": f"mailto:{contact.email.strip()}" if contact.email else None,
                    "tel": tel_uri(contact.phone, region)},
        "qr": _qr(cfg.qr, cfg.theme.ink) if cfg.qr else None,
        # The front's picture, cropped to fill its frame: the language's own, else the project's.
        "picture": ({"src": meta.get("image") or cfg.image,
                     "alt": meta.get("image_alt") or (cfg.image_alt if not meta.get("image") else None) or "",
                     "focus": cfg.image_focus or "50% 50%"} if (meta.get("image") or cfg.image) else None),
        # Anything for the contact block (a group may print none): without it a back cover or panel that
        # carries only the contact would ship blank, so the templates move the call to action or the event there.
        "has_contact": bool(cfg.qr or meta.get("organiser") or meta.get("contact") or contact.email or contact.web
                            or contact.phone or contact.social),
        "qr_target": cfg.qr,
        "theme": cfg.theme,
        "fonts": {role: Markup(_css_stack(names)) for role, names in _stacks(facts.fonts).items()},
        "font_css": Markup(book.font_face_css(families) + "\n" + _code_css(_stacks(facts.fonts)["heading"])),
        "page": {"width": g.width, "height": g.height, "narrow": g.narrow, "bleed": spec.bleed,
                 "marks": spec.crop_marks, "paper": spec.paper},
        "base_size": layout.base_size,
        "scale": 1.0,
        "blank_pages": 0,
        "roles": 0,
        "spread": 0.0,
        "title_rem": 1.0,
        "created": _w3c_date(created),
        "page_counter": facts.counter_style,
    }
    for key in ("body", "body_after_lede", "lede", "quotes"):
        ctx[key] = Markup(localise_numbers(str(ctx[key]), facts.digits, facts.rtl))
    prepared = Prepared(spec, layout, facts, ctx, project.root, rendered.images, rendered.words, warnings,
                        printed_body=rendered.body, chars=rendered.chars, lede_words=cfg.lede_words)
    layout.adapt(prepared, meta)  # what its own template needs (a poster's sizes, a placard's slogans)
    _check_ui_strings(prepared, book, body_stack)
    return prepared


def _check_ui_strings(prepared: Prepared, book: FontBook, stack: list[str]) -> None:
    """Render the template once to learn which UI strings this edition prints, then check those.

    Their glyphs must be in the fonts like the text's, and the warning about
    English standing in for a missing translation names only strings on the page.
    """
    ui = prepared.facts.translator
    if ui is None:
        return
    prepared.html()
    lang = prepared.spec.lang
    missing = missing_glyphs(book, stack, [TextSource(text, Location(f"UI string '{key}'"))
                                           for key, text in ui.printed.items()])
    if missing:
        raise glyph_error(lang, missing, stack)
    if ui.missing():
        keys = ", ".join(f"'{k}'" for k in ui.missing())
        them = "it" if len(ui.missing()) == 1 else "them"
        prepared.warnings.append(f"{lang}: no {lang} translation of {plural(len(ui.missing()), 'UI string')} "
                                 f"({keys}); using English (add {them} under `strings: {{{lang}: ...}}` in pamphlet.yaml)")
    for key in ui.unknown_overrides():
        prepared.warnings.append(f"{lang}: strings.{key}: no UI string has this key; the templates print "
                                 f"{', '.join(ui.printed) or 'none'}")


def tel_uri(phone: str | None, region: str | None) -> str | None:
    """A phone number as a ``tel:`` link (RFC 3966): international (``tel:+493411234567``) when the number
    or the language's region says its country; else its digits as written. None without one."""
    if not phone or not phone.strip():
        return None
    import phonenumbers

    try:
        number = phonenumbers.parse(phone, region)
        if phonenumbers.is_possible_number(number):
            return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    digits = "".join(c for c in phone.strip() if c.isdigit() or c in "+*#")
    return f"tel:{digits}" if any(c.isdigit() for c in digits) else None


def _field(value: Any, facts: languages.LangFacts, region: str | None) -> Any:
    """A front-matter value as printed (:func:`typeset.typeset_field`): the language's quotes and apostrophes,
    French spaces, units kept whole, addresses breakable, its direction; anything but text as it is."""
    if not isinstance(value, str) or not value:
        return value
    return typeset.typeset_field(value, facts.rtl, facts.quotes, region)


def _body_sources(lang: Any) -> list[TextSource]:
    """The joined body cut back into its files, each with the line it starts on (no re-reading)."""
    if len(lang.parts) <= 1:
        return [TextSource(lang.body, Location(lang.path, lang.body_line))]
    lines = lang.body.split("\n")
    starts = [start for _, start, _ in lang.parts] + [len(lines) + 1]
    return [TextSource("\n".join(lines[start - 1:starts[i + 1] - 1]), Location(path, file_line))
            for i, (path, start, file_line) in enumerate(lang.parts)]


_TEXT = re.compile(r">([^<]+)<")
_ISOLATED = re.compile("(\u2066[^\u2069]*\u2069)")
# A phone number or another run of digit groups: +44 161 555 0199, 0161-555-0199, 12 345.
# Its spaces may be no-break (U+00A0, U+202F) and its hyphens U+2011 (typeset.keep_together), a word joiner after a dash.
_NUMBER_RUN = re.compile(r"(?<![\w\u2066])\+?\d[\d\u00A0\u202F\u2011\u2060 ./\-]*\d(?![\w\u2069])")
_LRI, _PDI = "\u2066", "\u2069"


def localise_numbers(html: str, digits: str, rtl: bool) -> str:
    """One digit system per edition, and numbers that read the right way round in right-to-left text.

    In the text of ``html`` (not in tags or attributes): runs of digit groups with spaces or dashes
    (phone numbers) become left-to-right isolates in right-to-left text, so "+44 161 555 0199" is not
    shown as "0199 555 161 44", and keep the digits they are written in (they must dial as written);
    other digits become the edition's digit system (``digits:``), as do list and footnote numbers.
    """
    if digits == "latn" and not rtl:
        return html

    def number(m: re.Match[str]) -> str:
        run = m.group(0)
        if not (rtl and any(c in run for c in " \u00A0\u202F\u2011-./")):
            return run
        # One unit, never broken across lines. It keeps the digits it was written in: the bidi algorithm
        # treats Arabic-Indic digit groups as Arabic and would put "+٤٤ ١٦١" after "٥٥٥ ٠١٩٩".
        return _LRI + run.replace(" ", "\u00A0") + _PDI

    def text(m: re.Match[str]) -> str:
        parts = _ISOLATED.split(m.group(1))
        for i, part in enumerate(parts):
            if i % 2 == 0:  # not an isolated Latin run
                part = _NUMBER_RUN.sub(number, part)
                parts[i] = "".join(piece if j % 2 else languages.to_digits(piece, digits)
                                   for j, piece in enumerate(_ISOLATED.split(part)))
            elif not any(c.isalpha() for c in part):
                parts[i] = languages.to_digits(part, digits)
        return ">" + "".join(parts) + "<"

    return _TEXT.sub(text, html)


def _short_date(facts: languages.LangFacts, value: Any) -> str:
    """The date with an abbreviated weekday and month, for narrow places (the zine cover)."""
    from babel.dates import format_skeleton

    loc = languages.babel_locale(facts.code)
    text = format_skeleton("yMMMEd", value, locale=loc) if loc else value.isoformat()
    return languages.to_digits(text, facts.digits)


def _w3c_date(epoch: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cfg_line(project: Project, key: tuple) -> int:
    return project.config.source.line(key) if project.config.source else 1


@lru_cache(maxsize=32)
def _qr(url: str, dark: str) -> str:
    """A vector QR code as a data URI: never a Micro QR (phones can't read it), error correction M or
    better so a smudge or a fold still scans; remembered across processes (segno costs ~0.05 s to import)."""
    from pamphlet.text import memo

    def compute() -> str:
        import segno

        try:
            code = segno.make_qr(url, error="m", boost_error=True)
        except segno.DataOverflowError:
            raise ContentError(f"qr: the link is too long for a QR code ({len(url)} characters)",
                               "use a shorter link (a URL shortener or your site's short path)") from None
        return str(code.svg_data_uri(dark=dark, light=None, border=0, omitsize=True))

    return memo.remembered("qr", (url, dark, "m"), compute, library="segno")


__all__ = ["EditionSpec", "GlyphError", "Prepared", "font_book", "lang_facts", "prepare"]
