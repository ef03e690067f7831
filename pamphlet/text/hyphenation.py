"""Parsed Pyphen dictionaries, cached on disk as JSON.

Pyphen parses its ``hyph_*.dic`` pattern files from scratch in every process:
English costs ~0.15–0.26 s, German ~1.2–1.6 s, and every build worker pays it
again for each language it hyphenates. The parsed patterns are plain data, so
we keep them under ``$XDG_CACHE_HOME/pamphlet/hyphenation/`` and read them back
in a fraction of that time (German ~0.08 s).

Safety: the cache is JSON, never pickle or marshal, and it is checked before
use — a file that does not parse, has the wrong shape, or was written for
another dictionary file (path, size, mtime), another Pyphen or another format
version is ignored and rewritten. The worst a tampered file could do is change
where words break.

:func:`install` swaps ``pyphen.HyphDict`` for :class:`CachedHyphDict`, which
``pyphen.Pyphen`` (and so WeasyPrint's ``text/line_break.py``, which builds a
``pyphen.Pyphen(lang=…)`` per document and relies on Pyphen's per-process
``hdcache``) then constructs. Each dictionary is read at most once per process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import pyphen

from pamphlet.output import cache_write

log = logging.getLogger(__name__)

#: Bump when the layout of the cache files changes.
FORMAT = 1
_ORIGINAL_HYPHDICT: type[pyphen.HyphDict] = pyphen.HyphDict

# A pattern's values: small ints, or for non-standard hyphenation (e.g. Hungarian
# "ssz=sz") a pyphen.DataInt carrying (change, index, cut).
Entry = tuple[int, tuple[int, ...]]


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/pamphlet/hyphenation`` (``~/.cache`` when unset)."""
    from pamphlet.text.memo import cache_root

    return cache_root() / "hyphenation"


def _key(path: Path) -> dict[str, Any] | None:
    """What the parsed patterns depend on; None when the dictionary is not a plain file."""
    try:
        real = Path(os.fspath(path)).resolve()
        st = real.stat()
    except (OSError, TypeError):
        return None
    return {"format": FORMAT, "pyphen": pyphen.__version__, "path": str(real), "size": st.st_size,
            "mtime_ns": st.st_mtime_ns}


def cache_file(key: dict[str, Any]) -> Path:
    """One file per dictionary version: the dictionary's name plus a digest of its key."""
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]
    return cache_dir() / f"{Path(key['path']).stem}-{digest}.json"


def _encode_value(value: int) -> int | list[Any]:
    data = getattr(value, "data", None)
    return [int(value), *data] if data is not None else int(value)


def _decode_value(value: Any) -> int:
    if type(value) is int:
        return value
    if (isinstance(value, list) and len(value) == 4 and type(value[0]) is int and isinstance(value[1], str)
            and type(value[2]) is int and type(value[3]) is int):
        return pyphen.DataInt(value[0], (value[1], value[2], value[3]))
    raise ValueError(f"bad pattern value {value!r}")


def encode(patterns: dict[str, Entry], key: dict[str, Any]) -> str:
    """The JSON text for ``patterns``: a table of the distinct (offset, values) pairs and one
    index per pattern. German's 66 000 patterns share ~2 500 pairs, so the file is small
    and loads fast, and the loaded patterns share their tuples (less memory per worker)."""
    table: list[list[Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    index: list[int] = []
    for start, values in patterns.values():
        encoded = [_encode_value(v) for v in values]
        marker = (start, *(tuple(v) if isinstance(v, list) else v for v in encoded))
        at = seen.get(marker)
        if at is None:
            at = seen[marker] = len(table)
            table.append([start, encoded])
        index.append(at)
    return json.dumps({"key": key, "tags": "\n".join(patterns), "table": table, "index": index},
                      ensure_ascii=False, separators=(",", ":"))


def decode(text: str, key: dict[str, Any]) -> dict[str, Entry]:
    """Patterns from :func:`encode`'s text; ValueError unless it is well-formed and for ``key``."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("key") != key:
        raise ValueError("cache written for another dictionary, Pyphen or format")
    tags, table, index = data.get("tags"), data.get("table"), data.get("index")
    if not (isinstance(tags, str) and isinstance(table, list) and isinstance(index, list)):
        raise ValueError("cache fields missing")
    entries: list[Entry] = []
    for item in table:
        if not (isinstance(item, list) and len(item) == 2 and type(item[0]) is int and isinstance(item[1], list)
                and item[1]):
            raise ValueError("bad table entry")
        entries.append((item[0], tuple(_decode_value(v) for v in item[1])))
    names = tags.split("\n")
    if not names or len(names) != len(index) or not all(type(i) is int for i in index):
        raise ValueError("tags and index differ")
    if min(index) < 0 or max(index) >= len(entries):
        raise ValueError("index out of range")
    return dict(zip(names, map(entries.__getitem__, index), strict=True))


class CachedHyphDict(_ORIGINAL_HYPHDICT):  # type: ignore[misc, valid-type]
    """``pyphen.HyphDict`` that reads its parsed patterns from the disk cache when it can."""

    def __init__(self, path: Path) -> None:
        key = _key(path)
        if key is None:
            super().__init__(path)
            return
        file = cache_file(key)
        try:
            self.patterns = decode(file.read_text(encoding="utf-8"), key)
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
            log.debug("hyphenation cache %s unusable (%s); parsing %s again", file, exc, path)
        else:
            self.cache: dict[str, list[int]] = {}
            self.maxlen = max(map(len, self.patterns))
            return
        super().__init__(path)
        cache_write(file, encode(self.patterns, key))  # atomic: another worker never reads half a file


def install() -> None:
    """Make ``pyphen.Pyphen`` (and so WeasyPrint) build :class:`CachedHyphDict`; idempotent."""
    pyphen.HyphDict = CachedHyphDict


def uninstall() -> None:
    """Put Pyphen's own parser back (for tests and comparisons)."""
    pyphen.HyphDict = _ORIGINAL_HYPHDICT


def preload(langs: list[str] | tuple[str, ...]) -> None:
    """Load the dictionaries of ``langs`` into Pyphen's per-process cache now.

    For a fork server: what is loaded before forking is shared by every worker.
    Languages without a dictionary (Arabic, Persian, Hebrew) are skipped.
    """
    install()
    for lang in langs:
        name = pyphen.language_fallback(lang)
        if name:
            pyphen.Pyphen(lang=name)
