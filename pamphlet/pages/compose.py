"""Composing an edition: the layout's candidate compositions, each laid out and fitted, scored, the best kept.

A designer does not stretch one template over any text: a leaflet of a text just too long gets tighter
leading or a third column, a handbill of a long text a digest of its facts. Each layout offers a few
:class:`~pamphlet.layouts.Composition`\\ s; this module lays out the plausible ones, fits each to the
layout's page rule (:mod:`pamphlet.pages.fit`: shrink, fill, role levels), scores each from its boxes
(:mod:`pamphlet.pages.score`) and keeps the best. Pruning keeps it cheap: the first composition is laid out, the
others only when it is refused or its score shows a fault they exist to cure (type shrunk below ~90 %, a
mostly white page, words left out).

Everything fitting decides, the composition included, is remembered per exact input (:mod:`pamphlet.pages.fitmemo`):
the same edition laid out again takes one pass.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pamphlet.errors import FitError, Location, ProofError, plural
from pamphlet.layouts import SAFE_MARGIN, Composition
from pamphlet.pages import sides
from pamphlet.resources import data_root

if TYPE_CHECKING:
    from pamphlet.pages.fit import Fitted
    from pamphlet.pages.render import LaidOut
    from pamphlet.pages.score import Score
    from pamphlet.pipeline import BuildOptions
    from pamphlet.source.model import Project
    from pamphlet.text.edition import Prepared

log = logging.getLogger(__name__)

#: A text this share of its words beyond what every composition laid out so far holds is refused without
#: trying the tighter ones (a Russian table in three narrow columns took 3.7 s a pass, for nothing).
FAR_BEYOND = 0.3
#: A composition whose score has none of these faults needs no alternative laid out.
CURABLE = ("white", "excerpt", "facts")
#: Type shrunk below this, or enlarged beyond the other, is a fault an alternative composition may cure.
SHRUNK = 0.9
ENLARGED = 1.35
#: A cover or front that its headline, event and call to action overflow gets a smaller headline, down to this.
COVER_HEADLINE_FLOOR = 0.65
#: How much of a side's generous capacity a handbill's digest may fill at first; then less, twice.
DIGEST_SHARE = (0.45, 0.3, 0.18)


@dataclass
class Candidate:
    """One composition as laid out: fitted and scored, or refused with why."""

    composition: Composition
    fitted: Fitted | None = None
    score: Score | None = None
    refused: str | None = None
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.composition.name

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"composition": self.name, "about": self.composition.about}
        if self.score is not None:
            out["score"] = self.score.as_json()
        if self.refused:
            out["refused"] = self.refused
        return out


# --- the edition's state a composition changes ----------------------------------------------------------


def _snapshot(prepared: Prepared) -> dict[str, Any]:
    return {"context": dict(prepared.context), "excerpt": prepared.excerpt, "warnings": list(prepared.warnings),
            "printed_body": prepared.printed_body, "whole": [set(w) for w in prepared.whole],
            "headline": (prepared.headline, prepared.headline_cap), "digest_lines": list(prepared.digest_lines),
            "composition": prepared.composition, "digest_budget": prepared.digest_budget,
            "event": (prepared.event_fit, prepared.event_wrap, prepared.last_event_fit)}


def _restore(prepared: Prepared, state: dict[str, Any]) -> None:
    prepared.context.clear()
    prepared.context.update(state["context"])
    prepared.excerpt, prepared.printed_body = state["excerpt"], state["printed_body"]
    prepared.warnings[:] = state["warnings"]
    prepared.whole[:] = [set(w) for w in state["whole"]]
    (prepared.headline, prepared.headline_cap), prepared.composition = state["headline"], state["composition"]
    prepared.digest_lines[:] = state["digest_lines"]
    prepared.digest_budget = state["digest_budget"]
    prepared.event_fit, prepared.event_wrap, prepared.last_event_fit = state["event"]


def _apply(prepared: Prepared, composition: Composition, lay: Any = None) -> None:
    """Set the template variables of ``composition`` (``composition``, ``columns``, ``tight``); with ``lay``,
    also measure its headline for balanced lines (:func:`_measure_title`)."""
    prepared.composition = composition.name
    prepared.context["composition"] = composition.name
    prepared.context.update(dict(composition.variables))
    if lay is not None:
        _measure_title(prepared, lay)


def _measure_title(prepared: Prepared, lay: Any) -> None:
    """The headline's units and their widths in the composition's box (predicted: no pass), for
    :meth:`pamphlet.text.edition.Prepared.html` to balance its lines at each pass's size: at a title size
    factor of 1."""
    prepared.context.pop("title_metrics", None)
    if getattr(lay, "predict", None) is None:
        return
    # Measured at a size factor of 1 whatever the headline's is now: a build that replays what fitting
    # decided (fitmemo, its smaller headline already set) measures the very same numbers.
    headline, prepared.headline = prepared.headline, 1.0
    try:
        model = lay.predict()
    finally:
        prepared.headline = headline
    found = model.title_units() if model is not None else None
    if found is not None:
        prepared.context["title_metrics"] = found


# --- laying out -----------------------------------------------------------------------------------------


def lay_out(project: Project, prepared: Prepared, opts: BuildOptions, *, explain: bool = False) -> Fitted:
    """Compose the edition: lay out its candidate compositions, fit and score them, keep the best (in one
    pass when this exact edition was composed before: see fitmemo). ``explain``: lay out every candidate
    (for ``check --explain``), and never replay a remembered choice."""
    from pamphlet.editions.manifest import project_digest
    from pamphlet.pages import fitmemo

    lay = _lay_function(project, prepared)
    layout = prepared.layout
    language = project.languages[prepared.spec.lang]
    own = language.meta.get(layout.name) if layout.excerpts else None
    if own:  # a shorter text written for this layout (`handbill:` in the front matter)
        from markupsafe import Markup

        from pamphlet.text import markdown
        from pamphlet.text.edition import region_of

        converted = markdown.to_html(own, prepared.facts.quotes, prepared.facts.rtl,
                                     region=region_of(prepared.spec.lang))
        prepared.context["body"] = Markup(converted.html)
        prepared.printed_body = own
    min_scale = max(project.config.min_scale, layout.readable_scale) if layout.excerpts else project.config.min_scale
    pinned = opts.composition or language.meta.get("composition")
    digest = fitmemo.key(prepared.html(1.0, 0, 0), layout=layout.name, paper=prepared.spec.paper, fit=opts.fit,
                         pages=opts.pages, min_scale=min_scale, project=project_digest(project),
                         composition=str(pinned or ""))
    remembered = None if explain else fitmemo.recall(digest)
    fitted = _replay(prepared, lay, remembered, balance=opts.fit) if remembered else None
    if fitted is None:
        if opts.fit:
            _predict_display(prepared, lay)
        fitted = _compose(project, prepared, opts, lay, min_scale, own=bool(own), pinned=pinned, explain=explain)
        fitmemo.remember(digest, fitmemo.Decisions(
            fitted.scale, fitted.roles, fitted.blanks, list(fitted.blank_numbers), fitted.laid.pages,
            prepared.excerpt, [sorted(words) for words in prepared.whole], fitmemo.fingerprint(fitted.laid.fetched),
            fitted.spread, prepared.headline, prepared.composition, prepared.digest_budget, prepared.event_fit,
            prepared.event_wrap, prepared.headline_cap, str(prepared.context.get("poster_css", ""))))
    else:
        fitted.score = judge(prepared, fitted)
    fitted.passes = prepared.passes
    return fitted


def _lay_function(project: Project, prepared: Prepared) -> Any:
    """``lay(scale, blanks, roles, spread)``: one layout pass of the edition as it stands (counted)."""
    from pamphlet.pages import render
    from pamphlet.text.edition import font_book  # the installed fonts `fonts:` names (found by prepare)

    roots = [project.root, data_root(), *font_book(project.root).installed_paths()]
    # Compositions often lay out the same HTML (one-side and tight at full size): each page once.
    seen: dict[str, LaidOut] = {}

    def lay(scale: float, blanks: int = 0, roles: int = 0, spread: float = 0.0) -> LaidOut:
        """One pass. Display type that does not fit (a headline word wider than its box, a cover its headline
        overruns, a date wider than its line) is set smaller for the *next* pass: a pass the fit measures on
        its way (a trial scale) carries the correction along, and the composition kept is settled once at
        the end (:func:`_settle`) — laying the same scale out again at once cost a pass in a third of the
        editions. The same HTML is laid out once (compositions often share a page: one-side and tight at
        full size) and corrects nothing the second time."""
        html = prepared.html(scale, blanks, roles, spread)
        if html in seen:
            seen[html] = seen.pop(html)  # the most recent last
            return seen[html]
        prepared.passes += 1
        if len(seen) >= 12:
            del seen[next(iter(seen))]
        laid = seen[html] = render.lay_out(html, project.root, roots)
        lay.pending, cover = _display_fit(prepared, laid, scale)  # type: ignore[attr-defined]
        # A cover its text overruns with the headline as small as a cover lets it go: what grows with the
        # type (the subtitle, the event box) does not fit it at this scale (an enlarged short text's).
        lay.overrun = prepared.headline <= COVER_HEADLINE_FLOOR and cover < 0.995  # type: ignore[attr-defined]
        return laid

    models: dict[str, Any] = {}

    def prediction(roles: int = 0) -> Any:
        """The body's length predicted from the edition as it stands (its composition applied) at role level
        ``roles``: no pass (and the same HTML read once: the display type's prediction and the fit's)."""
        from pamphlet.pages import predict

        html = prepared.html(1.0, 0, roles)
        if html not in models:
            if len(models) >= 8:
                del models[next(iter(models))]
            models[html] = predict.model(prepared, roles, html)
        return models[html]

    lay.pending = lay.overrun = False  # type: ignore[attr-defined]
    lay.predict = prediction  # type: ignore[attr-defined]
    return lay


def _predict_display(prepared: Prepared, lay: Any) -> None:
    """Set the headline smaller before the first pass when a word of it (or its last two, held together) is
    predicted wider than its box (:meth:`pamphlet.pages.predict.Model.display_fit`, from the display face's
    advance widths): what the first pass at full size would have shown :func:`_display_fit`, which set it
    smaller for the pass after — the correction the edition's last pass then had to be laid out again for.
    And how far it may grow with enlarged text (``headline_cap``). A prediction a little short is corrected
    by the pass, as before."""
    model = lay.predict()
    ratio = model.display_fit() if model is not None else 1.0
    if ratio < 1.0 and prepared.headline > 0.4:
        before = prepared.headline
        prepared.headline = max(0.4, math.floor(prepared.headline * ratio * 0.98 * 1000) / 1000)
        ratio *= before / prepared.headline  # its room over its width now: a few per cent to spare
        # Enlarged text would enlarge the headline too, past its box: it grows no further than its room allows
        # (what _display_fit sets after an enlarged pass in which it ran over).
        prepared.headline_cap = min(prepared.headline_cap, max(1.0, math.floor(ratio * 0.98 * 1000) / 1000))


def _display_fit(prepared: Prepared, laid: LaidOut, scale: float) -> tuple[bool, float]:
    """Correct the headline and the event box for the next pass from what this one shows.

    A headline word wider than its box (it is never hyphenated) would run past the panel's edge: the headline
    is set smaller. A cover whose headline and subtitle run into its foot: smaller too (never below
    :data:`COVER_HEADLINE_FLOOR`: what does not fit then is the fit's to shrink, or to refuse). Enlarged text:
    the headline grows less, down to not at all. A date or time range wider than its line (they never break
    inside: "10:00 AM – 1:00 PM" on a handbill) gets smaller type in the event box, never below the body's;
    then, if that did not help, the date may break after its weekday and the time range after its dash.
    Returns whether a correction may change the page count (the event box: it stands in the text's flow; or a
    cover overrun; a headline word too wide for its box changes the cover only), and the cover's fit as this
    pass measured it (measure.cover_fit)."""
    from pamphlet.pages import measure

    before = (prepared.event_fit, prepared.event_wrap)

    fitted = measure.cover_fit(laid)
    word, cover = measure.headline_fit(laid), fitted ** 1.5
    if cover < 1.0 and prepared.headline <= COVER_HEADLINE_FLOOR:
        # The headline is as small as a cover lets it go: the rest is the fit's to shrink (or, enlarged, the
        # cover's picture and event: a headline made smaller pass after pass helped nothing there).
        cover = 1.0
    ratio = min(word, max(cover, COVER_HEADLINE_FLOOR / prepared.headline))
    event = 1.0 if prepared.event_wrap else measure.event_fit(laid)
    if ratio < 1.0 and scale > 1.0 and min(scale, prepared.headline_cap) > 1.0:
        grown = min(scale, prepared.headline_cap)
        prepared.headline_cap = max(1.0, math.floor(grown * ratio * 0.98 * 1000) / 1000)
    elif ratio < 1.0 and prepared.headline > 0.4:
        # Shrunk, at full size, or enlarged with a headline that no longer grows (a Spanish subtitle that
        # runs into the cover's event box at 117 %): a smaller headline.
        prepared.headline = max(0.4, math.floor(prepared.headline * ratio * 0.98 * 1000) / 1000)
    if event < 1.0:
        last = prepared.last_event_fit
        if (last is not None and event >= last - 0.005) or prepared.event_fit < 0.5:
            prepared.event_wrap = True  # smaller type did not help: the box is at the body's size
        else:
            prepared.event_fit = math.floor(prepared.event_fit * event * 0.98 * 1000) / 1000
        prepared.last_event_fit = event
    return before != (prepared.event_fit, prepared.event_wrap) or (ratio < 1.0 and cover < word), fitted


def candidates(prepared: Prepared, pinned: str | None, fit: bool = True) -> list[Composition]:
    """The layout's compositions to consider, in the order they are tried; just the one pinned, if any;
    without fitting (``--no-fit``) the layout as designed, or a refusal."""
    offered = list(prepared.layout.compositions)
    if pinned:
        from pamphlet.layouts import CATALOGUE

        chosen = [c for c in offered if c.name == pinned]
        if chosen:
            return chosen
        known = sorted({c.name for lay in CATALOGUE.values() for c in lay.compositions})
        if pinned not in known:
            raise FitError(f"{prepared.spec.name}: there is no composition '{pinned}'",
                           f"use one of: {', '.join(known)} (see pamphlet check --explain), or leave it out to let "
                           "pamphlet choose")
        # another layout's composition (a leaflet's three columns): this layout chooses its own
    # Without fitting, the layout as designed — and a small format's digest, which shrinks nothing.
    return offered if fit else [c for n, c in enumerate(offered) if n == 0 or c.digest]


def _compose(project: Project, prepared: Prepared, opts: BuildOptions, lay: Any, min_scale: float, *, own: bool,
             pinned: str | None, explain: bool) -> Fitted:
    """Lay out the plausible compositions and keep the best; refuse (with the first composition's reason)
    when none fits."""
    start = _snapshot(prepared)
    tried: list[Candidate] = []
    offered = candidates(prepared, pinned, opts.fit)
    for composition in offered:
        if tried and not explain and not _worth_trying(composition, tried):
            continue
        if composition.digest and own:
            continue  # the organiser wrote the handbill's text: that is what it prints
        if composition.needs and f"<{composition.needs}" not in str(start["context"].get("body", "")):
            continue  # it would lay out the same pages (sections that flow, in a text without headings)
        _restore(prepared, start)
        _apply(prepared, composition, lay if opts.fit else None)
        cand = Candidate(composition)
        try:
            if composition.digest:
                fitted = _fit_digest(project, prepared, opts, lay)
            else:
                if not composition.digest and prepared.layout.excerpts and not own and opts.fit and \
                        len(offered) > 1 and _beyond_a_side(prepared, min_scale) and not explain:
                    cand.refused = "the whole text cannot fit one side at a readable size"
                    tried.append(cand)
                    continue  # straight to the digest: no layout of a text that cannot fit
                fitted = _fit_whole(prepared, opts, lay, min_scale, composition, _pulled_back(composition, tried))
        except FitError as exc:
            cand.refused = str(exc)
            cand.state = {"error": exc}
            tried.append(cand)
            continue
        fitted = _poster_pages(prepared, lay, fitted)
        fitted = _poster_text(prepared, lay, fitted)
        fitted = sides.size_back(prepared, lay, fitted)  # a handbill's back sized on its own (pages/sides.py)
        cand.fitted, cand.score, cand.state = fitted, judge(prepared, fitted), _snapshot(prepared)
        tried.append(cand)
        if not explain and _good(cand):
            break
    laid_out = [c for c in tried if c.fitted is not None]
    if not laid_out:
        # The refusal to report: the last composition's (a rescue's numbers come from laying it out at the
        # smallest type; the first's may be an estimate made before any pass at that size).
        first = next((c for c in reversed(tried) if "error" in c.state and not c.composition.digest), None) or \
            next((c for c in tried if "error" in c.state), None)
        _restore(prepared, start)
        prepared.candidates = tried
        if first is not None:
            raise first.state["error"]
        raise FitError(f"{prepared.spec.name}: no composition of the {prepared.layout.name} fits this text",
                       "shorten the text, or try another layout")
    if explain:  # every composition was laid out to be shown: the one kept is the one a build keeps
        laid_out = [c for c in _as_built(tried) if c.fitted is not None] or laid_out
    # A sparse page (see SPARSE) is a fault the score does not count: where a composition exists to cure it (the
    # handbill's poster card), it tips the balance between two candidates.
    sparse = 0.05 if any("sparse" in c.composition.cures for c in laid_out) else 0.0
    best = min(laid_out, key=lambda c: ((c.score.total if c.score else math.inf) + sparse * ("sparse" in faults(c)),
                                        tried.index(c)))
    _restore(prepared, best.state)
    prepared.candidates = tried
    assert best.fitted is not None
    # Display type and hyphenation settled for the one kept only.
    best.fitted = _settle(prepared, lay, best.fitted)
    best.score = judge(prepared, best.fitted)
    best.fitted.score, best.fitted.candidates = best.score, tried
    return best.fitted


def _as_built(tried: list[Candidate]) -> list[Candidate]:
    """The candidates a build (not ``--explain``) would have laid out, in order: a rescue only where those
    before it show a fault it cures, none after a good one."""
    chosen: list[Candidate] = []
    for cand in tried:
        if chosen and not _worth_trying(cand.composition, chosen):
            continue
        chosen.append(cand)
        if cand.score is not None and _good(cand):
            break
    return chosen


def faults(cand: Candidate) -> set[str]:
    """What another composition might cure in this one: ``refused``, ``shrunk``, ``enlarged``, ``white``,
    ``sparse`` (over 30 % of a page white), ``blank``, ``excerpt``, ``facts``."""
    score, fitted = cand.score, cand.fitted
    if score is None or fitted is None:
        return {"refused"}
    found = {k for k in CURABLE if score.parts.get(k, 0) > 0}
    if fitted.blanks:
        found.add("blank")
        if score.parts.get("white", 0) <= 0.25 * fitted.blanks + 1e-6:
            found.discard("white")  # only the blank pages themselves
    if _sparse_page(fitted):
        found.add("sparse")
    if fitted.scale < SHRUNK:
        found.add("shrunk")
    if fitted.scale > ENLARGED:
        found.add("enlarged")
    return found


#: A page whose tallest band without ink is over this share of its height is sparse: not yet "mostly white"
#: for the score, but a side a designer would fill (a handbill's back of 50 words under its contact).
SPARSE = 0.3


def _sparse_page(fitted: Fitted) -> bool:
    """A page of the fitted edition (a blank one aside) with a band without ink over :data:`SPARSE`."""
    from pamphlet.pages import measure

    document = getattr(fitted.laid, "document", None)  # a stand-in without pages (unit tests): not sparse
    if document is None:
        return False
    return any(measure.largest_gap(page) > SPARSE for n, page in enumerate(document.pages, start=1)
               if n not in fitted.blank_numbers)


def _good(cand: Candidate) -> bool:
    """No fault another composition could cure."""
    return not faults(cand)


def _worth_trying(composition: Composition, tried: list[Candidate]) -> bool:
    """A rescue composition only when every composition laid out so far shows a fault it cures (the best
    one, by score, decides: a leaflet shrunk to 88 % tries tighter leading, one enlarged to 160 % one side)."""
    if not composition.rescue:
        return True
    if any(_good(c) for c in tried):
        return False
    scored = [c for c in tried if c.score is not None]
    best = min(scored, key=lambda c: c.score.total if c.score else math.inf) if scored else None
    found = faults(best) if best is not None else {"refused"}
    if best is None and composition.rescue and not composition.digest:
        # Every composition so far refused: a tighter one holds some 10–20 % more, not a text far beyond.
        over = [e.over for c in tried if isinstance(e := c.state.get("error"), FitError) and e.over is not None]
        if over and min(over) > FAR_BEYOND:
            return False
    return bool(found & set(composition.cures))


#: How small a pulled-back composition may set the type to keep a text's last lines off a page of their own.
PULL_BACK_SCALE = 0.9


def _pulled_back(composition: Composition, tried: list[Candidate]) -> int | None:
    """The page cap of a pulled-back composition: one page fewer than the best laid out so far, not counting
    the blank pages it was padded with (None for other compositions)."""
    if not composition.pull_back:
        return None
    done = [c for c in tried if c.fitted is not None and c.score is not None]
    if not done:
        raise FitError("nothing laid out to pull back", "")
    best = min(done, key=lambda c: c.score.total if c.score else math.inf).fitted
    assert best is not None
    return best.laid.pages - best.blanks - 1


def _fit_whole(prepared: Prepared, opts: BuildOptions, lay: Any, min_scale: float, composition: Composition,
               cap: int | None = None) -> Fitted:
    from pamphlet.pages import fit

    too_long = _far_too_long(prepared, min_scale, opts)
    if too_long:
        raise too_long
    if cap is not None:  # pulled back: a page fewer, at type no smaller than PULL_BACK_SCALE
        return fit.fit(prepared.layout, lay, name=prepared.spec.name, words=prepared.words, fit=opts.fit,
                       min_scale=max(min_scale, PULL_BACK_SCALE), pages_wanted=opts.pages, page_cap=cap,
                       pull_back=True)
    return fit.fit(prepared.layout, lay, name=prepared.spec.name, words=prepared.words, fit=opts.fit,
                   min_scale=min_scale, pages_wanted=opts.pages, save_sheet_at=composition.save_sheet_at,
                   page_cap=composition.page_cap)


def _fit_digest(project: Project, prepared: Prepared, opts: BuildOptions, lay: Any) -> Fitted:
    """The facts digest, as large as fits: a budget of characters, smaller twice if it does not fit."""
    from pamphlet.pages import fit
    from pamphlet.text import markdown

    g = prepared.layout.geometry(prepared.spec.paper)
    room = markdown.side_capacity(g.width, g.height, SAFE_MARGIN, prepared.layout.base_size)
    start = _snapshot(prepared)
    error: FitError | None = None
    shares = prepared.layout.digest_shares or DIGEST_SHARE  # a poster's text has less of its page
    for n, share in enumerate(shares):
        _restore(prepared, start)
        if not make_digest(prepared, int(room * share)):
            continue  # this much room holds the whole text: a digest is a smaller one
        # A digest is set at a readable size; only the smallest may go down to the project's minimum.
        smallest = project.config.min_scale if n == len(shares) - 1 else \
            max(project.config.min_scale, prepared.layout.readable_scale)
        try:
            return (fit.fit(prepared.layout, lay, name=prepared.spec.name,
                                                      words=prepared.words, fit=opts.fit,
                                                      min_scale=smallest, pages_wanted=opts.pages))
        except FitError as exc:
            error = error or exc
    _restore(prepared, start)
    raise error or FitError(f"{prepared.spec.name}: the whole text fits the digest's room",
                            "the whole text is printed instead")


def judge(prepared: Prepared, fitted: Fitted) -> Score:
    """The design score of a fitted edition (boxes in memory; no layout)."""
    from pamphlet.pages import score

    layout = prepared.layout
    total = sum(len(b.words) for b in expected_blocks(prepared, whole=True))
    kept = sum(len(b.words) for b in expected_blocks(prepared)) if prepared.excerpt else total
    plan = layout.imposition(fitted.laid.pages, prepared.spec.paper, rtl=prepared.facts.rtl)
    sides = ([sorted({c.page for c in side.cells if c.page}) for sheet in plan.sheets for side in sheet.sides]
             if plan is not None else [[n] for n in range(1, fitted.laid.pages + 1)])
    return score.judge(fitted.laid, scale_used=fitted.scale, quiet=layout.quiet_pages(fitted.laid.pages),
                       left_out=total - kept, total_words=total, sides=sides, noun=layout.page_noun,
                       blank=fitted.blank_numbers)


def _replay(prepared: Prepared, lay: Any, decided: Any, *, balance: bool = True) -> Fitted | None:
    """Lay the edition out once at what composing it decided before; None (and ``prepared`` as it was) when
    the pages do not come out as they did then."""
    from markupsafe import Markup

    from pamphlet.pages import fit

    before = _snapshot(prepared)
    offered = {c.name: c for c in prepared.layout.compositions}
    composition = offered.get(decided.composition) or prepared.layout.compositions[0]
    _apply(prepared, composition, lay if balance else None)
    prepared.headline, prepared.headline_cap = decided.headline, decided.headline_cap
    prepared.event_fit, prepared.event_wrap = decided.event_fit, decided.event_wrap
    if decided.posters:
        prepared.context["poster_css"] = Markup(decided.posters)
    if decided.excerpt:
        make_digest(prepared, decided.digest_budget)
    for words in decided.whole:
        prepared.keep_whole(set(words))
    layout = prepared.layout
    laid = lay(decided.scale, decided.blanks if layout.blanks_in_html else 0, decided.roles, decided.spread)
    fitted = fit.pad(layout, laid, decided.scale, decided.blanks, decided.roles, decided.spread)
    if fitted.laid.pages == decided.pages and list(fitted.blank_numbers) == decided.blank_numbers:
        return fitted
    log.info("%s: the remembered fit did not replay (%d pages, not %d); fitting again", prepared.spec.name,
             fitted.laid.pages, decided.pages)
    _restore(prepared, before)
    prepared.headline, prepared.headline_cap, prepared.event_fit, prepared.event_wrap = 1.0, 1.25, 1.0, False
    prepared.last_event_fit = None
    return None


def make_digest(prepared: Prepared, budget: int) -> bool:
    """A small format of a long text prints a digest of its facts within ``budget`` characters: lists,
    boxes, tables and paragraphs with phone numbers, times or addresses first, then the prose. False (and
    nothing changed) when the digest would be the whole text."""
    from markupsafe import Markup

    from pamphlet.text import facts, markdown
    from pamphlet.text.edition import region_of

    md = markdown.parser(prepared.facts.quotes, prepared.facts.rtl)
    region = region_of(prepared.spec.lang)
    chosen = facts.digest(md, prepared.printed_body, {"lede_max_words": prepared.lede_words, "region": region},
                          budget, region)
    if not chosen.left_out:
        return False
    prepared.excerpt, prepared.digest_budget = True, budget
    prepared.digest_lines[:] = chosen.lines
    from pamphlet.text.edition import localise_numbers

    # As the body: numbers in the edition's digits, phone numbers kept in their written order (in RTL).
    prepared.context["digest"] = Markup(localise_numbers(chosen.html, prepared.facts.digits, prepared.facts.rtl))
    kept = sum(len(b.words) for b in expected_blocks(prepared))
    total = sum(len(b.words) for b in expected_blocks(prepared, whole=True))
    what = facts.describe(chosen.left_out)
    prepared.warnings[:] = [w for w in prepared.warnings if ": prints a digest of the facts" not in w]
    prepared.warnings.append(
        f"{prepared.spec.name}: prints a digest of the facts ({facts.describe(chosen.kept)}); left out: {what}, "
        f"{total - kept} of {plural(total, 'word')} (write a shorter text under {prepared.layout.name}: in the "
        "front matter to choose them yourself)")
    return True


#: A one-sided edition with this much of its side free (mm, shared out above and below the text) ...
POSTER_TEXT_FREE = 40.0
#: ... gets its text set larger to take about this share of that room, at most this much larger.
POSTER_TEXT_SHARE, POSTER_TEXT_MAX = 0.75, 2.2


def _poster_text(prepared: Prepared, lay: Any, fitted: Fitted) -> Fitted:
    """A one-sided leaflet of a short text, enlarged as far as its headline and event allow (they grow with
    the type and jump to another line), still leaves much of its side free and shares it out above and below
    the text: three lines of ordinary text in the middle of a white page. A poster sets the text itself
    large: here the lede and the body are set larger (their height grows with about the square of their
    size) to take most of that room, the rest still shared out, and the event's facts with them. One pass; if the side no longer holds it,
    half as much larger, once; else as it was."""
    from markupsafe import Markup

    from pamphlet.pages import measure

    layout = prepared.layout
    if not layout.poster_text or fitted.laid.pages != 1 or fitted.spread < POSTER_TEXT_FREE or prepared.excerpt:
        return fitted
    page = fitted.laid.document.pages[0]
    height_mm = float(measure.page_box(page).height or 0) / measure.PX_PER_MM
    now = measure.extent(fitted.laid)
    text_mm = (now.body_end - now.body_start) * page.height / measure.PX_PER_MM
    if text_mm <= 1.0 or height_mm <= 0:
        return fitted
    sizes, event_mm = _text_sizes(fitted.laid)
    if not sizes:
        return fitted
    free = fitted.spread

    def taken(k: float) -> float:  # mm the larger text and event take beyond what they take now
        return text_mm * (k * k - 1) + event_mm * (k ** 1.5 - 1)  # the event's short lines: less than k²

    # No larger than the longest word of a block allows on its line ("Numbers" as a heading in a column).
    most = min([POSTER_TEXT_MAX, *_line_unit_limits(fitted.laid)])
    factor = 1.0
    while factor + 0.05 <= most and taken(factor + 0.05) <= POSTER_TEXT_SHARE * free:
        factor += 0.05
    if factor < 1.1:
        return fitted
    for k in (factor, 1 + (factor - 1) / 2):
        spread = round(max(0.0, free - taken(k)), 1)
        rules = "".join(f"{selector} {{ font-size: {size * k:.2f}px }}\n" for selector, size in sizes.items())
        prepared.context["poster_css"] = Markup(str(prepared.context.get("poster_css", "")) + rules)
        again = lay(fitted.scale, fitted.blanks, fitted.roles, spread)
        if again.pages == 1 and not _runs_past(again, fitted.laid):
            fitted.laid, fitted.spread = again, spread
            return fitted
        prepared.context["poster_css"] = Markup(str(prepared.context["poster_css"])[:-len(rules)])
    if not str(prepared.context.get("poster_css", "")):
        prepared.context.pop("poster_css", None)
    return fitted


def _line_unit_limits(laid: LaidOut) -> list[float]:
    """How much larger the text of each line of the first page's lede and body may be set before its longest
    unit that cannot break is wider than the line (its characters at the line's own average width)."""
    from pamphlet.pages import measure
    from pamphlet.pages._weasy import boxes

    limits = []

    def enter(box: Any, state: tuple[bool, float]) -> tuple[bool, tuple[bool, float]]:
        inside, room = state
        names = measure.classes(box)
        inside = inside or "lede" in names or (getattr(box, "element_tag", None) == "main" and "body" in names)
        if isinstance(box, boxes.BlockContainerBox):
            room = float(box.width or 0)  # a line's room: its block's width (a line box is as wide as its text)
        return True, (inside, room)

    for box, (inside, room) in measure.walk(measure.page_box(laid.document.pages[0]), (False, 0.0), enter):
        if not inside or not isinstance(box, measure.LineBox) or not room:
            continue
        texts = [t for t, _ in measure.walk(box) if isinstance(t, measure.TextBox) and t.text.strip()]
        em = _unit_char_width(texts)
        if em:
            limits.append(0.9 * room / max(1.0, longest_unit("".join(t.text for t in texts)) * em))
    return limits


def _text_sizes(laid: LaidOut) -> tuple[dict[str, float], float]:
    """The font size (px) the lede, the body and the event box are set at, by the CSS selector that sets it
    (the date, the time and the place grow with the text: they outrank it at every size); and the event box's
    height in mm."""
    from pamphlet.pages import measure

    found: dict[str, float] = {}
    event_mm = 0.0
    for box, _ in measure.walk(measure.page_box(laid.document.pages[0])):
        element_tag = getattr(box, "element_tag", None)
        names = measure.classes(box)
        if element_tag == "main" and "body" in names:
            found.setdefault("main.body", float(box.style["font_size"]))
        elif "lede" in names and element_tag in ("p", "div"):
            found.setdefault(".lede", float(box.style["font_size"]))
        elif "event" in names and element_tag == "div" and "div.event" not in found:
            found["div.event"] = float(box.style["font_size"])  # the facts grow with the text
            event_mm = float(box.margin_height()) / measure.PX_PER_MM
    return found, event_mm


#: A page of a poster layout filled less than this (its blocks whole on it) gets them set larger ...
POSTER_FILL = 0.5
#: ... to fill about this much of it, the type at most this much larger.
POSTER_TARGET, POSTER_MAX = 0.8, 2.4
#: One idea per panel (a composition whose sections stand on panels of their own): the body's panels grow
#: together, by one factor, until the fullest fills about this much of its panel — the type the same size on
#: every panel, as a designer sets a brochure; a panel its section still leaves mostly white then is a poster.
POSTER_EVEN = 0.85
#: A tri-fold panel of whole blocks its running text fills less than this at the common size is set in the
#: middle of the panel (its tallest white band then under a third of it), not larger than the text beside it.
POSTER_CENTRE = 0.6
#: ... unless it fills less than this (a line or two: "¿Dudas? Escríbenos antes del viernes." alone on a panel):
#: that is a statement, set as a poster, as a pull quote is.
POSTER_STATEMENT = 0.2
#: An e-mail or web address is set smaller, down to this size in px (8 pt), rather than broken (below it, it
#: breaks after its ``@`` or a dot: a very long address in a narrow column).
ADDRESS_FLOOR = 8 * 96 / 72
#: ... and a contact line (a line of its own on a back cover or panel, the fine print a reader looks for) down
#: to this (6.5 pt): "accueil@asile-grenoble.example.org" on a zine's 60 mm back page.
CONTACT_FLOOR = 6.5 * 96 / 72


def _poster_pages(prepared: Prepared, lay: Any, fitted: Fitted) -> Fitted:
    """A zine page or tri-fold panel that holds a block or two of a short text, mostly white, is a poster
    set too small: its blocks are set larger to fill about 80 % of it (a page's text grows with about the
    square of its type), each page on its own — not the whole text blown up, which the fullest page limits.
    Set in the middle of the page, as a poster is. A composition of one idea per panel (``sections``) first
    grows its panels together (:data:`POSTER_EVEN`). A booklet whose whole body stands on one page (the
    25-word notice: four lines at the top of page 2) gets that page set as a poster too; a longer booklet
    never (a continuous text does not change size between pages). E-mail and web addresses are kept whole:
    one that would break across lines is set smaller, to fit its line. One pass; where a block then no longer
    fits its page (or the pages change), half as much larger, once; else as it was. Blocks of pages of their
    own already (the event, the call to action) and pages that share a block with the next are left alone."""
    from markupsafe import Markup

    from pamphlet.pages import measure

    layout = prepared.layout
    if not (layout.poster_pages or layout.poster_whole_body) or fitted.blanks or prepared.excerpt:
        return fitted
    laid = fitted.laid
    quiet = set(layout.quiet_pages(laid.pages)) | {1}
    on_pages = _body_blocks(laid)
    pages_of: dict[int, set[int]] = {}
    for number, blocks in on_pages.items():
        for index, *_ in blocks:
            pages_of.setdefault(index, set()).add(number)
    fills = {n: measure.page_fill(laid.document.pages[n - 1]) for n, blocks in on_pages.items()
             if n not in quiet and blocks and all(len(pages_of[i]) == 1 for i, *_ in blocks)}
    if not layout.poster_pages and len(_pages_of_body(laid)) != 1:
        fills = {}  # a booklet of more than a page of text: a continuous text keeps one size
    # One body size across a tri-fold's inside panels (:attr:`one_body_size`): every panel grows by the one
    # factor, and only a panel of display type alone (a pull quote, a heading) is set larger on its own.
    one_size = bool(getattr(layout, "one_body_size", False))
    even = _even_factor(on_pages, fills) if prepared.context.get("sections") or one_size else 1.0
    display = _display_blocks(laid) if one_size else set()
    # Panels that each hold whole blocks (one idea per panel, a short text's blocks apart) — not a text that
    # flows from panel to panel, whose last panel keeps its text at the top, in line with the others.
    apart = all(n in fills for n, blocks in on_pages.items() if blocks and n != 1)
    grow: dict[int, tuple[float, float]] = {}  # block index → (its size in px, how much larger)
    centre: dict[int, tuple[float, float]] = {}  # a page's first block → (the page's height in px, its fill)
    for number, fill in fills.items():
        blocks = on_pages[number]
        if fill <= 0.02:
            continue
        factor = even
        statement = fill * even ** 2 < POSTER_STATEMENT  # a line or two alone: a poster, not running text
        if one_size and fill * even ** 2 < POSTER_CENTRE and not statement and not all(i in display for i, *_ in blocks):
            if not apart:
                continue
            # Running text that leaves its panel mostly white at the common size: set in the middle of the
            # panel (a closing paragraph, a short list), never larger than the text beside it.
            height = float(measure.page_box(laid.document.pages[number - 1]).height or 0)
            centre[min(i for i, *_ in blocks)] = (height, fill)
            grow.update({i: (size, even) for i, size, *_ in blocks})
            continue
        if fill * even ** 2 < POSTER_FILL:
            # No larger than its longest unbreakable unit allows (a phone number, "Leipzig e. V.", a Latin
            # name inside Arabic): set wider than its line, WeasyPrint would break it anywhere.
            own = min([POSTER_MAX, math.sqrt(POSTER_TARGET / fill)] + _unit_limits(blocks))
            if own >= max(1.08, even * 1.08):
                factor = own
                height = float(measure.page_box(laid.document.pages[number - 1]).height or 0)
                centre[min(i for i, *_ in blocks)] = (height, fill)
        if factor >= 1.04:
            grow.update({i: (size, factor) for i, size, *_ in blocks})
    if layout.poster_pages and not one_size:
        # A page whose first block runs on from the page before (a list's last item) and whose own blocks
        # after it leave it mostly white: its own blocks set larger, as a poster's (the rest stays as set).
        for number, blocks in on_pages.items():
            if number in quiet or number in fills or not blocks:
                continue
            mine = [b for b in blocks if len(pages_of[b[0]]) == 1]
            shared = [b for b in blocks if len(pages_of[b[0]]) > 1]
            if not mine or len(shared) != 1 or min(pages_of[shared[0][0]]) == number:
                continue
            page_fill = measure.page_fill(laid.document.pages[number - 1])
            if not 0.02 < page_fill < POSTER_FILL:
                continue
            k = min([POSTER_MAX, math.sqrt(POSTER_TARGET / page_fill)] + _unit_limits(mine))
            if k >= 1.08:
                grow.update({i: (size, k) for i, size, *_ in mine})
    # Addresses kept whole on poster layouts, and on a booklet's poster page (its running text is not ours).
    addresses = _addresses(laid) if layout.poster_pages or grow else []
    if not grow and not any(a.broken for a in addresses):
        return fitted
    args = (fitted.scale, fitted.blanks, fitted.roles, fitted.spread)
    shares: dict[int, float] = dict.fromkeys(grow, 1.0)  # block → the share of its growth tried
    for attempt in range(3):
        rules = ""
        for i, (size, k) in sorted(grow.items()):
            grown = 1 + (k - 1) * shares[i]
            rules += f"main.body > :nth-child({i}) {{ font-size: {size * grown:.2f}px"
            if i in centre:  # set in the middle of its page, as a poster is (padding: a page's top keeps it)
                height, fill = centre[i]
                rules += f"; padding-top: {max(0.0, (1 - min(0.95, fill * grown ** 2)) / 2 * height * 0.9):.1f}px"
            rules += " }\n"
        rules += _address_rules(addresses, {i: 1 + (k - 1) * shares[i] for i, (_, k) in grow.items()})
        prepared.context["poster_css"] = Markup(rules)
        again = lay(*args)
        if again.pages == laid.pages and _whole_on_pages(again, set(grow)) and \
                _empty_pages(again) <= _empty_pages(laid) and not _runs_past(again, laid):
            fitted.laid = again
            return fitted
        # Grown too much somewhere: the first page whose blocks moved gets half its growth (the pages after
        # it moved with it), then every page.
        moved = _first_moved(on_pages, _body_blocks(again)) if attempt == 0 else None
        culprit = {i for i, *_ in on_pages.get(moved, [])} & set(grow) if moved else set()
        if not culprit or attempt:
            culprit = set(grow)
        if all(shares[i] <= 0.5 for i in culprit) and attempt:
            break
        shares.update(dict.fromkeys(culprit, 0.5))
    prepared.context.pop("poster_css", None)
    return fitted


def _display_blocks(laid: LaidOut) -> set[int]:
    """The body's blocks (nth-child places) of display type, not running text: pull quotes and headings."""
    from pamphlet.pages import measure

    for page in laid.document.pages:
        for box, _ in measure.walk(measure.page_box(page)):
            element = getattr(box, "element", None)
            if getattr(box, "element_tag", None) == "main" and "body" in measure.classes(box) and element is not None:
                kids = [k for k in element if isinstance(k.tag, str)]
                return {place for place, kid in enumerate(kids, start=1)
                        if kid.tag in ("h2", "h3", "h4") or "pull-quote" in (kid.get("class") or "").split()}
    return set()


def _runs_past(again: LaidOut, before: LaidOut) -> bool:
    """More lines wider than their box, or more text in the printer's dead edge, than before: an address kept
    whole on a line too narrow for it (in a list item, a quote), or a block grown past its unit's room."""
    from pamphlet.pages import measure, proof

    def edges(laid: LaidOut) -> int:
        return sum(len(p.edge) for p in proof.read_pages(laid, safe_margin=SAFE_MARGIN))

    return len(measure.overflowing_lines(again)) > len(measure.overflowing_lines(before)) or \
        edges(again) > edges(before)


def _first_moved(before: dict[int, list[tuple[int, float, float, float]]],
                 after: dict[int, list[tuple[int, float, float, float]]]) -> int | None:
    """The first page whose body blocks are not the ones it held before."""
    for number in sorted(before):
        if sorted(i for i, *_ in before[number]) != sorted(i for i, *_ in after.get(number, [])):
            return number
    return None


def _unit_limits(blocks: list[tuple[int, float, float, float]]) -> list[float]:
    """How much larger each block may be set before its longest unbreakable unit is wider than its line."""
    return [0.9 * width / max(1.0, longest) for _, _, width, longest in blocks]


def _even_factor(on_pages: dict[int, list[tuple[int, float, float, float]]], fills: dict[int, float]) -> float:
    """How much larger one idea per panel sets all its body panels at once: until the fullest fills
    :data:`POSTER_EVEN` of its panel, no unit wider than its line (1.0: some panel's text runs on to the next,
    or nothing to grow)."""
    body = [n for n, blocks in on_pages.items() if blocks]
    if not fills or any(n not in fills for n in body if n != 1) or min(fills.values()) <= 0.02:
        return 1.0
    limits = [math.sqrt(POSTER_EVEN / max(fills.values()))]
    limits += [k for n in fills for k in _unit_limits(on_pages[n])]
    return max(1.0, min([POSTER_MAX, *limits]))


@dataclass
class _Address:
    """An e-mail or web address as laid out: in the body (its block's nth-child ``block``) or in a box of
    contact lines (``block`` minus the line's nth-child in the box of class ``box``); its width on one line and
    the line's, in px; whether it broke across lines."""

    block: int
    width: float
    room: float
    size: float
    broken: bool
    box: str = "contact-lines"


#: Boxes whose lines are addresses kept whole (set smaller rather than broken): a tri-fold's contact lines, a
#: zine's back (the contact block's text) and its QR page's address under the code.
CONTACT_BOXES = ("contact-lines", "contact-text", "role-qr")


def _addresses(laid: LaidOut) -> list[_Address]:
    """The e-mail and web addresses of the body (``span.nohyph``) and of the contact lines (:data:`CONTACT_BOXES`),
    as laid out."""
    from pamphlet.pages import measure
    from pamphlet.pages._weasy import boxes

    pieces: dict[int, list[tuple[int, float, float, float]]] = {}  # id(element) → (line, width, room, size)
    where: dict[int, tuple[int, str]] = {}  # id(element) → (0: the body's, or -1 - its line's nth-child; its box)

    def enter(box: Any, state: tuple[Any, Any, float]) -> tuple[bool, tuple[Any, Any, float]]:
        line, contact, room = state
        if isinstance(box, boxes.BlockContainerBox):
            room = float(box.width or 0)  # a line's room: its block's width (a line box is as wide as its text)
        kind = next((c for c in CONTACT_BOXES if c in measure.classes(box)), None)
        return True, (box if isinstance(box, measure.LineBox) else line,
                      (box.element, kind) if kind and box.element is not None else contact, room)

    for page in laid.document.pages:
        for box, (line, contact, room) in measure.walk(measure.page_box(page), (None, None, 0.0), enter):
            element, tag = getattr(box, "element", None), getattr(box, "element_tag", None)
            if element is None or isinstance(box, measure.TextBox):
                continue
            if line is None:
                if tag == "a" and contact is not None:  # a line of its own (a zine's back: ``a.line``, a block)
                    lines = [k for k in contact[0] if isinstance(k.tag, str)]
                    where.setdefault(id(element), (-1 - next((k for k, p in enumerate(lines, start=1) if p is element),
                                                             0), contact[1]))
                    pieces.setdefault(id(element), []).extend(
                        (id(child), float(child.width or 0), float(box.width or 0), float(box.style["font_size"]))
                        for child in measure.children(box) if isinstance(child, measure.LineBox))
                continue
            if tag == "span" and "nohyph" in measure.classes(box):
                where.setdefault(id(element), (0, ""))
            elif tag == "a" and contact is not None:
                # a contact line: its place among the box's lines (nth-child), as a negative number
                lines = [k for k in contact[0] if isinstance(k.tag, str)]
                where.setdefault(id(element), (-1 - next((k for k, p in enumerate(lines, start=1)
                                                          if any(e is element for e in p.iter())), 0), contact[1]))
            else:
                continue
            pieces.setdefault(id(element), []).append(
                (id(line), float(box.width or 0), room, float(box.style["font_size"])))
    blocks = _block_of_elements(laid)
    out = []
    for key, found in pieces.items():
        place, kind = where[key]
        block = blocks.get(key, 0) if not place else place + 1  # a contact line: -(its nth-child)
        if not place and not block:
            continue  # an address outside the body's blocks (a box of its own)
        out.append(_Address(block, sum(w for _, w, _, _ in found), max(r for _, _, r, _ in found), found[0][3],
                            len({line for line, *_ in found}) > 1, kind or "contact-lines"))
    return out


def _block_of_elements(laid: LaidOut) -> dict[int, int]:
    """id(element) → its top-level body block (``main.body``'s child, 1-based nth-child)."""
    from pamphlet.pages import measure

    out: dict[int, int] = {}
    for page in laid.document.pages:
        for box, _ in measure.walk(measure.page_box(page)):
            element = getattr(box, "element", None)
            if getattr(box, "element_tag", None) == "main" and "body" in measure.classes(box) and element is not None:
                kids = [k for k in element if isinstance(k.tag, str)]
                for place, kid in enumerate(kids, start=1):
                    for inner in kid.iter():
                        out[id(inner)] = place
                return out
    return out


def _address_rules(addresses: list[_Address], grown: dict[int, float]) -> str:
    """CSS that keeps each address whole: set smaller where, at its block's new size, it would be wider than
    its line (never below :data:`ADDRESS_FLOOR`, a contact line's :data:`CONTACT_FLOOR`: then it may break, as
    before)."""
    rules = ""
    body: dict[tuple[str, int], float] = {}
    sizes: dict[tuple[str, int], float] = {}
    for a in addresses:
        key = ("", a.block) if a.block > 0 else (a.box, a.block)
        need = 0.96 * a.room / max(1.0, a.width * grown.get(a.block, 1.0))
        sizes[key] = a.size * grown.get(a.block, 1.0)
        body[key] = min(body.get(key, 1.0), need)
    for (box, block), k in sorted(body.items()):
        if k * sizes[(box, block)] < (ADDRESS_FLOOR if block > 0 else CONTACT_FLOOR):
            continue
        if block > 0:  # in the body: relative to its block, which may be set larger
            rules += f"main.body > :nth-child({block}) .nohyph {{ white-space: nowrap; font-size: {min(1.0, k):.3f}em }}\n"
        else:  # a contact line: each as large as its line lets it be, up to its size
            line = f".{box} > :nth-child({-block})"
            rules += (f"{line}, {line} a {{ white-space: nowrap; font-size: {sizes[(box, block)] * min(1.0, k):.2f}px }}\n")
    return rules


#: The width of a character, in ems, taken for the longest unit a poster block may hold on one line where its
#: text was not measured (a bold sans letter's, a little over the average: better a block a little smaller
#: than a broken word) ...
UNIT_EM = 0.62
#: ... and where it was, its average character width (spaces included) times this.
UNIT_WIDER = 1.2
_UNIT_BREAKS = re.compile("[ \t\n\u200b]+")


def longest_unit(text: str) -> int:
    """The characters of ``text``'s longest run with nowhere to break a line: between spaces and zero-width
    spaces; a run of the other direction (an isolate: a Latin name, an address inside Arabic) counts whole."""
    out, depth = [], 0
    for ch in text:
        depth += ch in "\u2066\u2067\u2068"
        depth -= ch == "\u2069" and depth > 0
        out.append("\u00a0" if depth and ch in " \u200b" else ch)
    visible = "".join(ch for ch in out if not ch.isspace() or ch in " \t\n\u00a0\u202f")
    return max((sum(unicodedata.category(ch) != "Cf" for ch in u) for u in _UNIT_BREAKS.split(visible)), default=0)


def _body_blocks(laid: LaidOut) -> dict[int, list[tuple[int, float, float, float]]]:
    """Per page (1-based): the top-level blocks of the body (``main.body``'s children) on it, as (their
    1-based place among its elements, the CSS nth-child; their font size and width in px; the width of their
    longest unit that cannot break, in px: its characters at the block's own average character width, as
    laid out, a little wider — a serif body's letters are narrower than a bold heading's)."""
    from pamphlet.pages import measure

    found: dict[int, list[tuple[int, float, float, float]]] = {}
    for number, page in enumerate(laid.document.pages, start=1):
        blocks = found.setdefault(number, [])
        for box, _ in measure.walk(measure.page_box(page)):
            element = getattr(box, "element", None)
            if getattr(box, "element_tag", None) != "main" or "body" not in measure.classes(box):
                continue
            kids = [k for k in element if isinstance(k.tag, str)] if element is not None else []
            for child in measure.children(box):
                el = getattr(child, "element", None)
                if el is None or el is element or el not in kids:
                    continue
                if any(c.startswith("role-") or c == "picture" for c in (el.get("class") or "").split()):
                    blocks.clear()  # a page of its own already, as designed: a role's, a picture's
                    break
                place = kids.index(el) + 1
                if all(place != i for i, *_ in blocks):
                    size = float(child.style["font_size"])
                    em = _unit_char_width([t for t, _ in measure.walk(child)
                                           if isinstance(t, measure.TextBox) and t.text.strip()]) or UNIT_EM * size
                    blocks.append((place, size, float(child.width or 0), longest_unit(_outside_addresses(el)) * em))
            break
    return found


def _unit_char_width(texts: list[Any]) -> float:
    """The width, in px, taken for a character of an unbreakable unit set in ``texts`` (text boxes as laid
    out): their average character's, a little wider (:data:`UNIT_WIDER`); 0.0 for no text."""
    chars = sum(sum(unicodedata.category(ch) != "Cf" for ch in t.text) for t in texts)
    return sum(float(t.width or 0) for t in texts) / chars * UNIT_WIDER if chars else 0.0


def _pages_of_body(laid: LaidOut) -> set[int]:
    """The pages (1-based) that hold anything of the body (``main.body``'s children): a picture's too."""
    from pamphlet.pages import measure

    found = set()
    for number, page in enumerate(laid.document.pages, start=1):
        for box, _ in measure.walk(measure.page_box(page)):
            if getattr(box, "element_tag", None) == "main" and "body" in measure.classes(box):
                if measure.children(box):
                    found.add(number)
                break
    return found


def _outside_addresses(element: Any) -> str:
    """The text of ``element`` but its e-mail and web addresses (``span.nohyph``): those are set smaller to fit
    their line rather than limit how large the block around them is set (:func:`_address_rules`)."""
    out: list[str] = []

    def walk(el: Any) -> None:
        if "nohyph" not in (el.get("class") or "").split():
            out.append(el.text or "")
            for child in el:
                walk(child)
        out.append(" ")
        if el is not element:
            out.append(el.tail or "")

    walk(element)
    return "".join(out)


def _empty_pages(laid: LaidOut) -> set[int]:
    """The pages (1-based) with nothing printed on them."""
    from pamphlet.pages import measure

    return {n for n, page in enumerate(laid.document.pages, start=1) if not measure.marks(page)}


def _whole_on_pages(laid: LaidOut, blocks: set[int]) -> bool:
    """Each of ``blocks`` (nth-child places) stands on one page only."""
    seen: dict[int, set[int]] = {}
    for number, found in _body_blocks(laid).items():
        for index, *_ in found:
            seen.setdefault(index, set()).add(number)
    return all(len(seen.get(i, ())) == 1 for i in blocks)


ROUNDS = 3  # of hyphenation discipline, at most


def _settle(prepared: Prepared, lay: Any, fitted: Fitted) -> Fitted:
    """The composition kept, laid out again only where its last pass left something to correct: display type
    (:func:`_display_fit`) and hyphenation discipline — no word hyphenated across a page or column end, no
    three hyphenated lines in a row: those words are kept whole, at the same scale, if the pages still come
    out the same (at most three rounds: keeping one word whole can push another into a bad place). Both
    corrections ride on one pass; nothing to correct costs none (the pass kept is remembered)."""
    from pamphlet.pages import fit, proof

    layout = prepared.layout
    padded = bool(fitted.blanks) and not layout.blanks_in_html  # blank pages added after layout
    args = (fitted.scale, 0 if padded else fitted.blanks, fitted.roles, fitted.spread)
    pages = fitted.laid.pages - (fitted.blanks if padded else 0)
    last: LaidOut | None = None
    undo: dict[str, Any] | None = None
    rounds = 0
    for _ in range(7):
        laid = lay(*args)
        if laid.pages != pages:
            if undo is None:
                log.info("%s: settling its display type changed its page count; kept as fitted", prepared.spec.name)
                break
            prepared.context.update(undo)  # the words kept whole moved the pages: not those
            prepared.whole.pop()
            undo, rounds = None, ROUNDS
            continue
        fitted.laid = fit.pad(layout, laid, fitted.scale, fitted.blanks, fitted.roles, fitted.spread).laid \
            if padded else laid
        if laid is last:
            break  # laid out before: nothing changed since
        last, undo = laid, None
        words = proof.hyphen_offenders(laid, layout.facing_pages(laid.pages)) \
            if not padded and rounds < ROUNDS else set()
        if words:
            undo = {k: prepared.context[k] for k in ("body", "body_after_lede", "lede", "quotes", "digest")
                    if k in prepared.context}
            prepared.keep_whole(words)
            rounds += 1
    return fitted


def _far_too_long(prepared: Prepared, min_scale: float, opts: BuildOptions) -> FitError | None:
    """A text far beyond what the layout's pages can hold even at the smallest type, found before any
    layout pass (a 5 MB body on a leaflet would otherwise be laid out several times before the refusal)."""
    from pamphlet.text import markdown

    layout = prepared.layout
    limit = layout.page_limit(opts.pages)
    if not limit or not opts.fit:
        return None
    g = layout.geometry(prepared.spec.paper)
    room = markdown.capacity(limit, g.width, g.height, layout.base_size * min_scale)
    chars = len(prepared.printed_body)
    if chars <= room:
        return None
    return FitError(f"{prepared.spec.name}: {chars:,} characters of text, far more than {plural(limit, 'page')} "
                    f"can hold (about {room // 2:,} at most)", "shorten the text, or use -l booklet")


def _beyond_a_side(prepared: Prepared, min_scale: float) -> bool:
    """A text longer than one side of the layout can hold even at ``min_scale`` (the whole text of a handbill
    goes on one side: the front of the one-sided form, else the back)."""
    from pamphlet.text import markdown

    g = prepared.layout.geometry(prepared.spec.paper)
    # The script's own size and line height count (Arabic is set 15 % larger than Latin at the same size).
    facts = prepared.facts
    size = prepared.layout.base_size * min_scale * facts.size_factor * math.sqrt(facts.line_factor)
    room = markdown.side_capacity(g.width, g.height, SAFE_MARGIN, size)
    return prepared.chars > room


def expected_blocks(prepared: Prepared, *, whole: bool = False) -> list[Any]:
    """The blocks of text the edition must print: the whole body, or (an excerpt) the digest's blocks."""
    from pamphlet.pages import proof

    blocks = proof.source_blocks(prepared.printed_body, prepared.facts.quotes, prepared.facts.rtl,
                                 prepared.lede_words)
    if prepared.excerpt and not whole:
        # In the digest's order, which prints the sections of facts before those of prose (facts.digest).
        def place(block: Any) -> int | None:
            return next((k for k, (first, last) in enumerate(prepared.digest_lines) if first <= block.line <= last),
                        None)
        return sorted((b for b in blocks if place(b) is not None), key=lambda b: place(b) or 0)
    return blocks


def too_short(prepared: Prepared, fitted: Fitted) -> list[str]:
    """A booklet pads a short text where a zine or a tri-fold refuses it: say so when its text would not
    fill half a page (the 25-word notice: four lines on page 2 of four)."""
    from pamphlet.pages import measure

    if not prepared.layout.blank_ok:
        return []
    # At the body's size: a page of it set as a poster holds the same words.
    body_px = prepared.layout.base_size * fitted.scale * prepared.facts.size_factor * 96 / 72
    share = measure.text_pages(fitted.laid, body_px)
    if share >= 0.5:
        return []
    return [f"{prepared.spec.name}: the text fills about {max(5, round(share * 20) * 5)} % of a page in a "
            f"{fitted.laid.pages}-page {prepared.layout.name}; a leaflet or a handbill suits a text this short"]


def proof_edition(project: Project, prepared: Prepared, fitted: Fitted) -> None:
    """Read the pages back: every word there, no blank page or panel, nothing in the dead edge."""
    from pamphlet.pages import proof

    spec = prepared.spec
    language = project.languages[spec.lang]
    layout = prepared.layout
    body = expected_blocks(prepared)
    fields = {key: proof.text_blocks(prepared.context["meta"].get(key), language.meta_lines.get(key, 1))
              for key in layout.prints}

    def where(line: int) -> Location:
        return language.locate(line) if line else Location(language.path)

    report = proof.prove(spec.name, fitted.laid, body=body, fields=fields, where=where,
                         safe_margin=None if spec.bleed else SAFE_MARGIN, allowed_blank=fitted.blanks)
    unexpected = [n for n in report.blank_pages if n not in fitted.blank_numbers]
    if unexpected:
        raise ProofError(f"{spec.name}: page {unexpected[0]} of {fitted.laid.pages} is blank",
                         "report it: this is a layout problem; try another layout meanwhile")

