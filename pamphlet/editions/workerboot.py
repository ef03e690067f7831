"""Imported once by the fork server before it forks workers: everything heavy every edition needs.

Workers forked from it start with WeasyPrint, the template engine, Markdown,
Babel, pikepdf, the composition and fitting code and the bundled font catalogue
already imported, instead of each paying for them again: an import done here is
done once for the whole pool, and its memory is shared, copy-on-write, by every
worker. (Measured on the example: a worker's first edition cost ~0.65 s of CPU
with only the renderer preloaded, ~0.2 s more than the next one, all of it
imports: Jinja2, markdown-it, Babel, compose and fit.) The same goes for each
language of the batch: its hyphenation dictionary, its Babel locale and its
UI-string catalog are loaded here once.
"""

from __future__ import annotations

import gc
import logging
import os

import babel.dates  # noqa: F401 - an edition's dates and times
import babel.numbers  # noqa: F401 - ... and the numbers in them
import jinja2.ext  # noqa: F401 - the templates' i18n extension
from fontTools.ttLib.tables import O_S_2f_2, _c_m_a_p, _h_h_e_a, _h_m_t_x  # noqa: F401 - read by predict.py

from pamphlet import pipeline  # noqa: F401
from pamphlet.pages import compose, fit, fitmemo, measure, predict, proof, render, score, sides  # noqa: F401
from pamphlet.sheets import impose, press  # noqa: F401
from pamphlet.text import edition, markdown, templates, typeset  # noqa: F401

log = logging.getLogger(__name__)

render.font_config()


def _warm_renderer() -> None:
    """One tiny document laid out and written to PDF, in a font configuration of its own (the editions'
    stays untouched): cffi parses the C types WeasyPrint's layout and font subsetting use the first time
    each is needed (~0.15 s), and that happens here once instead of in every worker's first edition."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    html = ('<html lang="en"><body style="columns: 2"><h1>Warm</h1><p>Lines break, hyphen&shy;ate and '
            'shape: <b>bold</b> <i>italic</i> 1–2 <span lang="ar" dir="rtl">مرحبا بكم</span></p></body></html>')
    try:
        weasyprint.HTML(string=html).write_pdf(font_config=FontConfiguration())
    except Exception as exc:  # noqa: BLE001 - only a warm-up: the editions say what is wrong
        log.debug("warming the renderer: %s", exc)


_warm_renderer()


def _warm(langs: list[str]) -> None:
    """The batch's languages: dictionaries, locales and catalogs loaded before the workers are forked."""
    from pamphlet.text import hyphenation, languages

    hyphenation.preload(langs)
    for code in langs:
        try:
            languages.facts(code)  # Babel's locale data, the language's row and its gettext catalog
        except Exception as exc:  # noqa: BLE001 - a language the worker will report properly, with its file
            log.debug("preloading %s: %s", code, exc)


_langs = [code for code in os.environ.get("PAMPHLET_PRELOAD_LANGS", "").split(",") if code]
if _langs:
    _warm(_langs)

# Everything loaded so far lives as long as the fork server: out of the garbage collector's sight, so a worker's
# collections do not write to (and so copy) the pages it shares with the server and its other workers.
gc.collect()
gc.freeze()
