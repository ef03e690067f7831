"""Pages a designer would sign: the event block, hyphenation discipline, right-to-left details, the lede."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest
from weasyprint.formatting_structure import boxes as B

from pamphlet import pipeline
from pamphlet.editions import batch
from pamphlet.pages import compose
from pamphlet.pages.proof import _walk
from pamphlet.text.edition import EditionSpec, localise_numbers, prepare
from pamphlet.text.markdown import LEDE_MAX_WORDS, to_html

from .conftest import EXAMPLE, page_texts, text_boxes

HYPHEN = "\u2010"  # what WeasyPrint inserts where it hyphenates


def _event_values(laid) -> dict[str, tuple[int, float]]:  # noqa: ANN001
    """For the event's date and time cells on page 1: (line boxes they take, font size in pt)."""
    found: dict[str, tuple[int, float]] = {}
    page = laid.document.pages[0]._page_box
    stack = [page]
    while stack:
        box = stack.pop()
        element = getattr(box, "element", None)
        cls = element.get("class", "") if element is not None else ""
        if isinstance(box, B.BlockContainerBox) and cls in ("when", "time"):
            values = [b for b in box.descendants() if isinstance(b, B.BlockBox)
                      and b.element is not None and "value" in b.element.get("class", "")]
            lines = [b for v in values for b in v.descendants() if isinstance(b, B.LineBox)]
            found[cls] = (len(lines), values[0].style["font_size"] * 0.75)
            continue
        stack.extend(getattr(box, "children", []) or [])
    return found


@pytest.mark.parametrize("lang", ["en", "ar", "de", "es", "fr"])
def test_event_date_and_time_each_on_one_line_and_large_on_the_leaflet_front(lang):
    project = batch.load(EXAMPLE)
    opts = pipeline.BuildOptions(layouts=("leaflet",))
    prepared = prepare(project, EditionSpec(lang, "leaflet", "a4"))
    fitted = compose.lay_out(project, prepared, opts)
    values = _event_values(fitted.laid)
    assert set(values) == {"when", "time"}
    for cell, (lines, size) in values.items():
        assert lines == 1, (lang, cell)
        assert size >= 16, (lang, cell, size)


def test_no_page_ends_in_a_hyphen_and_no_three_hyphenated_lines_in_a_row(example_matrix):
    """No word hyphenated where the reader turns a page; the left page of a spread (a booklet's, a zine's, a
    tri-fold's opened inside) may hand a word to the page beside it, as a column hands one to the next."""
    from pamphlet.layouts import CATALOGUE

    checked = 0
    for pdf in sorted(example_matrix.glob("solidarity-*.pdf")):
        if pdf.name.endswith("-print.pdf"):
            continue
        texts = page_texts(pdf)
        name = pdf.stem.split("-")[-1]
        facing = CATALOGUE[name].facing_pages(len(texts)) if name in CATALOGUE else ()
        for number, text in enumerate(texts, start=1):
            lines = [line for line in text.splitlines() if line.strip() and not line.strip().isdigit()]
            if lines and number not in facing:
                assert not lines[-1].rstrip().endswith(HYPHEN), (pdf.name, lines[-1])
            run = 0
            for line in lines:
                run = run + 1 if line.rstrip().endswith(HYPHEN) else 0
                assert run < 3, (pdf.name, line)
            checked += len(lines)
    assert checked > 1000


def test_right_to_left_pdfs_say_so_to_viewers(example_matrix):
    for name, direction in (("solidarity-ar-booklet.pdf", "/R2L"), ("solidarity-ar-leaflet.pdf", "/R2L"),
                            ("solidarity-en-booklet.pdf", None)):
        with pikepdf.open(example_matrix / name) as pdf:
            prefs = pdf.Root.get("/ViewerPreferences")
            got = str(prefs.get("/Direction")) if prefs is not None and "/Direction" in prefs else None
            assert got == direction, name


def test_numbers_in_right_to_left_text():
    html = "<p>اتصلوا على +44 161 555 0199 أو \u2066rights@example.org\u2069 منذ عام 2003</p>"
    out = localise_numbers(html, "arab", rtl=True)
    # The phone number is one left-to-right unit that cannot break, in the digits it dials with.
    assert "\u2066+44\u00a0161\u00a0555\u00a00199\u2069" in out
    # Other numbers follow the edition's digits; addresses are left alone.
    assert "٢٠٠٣" in out and "\u2066rights@example.org\u2069" in out
    assert localise_numbers("<p>call +44 161 555 0199 in 2003</p>", "latn", rtl=False) == \
        "<p>call +44 161 555 0199 in 2003</p>"
    assert localise_numbers('<a href="tel:2003">2003</a>', "arab", rtl=True) == '<a href="tel:2003">٢٠٠٣</a>'


def test_only_a_short_first_paragraph_becomes_the_lede():
    assert to_html("A short opening line.\n\nThe rest.").lede
    long = " ".join(["word"] * (LEDE_MAX_WORDS + 1))
    assert to_html(f"{long}\n\nThe rest.").lede == ""


def test_the_zine_prints_the_date_once_on_its_one_side(example_matrix):
    """A zine is one side of one sheet: the event box prints the date, the cover does not repeat it."""
    pages = page_texts(Path(example_matrix / "solidarity-en-zine.pdf"))
    dated = [n for n, text in enumerate(pages, start=1) if "Dec 12, 2026" in text]
    assert dated == [2] and "2:00" in pages[1], pages[:2]


def test_qr_codes_are_error_correction_m_or_better_and_at_least_18_mm():
    import base64
    import re
    import urllib.parse

    import segno

    from pamphlet.text.edition import _qr

    url = "https://example.org/solidarity"
    uri = _qr(url, "#171717")
    svg = urllib.parse.unquote(uri.split(",", 1)[1]) if ";base64," not in uri else base64.b64decode(uri.split(",", 1)[1]).decode()
    side = int(float(re.search(r"viewBox=['\"]0 0 ([\d.]+)", svg).group(1)))
    code = segno.make_qr(url, error="m", boost_error=True)
    assert code.error in ("M", "Q", "H") and side == code.symbol_size(border=0)[0]
    project = batch.load(EXAMPLE)
    for layout in ("leaflet", "booklet", "zine", "trifold", "handbill"):
        prepared = prepare(project, EditionSpec("en", layout, "a4"))
        fitted = compose.lay_out(project, prepared, pipeline.BuildOptions(layouts=(layout,)))
        sizes = [box.width * 25.4 / 96 for page in fitted.laid.document.pages for box in _walk(page._page_box)
                 if isinstance(box, B.ReplacedBox) and box.element is not None
                 and box.element.get("alt", "") == url]  # the QR code's alt text is its address
        assert sizes and min(sizes) >= 18, (layout, sizes)


def test_the_lede_length_is_configurable(tmp_path):
    from .conftest import copy_project, run_cli

    proj = copy_project(EXAMPLE.parent / "tests" / "fixtures" / "notice", tmp_path / "p")
    (proj / "pamphlet.yaml").write_text((proj / "pamphlet.yaml").read_text() + "lede:\n  max_words: 5\n")
    result = run_cli("build", proj, "-l", "leaflet", "-o", tmp_path / "out", "--html")
    assert result.exit_code == 0, result.output
    assert 'class="lede"' not in (tmp_path / "out" / "notice-en-leaflet.html").read_text()


def test_the_trifold_flap_carries_the_call_to_action_and_the_back_how_to_reach_the_group(example_matrix):
    """The flap is a poster panel: the call to action alone, set large in the middle; the event is printed
    once on the outside of the sheet (on the cover beside it), not again on the flap; the back panel holds
    the organiser, how to reach the group (e-mail, web) and the QR code, composed down the panel (a
    reviewer saw a back panel 85 % white under the organiser's name, the lines on the flap)."""
    pdf = example_matrix / "solidarity-en-trifold.pdf"
    texts = page_texts(pdf)
    flap, back = (" ".join(t.split()) for t in texts[4:6])  # reading order: 1 cover, 2–4 inside, 5 flap, 6 back
    assert "Join the rally" in flap and "solidarity@example.org" not in flap
    assert "December 12" not in flap and "Market Square" not in flap
    assert "December 12" in texts[0]
    assert "Internationalist Solidarity Committee" in back and "solidarity@example.org" in back
    assert "example.org/solidarity" in back
    [(_, org_bottom, _, _)] = text_boxes(pdf, 5, "Internationalist Solidarity")
    [(_, _, _, mail_top)] = text_boxes(pdf, 5, "solidarity@example.org")
    with pikepdf.open(pdf) as doc:
        height = float(doc.pages[5].mediabox[3])
    assert org_bottom > mail_top and org_bottom > height * 0.5  # the organiser first, in the upper half


@pytest.mark.parametrize("lang", ["en", "de", "es"])
def test_a_two_page_leaflets_contact_stands_at_the_foot_of_its_back(example_matrix, lang):
    """A pinned contact (its room kept after the text by a hidden copy): at the foot of page 2, printed
    once, with no extra layout pass (the English leaflet still takes one). It stood right under the text,
    with 54–70 mm of white below it."""
    from .conftest import PT_PER_MM, matrix_editions

    pdf = example_matrix / f"solidarity-{lang}-leaflet.pdf"
    ed = matrix_editions(example_matrix)[(lang, "leaflet")]
    assert ed["pages"] == 2
    texts = page_texts(pdf)
    assert sum(t.count("solidarity@example.org") for t in texts) == 1 and "solidarity@example.org" in texts[1]
    [(_, contact_bottom, _, _)] = text_boxes(pdf, 1, "solidarity@example.org")
    assert contact_bottom < 35 * PT_PER_MM  # 12 mm margin, the 26 mm QR code beside it (the proof: no overlap)
    if lang == "en":
        assert ed["passes"] == 1


def test_a_headline_word_wider_than_its_panel_is_set_smaller(tmp_path):
    """US Letter's tri-fold panels are 6 mm narrower than A4's: "SOLIDARIDAD" in the Spanish example's
    headline and its date ran past the cover panel, which widened into the dead edge (the build failed).
    The headline is set smaller until its longest word fits; the date breaks after its weekday."""
    from .conftest import PT_PER_MM, run_cli

    result = run_cli("build", EXAMPLE, "-l", "trifold", "-L", "es", "--paper", "letter", "-o", tmp_path, "--json")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "solidarity-es-trifold.pdf"
    with pikepdf.open(pdf) as doc:
        width = float(doc.pages[0].mediabox[2])
    [(left, _, right, _)] = text_boxes(pdf, 0, "Solidaridad con")
    assert 11 * PT_PER_MM < left and right < width - 11 * PT_PER_MM  # inside the inset panel and its padding
    [(_, weekday_bottom, _, _)] = text_boxes(pdf, 0, "sábado,")
    [(_, _, _, rest_top)] = text_boxes(pdf, 0, "12 de diciembre de 2026")
    assert rest_top <= weekday_bottom + 1  # on the line below


def test_a_line_past_its_box_fails_the_proof():
    """A word wider than its column (kept on one line) would print over the next column, or white on white
    beside a colour field: render finds it, the proof refuses the edition."""
    from pamphlet.errors import ProofError
    from pamphlet.pages import measure, proof, render

    html = ("<style>@page { size: A6; margin: 10mm } .col { width: 30mm } p { white-space: nowrap }</style>"
            "<div class=col><p>fits</p><p>Donaudampfschifffahrtsgesellschaft</p></div>")
    laid = render.lay_out(html, EXAMPLE.parent, [])
    [line] = measure.overflowing_lines(laid)
    assert line.page == 1 and line.text == "Donaudampfschifffahrtsgesellschaft" and line.ratio > 1.5
    with pytest.raises(ProofError, match='page 1: "Donaudampfschifffahrtsgesellschaft" runs past the edge'):
        proof.prove("x", laid, body=[], fields={}, where=None, safe_margin=None, allowed_blank=0)


def test_code_wraps_unhyphenated_at_the_columns_edge(tmp_path):
    """A fenced command longer than the column ran off the page (and the build failed on the dead edge)."""
    from .conftest import copy_project, run_cli

    proj = copy_project(EXAMPLE.parent / "tests" / "fixtures" / "notice", tmp_path / "p")
    command = "curl -X POST https://example.org/api/v1/tenants/meetings/2026-12-03/registrations?name=everyone"
    with (proj / "en.md").open("a", encoding="utf-8") as fh:
        fh.write(f"\n```\n{command}\n```\n")
    result = run_cli("build", proj, "-l", "leaflet", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    [page] = page_texts(tmp_path / "out" / "notice-en-leaflet.pdf")
    assert "".join(command.split()) in "".join(page.split())  # whole, no hyphen added, broken only at the edge
    assert "\n" in page[page.index("curl"):page.index("everyone")]


def test_a_call_to_action_head_wider_than_the_flap_is_set_smaller(tmp_path):
    """The Russian declaration with 60 more words on a tri-fold: enlarged to fill, "Присоединяйтесь" (the
    call to action's head) was wider than the narrow flap, which widened into the dead edge (the build
    failed). Display type no longer grows with the fill and shrinks to fit its panel."""
    from .conftest import copy_project, run_cli

    proj = copy_project(EXAMPLE.parent / "tests" / "fixtures" / "corpus", tmp_path / "p")
    ru = proj / "ru.md"
    words = ru.read_text(encoding="utf-8").split("---", 2)[2].replace(">", "").split()
    with ru.open("a", encoding="utf-8") as fh:
        fh.write("\n\n" + " ".join((words * 5)[:60]) + ".\n")
    result = run_cli("build", proj, "-l", "trifold", "-L", "ru", "-o", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.output
    [ed] = json.loads(result.stdout)["editions"]
    assert ed["status"] == "built" and ed["scale"] > 1.2, ed
    assert "Присоединяйтесь" in page_texts(tmp_path / "out" / "corpus-ru-trifold.pdf")[4]  # the flap
