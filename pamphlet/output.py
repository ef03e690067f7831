"""Output files: their names, and the one way pamphlet writes a file. A leaf module: it imports nothing of
ours but errors.

Every file is written to a temp file in its own folder (``.<name>.<random>.tmp``) and renamed over
the old one, so a reader — a PDF viewer, ``lp``, another worker reading a cache — sees the old file
or the new one, never half of one, and a failed write leaves the old file as it was. Two flavours:

* :func:`atomic_write` / :func:`atomic_write_json` for what the user asked for (PDFs, pictures, the
  test sheet): a file that cannot be written is an :class:`~pamphlet.errors.OutputError`; the file is
  readable by everyone (0644), like one ``cp`` would make.
* :func:`cache_write` / :func:`cache_write_json` for what only saves time next run (the caches under
  ``$XDG_CACHE_HOME/pamphlet``): a folder that cannot be written (read-only, full, a file in the way)
  is logged at debug level and the write reports False; the file stays private to the user (0600).

No fsync: the rename is for readers running now, not for surviving a power cut (a cache lost then
only costs time; outputs are rebuilt by building again).

JSON is written ASCII-only (``\\uXXXX`` escapes), so every ``str`` round-trips — a path with bytes
that are not UTF-8 included.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from pamphlet.errors import OutputError

log = logging.getLogger(__name__)


def output_name(slug: str, lang: str, layout: str, suffix: str = "", variant: str | None = None) -> str:
    """``<slug>-<lang>-<layout><suffix>``, or ``<slug>-<variant>-<lang>-<layout><suffix>`` for a variant."""
    parts = [slug, variant, lang, layout] if variant else [slug, lang, layout]
    return "-".join(parts) + suffix


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` (``str`` as UTF-8) to ``path``, creating its folder; OutputError if it cannot."""
    try:
        fd, tmp = _temp(path)
    except OSError as exc:
        raise OutputError(f"{path.parent}: cannot write here: {exc.strerror}") from None
    try:
        _fill(fd, tmp, path, data, mode=0o644)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None


def atomic_write_json(path: Path, value: Any, *, indent: int | None = None, sort_keys: bool = False) -> None:
    """:func:`atomic_write` of ``value`` as JSON."""
    atomic_write(path, _json(value, indent, sort_keys))


def cache_write(path: Path, data: bytes | str) -> bool:
    """Write a cache file; False (and a debug line) when it cannot be written, which only costs time."""
    try:
        _fill(*_temp(path), path, data, mode=None)
    except OSError as exc:
        log.debug("cannot write %s: %s", path, exc)
        return False
    return True


def cache_write_json(path: Path, value: Any) -> bool:
    """:func:`cache_write` of ``value`` as JSON."""
    return cache_write(path, _json(value, None, False))


def _json(value: Any, indent: int | None, sort_keys: bool) -> bytes:
    return json.dumps(value, indent=indent, sort_keys=sort_keys).encode("ascii")


def _temp(path: Path) -> tuple[int, str]:
    """A new temp file beside ``path`` (its folder made first): its descriptor and name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)


def _fill(fd: int, tmp: str, path: Path, data: bytes | str, *, mode: int | None) -> None:
    """Write ``data`` into the temp file and rename it to ``path``; the temp file never outlives a failure."""
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
