"""The words the templates print ("When", "Join us", …), in each edition's language.

They are gettext catalogs in ``pamphlet/locale/<lang>/LC_MESSAGES/messages.po``.
Templates mark them with Jinja's i18n extension; each edition gets a
:class:`Translator` whose callables go into the template context (Jinja
resolves ``gettext`` and ``pgettext`` from the context before its globals), so
one environment serves every language. A project overrides any message under
``strings:`` by its key: the English text in lower case with ``_`` for spaces
(``join_us``). Which catalog a language code reads is decided with
:mod:`pamphlet.text.languages`' table (``ku-Arab`` is Sorani), which passes it in.
"""

from __future__ import annotations

import gettext as _gettext
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "messages"


def message_key(msgid: str) -> str:
    """The ``strings:`` key that overrides a message: ``"Join us"`` → ``join_us``."""
    text = re.sub(r"%\(\w+\)[sd]", " ", msgid)  # placeholders are not part of the key
    return re.sub(r"[^a-z]+", "_", text.lower()).strip("_")[:40]


@dataclass(frozen=True)
class Catalog:
    """One language's compiled messages: ``(context, msgid)`` → translation(s)."""

    lang: str
    messages: Mapping[tuple[str | None, str], str | tuple[str, ...]]
    plural: Callable[[int], int]


def _catalog_dir(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES"


def catalog_languages() -> list[str]:
    """Languages with a catalog in the package (``.po`` in a checkout, ``.mo`` in a wheel)."""
    if not LOCALE_DIR.is_dir():
        return []
    return sorted(p.name for p in LOCALE_DIR.iterdir()
                  if (_catalog_dir(p.name) / f"{DOMAIN}.po").is_file() or (_catalog_dir(p.name) / f"{DOMAIN}.mo").is_file())


@cache
def load_catalog(lang: str) -> Catalog | None:
    """The catalog of exactly ``lang`` (a folder name), or None.

    The compiled ``.mo`` (built into the wheel by ``hatch_build.py``) is read when
    it is at least as new as the ``.po``; in a checkout the ``.po`` is compiled
    on load, which for a few dozen messages takes about a millisecond.
    """
    folder = _catalog_dir(lang)
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        from babel.messages.mofile import read_mo

        with mo.open("rb") as fh:
            cat = read_mo(fh)
    elif po.is_file():
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            cat = read_po(fh, locale=None, domain=DOMAIN)
    else:
        return None
    messages: dict[tuple[str | None, str], str | tuple[str, ...]] = {}
    for msg in cat:
        if not msg.id or msg.fuzzy:
            continue
        msgid = msg.id[0] if isinstance(msg.id, (tuple, list)) else msg.id
        if isinstance(msg.string, (tuple, list)):
            if all(msg.string):
                messages[(msg.context, msgid)] = tuple(msg.string)
        elif msg.string:
            messages[(msg.context, msgid)] = msg.string
    plural_expr = cat.plural_expr if cat.plural_expr else "(n != 1)"
    # (Not Babel's header_comment: nothing reads it, and formatting it loads a locale's date formats, ~10 ms.)
    return Catalog(lang, messages, _gettext.c2py(plural_expr))


def _base(code: str) -> str:
    return code.split("-")[0].lower()


def find_catalog(code: str, row: str | None = None) -> Catalog | None:
    """The catalog for ``code``: ``pt_BR`` first, then the language table's row for it (``row``: ``ku`` is
    ``kmr``, ``ku-Arab`` is Sorani, ``ckb``), then ``pt``."""
    candidates = [code.replace("-", "_"), *([row] if row else []), _base(code)]
    for candidate in dict.fromkeys(candidates):
        cat = load_catalog(candidate)
        if cat is not None:
            return cat
    return None


@cache
def template_messages() -> tuple[tuple[str | None, str], ...]:
    """``(context, msgid)`` of every message the built-in templates print (from ``messages.pot``)."""
    pot = LOCALE_DIR / f"{DOMAIN}.pot"
    if not pot.is_file():
        return ()
    from babel.messages.pofile import read_po

    with pot.open("rb") as fh:
        cat = read_po(fh)
    return tuple((m.context, m.id[0] if isinstance(m.id, (tuple, list)) else m.id) for m in cat if m.id)


class Translator:
    """One edition's UI strings: its catalog, the project's overrides, English as the last resort.

    Its methods are the ``gettext``/``ngettext``/``pgettext``/``npgettext``
    callables of Jinja's i18n extension ("newstyle": ``%(name)s`` placeholders
    filled from keyword arguments, everything escaped). It remembers which
    messages a render printed, so the glyph check and the missing-translation
    warning name exactly those.
    """

    def __init__(self, code: str, overrides: Mapping[str, str] | None = None, *, row: str | None = None):
        self.code = code
        self.catalog = find_catalog(code, row)
        self.overrides = dict(overrides or {})
        self.english = _base(code) == "en"
        self.printed: dict[str, str] = {}  # key → text, in the order a render met them
        self.untranslated: dict[str, str] = {}  # key → msgid that fell back to English

    def lookup(self, context: str | None, msgid: str, plural: str | None = None, n: int = 1) -> tuple[str, bool]:
        """The text for a message and whether it is in the edition's language."""
        key = message_key(msgid)
        if key in self.overrides:
            return self.overrides[key], True
        if self.catalog is not None:
            found = self.catalog.messages.get((context, msgid))
            if isinstance(found, tuple):
                index = self.catalog.plural(n)
                return found[min(index, len(found) - 1)], True
            if found:
                return found, True
        english = msgid if plural is None or n == 1 else plural
        return english, self.english

    def _print(self, context: str | None, msgid: str, plural: str | None, n: int, variables: dict) -> Markup:
        text, translated = self.lookup(context, msgid, plural, n)
        key = message_key(msgid)
        self.printed.setdefault(key, text)
        if not translated:
            self.untranslated.setdefault(key, msgid)
        return escape(text) % variables if variables else escape(text)

    def gettext(self, message: str, **variables: object) -> Markup:
        return self._print(None, message, None, 1, variables)

    def ngettext(self, singular: str, plural: str, num: int, **variables: object) -> Markup:
        variables.setdefault("num", num)
        return self._print(None, singular, plural, num, variables)

    def pgettext(self, context: str, message: str, **variables: object) -> Markup:
        variables.setdefault("context", context)
        return self._print(context, message, None, 1, variables)

    def npgettext(self, context: str, singular: str, plural: str, num: int, **variables: object) -> Markup:
        variables.setdefault("context", context)
        variables.setdefault("num", num)
        return self._print(context, singular, plural, num, variables)

    def template_globals(self) -> dict[str, Callable[..., Markup]]:
        """What goes into the template context (Jinja's ``_`` resolves ``gettext`` from there)."""
        return {"gettext": self.gettext, "ngettext": self.ngettext, "pgettext": self.pgettext,
                "npgettext": self.npgettext}

    def strings(self) -> dict[str, str]:
        """Every template message by key (``t.when`` in templates written before the catalogs)."""
        return {message_key(msgid): self.lookup(ctx, msgid)[0] for ctx, msgid in template_messages()}

    def missing(self) -> tuple[str, ...]:
        """Keys printed in English for want of a translation (empty for English itself)."""
        return tuple(self.untranslated)

    def unknown_overrides(self, known: Iterable[str] = ()) -> list[str]:
        """Override keys that name no message the templates have (old keys like ``page``, typos)."""
        keys = {message_key(m) for _, m in template_messages()} | set(known) | set(self.printed)
        return [k for k in self.overrides if k not in keys]
