"""What fitting decided, remembered per exact input, so laying out the same edition again takes one pass.

Fitting an edition is deterministic: the same HTML at full size, the same
stylesheets (inlined in that HTML), fonts, images and WeasyPrint give the same
sequence of layout passes and the same result — a type scale, the role level,
blank pages, the words kept whole, whether a handbill prints an excerpt. Those
decisions are small; the passes that found them are not. So they are stored
under a digest of everything that went into them, and an edition whose digest
matches is laid out once, at the remembered decisions, to a byte-identical PDF.

This pays when the same edition is laid out again: ``check`` then ``build``,
``build --force``, a second output folder, options that only change the printer
file (``--signature``, ``--creep``), a CI job rebuilding a tree it built before,
or a variant whose edits do not reach this edition's HTML. Text edits change
the HTML and miss, by design: a hint that is not an exact match could choose a
different scale than a fresh build would, and two machines building the same
sources must print the same pages.

Entries are one small JSON file each under ``$XDG_CACHE_HOME/pamphlet/fit/``
(worker processes write them concurrently without a lock; each write is
atomic). Files WeasyPrint fetched (images, fonts) are part of an entry and
checked by size and modification time. A missing, damaged or stale entry only
means fitting from scratch; a replay that does not give the remembered page
count is dropped and fitted from scratch too.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pamphlet import __version__
from pamphlet.editions.manifest import code_digest
from pamphlet.output import cache_write_json
from pamphlet.text.memo import cache_root, library_version

log = logging.getLogger(__name__)

FORMAT = 6
MAX_ENTRIES = 5000   # files kept; the least recently written go first when a write finds more than this


@dataclass
class Decisions:
    """Everything fitting decided for one edition: enough to lay it out again in one pass."""

    scale: float
    roles: int
    blanks: int
    blank_numbers: list[int]
    pages: int
    excerpt: bool = False
    whole: list[list[str]] = field(default_factory=list)  # words kept whole, one list per discipline round
    deps: dict[str, list[int]] = field(default_factory=dict)  # fetched file → [size, mtime_ns]
    spread: float = 0.0                                       # mm shared out on a short edition's last page
    headline: float = 1.0                                     # the headline's size factor (a long word's fit)
    composition: str = ""                                     # the layout's composition chosen (compose.py)
    digest_budget: int = 0                                    # characters a handbill's digest of the facts had
    event_fit: float = 1.0                                    # the event box's size factor (a wide time range)
    event_wrap: bool = False                                  # the event's date and time may break (see compose)
    headline_cap: float = 1.25                                # how far the headline grows with enlarged text
    posters: str = ""                                         # poster pages' block sizes (compose._poster_pages)


def key(html: str, *, layout: str, paper: str, fit: bool, pages: int | None, min_scale: float,
        project: str = "", composition: str = "") -> str:
    """The digest of what fitting an edition depends on: ``html``, the edition at full size; ``project``,
    the digest of the project's configuration, templates and fonts (``manifest.project_digest``: a template's
    role-page or spread-out branches do not show in the full-size HTML); pamphlet's own code."""
    h = hashlib.sha256(json.dumps([FORMAT, __version__, code_digest(), library_version("weasyprint"),
                                   library_version("pyphen"), layout, paper, fit, pages, min_scale, project,
                                   composition]).encode())
    h.update(html.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _folder() -> Path:
    return cache_root() / "fit"


def _stat(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def fingerprint(paths: list[Path]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for path in paths:
        stat = _stat(str(path))
        if stat is not None:
            out[str(path)] = stat
    return out


def recall(digest: str) -> Decisions | None:
    """The decisions stored under ``digest``, if every file they depended on is unchanged."""
    try:
        raw = json.loads((_folder() / f"{digest}.json").read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            return None
        raw.pop("format")
        found = Decisions(**raw)
        if not _plausible(found):
            return None
        found.scale, found.spread, found.headline = float(found.scale), float(found.spread), float(found.headline)
        found.event_fit, found.headline_cap = float(found.event_fit), float(found.headline_cap)
        found.whole = [[str(w) for w in words] for words in found.whole]
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    if any(_stat(path) != list(stat) for path, stat in found.deps.items()):
        return None
    return found


def _plausible(d: Decisions) -> bool:
    """Values a fit can decide (a damaged or doctored entry is ignored, not laid out)."""
    def number(v: object) -> bool:
        return isinstance(v, float | int) and not isinstance(v, bool)

    return (number(d.scale) and 0.3 <= d.scale <= 3.0 and number(d.spread) and 0 <= d.spread <= 500
            and number(d.headline) and 0.05 <= d.headline <= 1.0
            and isinstance(d.pages, int) and 0 < d.pages <= 1000 and isinstance(d.roles, int) and 0 <= d.roles <= 10
            and isinstance(d.blanks, int) and 0 <= d.blanks <= 8 and isinstance(d.excerpt, bool)
            and isinstance(d.composition, str) and isinstance(d.digest_budget, int) and 0 <= d.digest_budget
            and number(d.event_fit) and 0.05 <= d.event_fit <= 1.0 and isinstance(d.event_wrap, bool)
            and number(d.headline_cap) and 1.0 <= d.headline_cap <= 2.0
            and isinstance(d.blank_numbers, list) and all(isinstance(n, int) for n in d.blank_numbers)
            and isinstance(d.whole, list) and all(isinstance(w, list) for w in d.whole)
            and isinstance(d.deps, dict) and all(isinstance(v, list) for v in d.deps.values()))


def remember(digest: str, decisions: Decisions) -> None:
    """Store ``decisions`` under ``digest``; a cache that cannot be written only costs passes next time."""
    folder = _folder()
    if not cache_write_json(folder / f"{digest}.json", {"format": FORMAT, **asdict(decisions)}):
        return
    try:
        _prune(folder, digest)
    except OSError as exc:
        log.debug("cannot prune the fit cache in %s: %s", folder, exc)


def _prune(folder: Path, digest: str) -> None:
    """Keep at most MAX_ENTRIES files (checked on about one write in four: those whose digest starts with 0–3)."""
    if digest[0] not in "0123":
        return
    entries = [e for e in os.scandir(folder) if e.name.endswith(".json")]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda e: e.stat().st_mtime_ns)
    for entry in entries[: len(entries) - MAX_ENTRIES]:
        Path(entry.path).unlink(missing_ok=True)
