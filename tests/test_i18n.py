"""Languages: every bundled language builds, right-to-left is right, dates per locale,
UI-string fallback, and glyph coverage refuses tofu before rendering."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict

import pypdfium2 as pdfium
import pytest

from pamphlet.text import languages
from pamphlet.text.markdown import LRI, PDI, to_html
from pamphlet.text.typeset import plain

from .conftest import EXAMPLE, FIXTURES, matrix_editions, page_texts, run_cli, text_boxes

D, T = dt.date(2026, 12, 12), dt.time(14, 0)


@pytest.mark.parametrize(
    ("code", "date", "time"),
    [
        ("en", "Saturday, December 12, 2026", "2:00\u202fPM"),
        ("fr", "samedi 12 décembre 2026", "14:00"),
        ("de", "Samstag, 12. Dezember 2026", "14:00"),
        ("es", "sábado, 12 de diciembre de 2026", "14:00"),
        ("ar", "السبت، ١٢ ديسمبر ٢٠٢٦", "٢:٠٠ م"),
    ],
)
def test_dates_per_locale(code, date, time):
    facts = languages.facts(code)
    assert facts.date(D) == date
    assert facts.time(T) == time


@pytest.mark.parametrize(
    ("code", "parts"),
    [
        ("es", ["sábado,", "12 de diciembre de 2026"]),
        ("el", ["Σάββατο", "12 Δεκεμβρίου 2026"]),
        ("ar", ["السبت،", "١٢ ديسمبر ٢٠٢٦"]),
        ("hu", ["2026. december 12.,", "szombat"]),  # the weekday last
        ("ja", ["2026年12月12日土曜日"]),  # no space beside the weekday: whole (CJK breaks anywhere anyway)
    ],
)
def test_a_date_breaks_only_after_its_weekday(code, parts):
    """A narrow panel may break a long date ("sábado, 12 de diciembre de 2026" ran past the US Letter
    tri-fold's cover), but only between the weekday and the rest: the parts join back into the date."""
    facts = languages.facts(code)
    assert facts.date_parts(D) == parts
    assert " ".join(parts) == facts.date(D)


def test_arabic_digits_are_configurable():
    assert languages.facts("ar", digits={"ar": "latn"}).date(D) == "السبت، 12 ديسمبر 2026"
    assert languages.facts("fa").number(2026) == "۲۰۲۶"


@pytest.mark.parametrize(
    ("code", "direction", "script", "hyphenate"),
    [("en", "ltr", "latin", "en"), ("ar", "rtl", "arabic", None), ("he", "rtl", "hebrew", None),
     ("ckb", "rtl", "arabic", None), ("ru", "ltr", "cyrillic", "ru"), ("el", "ltr", "greek", "el"),
     ("sr-Latn", "ltr", "latin", "sr_Latn"), ("pt-BR", "ltr", "latin", "pt_BR"), ("am", "ltr", "ethiopic", None)],
)
def test_language_facts(code, direction, script, hyphenate):
    f = languages.facts(code)
    assert (f.direction, f.script, f.hyphenate) == (direction, script, hyphenate)
    assert f.binding == ("right" if direction == "rtl" else "left")


def test_font_stack_is_configurable_and_keeps_a_latin_fallback():
    f = languages.facts("ar", font_overrides={"arabic": {"body": ["Amiri"], "heading": None, "display": None}})
    assert f.fonts["body"] == ["Amiri", "Noto Serif"]
    assert f.fonts["heading"][0] == "Noto Naskh Arabic"  # labels and contact lines in Naskh; Kufi is for headlines


def test_ui_strings_fall_back_to_english_and_say_which():
    f = languages.facts("cy")  # Welsh: no catalog yet
    assert f.strings["when"] == "When" and "when" in f.missing_strings
    assert languages.facts("cy", strings={"when": "Pryd"}).strings["when"] == "Pryd"
    assert languages.facts("it").strings["when"] == "Quando" and languages.facts("it").missing_strings == ()
    assert languages.facts("ar").missing_strings == ()


def test_latin_runs_in_rtl_text_are_isolated():
    html = to_html("زوروا https://example.org/a أو *Solidarity Committee* اليوم.", rtl=True).html
    # One isolate, with the marks and break opportunities typeset.py puts inside it.
    assert "https://example.org/a" in [plain(run) for run in re.findall(f"{LRI}[^{PDI}]*{PDI}", html)]
    assert f"<em>{LRI}Solidarity Committee{PDI}</em>" in html
    assert LRI not in to_html("Visit https://example.org/a today.").html


@pytest.fixture(scope="module")
def all_languages(example_matrix):
    return example_matrix, list(matrix_editions(example_matrix).values())


def test_every_bundled_language_builds(all_languages):
    _, eds = all_languages
    assert sorted({e["lang"] for e in eds}) == ["ar", "de", "en", "es", "fr"]
    assert all(e["status"] in ("built", "up-to-date") for e in eds)
    assert all(e["pages"] == 2 for e in eds if e["layout"] == "leaflet")


def test_lang_selection(tmp_path):
    result = run_cli("build", EXAMPLE, "-l", "leaflet", "-L", "ar", "-L", "fr", "-o", tmp_path, "--json")
    assert [e["lang"] for e in json.loads(result.stdout)["editions"]] == ["ar", "fr"]


def test_arabic_title_is_extractable_text(all_languages):
    out, _ = all_languages
    text = page_texts(out / "solidarity-ar-leaflet.pdf")[0]
    assert "التضامن مع العراق" in text
    assert "فلسطين" in text


def _line_edges(path, page_index: int):
    """Per text line (rounded baseline): (leftmost x, rightmost x) of its characters, in pt."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[page_index]
        tp = page.get_textpage()
        lines = defaultdict(list)
        half = page.get_width() / 2
        for i in range(tp.count_chars()):
            left, b, r, t = tp.get_charbox(i)
            if r - left > 0.5 and t - b < 30:  # body-size glyphs only
                # per column, in 4 pt bands: Arabic glyph bottoms vary with their descenders
                lines[(round(b / 4), left > half)].append((left, r))
        return {y: (min(x for x, _ in v), max(r for _, r in v)) for y, v in lines.items() if len(v) > 15}, page.get_width()
    finally:
        pdf.close()


def test_arabic_body_lines_are_right_aligned(all_languages):
    """In each column, lines end at the same right edge and start at different left edges."""
    out, _ = all_languages
    edges, width = _line_edges(out / "solidarity-ar-leaflet.pdf", 0)
    right_col = [e for e in edges.values() if e[0] > width / 2]  # lines of the right-hand column only
    assert len(right_col) >= 5
    edge = max(r for _, r in right_col)
    flush = [r for _, r in right_col if edge - r <= 8]  # 8 pt: glyph ink vs advance of the last letter
    assert len(flush) >= 0.5 * len(right_col)  # the lede, across both columns, adds ragged short pieces
    lefts = [lft for lft, _ in right_col]
    assert max(lefts) - min(lefts) > 30  # ragged on the left, as right-aligned text is


def test_rtl_document_has_lang_and_dir(tmp_path):
    result = run_cli("build", FIXTURES / "rtl-mixed", "-o", tmp_path, "--html")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "mixed-ar-leaflet.html").read_text()
    assert '<html lang="ar" dir="rtl"' in html
    text = " ".join(page_texts(tmp_path / "mixed-ar-leaflet.pdf"))
    assert "example.org/solidarity" in text and "Internationalist" in text


def test_missing_glyphs_stop_the_edition_with_code_points_and_location(tmp_path):
    proj = tmp_path / "geo"  # Georgian: no bundled font covers it (Ethiopic now ships)
    proj.mkdir()
    (proj / "ka.md").write_text("---\ntitle: სოლიდარობა ერაყთან\n---\n\nსოლიდარობა\n", encoding="utf-8")
    (proj / "pamphlet.yaml").write_text("slug: georgian\nlayouts: [leaflet]\n")
    result = run_cli("build", proj, "-o", tmp_path / "out", "--json")
    assert result.exit_code == 1
    [ed] = json.loads(result.stdout)["editions"]
    assert ed["status"] == "failed"
    assert ed["error"].startswith("ka: ")
    assert "'ს' U+10E1 at " in ed["error"] and "ka.md:2" in ed["error"]
    assert "(fonts tried: Noto Sans, Noto Serif)" in ed["error"]
    assert "fonts/" in ed["hint"] and "pamphlet.yaml" in ed["hint"]
    assert not (tmp_path / "out" / "georgian-ka-leaflet.pdf").exists()


def test_the_same_project_builds_once_it_brings_a_font(tmp_path):
    result = run_cli("build", FIXTURES / "ethiopic", "-o", tmp_path, "--json")
    assert result.exit_code == 0, result.output
    text = page_texts(tmp_path / "ethiopic-am-leaflet.pdf")[0]
    assert "ከኢራቅ" in text


def test_ui_string_warning_names_key_and_language(tmp_path):
    proj = tmp_path / "cy"  # Welsh: no catalog yet
    proj.mkdir()
    (proj / "cy.md").write_text("---\ntitle: Undod\nplace: Sgwâr y Farchnad\n---\n\nUndod.\n", encoding="utf-8")
    (proj / "pamphlet.yaml").write_text("slug: undod\nlayouts: [leaflet]\nevent: {date: 2026-12-12}\n")
    result = run_cli("build", proj, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "warning: cy: no cy translation of 2 UI strings ('when', 'where'); using English" in result.stderr
    assert "'time'" not in result.stderr and "'join_us'" not in result.stderr  # only what the edition prints


def test_rtl_list_markers_sit_on_the_right(tmp_path):
    result = run_cli("build", FIXTURES / "rtl-mixed", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    pdf_path = tmp_path / "mixed-ar-leaflet.pdf"
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        tp = pdf[0].get_textpage()
        bullets = [tp.get_charbox(i) for i in range(tp.count_chars()) if tp.get_text_range(i, 1) == "•"]
    finally:
        pdf.close()
    items = text_boxes(pdf_path, 0, "البند الأول في القائمة") + text_boxes(pdf_path, 0, "البند الثاني في القائمة")
    assert len(bullets) == 2 and len(items) == 2
    for item in items:
        [bullet] = [b for b in bullets if b[1] < item[3] and b[3] > item[1]]  # on the item's line
        assert bullet[0] > item[2]  # right of the item's text: where a right-to-left list starts


@pytest.mark.parametrize(("code", "size"), [("en", "12.50pt"), ("ar", "14.37pt"), ("he", "13.50pt")])
def test_event_sizes_in_points_follow_the_script(code, size):
    """Arabic letters look smaller than Latin at the same size: the body is set 15 % larger, and now the
    event box (sized in points, not with the body) is too; the labels above the date read at 5.8 pt."""
    assert languages.facts(code).pt(12.5) == size
