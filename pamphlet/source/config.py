"""The ``pamphlet.yaml`` and front-matter settings: declared once, validated all at once.

Modelled on MkDocs' typed config (``config_options``): each setting is an
``Option`` that converts and checks its value. The settings are declared once,
as the fields of frozen dataclasses (:class:`Config` and its sections,
:class:`FrontMatter`), each field made by :func:`setting` or :func:`section`
from its option and a line of documentation. From that one declaration come
the schema a :class:`Checker` runs (every problem collected, with ``file:line``
and the field's path, before one ``ConfigError`` is raised), the typed values
(:func:`parse_config` builds the dataclasses field by field), the lists of
front-matter fields other modules need (:data:`PRINTED_FIELDS`,
:data:`VARIANT_FIELDS`) and the settings reference in the docs (:func:`reference`).
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import re
from collections.abc import Mapping as Mapping_
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from pamphlet.errors import ConfigError, Problem, plural
from pamphlet.layouts import LAYOUT_NAMES, PAPERS
from pamphlet.layouts.street import SLOGAN_MAX_WORDS
from pamphlet.source.yamlsrc import PathKey, Source, format_key
from pamphlet.text import languages

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


class Words(Str):
    """Text of at most ``max_words`` words (a placard's slogan is read while it moves)."""

    def __init__(self, *, max_words: int, max_len: int = 2000, why: str = ""):
        super().__init__(max_len=max_len)
        self.max_words, self.why = max_words, why

    def check(self, value: Any, key: PathKey, ctx: Checker) -> Any:
        value = super().check(value, key, ctx)
        words = len(value.split())
        if words > self.max_words:
            raise Invalid(f"'{value[:40]}…' has {words} words, at most {self.max_words} allowed{self.why}")
        return value


class Choice(Option):
    """One of ``choices``; ``choices=None``: the names the checker is given for ``what`` (the layouts)."""

    def __init__(self, choices: list[str] | None, default: Any = _MISSING, *, required: bool = False,
                 what: str = "value"):
        super().__init__(default, required=required)
        self.choices = choices
        self.what = what

    def check(self, value: Any, key: PathKey, ctx: Checker) -> Any:
        choices = self.choices if self.choices is not None else ctx.names.get(self.what, [])
        if not isinstance(value, str):
            raise Invalid(f"expected one of {', '.join(choices)}, got {_type_name(value)}")
        v = value.strip().lower()
        if v not in choices:
            raise Invalid(f"unknown {self.what} '{value}'{did_you_mean(v, choices)}")
        return v


class Number(Option):
    """A number within ``minimum``..``maximum``: a float, or with ``whole`` an int (``45.5`` is 45)."""

    def __init__(self, default: Any = _MISSING, *, minimum: float, maximum: float, required: bool = False,
                 whole: bool = False):
        super().__init__(default, required=required)
        self.minimum, self.maximum, self.whole = minimum, maximum, whole

    def check(self, value: Any, key: PathKey, ctx: Checker) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Invalid(f"expected a number, got {_type_name(value)}")
        if not self.minimum <= value <= self.maximum:
            raise Invalid(f"{value} is out of range ({self.minimum} to {self.maximum})")
        return int(value) if self.whole else float(value)


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


class TimeZone(Str):
    """An IANA time zone name (``Europe/Berlin``), checked against the zone database Python's zoneinfo reads."""

    def check(self, value: Any, key: PathKey, ctx: Checker) -> Any:
        v = super().check(value, key, ctx)
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(v)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            close = difflib.get_close_matches(v, sorted(zoneinfo.available_timezones()), n=1, cutoff=0.6)
            alt = f"did you mean '{close[0]}'? " if close else ""
            raise Invalid(f"unknown time zone '{v}' ({alt}use an IANA name like Europe/Berlin or "
                          "America/New_York)") from None
        return v


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
                out[name] = None if opt.default is _MISSING else copy.copy(opt.default)
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
    """Runs options over a Source and collects every problem; ``names``: what a ``Choice(None, what=…)``
    chooses from (``{"layout": [...]}``)."""

    def __init__(self, source: Source, names: Mapping_[str, list[str]] | None = None):
        self.source = source
        self.problems: list[Problem] = []
        self.names = dict(names or {})

    def report(self, key: PathKey, message: str, at: PathKey | None = None) -> None:
        self.problems.append(Problem(self.source.where(at if at is not None else key), format_key(key), message))

    def run(self, opt: Option, value: Any, key: PathKey) -> Any:
        try:
            return opt.check(value, key, self)
        except Invalid as exc:
            self.report(key, str(exc))
            return _MISSING


# --- the settings: one declaration -----------------------------------------------------

LANG_RE = r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*"
SLUG_RE = r"[a-z0-9][a-z0-9-]{0,62}"
#: The scripts ``fonts:`` takes (the rows of languages.SCRIPTS) and the roles of a stack.
SCRIPTS = list(languages.SCRIPTS)
ROLES = list(languages.ROLES)
#: The digit systems ``digits:`` takes.
DIGIT_SYSTEMS = ["latn", *languages.DIGITS]
_LANG_HELP = "a language code like en, ar, pt-BR"
_PATH_HELP = "a path inside the project, like images/photo.jpg"


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


def setting(option: Option, doc: str, **flags: Any) -> Any:
    """A dataclass field declared by the ``option`` that checks it (its default is the option's) and
    documented by ``doc``. ``flags`` mark what other modules derive from the declaration: ``printed``
    (a front-matter field the templates get in ``meta``), ``variant`` (a variants table may set it)."""
    metadata = {"option": option, "doc": doc, **flags}
    if option.required:
        return field(metadata=metadata)
    default = None if option.default is _MISSING else option.default
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: copy.deepcopy(default), metadata=metadata)
    return field(default=default, metadata=metadata)


def section(cls: type, doc: str, *, optional: bool = False, **flags: Any) -> Any:
    """A dataclass field holding a section of settings (``theme:``), itself declared as dataclass ``cls``;
    ``optional``: None when the section is left out (``event:``), else filled with its defaults."""
    option = Mapping(_options(cls), None if optional else _MISSING)
    metadata = {"option": option, "doc": doc, "section": cls, **flags}
    if optional:
        return field(default=None, metadata=metadata)
    return field(default_factory=cls, metadata=metadata)


def declared(cls: type) -> list[Field[Any]]:
    """The settings ``cls`` declares (its fields made by :func:`setting` or :func:`section`), in order."""
    return [f for f in fields(cls) if "option" in f.metadata]


def _options(cls: type) -> dict[str, Option]:
    return {f.name: f.metadata["option"] for f in declared(cls)}


def schema(cls: type) -> Mapping:
    """The option that checks a mapping of ``cls``'s settings (``pamphlet.yaml``: ``schema(Config)``)."""
    return Mapping(_options(cls))


def build(cls: type, values: Mapping_[str, Any], **extra: Any) -> Any:
    """An instance of ``cls`` from checked values, sections built as their own dataclasses."""
    kwargs = dict(extra)
    for f in declared(cls):
        value = values.get(f.name)
        sub = f.metadata.get("section")
        if sub is not None and value is not None:
            value = build(sub, value)
        kwargs[f.name] = value
    return cls(**kwargs)


@dataclass(frozen=True)
class Theme:
    accent: str = setting(Color("#b3122e"), "headlines, rules, the event box", variant=True)
    ink: str = setting(Color("#171717"), "text", variant=True)
    paper: str = setting(Color("#ffffff"), "the page", variant=True)
    highlight: str = setting(Color("#f6e7e9"), "behind callouts", variant=True)


@dataclass(frozen=True)
class Event:
    date: dt.date = setting(Date(required=True), "`YYYY-MM-DD`, required in the block", variant=True)
    start: dt.time | None = setting(Time(), "`\"HH:MM\"`, in quotes", variant=True)
    end: dt.time | None = setting(Time(), "`\"HH:MM\"`, in quotes", variant=True)
    tz: str | None = setting(TimeZone(max_len=60), "the time zone the times are in, an IANA name like "
                             "`Europe/Berlin`: the calendar entry of `pamphlet share` ([Sharing](share.md))")


@dataclass(frozen=True)
class Contact:
    email: str | None = setting(Str(pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+", pattern_help="an e-mail address"),
                                "an e-mail address", variant=True)
    web: str | None = setting(Url(), "a web address (`https://…`)", variant=True)
    phone: str | None = setting(Str(max_len=40), "a phone number", variant=True)
    social: str | None = setting(Str(max_len=80), "a social-media handle", variant=True)


@dataclass(frozen=True)
class Fit:
    min_scale: float = setting(Number(0.85, minimum=0.5, maximum=1.0),
                               "auto-fit never shrinks type below this (0.5–1.0)")


@dataclass(frozen=True)
class Lede:
    max_words: int = setting(Number(45, minimum=0, maximum=400, whole=True),
                             "a first paragraph this short becomes the bold lede (0: never)")


@dataclass(frozen=True)
class Share:
    base_url: str | None = setting(
        Str(pattern=r"https?://[^\s/]+(/\S*)?", pattern_help="a web address starting with https://", max_len=300),
        "where the share pages will be online (`https://…/`): absolute links in their preview tags, and the "
        "cards' QR code points at the page ([Sharing](share.md))")


@dataclass(frozen=True)
class Press:
    profile: str | None = setting(Str(pattern=r"[^:]+", pattern_help="the name of the shop's .icc file inside the "
                                                                      "project, like shop-fogra39.icc", max_len=300),
                                  "the copy shop's ICC output profile (CMYK), a file inside the project: "
                                  "`build --press` writes PDF/X-4 for it ([Press output](press.md))")
    condition: str | None = setting(Str(max_len=100), "the printing condition the profile describes, as the shop "
                                                      "names it (`FOGRA39`); default: the profile's own description")


@dataclass(frozen=True)
class Config:
    """Everything in ``pamphlet.yaml``, checked and with defaults filled in."""

    path: Path
    slug: str = setting(Str(pattern=SLUG_RE, pattern_help="use lower-case letters, digits and '-' (it becomes "
                                                          "part of file names)"),
                        "lower-case letters, digits and `-`; part of every file name (default: the folder's name)")
    title: str | None = setting(Str(), "a name for the whole project, for your own reference")
    default_lang: str | None = setting(Str(pattern=LANG_RE, pattern_help=_LANG_HELP),
                                       "the language `pamphlet check` compares translations with")
    languages: list[str] | None = setting(ListOf(Str(pattern=LANG_RE, pattern_help=_LANG_HELP)),
                                          "which languages to build, in this order (default: every `<lang>.md`)")
    paper: str = setting(Choice(list(PAPERS), "a4", what="paper size"), " or ".join(f"`{p}`" for p in PAPERS))
    layouts: list[str] = setting(ListOf(Choice(None, what="layout"), ["leaflet"], min_len=1),
                                 "what `pamphlet build` makes without `-l`: "
                                 f"{', '.join(f'`{n}`' for n in LAYOUT_NAMES)} ([Layouts](layouts.md))")
    theme: Theme = section(Theme, "the colours: `#rgb`, `#rrggbb` or a CSS colour name")
    event: Event | None = section(Event, "the date and times, printed the way each language writes them; "
                                         "leave the block out when there is no event", optional=True)
    contact: Contact = section(Contact, "printed on the last page or panel; leave out what should not be printed")
    qr: str | None = setting(Url(max_len=800), "a link (`https://`, `mailto:` or `tel:`) printed as a vector QR "
                                               "code; keep it short, long links make dense codes", variant=True)
    image: str | None = setting(Str(pattern=r"[^:]+", pattern_help=_PATH_HELP, max_len=300),
                                "a photo inside the project for every layout's front or cover "
                                "([Layouts](layouts.md#a-picture-on-the-front))")
    image_alt: str | None = setting(Str(max_len=300), "what the photo shows, for screen readers")
    image_focus: str | None = setting(
        Str(pattern=r"\d{1,3}% \d{1,3}%", pattern_help="where the picture's subject is, across and down, like "
                                                      "50% 30%", max_len=20),
        "where the photo's subject is (`50% 30%`: across, down), kept when it is cropped to its frame")
    fonts: dict[str, dict[str, list[str] | None]] = setting(
        DictOf(_script_key, Mapping({role: ListOf(Str(), min_len=1) for role in ROLES}), {}),
        f"font stacks per script ({', '.join(f'`{s}`' for s in SCRIPTS)}) and role ({', '.join(ROLES)}): "
        "family names, first choice first ([Languages](languages.md))")
    digits: dict[str, str] = setting(DictOf(_lang_key, Choice(DIGIT_SYSTEMS, what="digit system"), {}),
                                     f"per language, the digits it prints: {', '.join(f'`{d}`' for d in DIGIT_SYSTEMS)} "
                                     "(defaults: [Languages](languages.md))")
    share: Share = section(Share, "the web page, calendar entry and cards of `pamphlet share`")
    press: Press | None = section(Press, "press output for a copy shop: its colour profile "
                                         "([Press output](press.md))", optional=True)
    fit: Fit = section(Fit, "how the type is fitted to the pages")
    lede: Lede = section(Lede, "the bold opening paragraph")
    strings: dict[str, dict[str, str]] = setting(
        DictOf(_lang_key, DictOf(_string_key, Str(max_len=200)), {}),
        "per language, the printed labels by key (`when`, `where`, `join_us` …): a language without a "
        "catalog, or your own words ([Languages](languages.md#ui-strings))")
    source: Source | None = field(default=None, compare=False, repr=False)

    @property
    def min_scale(self) -> float:
        """``fit.min_scale``."""
        return self.fit.min_scale

    @property
    def lede_words(self) -> int:
        """``lede.max_words``: a first paragraph this short or shorter is set as the bold lede."""
        return self.lede.max_words


@dataclass(frozen=True)
class FrontMatter:
    """A language file's front matter. Its values stay a plain dict (``Language.meta``); this declares them."""

    title: str = setting(Str(required=True, max_len=200), "the headline", printed=True, variant=True)
    subtitle: str | None = setting(Str(max_len=300), "the line under the headline", printed=True, variant=True)
    place: str | None = setting(Str(max_len=200), "where the event is", printed=True, variant=True)
    call_to_action: str | None = setting(Str(max_len=400), "what a reader should do", printed=True, variant=True)
    organiser: str | None = setting(Str(max_len=200), "who is behind it", printed=True, variant=True)
    contact: str | None = setting(Str(max_len=300), "a line printed instead of `pamphlet.yaml`'s contact details",
                                  printed=True, variant=True)
    description: str | None = setting(Str(max_len=500), "one sentence for the PDF's properties", printed=True,
                                      variant=True)
    handbill: str | None = setting(Str(max_len=3000), "a shorter Markdown text the handbill prints instead of the "
                                                      "whole body", variant=True)
    slogans: list[str] | None = setting(ListOf(Words(max_words=SLOGAN_MAX_WORDS, max_len=120,
                                              why=" (a placard is read while it moves)")),
                                        "the placards' slogans, one a board: short "
                                        "lines of twelve words at most ([Posters](posters.md))")
    composition: str | None = setting(Str(max_len=40), "pin a layout's composition, like `tight` "
                                                       "([Layouts](layouts.md#compositions-the-one-that-suits-the-"
                                                       "text); `pamphlet check --explain` lists them)", variant=True)
    image: str | None = setting(Str(pattern=r"[^:]+", pattern_help=_PATH_HELP, max_len=300),
                                "this language's own front picture", variant=True)
    image_alt: str | None = setting(Str(max_len=300), "what it shows, for screen readers", variant=True)
    strings: dict[str, str] = setting(DictOf(_string_key, Str(max_len=200), {}),
                                      "this language's labels, as in `pamphlet.yaml`")


FRONT_MATTER = schema(FrontMatter)
#: Front-matter fields the templates get (``meta``), which a translation is expected to have too.
PRINTED_FIELDS = tuple(f.name for f in declared(FrontMatter) if f.metadata.get("printed"))
#: Front-matter fields a variants table may set (as ``place`` or ``place@ar``).
VARIANT_FIELDS = tuple(f.name for f in declared(FrontMatter) if f.metadata.get("variant"))


def variant_options() -> dict[str, Option]:
    """The settings of ``pamphlet.yaml`` a variants table may set, by column (``event.date``, ``qr``)."""
    out: dict[str, Option] = {}
    for f in declared(Config):
        sub = f.metadata.get("section")
        if sub is not None:
            out |= {f"{f.name}.{g.name}": g.metadata["option"] for g in declared(sub) if g.metadata.get("variant")}
        elif f.metadata.get("variant"):
            out[f.name] = f.metadata["option"]
    return out


def reference(cls: type = Config, prefix: str = "") -> list[tuple[str, str, str]]:
    """(field, default, documentation) of every setting ``cls`` declares, sections flattened
    (``theme.accent``): the settings tables in docs/project-format.md are made from this."""
    rows = []
    for f in declared(cls):
        name = prefix + f.name
        sub = f.metadata.get("section")
        option = f.metadata["option"]
        if sub is not None:
            rows.append((name, "", f.metadata["doc"]))
            rows += reference(sub, name + ".")
            continue
        default = "required" if option.required else "" if option.default in (_MISSING, None, {}, []) else \
            _yaml(option.default)
        rows.append((name, default, f.metadata["doc"]))
    return rows


def reference_table(cls: type = Config) -> str:
    """The Markdown table of :func:`reference` (docs/settings.py puts it into docs/project-format.md)."""
    lines = ["| field | default | what it holds |", "|---|---|---|"]
    for name, default, doc in reference(cls):
        lines.append(f"| `{name}` | {f'`{default}`' if default else ''} | {doc} |")
    return "\n".join(lines)


def _yaml(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    if isinstance(value, str) and value.startswith("#"):
        return f'"{value}"'
    return str(value)


def _slugify(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return s[:63] or "pamphlet"


def parse_config(source: Source, layout_names: list[str]) -> Config:
    """Check ``pamphlet.yaml``; raise one ConfigError listing every problem."""
    ctx = Checker(source, {"layout": list(layout_names)})
    raw = source.data
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError([Problem(source.where(()), "", f"expected a mapping of settings, got {_type_name(raw)}")])
    v = ctx.run(schema(Config), raw, ())
    if ctx.problems:
        raise ConfigError(ctx.problems)
    config: Config = build(Config, v, path=source.path, source=source)
    return replace(config, slug=config.slug or _slugify(source.path.parent.name))


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
    from pamphlet.errors import EnvError

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
