"""The one door to WeasyPrint: its start-up patches are installed before it is first imported.

Importing WeasyPrint resolves Pango, HarfBuzz and friends through ``ctypes.util.find_library``, which on
Linux shells out ~50 times unless :mod:`pamphlet.pages.native` answers first, and Pyphen would parse its
dictionaries again unless :mod:`pamphlet.text.hyphenation` serves the parsed ones. Both must be in place before
the first ``import weasyprint`` of the process, whichever pamphlet module happens to be imported first — so
every module that needs WeasyPrint imports it from here, never directly (a test imports each module first
in a fresh interpreter and checks). Once it is imported, its cffi instance makes the glyph arrays font subsetting
passes to HarfBuzz without the C parser (:mod:`pamphlet.pages.ctypes_cache`).
"""

from __future__ import annotations

from pamphlet.pages import native
from pamphlet.text import hyphenation

native.install()
hyphenation.install()

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.document import Document, Page  # noqa: E402
from weasyprint.formatting_structure import boxes  # noqa: E402
from weasyprint.layout.absolute import AbsolutePlaceholder  # noqa: E402
from weasyprint.text.ffi import ffi  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

from pamphlet.pages import ctypes_cache  # noqa: E402

ctypes_cache.install(ffi)  # glyph lists passed to HarfBuzz: no C parser per distinct length

__all__ = ["CSS", "HTML", "AbsolutePlaceholder", "Document", "FatalURLFetchingError", "FontConfiguration", "Page",
           "URLFetcher", "URLFetcherResponse", "boxes"]
