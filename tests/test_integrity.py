"""Trustworthy pages for any text: nothing lost, nothing blank, nothing in the printer's dead edge.

Texts of every length (a 25-word notice, ~30-word notices in Cyrillic, Greek and
Persian, a 120-word Arabic flyer, a 330-word English guide with headings, a
list, a table, a quote and a callout) × every layout × A4 and Letter. Each
edition is either built — and then every word is in its PDF, no page is blank
and no ink is within 4.5 mm of a sheet edge — or refused with one line, and
which of the two is pinned per case (``REFUSED``): refusing everything passes no case.
These checks read the PDFs with pypdfium2, independently of the build's own proof.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pamphlet.pages.proof import Block, source_blocks

from .conftest import (
    EXAMPLE,
    FIXTURES,
    PT_PER_MM,
    Built,
    build_once,
    copy_project,
    letters_only,
    page_texts,
    run_cli,
    text_boxes,
)

LAYOUTS = ["leaflet", "booklet", "zine", "trifold", "handbill"]
CORPUS = FIXTURES / "corpus"
NOTICE = FIXTURES / "notice"
DPI = 40
BAND_MM = 4.5


@pytest.fixture(scope="session")
def corpus_a4(tmp_path_factory) -> Built:
    return build_once(tmp_path_factory, "corpus-a4", CORPUS, "--paper", "a4", exit_codes=(0, 1))


@pytest.fixture(scope="session")
def corpus_letter(tmp_path_factory) -> Built:
    return build_once(tmp_path_factory, "corpus-letter", CORPUS, "--paper", "letter", "-L", "en", "-L", "ar",
                      exit_codes=(0, 1))


@pytest.fixture(scope="session")
def notice_a4(tmp_path_factory) -> Built:
    return build_once(tmp_path_factory, "notice-a4", NOTICE, exit_codes=(0, 1))


#: Each case's outcome, pinned: the editions refused and the gist of the one line that says why (the short
#: notices cannot fill a zine's eight pages or a tri-fold's six panels). Every other edition is built: a
#: build that refuses it, or builds one listed here, fails its case (the build's exit code is not checked:
#: each case checks its own edition).
REFUSED = {
    # Short zines get poster pages (QR code, lede, each block); the Greek text filled its eight A4 pages only
    # by running its lede from page 3 onto page 5 (page 5 80 % white): now its lede stays whole, and on A4 it
    # is refused with the layouts that suit it (on Letter it fills them).
    "corpus-a4": {(lang, layout): "-word text fills" for lang in ("el", "fa", "ru") for layout in ("zine", "trifold")},
    "corpus-letter": {},
    "notice-a4": {("en", "zine"): "-word text fills", ("en", "trifold"): "-word text fills"},
}


_norm = letters_only  # letters and digits only: extraction moves Arabic vowel marks around


def _without_page_number(text: str) -> str:
    """A page's text without its page number (a line holding only digits), which splits paragraphs."""
    return "\n".join(line for line in text.splitlines() if not line.strip().isdigit())


def _assert_edition_is_trustworthy(project: Path, ed: dict, refused: str | None) -> None:
    """``refused``: the gist of the line refusing the edition, or None: it must be built (and trustworthy)."""
    if refused is not None:
        assert ed["status"] == "failed", f"{ed['lang']}/{ed['layout']} was to be refused ({refused}): {ed['status']}"
        assert refused in ed["error"] and "\n" not in ed["error"] and ed["hint"], ed
        assert ed["path"] is None
        return
    assert ed["status"] in ("built", "up-to-date"), f"{ed['lang']}/{ed['layout']}: {ed.get('error')}"
    pdf = Path(ed["path"])
    texts = page_texts(pdf)
    # No blank page: every page carries text (a booklet may pad two blanks before its back cover).
    blank = [i + 1 for i, t in enumerate(texts) if not t.strip()]
    assert len(blank) == ed["blank_pages"] <= (2 if ed["layout"] == "booklet" else 0), (ed["layout"], blank)
    # Every word, block by block, in the PDF's own text.
    stream = _norm("".join(_without_page_number(t) for t in texts))
    body = (project / f"{ed['lang']}.md").read_text(encoding="utf-8").split("---", 2)[2]
    blocks = source_blocks(body, rtl=ed["direction"] == "rtl")
    if ed["direction"] == "rtl":
        # PDF extraction of right-to-left text is not in logical order around numbers and Latin runs,
        # and it spells the lam-alef ligature backwards: check word by word with that letter pair dropped
        # (the build's own proof reads WeasyPrint's boxes, in logical order, block by block).
        loose = stream.replace("ل", "").replace("ا", "")

        def missing(block: Block) -> list[str]:
            return [word for word in block.words for piece in re.split(r"[^\w]+", word)  # an address's parts
                    if _norm(piece).replace("ل", "").replace("ا", "") not in loose]  # come out in visual order
    else:
        def missing(block: Block) -> list[str]:
            return [] if _norm("".join(block.words)) in stream else list(block.words)
    digest = [w for w in ed["warnings"] if ": prints a digest of the facts (" in w]
    if digest:
        # A handbill of a long text prints some blocks whole and leaves the others out, and says how many
        # words it printed: that many words, in whole blocks of the text, must be in the PDF.
        left, total = (int(n) for n in re.search(r"(\d+) of (\d+) words", digest[0]).groups())
        assert sum(len(b.words) for b in blocks) == total, (ed["lang"], ed["layout"], "not the text pamphlet read")
        printed = sum(len(b.words) for b in blocks if not missing(b))
        assert printed >= total - left > 0, (ed["lang"], ed["layout"], printed, total - left)
    else:
        for block in blocks:
            assert not missing(block), (ed["lang"], ed["layout"], block, missing(block)[:5])
    # The safe area: nothing printed within the band an office printer cannot reach.
    printed = Path(ed["print_path"] or ed["path"])
    doc = pdfium.PdfDocument(str(printed))
    try:
        for i in range(len(doc)):
            img = doc[i].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            band = max(1, int(BAND_MM / 25.4 * DPI))
            w, h = img.size
            edges = [img.crop((0, 0, w, band)), img.crop((0, h - band, w, h)),
                     img.crop((0, 0, band, h)), img.crop((w - band, 0, w, h))]
            darkest = min(e.getextrema()[0] for e in edges)
            assert darkest > 235, f"{printed.name} sheet side {i + 1}: ink within {BAND_MM} mm of the edge"
    finally:
        doc.close()


@pytest.mark.parametrize("lang", ["en", "ar", "ru", "el", "fa"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_corpus_a4(corpus_a4, lang, layout):
    _assert_edition_is_trustworthy(CORPUS, corpus_a4[(lang, layout)], REFUSED["corpus-a4"].get((lang, layout)))


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_corpus_letter(corpus_letter, lang, layout):
    ed = corpus_letter[(lang, layout)]
    _assert_edition_is_trustworthy(CORPUS, ed, REFUSED["corpus-letter"].get((lang, layout)))
    assert ed["paper"] == "letter"


def test_a_second_side_holding_only_the_contact_is_folded_into_one_side(corpus_a4, corpus_letter):
    """The Arabic declaration fits one A4 side; on US Letter its contact spilled onto a second side, which
    the fit then filled at 160 % type: two half-empty sides to print double-sided. Now a little smaller
    type keeps it on one side."""
    assert corpus_a4[("ar", "leaflet")]["pages"] == 1
    ed = corpus_letter[("ar", "leaflet")]
    assert ed["pages"] == 1 and ed["sides"] == 1 and ed["cups_sides"] == "one-sided", ed
    assert 0.85 <= ed["scale"] < 1


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_25_word_notice(notice_a4, layout):
    _assert_edition_is_trustworthy(NOTICE, notice_a4[("en", layout)], REFUSED["notice-a4"].get(("en", layout)))


def test_short_texts_do_not_ship_empty_pages(notice_a4, corpus_a4):
    leaflet = notice_a4[("en", "leaflet")]
    assert leaflet["status"] in ("built", "up-to-date") and leaflet["pages"] == 1 and leaflet["sides"] == 1
    assert leaflet["cups_sides"] == "one-sided" and "one side" in leaflet["printing"]
    assert leaflet["scale"] > 1  # set large enough to fill the side
    for layout in ("zine", "trifold"):
        ed = notice_a4[("en", layout)]
        if ed["status"] == "failed":
            assert "-word text fills" in ed["error"] and "leaflet" in ed["hint"] and "more words" in ed["hint"]
            assert ed["passes"] >= 2  # the passes it took to find out are reported, failed or not
    handbill = corpus_a4[("ru", "handbill")]
    assert handbill["status"] in ("built", "up-to-date") and not handbill["warnings"]  # the whole text fits


def test_a_short_handbill_is_one_sided_with_everything_on_its_front(notice_a4):
    ed = notice_a4[("en", "handbill")]
    assert ed["pages"] == 1 and ed["sides"] == 1 and ed["cups_sides"] == "one-sided", ed
    assert ed["scale"] > 1  # enlarged to fill the side
    [front] = page_texts(Path(ed["path"]))
    for needle in ("TENANTS’ MEETING", "Rents are rising again", "Come along", "tenants@example.org"):  # curly, as the body's
        assert needle.casefold() in front.casefold(), needle
    sheet = page_texts(Path(ed["print_path"]))
    assert len(sheet) == 1 and sheet[0].count("Rents are rising again") == 4  # four to cut, one side


def test_a_short_leaflet_shares_its_free_space_out(notice_a4):
    """Enlarged to the most (160 %), 25 words leave much of an A4 side empty (the headline grows with them,
    a poster): the space goes above the text and above the contact, which stands at the foot (13 mm margin
    + the 2 mm kept in hand)."""
    pdf = Path(notice_a4[("en", "leaflet")]["path"])
    [(_, cta_bottom, _, _)] = text_boxes(pdf, 0, "Come along")
    [(_, _, _, text_top)] = text_boxes(pdf, 0, "Rents are rising")
    [(_, contact_bottom, _, _)] = text_boxes(pdf, 0, "tenants@example.org")
    assert cta_bottom - text_top > 15 * PT_PER_MM  # a gap (~24 mm), not the text right under the call to action
    assert contact_bottom < 20 * PT_PER_MM  # at the foot of the page
    assert contact_bottom > 5 * PT_PER_MM  # and never in the edge the printer cannot reach


def test_long_text_on_a_handbill_is_an_excerpt_with_a_warning(corpus_a4):
    ed = corpus_a4[("en", "handbill")]
    assert ed["status"] in ("built", "up-to-date")
    [warning] = [w for w in ed["warnings"] if "handbill" in w]
    assert warning.startswith("en/handbill: prints a digest of the facts ("), warning
    assert " of 262 words (write a shorter text under handbill: in the front matter" in warning, warning


def test_a_handbill_text_in_the_front_matter_is_printed_whole(tmp_path):
    proj = copy_project(CORPUS, tmp_path / "p")
    en = proj / "en.md"
    en.write_text(en.read_text().replace("organiser: Legal", "handbill: |\n  Know your rights. Stay calm, say no comment, ask for a solicitor.\norganiser: Legal"))
    result = run_cli("build", proj, "-L", "en", "-l", "handbill", "-o", tmp_path / "out", "--json")
    [ed] = json.loads(result.stdout)["editions"]
    assert ed["status"] == "built" and ed["warnings"] == []
    assert "ask for a solicitor" in " ".join(page_texts(Path(ed["path"]))).replace("\r\n", " ")


def test_a_template_that_drops_a_paragraph_fails_the_build(tmp_path):
    proj = copy_project(CORPUS, tmp_path / "p")
    (proj / "templates" / "leaflet").mkdir(parents=True)
    (proj / "templates" / "leaflet" / "page.html").write_text(
        '{% extends "builtin/leaflet/page.html" %}{% block body %}'
        '<h1>{{ meta.title }}</h1><p>{{ meta.subtitle }}</p><p>{{ meta.call_to_action }}</p>{{ lede }}{% endblock %}')
    result = run_cli("build", proj, "-L", "en", "-l", "leaflet", "-o", tmp_path / "out", "--json")
    assert result.exit_code == 1
    [ed] = json.loads(result.stdout)["editions"]
    assert ed["status"] == "failed" and ed["path"] is None
    assert "words from \"Before you go…\" are not on any page (" in ed["error"] and "en.md:11)" in ed["error"]
    assert not (tmp_path / "out" / "corpus-en-leaflet.pdf").exists()


def test_column_span_no_longer_loses_text_on_letter(tmp_path):
    """The bundled example on Letter lost everything after the pull quote (column-span at a page break)."""
    result = run_cli("build", FIXTURES.parent.parent / "content", "-L", "en", "-l", "leaflet", "--paper", "letter",
                     "-o", tmp_path, "--json")
    [ed] = json.loads(result.stdout)["editions"]
    assert ed["status"] == "built", ed
    assert "respects the rights and aspirations of all people" in " ".join(page_texts(Path(ed["path"]))).replace("\r\n", " ")


def test_check_reports_the_proof_like_build(tmp_path):
    proj = copy_project(CORPUS, tmp_path / "p")
    result = run_cli("check", proj, "-L", "en", "-l", "handbill", "--json")
    data = json.loads(result.stdout)
    [ed] = data["editions"]
    assert ed["status"] == "warning" and result.exit_code == 0
    assert any("prints a digest of the facts" in f["message"] for f in ed["findings"]), ed["findings"]
    strict = run_cli("check", proj, "-L", "en", "-l", "handbill", "--strict", "--json")
    assert strict.exit_code == 1


def test_a_phone_number_in_arabic_text_reads_in_its_written_order(corpus_a4):
    """+44 161 555 0199 inside Arabic text: on its line, +44 is left of 0199 (not "0199 555 161 44")."""
    ed = corpus_a4[("ar", "leaflet")]
    doc = pdfium.PdfDocument(ed["path"])
    try:
        tp = doc[0].get_textpage()
        first, last = tp.search("+44").get_next(), tp.search("0199").get_next()
        assert first and last
        a, b = tp.get_charbox(first[0]), tp.get_charbox(last[0])
        assert abs(a[1] - b[1]) < 4 and a[0] < b[0]  # one line, in written order
    finally:
        doc.close()


def _notice_leaflet_with_css(tmp_path: Path, css: str) -> dict:
    """The notice's leaflet built with ``css`` added to the built-in template; its --json record."""
    proj = copy_project(NOTICE, tmp_path / "p")
    (proj / "templates" / "leaflet").mkdir(parents=True)
    (proj / "templates" / "leaflet" / "page.html").write_text(
        '{% extends "builtin/leaflet/page.html" %}{% block extra_css %}' + css + '{% endblock %}')
    result = run_cli("build", proj, "-l", "leaflet", "-o", tmp_path / "out", "--json")
    [ed] = json.loads(result.stdout)["editions"]
    return ed


def test_text_drawn_over_other_text_fails_the_build(tmp_path):
    ed = _notice_leaflet_with_css(tmp_path, ".front-cta { position: absolute; top: 12mm; left: 14mm; right: 14mm; }")
    assert ed["status"] == "failed", ed
    assert "text printed over other text" in ed["error"] or "a colour field is printed over" in ed["error"]


def test_far_too_long_is_refused_before_any_layout_and_the_handbill_prints_the_first_paragraph(tmp_path):
    proj = copy_project(NOTICE, tmp_path / "p")
    en = proj / "en.md"
    head = en.read_text().split("---", 2)[1]
    paragraph = " ".join(["Rents are rising again and we meet to decide what to do next."] * 12)
    en.write_text(f"---{head}---\n\n" + f"{paragraph}\n\n" * 120)
    result = run_cli("build", proj, "-l", "leaflet", "-l", "handbill", "-o", tmp_path / "out", "--json")
    eds = {e["layout"]: e for e in json.loads(result.stdout)["editions"]}
    assert eds["leaflet"]["status"] == "failed" and eds["leaflet"]["passes"] == 0
    assert "far more than 2 pages can hold" in eds["leaflet"]["error"]
    hb = eds["handbill"]
    assert hb["status"] == "built", hb
    assert any(w.startswith("en/handbill: prints a digest of the facts (1 paragraph); ") for w in hb["warnings"]), hb
    assert "Rents are rising again" in page_texts(Path(hb["path"]))[1]


def test_a_colour_field_drawn_over_text_fails_the_build(tmp_path):
    ed = _notice_leaflet_with_css(tmp_path, ".front-cta { position: absolute; top: 20mm; left: 14mm; right: 14mm; }")
    assert ed["status"] == "failed" and "a colour field is printed over" in ed["error"], ed


def test_a_zine_of_short_sections_is_enlarged_until_its_fullest_page_is_full(corpus_a4):
    """The 112-word Arabic flyer on a zine: role pages and one heading a page leave every page short; the
    type grows by the fullest page (here to the zine's largest, 135 %), not by where the text ends."""
    ed = corpus_a4[("ar", "zine")]
    assert ed["status"] in ("built", "up-to-date") and ed["pages"] == 8
    assert ed["scale"] >= 1.3


def test_a_short_booklet_gives_its_call_to_action_a_page_rather_than_ship_a_blank(notice_a4):
    ed = notice_a4[("en", "booklet")]
    assert ed["pages"] == 4 and ed["blank_pages"] == 0, ed
    # Built, unlike a zine or a tri-fold of it, but with a word that a booklet is too big for four lines.
    # (Its four lines are set as a poster on page 2: the share is what its words take at the body's size.)
    [warning] = ed["warnings"]
    assert re.fullmatch(r"en/booklet: the text fills about 1[05] % of a page in a 4-page booklet; a leaflet or "
                        r"a handbill suits a text this short", warning), warning
    texts = page_texts(Path(ed["path"]))
    assert "Rents are rising again" in " ".join(texts[1].split())
    assert "Come along" in texts[2] and "Thursday, December 3, 2026" in texts[2]
    assert "tenants@example.org" in texts[3] and "Come along" not in texts[3]


def test_the_printing_notes_name_the_editions_when_one_layout_prints_two_ways(corpus_a4):
    """The English corpus text fills a two-sided leaflet, the short Greek, Persian and Russian ones a single
    side: one note per way of printing, naming whose it is (one note for all said "print on one side")."""
    assert corpus_a4[("en", "leaflet")]["pages"] == 2 and corpus_a4[("ru", "leaflet")]["pages"] == 1
    result = run_cli("build", CORPUS, "--paper", "a4", "-l", "leaflet", "-o", corpus_a4.out)  # up to date: no layout
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stdout.splitlines() if line.startswith("leaflet")]
    assert notes == ["leaflet (ar, el, fa, ru): print on one side; no folding",
                     "leaflet (en): print double-sided, flip on long edge; no folding"], notes


def test_a_group_that_prints_no_contact_gets_no_blank_panel(tmp_path):
    """No contact, no QR code, no organiser (a group that stays anonymous): the tri-fold's back panel and
    a short booklet's back cover carried only the contact and shipped blank, so the proof failed them.
    The event takes the tri-fold's back, the call to action the booklet's back cover."""
    import re

    long, short = copy_project(EXAMPLE.parent / "content", tmp_path / "long"), copy_project(NOTICE, tmp_path / "short")
    for proj in (long, short):
        config = proj / "pamphlet.yaml"
        text = re.sub(r"(?ms)^contact:\n(  .*\n)+", "", config.read_text())
        config.write_text(re.sub(r"(?m)^qr:.*\n", "", text))
        for md in proj.glob("*.md"):
            md.write_text(re.sub(r"(?m)^organiser:.*\n", "", md.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_cli("build", long, "-L", "en", "-l", "all", "-o", tmp_path / "out", "--json")
    eds = {e["layout"]: e for e in json.loads(result.stdout)["editions"]}
    assert {k: e["status"] for k, e in eds.items()} == dict.fromkeys([*LAYOUTS, "poster", "placard"], "built"), eds
    back = " ".join(page_texts(Path(eds["trifold"]["path"]))[5].split())  # the date may break after its weekday
    assert "Saturday, December 12, 2026" in back and "Market Square" in back
    result = run_cli("build", short, "-l", "booklet", "-o", tmp_path / "out-short", "--json")
    [ed] = json.loads(result.stdout)["editions"]
    assert ed["status"] == "built" and ed["pages"] == 4, ed
    assert "Come along" in page_texts(Path(ed["path"]))[3]


def _line_from(path: Path, needle: str) -> tuple[float, float]:
    """(left, right) in pt of the printed line that starts with ``needle`` on the first page."""
    doc = pdfium.PdfDocument(str(path))
    try:
        tp = doc[0].get_textpage()
        start, _ = tp.search(needle).get_next()
        base = tp.get_charbox(start, loose=True)[1]
        boxes = []
        for i in range(start, tp.count_chars()):
            box = tp.get_charbox(i, loose=True)
            if box[2] - box[0] < 0.1:
                continue  # a space or a generated line break
            if abs(box[1] - base) > 2:
                break  # the next line
            boxes.append(box)
        return min(b[0] for b in boxes), max(b[2] for b in boxes)
    finally:
        doc.close()


def test_the_leaflets_lede_runs_across_the_page(notice_a4):
    """The leaflet sets its lede (a short first paragraph) across the page, the rest in two columns below
    it: the lede's first line is wider than a column could be."""
    path = Path(notice_a4[("en", "leaflet")]["path"])
    left, right = _line_from(path, "Rents are rising again")
    text_width = (210 - 2 * 14) * PT_PER_MM  # A4 less the leaflet's side margins; a column is under half
    assert right - left > 0.6 * text_width, ((right - left) / PT_PER_MM, "mm")


def test_text_in_the_printers_dead_edge_fails_the_build(tmp_path):
    """Without bleed nothing may come within 5 mm of the sheet edge (office printers cannot print there):
    a template that moves the call to action (no colour field round it) 3 mm from the top of the sheet is
    refused, and no PDF is written."""
    ed = _notice_leaflet_with_css(tmp_path, ".front-cta { position: absolute; top: -10mm; left: 14mm; right: 14mm; }"
                                            " .front-cta .cta { background: none !important; padding: 0 !important; }")
    assert ed["status"] == "failed" and ed["path"] is None, ed
    assert ed["error"].startswith("en/leaflet: page 1: text within 5 mm of the edge: "), ed["error"]
    assert not list((tmp_path / "out").glob("*.pdf"))
