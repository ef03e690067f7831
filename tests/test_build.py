"""The bundled example, built for real: pages, sizes, text, fonts, QR."""

from __future__ import annotations

import json
import re

import pikepdf

from .conftest import EXAMPLE, FIXTURES, fonts_in, page_sizes_mm, page_texts, run_cli

SEED = FIXTURES / "seed" / "solidarity-statement.txt"  # a copy of the statement as given; kept in the repo
FIRST_SENTENCE = "Solidarity with Iraq and Palestine is integral to the internationalist struggle against neoliberal globalization."


def _flat(text: str) -> str:
    text = text.replace("\r", " ").replace("\n", " ").replace("\ufffe", "").replace("\u00ad", "").replace("\x02", "")
    text = re.sub(r"[-\u2010]\s*", "", text)  # hyphens (real or from hyphenation) are ignored
    return re.sub(r"\s+", " ", text)


def test_example_text_is_the_seed_word_for_word():
    """Every paragraph of the seed statement is in en.md unchanged (typography aside)."""
    body = (EXAMPLE / "en.md").read_text(encoding="utf-8").split("---", 2)[2]
    paras = [p.strip() for p in body.split("\n\n") if p.strip() and not p.startswith(">")]
    seed = [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    assert paras == seed


def test_leaflet_is_two_a4_pages_with_title_and_first_sentence(example_build):
    pdf = example_build / "solidarity-en-leaflet.pdf"
    assert page_sizes_mm(pdf) == [(210.0, 297.0), (210.0, 297.0)]
    texts = page_texts(pdf)
    first = _flat(texts[0])
    assert "SOLIDARITY WITH IRAQ AND PALESTINE" in first.upper()
    assert FIRST_SENTENCE in first
    assert "Join the rally" in first  # the call to action is on the front


def test_booklet_is_a5_and_a_multiple_of_four(example_build):
    pdf = example_build / "solidarity-en-booklet.pdf"
    sizes = page_sizes_mm(pdf)
    assert len(sizes) % 4 == 0 and len(sizes) >= 4
    assert set(sizes) == {(148.5, 210.0)}
    texts = [_flat(t) for t in page_texts(pdf)]
    assert "PALESTINE" in texts[0].upper()
    assert FIRST_SENTENCE in texts[1]
    assert "Join the rally" in texts[-1]
    # page numbers on body pages, not on the covers
    assert re.search(r"(^|\s)2\s*$", texts[1].strip()) or " 2" in texts[1][-6:]


def test_every_font_is_embedded(example_build):
    for name in ("solidarity-en-leaflet.pdf", "solidarity-en-booklet.pdf"):
        fonts = fonts_in(example_build / name)
        assert fonts, name
        assert all(fonts.values()), fonts
        assert any("Bebas" in f for f in fonts) and any("Noto-Serif" in f for f in fonts)


def test_pdf_metadata_title_and_language(example_build):
    with pikepdf.open(example_build / "solidarity-en-leaflet.pdf") as pdf:
        assert str(pdf.docinfo["/Title"]) == "Solidarity with Iraq and Palestine"
        assert str(pdf.Root.Lang) == "en"
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:")  # fixed from the inputs, see test_batch


def test_qr_code_is_vector(example_build):
    with pikepdf.open(example_build / "solidarity-en-leaflet.pdf") as pdf:
        images = [img for page in pdf.pages for img in page.get_images()]
    assert images == []  # the QR code is drawn as vector paths, not a bitmap


def test_json_summary_and_names(tmp_path):
    result = run_cli("build", FIXTURES / "mini", "-o", tmp_path, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True
    [ed] = data["editions"]
    assert ed["path"] == str(tmp_path / "mini-en-leaflet.pdf")
    assert {k: ed[k] for k in ("lang", "layout", "pages", "status")} == {
        "lang": "en", "layout": "leaflet", "pages": 1, "status": "built"}
    assert ed["bytes"] == (tmp_path / "mini-en-leaflet.pdf").stat().st_size
    assert isinstance(ed["seconds"], float) and "error" not in ed


def test_letter_paper(tmp_path):
    result = run_cli("build", FIXTURES / "mini", "-o", tmp_path, "--paper", "letter")
    assert result.exit_code == 0, result.output
    assert page_sizes_mm(tmp_path / "mini-en-leaflet.pdf")[0] == (215.9, 279.4)


def test_markdown_features_render(tmp_path):
    result = run_cli("build", FIXTURES / "mini", "-o", tmp_path, "--html")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "mini-en-leaflet.html").read_text()
    assert '<p class="lede">First sentence' in html
    assert '<blockquote class="pull-quote">' in html and '<aside class="callout">' in html
    assert "<h2>A heading</h2>" in html and "<li>one</li>" in html
    text = _flat(" ".join(page_texts(tmp_path / "mini-en-leaflet.pdf")))
    assert "A callout box." in text and "A pull quote." in text
