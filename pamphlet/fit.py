"""Fitting a laid-out edition to its layout's page rule: shrink, fill, pad.

The only input is a ``lay(scale, blanks)`` function that lays the edition out
at a type scale; everything here is arithmetic on page counts and on where the
text ends, so one bisection helper serves shrinking and enlarging alike.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from . import render
from .errors import FitError
from .layouts import Layout
from .render import LaidOut

log = logging.getLogger(__name__)

MAX_FILL_SCALE = 1.2
LayFn = Callable[[float, int], LaidOut]


@dataclass
class Fitted:
    """A laid-out edition and what fitting it did."""

    laid: LaidOut
    scale: float = 1.0
    blanks: int = 0
    passes: int = 0


class _Counter:
    """Counts layout passes (a pass is a full WeasyPrint layout, the expensive step)."""

    def __init__(self, lay: LayFn):
        self._lay = lay
        self.passes = 0

    def __call__(self, scale: float, blanks: int = 0) -> LaidOut:
        self.passes += 1
        return self._lay(scale, blanks)


def fit(layout: Layout, lay_fn: LayFn, *, name: str, words: int, fit: bool = True, min_scale: float = 0.85,
        pages_wanted: int | None = None) -> Fitted:
    """Lay out the edition; shrink the type to fit a page limit; fill short text; pad with blanks.

    Fixed-size layouts shrink the type when they overflow and, where the layout
    says so, enlarge it rather than print an empty panel; layouts that save
    sheets try one sheet fewer when they would pad three blank pages.
    """
    lay = _Counter(lay_fn)
    if pages_wanted and layout.takes_page_count and layout.multiple_of > 1 and pages_wanted % layout.multiple_of:
        raise FitError(f"{name}: --pages {pages_wanted} is not a multiple of {layout.multiple_of}",
                       f"use --pages {layout.padded(pages_wanted)}")
    limit = layout.page_limit(pages_wanted)
    laid, scale = lay(1.0), 1.0
    if limit and laid.pages > limit:
        if not fit:
            raise _fit_error(layout, name, words, laid, limit, 1.0)
        laid, scale, fits = _shrink(lay, laid, limit, min_scale)
        if not fits:
            raise _fit_error(layout, name, words, laid, limit, min_scale)
    target = layout.target_pages(laid.pages, pages_wanted)
    if fit and not limit and layout.saves_sheets and target > 4 and target - laid.pages >= 3:
        # Three blank pages waste a sheet: fit one sheet fewer when the type stays above the minimum.
        smaller, small_scale, fits = _shrink(lay, laid, target - layout.multiple_of, min_scale)
        if fits:
            laid, scale, target = smaller, small_scale, target - layout.multiple_of
    blanks = max(0, target - laid.pages)
    if fit and scale == 1.0 and layout.fills and blanks:
        laid, scale = _fill(lay, laid, target)
        blanks = max(0, target - laid.pages)
    if blanks and layout.blanks_in_html:
        # Pages differ in size by position (trifold): lay out again with the blanks in the HTML.
        laid = lay(scale, blanks)
    elif blanks:
        laid = render.insert_blank_pages(laid, blanks, before_last=layout.pads_before_back and laid.pages > 1)
    log.debug("%s: %d layout passes, scale %.4f, %d blank(s)", name, lay.passes, scale, blanks)
    return Fitted(laid, scale, blanks, lay.passes)


def _shrink(lay: _Counter, laid: LaidOut, limit: int, min_scale: float) -> tuple[LaidOut, float, bool]:
    """The largest type scale at which the edition fits ``limit`` pages.

    Text area grows with the square of the type scale: guess from how much is
    over, check the guess, then halve the bracket two or three times (about 1 %).
    Returns (layout, scale, True), or the layout at ``min_scale`` and False.
    """
    over = render.overflow_fraction(laid, limit)
    guess = max(min_scale, min(0.995, ((1 - over) ** 0.5) * 0.995))
    trial = lay(guess)
    if trial.pages <= limit:
        lo, hi, best = guess, 1.0, trial
    else:
        low = lay(min_scale) if guess > min_scale else trial
        if low.pages > limit:
            return low, min_scale, False
        lo, hi, best = min_scale, guess, low
    for _ in range(2 if hi - lo < 0.06 else 3):
        mid = round((lo + hi) / 2, 4)
        trial = lay(mid)
        if trial.pages <= limit:
            lo, best = mid, trial
        else:
            hi = mid
    return best, lo, True


def _fill(lay: _Counter, laid: LaidOut, target: int) -> tuple[LaidOut, float]:
    """Enlarge the type (up to 120 %) so short text fills the pages instead of leaving blanks."""
    best, best_scale = laid, 1.0
    top = lay(MAX_FILL_SCALE)
    if top.pages <= target:
        return top, MAX_FILL_SCALE
    lo, hi = 1.0, MAX_FILL_SCALE
    for _ in range(3):
        mid = round((lo + hi) / 2, 4)
        trial = lay(mid)
        if trial.pages <= target:
            lo, best, best_scale = mid, trial, mid
        else:
            hi = mid
    return best, best_scale


def _fit_error(layout: Layout, name: str, words: int, laid: LaidOut, limit: int, scale: float) -> FitError:
    over = render.overflow_fraction(laid, limit)
    extra = max(1, round(words * over))
    at = f", even at {round(scale * 100)} % type" if scale < 1 else ""
    alt = "use a larger --pages" if layout.takes_page_count else "use -l booklet"
    return FitError(
        f"{name}: needs {laid.pages} pages, the layout has {limit}{at}; about {extra} words too many",
        f"shorten the text or {alt}")
