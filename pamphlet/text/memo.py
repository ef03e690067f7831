"""Small results remembered across processes: the QR code's SVG, a formatted date.

A build runs in fresh processes, and some per-project values cost more to
compute than to read: ``segno`` takes ~0.05 s to import for one QR code that
never changes, Babel's first date ~0.02–0.04 s to load its locale data. Such a
value goes into a small JSON file under ``$XDG_CACHE_HOME/pamphlet/`` keyed by
its inputs and by the version of the library that made it (the installed
package's file size and mtime, read without importing it).

Usage (``edition._qr``, ``LangFacts.date``)::

    svg = memo.remembered("qr", (url, dark), lambda: make_svg(url, dark), library="segno")

A missing, damaged or unwritable cache only means computing the value again.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from pamphlet.output import cache_write_json

FORMAT = 1
MAX_ENTRIES = 256  # per kind; the oldest go first

_stores: dict[str, dict[str, Any]] = {}


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/pamphlet`` (``~/.cache/pamphlet``): where values remembered across processes live."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pamphlet"


def _file(kind: str) -> Path:
    return cache_root() / f"memo-{kind}.json"


@cache
def library_version(module: str) -> str:
    """Which installed ``module`` made a value: its top file's path, size and mtime (no import)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return "missing"
    origin = spec.origin if spec else None
    if not origin:
        return "unknown"
    try:
        st = os.stat(origin)
    except OSError:
        return "unknown"
    return f"{origin}|{st.st_size}|{st.st_mtime_ns}"


def _load(kind: str) -> dict[str, Any]:
    store = _stores.get(kind)
    if store is None:
        try:
            data = json.loads(_file(kind).read_text(encoding="utf-8"))
            store = data["entries"] if isinstance(data, dict) and data.get("format") == FORMAT else {}
            if not isinstance(store, dict):
                store = {}
        except (OSError, ValueError, KeyError, TypeError):
            store = {}
        _stores[kind] = store
    return store


def _save(kind: str, store: dict[str, Any]) -> None:
    cache_write_json(_file(kind), {"format": FORMAT, "entries": store})


def remembered(kind: str, key: Sequence[Any], compute: Callable[[], str], *, library: str) -> str:
    """``compute()``, or the string it returned before for the same ``key`` and ``library`` version."""
    ident = json.dumps([library_version(library), *key], ensure_ascii=False, default=str)
    store = _load(kind)
    hit = store.get(ident)
    if isinstance(hit, str):
        return hit
    value = compute()
    store[ident] = value
    while len(store) > MAX_ENTRIES:
        store.pop(next(iter(store)))
    _save(kind, store)
    return value
