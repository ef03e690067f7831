"""Language facts in one place: direction, script, fonts, hyphenation, dates, UI strings.

Everything that differs between an English and an Arabic edition is decided
here from the language code (BCP 47) and the project's settings, so templates
and the renderer never guess.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import lru_cache

import pyphen
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time

log = logging.getLogger(__name__)

RTL_LANGS = {"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku-Arab", "ps", "sd", "ug", "ur", "yi", "syr"}
SCRIPT_OF_LANG = {
    **{c: "arabic" for c in ("ar", "fa", "ur", "ckb", "ps", "sd", "ug", "ks")},
    **{c: "hebrew" for c in ("he", "yi")},
    "el": "greek",
    **{c: "cyrillic" for c in ("ru", "uk", "bg", "be", "mk", "sr", "kk", "ky", "mn", "tg", "tt", "ba")},
    **{c: "devanagari" for c in ("hi", "mr", "ne", "sa", "mai")},
    **{c: "ethiopic" for c in ("am", "ti")},
    **{c: "cjk" for c in ("zh", "ja", "ko")},
}
SCRIPT_SUBTAGS = {"Latn": "latin", "Arab": "arabic", "Hebr": "hebrew", "Cyrl": "cyrillic", "Grek": "greek",
                  "Deva": "devanagari", "Ethi": "ethiopic", "Hans": "cjk", "Hant": "cjk"}

# Font stacks per script and role. Each stack ends in a Latin face so Latin
# names, URLs and digits inside any script have a designed fallback.
_LATIN = {"body": ["Noto Serif"], "heading": ["Noto Sans"], "display": ["Bebas Neue", "Noto Sans"]}
DEFAULT_FONTS: dict[str, dict[str, list[str]]] = {
    "latin": _LATIN,
    "greek": {"body": ["Noto Serif"], "heading": ["Noto Sans"], "display": ["Noto Sans"]},
    "cyrillic": {"body": ["Noto Serif"], "heading": ["Noto Sans"], "display": ["Bebas Neue", "Noto Sans"]},
    "arabic": {"body": ["Noto Naskh Arabic", "Noto Serif"], "heading": ["Noto Kufi Arabic", "Noto Naskh Arabic", "Noto Sans"],
               "display": ["Noto Kufi Arabic", "Noto Naskh Arabic", "Noto Sans"]},
    "hebrew": {"body": ["Noto Serif Hebrew", "Noto Serif"], "heading": ["Noto Sans Hebrew", "Noto Sans"],
               "display": ["Noto Sans Hebrew", "Noto Sans"]},
}
#: Naskh and Hebrew faces look smaller than Latin ones at the same size.
SIZE_FACTOR = {"arabic": 1.15, "hebrew": 1.08}
#: Scripts whose display face must not be letter-spaced or upper-cased.
NO_CASE_SCRIPTS = {"arabic", "hebrew", "devanagari", "ethiopic", "cjk"}

QUOTES = {"en": "“”‘’", "fr": ("«\u202f", "\u202f»", "“", "”"), "de": "„“‚‘", "es": "«»“”", "it": "«»“”",
          "pt": "«»“”", "ru": "«»„“", "uk": "«»„“", "pl": "„”«»", "nl": "“”‘’", "ar": "«»“”", "fa": "«»“”",
          "he": "”“’‘"}
DEFAULT_DIGITS = {"ar": "arab", "fa": "arabext", "ckb": "arab"}
_DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}

# UI strings the templates use. English is the fallback for every key.
UI_STRINGS: dict[str, dict[str, str]] = {
    "en": {"when": "When", "where": "Where", "time": "Time", "join_us": "Join us", "page": "Page",
           "contact": "Contact", "organised_by": "Organised by", "scan": "Scan for details",
           "web": "Web", "email": "Email", "phone": "Phone", "read_more": "Read more"},
    "fr": {"when": "Quand", "where": "Où", "time": "Heure", "join_us": "Rejoignez-nous", "page": "Page",
           "contact": "Contact", "organised_by": "Organisé par", "scan": "Scannez pour en savoir plus",
           "web": "Web", "email": "Courriel", "phone": "Téléphone", "read_more": "En savoir plus"},
    "es": {"when": "Cuándo", "where": "Dónde", "time": "Hora", "join_us": "Únete", "page": "Página",
           "contact": "Contacto", "organised_by": "Organiza", "scan": "Escanea para más información",
           "web": "Web", "email": "Correo", "phone": "Teléfono", "read_more": "Más información"},
    "de": {"when": "Wann", "where": "Wo", "time": "Uhrzeit", "join_us": "Mach mit", "page": "Seite",
           "contact": "Kontakt", "organised_by": "Veranstaltet von", "scan": "Scannen für mehr Infos",
           "web": "Web", "email": "E-Mail", "phone": "Telefon", "read_more": "Mehr erfahren"},
    "ar": {"when": "متى", "where": "أين", "time": "الساعة", "join_us": "انضموا إلينا", "page": "صفحة",
           "contact": "للتواصل", "organised_by": "تنظيم", "scan": "امسحوا الرمز لمزيد من المعلومات",
           "web": "الموقع", "email": "البريد", "phone": "الهاتف", "read_more": "للمزيد"},
    "he": {"when": "מתי", "where": "איפה", "time": "שעה", "join_us": "הצטרפו אלינו", "page": "עמוד",
           "contact": "צרו קשר", "organised_by": "מארגנים", "scan": "סרקו לפרטים",
           "web": "אתר", "email": "דוא״ל", "phone": "טלפון", "read_more": "לקריאה נוספת"},
}


def base_lang(code: str) -> str:
    return code.split("-")[0].lower()


def script_of(code: str) -> str:
    for part in code.split("-")[1:]:
        if part.title() in SCRIPT_SUBTAGS:
            return SCRIPT_SUBTAGS[part.title()]
    return SCRIPT_OF_LANG.get(base_lang(code), "latin")


def direction_of(code: str) -> str:
    if script_of(code) in ("arabic", "hebrew"):
        return "rtl"
    return "rtl" if code in RTL_LANGS or base_lang(code) in RTL_LANGS else "ltr"


@lru_cache(maxsize=64)
def babel_locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(base_lang(code))
        except (UnknownLocaleError, ValueError):
            return None


def hyphenation_lang(code: str) -> str | None:
    """The Pyphen dictionary for ``code``, or None (no Arabic, Persian, Hebrew)."""
    for candidate in (code.replace("-", "_"), base_lang(code)):
        if candidate in pyphen.LANGUAGES:
            return candidate
    return None


def to_digits(text: str, system: str) -> str:
    table = _DIGITS.get(system)
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

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def binding(self) -> str:
        """Which edge a booklet binds on: right for right-to-left languages."""
        return "right" if self.rtl else "left"

    @property
    def size_factor(self) -> float:
        return SIZE_FACTOR.get(self.script, 1.0)

    @property
    def cased(self) -> bool:
        return self.script not in NO_CASE_SCRIPTS

    def date(self, value: dt.date) -> str:
        loc = babel_locale(self.code)
        text = format_date(value, "full", locale=loc) if loc else value.isoformat()
        return to_digits(text, self.digits)

    def time(self, value: dt.time) -> str:
        loc = babel_locale(self.code)
        text = format_time(value, "short", locale=loc) if loc else value.strftime("%H:%M")
        return to_digits(text, self.digits)

    def time_range(self, start: dt.time | None, end: dt.time | None) -> str:
        if start and end:
            return f"{self.time(start)}–{self.time(end)}"
        return self.time(start) if start else ""

    def number(self, n: int) -> str:
        return to_digits(str(n), self.digits)


def facts(code: str, *, font_overrides: dict[str, dict[str, list[str] | None]] | None = None,
          digits: dict[str, str] | None = None, strings: dict[str, str] | None = None) -> LangFacts:
    """Language facts for ``code``; project settings override the defaults.

    ``strings`` are per-project overrides of UI strings for this language.
    Keys missing in the language fall back to English and are recorded in
    ``missing_strings`` (the build logs a warning naming each).
    """
    script = script_of(code)
    stack = {role: list(names) for role, names in DEFAULT_FONTS.get(script, _LATIN).items()}
    if script not in DEFAULT_FONTS:
        stack = {role: [] for role in _LATIN}
    for role, names in ((font_overrides or {}).get(script) or {}).items():
        if names:
            stack[role] = list(names)
    for role in stack:  # a Latin fallback so Latin names and URLs always render
        for name in _LATIN["body" if role == "body" else "heading"]:
            if name not in stack[role]:
                stack[role].append(name)
    table = UI_STRINGS.get(code) or UI_STRINGS.get(base_lang(code)) or {}
    merged = {**UI_STRINGS["en"], **table, **(strings or {})}
    missing = tuple(k for k in UI_STRINGS["en"] if k not in table and k not in (strings or {}))
    if base_lang(code) == "en":
        missing = ()
    return LangFacts(
        code=code,
        direction=direction_of(code),
        script=script,
        fonts=stack,
        hyphenate=hyphenation_lang(code),
        digits=(digits or {}).get(code, DEFAULT_DIGITS.get(base_lang(code), "latn")),
        quotes=QUOTES.get(base_lang(code), "“”‘’"),
        strings=merged,
        missing_strings=missing,
    )
