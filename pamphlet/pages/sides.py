"""A two-sided small format's back, sized on its own.

One type scale for both sides of a handbill let either side spoil the other: a front whose photo and headline
need 90 % type on a quarter Letter set the back's 90 words at 90 % too, in the top third of a white side; a
digest that leaves a third of the back empty could not be set larger without the front growing with it. A
designer sizes the back on its own: its text (``.back-text`` in the template: the whole text, the digest, or the
poster card's text) is set larger until the side is about full, the front stays as the fit set it.

Measured, not guessed: the back's text takes about the square of its type's size in height (lines get both
taller and fewer words long), so one pass at the predicted size, and a second where that overshot (half as
much larger) or fell well short (the prediction corrected by what the first pass showed). The rule is CSS in
``poster_css``, which the fit memo remembers and replays with the edition.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:
    from pamphlet.pages.fit import Fitted
    from pamphlet.pages.render import LaidOut
    from pamphlet.text.edition import Prepared

log = logging.getLogger(__name__)

#: How full (its content stacked, inside the margins) the back is set: the rest is the gap the page-tall
#: column puts between the text and the contact at the foot.
BACK_TARGET = 0.92
#: A back fuller than this is left as it is.
BACK_FULL = 0.88
#: The back's text at most this much larger than the body at full size (9.5 pt → 12.8 pt on a handbill; the
#: score's "enlarged" starts there too): beyond it a short text is a body paragraph blown up, and the poster card
#: (its own composition, tried when the back stays sparse) is the designed answer ...
BACK_MAX = 1.35
#: ... whose text, already set large, grows at most this much more.
CARD_MAX = 1.5
#: Not worth a pass below this.
BACK_MIN_GAIN = 1.03


def size_back(prepared: Prepared, lay: Any, fitted: Fitted) -> Fitted:
    """Set the back's text larger, on its own, to fill the back (see the module's text). Nothing changes
    for a one-sided edition, a back already about full, or one whose text cannot grow without spilling."""
    from pamphlet.pages import measure

    layout = prepared.layout
    laid = fitted.laid
    if not getattr(layout, "sizes_back", False) or fitted.blanks or laid.pages != 2 or \
            getattr(laid, "document", None) is None:
        return fitted
    found = _back_text(laid)
    if found is None:
        return fitted
    size, height, poster = found
    page = laid.document.pages[1]
    room = float(measure.page_box(page).height or 0)
    fill = measure.page_fill(page)
    if not room or not height or fill >= BACK_FULL:
        return fitted
    rest = fill * room - height  # the contact, the QR code, the gaps: they keep their size
    ceiling = CARD_MAX if poster else BACK_MAX / max(fitted.scale, 0.5)
    if ceiling < BACK_MIN_GAIN:
        return fitted
    factor = _predict(room, rest, height, 1.0, ceiling)
    if factor < BACK_MIN_GAIN:
        return fitted
    args = (fitted.scale, fitted.blanks, fitted.roles, fitted.spread)
    before = str(prepared.context.get("poster_css", ""))
    best: float | None = None
    low, high = 1.0, math.inf  # shown to fit, shown not to
    for _ in range(3):
        prepared.context["poster_css"] = Markup(before + _rule(size * factor))
        again = lay(*args)
        grown = _back_text(again) if again.pages == 2 else None
        if grown is not None and _clean(again, laid):
            best = low = factor
            if measure.page_fill(again.document.pages[1]) >= BACK_FULL or factor >= ceiling * 0.995:
                break
            # Short of full (a few long lines that did not break as predicted): the prediction corrected by
            # what this pass measured, never as far as a size shown to spill.
            factor = min(_predict(room, rest, grown[1], factor, ceiling), (factor + high) / 2)
            if factor < low * 1.02:
                break
        else:  # spilled onto a third side, or ran a line past its box: half as much larger
            high = factor
            factor = (low + high) / 2
            if factor < max(BACK_MIN_GAIN, low * 1.02):
                break
    if best is None:
        if before:
            prepared.context["poster_css"] = Markup(before)
        else:
            prepared.context.pop("poster_css", None)
        return fitted
    prepared.context["poster_css"] = Markup(before + _rule(size * best))
    log.debug("%s: the back's text set %.0f %% larger", prepared.spec.name, (best - 1) * 100)
    fitted.laid = lay(*args)  # the same HTML: laid out already, no pass
    return fitted


def _predict(room: float, rest: float, height: float, factor: float, ceiling: float) -> float:
    """The factor that brings the back to :data:`BACK_TARGET`, its text ``height`` tall at ``factor``."""
    want = BACK_TARGET * room - rest
    if want <= height:
        return factor
    return min(ceiling, factor * math.sqrt(want / height))


def _rule(px: float) -> str:
    return f".back-text {{ font-size: {px:.2f}px }}\n"


def _back_text(laid: LaidOut) -> tuple[float, float, bool] | None:
    """The back's text on page 2: its font size (px), its height as stacked (px), and whether it is the poster
    card's; None when the back holds no such block (a template of a project's own)."""
    from pamphlet.pages import measure

    if len(laid.document.pages) < 2:
        return None
    for box, _ in measure.walk(measure.page_box(laid.document.pages[1])):
        names = measure.classes(box)
        if "back-text" in names:
            height = sum(child.margin_height() for child in getattr(box, "children", ()))
            return float(box.style["font_size"]), float(height), "body" in names
    return None


def _clean(again: LaidOut, before: LaidOut) -> bool:
    """No line wider than its box and nothing in the printer's dead edge that was not there before."""
    from pamphlet.pages.compose import _runs_past

    return not _runs_past(again, before)
