"""Imported once by the fork server before it forks workers: everything heavy every edition needs.

Workers forked from it start with WeasyPrint, the template engine, Markdown,
Babel and the bundled font catalogue already imported, instead of each paying
for them again.
"""

from __future__ import annotations

import os

from pamphlet.pages import render  # noqa: F401

render.font_config()

# The batch names the languages it is about to build; their hyphenation dictionaries loaded here are
# shared, copy-on-write, by every worker instead of being parsed again in each.
_langs = [code for code in os.environ.get("PAMPHLET_PRELOAD_LANGS", "").split(",") if code]
if _langs:
    from pamphlet.text import hyphenation

    hyphenation.preload(_langs)
