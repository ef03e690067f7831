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
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pamphlet import __version__
from pamphlet.output import atomic_write
from pamphlet.resources import fonts_dir, templates_dir

if TYPE_CHECKING:
    from pamphlet.source.model import Project

log = logging.getLogger(__name__)

MANIFEST = ".pamphlet-manifest.json"
_FORMAT = 1


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
    h = hashlib.sha256(f"pamphlet {__version__} manifest {_FORMAT}".encode())
    h.update(file_digest(config).encode() if config.is_file() else b"no pamphlet.yaml")
    h.update(_builtin_digest().encode())
    h.update(code_digest().encode())
    h.update(_tree_digest(root / "templates", confine=root).encode())
    h.update(_tree_digest(root / "fonts", by_stat=True, confine=root).encode())
    if project.config.fonts:  # the installed fonts it names: another machine's (or none) is another build
        from pamphlet.text.fonts import installed_digest, project_families

        h.update(installed_digest(project_families(project.config.fonts)).encode())
    return h.hexdigest()


def edition_key(*, shared: str, lang_files: list[Path], options: dict[str, Any]) -> str:
    """Digest of everything an edition is known up front to depend on (``shared``: ``project_digest``)."""
    h = hashlib.sha256(shared.encode())
    h.update(json.dumps(options, sort_keys=True, default=str).encode())
    for path in lang_files:
        h.update(str(path.name).encode())
        h.update(file_digest(path).encode())
    return h.hexdigest()


@dataclass
class Entry:
    key: str
    deps: dict[str, str]      # fetched file → sha256 (images and fonts WeasyPrint loaded)
    outputs: list[str]
    result: dict[str, Any]


class Manifest:
    """The output folder's record of what was built from what."""

    def __init__(self, out: Path):
        self.path = out / MANIFEST
        self.entries: dict[str, Entry] = {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if raw.get("format") == _FORMAT:
                self.entries = {k: Entry(**v) for k, v in raw.get("editions", {}).items()}
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            log.info("%s: unreadable manifest (%s); rebuilding everything", self.path, exc)
            self.entries = {}

    def up_to_date(self, name: str, key: str) -> Entry | None:
        entry = self.entries.get(name)
        if entry is None or entry.key != key:
            return None
        if not all(Path(p).is_file() for p in entry.outputs):
            return None
        for dep, digest in entry.deps.items():
            try:
                if file_digest(Path(dep)) != digest:
                    return None
            except OSError:
                return None
        return entry

    def record(self, name: str, entry: Entry) -> None:
        self.entries[name] = entry

    def forget(self, name: str) -> None:
        self.entries.pop(name, None)

    def save(self) -> None:
        data = {"format": _FORMAT, "editions": {k: asdict(v) for k, v in sorted(self.entries.items())}}
        try:
            atomic_write(self.path, json.dumps(data, indent=1, sort_keys=True).encode())
        except Exception as exc:  # a manifest we can't write only costs a rebuild next time
            log.warning("%s: could not save the build manifest (%s)", self.path, exc)


def build_date(paths: list[Path]) -> int:
    """Seconds since the epoch stamped into PDFs: SOURCE_DATE_EPOCH, else the newest input's mtime."""
    from pamphlet.source.config import source_date_epoch

    epoch = source_date_epoch()
    if epoch is not None:
        return epoch
    return max((int(p.stat().st_mtime) for p in paths if p.exists()), default=0)
