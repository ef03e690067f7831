"""Finding and loading a project: config + per-language Markdown + front matter."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import yamlsrc
from .config import LANG_RE, Config, parse_config, parse_front_matter
from .errors import ConfigError, ContentError, Location, Problem, ProjectError
from .resources import example_dir

log = logging.getLogger(__name__)

CONFIG_NAME = "pamphlet.yaml"
_FM_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*\r?$\n?", re.S | re.M)


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

    @property
    def default_lang(self) -> str:
        if self.config.default_lang and self.config.default_lang in self.languages:
            return self.config.default_lang
        return "en" if "en" in self.languages else next(iter(self.languages))


def find_project(path: Path | None) -> tuple[Path, bool]:
    """The project folder to use and whether it is the bundled example.

    No path: the current folder if it holds pamphlet.yaml, else the example.
    """
    if path is None:
        cwd = Path.cwd()
        if (cwd / CONFIG_NAME).is_file():
            return cwd, False
        return example_dir(), True
    if path.is_file() and path.name == CONFIG_NAME:
        path = path.parent
    if not path.exists():
        raise ProjectError(f"{path}: no such folder", "give the folder that holds pamphlet.yaml")
    if not path.is_dir():
        raise ProjectError(f"{path}: not a folder", "give the folder that holds pamphlet.yaml, not a file in it")
    if not (path / CONFIG_NAME).is_file():
        raise ProjectError(f"{path}: no {CONFIG_NAME} in this folder",
                           "create one (see README.md) or run `pamphlet build` with no argument for the bundled example")
    return path.resolve(), path.resolve() == example_dir().resolve()


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
    config = parse_config(yamlsrc.load(_read_text(cfg_path), cfg_path), layout_names)
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
            raise ConfigError([Problem(config.source.where(("languages",)), "languages",
                                       f"no {m}.md for language '{m}'") for m in missing],
                              hint="add the missing files or remove the languages from the list")
        languages = {c: languages[c] for c in config.languages}
    if not languages:
        raise ProjectError(f"{root}: no language files", "add one Markdown file per language, named by its code: en.md, ar.md, fr.md")
    if config.default_lang and config.default_lang not in languages:
        raise ConfigError([Problem(config.source.where(("default_lang",)), "default_lang",
                                   f"no {config.default_lang}.md in the project")],
                          hint=f"set default_lang to one of: {', '.join(languages)}")
    return Project(root=root, config=config, languages=languages, is_example=is_example)


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
        raise ContentError(f"{_shown(path, root)}: refused: it is a link to a file outside the project",
                           "copy the file into the project folder instead of linking to it")
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
        fm, body, body_line = split_front_matter(_read_text(path))
        if i == 0:
            first_line = body_line
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
        elif fm is not None:
            problems.append(Problem(Location(path, 1), "", f"only the first file of {code}/ may have front matter"))
        parts.append((path, joined_line, body_line))
        bodies.append(body.rstrip("\n") + "\n")
        joined_line += body.rstrip("\n").count("\n") + 2
    return Language(code=code, path=files[0], meta=meta, body="\n".join(bodies), body_line=first_line,
                    parts=tuple(parts), meta_lines=meta_lines)
