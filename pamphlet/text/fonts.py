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
        for face, cmap in faces:
            self.faces.setdefault(face.family, []).append(face)
            self.coverage.setdefault(face.family, set()).update(cmap)

    def families(self) -> list[str]:
        return sorted(self.faces)

    def check_stack(self, stack: list[str], where: Location, field: str) -> list[str]:
        """Families of ``stack`` that exist; unknown names are a GlyphError-like problem."""
        unknown = [n for n in stack if n not in self.faces]
        if unknown:
            raise GlyphError(
                f"{where}: {field}: no font named {', '.join(repr(u) for u in unknown)}",
                f"known families: {', '.join(self.families())}; put the font file in the project's fonts/ folder",
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
        "add a font that covers them to the project's fonts/ folder and name its family under "
        "`fonts: {<script>: {body: [...]}}` in pamphlet.yaml",
    )
