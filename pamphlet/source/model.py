r"""The project as loaded: its languages, settings and variants, as plain data.

:mod:`pamphlet.source.project` finds and reads a project folder into these, :mod:`pamphlet.source.variants` reads the
variants table into :class:`Variant`\ s; everything else only reads them. A leaf below both (it imports
only the settings and the errors), so neither imports the other to know what a project is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from pamphlet.errors import Location, ProjectError
from pamphlet.source.config import Config, Event, did_you_mean


@dataclass(frozen=True)
class Language:
    """One language's content: its front matter and its Markdown body."""

    code: str
    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line of the body's first line in ``path``
    parts: tuple[tuple[Path, int, int], ...] = ()  # (file, first body line in the joined text, its line in file)
    meta_lines: dict[str, int] = field(default_factory=dict)  # front-matter key → its line in ``path``
    meta_where: dict[str, Location] = field(default_factory=dict)  # a key set elsewhere (a variants table cell)

    def locate(self, body_line: int) -> Location:
        """Map a 1-based line of ``body`` back to the file and line it came from."""
        for path, joined_start, file_line in reversed(self.parts):
            if body_line >= joined_start:
                return Location(path, file_line + body_line - joined_start)
        return Location(self.path, self.body_line + body_line - 1)


@dataclass(frozen=True)
class Project:
    root: Path
    config: Config
    languages: dict[str, Language] = field(default_factory=dict)
    is_example: bool = False
    variants: tuple[Variant, ...] = ()  # rows of variants.csv / variants.yaml (see pamphlet.source.variants)

    def inputs(self, lang: str) -> list[Path]:
        """The files a language's editions are built from (besides pamphlet.yaml, templates, fonts)."""
        language = self.languages[lang]
        return [p for p, _, _ in language.parts] or [language.path]

    def select_variants(self, wanted: tuple[str, ...]) -> list[Variant | None]:
        """The variants to build (``[None]``: the project has none, build it once as it is)."""
        if not self.variants:
            if wanted:
                raise ProjectError(f"--variant {wanted[0]}: {self.root.name}/ has no variants table",
                                   "add variants.csv beside pamphlet.yaml, or leave out --variant")
            return [None]
        if not wanted:
            return list(self.variants)
        by_id = {v.id: v for v in self.variants}
        unknown = [w for w in wanted if w not in by_id]
        if unknown:
            raise ProjectError(f"--variant {unknown[0]}: no such variant{did_you_mean(unknown[0], list(by_id))}",
                               "use an id from the first column of the variants table")
        return [by_id[w] for w in dict.fromkeys(wanted)]

    def variant(self, vid: str | None) -> Variant | None:
        if vid is None:
            return None
        return self._variants_by_id[vid]

    @cached_property
    def _variants_by_id(self) -> dict[str, Variant]:
        """Every edition looks its variant up: a dict, not a scan of thousands of rows each time."""
        return {v.id: v for v in self.variants}

    def for_variant(self, vid: str | None) -> Project:
        """The project as variant ``vid`` prints it (its event, contact, QR link, front-matter fields).

        ``None`` is the project itself. Each edition asks for its own, so one
        loaded project serves every row of the table.
        """
        variant = self.variant(vid)
        return self if variant is None else apply(self, variant)

    def variant_digest(self, vid: str | None) -> str | None:
        """What a variant's editions depend on from the table: its row (other rows don't matter)."""
        v = self.variant(vid)
        return v.digest() if v is not None else None

    @property
    def default_settings(self) -> bool:
        """No pamphlet.yaml: the project runs on default settings (the CLI says so)."""
        return not self.config.path.is_file()

    @property
    def default_lang(self) -> str:
        if self.config.default_lang and self.config.default_lang in self.languages:
            return self.config.default_lang
        return "en" if "en" in self.languages else next(iter(self.languages))


@dataclass(frozen=True)
class Variant:
    """One row: an id and the values it overrides. Empty cells are simply absent."""

    id: str
    line: int = 0                                   # where the row starts in the table (for messages)
    languages: tuple[str, ...] = ()                 # () means every language of the project
    event: dict[str, Any] = field(default_factory=dict, hash=False)     # date / start / end
    contact: dict[str, str] = field(default_factory=dict, hash=False)   # email / web / phone / social
    qr: str | None = None
    meta: dict[str, dict[str, str]] = field(default_factory=dict, hash=False)  # lang ("" = all) → field → text
    table: Path | None = field(default=None, compare=False)       # for messages: where the cells are
    meta_lines: dict[str, dict[str, int]] = field(default_factory=dict, hash=False, compare=False)
    theme: dict[str, str] = field(default_factory=dict, hash=False)     # accent / ink / paper / highlight
    strings: dict[str, dict[str, str]] = field(default_factory=dict, hash=False)  # lang ("" = all) → UI string key → text

    def meta_for(self, lang: str) -> dict[str, str]:
        """The front-matter fields this variant sets in ``lang``: ``place@ar`` beats ``place``."""
        return {**self.meta.get("", {}), **self.meta.get(lang, {})}

    def meta_where(self, lang: str) -> dict[str, Location]:
        """Where each of those fields is in the table, so a letter no font has names its cell."""
        if self.table is None:
            return {}
        lines = {**self.meta_lines.get("", {}), **self.meta_lines.get(lang, {})}
        return {key: Location(self.table, line) for key, line in lines.items()}

    def digest(self) -> str:
        """What this variant's editions depend on from the table: its values, not where the row sits.

        Moving a row, or editing another one, rebuilds nothing; changing a cell
        rebuilds this variant's editions only.
        """
        data = {"id": self.id, "languages": list(self.languages), "event": self.event, "contact": self.contact,
                "qr": self.qr, "meta": self.meta, "theme": self.theme}
        if self.strings:  # only when set: the tables written before strings columns keep their digests
            data["strings"] = self.strings
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=_iso).encode()).hexdigest()


def _iso(value: Any) -> str:
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def apply(project: Project, variant: Variant) -> Project:
    """``project`` as this variant prints it: its event, contact, QR link and front-matter fields."""
    cfg = project.config
    event = cfg.event
    if variant.event:
        event = replace(event, **variant.event) if event is not None else Event(
            date=variant.event["date"], start=variant.event.get("start"), end=variant.event.get("end"))
    contact = replace(cfg.contact, **variant.contact) if variant.contact else cfg.contact
    theme = replace(cfg.theme, **variant.theme) if variant.theme else cfg.theme
    config = replace(cfg, event=event, contact=contact, qr=variant.qr or cfg.qr, theme=theme)
    languages = {}
    for code, language in project.languages.items():
        own: dict[str, Any] = dict(variant.meta_for(code))
        labels = {**variant.strings.get("", {}), **variant.strings.get(code, {})}  # strings.where@ar beats strings.where
        if labels:  # on top of the front matter's own strings:, key by key
            own["strings"] = {**language.meta.get("strings", {}), **labels}
        languages[code] = replace(language, meta={**language.meta, **own},
                                  meta_where={**language.meta_where, **variant.meta_where(code)}) if own else language
    return replace(project, config=config, languages=languages)
