"""Thirty-odd languages out of the box: catalogs complete, fonts for every script, one proof per language.

The proof is one leaflet per language from ``tests/fixtures/lang-udhr`` (Article 1
of the UDHR in each language, see its README), built once per session, in-process.
Each is read back: no missing glyph (the build's glyph check passed), the UI
strings in that language, the right direction, every word of the body on the
page, the script's own fonts embedded, one face for the headline.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import re
import unicodedata
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from pamphlet.source import config
from pamphlet.text import languages, translations
from pamphlet.text.fonts import FontBook

from .conftest import FIXTURES, WEASYPRINT_WARNINGS, logical_pdf, run_cli

REPO = Path(__file__).resolve().parent.parent
PROJECT = FIXTURES / "lang-udhr"
#: The languages the issue asks for, and the ones added where the translation is certain.
REQUIRED = ["ar", "fa", "ur", "ps", "ckb", "kmr", "tr", "so", "ti", "am", "bn", "hi", "pa", "ta", "vi", "tl", "pl",
            "ro", "uk", "ru", "el", "pt", "it", "en", "fr", "es", "de", "he"]
LANGS = sorted(p.stem for p in PROJECT.glob("*.md") if p.stem != "README")
#: Scripts whose text WeasyPrint's PDFs cannot give back: it writes one ToUnicode entry per glyph, and
#: the glyphs of a cluster after the first (Indic vowel signs, Nastaliq's contextual forms) map to
#: nothing or to another cluster's letters. Their words are read from the laid-out pages instead.
NOT_EXTRACTABLE = {"ur", "hi", "bn", "pa", "ta"}
MESSAGES = [("event date label", "When"), ("event time label", "Time"), ("event place label", "Where"),
            ("call to action heading", "Join us")]


def norm(text: str) -> str:
    """Compare text as a reader would: NFC, no case (Turkish "ı" and "I" too), no vowel marks Arabic leaves
    optional, no breaks."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").casefold().replace("ı", "i")
    text = re.sub("[\u064b-\u0652\u0670]", "", text)  # harakat: extracted apart from their letter
    return re.sub(r"[\s\u00ad\u2010\u2011\-\u2066-\u2069\u200e\u200f]+", "", text)


def bare(text: str) -> str:
    """Without accents: Greek capitals drop their tonos (CSS uppercase of Πότε is ΠΟΤΕ)."""
    return "".join(ch for ch in unicodedata.normalize("NFD", norm(text)) if unicodedata.category(ch) != "Mn")


def body_of(lang: str) -> str:
    return (PROJECT / f"{lang}.md").read_text(encoding="utf-8").split("---", 2)[2]


def words_of(text: str) -> list[str]:
    """The words of ``text`` without the punctuation around them (Ethiopic separates words with ፡)."""
    out = []
    for word in re.split(r"[\s\u1361-\u1368]+", text):
        while word and unicodedata.category(word[0]).startswith("P"):
            word = word[1:]
        while word and unicodedata.category(word[-1]).startswith("P"):
            word = word[:-1]
        if word:
            out.append(word)
    return out


# --- the catalogs ---------------------------------------------------------------------


def test_at_least_thirty_languages_have_catalogs_and_a_table_row():
    langs = translations.catalog_languages()
    assert len(langs) >= 30
    assert set(REQUIRED) <= set(langs)
    assert set(langs) == set(languages.LANGUAGES), "every catalog has a row in languages.LANGUAGES and vice versa"
    assert sorted(LANGS) == sorted(langs), "the proof fixture has a text in every language"


def test_pot_holds_exactly_what_the_templates_print():
    """`make strings` is up to date: extracting the templates again gives the .pot's messages."""
    with open(REPO / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = {(ctx, msgid if isinstance(msgid, str) else msgid[0])
             for _, _, msgid, _, ctx in extract_from_dir(str(REPO), method_map, options_map)}
    assert found == set(translations.template_messages())
    assert set(MESSAGES) <= found


@pytest.mark.parametrize("lang", sorted(languages.LANGUAGES))
def test_catalog_translates_every_message_and_says_who_reviewed_it(lang):
    path = translations.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        cat = read_po(fh)
    for ctx, msgid in translations.template_messages():
        msg = cat.get(msgid, context=ctx)
        assert msg is not None and msg.string and not msg.fuzzy, f"{path}: no translation of {ctx!r} {msgid!r}"
    assert re.search(r"^# Review state: .+", cat.header_comment, re.M), f"{path}: header says nothing of review"
    assert "Reviewed by:" in cat.header_comment


def test_overrides_replace_any_message_by_key_and_old_keys_still_work():
    f = languages.facts("de", strings={"join_us": "Komm vorbei", "when": "Datum"})
    assert f.strings["join_us"] == "Komm vorbei" and f.strings["when"] == "Datum" and f.strings["where"] == "Wo"
    t = f.translator
    assert t is not None and t.pgettext("call to action heading", "Join us") == "Komm vorbei"
    assert t.printed == {"join_us": "Komm vorbei"}
    assert translations.Translator("de", {"page": "Seite"}).unknown_overrides() == ["page"]


def test_translator_is_jinja_newstyle_and_escapes():
    t = translations.Translator("fr", {"when": "<b>Quand</b>"})
    assert t.pgettext("event date label", "When") == "&lt;b&gt;Quand&lt;/b&gt;"
    assert t.gettext("%(n)s & co", n="<i>") == "&lt;i&gt; &amp; co"
    assert t.missing() == ("co",)  # English stood in, and the warning will say so
    assert translations.Translator("en").gettext("Anything") == "Anything" and translations.Translator("en").missing() == ()


def test_language_aliases_and_regional_codes_find_their_catalog():
    assert languages.facts("ku").strings["when"] == "Kengî"  # ku is Kurmanji in CLDR
    assert languages.facts("fil").strings["where"] == "Saan"
    assert languages.facts("pt-BR").strings["join_us"] == "Junte-se a nós"
    assert languages.facts("ku-Arab").script == "arabic" and languages.facts("ku-Arab").strings["where"] == "شوێن"


# --- the typesetting table ---------------------------------------------------------------


def test_every_font_the_table_names_is_bundled():
    book = FontBook()
    for name, script in languages.SCRIPTS.items():
        for role in languages.ROLES:
            for family in getattr(script, role):
                assert family in book.faces, f"{name}.{role}: {family} is not in fonts/"
    for code, row in languages.LANGUAGES.items():
        for role, families in row.fonts.items():
            assert set(families) <= set(book.faces), f"{code}.{role}"
    # Regular and Bold of every body and heading face, so bold text is never synthesised.
    for family in {f for s in languages.SCRIPTS.values() for f in (*s.body, *s.heading)}:
        assert {400, 700} <= {face.weight for face in book.faces[family]}, family


@pytest.mark.parametrize(("code", "direction", "script", "cased", "digits"), [
    ("ur", "rtl", "arabic", False, "latn"), ("ps", "rtl", "arabic", False, "arabext"),
    ("ckb", "rtl", "arabic", False, "arab"), ("kmr", "ltr", "latin", True, "latn"),
    ("bn", "ltr", "bengali", False, "beng"), ("pa", "ltr", "gurmukhi", False, "latn"),
    ("ti", "ltr", "ethiopic", False, "latn"), ("vi", "ltr", "latin", True, "latn"),
    ("el", "ltr", "greek", True, "latn"), ("he", "rtl", "hebrew", False, "latn"),
])
def test_language_facts_table(code, direction, script, cased, digits):
    f = languages.facts(code)
    assert (f.direction, f.script, f.cased, f.digits) == (direction, script, cased, digits)


def test_scripts_outside_the_table_come_from_cldr():
    assert languages.facts("yo").script == "latin" and languages.facts("sr").script == "cyrillic"
    assert languages.facts("ka").script == "other" and not languages.facts("ka").cased  # Georgian: bring your own font
    assert languages.facts("ja").script == "cjk" and languages.facts("ja").fonts["body"] == ["Noto Serif"]
    assert set(config.SCRIPTS) == set(languages.SCRIPTS)  # `fonts:` in pamphlet.yaml accepts every script


def test_tall_scripts_get_room():
    """Nastaliq (ascent 1.9 em, descent 0.6 em) and Indic and Ethiopic marks need more than Latin's 1.42."""
    assert float(languages.facts("ur").line_height) >= 2.1
    assert languages.facts("ur").fonts["body"][0] == "Noto Nastaliq Urdu"
    for code in ("hi", "bn", "pa", "ta", "am", "ti"):
        assert float(languages.facts(code).line_height) > float(languages.facts("en").line_height), code
    assert float(languages.facts("vi").display_line_height) > float(languages.facts("el").display_line_height)


def test_display_face_is_chosen_by_what_the_headline_holds():
    book = FontBook()
    en = languages.facts("en").with_display_for("SOLIDARITY WITH IRAQ", book.coverage)
    assert en.fonts["display"][0] == "Bebas Neue"
    # A Latin-script language whose headline Bebas Neue can't set whole (Romanian is fine, Yoruba is not).
    yo = languages.facts("yo").with_display_for("Ìkéde Àgbáyé fún Ẹ̀tọ́ Ọmọnìyàn", book.coverage)
    assert yo.fonts["display"][0] == languages.CONDENSED
    assert languages.facts("vi").fonts["display"][0] == languages.CONDENSED
    assert languages.facts("el").fonts["display"][0] == languages.CONDENSED


# --- the proof: one leaflet per language ----------------------------------------------------


@pytest.fixture(scope="session")
def udhr_build(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """Every language's leaflet, built once for all test workers (in-process, -j 1).

    ``--no-fit``: type at the layout's own size, one layout pass per edition (~0.3 s instead of ~1 s);
    fitting has its own tests, these are about the languages.
    """
    # Under pytest-xdist the workers share the parent of their base folders (fresh per session).
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out = root / "lang-udhr"
    with open(root / "lang-udhr.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        summary = out / "summary.json"
        if not summary.is_file():
            start = len(WEASYPRINT_WARNINGS.records)
            result = run_cli("build", PROJECT, "-l", "leaflet", "-o", out, "-j", "1", "--html", "--json", "--no-fit")
            assert result.exit_code in (0, 1), result.output  # 1: an edition failed; its own test says which
            assert WEASYPRINT_WARNINGS.records[start:] == []
            summary.write_text(result.stdout, encoding="utf-8")
    editions = json.loads(summary.read_text(encoding="utf-8"))["editions"]
    return out, {e["lang"]: e for e in editions}


def _pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(logical_pdf(path))
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def _laid_out_text(out: Path, lang: str) -> str:
    """The text WeasyPrint placed on the pages, from its boxes (what the PDF shows, in logical order)."""
    from pamphlet.pages.render import lay_out

    html = (out / f"udhr-{lang}-leaflet.html").read_text(encoding="utf-8")
    laid = lay_out(html, PROJECT, [REPO / "fonts"])
    parts: list[str] = []

    def walk(box) -> None:
        if hasattr(box, "text") and isinstance(box.text, str):
            parts.append(box.text)
        for child in getattr(box, "children", ()) or ():
            walk(child)

    for page in laid.document.pages:
        walk(page._page_box)
    return " ".join(parts)


def _fonts(path: Path) -> set[str]:
    with pikepdf.open(path) as pdf:
        return {str(obj.get("/FontName")).split("+", 1)[-1] for obj in pdf.objects
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor"}


@pytest.mark.parametrize("lang", LANGS)
def test_leaflet_in_every_language(udhr_build, lang):
    out, editions = udhr_build
    ed = editions[lang]
    assert ed["status"] in ("built", "up-to-date"), (ed.get("error"), ed.get("hint"))
    assert not [w for w in ed["warnings"] if "translation" in w or "UI string" in w], ed["warnings"]
    pdf = out / ed["file"] if "file" in ed else out / f"udhr-{lang}-leaflet.pdf"
    facts = languages.facts(lang)
    text = _pdf_text(pdf)
    words = words_of(body_of(lang))
    labels = [facts.pgettext(ctx, msgid) for ctx, msgid in MESSAGES]
    assert all(label != msgid for label, (_, msgid) in zip(labels, MESSAGES, strict=True)) or lang == "en"

    # The UI strings and every word of the body, in the language, on the page.
    source = text if lang not in NOT_EXTRACTABLE else _laid_out_text(out, lang)
    page = norm(source)
    missing_labels = [label for label in labels if bare(label) not in bare(source)]
    assert not missing_labels, f"{lang}: UI strings not on the page: {missing_labels}"
    missing_words = [w for w in words if norm(w) not in page]
    assert not missing_words, f"{lang}: words not on the page: {missing_words[:8]}"
    assert "trafalgar square" in norm(text).replace("trafalgarsquare", "trafalgar square")

    # The script's own face set the text, and no font from outside the edition's stacks did (no system fallback).
    embedded = {name.replace("-", "").split(",")[0] for name in _fonts(pdf)}
    heading = facts.fonts["heading"][0].replace(" ", "")
    assert heading in embedded or heading + "Bold" in embedded, (lang, heading, embedded)
    allowed = {fam.replace(" ", "") for stack in facts.fonts.values() for fam in stack}
    strays = {name for name in embedded if not any(name in (a, a + "Bold", a + "Italic", a + "BoldItalic") for a in allowed)}
    assert not strays, (lang, strays)

    # Direction: the body's first word starts at the page's right edge in RTL, at the left edge in LTR.
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page0 = doc[0]
        width = page0.get_width()
        tp = page0.get_textpage()
        # The body's first two words as written (not found in the headline, unlike one short word).
        two = re.match(r"\S+?[ \u1361]\S+?(?=[ \u1361,.])", body_of(lang).strip())
        first = two.group(0) if two and lang not in NOT_EXTRACTABLE else None
        html = (out / f"udhr-{lang}-leaflet.html").read_text(encoding="utf-8")
        assert f'dir="{facts.direction}"' in html
        if first:
            hit = tp.search(first, match_case=False).get_next()
            assert hit, (lang, first)
            boxes = [tp.get_charbox(i) for i in range(hit[0], hit[0] + hit[1])]
            left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
            if facts.rtl:
                assert right > width * 0.8, (lang, right, width)
            else:
                assert left < width * 0.2, (lang, left, width)
    finally:
        doc.close()


@pytest.mark.parametrize("lang", ["vi", "el", "uk", "ro", "en", "ur", "he", "ar", "hi", "am"])
def test_headline_is_set_in_one_face(udhr_build, lang):
    """Every glyph of the headline (the largest type on page 1) comes from one font: the script's display face."""
    out, _ = udhr_build
    doc = pdfium.PdfDocument(str(out / f"udhr-{lang}-leaflet.pdf"))
    try:
        tp = doc[0].get_textpage()
        sizes = [pdfium_c.FPDFText_GetFontSize(tp.raw, i) for i in range(tp.count_chars())]
        top = max(sizes)
        faces = set()
        for i, size in enumerate(sizes):
            if size >= 0.8 * top and not tp.get_text_range(i, 1).isspace():
                buf = ctypes.create_string_buffer(256)
                pdfium_c.FPDFText_GetFontInfo(tp.raw, i, buf, 256, ctypes.byref(ctypes.c_int()))
                faces.add(buf.value.decode("latin-1").split("+", 1)[-1].split(",")[0])
    finally:
        doc.close()
    facts = languages.facts(lang)
    expected = "Bebas Neue" if lang in ("en", "ro") else facts.fonts["display"][0]
    assert len(faces) == 1, (lang, faces)
    face = faces.pop().replace("-", "")
    assert face in (expected.replace(" ", ""), expected.replace(" ", "") + "Bold"), (lang, face, expected)


def test_native_digits_follow_the_digits_setting():
    import datetime as dt

    assert languages.facts("bn").date(dt.date(2026, 12, 10)).endswith("২০২৬") and languages.facts("bn").counter_style == "bengali"
    hi = languages.facts("hi", digits={"hi": "deva"})
    assert "२०२६" in hi.date(dt.date(2026, 12, 10)) and hi.counter_style == "devanagari"
    assert languages.facts("bn", digits={"bn": "latn"}).number(12) == "12"


def test_turkish_capitals_keep_their_dots(udhr_build):
    """Bebas Neue draws capitals only, and its "i" is a dotless "I": the Turkish headline printed
    "BEYANNAMESI" and the call to action "BIZE KATILIN". Display text in a capitals-only face is upper-cased
    by CSS, by the language's rules: "i" becomes "İ", "ı" stays "I"."""
    out, editions = udhr_build
    text = _pdf_text(out / "udhr-tr-leaflet.pdf")
    assert "BEYANNAMESİ" in text and "BİZE KATILIN" in text and "HAKLARI" in text, text[:200]
    assert "BEYANNAMESI" not in text
    assert languages.facts("tr").display_caps and not languages.facts("el").display_caps  # Greek: a face with lower case

