"""Bundled and project fonts: discovery, ``@font-face`` CSS, glyph coverage.

Fonts are found by reading their name tables (fontTools), so a project only
drops a file into its ``fonts/`` folder and names the family in
``pamphlet.yaml``. Every family a stack names is declared with ``@font-face``
so the output never depends on what the machine has installed, and every
character of an edition is checked against its stack before rendering.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pamphlet.errors import ContentError, GlyphError, Location
from pamphlet.output import cache_write_json
from pamphlet.resources import fonts_dir

FONT_SUFFIXES = {".ttf", ".otf", ".woff", ".woff2"}
# Characters a layout never shows as glyphs (controls, joiners, marks of direction).
_INVISIBLE = {0x09, 0x0A, 0x0D, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0xFE0E, 0xFE0F,
              0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0xAD}


@dataclass(frozen=True)
class Face:
    family: str
    weight: int
    italic: bool
    path: Path


def _cache_file() -> Path:
    from pamphlet.text.memo import cache_root

    return cache_root() / "fonts-v2.json"


class _FaceCache:
    """Font names and coverage, remembered across runs by path, size and mtime.

    Reading the bundled fonts' cmaps with fontTools costs ~0.1 s per process; the build runs in
    fresh processes, so this is worth keeping on disk. A broken cache is ignored, an unwritable one
    only costs the reading again.
    """

    def __init__(self) -> None:
        self.path = _cache_file()
        self.dirty = False
        try:
            self.data: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}

    def get(self, path: Path, shown: str | None = None) -> tuple[Face, frozenset[int]]:
        st = path.stat()
        key = f"{path}|{st.st_size}|{st.st_mtime_ns}"
        hit = self.data.get(key)
        if isinstance(hit, dict):
            try:
                cmap = frozenset(cp for lo, hi in hit["ranges"] for cp in range(lo, hi + 1))
                return Face(hit["family"], int(hit["weight"]), bool(hit["italic"]), path), cmap
            except (KeyError, TypeError, ValueError):
                pass
        face, cmap = _read_face(path, shown)
        self.data[key] = {"family": face.family, "weight": face.weight, "italic": face.italic,
                          "ranges": _ranges(cmap)}
        self.dirty = True
        return face, cmap

    def save(self) -> None:
        if self.dirty and cache_write_json(self.path, self.data):
            self.dirty = False


def _ranges(cps: frozenset[int]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for cp in sorted(cps):
        if out and cp == out[-1][1] + 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return [(a, b) for a, b in out]


#: OS/2 usWidthClass → the width's name, appended to the family of a condensed or expanded face.
_WIDTHS = {1: "UltraCondensed", 2: "ExtraCondensed", 3: "Condensed", 4: "SemiCondensed", 6: "SemiExpanded",
           7: "Expanded", 8: "ExtraExpanded", 9: "UltraExpanded"}


def _read_face(path: Path, shown: str | None = None) -> tuple[Face, frozenset[int]]:
    from fontTools.ttLib import TTFont, TTLibError  # only on a cache miss: it costs ~10 ms to import

    try:
        font = TTFont(path, lazy=True, fontNumber=0)
        name = font["name"]
        family = (name.getDebugName(16) or name.getDebugName(1) or path.stem).strip()
        os2 = font["OS/2"] if "OS/2" in font else None
        weight = int(os2.usWeightClass) if os2 else 400
        if os2 and os2.fsSelection & 0x20 and weight < 600:  # flagged Bold but weighted 400 (Noto Nastaliq Urdu Bold)
            weight = 700
        width = int(os2.usWidthClass) if os2 else 5
        if width != 5 and name.getDebugName(16):  # a condensed face is its own family, not a second "Noto Sans" Bold
            family = f"{family} {_WIDTHS.get(width, f'Width{width}')}"
        italic = bool(os2.fsSelection & 1) if os2 else "italic" in path.stem.lower()
        cmap = frozenset(font.getBestCmap() or {})
    except (TTLibError, OSError, KeyError, AssertionError, ValueError, struct.error) as exc:
        raise ContentError(f"{shown or path}: not a usable font ({exc})",
                           "use a .ttf or .otf file; remove the file from fonts/ if it is not a font") from None
    return Face(family, weight, italic, path), cmap


def scan(folder: Path, cache: _FaceCache | None = None, confine: Path | None = None
         ) -> list[tuple[Face, frozenset[int]]]:
    """Every font in ``folder`` (recursively), with its character coverage.

    Each file's real path must lie inside ``confine`` (default: ``folder``) and is
    checked before fontTools opens it: a project's ``fonts/Leak.ttf`` linked to
    ``/etc/passwd`` is refused by its name in the project, never by its target.
    """
    if not folder.is_dir():
        return []
    confine = (confine or folder).resolve()
    if not folder.resolve().is_relative_to(confine):  # fonts/ itself a link elsewhere: refused before it is listed
        raise ContentError(f"{_shown(folder, confine)}: refused: it is a link to a folder outside the project",
                           "copy the font files into the project's fonts/ folder instead of linking to it")
    cache = cache or _FaceCache()
    out = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in FONT_SUFFIXES:
            continue
        shown = _shown(path, confine.parent if confine == folder.resolve() else confine)
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise ContentError(f"{shown}: cannot read this font (a broken link?)",
                               "remove the link from fonts/ or copy the font file there") from None
        if not real.is_relative_to(confine):
            raise ContentError(f"{shown}: refused: it is a link to a file outside the project",
                               "copy the font file into the project's fonts/ folder instead of linking to it")
        if real.is_file():
            out.append(cache.get(real, shown))
    cache.save()
    return out


def _shown(path: Path, root: Path) -> str:
    """``fonts/Leak.ttf``: a font's path as the project names it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


class FontBook:
    """The fonts an edition may use: bundled ones plus the project's own."""

    def __init__(self, project_fonts: Path | None = None):
        cache = _FaceCache()
        faces = scan(fonts_dir(), cache)
        if project_fonts is not None:
            faces += scan(project_fonts, cache, confine=project_fonts.parent)
        self.faces: dict[str, list[Face]] = {}
        self.coverage: dict[str, set[int]] = {}
        self.installed: dict[str, list[Path]] = {}  # families found with fontconfig (add_installed)
        for face, cmap in faces:
            self.faces.setdefault(face.family, []).append(face)
            self.coverage.setdefault(face.family, set()).update(cmap)

    def families(self) -> list[str]:
        return sorted(self.faces)

    def add_installed(self, names: list[str]) -> None:
        """Look up with fontconfig each of ``names`` (families a project's ``fonts:`` names) that neither
        pamphlet nor the project has; add the faces found. Nothing else on the system is ever used."""
        cache: _FaceCache | None = None
        for name in names:
            if name in self.faces or name in self.installed:
                continue
            files = installed_files(name)
            if not files:
                continue
            cache = cache or _FaceCache()
            for path in files:
                face, cmap = cache.get(path)
                face = Face(name, face.weight, face.italic, path)  # under the name the project wrote
                self.faces.setdefault(name, []).append(face)
                self.coverage.setdefault(name, set()).update(cmap)
            self.installed[name] = files
        if cache is not None:
            cache.save()

    def installed_paths(self) -> list[Path]:
        """The installed font files this book uses (the renderer's sandbox lets exactly these through)."""
        return sorted({path for files in self.installed.values() for path in files})

    def check_stack(self, stack: list[str], where: Location, field: str) -> list[str]:
        """Families of ``stack`` that exist; unknown names are a GlyphError-like problem."""
        unknown = [n for n in stack if n not in self.faces]
        if unknown:
            raise GlyphError(
                f"{where}: {field}: no font named {', '.join(repr(u) for u in unknown)} (not bundled, not in the "
                "project's fonts/ folder, not installed on this machine)",
                f"known families: {', '.join(self.families())}; put the font file in the project's fonts/ folder, "
                "or install the font on every machine that builds (fc-list shows what fontconfig finds)",
            )
        return stack

    def font_face_css(self, families: set[str]) -> str:
        """``@font-face`` rules for ``families``, pointing at local files."""
        rules = []
        for family in sorted(families):
            for face in sorted(self.faces.get(family, []), key=lambda f: (f.weight, f.italic, str(f.path))):
                rules.append(
                    "@font-face { font-family: %s; src: url(%s); font-weight: %d; font-style: %s; }"
                    % (_css_string(family), _css_string(face.path.as_uri()), face.weight,
                       "italic" if face.italic else "normal"))
        return "\n".join(rules)

    def covered(self, stack: list[str]) -> set[int]:
        out: set[int] = set()
        for fam in stack:
            out |= self.coverage.get(fam, set())
        return out


def _css_string(s: str) -> str:
    """A CSS string literal; a font's family name (read from the file) cannot end the string, the
    rule or the ``<style>`` element it goes into."""
    escaped = s.replace("\\", "\\\\").replace('"', '\\"')
    for ch, code in (("<", "\\3c "), (">", "\\3e "), ("\n", "\\a "), ("\r", "\\d "), ("\f", "\\c ")):
        escaped = escaped.replace(ch, code)
    return '"' + escaped + '"'


@dataclass(frozen=True)
class TextSource:
    """A piece of an edition's text and where it comes from."""

    text: str
    location: Location


def missing_glyphs(book: FontBook, stack: list[str], sources: list[TextSource]) -> dict[str, Location]:
    """Characters no font in ``stack`` has, each with where it first occurs."""
    covered = book.covered(stack)
    first: dict[str, Location] = {}
    for src in sources:
        for lineno, line in enumerate(src.text.split("\n")):
            for ch in line:
                cp = ord(ch)
                if cp in covered or cp in _INVISIBLE or cp < 0x20 or ch in first:
                    continue
                if ch == " " or ch.isspace() and cp in (0x20, 0xA0):
                    continue
                loc = src.location
                line_no = (loc.line or 1) + lineno
                first[ch] = Location(loc.path, line_no)
    return first


def glyph_error(lang: str, missing: dict[str, Location], stack: list[str]) -> GlyphError:
    shown = list(missing.items())[:8]
    chars = ", ".join(f"'{ch}' U+{ord(ch):04X} at {loc}" for ch, loc in shown)
    more = f" and {len(missing) - len(shown)} more" if len(missing) > len(shown) else ""
    return GlyphError(
        f"{lang}: {len(missing)} character(s) no font has: {chars}{more} (fonts tried: {', '.join(stack)})",
        _install_hint(lang, list(missing)),
    )


def _install_hint(lang: str, chars: list[str]) -> str:
    """What to install and the ``fonts:`` line to add, for the first script pamphlet bundles no font for."""
    from fontTools import unicodedata as ucd

    from pamphlet.text.languages import script_of

    generic = ("add a font that covers them to the project's fonts/ folder and name its family under "
               "`fonts: {<script>: {body: [...]}}` in pamphlet.yaml")
    for ch in chars:
        hint = INSTALL_HINTS.get(ucd.script(ch))
        if hint is None:
            continue
        name, package, family, row = hint
        row = script_of(lang) if script_of(lang) in ("cjk", "other") else row
        return (f"pamphlet bundles no {name} font: install one (Debian: apt install {package}) and add "
                f"`fonts: {{{row}: {{body: [{family}]}}}}` to pamphlet.yaml, or put a font file in the "
                "project's fonts/ folder and name its family there")
    return generic


# --- installed fonts, when a project names them ----------------------------------------------------------
#
# A family that ``fonts:`` names and that neither pamphlet nor the project's fonts/ folder has is looked up
# with fontconfig (``fc-list``): only those names, never anything else on the system. The files found are
# read like any other font (name table, coverage), declared with ``@font-face`` by their path, allowed by
# the renderer's sandbox, and part of the build's manifest key, so a machine (a Dask worker) without them
# fails the edition with the refusal below instead of printing in another face.

#: What to install for the scripts pamphlet bundles no font for: ISO 15924 code → (the script's name,
#: the Debian package, a family it installs, the row of ``fonts:`` it goes under).
INSTALL_HINTS: dict[str, tuple[str, str, str, str]] = {
    "Thai": ("Thai", "fonts-thai-tlwg", "Loma", "other"),
    "Hani": ("Chinese", "fonts-noto-cjk", "Noto Sans CJK SC", "cjk"),
    "Hira": ("Japanese", "fonts-noto-cjk", "Noto Sans CJK JP", "cjk"),
    "Kana": ("Japanese", "fonts-noto-cjk", "Noto Sans CJK JP", "cjk"),
    "Hang": ("Korean", "fonts-noto-cjk", "Noto Sans CJK KR", "cjk"),
    "Geor": ("Georgian", "fonts-noto-core", "Noto Sans Georgian", "other"),
    "Armn": ("Armenian", "fonts-noto-core", "Noto Sans Armenian", "other"),
    "Khmr": ("Khmer", "fonts-noto-core", "Noto Sans Khmer", "other"),
    "Sinh": ("Sinhala", "fonts-noto-core", "Noto Sans Sinhala", "other"),
    "Laoo": ("Lao", "fonts-noto-core", "Noto Sans Lao", "other"),
    "Mymr": ("Myanmar", "fonts-noto-core", "Noto Sans Myanmar", "other"),
    "Gujr": ("Gujarati", "fonts-noto-core", "Noto Sans Gujarati", "other"),
    "Telu": ("Telugu", "fonts-noto-core", "Noto Sans Telugu", "other"),
    "Knda": ("Kannada", "fonts-noto-core", "Noto Sans Kannada", "other"),
    "Mlym": ("Malayalam", "fonts-noto-core", "Noto Sans Malayalam", "other"),
    "Orya": ("Odia", "fonts-noto-core", "Noto Sans Oriya", "other"),
    "Tibt": ("Tibetan", "fonts-noto-core", "Noto Serif Tibetan", "other"),
}


def _fc_escape(name: str) -> str:
    """A family name inside a fontconfig pattern (``\\``, ``-``, ``:``, ``,`` are pattern syntax)."""
    return "".join("\\" + ch if ch in "\\-:,=" else ch for ch in name)


def _fc_list(pattern: str, fmt: str) -> list[str]:
    """``fc-list PATTERN`` lines, or none when fontconfig's tools are not installed."""
    import shutil
    import subprocess

    tool = shutil.which("fc-list")
    if tool is None:
        return []
    try:
        out = subprocess.run([tool, "--format", fmt, pattern], capture_output=True, text=True, timeout=30,
                             check=False, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted(set(line for line in out.stdout.split("\n") if line.strip()))


def installed_files(family: str) -> list[Path]:
    """The files of an installed family, as fontconfig knows it (its first face of a collection only)."""
    files = []
    for line in _fc_list(":family=" + _fc_escape(family), "%{file}|%{index}\n"):
        path, _, index = line.rpartition("|")
        if index.strip() == "0" and Path(path).suffix.lower() in FONT_SUFFIXES | {".ttc", ".otc"}:
            files.append(Path(path))
    return sorted(set(files))


def installed_digest(families: list[str]) -> str:
    """The installed files ``families`` resolve to, by path, size and time: the manifest key's part for them."""
    import hashlib

    h = hashlib.sha256()
    for family in sorted(set(families)):
        h.update(f"{family}\0".encode())
        for path in installed_files(family):
            try:
                st = path.stat()
            except OSError:
                continue
            h.update(f"{path}|{st.st_size}|{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def project_families(fonts: dict[str, dict[str, list[str] | None]]) -> list[str]:
    """Every family name a project's ``fonts:`` setting names."""
    return sorted({name for roles in fonts.values() for names in roles.values() for name in names or []})


def installed_used(root: Path, fonts: dict[str, dict[str, list[str] | None]]) -> dict[str, list[Path]]:
    """The installed fonts a project's ``fonts:`` names and neither pamphlet nor the project's ``fonts/`` has:
    family → the files fontconfig resolves it to on this machine ({} when it names none). The build names
    them, so a machine (a Dask worker) without them is expected to refuse those editions."""
    names = project_families(fonts)
    if not names:
        return {}
    folder = root / "fonts"
    book = FontBook(folder if folder.is_dir() else None)
    book.add_installed(names)
    return {name: list(files) for name, files in sorted(book.installed.items())}
