"""Text you can copy: every bundled script's reading PDF extracts to the words it was written with.

``fixtures/text-layer`` holds one short text per bundled script (Latin, Greek, Cyrillic, Arabic with
Naskh and with Urdu's Nastaliq, Hebrew, Devanagari, Bengali, Gurmukhi, Tamil, Ethiopic), built once as
leaflets. Each PDF's text is read back with pdfium (pypdfium2) and with poppler (``pdftotext``) and split
into words; bidi controls and joiners are removed from both sides before comparing, nothing else. The
body's words must appear in the PDF's words, in order, and so must the headline's in the scripts that
have no letter case (a cased headline is printed in capitals).

Before ``pamphlet/pages/actualtext.py`` the Devanagari leaflet copied as ``कमर्मचा रियों`` for
कर्मचारियों and ``बारिह दन`` for बारह दिन, and ``لله`` as ``هلل``.

Known limits, measured on this machine and the same with or without ActualText (so not this module's
doing): an Arabic comma or period written against its word (``المدرسة،``) comes out on the other side
of the word (pdfium: ``،المدرسة``) or on the next word (poppler: ``،قال``); those words are compared
without their punctuation. In Urdu's Nastaliq pdfium runs one pair of words together (``اورآزاد``);
poppler reads Urdu exactly.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from .conftest import FIXTURES, Built, build_once, page_texts

PROJECT = FIXTURES / "text-layer"
#: Bidi controls and joiners (ZWSP, ZWNJ, ZWJ, LRM, RLM, embeddings, word joiner, isolates, BOM).
INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                  "\u2060\u2066\u2067\u2068\u2069\ufeff")
CASED = {"en", "el", "uk"}
LANGS = ("en", "el", "uk", "ar", "ur", "he", "hi", "bn", "pa", "ta", "am")
ARABIC_PUNCTUATION = "،.؛؟"

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (Debian poppler-utils) is not installed: run make test-deps")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    return build_once(tmp_path_factory, "text-layer", PROJECT)


def source(lang: str) -> tuple[list[str], list[str]]:
    """The headline's and the body's words as written."""
    text = (PROJECT / f"{lang}.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    found = re.search(r'title: "(.*)"', front)
    assert found
    return found.group(1).translate(INVISIBLE).split(), body.translate(INVISIBLE).split()


def pdf_of(built: Built, lang: str) -> Path:
    return built.out / f"layer-{lang}-leaflet.pdf"


def pdfium_words(path: Path) -> list[str]:
    return " ".join(page_texts(path)).translate(INVISIBLE).split()


def poppler_words(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout.translate(INVISIBLE).split()


def contains(words: list[str], run: list[str]) -> bool:
    return any(words[i:i + len(run)] == run for i in range(len(words) - len(run) + 1))


def strip_arabic_punctuation(words: list[str]) -> list[str]:
    return [w.strip(ARABIC_PUNCTUATION) for w in words]


@pytest.mark.slow
@pytest.mark.parametrize("reader", ["pdfium", "poppler"])
@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang not in ("ar", "ur")])
def test_the_words_copy_as_written(built, lang, reader):
    words = (pdfium_words if reader == "pdfium" else poppler_words)(pdf_of(built, lang))
    title, body = source(lang)
    assert contains(words, body), f"{lang} ({reader}): {' '.join(body)!r} not in {' '.join(words)!r}"
    if lang not in CASED:
        assert contains(words, title), f"{lang} ({reader}): {' '.join(title)!r} not in {' '.join(words)!r}"


@pytest.mark.slow
@pytest.mark.parametrize("reader", ["pdfium", "poppler"])
def test_arabic_words_and_ligatures_copy_as_written(built, reader):
    """Lam-alef (لا, لأن, ولا, إلا), the Allah ligature (لله, الله) and every other word, exactly; a comma
    or period against its word is compared without it (see the module's docstring)."""
    words = (pdfium_words if reader == "pdfium" else poppler_words)(pdf_of(built, "ar"))
    title, body = source("ar")
    assert contains(words, title), f"ar ({reader}): {words}"
    assert contains(strip_arabic_punctuation(words), strip_arabic_punctuation(body)), f"ar ({reader}): {words}"
    for word in ("لا", "لأن", "ولا", "إلا", "لله", "الأطفال"):
        assert word in words, f"ar ({reader}): {word} not copied whole: {words}"


@pytest.mark.slow
def test_urdu_copies_as_written_with_poppler(built):
    words = poppler_words(pdf_of(built, "ur"))
    title, body = source("ur")
    assert contains(words, title) and contains(words, body), words


@pytest.mark.slow
def test_spans_wrap_complex_words_only_and_keep_the_tags_intact(built):
    """ActualText only where it is needed (a Latin, Greek or Cyrillic edition is left as WeasyPrint draws
    it, and so is a plain Arabic word: readers keep reporting its glyphs' positions), every span closed,
    and WeasyPrint's MCIDs still numbered 0, 1, 2 … once each."""
    for lang in LANGS:
        spans, mcids = 0, []
        with pikepdf.open(pdf_of(built, lang)) as pdf:
            for page in pdf.pages:
                depth = 0
                for operands, op in pikepdf.parse_content_stream(page):
                    name = str(op)
                    if name in ("BDC", "BMC"):
                        depth += 1
                        props = operands[1] if name == "BDC" else None
                        if isinstance(props, pikepdf.Dictionary):
                            if "/ActualText" in props:
                                spans += 1
                                assert str(props.ActualText).strip(), lang
                            if "/MCID" in props:
                                mcids.append(int(props.MCID))
                    elif name == "EMC":
                        depth -= 1
                        assert depth >= 0, lang
                assert depth == 0, lang
        title, body = source(lang)
        if lang in ("en", "el", "uk", "he", "am"):
            assert spans == 0, f"{lang}: {spans} ActualText spans in a script that needs none"
        elif lang == "ar":  # only the words the glyphs' own text misreads: لله, الله (ligatures)
            assert 2 <= spans < len(body), f"ar: {spans} ActualText spans for {len(body)} words"
        else:  # every word of a Brahmic script, and Nastaliq's, whose glyphs are set off their places
            assert spans >= len(body), f"{lang}: {spans} ActualText spans for {len(body)} words"
        assert mcids == sorted(set(mcids)), f"{lang}: MCIDs repeated or out of order"
        assert not mcids or mcids[0] == 0 and mcids[-1] == len(mcids) - 1, f"{lang}: MCIDs {mcids}"


def test_a_line_is_split_into_word_spans_that_draw_the_same_glyphs(tmp_path):
    """The splitter's output, without a build: the same glyphs in the same order, one span per word, the
    space after a left-to-right word inside its span, a right-to-left word's text in drawing order."""
    from pamphlet.pages import actualtext

    class Font:
        hash, bitmap = "F1", False

    class Stream:
        def __init__(self) -> None:
            self.stream: list = []
            self._fonts = {"k": Font()}

        def show_text(self, text: str) -> None:
            self.stream.append(f"[{text}] TJ")

        def set_font_size(self, font: str, size: float) -> None:
            self.stream.append(f"/{font} {size} Tf")

    stream = Stream()
    # Glyphs of: word 0 (3 glyphs), a space given to word 0, word 1 (2 glyphs), a space alone, word 2 (rtl, 1).
    words: list[int | None] = [0, 0, 0, 0, 1, 1, None, 2]
    texts = {0: "कर्म ", 1: "दिन", 2: "لا"[::-1]}
    splitter = actualtext._Splitter(stream, words, texts)
    splitter.set_font_size("F1", 12)
    splitter.show_text("<00010002>-12<0003>5<0004><00050006>0<>-3.5<0007>")
    splitter.show_text("<0008>")
    splitter.close()
    body = b"\n".join(x if isinstance(x, bytes) else (x.data if hasattr(x, "data") else str(x).encode())
                      for x in stream.stream).decode("latin-1")
    groups = [g for line in body.splitlines() if line.endswith("TJ") for g in re.findall(r"<([0-9a-f]*)>", line)]
    glyphs = [g[i:i + 4] for g in groups for i in range(0, len(g), 4)]
    assert glyphs == [f"{n:04x}" for n in range(1, 9)]
    assert body.count("BDC") == body.count("EMC") == 3
    assert "0 -3.5" in body  # two moves in a row stay two numbers
    pdf = pikepdf.new()
    ops = pikepdf.parse_content_stream(pikepdf.Stream(pdf, body.encode("latin-1")))
    actual = [str(operands[1].ActualText) for operands, op in ops if str(op) == "BDC"]
    assert actual == ["कर्म ", "दिन", "ال"]
