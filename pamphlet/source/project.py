"""Finding and loading a project: config + per-language Markdown + front matter, into :mod:`pamphlet.source.model`."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

from pamphlet.errors import ConfigError, ContentError, Location, Problem, ProjectError
from pamphlet.resources import example_dir
from pamphlet.source import variants, yamlsrc
from pamphlet.source.config import LANG_RE, Config, parse_config, parse_front_matter
from pamphlet.source.model import Language, Project, Variant

log = logging.getLogger(__name__)

CONFIG_NAME = "pamphlet.yaml"
_FM_OPEN = re.compile(r"---[ \t]*\r?\n")
_FM_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*\r?$\n?", re.S | re.M)


NO_PROJECT_HINT = "start one with `pamphlet new my-action`, or build the bundled example with `pamphlet build --example`"


def find_project(path: Path | None) -> tuple[Path, bool]:
    """The project folder to use and whether it is the bundled example.

    No path: the current folder. A project is a folder with pamphlet.yaml, or one
    with only ``<lang>.md`` files (it runs on default settings). The bundled example
    is never a fallback: it is built only when asked for (``build --example``),
    so a new user's folder never fills up with someone else's pamphlet.
    """
    here = path is None
    if path is None:
        path = Path.cwd()
    if path.is_file() and path.name == CONFIG_NAME:
        path = path.parent
    if not path.exists():
        raise ProjectError(f"{path}: no such folder", "give the folder that holds pamphlet.yaml or the <lang>.md files")
    if not path.is_dir():
        raise ProjectError(f"{path}: not a folder", "give the folder that holds pamphlet.yaml, not a file in it")
    config = path / CONFIG_NAME
    if os.path.lexists(config) and not config.is_file():  # a folder, a broken link: never "default settings"
        what = "a folder" if config.is_dir() else "a link to nothing" if config.is_symlink() else "not a regular file"
        raise ProjectError(f"{Location(config)}: {what}, not a file of settings",
                           f"{CONFIG_NAME} must be a text file; move what is in it elsewhere and write the settings "
                           "there (`pamphlet new` shows one)")
    if not config.is_file() and not has_language_files(path):
        where = "" if here else f"{path}: "
        raise ProjectError(f"{where}no pamphlet project here (no {CONFIG_NAME}, no <lang>.md file)", NO_PROJECT_HINT)
    root = path.resolve()
    return root, root == example_dir().resolve()


def has_language_files(folder: Path) -> bool:
    """Whether ``folder`` holds a ``<lang>.md`` (or ``<lang>/``) named by a language we know.

    Only for telling a project without pamphlet.yaml from any folder of notes:
    ``faq.md`` or ``todo.md`` alone do not make a project.
    """
    from pamphlet.text.languages import babel_locale

    for entry in folder.iterdir():
        code = entry.stem if entry.is_file() and entry.suffix == ".md" else entry.name if entry.is_dir() else ""
        if code.startswith((".", "_")) or not re.fullmatch(LANG_RE, code) or babel_locale(code) is None:
            continue
        if entry.is_file():
            return True
        if _inside(entry, folder) and any(p.suffix == ".md" for p in entry.iterdir()):
            return True  # a folder of texts (one linked to somewhere else is not listed: load_project refuses it)
    return False


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve(strict=True).is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(f"{path}: cannot read: {exc.strerror}", "check the file's permissions") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(f"{Location(path, line)}: not UTF-8 text", "save the file as UTF-8") from None


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (front matter text or None, body, 1-based line where the body starts)."""
    m = _FM_RE.match(text)
    if not m:
        return None, text, 1
    return m.group(1), text[m.end():], text[: m.end()].count("\n") + 1


def load_project(path: Path | None, layout_names: list[str]) -> Project:
    root, is_example = find_project(path)
    cfg_path = root / CONFIG_NAME
    confine(cfg_path, root)
    if cfg_path.is_file():
        source = yamlsrc.load(_read_text(cfg_path), cfg_path)
    else:
        log.info("%s: no %s: using default settings", root, CONFIG_NAME)
        source = yamlsrc.Source(cfg_path, None, {})
    config = parse_config(source, layout_names)
    problems: list[Problem] = []
    languages: dict[str, Language] = {}
    for code, files in _language_files(root).items():
        lang = _load_language(code, files, problems)
        if lang is not None:
            languages[code] = lang
    if problems:
        raise ConfigError(problems, hint="fix the front matter fields named above (between the --- lines at the top of each file)")
    if config.languages:
        missing = [c for c in config.languages if c not in languages]
        if missing:
            raise ConfigError([Problem(_where(config, ("languages",)), "languages",
                                       f"no {m}.md for language '{m}'") for m in missing],
                              hint="add the missing files or remove the languages from the list")
        languages = {c: languages[c] for c in config.languages}
    if not languages:
        raise ProjectError(f"{root}: no language files", "add one Markdown file per language, named by its code: en.md, ar.md, fr.md")
    if config.default_lang and config.default_lang not in languages:
        raise ConfigError([Problem(_where(config, ("default_lang",)), "default_lang",
                                   f"no {config.default_lang}.md in the project")],
                          hint=f"set default_lang to one of: {', '.join(languages)}")
    return Project(root=root, config=config, languages=languages, is_example=is_example,
                   variants=_load_variants(root, config, list(languages)))


def _load_variants(root: Path, config: Config, languages: list[str]) -> tuple[Variant, ...]:
    """``variants.csv`` (or ``.yaml``) beside pamphlet.yaml, checked; () when there is none."""
    table = variants.find(root)
    if table is None:
        return ()
    return variants.parse(table, _read_text(confine(table, root)), config, languages)


def _where(config: Config, key: tuple[str, ...]) -> Location:
    """Where a setting is in pamphlet.yaml (a project on default settings has no file to point into)."""
    return config.source.where(key) if config.source else Location(config.path)


def _language_files(root: Path) -> dict[str, list[Path]]:
    """``en.md`` or a folder ``en/`` of Markdown files read in name order."""
    found: dict[str, list[Path]] = {}
    for entry in sorted(root.iterdir()):
        if entry.name.startswith((".", "_")) or entry.name.lower() == "readme.md":
            continue
        if entry.is_file() and entry.suffix == ".md":
            code = entry.stem
        elif entry.is_dir() and re.fullmatch(LANG_RE, entry.name):
            code = entry.name
        else:
            continue
        if not re.fullmatch(LANG_RE, code):
            log.warning("%s: skipped: '%s' is not a language code (like en, ar, pt-BR)", entry, code)
            continue
        if entry.is_dir():
            confine(entry, root)  # a folder linked to somewhere else is refused before it is listed
            files = sorted(p for p in entry.iterdir() if p.suffix == ".md" and p.is_file())
            if not files:
                continue
            found.setdefault(code, []).extend(files)
        else:
            found.setdefault(code, []).insert(0, entry)
    for files in found.values():
        for path in files:
            confine(path, root)
    return found


def confine(path: Path, root: Path) -> Path:
    """``path``'s real location, which must lie inside ``root``; checked before anything reads it.

    A project file that is a link to ``/etc/passwd`` would otherwise be read and
    printed; the error names the file as the project does (``en/02.md``), never
    the link's target. A missing file is returned as it is (the reader reports it).
    """
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        return path
    except (OSError, RuntimeError):
        raise ContentError(f"{_shown(path, root)}: cannot read (a link that points to itself?)",
                           "replace the link with the file itself") from None
    if not real.is_relative_to(root.resolve()):
        what = "folder" if real.is_dir() else "file"
        raise ContentError(f"{_shown(path, root)}: refused: it is a link to a {what} outside the project",
                           f"copy the {what} into the project folder instead of linking to it")
    return real


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _load_language(code: str, files: list[Path], problems: list[Problem]) -> Language | None:
    """Front matter comes from the first file; bodies are joined in order."""
    meta: dict[str, Any] = {}
    meta_lines: dict[str, int] = {}
    bodies: list[str] = []
    parts: list[tuple[Path, int, int]] = []
    first_line = 1
    joined_line = 1
    for i, path in enumerate(files):
        text = _read_text(path)
        fm, body, body_line = split_front_matter(text)
        if i == 0:
            first_line = body_line
            if fm is None and _FM_OPEN.match(text):
                problems.append(Problem(Location(path, 1), "", "the front matter has no closing --- line: "
                                        "end it with a line holding only ---, after its last field"))
                return None
            if fm is None:
                problems.append(Problem(Location(path, 1), "", "no front matter: start the file with a --- block holding at least `title:`"))
                return None
            try:
                src = yamlsrc.load(fm, path, line_offset=1)
            except ConfigError as exc:
                problems.extend(exc.problems)
                return None
            meta, probs = parse_front_matter(src)
            problems.extend(probs)
            meta_lines = {key: src.line((key,)) for key in meta}
            meta_lines.update({f"{key}[{i}]": src.line((key, i)) for key, value in meta.items()
                               if isinstance(value, list) for i in range(len(value))})  # a slogan's own line
        elif fm is not None:
            problems.append(Problem(Location(path, 1), "", f"only the first file of {code}/ may have front matter"))
        parts.append((path, joined_line, body_line))
        bodies.append(body.rstrip("\n") + "\n")
        joined_line += body.rstrip("\n").count("\n") + 2
    return Language(code=code, path=files[0], meta=meta, body="\n".join(bodies), body_line=first_line,
                    parts=tuple(parts), meta_lines=meta_lines)
