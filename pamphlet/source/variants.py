"""The variants table: one text, many local editions.

A national day of action is one statement and hundreds of local groups, each
with its own date, meeting point, contact and QR link. Rather than hundreds of
copies of the project folder, ``variants.csv`` (or ``variants.yaml``) beside
``pamphlet.yaml`` holds one row per local edition::

    id,event.date,event.start,place,place@ar,contact.email,qr,theme.accent,strings.where,languages
    leeds,2026-05-01,14:00,Park Square,ساحة بارك,leeds@example.org,https://example.org/leeds,#1d6b3a,Meet at,en ar

The table only *overrides*: an empty cell keeps the value from ``pamphlet.yaml``
or the language's front matter. Every cell is checked with the same options as
``pamphlet.yaml`` and the front matter, and every bad cell is reported at once
as ``variants.csv:LINE: column: problem`` (LINE is the line in the file, the
header being line 1, so an editor or a spreadsheet jumps straight to it).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from pamphlet.errors import ConfigError, Location, Problem
from pamphlet.source import yamlsrc
from pamphlet.source.config import (
    FRONT_MATTER,
    LANG_RE,
    SLUG_RE,
    VARIANT_FIELDS,
    Checker,
    Config,
    DictOf,
    Invalid,
    Str,
    _type_name,
    variant_options,
)
from pamphlet.source.model import Project, Variant

#: The file names a variants table may have, in the order they are looked for.
TABLE_NAMES = ("variants.csv", "variants.yaml", "variants.yml")
#: Rows in one table: far beyond a national day of action, short of a file that would exhaust memory.
MAX_ROWS = 100_000
#: Characters in a CSV table (YAML has yamlsrc's own limit).
MAX_CHARS = 50_000_000

HINT = ("fix the cells named above; an empty cell keeps the value from pamphlet.yaml or the front matter "
        "(see docs/variants.md)")


# --- what a column may be ------------------------------------------------------------------


#: The table's value columns (``event.date``, ``contact.email``, ``theme.accent``, ``qr``) and the option that
#: checks each: the very ones of pamphlet.yaml, those its declaration marks as a variant's.
_VALUE_OPTIONS = variant_options()
#: Front-matter fields a row may set (for every language, or for one as ``field@lang``).
META_FIELDS = VARIANT_FIELDS
#: The UI strings a row may set (``strings.join_us``, ``strings.where@ar``): checked by the front matter's own
#: ``strings:`` option (its key rule and its value), so a label is the same thing in a table as in a file.
_STRINGS = cast(DictOf, FRONT_MATTER.fields["strings"])


def _columns_help() -> str:
    """``event.date|start|end, contact.email|…, qr``: the value columns, grouped by section."""
    groups: dict[str, list[str]] = {}
    for name in _VALUE_OPTIONS:
        head, _, tail = name.rpartition(".")
        groups.setdefault(head or name, []).append(tail)
    return ", ".join(f"{head}.{'|'.join(tails)}" if tails != [head] else head for head, tails in groups.items())


_ID = Str(required=True, pattern=SLUG_RE,
          pattern_help="the id names the variant's folder and files, so use lower-case letters, digits and "
                       "'-' (like a slug), starting with a letter or digit, at most 63 characters")


@dataclass(frozen=True)
class Column:
    """What a header cell names: ``kind`` is id, languages, value (event.*, contact.*, theme.*, qr), meta (a
    front-matter field) or strings (a UI string: ``strings.where``, ``strings.where@ar``)."""

    name: str
    kind: str
    key: str = ""        # "event.date", "qr", or the front-matter field
    lang: str = ""       # for meta: "" means every language


def parse_column(name: str, languages: list[str]) -> Column:
    """The column a header names, or Invalid saying what is wrong (with a suggestion)."""
    if name in ("id", "languages"):
        return Column(name, name)
    if name in _VALUE_OPTIONS:
        return Column(name, "value", name)
    fname, at, lang = name.partition("@")
    if at:
        if not re.fullmatch(LANG_RE, lang):
            raise Invalid(f"'{lang}' after @ is not a language code like en, ar, pt-BR")
        if lang not in languages:
            raise Invalid(f"unknown language '{lang}': the project has no {lang}.md (it has: {', '.join(languages)})")
    if fname in META_FIELDS:
        return Column(name, "meta", fname, lang)
    if fname.startswith("strings."):
        return Column(name, "strings", _STRINGS.key_check(fname.removeprefix("strings.")), lang)
    known = ["id", "languages", *_VALUE_OPTIONS, *META_FIELDS, *(f"{f}@{c}" for f in META_FIELDS for c in languages)]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    raise Invalid("unknown column" + (f" (did you mean '{close[0]}'?)" if close else
                                      f" (columns: id, languages, {_columns_help()}, front-matter fields such as "
                                      "place or place@ar, and UI strings such as strings.where or strings.where@ar)"))


# --- one variant ---------------------------------------------------------------------------


def gaps(project: Project, variant: Variant) -> dict[str, list[tuple[str, str]]]:
    """Per language: (message, hint) for each field this row sets in another language but not in this one.

    A row with ``place@en`` and no ``place@ar`` prints the Arabic front matter's
    general place on the Arabic editions: almost always a cell forgotten, and
    one no layout check can see. ``pamphlet check`` warns about it.
    """
    general = set(variant.meta.get("", {}))
    own = {code: set(fields) for code, fields in variant.meta.items() if code}
    somewhere = set().union(*own.values()) - general if own else set()
    out: dict[str, list[tuple[str, str]]] = {}
    for code in variant.languages or tuple(project.languages):
        for key in sorted(somewhere - own.get(code, set())):
            other = next(c for c in sorted(own) if key in own[c])
            line = variant.meta_lines.get(other, {}).get(key, variant.line)
            where = f"{variant.table.name}:{line}" if variant.table else f"line {variant.line}"
            value = project.languages[code].meta.get(key)
            prints = f"'{value}' from {project.languages[code].path.name}" if value else "nothing"
            out.setdefault(code, []).append((
                f"{variant.id}: {code}: {key}@{other} is set but {key}@{code} is empty ({where}), "
                f"so the {code} editions print {prints}",
                f"fill in {key}@{code} on this row (or a {key} column for every language)"))
    return out


# --- reading the table ---------------------------------------------------------------------


def find(root: Path) -> Path | None:
    """The project's variants table, if it has one; two tables are an error (which would win?)."""
    found = [root / name for name in TABLE_NAMES if (root / name).is_file()]
    if len(found) > 1:
        raise ConfigError([Problem(Location(found[1]), "", f"a second variants table beside {found[0].name}")],
                          hint=f"keep one of {' and '.join(p.name for p in found)}")
    return found[0] if found else None


@dataclass
class _Cell:
    value: Any
    line: int


@dataclass
class _Row:
    line: int
    cells: dict[str, _Cell]    # column name → value


def parse(path: Path, text: str, config: Config, languages: list[str]) -> tuple[Variant, ...]:
    """Read and check a variants table; one ConfigError lists every bad cell."""
    problems: list[Problem] = []
    columns: dict[str, Column | str] = {}   # column name → what it is, or what is wrong with it
    if path.suffix == ".csv":
        rows = _csv_rows(path, text, problems, columns, languages)
    else:
        rows = _yaml_rows(path, text, problems)
    variants = _check(path, rows, config, languages, problems, columns)
    if problems:
        raise ConfigError(problems, hint=HINT)
    if not variants:
        raise ConfigError([Problem(Location(path, 1), "", "the table has no rows")],
                          hint=f"add one row per local edition under the header, or remove {path.name}")
    return tuple(variants)


def _csv_rows(path: Path, text: str, problems: list[Problem], columns: dict[str, Column | str],
              languages: list[str]) -> list[_Row]:
    """Rows of a CSV table with the line each starts on (a quoted cell may span lines)."""
    if len(text) > MAX_CHARS:
        problems.append(Problem(Location(path, 1), "", f"the table is {len(text)} characters long; at most "
                                                       f"{MAX_CHARS} are read"))
        return []
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","  # spreadsheets in many locales export ';'
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows: list[_Row] = []
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                _check_header(path, line, header, problems, columns, languages)
                continue
            if len(rows) >= MAX_ROWS:
                problems.append(Problem(Location(path, line), "", f"more than {MAX_ROWS} rows"))
                break
            row = _Row(line, {})
            for i, value in enumerate(cells):
                name = header[i] if i < len(header) else ""
                if not name:
                    if value.strip():
                        problems.append(Problem(Location(path, line), f"cell {i + 1}",
                                                f"'{_short(value)}' is under no column: the header has {len(header)}"))
                    continue
                row.cells[name] = _Cell(value, line)
            for name in header:  # a short row: its missing cells are empty
                if name:
                    row.cells.setdefault(name, _Cell("", line))
            rows.append(row)
    except csv.Error as exc:
        problems.append(Problem(Location(path, reader.line_num or 1), "", f"not a readable CSV table: {exc}"))
    if header is None and not problems:
        problems.append(Problem(Location(path, 1), "", "empty: the first line must name the columns (id, …)"))
    return rows


def _check_header(path: Path, line: int, header: list[str], problems: list[Problem],
                  columns: dict[str, Column | str], languages: list[str]) -> None:
    """Unknown and repeated columns are reported once, on the header's line, not on every row."""
    for name in header:
        if not name:
            continue
        if name in columns:
            problems.append(Problem(Location(path, line), name, "column named twice"))
            continue
        try:
            columns[name] = parse_column(name, languages)
        except Invalid as exc:
            columns[name] = str(exc)
            problems.append(Problem(Location(path, line), name, str(exc)))
    if "id" not in header:
        problems.append(Problem(Location(path, line), "id", "no id column: each row needs an id (used in file names)"))


def _yaml_rows(path: Path, text: str, problems: list[Problem]) -> list[_Row]:
    """Rows of a YAML table: a list of mappings (``event:`` and ``contact:`` may nest or be dotted)."""
    try:
        source = yamlsrc.load(text, path)
    except ConfigError as exc:
        problems.extend(exc.problems)
        return []
    data = source.data
    base: yamlsrc.PathKey = ()
    if isinstance(data, dict) and set(data) == {"variants"}:
        data, base = data["variants"], ("variants",)
    if not isinstance(data, list):
        problems.append(Problem(source.where(base), "", f"expected a list of variants (- id: …), got "
                                                        f"{_type_name(data)}"))
        return []
    rows: list[_Row] = []
    for i, item in enumerate(data[:MAX_ROWS]):
        key: yamlsrc.PathKey = (*base, i)
        if not isinstance(item, dict):
            problems.append(Problem(source.where(key), "", f"a variant must be a mapping (id: …), got {_type_name(item)}"))
            continue
        row = _Row(source.line(key), {})
        for name, value in item.items():
            group, at, lang = str(name).partition("@")
            if group in ("event", "contact", "theme", "strings") and isinstance(value, dict) and (
                    not at or group == "strings"):
                for sub, v in value.items():  # strings@ar: {where: …} is the column strings.where@ar
                    row.cells[f"{group}.{sub}{at}{lang}"] = _Cell(v, source.line((*key, name, sub)))
            else:
                row.cells[str(name)] = _Cell(value, source.line((*key, name)))
        rows.append(row)
    if len(data) > MAX_ROWS:
        problems.append(Problem(source.where((*base, MAX_ROWS)), "", f"more than {MAX_ROWS} rows"))
    return rows


def _check(path: Path, rows: list[_Row], config: Config, languages: list[str], problems: list[Problem],
           columns: dict[str, Column | str]) -> list[Variant]:
    """Every row through the same options as pamphlet.yaml and the front matter."""
    ctx = Checker(yamlsrc.Source(path, None, {}))
    by_id: dict[str, int] = {}
    out: list[Variant] = []
    for row in rows:
        bad = False

        def report(cell: _Cell, column: str, message: str) -> None:
            nonlocal bad
            bad = True
            problems.append(Problem(Location(path, cell.line), column, message))

        vid = ""
        langs: tuple[str, ...] = ()
        event: dict[str, Any] = {}
        contact: dict[str, str] = {}
        theme: dict[str, str] = {}
        qr = None
        meta: dict[str, dict[str, str]] = {}
        meta_lines: dict[str, dict[str, int]] = {}
        strings: dict[str, dict[str, str]] = {}
        for name, cell in row.cells.items():
            if name not in columns:
                try:
                    columns[name] = parse_column(name, languages)
                except Invalid as exc:
                    columns[name] = str(exc)
            col = columns[name]
            if isinstance(col, str):
                if path.suffix != ".csv":  # a CSV header was reported at its line; YAML rows name their own keys
                    report(cell, name, col)
                continue
            value = cell.value
            if value is None or (isinstance(value, str) and not value.strip()):
                if col.kind == "id":
                    report(cell, "id", "must not be empty: the id names the variant's folder and files")
                continue
            try:
                if col.kind == "id":
                    vid = _ID.check(value, (name,), ctx)
                elif col.kind == "languages":
                    langs = _languages(value, languages)
                elif col.kind == "value":
                    checked = _VALUE_OPTIONS[col.key].check(value, (name,), ctx)
                    group, _, key = col.key.partition(".")
                    if group == "event":
                        event[key] = checked
                    elif group == "contact":
                        contact[key] = checked
                    elif group == "theme":
                        theme[key] = checked
                    else:
                        qr = checked
                elif col.kind == "strings":
                    strings.setdefault(col.lang, {})[col.key] = _STRINGS.value.check(value, (name,), ctx)
                else:
                    text = FRONT_MATTER.fields[col.key].check(value, (name,), ctx)
                    meta.setdefault(col.lang, {})[col.key] = text
                    meta_lines.setdefault(col.lang, {})[col.key] = cell.line
            except Invalid as exc:
                report(cell, name, str(exc))
        if "id" not in row.cells:
            if path.suffix != ".csv":  # a CSV table without an id column is reported once, at its header
                problems.append(Problem(Location(path, row.line), "id", "missing: each variant needs an id"))
            continue
        if vid:
            if vid in by_id:
                report(row.cells["id"], "id", f"'{vid}' is also the id of the variant on line {by_id[vid]}")
            else:
                by_id[vid] = row.cells["id"].line
        if event and "date" not in event and config.event is None:
            first = next(k for k in ("start", "end") if k in event)
            report(row.cells[f"event.{first}"], f"event.{first}",
                   "needs an event.date: pamphlet.yaml has no event, so this row must give the date")
        if not bad and vid:
            out.append(Variant(vid, row.line, langs, event, contact, qr, meta, path, meta_lines, theme, strings))
    return out


def _languages(value: Any, languages: list[str]) -> tuple[str, ...]:
    """``en ar`` or ``en, ar`` (or a YAML list): codes of the project's languages."""
    items = value if isinstance(value, list) else re.split(r"[\s,;]+", str(value).strip())
    codes = [str(c).strip() for c in items if str(c).strip()]
    unknown = [c for c in codes if c not in languages]
    if unknown:
        raise Invalid(f"unknown language '{unknown[0]}': the project has no {unknown[0]}.md "
                      f"(it has: {', '.join(languages)})")
    return tuple(dict.fromkeys(codes))


def _short(value: str) -> str:
    value = value.strip()
    return value if len(value) <= 30 else value[:30] + "…"
