"""A booklet's pages designed for a text shorter than its sheets: read back from the PDFs.

The bundled German text filled five pages of an eight-page booklet and shipped two blank pages before the back
cover. Now its lede takes the inside cover, set large, and the call to action and the event a page of their own:
one blank page at most. A text ending high on its last page is set a little larger to run down it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from tests.conftest import EXAMPLE, build_once, matrix_editions, page_texts

STRIKE = EXAMPLE.parent / "benchmarks" / "corpus" / "strike-200"


def _sizes(pdf: Path, page: int) -> list[float]:
    """The font size (pt) of every character printed on a page (0-based)."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        tp = doc[page].get_textpage()
        return [pdfium_c.FPDFText_GetFontSize(tp, i) for i in range(tp.count_chars())
                if tp.get_text_range(i, 1).strip()]
    finally:
        doc.close()


def _flat(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())


def test_the_german_booklet_gives_its_lede_the_inside_cover_not_two_blank_pages(example_matrix):
    ed = matrix_editions(example_matrix)[("de", "booklet")]
    assert ed["status"] == "built" and ed["pages"] == 8 and ed["blank_pages"] <= 1, ed
    pdf = Path(ed["path"])
    texts = page_texts(pdf)
    lede = "Die Solidarität mit dem Irak und Palästina ist fester Bestandteil des internationalistischen " \
           "Kampfes gegen die neoliberale Globalisierung."
    # Page 2 holds the lede and nothing else (its page number aside), set large: above 1.5 × the body's size.
    assert _flat(texts[1]).replace("‐ ", "").startswith(lede), texts[1]
    assert len(_flat(texts[1])) <= len(lede) + 3, texts[1]
    body = Counter(_sizes(pdf, 2)).most_common(1)[0][0]  # page 3's commonest size: the body text
    lede = Counter(_sizes(pdf, 1)).most_common(1)[0][0]  # page 2's (its page number aside)
    assert lede > 1.5 * body, (lede, body)
    # The call to action and the event on a page of their own, before the back cover.
    cta = [n for n, t in enumerate(texts) if "Komm zur Kundgebung" in t]
    assert cta and cta[0] < 7 and "Marktplatz" in texts[cta[0]], cta


@pytest.fixture(scope="module")
def strike(tmp_path_factory):
    return build_once(tmp_path_factory, "strike-booklets", STRIKE, "-l", "booklet")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "hi", "bn"])
def test_a_text_ending_high_on_its_last_page_is_set_larger_to_run_down_it(strike, lang):
    """The strike notice's text ended 45 % down page 3 of 4 (its last page before the back cover)."""
    ed = strike[(lang, "booklet")]
    assert ed["status"] == "built" and ed["pages"] == 4 and ed["blank_pages"] == 0, ed
    assert 1.0 < ed["scale"] <= 1.1
    assert not [f for f in ed["score"]["faults"] if "empty" in f], ed["score"]["faults"]
