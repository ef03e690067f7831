"""Imported once by the fork server before it forks workers: everything heavy every edition needs.

Workers forked from it start with WeasyPrint, the template engine, Markdown,
Babel and the bundled font catalogue already imported, instead of each paying
for them again.
"""

from __future__ import annotations

from . import batch, edition, markdown, pipeline, render, templates  # noqa: F401

render.font_config()
