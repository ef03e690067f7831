"""A text layer that copies right: each word of a complex script drawn inside an ``/ActualText`` span.

WeasyPrint maps every glyph to text once per font, through the font's ``ToUnicode`` map, from the first
cluster it met the glyph in. Where one glyph stands for several characters, or for different ones in
different words (a Devanagari reph and conjuncts, the vowel sign ``ि`` drawn before its consonant,
Arabic ligatures such as ``لله``), the text a reader copies, searches or hears is wrong: ``कमर्मचा रियों``
for कर्मचारियों, ``बारिह दन`` for बारह दिन, ``هلل`` for لله. A PDF fixes that with marked content:
``/Span <</ActualText (…)>> BDC … EMC`` around the glyphs of a word replaces their text.

:func:`install` wraps WeasyPrint's ``draw_first_line`` (the one place it writes a line's glyphs, for
HTML and SVG text): for a line that holds a complex script it learns from Pango, before the line is
drawn, which word each drawn glyph belongs to, and splits the line's ``TJ`` arrays at word boundaries
with a span around each word that needs one (consecutive ``TJ``s place glyphs exactly as one does):
every word of a Brahmic script (Devanagari to Sinhala, Thai, Lao, Tibetan, Myanmar, Khmer), any word
with a letter set off its place (Nastaliq's cascade), and any word the ``ToUnicode`` map would
misread (ligatures). A Latin name, a number or a plain Arabic word inside such a line keeps its glyphs'
own text, and with it the glyph positions readers report (the visual-order tests read those). The
space drawn after a left-to-right word goes into its span: pdfium drops a space drawn alone between two
spans, and runs the words together. Lines with no complex script (every Latin, Greek or Cyrillic
edition) are drawn by WeasyPrint untouched: their cost is one regular expression per line. In a tagged
PDF the spans nest inside WeasyPrint's own ``/Span <</MCID n>>`` sequences; the MCIDs are untouched.

The ActualText of a right-to-left word is written in the order its glyphs are drawn (its characters
reversed). pdfium and poppler both treat an ActualText's characters as drawn text and put a
right-to-left line back into logical order themselves: a logically ordered ActualText comes out
reversed in both (``مالسلا`` for السلام, measured with pdfium 159 (pypdfium2) and poppler 22.12), and
Chromium's own per-cluster ActualText for Arabic reverses words in pdfium the same way.
Bidi controls, zero-width spaces and word joiners are left out of the ActualText (they print nothing,
and nobody searches for them); ZWJ and ZWNJ stay, since they are part of a word's spelling.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

#: Scripts whose glyphs may not map one to one onto characters: Arabic (with its presentation forms)
#: and the Brahmic scripts (Devanagari to Khmer). A line without them keeps WeasyPrint's own text layer.
COMPLEX = re.compile("[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\u0900-\u0fff\u1000-\u109f\u1780-\u17ff"
                     "\ufb50-\ufdff\ufe70-\ufefc]")
#: Scripts whose words are always wrapped: their clusters reorder and stack (a Devanagari reph, a vowel
#: sign drawn before its consonant), so readers split or reorder the glyphs however the map reads.
ALWAYS = re.compile("[\u0900-\u0fff\u1000-\u109f\u1780-\u17ff]")
#: Arabic's lam-alef ligature, in a word's logical text: one glyph for two letters, which poppler splits
#: across lines where it ends one ("ا" there, "ل" on the next): such a word is drawn inside a span.
LAM_ALEF = re.compile("\u0644[\u0622\u0623\u0625\u0627]")
#: Printed as nothing and never part of a word's spelling: bidi controls, ZWSP, word joiner, BOM.
_DROP = str.maketrans("", "", "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff")
_TOKEN = re.compile(r"<([0-9a-fA-F]*)>|([^<>]+)")

_original: Callable[..., Any] | None = None


def install() -> None:
    """Wrap WeasyPrint's line drawing (once per process)."""
    global _original
    from weasyprint.draw import text

    if _original is not None:
        return
    _original = text.draw_first_line
    text.draw_first_line = draw_first_line


def draw_first_line(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: str, matrix: Any) -> Any:
    """WeasyPrint's ``draw_first_line``, with an ActualText span around each word of a complex script."""
    assert _original is not None
    layout = textbox.pango_layout
    if (text_overflow == "ellipsis" or block_ellipsis != "none"  # the line is re-set with an ellipsis first
            or not COMPLEX.search(layout.text) or not layout.text.strip()):
        return _original(stream, textbox, text_overflow, block_ellipsis, matrix)
    from weasyprint.text.ffi import pango

    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)  # as the original does, before it reads
    words, texts = glyph_words(layout, stream)
    splitter = _Splitter(stream, words, texts)
    stream.show_text = splitter.show_text
    stream.set_font_size = splitter.set_font_size
    try:
        return _original(stream, textbox, text_overflow, block_ellipsis, matrix)
    finally:
        del stream.show_text, stream.set_font_size
        splitter.close()


def glyph_words(layout: Any, stream: Any = None) -> tuple[list[int | None], dict[int, str]]:
    """For each glyph the line draws (in drawing order), the word it belongs to (None: a space, or a word
    that needs no span); and each word's ActualText.

    A word needs a span only where the font's ``ToUnicode`` map would not give it back: the map WeasyPrint
    writes is foreseen here as it fills it (a glyph keeps the text of the first cluster it was drawn in),
    and read back as pdfium and poppler do (a right-to-left word's characters reversed). A Latin name, a
    digit or a plain Arabic word keeps its glyphs' own text, and the glyph positions readers report for it.
    """
    from weasyprint.text.ffi import ffi, pango

    first_line, _ = layout.get_first_line()
    utf8 = layout.text.encode()
    words: list[int | None] = []
    glyph_text: list[str] = []  # what the ToUnicode map will say for each glyph in ``words``
    texts: dict[int, str] = {}
    ligatured: set[int] = set()  # words with a lam-alef (LAM_ALEF)
    count = 0  # words numbered across the line's runs
    spaces: list[tuple[int, str, bool]] = []  # (index in words, the space, in right-to-left text)
    foreseen: dict[tuple[int, int], str] = {}  # (font, glyph) → text, for glyphs first met on this line
    moved: set[int] = set()  # words with a letter set off its place (Nastaliq's cascade)
    run = first_line.runs
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        item, glyphs = glyph_item.item, glyph_item.glyphs
        piece = utf8[item.offset:item.offset + item.length]
        rtl = bool(item.analysis.level % 2)
        font = stream.add_font(item.analysis.font)[0] if stream is not None else None
        word_at: dict[int, int | str] = {}  # byte offset in the run → word, or the space character there
        chars: dict[int, list[str]] = {}
        offset = 0
        current: int | None = None
        for ch in piece.decode():
            if ch.isspace():
                current = None
                word_at[offset] = ch
            else:
                if current is None:
                    current, count = count, count + 1
                    chars[current] = []
                word_at[offset] = current
                chars[current].append(ch)
            offset += len(ch.encode())
        for word, letters in chars.items():
            text = "".join(letters).translate(_DROP)
            if text:
                texts[word] = text[::-1] if rtl else text
                if LAM_ALEF.search(text):
                    ligatured.add(word)
        clusters, n = glyphs.log_clusters, glyphs.num_glyphs
        for i in range(n):
            glyph = glyphs.glyphs[i].glyph
            if glyph == pango.PANGO_GLYPH_EMPTY:
                continue  # drawn as a move, not a glyph
            # The text WeasyPrint maps this glyph to (draw_first_line: the bytes of its cluster, first come).
            end = (item.length if i == 0 else clusters[i - 1]) if rtl else (item.length if i == n - 1 else clusters[i + 1])
            key = (id(font), glyph)
            known = font.to_unicode.get(glyph) if font is not None else None
            if known is None:
                known = foreseen.setdefault(key, piece[clusters[i]:end].decode(errors="replace"))
            glyph_text.append(known)
            at = word_at.get(clusters[i])
            geometry = glyphs.glyphs[i].geometry
            if isinstance(at, int) and geometry.width and (geometry.x_offset or geometry.y_offset):
                moved.add(at)  # a letter off its place (a mark, of no width, is placed on its letter)
            if isinstance(at, str):
                # In left-to-right text a space goes into the span of the word before it: pdfium drops
                # a space drawn alone between two spans (Gurmukhi words ran together). Right-to-left
                # words keep their spaces apart: there pdfium ran words together the other way.
                spaces.append((len(words), at, rtl))
                words.append(None)
            else:
                words.append(at if at in texts else None)
    if stream is not None:  # keep only the words the ToUnicode map would misread
        drawn: dict[int, list[str]] = {}
        for owner, text in zip(words, glyph_text, strict=True):
            if owner is not None:
                drawn.setdefault(owner, []).append(text)
        for word, parts in drawn.items():
            # Both in drawing order: a reader reverses a right-to-left word's glyph text as it would its ActualText.
            if (word not in moved and word not in ligatured and not ALWAYS.search(texts[word])
                    and "".join(parts).translate(_DROP) == texts[word]):
                del texts[word]
        words = [w if w in texts else None for w in words]
    for index, space, rtl in spaces:
        before = words[index - 1] if index and not rtl else None
        if before is not None and not texts[before][-1:].isspace():
            texts[before] += space
            words[index] = before
    return words, texts


class _Splitter:
    """Stands in for the stream's ``show_text`` while a line is drawn: cuts each ``TJ`` array where the
    glyphs pass from one word to the next and opens and closes the words' spans there."""

    def __init__(self, stream: Any, words: list[int | None], texts: dict[int, str]):
        self.stream, self.words, self.texts = stream, words, texts
        self.next = 0            # index in ``words`` of the next glyph drawn
        self.open: int | None = None
        self.hex = 4             # hex digits per glyph: 2 in a bitmap font
        self.broken = False      # the glyphs drawn did not match Pango's: no more spans on this line

    def set_font_size(self, font: str, size: float) -> None:
        for known in self.stream._fonts.values():
            if known.hash == font:
                self.hex = 2 if known.bitmap else 4
                break
        type(self.stream).set_font_size(self.stream, font, size)

    def _emit(self, parts: list[str]) -> None:
        if parts:  # glyphs, or only a move (it places what follows); two moves in a row need a space between
            type(self.stream).show_text(self.stream, " ".join(parts))

    def _switch(self, word: int | None) -> None:
        import pydyf

        if self.open is not None:
            pydyf.Stream.end_marked_content(self.stream)
        if word is not None:
            pydyf.Stream.begin_marked_content(self.stream, "Span",
                                              pydyf.Dictionary({"ActualText": pydyf.String(self.texts[word])}))
        self.open = word

    def show_text(self, text: str) -> None:
        if self.broken:
            type(self.stream).show_text(self.stream, text)
            return
        parts: list[str] = []
        for glyph_hex, move in _TOKEN.findall(text):
            if move:
                parts.append(move)
                continue
            run: list[str] = []
            for at in range(0, len(glyph_hex), self.hex):
                word: int | None
                if self.next >= len(self.words):  # more glyphs than Pango said: stop marking this line
                    self.broken = True
                    word = None
                else:
                    word = self.words[self.next]
                    self.next += 1
                if word != self.open:
                    if run:
                        parts.append("<" + "".join(run) + ">")
                        run = []
                    self._emit(parts)
                    parts = []
                    self._switch(word)
                run.append(glyph_hex[at:at + self.hex])
            if run:
                parts.append("<" + "".join(run) + ">")
        self._emit(parts)

    def close(self) -> None:
        if self.open is not None:
            self._switch(None)
