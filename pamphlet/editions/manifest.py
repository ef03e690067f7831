"""Incremental builds: a manifest in the output folder says what each edition was built from.

An edition is up to date when the digest of its declared inputs (its language
files, pamphlet.yaml, every template, every font, the tool's version and the
options that shape it) matches, every file WeasyPrint fetched for it last time
(images, fonts) still has the same content, and its outputs still exist. A
missing or corrupt manifest only means everything is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pamphlet import __version__
from pamphlet.output import atomic_write
from pamphlet.resources import fonts_dir, templates_dir

if TYPE_CHECKING:
    from pamphlet.source.model import Project

log = logging.getLogger(__name__)

#: The manifest: JSON lines, appended as editions finish (format 2).
MANIFEST = ".pamphlet-manifest.jsonl"
#: Round 2's manifest, one JSON object rewritten whole on every save (format 1): read and upgraded.
OLD_MANIFEST = ".pamphlet-manifest.json"
_FORMAT = 2
#: How edition keys are computed (unchanged when only the file's format changed: an upgraded manifest still matches).
_KEY_FORMAT = 1


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _tree_digest(folder: Path, *, by_stat: bool = False, confine: Path | None = None) -> str:
    """Digest of every file under ``folder`` (names + contents, or + size/mtime for big font files).

    With ``confine`` (a project's folder), a file or folder that is a link to somewhere outside it counts by
    its name only: it is never listed, opened or hashed (the template loader and the font scan refuse it).
    """
    h = hashlib.sha256()
    inside = confine.resolve() if confine is not None else None
    if folder.is_dir():
        if inside is not None and not folder.resolve().is_relative_to(inside):
            return hashlib.sha256(f"outside:{folder.name}".encode()).hexdigest()
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            h.update(str(path.relative_to(folder)).encode())
            if inside is not None and not path.resolve().is_relative_to(inside):
                h.update(b"outside")
            elif by_stat:
                st = path.stat()
                h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
            else:
                h.update(file_digest(path).encode())
    return h.hexdigest()


@lru_cache(maxsize=4)
def _builtin_digest() -> str:
    return hashlib.sha256((_tree_digest(templates_dir()) + _tree_digest(fonts_dir(), by_stat=True)).encode()).hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """pamphlet's own modules, by name, size and modification time: a build made by other code (a fixed
    layout rule, an upgrade) is not up to date. Stat, not content: ~40 files cost ~0.2 ms, and a file that is
    touched without being changed costs one rebuild, never a stale PDF."""
    here = Path(__file__).resolve().parents[1]  # the whole package
    h = hashlib.sha256()
    for path in sorted(here.rglob("*.py")):
        st = path.stat()
        h.update(f"{path.relative_to(here)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def project_digest(project: Project) -> str:
    """Digest of what every edition of a project shares: pamphlet.yaml, templates, fonts."""
    root, config = project.root, project.config.path
    h = hashlib.sha256(f"pamphlet {__version__} manifest {_KEY_FORMAT}".encode())
    h.update(file_digest(config).encode() if config.is_file() else b"no pamphlet.yaml")
    h.update(_builtin_digest().encode())
    h.update(code_digest().encode())
    h.update(_tree_digest(root / "templates", confine=root).encode())
    h.update(_tree_digest(root / "fonts", by_stat=True, confine=root).encode())
    if project.config.fonts:  # the installed fonts it names: another machine's (or none) is another build
        from pamphlet.text.fonts import installed_digest, project_families

        h.update(installed_digest(project_families(project.config.fonts)).encode())
    return h.hexdigest()


def edition_key(*, shared: str, lang_files: list[Path], options: dict[str, Any],
                digests: dict[Path, str] | None = None) -> str:
    """Digest of everything an edition is known up front to depend on (``shared``: ``project_digest``).

    ``digests``: the language files' digests already computed (a batch hashes each file once, not once
    per variant and layout)."""
    h = hashlib.sha256(shared.encode())
    h.update(json.dumps(options, sort_keys=True, default=str).encode())
    for path in lang_files:
        h.update(str(path.name).encode())
        h.update((digests[path] if digests is not None and path in digests else file_digest(path)).encode())
    return h.hexdigest()


@dataclass
class Entry:
    key: str
    deps: dict[str, str]      # fetched file → sha256 (images and fonts WeasyPrint loaded)
    outputs: list[str]
    result: dict[str, Any]

    def line(self, name: str) -> str:
        """This entry as the manifest's line, its name first (read back without parsing the rest)."""
        return _name_prefix(name) + json.dumps({"key": self.key, "deps": self.deps, "outputs": self.outputs,
                                                "result": self.result}, sort_keys=True)[1:]


def _name_prefix(name: str) -> str:
    return '{"name": ' + json.dumps(name) + ", "


_FORGET = ', "forget": true}'
_DECODER = json.JSONDecoder()


class Entries(Mapping[str, Entry]):
    """The manifest's editions, by name: each kept as its line and parsed when asked for.

    15 000 editions are ~14 MB of lines; parsed and kept as dicts they took ~80 MB
    of the client's memory. A line that does not parse (damaged by hand) is no entry.
    """

    def __init__(self, lines: dict[str, str]):
        self._lines = lines

    def __getitem__(self, name: str) -> Entry:
        try:
            item = json.loads(self._lines[name])
            del item["name"]
            return Entry(**item)
        except (ValueError, TypeError, KeyError, AttributeError):
            raise KeyError(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)


class Manifest:
    """The output folder's record of what was built from what: one JSON line per edition, appended.

    The file starts with a header line (``{"format": 2, …}``); each edition that
    finishes appends one line (``{"name": …, "key": …, "deps": …, "outputs": …,
    "result": …}``, or ``{"name": …, "forget": true}`` for one that failed) in a
    single ``write`` to a file opened for appending, the moment its PDFs are in
    place. A build killed at any point (even ``kill -9``) keeps every edition
    recorded so far and loses at most the line being written, which is skipped
    on reading. A later line for the same edition wins. :meth:`save` (a clean
    finish) compacts the file to one line per edition, atomically.

    Reading takes one pass that reads only each line's name (it comes first);
    an edition's line is parsed when it is checked. 15 000 editions: ~0.1 s to
    read, ~0.5 s to check them all (benchmarks/scale.py).

    Round 2's manifest (``.pamphlet-manifest.json``, one JSON object rewritten
    whole on every save) is read and upgraded: its entries are kept, and the
    first write replaces it with the JSON-lines file.
    """

    def __init__(self, out: Path):
        self.path = out / MANIFEST
        self._lines: dict[str, str] = {}     # name → its line, as read or written
        self.entries = Entries(self._lines)
        self.note: str | None = None         # said once: an old or unreadable file, and what became of it
        self._fd: int | None = None
        self._rewrite = True                 # the file on disk can't take appended lines as it is
        self._digests: dict[str, str | None] = {}
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self._read_old(out / OLD_MANIFEST)
        except (OSError, UnicodeDecodeError) as exc:
            self._say(f"{self.path}: unreadable manifest ({exc}); rebuilding everything")
        else:
            self._read(text)

    def _say(self, note: str, level: int = logging.WARNING) -> None:
        """A manifest ignored is said (as a warning: the build takes longer than the user expects)."""
        self.note = note
        log.log(level, "%s", note)

    def _read(self, text: str) -> None:
        lines = text.split("\n")
        try:
            fmt = json.loads(lines[0]).get("format")
        except (ValueError, AttributeError):
            fmt = None
        if fmt != _FORMAT:
            self._say(f"{self.path}: not a manifest this version reads (format {fmt!r}); rebuilding everything")
            return
        if not text.endswith("\n"):
            lines[-1] = ""  # cut short by a killed build: that edition is rebuilt
        bad = 0
        for line in lines[1:]:
            if not line:
                continue
            try:
                if not (line.startswith('{"name": ') and line.endswith("}")):
                    raise ValueError("not a manifest line")
                name, _ = _DECODER.raw_decode(line, 9)
                if not isinstance(name, str):
                    raise ValueError("no name")
            except ValueError:
                bad += 1
                continue
            if line.endswith(_FORGET) and line == _name_prefix(name) + _FORGET[2:]:
                self._lines.pop(name, None)
            else:
                self._lines[name] = line
        if bad:
            self._say(f"{self.path}: skipped {bad} unreadable line{'s' if bad != 1 else ''}; "
                      f"{'that edition is' if bad == 1 else 'those editions are'} rebuilt")
        # Appending after a torn or damaged line would glue the next record to it: compact first.
        self._rewrite = bool(bad) or not text.endswith("\n")

    def _read_old(self, old: Path) -> None:
        """Round 2's single JSON object (format 1): read its entries; the first write replaces it."""
        try:
            raw = json.loads(old.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            self._say(f"{old}: unreadable old manifest ({exc}); rebuilding everything")
            return
        try:
            if raw.get("format") != 1:
                raise ValueError(f"format {raw.get('format')!r}")
            lines = {str(k): Entry(**v).line(str(k)) for k, v in raw.get("editions", {}).items()}
        except (ValueError, TypeError, AttributeError) as exc:
            self._say(f"{old}: an old manifest this version does not read ({exc}); rebuilding everything")
            return
        self._lines.update(lines)
        self._say(f"{old}: an old manifest (one JSON object); read, and rewritten as {MANIFEST}", logging.INFO)

    def up_to_date(self, name: str, key: str) -> Entry | None:
        entry = self.entries.get(name)
        if entry is None or entry.key != key:
            return None
        if not all(os.path.isfile(p) for p in entry.outputs):
            return None
        for dep, digest in entry.deps.items():
            if self.digest(dep) != digest:
                return None
        return entry

    def digest(self, path: str) -> str | None:
        """A file's sha256, read once per build however many editions fetched it (None: unreadable)."""
        if path not in self._digests:
            try:
                self._digests[path] = file_digest(Path(path))
            except OSError:
                self._digests[path] = None
        return self._digests[path]

    def record(self, name: str, entry: Entry) -> None:
        """Remember an edition built (its PDFs already in place) and append its line at once."""
        self._lines[name] = line = entry.line(name)
        self._append(line)

    def forget(self, name: str) -> None:
        if self._lines.pop(name, None) is not None:
            self._append(_name_prefix(name) + _FORGET[2:])

    def _append(self, line: str) -> None:
        """Append ``line`` (already in ``_lines``, or already gone from it for a forget line)."""
        try:
            if self._fd is None:
                rewrite = self._rewrite
                if rewrite:
                    self._compact()  # the file as it should be, this edition's change included
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                if rewrite:
                    return
            # One write of one whole line: a process killed mid-build leaves whole lines and perhaps one torn last one.
            os.write(self._fd, (line + "\n").encode())
        except Exception as exc:  # a manifest we can't write only costs a rebuild next time
            self._failed(exc)

    def _failed(self, exc: Exception) -> None:
        log.warning("%s: could not write the build manifest (%s)", self.path, exc)
        self.close()
        self._rewrite = True

    def _compact(self) -> None:
        """The whole manifest, one line per edition in name order, written atomically; the old format removed."""
        header = json.dumps({"format": _FORMAT, "pamphlet": __version__})
        atomic_write(self.path, "\n".join([header, *(self._lines[name] for name in sorted(self._lines))]) + "\n")
        (self.path.parent / OLD_MANIFEST).unlink(missing_ok=True)
        self._rewrite = False

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.close(fd)
            except OSError:
                pass

    def save(self) -> None:
        """A clean finish: the file compacted to one line per edition (and the appending handle closed)."""
        self.close()
        try:
            self._compact()
        except Exception as exc:
            self._failed(exc)


def build_date(paths: list[Path]) -> int:
    """Seconds since the epoch stamped into PDFs: SOURCE_DATE_EPOCH, else the newest input's mtime."""
    from pamphlet.source.config import source_date_epoch

    epoch = source_date_epoch()
    if epoch is not None:
        return epoch
    return max((int(p.stat().st_mtime) for p in paths if p.exists()), default=0)
