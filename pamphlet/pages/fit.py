"""Fitting a laid-out edition to its layout's page rule: shrink, fill, pad.

The only input is a ``lay(scale, blanks, roles)`` function that lays the edition out
at a type scale; everything here is arithmetic on page counts and on where the
text ends, so one bisection helper serves shrinking and enlarging alike.
"""

from __future__ import annotations

import logging
import math
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from pamphlet.errors import FitError, plural
from pamphlet.layouts import Layout
from pamphlet.pages import measure

if TYPE_CHECKING:
    from pamphlet.pages.render import LaidOut
    from pamphlet.pages.score import Score

log = logging.getLogger(__name__)

#: Measure the passes of a layout whose template stretches its last page (the handbill's page-tall column)
#: as if unstretched: its first pass is laid out stretched (see :func:`fit`), the rest of its passes are not.
_NATURAL: ContextVar[bool] = ContextVar("natural", default=False)


def _extent(laid: LaidOut) -> measure.Extent:
    return measure.natural_extent(laid) if _NATURAL.get() else measure.extent(laid)


def _bottom(page: Any) -> float:
    return measure.natural_bottom(page) if _NATURAL.get() else measure.content_bottom(page)


class LayFn(Protocol):
    """Lays the edition out: at a type scale, with blank pages (where the layout puts them in the HTML),
    at a role level, with ``spread`` mm of free space shared out on the last page of a short edition (how:
    the template's business — spacers on a one-page leaflet, a page-tall column on a handbill's side)."""

    def __call__(self, scale: float, blanks: int = 0, roles: int = 0, spread: float = 0.0) -> LaidOut: ...


@dataclass
class Fitted:
    """A laid-out edition and what fitting it did."""

    laid: LaidOut
    scale: float = 1.0
    blanks: int = 0
    passes: int = 0                      # layout passes, counted by the caller's lay function
    roles: int = 0                       # the role level the template was laid out with
    blank_numbers: tuple[int, ...] = ()  # 1-based numbers of the blank pages added
    spread: float = 0.0                  # mm of free space shared out on a short edition's last page
    score: Score | None = None           # its design score (compose.judge)
    candidates: list[Any] = field(default_factory=list)  # the compositions laid out to choose it (compose.py)


def fit(layout: Layout, lay: LayFn, *, name: str, words: int, fit: bool = True, min_scale: float = 0.85,
        pages_wanted: int | None = None, save_sheet_at: int = 3, page_cap: int | None = None,
        pull_back: bool = False, model: Any = None) -> Fitted:
    """Lay out the edition and fit it to its layout's page rule.

    Too long: shrink the type down to ``min_scale``, else refuse. Too short: give
    the layout's panels roles (event, pull quotes, call to action on their own
    pages), then enlarge the type; a zine or tri-fold that still has an empty
    panel is refused with how much text is missing. Booklets pad at most two
    blank pages before the back cover.

    ``model`` (:class:`pamphlet.pages.predict.Model`) predicts the body's length before any pass: a text it
    shows well over its pages is laid out first at the scale it predicts (a little under), not at full size
    only to learn how far over it is; every decision after that is taken from the pass, as before.

    A layout whose template stretches its last page (``stretches``: the handbill) lays its first pass out
    stretched and measures its passes as if unstretched: the text that fits with room to spare (the usual
    case: a digest is made to) is then laid out once, where it took a second pass to spread it out.
    """
    token = _NATURAL.set(fit and layout.stretches)
    try:
        return _fit(layout, lay, name=name, words=words, fit=fit, min_scale=min_scale, pages_wanted=pages_wanted,
                    save_sheet_at=save_sheet_at, page_cap=page_cap, pull_back=pull_back, model=model)
    finally:
        _NATURAL.reset(token)


def _fit(layout: Layout, lay: LayFn, *, name: str, words: int, fit: bool, min_scale: float,
         pages_wanted: int | None, save_sheet_at: int, page_cap: int | None, pull_back: bool,
         model: Any) -> Fitted:
    """:func:`fit`, measuring as :data:`_NATURAL` says."""
    if pages_wanted and layout.takes_page_count and layout.multiple_of > 1 and pages_wanted % layout.multiple_of:
        raise FitError(f"{name}: --pages {pages_wanted} is not a multiple of {layout.multiple_of}",
                       f"use --pages {layout.padded(pages_wanted)}")
    limit = layout.page_limit(pages_wanted)
    if page_cap:
        limit = min(limit or page_cap, page_cap)
    if model is None and fit and getattr(lay, "predict", None) is not None:
        model = lay.predict()  # type: ignore[attr-defined]
    first, aim = _first_scale(layout, model, limit, min_scale, pages_wanted, save_sheet_at) if fit else (1.0, 0)
    if fit and first == 1.0 and not page_cap and not pull_back:
        first, aim = _first_fill(layout, model, limit, pages_wanted)
    stretched = STRETCH if _NATURAL.get() and _stretch_first(layout, model, first) else 0.0
    laid, scale, roles = lay(first, 0, 0, stretched), first, 0
    if first > 1.0 and laid.pages > aim:
        # Enlarged as predicted, it runs over: at full size, as ever (the fill measures from there).
        laid, first, scale = lay(1.0), 1.0, 1.0
    for _ in range(3):
        if not (limit and laid.pages > limit and getattr(lay, "pending", False)):
            break
        # Over, with display type set smaller for the next pass (an event box or a headline too wide for its
        # line): that alone may bring it within the pages. Other passes carry the correction along.
        laid = lay(first, 0, 0, stretched)
    if stretched and limit and laid.pages > limit:
        # Predicted to fit, and it did not: measured unstretched, as every pass after this one is (a column as
        # tall as the page may run on where the text alone would not).
        laid, stretched = lay(first, 0, 0), 0.0
    first_laid = laid
    too_large: list[float] = []  # scales shown not to fit: growing back stays below them
    if limit and laid.pages > limit:
        if not fit:
            raise _fit_error(layout, name, words, laid, limit, 1.0)
        laid, scale, fits = _shrink(lay, laid, limit, min_scale, back_page=layout.pads_before_back,
                                    exponent=layout.shrink_exponent, hopeful=not page_cap, failed=too_large,
                                    at=first)
        if not fits:
            raise _fit_error(layout, name, words, laid, limit, min_scale, laid_scale=scale)
        if layout.fixed_pages and scale < 0.985 and _sparse_body(laid):
            laid, scale = _grow_back(lay, laid, scale, limit, layout, ceiling=min(too_large, default=1.0))
    elif limit and scale < 0.985 and layout.fixed_pages and _sparse_body(laid, PREDICTED_SPARSE):
        # The predicted scale undershot, leaving the body's last page mostly white: grown back, no further
        # than the prediction before its margin (a page fuller than that is what the prediction aimed at).
        laid, scale = _grow_back(lay, laid, scale, limit, layout, ceiling=first / PREDICTED_MARGIN + 0.01)
    if fit and scale == 1.0 and layout.saves_sides and laid.pages == 2 and not pages_wanted:
        laid, scale = _one_side(lay, laid, min_scale)
    target = layout.target_pages(laid.pages, pages_wanted)
    if fit and not limit and layout.saves_sheets and target > 4 and target - laid.pages >= save_sheet_at and \
            _predict(_extent(laid), scale, target - layout.multiple_of, layout.shrink_exponent,
                     layout.pads_before_back) >= min_scale - 0.02:
        # (Not when where the pass it has shows the body ending predicts it over a sheet fewer even at the
        # smallest type: no pass to show it. The German example's booklet, 5 pages, was tried at 85 % for 4
        # that its pass at full size put at 80 %. The model's prediction, before any pass, is not trusted
        # here: it called a Letter booklet with pictures hopeless that fits at 96 %, and two blank pages
        # shipped.)
        # Three blank pages waste a sheet (fewer, in a composition that says so): fit one sheet fewer when
        # the type stays above the minimum.
        smaller, small_scale, fits = _shrink(lay, laid, target - layout.multiple_of, min_scale,
                                             back_page=layout.pads_before_back, exponent=layout.shrink_exponent,
                                             at=scale)
        if fits:
            laid, scale, target = smaller, small_scale, target - layout.multiple_of
        elif scale < 1.0:  # the predicted scale did not save the sheet: the text at full size, as designed
            laid, scale = lay(1.0), 1.0
            target = layout.target_pages(laid.pages, pages_wanted)
    elif fit and not limit and scale < 1.0 and laid.pages > aim:
        # A predicted scale meant to save a sheet that did not (and no longer would): at full size, as designed.
        laid, scale = lay(1.0), 1.0
        target = layout.target_pages(laid.pages, pages_wanted)
    if fit and (scale == 1.0 or pull_back) and layout.roles and laid.pages < target:
        laid, roles = _roles(lay, laid, target, layout.roles, scale)
    if fit and scale == 1.0 and layout.one_side and not roles and laid.pages == 2 and \
            _bottom(laid.document.pages[-1]) < 0.4:
        # A short text on a two-sided layout that has a one-sided form (the handbill): try it on one side;
        # if its foot spills over, once more at the type that side needs, never below ``min_scale`` (the
        # notice of 25 words on a quarter Letter: one side at 95 %, as on A6 at 100 %).
        trial, at = lay(1.0, 0, 1), 1.0
        if trial.pages == 2:
            first, spill = trial.document.pages[0], measure.content_bottom(trial.document.pages[-1])
            room = (measure.page_box(first).content_box_y() + (measure.page_box(first).height or 0)) / first.height
            at = round(min(0.99, (room / (measure.content_bottom(first) + spill)) ** (1 / 1.5)) * 0.99, 4)
            trial = lay(at, 0, 1) if at >= min_scale else trial
        if trial.pages == 1:
            laid, roles, target, scale = trial, 1, 1, at
    # An edition whose last page will be spread out (a one-page leaflet, a handbill) is enlarged until that
    # page is nearly full; others until it is 70 % full.
    fullness = 0.9 if laid.pages <= layout.spreads else 0.7
    # A template that stretches its last page itself (the handbill's page-tall column) needs no measured
    # amount: the fill's last trial is laid out spread already, which saves the pass after it.
    stretch = STRETCH if fit and layout.stretches and laid.pages <= layout.spreads else 0.0
    spread = 0.0
    if fit and scale == 1.0 and layout.fills and (laid.pages < target or _sparse(laid, fullness) or
                                                  (layout.fixed_pages and _sparse_body(laid))):
        laid, scale, spread = _fill(lay, laid, target, layout.fill_max, roles, back_page=layout.pads_before_back,
                                    spread=stretch)
    elif fit and scale == 1.0 and laid.pages < target - layout.blank_ok:
        laid, scale, spread = _fill(lay, laid, target, MAX_FILL_SCALE, roles, back_page=layout.pads_before_back,
                                    spread=stretch)
    elif fit and scale == 1.0 and layout.fills_last_page and _sparse_body(laid, LAST_PAGE_WHITE) and \
            _runs_down(laid, layout.fills_last_page, layout.shrink_exponent):
        # A booklet whose text ends high on its last page: a little larger type runs it down that page (a
        # designer's touch); more than that is the pulled-back composition's to cure.
        # Down its own last page, not onto the next (a few lines there would leave that one white instead).
        filled, grown, grown_spread = _fill(lay, laid, laid.pages, layout.fills_last_page, roles,
                                            back_page=layout.pads_before_back, spread=stretch)
        if not _sparse_body(filled, LAST_PAGE_WHITE - 0.1):  # not a few lines run onto the next page instead
            laid, scale, spread = filled, grown, grown_spread
    if fit and not spread and laid is first_laid and stretched and laid.pages <= layout.spreads:
        spread = stretched  # laid out stretched already: kept (with little room to spare, a few mm spread)
    elif fit and not spread and laid.pages <= layout.spreads:
        # Even enlarged, a short text leaves the foot of its (last) page empty: share the space out.
        free = measure.free_below_mm(laid.document.pages[-1], natural=_NATURAL.get())
        if free >= MIN_SPREAD:
            amount = stretch or round(free - 2.0, 1)
            trial = lay(scale, 0, roles, amount)
            if trial.pages == laid.pages:
                laid, spread = trial, amount
    blanks = max(0, target - laid.pages)
    if blanks > layout.blank_ok:
        raise _short_error(layout, name, words, laid, target)
    if blanks and layout.blanks_in_html:
        # Pages differ in size by position (trifold): lay out again with the blanks in the HTML.
        laid = lay(scale, blanks, roles)
    log.debug("%s: scale %.4f, roles %d, blank pages %d, spread %.1f mm", name, scale, roles, blanks, spread)
    return pad(layout, laid, scale, blanks, roles, spread)


def _first_fill(layout: Layout, model: Any, limit: int | None, pages_wanted: int | None) -> tuple[float, int]:
    """The first pass of a short text enlarged: at the scale ``model`` predicts fills its pages (a little
    under), when it predicts what a pass at full size would show the fit — the pages the layout wants, the
    last of them (or the body's last) emptier than the fill allows, nothing a role or one side would cure
    first — and the enlarging worth a pass (:data:`MIN_FILL`), not beyond :data:`FILL_PREDICTED`. Else full size:
    (1.0, 0)."""
    if model is None or not layout.fills or layout.stretches:
        return 1.0, 0
    at_full = model.extent(1.0)
    target = layout.target_pages(at_full.pages, pages_wanted)
    if (limit and at_full.pages > limit) or at_full.pages != target or (layout.saves_sides and at_full.pages == 2 and at_full.end <= 1.0 + SIDE_SPILL):
        return 1.0, 0  # short of its pages (roles first), or a second side to fold into the first
    fullness = 0.9 if at_full.pages <= layout.spreads else 0.7
    body_last = at_full.body_end - math.floor(at_full.body_end - 1e-6)
    last_page = at_full.end - (at_full.pages - 1)
    if not (last_page < fullness or (layout.fixed_pages and at_full.body_end > at_full.body_start
                                     and body_last < 0.7)):
        return 1.0, 0
    predicted = model.scale_for(target, 1.0, layout.fill_max)
    guess = round(predicted * PREDICTED_MARGIN, 4)
    # Type enlarged beyond FILL_PREDICTED is a fault the design score weighs against other compositions:
    # measured first, as ever.
    return (guess, target) if MIN_FILL < guess <= FILL_PREDICTED else (1.0, 0)


#: The largest enlargement a first pass is laid out at from a prediction (compose.ENLARGED: beyond it, the
#: score looks for another composition, which a pass at full size leads to as it always did).
FILL_PREDICTED = 1.35


def _stretch_first(layout: Layout, model: Any, scale: float) -> bool:
    """Lay the first pass of a layout that stretches its last page (the handbill) out stretched: when ``model``
    predicts the text fits its pages, with too little room left to be enlarged (a few per cent more type is
    not worth a pass, see :func:`_fill`) and enough to be spread out — what a pass at full size would be
    followed by. Then that pass is the last one."""
    if model is None or not layout.spreads:
        return False
    end = model.extent(scale).end
    target = layout.spreads
    no_fill = (target - 0.02) * (0.98 / MIN_FILL) ** 2  # a shorter text would be enlarged (_fill's guess)
    return no_fill + STRETCH_SAFETY <= end <= target - STRETCH_SAFETY


#: How far (in pages) from enlarging or running over a text must be predicted to be laid out stretched first.
STRETCH_SAFETY = 0.05


#: The first pass of a text predicted well over its pages is laid out this much under the scale predicted to
#: leave a little room to spare (predict.SAFETY: an overflow costs a pass; type a per cent smaller does not) ...
PREDICTED_MARGIN = 0.985
#: ... and only when the predicted scale is below this (nearer full size, the full-size pass decides).
PREDICTED_BELOW = 0.99
#: ... and only when the text is predicted over its pages by more than this much of a page (or its
#: prediction's doubt, predict.Model.doubt, if more).
PREDICTED_OVER = 0.05
#: After a first pass at a predicted scale, the body's last page is grown back into only when it is filled
#: less than this (mostly white: a fault of the design score).
PREDICTED_SPARSE = 0.5
#: A booklet is laid out first at a scale predicted to save a sheet only this far above the minimum.
SHEET_SURE = 0.01


def _first_scale(layout: Layout, model: Any, limit: int | None, min_scale: float, pages_wanted: int | None,
                 save_sheet_at: int) -> tuple[float, int]:
    """The scale of the first pass: full size, or the scale ``model`` predicts the text fits its pages at
    (a little under) when it predicts the text well over them at full size — over the layout's page limit,
    or (a booklet) so far into a sheet that fitting one sheet fewer would be tried; and the pages it aims at."""
    if model is None or layout.stretches:
        # A handbill's side ends with its contact and QR code, kept whole: a text a few lines longer pushes
        # them onto a third page, which a prediction within a few lines cannot call. Measured first.
        return 1.0, 0
    at_full = model.extent(1.0)
    pages, floor = limit, min_scale + 0.01
    if not limit and layout.saves_sheets:
        target = layout.target_pages(at_full.pages, pages_wanted)
        if target > 4 and target - at_full.pages >= save_sheet_at:
            # A sheet saved only if the type stays above the minimum: a prediction near it would, if wrong,
            # cost the full-size pass as well.
            pages, floor = target - layout.multiple_of, min_scale + SHEET_SURE
    if not pages or model.fits(1.0, pages, -max(PREDICTED_OVER, model.doubt(1.0))):
        return 1.0, 0  # predicted to fit at full size, or too nearly for a prediction to say it does not
    predicted = model.scale_for(pages, min_scale)
    if not floor < predicted < PREDICTED_BELOW:
        return 1.0, 0  # near full size, or at the minimum (a refusal, or a rescue composition): measure first
    return round(max(min_scale, predicted * PREDICTED_MARGIN), 4), pages


MIN_SPREAD = 8.0  # mm left free at the foot of a short edition's last page before it is shared out
STRETCH = 1.0     # the spread of a template that stretches its last page itself (a flag, not a length)


def pad(layout: Layout, laid: LaidOut, scale: float, blanks: int, roles: int, spread: float = 0.0) -> Fitted:
    """The fitted edition: ``laid`` (laid out with the blanks already, where the layout puts them in the
    HTML), or ``laid`` with ``blanks`` blank pages added — before the back cover where there is one."""
    numbers: tuple[int, ...] = ()
    if blanks and not layout.blanks_in_html:
        before_last = layout.pads_before_back and laid.pages > 1
        first = laid.pages if before_last else laid.pages + 1
        numbers = tuple(range(first, first + blanks))
        from pamphlet.pages import render

        laid = render.insert_blank_pages(laid, blanks, before_last=before_last)
    return Fitted(laid, scale, blanks, 0, roles, numbers, spread)


MAX_FILL_SCALE = 1.2
LAST_PAGE_WHITE = 0.55  # a booklet's text ending above this on its last page leaves it mostly white
MIN_FILL = 1.04  # enlarging by less than this is not tried


SIDE_SPILL = 0.25  # a second side filled less than this is folded into the first, type allowing


def _one_side(lay: LayFn, laid: LaidOut, min_scale: float) -> tuple[LaidOut, float]:
    """A two-page edition whose second side holds little (the contact, a few lines: the US Letter leaflet of
    a text that fits one A4 side) on one side, if the type stays above ``min_scale``: one pass, predicted
    from where the content ends, all of it shrinking (headline and event box too) with about the scale to
    the power 1.5. Else as it was (enlarged to fill two sides, later)."""
    end = _extent(laid).end
    if end > 1.0 + SIDE_SPILL:
        return laid, 1.0
    guess = round((0.98 / end) ** (1 / 1.5), 4)
    if guess < min_scale:
        return laid, 1.0
    trial = lay(guess)
    return (trial, guess) if trial.pages == 1 else (laid, 1.0)


def _roles(lay: LayFn, laid: LaidOut, target: int, top: int, scale: float = 1.0) -> tuple[LaidOut, int]:
    """The role level a text short of its pages gets: the lowest whose pages reach ``target``, else the
    highest that stays within it — what trying each level in turn gives, as more roles never mean fewer
    pages. A level gives a page or more, so the search starts at the level the pages missing point to (a
    page short: level 1; three or more short: the top) and moves up or down from there: usually one pass
    where trying each level in turn took up to three. A level predicted over ``target`` beyond the
    prediction's doubt (:meth:`pamphlet.pages.predict.Model.surely_over`: the German example's booklet with
    its pull quotes on pages of their own, 9 pages for 8) is not laid out: it is never the level kept."""
    tried: dict[int, LaidOut | None] = {0: laid}
    predict = getattr(lay, "predict", None)

    def at(level: int) -> LaidOut | None:
        """The level laid out, or None where it is predicted over ``target``."""
        if level not in tried:
            model = predict(level) if predict is not None else None
            over = model is not None and model.surely_over(scale, target)
            tried[level] = None if over else lay(scale, 0, level)
        return tried[level]

    def pages(level: int) -> int:
        found = at(level)
        return target + 1 if found is None else found.pages

    level = min(top, target - laid.pages)
    while level < top and pages(level) < target and pages(level + 1) <= target:
        level += 1
    while level > 0 and pages(level) > target:
        level -= 1
    while level > 0 and pages(level) == target and pages(level - 1) == target:
        level -= 1
    found = at(level)
    assert found is not None  # level 0 is laid out; a level over target is stepped down from
    return found, level


def _sparse(laid: LaidOut, fullness: float = 0.7) -> bool:
    """A last page less than ``fullness`` full (on a layout without a fixed page count)."""
    return _bottom(laid.document.pages[-1]) < fullness


def _runs_down(laid: LaidOut, top: float, exponent: float) -> bool:
    """Whether the body, set at up to ``top`` times its size, would reach 45 % down its last page (predicted
    from where it ends now, its length growing with the scale to ``exponent``): a pass only where one may
    help."""
    now = measure.extent(laid)
    length = now.body_end - now.body_start
    if length <= 0:
        return False
    end = now.body_start + length * top ** exponent
    return end - math.floor(now.body_end - 1e-6) >= LAST_PAGE_WHITE - 0.1


def _sparse_body(laid: LaidOut, fullness: float = 0.7) -> bool:
    """The body's last page less than ``fullness`` full (on a layout whose last page is a back cover, which is
    full however short the text: its contact stands at the foot)."""
    now = _extent(laid)
    if now.body_end <= now.body_start:
        return False
    return now.body_end - math.floor(now.body_end - 1e-6) < fullness


def _short_error(layout: Layout, name: str, words: int, laid: LaidOut, target: int) -> FitError:
    """A text too short for its pages, said in one line ("a 27-word text fills 7 of the zine's 8 pages"); the
    hint leads with the layouts that suit it, then how many words it lacks: the empty pages at the words per
    page the body sets now (enlarged to ``scale`` already: with more words the type stays as large, at most). Words per
    page count the lines of text only, not the pages the event or the call to action was given, nor the
    space a heading leaves on its page: measured against the words that filled them, the estimate was a
    third to a half of what a zine lacked; it is now within about a third either way."""
    per_page = words / max(0.25, measure.text_pages(laid))
    more = max(10, round(per_page * (target - laid.pages) / 10) * 10)
    trifold = layout.name == "trifold"
    own, pages = ("tri-fold", plural(target, "panel")) if trifold else (layout.name, plural(target, layout.page_noun))
    return FitError(f"{name}: a {words}-word text fills {laid.pages} of the {own}'s {pages}",
                    f"a text this short suits -l leaflet or -l handbill (or write about "
                    f"{plural(more, 'more word', 'more words')})")


def _grow_back(lay: LayFn, laid: LaidOut, scale: float, limit: int, layout: Layout, *,
               ceiling: float = 1.0) -> tuple[LaidOut, float]:
    """A shrink that undershot (the German zine at 85 % with its last text page 44 % full, where 89 % fits):
    one larger scale, predicted from where the body ends now, kept if the pages still come out the same.
    ``ceiling``: the smallest scale the shrink saw not fit (the guess stays a step below it)."""
    now = _extent(laid)
    guess = round(min(0.995, scale + 0.04, ceiling - 0.01, _predict(now, scale, limit, layout.shrink_exponent,
                                                                    layout.pads_before_back) * 0.99), 4)
    if guess <= scale + 0.01:
        return laid, scale
    trial = lay(guess)
    return (trial, guess) if trial.pages <= limit else (laid, scale)


def _shrink(lay: LayFn, laid: LaidOut, limit: int, min_scale: float, roles: int = 0, *,
            back_page: bool = False, exponent: float = 2.0, hopeful: bool = True,
            failed: list[float] | None = None, at: float = 1.0) -> tuple[LaidOut, float, bool]:
    """The largest type scale (about) at which the edition fits ``limit`` pages: usually two passes.

    The body's length in pages grows with the type scale (ideally its square, in
    practice less): predict the scale from where the body ends now, lay out once
    to verify, and correct once from the two measurements if the guess was over. ``laid`` was laid out at
    ``at`` (below 1.0: a predicted first pass that came out over). Returns
    (layout, scale, True), or a layout and False when even ``min_scale`` is
    predicted or shown not to fit.
    """
    first = _extent(laid)
    # The most hopeful estimate: everything shrinking with the area of its type — the body alone, or the
    # whole page with it (headlines and the event box shrink too).
    hopeful_scale = max(_predict(first, at, limit, 2.0, back_page),
                        _predict(first.whole(), at, limit, 2.0, back_page))
    if hopeful_scale < min_scale - 0.03 and hopeful:
        return laid, at, False  # clearly too long even by the most hopeful estimate: no pass at the minimum
    if at <= min_scale:
        return laid, min_scale, False  # laid out at the minimum already: shown not to fit
    guess = _predict(first, at, limit, exponent, back_page)
    scale = min(0.995 * at, max(min_scale, guess))
    trial = lay(scale, 0, roles)
    if trial.pages <= limit:
        return trial, scale, True
    if failed is not None:
        failed.append(scale)
    if scale <= min_scale:
        return trial, min_scale, False  # the guess was the minimum already: shown not to fit
    second = _extent(trial)
    if second.body_end > second.body_start and first.body_end > second.body_end:
        exponent = math.log((first.body_end - first.body_start) / (second.body_end - second.body_start)) / \
            math.log(at / scale)
        exponent = min(3.0, max(1.0, exponent))
        again = max(min_scale, min(scale - 0.005, _predict(second, scale, limit, exponent, back_page) * 0.995))
    else:
        again = max(min_scale, scale - 0.03)
    trial = lay(again, 0, roles)
    if trial.pages <= limit:
        return trial, again, True
    if failed is not None:
        failed.append(again)
    if again > min_scale:
        trial = lay(min_scale, 0, roles)
        if trial.pages <= limit:
            return trial, min_scale, True
    return trial, min_scale, False


def _predict(now: measure.Extent, scale: float, pages: int, exponent: float, back_page: bool) -> float:
    """The scale at which the body, now ending at ``now.body_end`` at ``scale``, leaves room for what follows it
    within ``pages`` pages: whole pages when what follows starts a page of its own (a back cover), else its
    height."""
    if back_page:
        tail = float(math.ceil(now.end - 1e-6) - 1 - math.floor(now.body_end - 1e-6))
    else:
        tail = max(0.0, now.end - now.body_end)
    wanted = pages - tail - 0.02
    length, room = now.body_end - now.body_start, wanted - now.body_start
    if length <= 0:
        return scale
    if room <= 0:
        return 0.0
    return scale * (room / length) ** (1 / exponent)


def _fill(lay: LayFn, laid: LaidOut, target: int, top_scale: float, roles: int, *,
          back_page: bool = False, spread: float = 0.0) -> tuple[LaidOut, float, float]:
    """Enlarge the type (up to ``top_scale``) so short text fills its pages: a prediction from where the body
    ends, verified; if it overshoots, one corrected guess; else the layout as it was.

    When what follows the body (call to action, contact) is taller than the body itself, it grows with the
    type too and cannot be taken as fixed: the prediction then fits the whole span from the body's start.

    A trial that no measurement follows is laid out with ``spread`` (a stretching template's: it changes
    where things stand on the page, not how many pages there are). Returns the layout, its scale and the
    spread it was laid out with."""
    now = _extent(laid)
    sections = _section_fills(laid, now)
    if sections:
        return _fill_sections(lay, laid, sections, target, top_scale, roles, spread)
    span = not back_page and (now.end - now.body_end) > (now.body_end - now.body_start)
    guess = round(min(top_scale, _predict(_whole(now) if span else now, 1.0, target, 2.0, back_page) * 0.98), 4)
    nearly_empty = now.body_end - math.floor(now.body_end - 1e-6) < 0.35  # its last text page (a white fault)
    if guess <= MIN_FILL and not (nearly_empty and guess > 1.005):
        return laid, 1.0, 0.0  # a few per cent more type is not worth a layout pass
    last = guess >= top_scale - 0.005  # no enlarging beyond it: nothing is measured after this trial
    trial = lay(guess, 0, roles, spread if last else 0.0)
    if trial.pages <= target and getattr(lay, "overrun", False):
        # Within its pages, but what grows with the type overruns the cover (a tri-fold's subtitle and event
        # box on US Letter at 135 %, its headline as small as a cover lets it go): half as much larger, once.
        half = round(1 + (guess - 1) / 2, 4)
        if half <= MIN_FILL:
            return laid, 1.0, 0.0
        trial = lay(half, 0, roles, spread)
        fits = trial.pages <= target and not getattr(lay, "overrun", False)
        return (trial, half, spread) if fits else (laid, 1.0, 0.0)
    if trial.pages <= target:
        if last:
            return trial, guess, spread
        return _fill_more(lay, now, trial, guess, target, top_scale, roles, back_page, spread)
    then = _extent(trial)
    a, b = (_whole(now), _whole(then)) if span else (now, then)
    if b.body_end <= a.body_end or a.body_end <= a.body_start:
        return laid, 1.0, 0.0
    exponent = math.log((b.body_end - b.body_start) / (a.body_end - a.body_start)) / math.log(guess)
    exponent = min(3.0, max(1.0, exponent))
    again = round(min(guess - 0.01, _predict(a, 1.0, target, exponent, back_page) * 0.98), 4)
    if again <= 1.005:
        return laid, 1.0, 0.0
    trial = lay(again, 0, roles, spread)
    if trial.pages <= target:
        return trial, again, spread
    # Over twice (a headline that jumps to a second line makes the text's growth a step, not a curve):
    # half as much larger, once, rather than not at all.
    half = round(1 + (again - 1) / 2, 4)
    if half <= MIN_FILL:
        return laid, 1.0, 0.0
    trial = lay(half, 0, roles, spread)
    return (trial, half, spread) if trial.pages <= target else (laid, 1.0, 0.0)


def _section_fills(laid: LaidOut, now: measure.Extent) -> list[float]:
    """How full each page of the body is, when the body is sections on pages of their own (a zine's: a
    heading starts a page, role pages); [] when its text flows from page to page."""
    if now.body_end <= now.body_start:
        return []
    first, last = math.floor(now.body_start), math.floor(now.body_end - 1e-6)
    fills = [measure.page_fill(laid.document.pages[i]) for i in range(first, min(last, laid.pages - 1) + 1)]
    return fills if len(fills) >= 3 and max(fills[:-1]) < 0.85 else []


def _fill_sections(lay: LayFn, laid: LaidOut, fills: list[float], target: int, top_scale: float,
                   roles: int, spread: float = 0.0) -> tuple[LaidOut, float, float]:
    """Enlarge sectioned pages until the fullest is nearly full (a page's content grows with about the
    square of the scale); if a section then spills onto another page, halfway once; else as it was."""
    guess = round(min(top_scale, math.sqrt(0.9 / max(max(fills), 0.05))), 4)
    for scale in (guess, round(1 + (guess - 1) / 2, 4)):
        if scale <= 1.02:
            break
        trial = lay(scale, 0, roles, spread)
        if trial.pages <= target:
            return trial, scale, spread
    return laid, 1.0, 0.0


def _whole(extent: measure.Extent) -> measure.Extent:
    """The extent with everything after the body's start counted as body."""
    return extent.whole()


def _fill_more(lay: LayFn, first: measure.Extent, laid: LaidOut, scale: float, target: int, top_scale: float,
               roles: int, back_page: bool, spread: float = 0.0) -> tuple[LaidOut, float, float]:
    """One more step when the enlarged text still leaves much of its pages empty (parts that do not grow
    with the type, such as headlines, make the first prediction short)."""
    now = _extent(laid)
    if now.end > target - 0.2 or now.body_end <= first.body_end:
        return laid, scale, 0.0
    grown = (now.body_end - now.body_start) / max(1e-6, first.body_end - first.body_start)
    exponent = min(3.0, max(0.5, math.log(grown) / math.log(scale))) if grown > 1 else 2.0
    again = round(min(top_scale, _predict(first, 1.0, target, exponent, back_page) * 0.98), 4)
    if again <= scale + 0.02:
        return laid, scale, 0.0
    trial = lay(again, 0, roles, spread)
    return (trial, again, spread) if trial.pages <= target and not getattr(lay, "overrun", False) else \
        (laid, scale, 0.0)


def _fit_error(layout: Layout, name: str, words: int, laid: LaidOut, limit: int, scale: float,
               laid_scale: float | None = None) -> FitError:
    """``laid`` was laid out at ``laid_scale`` (default ``scale``); the words over are estimated at ``scale``."""
    laid_scale = scale if laid_scale is None else laid_scale
    over = measure.overflow_fraction(laid, limit)
    fitting = words * (1 - over) * (laid_scale / scale) ** 2  # smaller type holds more words
    extra = max(1, round(words - fitting))
    pct = round(scale * 100)
    if laid_scale > scale:
        at = "full size" if laid_scale >= 1.0 else f"{round(laid_scale * 100)} % type"
        what = f"needs {laid.pages} pages at {at}, the layout has {limit}, and {pct} % type is not enough"
    else:
        what = f"needs {laid.pages} pages, the layout has {limit}" + (f", even at {pct} % type" if scale < 1 else "")
    alt = "use a larger --pages" if layout.takes_page_count else "use -l booklet"
    error = FitError(f"{name}: {what}; about {plural(extra, 'word')} too many", f"shorten the text or {alt}")
    error.over = extra / max(1, words)
    return error
