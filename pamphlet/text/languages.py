"""Language facts in one place: direction, script, fonts, hyphenation, digits, dates.

Everything that differs between an English and an Urdu edition is decided here
from the language code (BCP 47) and the project's settings, so templates and
the renderer never guess. Two tables hold the facts: :data:`SCRIPTS` (what a
writing system needs: fonts per role, case, line height for tall marks) and
:data:`LANGUAGES` (one row per language we ship UI strings for: its script,
hyphenation dictionary, quotes, digits and any departure from its script, such
as Urdu's Nastaliq or Vietnamese's stacked accents). Languages outside the
table still build: their facts come from the script their code implies.

The words the templates print ("When", "Join us", …) are
:mod:`pamphlet.text.translations`; :func:`facts` gives each edition its
:class:`~pamphlet.text.translations.Translator` with the rest. Babel and Pyphen are
imported only when a date, a locale or a dictionary is asked for: the settings
schema reads the tables here (scripts, roles, digit systems) on every run.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup

from pamphlet.text.translations import Translator, message_key, template_messages

if TYPE_CHECKING:
    from babel import Locale

log = logging.getLogger(__name__)

# --- scripts -------------------------------------------------------------------

ROLES = ("body", "heading", "display")
#: The Latin fallback every stack ends in, so Latin names, URLs and digits have a designed face.
LATIN_FALLBACK = {"body": "Noto Serif", "heading": "Noto Sans", "display": "Noto Sans"}
#: A condensed bold with Latin (Vietnamese included), Greek and Cyrillic: the display face where
#: Bebas Neue (Latin and Russian capitals only) would leave a headline with letters from another face.
CONDENSED = "Noto Sans Display ExtraCondensed"


@dataclass(frozen=True)
class Script:
    """What a writing system needs from the page, whatever the language."""

    direction: str
    cased: bool  # has upper and lower case: only then `text-transform: uppercase` and letter-spacing
    body: tuple[str, ...]
    heading: tuple[str, ...]
    display: tuple[str, ...]  # candidates in order; an edition takes the first that covers its headline
    line: float = 1.0  # line-height factor: tall ascenders and deep descenders need more room
    size: float = 1.0  # size factor: some faces look smaller than Latin ones at the same size


SCRIPTS: dict[str, Script] = {
    "latin": Script("ltr", True, ("Noto Serif",), ("Noto Sans",), ("Bebas Neue", CONDENSED)),
    "greek": Script("ltr", True, ("Noto Serif",), ("Noto Sans",), (CONDENSED,)),
    # Bebas Neue covers Russian but not Ukrainian (і ї є ґ): one face for every Cyrillic language.
    "cyrillic": Script("ltr", True, ("Noto Serif",), ("Noto Sans",), (CONDENSED,)),
    # Naskh for text, labels and contact lines; Kufi (bundled in Bold only) for headlines.
    # Naskh sets well at Latin's line height; only Urdu's Nastaliq needs far more (see LANGUAGES).
    "arabic": Script("rtl", False, ("Noto Naskh Arabic",), ("Noto Naskh Arabic",),
                     ("Noto Kufi Arabic", "Noto Naskh Arabic"), size=1.15),
    "hebrew": Script("rtl", False, ("Noto Serif Hebrew",), ("Noto Sans Hebrew",),
                     ("Noto Sans Hebrew ExtraCondensed", "Noto Sans Hebrew"), size=1.08),
    "devanagari": Script("ltr", False, ("Noto Serif Devanagari",), ("Noto Sans Devanagari",),
                         ("Noto Sans Devanagari",), line=1.12, size=1.04),
    "bengali": Script("ltr", False, ("Noto Serif Bengali",), ("Noto Sans Bengali",), ("Noto Sans Bengali",),
                      line=1.12, size=1.04),
    "gurmukhi": Script("ltr", False, ("Noto Serif Gurmukhi",), ("Noto Sans Gurmukhi",), ("Noto Sans Gurmukhi",),
                       line=1.1, size=1.04),
    "tamil": Script("ltr", False, ("Noto Serif Tamil",), ("Noto Sans Tamil",), ("Noto Sans Tamil",), line=1.08),
    "ethiopic": Script("ltr", False, ("Noto Serif Ethiopic",), ("Noto Sans Ethiopic",), ("Noto Sans Ethiopic",),
                       line=1.08, size=1.04),
    # Chinese, Japanese, Korean: bring your own font (project fonts/ + `fonts: {cjk: ...}`);
    # a CJK face is 10-20 MB per weight, more than everything else bundled together.
    "cjk": Script("ltr", False, (), (), (), line=1.1),
    # Any other script (Georgian, Armenian, Thai …): bring your own font under `fonts: {other: ...}`.
    "other": Script("ltr", False, (), (), ()),
}

#: Line height of body text in Latin; every other line height is this times a factor.
BASE_LINE_HEIGHT = 1.42
#: Headline line height per display face (before the language's own factor): Bebas is caps only and
#: sits tight; faces with lower case, marks above and below need room so accents clear the line above.
DISPLAY_LINE_HEIGHT = {"Bebas Neue": 0.92, CONDENSED: 1.02, "Noto Kufi Arabic": 1.3, "Noto Naskh Arabic": 1.3,
                       "Noto Nastaliq Urdu": 1.9, "Noto Sans Hebrew ExtraCondensed": 1.1, "Noto Sans Hebrew": 1.1}
# Faces whose lower-case letters are capitals: text set in them is upper-cased by CSS too, so that the
# language's own rules apply (Bebas Neue draws a Turkish "i" as a dotless "I": "BEYANNAMESI", not "BEYANNAMESİ").
CAPS_FACES = {"Bebas Neue"}

# --- languages -----------------------------------------------------------------

NASTALIQ = ("Noto Nastaliq Urdu", "Noto Naskh Arabic")


@dataclass(frozen=True)
class Language:
    """One row of the language table: where a language departs from nothing but its script."""

    name: str  # English name, for the table in docs/languages.md and messages
    script: str
    hyphenate: str | None  # Pyphen dictionary, or None: no dictionary, or the script is not hyphenated
    quotes: str | tuple[str, ...]  # primary open/close, secondary open/close
    digits: str = "latn"  # digit system for dates, times and page numbers
    fonts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # per role, replaces the script's
    line: float | None = None  # line-height factor, if not the script's
    size: float | None = None  # size factor, if not the script's
    display_line: float = 1.0  # extra headline line height (stacked accents)


_FR_QUOTES = ("«\u202f", "\u202f»", "“", "”")
#: Every language with UI strings, in the order of the table in docs/languages.md.
LANGUAGES: dict[str, Language] = {
    "ar": Language("Arabic", "arabic", None, "«»“”", "arab"),
    "fa": Language("Persian", "arabic", None, "«»“”", "arabext"),
    "ur": Language("Urdu", "arabic", None, "“”‘’", fonts={"body": NASTALIQ, "heading": NASTALIQ, "display": NASTALIQ},
                   line=1.55, size=1.08),  # Nastaliq: ascent 1.9 em, descent 0.6 em
    "ps": Language("Pashto", "arabic", None, "«»“”", "arabext"),
    "ckb": Language("Kurdish (Sorani)", "arabic", None, "«»“”", "arab"),
    "kmr": Language("Kurdish (Kurmanji)", "latin", None, "«»‹›"),
    "tr": Language("Turkish", "latin", None, "“”‘’"),
    "so": Language("Somali", "latin", None, "“”‘’"),
    "ti": Language("Tigrinya", "ethiopic", None, "«»‹›"),
    "am": Language("Amharic", "ethiopic", None, "«»‹›"),
    "bn": Language("Bengali", "bengali", None, "“”‘’", "beng"),
    "hi": Language("Hindi", "devanagari", None, "“”‘’"),
    # Pyphen has a Punjabi dictionary, but Gurmukhi text is not broken with hyphens in print.
    "pa": Language("Punjabi (Gurmukhi)", "gurmukhi", None, "“”‘’"),
    "ta": Language("Tamil", "tamil", None, "“”‘’"),
    "vi": Language("Vietnamese", "latin", None, "“”‘’", fonts={"display": (CONDENSED,)}, line=1.05,
                   display_line=1.2),  # stacked marks ("quyền") under a descender ("giới")
    "tl": Language("Tagalog", "latin", None, "“”‘’"),
    "pl": Language("Polish", "latin", "pl", "„”«»"),
    "ro": Language("Romanian", "latin", "ro", "„”«»"),
    # Off: Pyphen's Ukrainian patterns split before a doubled consonant ("навча-ння", "пита-ння", "зна-ння": the
    # rule splits between the two, "навчан-ня", which the 3-letter minimum after a break never reaches) and
    # into a prefix ("підт-римка"): 9 of the 30 breaks they offer in tests/test_linebreak.py's table are wrong.
    "uk": Language("Ukrainian", "cyrillic", None, "«»„“"),
    "ru": Language("Russian", "cyrillic", "ru", "«»„“"),
    "el": Language("Greek", "greek", "el", "«»“”"),
    "pt": Language("Portuguese", "latin", "pt", "«»“”"),
    "it": Language("Italian", "latin", "it", "«»“”"),
    "en": Language("English", "latin", "en", "“”‘’"),
    "fr": Language("French", "latin", "fr", _FR_QUOTES),
    "es": Language("Spanish", "latin", "es", "«»“”"),
    "de": Language("German", "latin", "de", "„“‚‘"),
    "he": Language("Hebrew", "hebrew", None, "”“’‘"),
    "nl": Language("Dutch", "latin", "nl", "“”‘’"),
    "sw": Language("Swahili", "latin", None, "“”‘’"),
    "sv": Language("Swedish", "latin", "sv", "””’’"),
    "id": Language("Indonesian", "latin", "id", "“”‘’"),
}
#: Codes that name a language of the table another way.
ALIASES = {"ku": "kmr", "ku-Latn": "kmr", "ku-Arab": "ckb", "fil": "tl", "pes": "fa", "prs": "fa", "pbu": "ps"}

# Languages outside the table: direction and script from the code.
RTL_LANGS = {"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku-Arab", "ps", "sd", "ug", "ur", "yi", "syr"}
SCRIPT_OF_LANG = {
    **{c: "arabic" for c in ("ar", "fa", "ur", "ckb", "ps", "sd", "ug", "ks")},
    **{c: "hebrew" for c in ("he", "yi")},
    "el": "greek",
    **{c: "cyrillic" for c in ("ru", "uk", "bg", "be", "mk", "sr", "kk", "ky", "mn", "tg", "tt", "ba")},
    **{c: "devanagari" for c in ("hi", "mr", "ne", "sa", "mai")},
    "bn": "bengali", "as": "bengali", "pa": "gurmukhi", "ta": "tamil",
    **{c: "ethiopic" for c in ("am", "ti")},
    **{c: "cjk" for c in ("zh", "ja", "ko")},
}
SCRIPT_SUBTAGS = {"Latn": "latin", "Arab": "arabic", "Hebr": "hebrew", "Cyrl": "cyrillic", "Grek": "greek",
                  "Deva": "devanagari", "Beng": "bengali", "Guru": "gurmukhi", "Taml": "tamil", "Ethi": "ethiopic",
                  "Hans": "cjk", "Hant": "cjk", "Jpan": "cjk", "Kore": "cjk"}

#: The digit systems a language may print in besides ``latn`` (0-9), as their ten digits.
DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹", "beng": "০১২৩৪৫৬৭৮৯", "deva": "०१२३४५६७८९"}
#: CSS counter style (WeasyPrint's predefined ones) for page numbers in each digit system.
COUNTER_STYLES = {"arab": "arabic-indic", "arabext": "persian", "beng": "bengali", "deva": "devanagari"}

def base_lang(code: str) -> str:
    return code.split("-")[0].lower()


def table_code(code: str) -> str | None:
    """The row of :data:`LANGUAGES` that ``code`` uses (``pt-BR`` → ``pt``, ``ku`` → ``kmr``), or None."""
    for candidate in (code, base_lang(code)):
        candidate = ALIASES.get(candidate, candidate)
        if candidate in LANGUAGES:
            # A script subtag that is not the row's script (sr-Latn, ku-Arab) is another language.
            subtag = _script_subtag(code)
            if subtag and subtag != LANGUAGES[candidate].script:
                return None
            return candidate
    return None


def _script_subtag(code: str) -> str | None:
    for part in code.split("-")[1:]:
        if part.title() in SCRIPT_SUBTAGS:
            return SCRIPT_SUBTAGS[part.title()]
    return None


def script_of(code: str) -> str:
    row = table_code(code)
    if row:
        return LANGUAGES[row].script
    return _script_subtag(code) or SCRIPT_OF_LANG.get(base_lang(code)) or _likely_script(base_lang(code))


@lru_cache(maxsize=64)
def _likely_script(lang: str) -> str:
    """The script CLDR says a language is written in (ka → Geor → "other"); Latin if CLDR doesn't know it."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(lang, "")
    for part in likely.split("_")[1:]:
        if len(part) == 4:
            return SCRIPT_SUBTAGS.get(part, "other")
    return "latin"


def direction_of(code: str) -> str:
    if script_of(code) in ("arabic", "hebrew"):
        return "rtl"
    return "rtl" if code in RTL_LANGS or base_lang(code) in RTL_LANGS else "ltr"


@lru_cache(maxsize=64)
def babel_locale(code: str) -> Locale | None:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(base_lang(code))
        except (UnknownLocaleError, ValueError):
            return None


def hyphenation_lang(code: str) -> str | None:
    """The Pyphen dictionary for ``code``, or None (no Arabic, Persian, Hebrew, Turkish …)."""
    import pyphen

    row = table_code(code)
    if row and LANGUAGES[row].hyphenate is None:
        return None
    for candidate in (code.replace("-", "_"), base_lang(code)):
        if candidate in pyphen.LANGUAGES:
            return candidate
    return None


def _pattern_fields(pattern: str) -> str:
    """A CLDR date pattern without its quoted literals: fr-CA's ``HH 'h' mm`` has no ``h`` field."""
    return re.sub(r"'[^']*'", "", pattern)


def twelve_hour(loc: Locale) -> bool:
    """Whether the locale's short time runs on a 12-hour clock (CLDR: ``en-US``, ``es-MX``, ``hi``; not
    ``en-GB``, ``pt-BR``, ``fr-CA``)."""
    return "h" in _pattern_fields(loc.time_formats["short"].pattern) or "K" in _pattern_fields(
        loc.time_formats["short"].pattern)


def day_period_clock(loc: Locale, script: str) -> bool:
    """Whether times print with CLDR's flexible day periods (``दोपहर 2:00``, ``2:00 দুপুর``) instead of the
    locale's short form: where that form is a 12-hour clock whose am/pm CLDR gives in Latin letters
    (Hindi "2:00 pm", Bengali, Tamil, Punjabi, Urdu "2:00 PM") while the language is written in another
    script. A reader of Hindi reads "दोपहर" (afternoon) at a glance; "pm" is a Latin word in a Devanagari
    line. Arabic (``م``), Amharic (``ከሰዓት``) and every Latin-script locale keep their own form."""
    if script == "latin" or not twelve_hour(loc) or "Bhm" not in loc.datetime_skeletons:
        return False
    marks = loc.day_periods.get("format", {}).get("abbreviated", {})
    return any(re.search("[A-Za-z]", marks.get(k, "")) for k in ("am", "pm"))


def _day_period_interval(start: dt.time, end: dt.time, loc: Locale) -> str:
    """``दोपहर 2:00 – शाम 5:30``: CLDR's ``Bhm`` interval format (Babel cannot find which field of two
    times differs when one is a flexible day period, so the choice of pattern is made here, as CLDR
    defines it: the day period if it differs, else the hour, else the minute)."""
    from babel.dates import format_skeleton, format_time, get_period_id

    if start == end:
        return format_skeleton("Bhm", start, locale=loc)
    if get_period_id(start, locale=loc) != get_period_id(end, locale=loc):
        greatest = "B"
    else:
        greatest = "h" if start.hour != end.hour else "m"
    formats = loc.interval_formats.get("Bhm") or {}
    pair = formats.get(greatest)
    if not pair:  # no interval pattern: CLDR's fallback, "{0} – {1}"
        fallback = str(loc.interval_formats.get(None) or "{0} – {1}")
        return fallback.replace("{0}", format_skeleton("Bhm", start, locale=loc)).replace(
            "{1}", format_skeleton("Bhm", end, locale=loc))
    return format_time(start, pair[0], locale=loc) + format_time(end, pair[1], locale=loc)


def to_digits(text: str, system: str) -> str:
    table = DIGITS.get(system)
    return text.translate(str.maketrans("0123456789", table)) if table else text


@dataclass(frozen=True)
class LangFacts:
    """What an edition needs to know about its language."""

    code: str
    direction: str
    script: str
    fonts: dict[str, list[str]]
    hyphenate: str | None
    digits: str
    quotes: str | tuple[str, ...]
    strings: dict[str, str] = field(default_factory=dict)
    missing_strings: tuple[str, ...] = ()
    translator: Translator | None = field(default=None, compare=False, repr=False)
    line_factor: float = 1.0
    size_factor: float = 1.0
    display_line_factor: float = 1.0
    cased: bool = True
    name: str = ""

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def binding(self) -> str:
        """Which edge a booklet binds on: right for right-to-left languages."""
        return "right" if self.rtl else "left"

    @property
    def line_height(self) -> str:
        """Body line height (CSS number): 1.42 for Latin, more for scripts with tall marks."""
        return self.lh(BASE_LINE_HEIGHT)

    def lh(self, latin: float) -> str:
        """A line height the templates set for Latin (``1.2``), scaled for this script."""
        return f"{latin * self.line_factor:.3g}"

    @property
    def display_line_height(self) -> str:
        """Headline line height for the display face this edition uses."""
        face = self.fonts["display"][0] if self.fonts.get("display") else ""
        base = DISPLAY_LINE_HEIGHT.get(face, 1.02 if self.cased else 1.25)
        return f"{base * self.display_line_factor:.3g}"

    def pt(self, latin: float) -> str:
        """A size in points set for Latin letters, in this script's size (Arabic letters look smaller at the
        same size: the event box, sized in points, is set 15 % larger for Arabic, as the body is)."""
        return f"{latin * self.size_factor:.2f}pt"

    def fact(self, latin: float, scale: float, fit: float = 1.0, body: float = 0.0) -> str:
        """A size for the event's facts (date, time, place): :meth:`pt`, and grown with the body when short
        text is enlarged (``scale`` > 1) — never shrunk with it. At 117 % a leaflet's lede was 21.8 pt beside
        a 19 pt date; the facts outrank the prose at every scale. ``fit`` shrinks a box whose date or time
        range is wider than its line, never below the body's size (``body`` pt at scale 1)."""
        return self.pt(max(latin * max(1.0, scale) * fit, min(latin, body) * scale))

    @property
    def display_caps(self) -> bool:
        """The display face draws capitals only: set display text ``text-transform: uppercase``."""
        return bool(self.fonts.get("display")) and self.fonts["display"][0] in CAPS_FACES

    @property
    def counter_style(self) -> str:
        """CSS counter style for page numbers in this edition's digits."""
        return COUNTER_STYLES.get(self.digits, "decimal")

    def date(self, value: dt.date) -> str:
        from babel.dates import format_date

        loc = babel_locale(self.code)
        text = format_date(value, "full", locale=loc) if loc else value.isoformat()
        return to_digits(text, self.digits)

    def date_parts(self, value: dt.date) -> list[str]:
        """The full date in the parts a narrow panel may break it into: the weekday and the rest
        (``["sábado,", "12 de diciembre de 2026"]``, ``["2026. december 12.,", "szombat"]``); a date
        without a space beside its weekday stays whole."""
        from babel.dates import format_date

        text = self.date(value)
        loc = babel_locale(self.code)
        weekday = format_date(value, "EEEE", locale=loc) if loc else ""
        if weekday and text.startswith(weekday):
            found = re.match(re.escape(weekday) + r"[,،፣]?(\s+)", text)
            if found:
                return [text[:found.start(1)], text[found.end(1):]]
        elif weekday and text.endswith(weekday):
            found = re.search(r"(\s+)" + re.escape(weekday) + "$", text)
            if found:
                return [text[:found.start(1)], text[found.end(1):]]
        return [text]

    def time(self, value: dt.time) -> str:
        """``14:00``, ``2:00 PM``, ``14 h 00`` (fr-CA): the locale's short time; ``दोपहर 2:00`` where its
        12-hour clock would print a Latin am/pm in another script (:func:`day_period_clock`)."""
        from babel.dates import format_skeleton, format_time

        loc = babel_locale(self.code)
        if loc is None:
            text = value.strftime("%H:%M")
        elif day_period_clock(loc, self.script):
            text = format_skeleton("Bhm", value, locale=loc)
        else:
            text = format_time(value, "short", locale=loc)
        return to_digits(text, self.digits)

    def time_range(self, start: dt.time | None, end: dt.time | None) -> str:
        """``14:00–17:00 Uhr``, ``2:00 – 5:00 PM``, ``14:00 تا 17:00``: CLDR's interval format per locale."""
        if not start:
            return ""
        if not end:
            return self.time(start)
        from babel.dates import format_interval

        loc = babel_locale(self.code)
        if loc is None:
            return f"{self.time(start)}–{self.time(end)}"
        if day_period_clock(loc, self.script):
            text = to_digits(_day_period_interval(start, end, loc), self.digits)
        else:
            skeleton = "hm" if twelve_hour(loc) else "Hm"
            text = to_digits(format_interval(start, end, skeleton, locale=loc), self.digits)
        if self.rtl and re.search("[A-Za-z]", text):  # Urdu's "2:00–5:00 PM": one left-to-right unit
            text = f"\u2066{text}\u2069"
        return text

    def number(self, n: int) -> str:
        return to_digits(str(n), self.digits)

    def gettext(self, message: str) -> str:
        """A UI string in this language (outside templates: messages, tests)."""
        return self.translator.lookup(None, message)[0] if self.translator else message

    def pgettext(self, context: str, message: str) -> str:
        return self.translator.lookup(context, message)[0] if self.translator else message

    def template_globals(self) -> dict[str, Callable[..., Markup]]:
        """The gettext callables for this edition's template context (empty: the environment's English)."""
        return self.translator.template_globals() if self.translator else {}

    def with_display_for(self, text: str, coverage: Mapping[str, Iterable[int] | set[int]]) -> LangFacts:
        """These facts with the display stack led by the first face that covers every character of ``text``.

        A headline set in two faces (Bebas capitals with fallback lower-case
        Vietnamese letters, Greek in a sans) is what this prevents. Letters and
        marks must all be covered; punctuation and digits may come from a
        fallback only when no face has them all (Hebrew faces have no comma).
        """
        stack = self.fonts.get("display", [])
        chars = {ch for ch in text + (text.upper() if self.cased else "") if not ch.isspace()}
        letters = {ch for ch in chars if unicodedata.category(ch)[0] in "LM"}
        covered = {fam: set(coverage.get(fam, ())) for fam in stack}
        for wanted in (chars, letters):
            for fam in stack:
                if all(ord(ch) in covered[fam] for ch in wanted):
                    if fam == stack[0]:
                        return self
                    return replace(self, fonts={**self.fonts, "display": [fam] + [f for f in stack if f != fam]})
        log.info("%s: no display face covers the whole headline %r; using %s", self.code, text, stack[:1])
        return self


def for_language(settings: Mapping[str, str], code: str) -> str | None:
    """A per-language setting for ``code``: its own (``digits: {hi-IN: deva}``), else its language's
    (``digits: {hi: deva}`` holds for ``hi-IN.md`` too)."""
    return settings.get(code) or settings.get(base_lang(code))


# --- regions ---------------------------------------------------------------------

REGION_RE = r"[A-Za-z]{2}|\d{3}"


def known_region(region: str) -> str | None:
    """``region`` as CLDR spells it (``gb`` → ``GB``, ``419`` Latin America), or None if CLDR has no such
    territory."""
    from babel import Locale

    spelled = region.upper()
    return spelled if re.fullmatch(REGION_RE, spelled) and spelled in Locale("en").territories else None


def region_name(region: str) -> str:
    from babel import Locale

    return str(Locale("en").territories.get(region, region))


def with_region(code: str, region: str) -> str | None:
    """``en`` in ``GB`` → ``en-GB``: the code of the language as written there, when CLDR has that locale
    (its own dates, times and hyphenation); None when it has none (``ar`` in ``GB``) or ``code`` has a
    region already."""
    import babel.localedata

    if has_region(code) or not re.fullmatch(r"[a-z]{2,3}(-[A-Z][a-z]{3})?", code):
        return None
    return f"{code}-{region}" if babel.localedata.exists(f"{code.replace('-', '_')}_{region}") else None


def region_of(code: str) -> str | None:
    """The country of a language code (``pt-BR`` → ``BR``), for national phone numbers; None without one."""
    return next((part.upper() for part in code.split("-")[1:] if len(part) == 2 and part.isalpha()), None)


def has_region(code: str) -> bool:
    """Whether ``code`` names a region: a country (``en-GB``) or a UN area (``es-419``)."""
    return bool(region_of(code)) or any(len(part) == 3 and part.isdigit() for part in code.split("-")[1:])


#: A British postcode (LS1 4AP, SW1A 1AA) and a Canadian one (H2X 1Y4): written into an address, they
#: name the country as plainly as a phone number's +44.
_POSTCODES = {"GB": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}\b"),
              "CA": re.compile(r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d\b")}
#: Country domains used the world over for their letters (.io, .co, .me, .tv …): they name no country.
_GENERIC_DOMAINS = {"ac", "ai", "cc", "co", "fm", "gg", "io", "la", "ly", "me", "nu", "sh", "so", "to", "tv", "ws"}


def regions_named(phone: str | None = None, addresses: Iterable[str] = (), texts: Iterable[str] = ()) -> dict[str, str]:
    """The countries a project's own details point to, each with the detail that says so: a phone number in
    international form (``+44 …`` → GB), a web or e-mail address under a country's domain (``.org.uk`` → GB,
    ``.com.mx`` → MX), a British or Canadian postcode in ``texts`` (the place, the contact lines)."""
    found: dict[str, str] = {}
    if phone and phone.strip().startswith("+"):
        import phonenumbers

        try:
            number = phonenumbers.parse(phone, None)
        except phonenumbers.NumberParseException:
            number = None
        region = phonenumbers.region_code_for_number(number) if number else None
        if region and region != "001":
            found.setdefault(region, f"the phone number {phone.strip()}")
    for address in addresses:
        host = address.rsplit("@", 1)[-1].split("://", 1)[-1].split("/", 1)[0].lower().rstrip(".")
        tld = host.rsplit(".", 1)[-1] if "." in host else ""
        region = "GB" if tld == "uk" else tld.upper()
        if len(tld) == 2 and tld not in _GENERIC_DOMAINS and known_region(region):
            found.setdefault(region, f"the address {address.strip()} (.{tld})")
    for text in texts:
        for region, pattern in _POSTCODES.items():
            m = pattern.search(text)
            if m:
                found.setdefault(region, f"the postcode {m.group(0)}")
    return found


def region_note(code: str, named: Mapping[str, str], date: dt.date, start: dt.time | None = None,
                end: dt.time | None = None) -> tuple[str, str] | None:
    """(what, hint) when ``code`` has no region, the project's details name one country (``named``, from
    :func:`regions_named`) and the language as written there prints the event differently: an ``en.md``
    of a group with a +44 number prints "Saturday, December 12, 2026 · 2:00 – 5:00 PM", where ``en-GB``
    prints "Saturday, 12 December 2026 · 14:00–17:00". None when there is nothing to say."""
    if has_region(code) or len(named) != 1:
        return None
    [(region, evidence)] = named.items()
    regional = with_region(code, region)
    if regional is None:
        return None
    plain, local = facts(code), facts(regional)
    now = " · ".join(filter(None, (plain.date(date), plain.time_range(start, end))))
    there = " · ".join(filter(None, (local.date(date), local.time_range(start, end))))
    if now == there:
        return None
    return (f"prints the event as \"{now}\"; {evidence} points to {region} ({region_name(region)}), "
            f"where {regional} prints \"{there}\"",
            f"to print it that way, rename {code}.md to {regional}.md (and `{code}` to `{regional}` in "
            f"pamphlet.yaml, if it names the language)")


def language_row(code: str) -> Language:
    """The table row for ``code``, or one made from its script for languages outside the table."""
    row = table_code(code)
    if row:
        return LANGUAGES[row]
    return Language(code, script_of(code), None, "“”‘’")


def facts(code: str, *, font_overrides: Mapping[str, Mapping[str, list[str] | None]] | None = None,
          digits: Mapping[str, str] | None = None, strings: Mapping[str, str] | None = None) -> LangFacts:
    """Language facts for ``code``; project settings override the defaults.

    ``strings`` are the project's overrides of UI strings for this language, by
    message key (``when``, ``join_us``). ``missing_strings`` lists the keys of
    template messages this language has no translation of; an edition narrows
    that to the ones it prints (``translator.missing()`` after rendering).
    """
    row = language_row(code)
    script = row.script
    spec = SCRIPTS.get(script, SCRIPTS["other"])
    stack: dict[str, list[str]] = {role: list(row.fonts.get(role) or getattr(spec, role)) for role in ROLES}
    for role, names in ((font_overrides or {}).get(script) or {}).items():
        if names:
            stack[role] = list(names)
    for role in stack:  # a Latin fallback so Latin names and URLs always render
        if LATIN_FALLBACK[role] not in stack[role]:
            stack[role].append(LATIN_FALLBACK[role])
    # The catalog of the table's row (ku-Arab: Sorani), else of the code's alias (ku-Cyrl: Kurmanji's).
    translator = Translator(code, strings, row=table_code(code) or ALIASES.get(base_lang(code)))
    table = translator.strings()
    missing = () if translator.english else tuple(
        message_key(msgid) for ctx, msgid in template_messages()
        if not translator.lookup(ctx, msgid)[1])
    return LangFacts(
        code=code,
        direction=direction_of(code),
        script=script,
        fonts=stack,
        hyphenate=hyphenation_lang(code),
        digits=for_language(digits or {}, code) or row.digits,
        quotes=row.quotes,
        strings=table,
        missing_strings=missing,
        translator=translator,
        line_factor=row.line or spec.line,
        size_factor=row.size or spec.size,
        display_line_factor=row.display_line,
        cased=spec.cased,
        name=row.name,
    )
