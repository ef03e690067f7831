"""The ``pamphlet.yaml`` schema and front-matter schema, validated all at once.

Modelled on MkDocs' typed config: each field is an ``Option`` that converts and
checks its value; a ``Schema`` runs every option and collects every problem
(with ``file:line`` and the field's path) before raising one ``ConfigError``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping as Mapping_
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, Problem, plural
from .yamlsrc import PathKey, Source, format_key

_MISSING = object()


class Invalid(Exception):
    """Raised by an option for a bad value; the schema turns it into a Problem."""


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else f" (choose from: {', '.join(choices)})"


def _type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number",
            bool: "true/false", type(None): "empty"}.get(type(value), type(value).__name__)


class Option:
    """One field: a default, whether it is required, and how to check it."""

    def __init__(self, default: Any = _MISSING, *, required: bool = False):
        self.default = default
        self.required = required

    def check(self, value: Any, key: PathKey, ctx: Checker) -> Any:
        return value


class Str(Option):
    def __init__(self, default: Any = _MISSING, *, required: bool = False, pattern: str | None = None,
                 pattern_help: str = "", max_len: int = 2000):
        super().__init__(default, required=required)
        self.pattern = re.compile(pattern) if pattern else None
        self.pattern_help = pattern_help
        self.max_len = max_len

    def check(self, value: Any, key: PathKey, ctx: Checker) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise Invalid(f"expected text, got {_type_name(value)}")
        value = value.strip()
        if not value and self.required:
            raise Invalid("must not be empty")
        if len(value) > self.max_len:
            raise Invalid(f"is {len(value)} characters long, at most {self.max_len} allowed")
        if self.pattern and not self.pattern.fullmatch(value):
            raise Invalid(f"'{value}' is not valid: {self.pattern_help}")
        return value


class Choice(Option):
    def __init__(self, choices: list[str], default: Any = _MISSING, *, required: bool = False, what: str = "value"):
        super().__init__(default, required=required)
        self.choices = choices
        self.what = what

    def check(self, value: Any, key: PathKey, ctx: Checker) -> Any:
        if not isinstance(value, str):
            raise Invalid(f"expected one of {', '.join(self.choices)}, got {_type_name(value)}")
        v = value.strip().lower()
        if v not in self.choices:
            raise Invalid(f"unknown {self.what} '{value}'{did_you_mean(v, self.choices)}")
        return v


class Number(Option):
    def __init__(self, default: Any = _MISSING, *, minimum: float, maximum: float, required: bool = False):
        super().__init__(default, required=required)
        self.minimum, self.maximum = minimum, maximum

    def check(self, value: Any, key: PathKey, ctx: Checker) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Invalid(f"expected a number, got {_type_name(value)}")
        if not self.minimum <= value <= self.maximum:
            raise Invalid(f"{value} is out of range ({self.minimum} to {self.maximum})")
        return float(value)


#: The CSS named colours (CSS Color Level 4), lower case; `currentcolor`/`transparent` make no theme.
CSS_COLOURS = frozenset("""
    aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown
    burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan
    darkgoldenrod darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid
    darkred darksalmon darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet
    deeppink deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro
    ghostwhite gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki
    lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan lightgoldenrodyellow
    lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen lightskyblue lightslategray
    lightslategrey lightsteelblue lightyellow lime limegreen linen magenta maroon mediumaquamarine mediumblue
    mediumorchid mediumpurple mediumseagreen mediumslateblue mediumspringgreen mediumturquoise mediumvioletred
    midnightblue mintcream mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid
    palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum powderblue purple
    rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown seagreen seashell sienna silver
    skyblue slateblue slategray slategrey snow springgreen steelblue tan teal thistle tomato turquoise violet
    wheat white whitesmoke yellow yellowgreen
""".split())


class Color(Str):
    _RE = re.compile(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]{3,20}")

    def check(self, value: Any, key: PathKey, ctx: Checker) -> Any:
        v = super().check(value, key, ctx)
        if not self._RE.fullmatch(v):
            raise Invalid(f"'{v}' is not a colour; use #rgb, #rrggbb or a CSS colour name")
        if not v.startswith("#"):
            if v.lower() not in CSS_COLOURS:
                close = difflib.get_close_matches(v.lower(), sorted(CSS_COLOURS), n=1, cutoff=0.6)
                alt = f"did you mean '{close[0]}'? " if close else ""
                raise Invalid(f"'{v}' is not a CSS colour name ({alt}or write it as #rrggbb)")
            v = v.lower()
        return v


class Date(Option):
    def check(self, value: Any, key: PathKey, ctx: Checker) -> Any:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                why = impossible_date(value.strip())
                if why:
                    raise Invalid(f"'{value}' is not a date: {why}") from None
        raise Invalid(f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-12-12")


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def impossible_date(text: str) -> str | None:
    """Why a date written as YYYY-MM-DD does not exist (``2026-04-31``: "April has 30 days"), or None."""
    import calendar

    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m is None:
        return None
    year, month, day = (int(g) for g in m.groups())
    if year < 1:
        return "the years start at 0001"
    if not 1 <= month <= 12:
        return f"there is no month {month}; months go from 01 to 12"
    days = calendar.monthrange(year, month)[1]
    if day < 1:
        return "the days of a month start at 01"
    if day > days:
        return f"February {year} has {days} days" if month == 2 else f"{MONTHS[month - 1]} has {days} days"
    return None


class Time(Option):
    def check(self, value: Any, key: PathKey, ctx: Checker) -> Any:
        if isinstance(value, str):
            text = value.strip()
            m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", text)
            if m and int(m[1]) > 23:
                raise Invalid(f"'{value}' is not a time of day: the hours go from 00 to 23")
            if m and (int(m[2]) > 59 or int(m[3] or 0) > 59):
                raise Invalid(f"'{value}' is not a time of day: the minutes go from 00 to 59")
            if m:
                return dt.time(int(m[1]), int(m[2]), int(m[3] or 0))
            try:
                return dt.time.fromisoformat(text)
            except ValueError:
                pass
        raise Invalid(f"'{value}' is not a time of day; write it as \"HH:MM\" in quotes, e.g. \"14:00\"")


class Url(Str):
    SCHEMES = ("http://", "https://", "mailto:", "tel:", "geo:", "sms:")

    def check(self, value: Any, key: PathKey, ctx: Checker) -> Any:
        v = super().check(value, key, ctx)
        if not v.lower().startswith(self.SCHEMES) or any(c.isspace() for c in v):
            raise Invalid(f"'{v}' is not a link; start it with https://, mailto: or tel: and leave out spaces")
        return v


class ListOf(Option):
    def __init__(self, item: Option, default: Any = _MISSING, *, required: bool = False, unique: bool = True,
                 min_len: int = 0):
        super().__init__(default, required=required)
        self.item, self.unique, self.min_len = item, unique, min_len

    def check(self, value: Any, key: PathKey, ctx: Checker) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise Invalid(f"expected a list, got {_type_name(value)}")
        if len(value) < self.min_len:
            raise Invalid(f"needs at least {plural(self.min_len, 'item')}")
        out, seen = [], set()
        for i, item in enumerate(value):
            checked = ctx.run(self.item, item, (*key, i))
            if checked is _MISSING:
                continue
            if self.unique and checked in seen:
                ctx.report((*key, i), f"'{checked}' is listed twice")
                continue
            seen.add(checked)
            out.append(checked)
        return out


class Mapping(Option):
    """A mapping with known keys; unknown keys are reported with a suggestion."""

    def __init__(self, fields: dict[str, Option], default: Any = _MISSING, *, required: bool = False):
        super().__init__(default, required=required)
        self.fields = fields

    def check(self, value: Any, key: PathKey, ctx: Checker) -> Any:
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise Invalid(f"expected a mapping of {', '.join(self.fields)}, got {_type_name(value)}")
        out: dict[str, Any] = {}
        for k in value:
            if k not in self.fields:
                ctx.report((*key, k), f"unknown field{did_you_mean(k, sorted(self.fields))}")
        for name, opt in self.fields.items():
            if name in value and value[name] is not None:
                checked = ctx.run(opt, value[name], (*key, name))
                out[name] = None if checked is _MISSING else checked
            elif opt.required:
                ctx.report((*key, name) if key else (name,), "is required", at=key)
                out[name] = None
            elif isinstance(opt, Mapping) and opt.default is _MISSING:
                out[name] = opt.check({}, (*key, name), ctx)  # nested defaults
            else:
                out[name] = None if opt.default is _MISSING else opt.default
        return out


class DictOf(Option):
    """A mapping whose keys are checked by a function and values by an option."""

    def __init__(self, key_check: Any, value: Option, default: Any = _MISSING):
        super().__init__(default)
        self.key_check, self.value = key_check, value

    def check(self, value: Any, key: PathKey, ctx: Checker) -> Any:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise Invalid(f"expected a mapping, got {_type_name(value)}")
        out = {}
        for k, v in value.items():
            try:
                k2 = self.key_check(k)
            except Invalid as exc:
                ctx.report((*key, k), str(exc))
                continue
            checked = ctx.run(self.value, v, (*key, k))
            if checked is not _MISSING:
                out[k2] = checked
        return out


class Checker:
    """Runs options over a Source and collects every problem."""

    def __init__(self, source: Source):
        self.source = source
        self.problems: list[Problem] = []

    def report(self, key: PathKey, message: str, at: PathKey | None = None) -> None:
        self.problems.append(Problem(self.source.where(at if at is not None else key), format_key(key), message))

    def run(self, opt: Option, value: Any, key: PathKey) -> Any:
        try:
            return opt.check(value, key, self)
        except Invalid as exc:
            self.report(key, str(exc))
            return _MISSING


# --- the schemas -------------------------------------------------------------

LANG_RE = r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*"
SLUG_RE = r"[a-z0-9][a-z0-9-]{0,62}"
SCRIPTS = ["latin", "greek", "cyrillic", "arabic", "hebrew", "devanagari", "bengali", "gurmukhi", "tamil", "ethiopic", "cjk",
           "other"]  # the scripts of i18n.SCRIPTS
ROLES = ["body", "heading", "display"]


def _script_key(k: Any) -> str:
    if not isinstance(k, str) or k.lower() not in SCRIPTS:
        raise Invalid(f"unknown script '{k}'{did_you_mean(str(k).lower(), SCRIPTS)}")
    return k.lower()


def _lang_key(k: Any) -> str:
    if not isinstance(k, str) or not re.fullmatch(LANG_RE, k):
        raise Invalid(f"'{k}' is not a language code like en, ar, pt-BR")
    return k


def _string_key(k: Any) -> str:
    if not isinstance(k, str) or not re.fullmatch(r"[a-z_]{1,40}", k):
        raise Invalid(f"'{k}' is not a UI string name (lower case letters and _)")
    return k


def project_schema(layout_names: list[str]) -> Mapping:
    font_stack = Mapping({role: ListOf(Str(), min_len=1) for role in ROLES})
    return Mapping({
        "slug": Str(pattern=SLUG_RE, pattern_help="use lower-case letters, digits and '-' (it becomes part of file names)"),
        "title": Str(),
        "default_lang": Str(pattern=LANG_RE, pattern_help="a language code like en, ar, pt-BR"),
        "languages": ListOf(Str(pattern=LANG_RE, pattern_help="a language code like en, ar, pt-BR")),
        "paper": Choice(["a4", "letter"], "a4", what="paper size"),
        "layouts": ListOf(Choice(layout_names, what="layout"), ["leaflet"], min_len=1),
        "theme": Mapping({"accent": Color("#b3122e"), "ink": Color("#171717"), "paper": Color("#ffffff"),
                          "highlight": Color("#f6e7e9")}),
        "event": Mapping({"date": Date(required=True), "start": Time(), "end": Time()}, None),
        "contact": Mapping({"email": Str(pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+", pattern_help="an e-mail address"),
                            "web": Url(), "phone": Str(max_len=40), "social": Str(max_len=80)}),
        "qr": Url(max_len=800),
        "image": Str(None, pattern=r"[^:]+", pattern_help="a path inside the project, like images/photo.jpg",
                     max_len=300),
        "image_alt": Str(None, max_len=300),
        "image_focus": Str(None, pattern=r"\d{1,3}% \d{1,3}%",
                           pattern_help="where the picture's subject is, across and down, like 50% 30%", max_len=20),
        "fonts": DictOf(_script_key, font_stack, {}),
        "digits": DictOf(_lang_key, Choice(["latn", "arab", "arabext", "beng", "deva"], what="digit system"), {}),
        "fit": Mapping({"min_scale": Number(0.85, minimum=0.5, maximum=1.0)}),
        "lede": Mapping({"max_words": Number(45, minimum=0, maximum=400)}),
        "strings": DictOf(_lang_key, DictOf(_string_key, Str(max_len=200)), {}),
    })


FRONT_MATTER = Mapping({
    "title": Str(required=True, max_len=200),
    "subtitle": Str(max_len=300),
    "place": Str(max_len=200),
    "call_to_action": Str(max_len=400),
    "organiser": Str(max_len=200),
    "contact": Str(max_len=300),
    "description": Str(max_len=500),
    "handbill": Str(max_len=3000),  # a shorter text (Markdown) for the handbill's back
    "composition": Str(max_len=40),  # pin a layout's composition (see `pamphlet check --explain`)
    "image": Str(pattern=r"[^:]+", pattern_help="a path inside the project, like images/photo.jpg", max_len=300),
    "image_alt": Str(max_len=300),  # what the front's picture shows, for screen readers
    "strings": DictOf(_string_key, Str(max_len=200), {}),
})


# --- typed results -------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    accent: str
    ink: str
    paper: str
    highlight: str


@dataclass(frozen=True)
class Event:
    date: dt.date
    start: dt.time | None
    end: dt.time | None


@dataclass(frozen=True)
class Contact:
    email: str | None = None
    web: str | None = None
    phone: str | None = None
    social: str | None = None


@dataclass(frozen=True)
class Config:
    """Everything in ``pamphlet.yaml``, checked and with defaults filled in."""

    path: Path
    slug: str
    title: str | None
    default_lang: str | None
    languages: list[str] | None
    paper: str
    layouts: list[str]
    theme: Theme
    event: Event | None
    contact: Contact
    qr: str | None
    image: str | None = None        # the front's picture (a language's front matter may have its own)
    image_alt: str | None = None    # what it shows, for screen readers
    image_focus: str | None = None  # where its subject is ("50% 30%"): what cropping keeps
    fonts: dict[str, dict[str, list[str] | None]] = field(default_factory=dict)
    digits: dict[str, str] = field(default_factory=dict)
    min_scale: float = 0.85
    lede_words: int = 45  # a first paragraph this short or shorter is set as the bold lede
    strings: dict[str, dict[str, str]] = field(default_factory=dict)
    source: Source | None = field(default=None, compare=False, repr=False)


def _slugify(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return s[:63] or "pamphlet"


def parse_config(source: Source, layout_names: list[str]) -> Config:
    """Check ``pamphlet.yaml``; raise one ConfigError listing every problem."""
    ctx = Checker(source)
    raw = source.data
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError([Problem(source.where(()), "", f"expected a mapping of settings, got {_type_name(raw)}")])
    v = ctx.run(project_schema(layout_names), raw, ())
    if ctx.problems:
        raise ConfigError(ctx.problems)
    ev = v["event"]
    return Config(
        path=source.path,
        slug=v["slug"] or _slugify(source.path.parent.name),
        title=v["title"],
        default_lang=v["default_lang"],
        languages=v["languages"],
        paper=v["paper"],
        layouts=v["layouts"],
        theme=Theme(**v["theme"]),
        event=Event(**ev) if ev else None,
        contact=Contact(**v["contact"]),
        qr=v["qr"],
        image=v["image"],
        image_alt=v["image_alt"],
        image_focus=v["image_focus"],
        fonts=v["fonts"],
        digits=v["digits"],
        min_scale=v["fit"]["min_scale"],
        lede_words=int(v["lede"]["max_words"]),
        strings=v["strings"],
        source=source,
    )


def parse_front_matter(source: Source) -> tuple[dict[str, Any], list[Problem]]:
    """Check one language file's front matter; return values and problems (not raised)."""
    ctx = Checker(source)
    raw = source.data if source.data is not None else {}
    if not isinstance(raw, dict):
        return {}, [Problem(source.where(()), "", f"front matter must be a mapping, got {_type_name(raw)}")]
    v = ctx.run(FRONT_MATTER, raw, ())
    return (v if isinstance(v, dict) else {}), ctx.problems


# --- the environment -------------------------------------------------------------

#: 9999-12-31T23:59:59Z: PDF dates have four-digit years.
MAX_EPOCH = 253_402_300_799


def parse_source_date_epoch(value: str) -> int:
    """``SOURCE_DATE_EPOCH`` (reproducible-builds.org) as seconds since 1970, or an EnvError.

    The spec says a malformed value must be an error, not ignored: a build that
    quietly stamps today's date is not reproducible. ``99999999999999999999``
    would overflow every date function, so the year must fit in four digits.
    """
    from .errors import EnvError

    text = value.strip()
    shown = text if len(text) <= 40 else text[:40] + "…"
    if not text.isascii() or not text.isdigit():
        raise EnvError(f"SOURCE_DATE_EPOCH: '{shown}' is not a number of seconds since 1970-01-01",
                       "set it to a whole number such as $(git log -1 --format=%ct), or unset it")
    seconds = int(text)
    if seconds > MAX_EPOCH:
        raise EnvError(f"SOURCE_DATE_EPOCH: {shown} is after the year 9999",
                       "set it to a whole number such as $(git log -1 --format=%ct), or unset it")
    return seconds


def source_date_epoch(environ: Mapping_[str, str] | None = None) -> int | None:
    """``SOURCE_DATE_EPOCH`` from the environment: None when unset or empty, else checked seconds."""
    import os

    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH")
    if value is None or not value.strip():
        return None
    return parse_source_date_epoch(value)
