"""`pamphlet new DIR`: a starter project that builds cleanly as it is.

The starter shows everything a first-time organiser needs to see once: a
commented ``pamphlet.yaml`` with every setting, one ``<lang>.md`` per language
whose short text uses each Markdown feature the layouts style (lede, heading,
list, pull quote, callout, page break), an ``images/`` folder and a README
that says what to do next. Every language's text has the same shape, so
``pamphlet check`` finds no paragraph or field missing between them.

The starter files live in ``pamphlet/starter/`` (inside the package, so they
ship in the wheel). Nothing is ever overwritten: a folder that is not empty is
refused.

A region (``--region GB``, or the answer to the question ``pamphlet new`` asks
in a terminal) names each text by the language as written there when CLDR
knows it: ``en-GB.md``, ``es-MX.md``, whose dates and times print that
country's way; a language CLDR has no such locale of (Arabic in Britain)
keeps its plain code. Letter-paper countries get ``paper: letter``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from string import Template

from pamphlet.errors import ProjectError
from pamphlet.source.config import LANG_RE, _slugify, did_you_mean

log = logging.getLogger(__name__)

STARTER_DIR = Path(__file__).resolve().parents[1] / "starter"
#: Languages with a starter text; right-to-left ones are written in their own script.
STARTER_LANGS = ("en", "fr", "es", "de", "ar", "he", "fa", "ur")


def starter_langs() -> list[str]:
    """The languages ``pamphlet new -L`` accepts (one starter text each)."""
    return [code for code in STARTER_LANGS if (STARTER_DIR / "text" / f"{code}.md").is_file()]


#: Where CLDR says offices print on US Letter (supplementalData.xml, ``paperSize type="US-Letter"``);
#: everywhere else A4.
LETTER_REGIONS = frozenset("BZ CA CL CO CR GT MX NI PA PH PR SV US VE".split())


def _check_langs(langs: Sequence[str]) -> list[str]:
    """The codes asked for; ``en-GB`` is the English starter text, named for its region."""
    from pamphlet.text.languages import babel_locale, base_lang, has_region

    known = starter_langs()
    out = list(dict.fromkeys(langs or ["en"]))
    for code in out:
        if not re.fullmatch(LANG_RE, code):
            raise ProjectError(f"-L {code}: not a language code (like en, ar, pt-BR)",
                               f"pick from: {', '.join(known)}")
        base = base_lang(code)
        if base not in known:
            raise ProjectError(f"-L {code}: no starter text in that language{did_you_mean(code, known)}",
                               f"start with -L en, then copy en.md to {code}.md and translate it")
        if code != base and (not has_region(code) or babel_locale(code) is None
                             or str(babel_locale(code)).replace("_", "-") != code):
            raise ProjectError(f"-L {code}: no such locale (a language and a region CLDR knows, like en-GB)",
                               f"use -L {base}, or -L {base} --region with the country's code")
    return out


def check_region(region: str | None) -> str | None:
    """``region`` as CLDR spells it (``gb`` → ``GB``); None for none; ProjectError if CLDR has no such one."""
    from pamphlet.text.languages import known_region

    if region is None or not region.strip():
        return None
    found = known_region(region.strip())
    if found is None:
        raise ProjectError(f"--region {region.strip()}: not a country or region code CLDR knows",
                           "give a two-letter country code such as GB, US, MX, BR, or 419 for Latin America")
    return found


def regional(codes: Sequence[str], region: str | None) -> list[str]:
    """Each code as written in ``region`` where CLDR knows that locale (``en`` → ``en-GB``), else as it is."""
    from pamphlet.text.languages import with_region

    if region is None:
        return list(codes)
    return list(dict.fromkeys(with_region(code, region) or code for code in codes))


def _check_layouts(layouts: Sequence[str]) -> list[str]:
    from pamphlet import layouts as catalogue

    names = list(catalogue.LAYOUT_NAMES)
    if "all" in layouts:
        return names
    out = list(dict.fromkeys(layouts or ["leaflet"]))
    for name in out:
        if name not in names:
            raise ProjectError(f"-l {name}: unknown layout{did_you_mean(name, names)}",
                               "run `pamphlet layouts` to see them all")
    return out


def _check_dest(dest: Path) -> None:
    """Refuse anything but a new or empty folder: `new` never overwrites."""
    if dest.is_file():
        raise ProjectError(f"{dest}: is a file, not a folder", _taken_hint(dest))
    if dest.is_dir() and any(dest.iterdir()):
        raise ProjectError(f"{dest}: folder is not empty (pamphlet new never overwrites files)", _taken_hint(dest))


def free_name(dest: Path) -> Path:
    """A folder beside ``dest`` that is new or empty: ``my-action-2``, ``my-action-3``, …"""
    if dest.name in ("", ".", ".."):
        dest = dest.resolve()
    base = re.sub(r"-\d+$", "", dest.name) or dest.name
    start = int(m.group(1)) + 1 if (m := re.search(r"-(\d+)$", dest.name)) else 2
    for n in range(start, start + 1000):
        candidate = dest.with_name(f"{base}-{n}")
        if not candidate.exists() or (candidate.is_dir() and not any(candidate.iterdir())):
            return candidate
    return dest.with_name(f"{base}-new")


def _taken_hint(dest: Path) -> str:
    """Another name to start a project under, and how to build the project already there, if it is one."""
    hint = f"choose a new folder name, e.g. `pamphlet new {free_name(dest)}`"
    if dest.is_dir():
        from pamphlet.source.project import CONFIG_NAME, has_language_files

        if (dest / CONFIG_NAME).is_file() or has_language_files(dest):
            hint += f"; {dest} holds a project already: `pamphlet build {dest}` builds it"
    return hint


def event_date(today: dt.date) -> dt.date:
    """A Saturday two to three weeks ahead: plainly a placeholder, never in the past."""
    ahead = today + dt.timedelta(days=14)
    return ahead + dt.timedelta(days=(5 - ahead.weekday()) % 7)


def create(dest: Path, langs: Sequence[str] = (), layouts: Sequence[str] = (),
           today: dt.date | None = None, region: str | None = None) -> list[Path]:
    """Write a starter project into ``dest`` (new or empty); returns the files written.

    ``langs`` default to English and ``layouts`` to a leaflet; the first language
    is the project's default one; ``region`` (a country code) names each text by the
    language as written there (:func:`regional`). Every problem is raised before
    anything is written.
    """
    from pamphlet.text.languages import base_lang

    where = check_region(region)
    codes = regional(_check_langs(langs), where)
    chosen = _check_layouts(layouts)
    _check_dest(dest)
    slug = _slugify(dest.resolve().name)
    title = dest.resolve().name
    values = {
        "slug": slug,
        "title": title,
        "default_lang": codes[0],
        "languages": ", ".join(codes),
        "layouts": ", ".join(chosen),
        "date": event_date(today or dt.date.today()).isoformat(),
        "files": ", ".join(f"`{c}.md`" for c in codes),
        "paper": "letter" if where in LETTER_REGIONS else "a4",
    }
    try:
        dest.mkdir(parents=True, exist_ok=True)
        written = [_write(dest / "pamphlet.yaml", _fill("pamphlet.yaml.in", values))]
        for code in codes:
            text = (STARTER_DIR / "text" / f"{base_lang(code)}.md").read_text(encoding="utf-8")
            written.append(_write(dest / f"{code}.md", text))
        (dest / "images").mkdir()
        written.append(dest / "images")
        written.append(_write(dest / "README.md", _fill("README.md.in", values)))
    except OSError as exc:
        raise ProjectError(f"{dest}: cannot write the starter project: {exc.strerror}",
                           "choose a folder you can write to") from None
    log.info("%s: starter project with %s × %s", dest, ", ".join(codes), ", ".join(chosen))
    return written


def _fill(name: str, values: dict[str, str]) -> str:
    return Template((STARTER_DIR / name).read_text(encoding="utf-8")).substitute(values)


def _write(path: Path, text: str) -> Path:
    """Create ``path``; never replace a file (``x`` mode), even one made a moment ago."""
    with open(path, "x", encoding="utf-8") as fh:
        fh.write(text)
    return path
