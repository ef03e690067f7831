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

LayFn = Callable[[float, int, int], LaidOut]


@dataclass
class Fitted:
    """A laid-out edition and what fitting it did."""

    laid: LaidOut
    scale: float = 1.0
    blanks: int = 0
    passes: int = 0
    roles: int = 0                       # the role level the template was laid out with
    blank_numbers: tuple[int, ...] = ()  # 1-based numbers of the blank pages added


class _Counter:
    """Counts layout passes (a pass is a full WeasyPrint layout, the expensive step)."""

    def __init__(self, lay: LayFn):
        self._lay = lay
        self.passes = 0

    def __call__(self, scale: float, blanks: int = 0, roles: int = 0) -> LaidOut:
        self.passes += 1
        return self._lay(scale, blanks, roles)


def fit(layout: Layout, lay_fn: LayFn, *, name: str, words: int, fit: bool = True, min_scale: float = 0.85,
        pages_wanted: int | None = None) -> Fitted:
    """Lay out the edition and fit it to its layout's page rule.

    Too long: shrink the type down to ``min_scale``, else refuse. Too short: give
    the layout's panels roles (event, pull quotes, call to action on their own
    pages), then enlarge the type; a zine or tri-fold that still has an empty
    panel is refused with how much text is missing. Booklets pad at most two
    blank pages before the back cover.
    """
    lay = _Counter(lay_fn)
    if pages_wanted and layout.takes_page_count and layout.multiple_of > 1 and pages_wanted % layout.multiple_of:
        raise FitError(f"{name}: --pages {pages_wanted} is not a multiple of {layout.multiple_of}",
                       f"use --pages {layout.padded(pages_wanted)}")
    limit = layout.page_limit(pages_wanted)
    laid, scale, roles = lay(1.0), 1.0, 0
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
    if fit and scale == 1.0 and layout.roles and laid.pages < target:
        for level in range(1, layout.roles + 1):
            trial = lay(1.0, 0, level)
            if trial.pages > target:
                break
            laid, roles = trial, level
            if trial.pages == target:
                break
    if fit and scale == 1.0 and layout.fills and (laid.pages < target or _sparse(laid)):
        laid, scale = _fill(lay, laid, target, layout.fill_max, roles)
    elif fit and scale == 1.0 and laid.pages < target - layout.blank_ok:
        laid, scale = _fill(lay, laid, target, MAX_FILL_SCALE, roles)
    blanks = max(0, target - laid.pages)
    if blanks > layout.blank_ok:
        raise _short_error(layout, name, words, laid.pages, target)
    numbers: tuple[int, ...] = ()
    if blanks and layout.blanks_in_html:
        # Pages differ in size by position (trifold): lay out again with the blanks in the HTML.
        laid = lay(scale, blanks, roles)
    elif blanks:
        before_last = layout.pads_before_back and laid.pages > 1
        first = laid.pages if before_last else laid.pages + 1
        numbers = tuple(range(first, first + blanks))
        laid = render.insert_blank_pages(laid, blanks, before_last=before_last)
    log.debug("%s: %d layout passes, scale %.4f, roles %d, %d blank(s)", name, lay.passes, scale, roles, blanks)
    return Fitted(laid, scale, blanks, lay.passes, roles, numbers)


MAX_FILL_SCALE = 1.2


def _sparse(laid: LaidOut) -> bool:
    """A last page less than 60 % full (on a layout without a fixed page count)."""
    return render.content_bottom(laid.document.pages[-1]) < 0.6


def _short_error(layout: Layout, name: str, words: int, pages: int, target: int) -> FitError:
    body_pages = max(1, pages - 2)
    more = max(10, round(words * (target - pages) / body_pages / 10) * 10)
    noun = "panels" if layout.name == "trifold" else "pages"
    return FitError(f"{name}: the text fills {pages} of {target} {noun}; a {layout.name} needs roughly {more} more "
                    "words", "write more, or try -l leaflet or -l handbill")


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


def _fill(lay: _Counter, laid: LaidOut, target: int, top_scale: float, roles: int) -> tuple[LaidOut, float]:
    """Enlarge the type (up to ``top_scale``) so short text fills its pages instead of leaving blanks."""
    best, best_scale = laid, 1.0
    top = lay(top_scale, 0, roles)
    if top.pages <= target:
        return top, top_scale
    lo, hi = 1.0, top_scale
    for _ in range(3):
        mid = round((lo + hi) / 2, 4)
        trial = lay(mid, 0, roles)
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
