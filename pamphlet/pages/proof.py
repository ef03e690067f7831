"""The proof: read the laid-out pages back and compare them with what the edition must carry.

Nothing is written before an edition passes:

* every word of the Markdown body is on a page, in order, block by block
  (WeasyPrint can drop text silently — multi-column + ``column-span`` at a page
  break — or push it off the page);
* the front-matter fields the layout prints are there;
* no page or panel is blank beyond what the layout allows;
* without bleed, no text and no colour field comes within the safe margin of a
  page edge, where office printers cannot print.

The text is read from WeasyPrint's page boxes, not from the PDF: the boxes are
already in memory, so the proof costs milliseconds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from pamphlet.errors import ProofError, plural
from pamphlet.layouts import SAFE_MARGIN
from pamphlet.pages import measure
from pamphlet.pages._weasy import boxes as B
from pamphlet.pages.render import LaidOut
from pamphlet.text import markdown

PX_PER_MM = 96 / 25.4


@dataclass(frozen=True)
class Block:
    """A run of text the edition must print: a paragraph, heading, list item or table cell.

    Its ``words`` are what the proof finds in order: words between spaces, and in a script written
    without spaces between words (Thai, Chinese, Japanese …) each character with its marks, since a
    Thai sentence between two spaces is one "word" as wide as a paragraph (``unit`` says which)."""

    line: int          # 1-based line in the Markdown body
    words: tuple[str, ...]
    kind: str = "text"  # "lede", "quote", "first" (a first block that is a paragraph too long to be the lede), or "text"
    unit: str = "word"  # "character" when the block is in a script written without spaces between words


#: Scripts written without spaces between words (a line may break between almost any two characters, or at
#: a dictionary's word boundary): Thai, Lao, Tibetan, Myanmar, Khmer, Han, Hiragana, Katakana.
_SPACELESS = re.compile("[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff"
                        "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]")


def spaceless(text: str) -> bool:
    """Whether ``text`` has letters of a script written without spaces between words."""
    return bool(_SPACELESS.search(text))


def units(words: list[str]) -> tuple[tuple[str, ...], str]:
    """(what the proof finds in order, its unit): the words as they are, or where one is in a script
    without spaces, that word's characters, each with the marks that follow it (a Thai vowel sign or
    tone mark is part of its letter)."""
    if not any(_SPACELESS.search(w) for w in words):
        return tuple(words), "word"
    out: list[str] = []
    for word in words:
        if not _SPACELESS.search(word):
            out.append(word)
            continue
        for ch in word:
            if out and unicodedata.category(ch)[0] == "M" and out[-1] != " ":
                out[-1] += ch
            else:
                out.append(ch)
    return tuple(u for u in out if _norm(u)), "character"


@dataclass
class PageText:
    number: int
    text: str = ""          # normalised: letters, marks and digits only, case-folded
    raw: list[str] = field(default_factory=list)
    ink: bool = False       # any text or image on the page
    edge: list[str] = field(default_factory=list)  # what comes too close to an edge


def _norm(text: str) -> str:
    """Letters, marks and digits only (digits as ASCII), case-folded: hyphens, spaces, quotes,
    isolates and soft hyphens drop out, so a word broken across lines reads as one."""
    out = []
    # Upper-cased by the language's rules (Turkish "ı" → "I", "i" → "İ"), a word must still match its source.
    for ch in unicodedata.normalize("NFKC", text).casefold().replace("ı", "i").replace("\u0307", ""):
        cat = unicodedata.category(ch)
        if cat[0] in "LM":
            out.append(ch)
        elif cat == "Nd":
            out.append(str(unicodedata.digit(ch)))
        elif cat[0] == "N":
            out.append(ch)
    return "".join(out)


def source_blocks(body: str, quotes: str | tuple[str, ...] = "“”‘’", rtl: bool = False,
                  lede_words: int = markdown.LEDE_MAX_WORDS) -> list[Block]:
    """The body's printed text, block by block, as the Markdown renderer produces it."""
    md = markdown.parser(quotes, rtl)
    tokens = md.parse(body, {"lede_max_words": lede_words})
    out: list[Block] = []
    line, quote_depth, lede, first, seen_block = 1, 0, False, False, False
    for tok in tokens:
        if tok.map is not None:
            line = tok.map[0] + 1
        if tok.type == "blockquote_open":
            quote_depth += 1
        elif tok.type == "blockquote_close":
            quote_depth -= 1
        if tok.type != "inline":
            lede = tok.type == "paragraph_open" and tok.attrGet("class") == "lede"
            first = tok.type == "paragraph_open" and not seen_block and tok.level == 0
            seen_block = seen_block or tok.level == 0
            continue
        words: list[str] = []
        for child in tok.children or []:
            if child.type in ("text", "code_inline"):
                words.extend(markdown.split_words(child.content))
            elif child.type in ("softbreak", "hardbreak"):
                continue
            elif child.type == "footnote_ref":
                words.append(str(child.meta["id"] + 1))
        words = [w for w in words if _norm(w)]
        if words and tok.content.strip() not in markdown.PAGE_BREAK_MARKERS:
            kind = "lede" if lede else "quote" if quote_depth else "first" if first else "text"
            found, unit = units(words)
            out.append(Block(line, found, kind, unit))
    return out


def text_blocks(text: str | None, line: int = 0) -> list[Block]:
    """A front-matter value as one block."""
    found, unit = units([w for w in (text or "").split() if _norm(w)])
    return [Block(line, found, unit=unit)] if found else []


# --- reading the pages ---------------------------------------------------------------------


def _children(box: Any) -> Iterator[Any]:
    for child in getattr(box, "children", ()) or ():
        yield getattr(child, "_box", child)  # absolutely positioned boxes sit behind placeholders


def _walk(box: Any) -> Iterator[Any]:
    """Boxes in document order, without the page-margin boxes (page numbers, running heads)."""
    stack = [box]
    while stack:
        b = stack.pop()
        if isinstance(b, B.MarginBox):
            continue
        if measure.hidden(b):
            continue  # not printed (a hidden copy that keeps room in the flow)
        yield b
        stack.extend(reversed(list(_children(b))))


def _painted(box: Any) -> bool:
    bg = getattr(box, "style", None) and box.style["background_color"]
    return bool(bg is not None and getattr(bg, "alpha", 0) > 0)


def read_pages(laid: LaidOut, *, safe_margin: float | None) -> list[PageText]:
    """Text per page in document order (margin boxes aside), with safe-margin findings."""
    pages = []
    for number, page in enumerate(laid.document.pages, start=1):
        pt = PageText(number)
        root = page._page_box
        width, height = page.width, page.height
        limit = (safe_margin or 0) * PX_PER_MM
        if safe_margin and _painted(root):
            pt.edge.append("the page background is coloured to the edge")
        parts: list[str] = []
        rects: list[tuple[float, float, float, float, str]] = []
        for box in _walk(root):
            if isinstance(box, B.TextBox):
                if not box.text.strip():
                    continue
                x, y, w, h = box.position_x, box.position_y, box.width or 0, box.height or 0
                if x + w < 0 or x > width or y > height or y + h < 0:
                    continue  # off the page: not printed
                if x < -0.5 or x + w > width + 0.5:
                    pt.edge.append(f'text runs off the page: "{box.text.strip()[:30]}"')
                    continue
                pt.ink = True
                parts.append(box.text)
                # The band ink occupies (the box itself spans the font's whole line height, which in tall
                # display faces reaches into the next line without touching its letters).
                size = box.style["font_size"]
                base = y + (box.baseline if box.baseline is not None else 0.8 * h)
                rects.append((base - 0.7 * size, base + 0.15 * size, x, x + w, box.text.strip()))
                if safe_margin and (x < limit or y < limit or x + w > width - limit or y + h > height - limit):
                    pt.edge.append(f'text within {safe_margin:g} mm of the edge: "{box.text.strip()[:30]}"')
            elif isinstance(box, B.ReplacedBox):
                pt.ink = True
            elif isinstance(box, B.BlockLevelBox | B.TableCellBox) and box is not root and _painted(box):
                x, y = box.border_box_x(), box.border_box_y()
                w, h = box.border_width(), box.border_height()
                if safe_margin and w > 1 and h > 1 and (
                        x < limit or y < limit or x + w > width - limit or y + h > height - limit):
                    pt.edge.append(f"a colour field within {safe_margin:g} mm of the edge")
                # A colour field painted after text it covers hides it (its own text comes after it).
                for y0, y1, x0, x1, text in rects:
                    if min(y1, y + h) - max(y0, y) > 0.3 * (y1 - y0) and min(x1, x + w) - max(x0, x) > 2:
                        pt.edge.append(f'a colour field is printed over "{text[:30]}"')
                        break
        clash = _overlap(rects)
        if clash:
            pt.edge.append(f'text printed over other text: "{clash[0][:30]}" and "{clash[1][:30]}"')
        pt.raw = parts
        pt.text = _norm("".join(parts))
        pages.append(pt)
    return pages


def _overlap(rects: list[tuple[float, float, float, float, str]]) -> tuple[str, str] | None:
    """Two pieces of text drawn on top of each other (an absolutely placed block over the flow, say)."""
    rects.sort()
    for i, (y0, y1, x0, x1, text) in enumerate(rects):
        for y0b, y1b, x0b, x1b, textb in rects[i + 1:]:
            if y0b >= y1:
                break
            tall = min(y1 - y0, y1b - y0b)
            if min(y1, y1b) - y0b > 0.6 * tall and min(x1, x1b) - max(x0, x0b) > 2:
                return text, textb
    return None


# --- the proof ---------------------------------------------------------------------------------


@dataclass
class Report:
    """What the proof found that does not fail the edition."""

    blank_pages: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _missing_run(stream: str, start: int, block: Block) -> tuple[int, int]:
    """(words found in order from ``start``, position after them): the longest prefix of the block."""
    lo, hi, pos = 0, len(block.words), start
    whole = "".join(_norm(w) for w in block.words)
    at = stream.find(whole, start)
    if at >= 0:
        return len(block.words), at + len(whole)
    while lo < hi:  # binary search for the longest prefix that is there
        mid = (lo + hi + 1) // 2
        prefix = "".join(_norm(w) for w in block.words[:mid])
        at = stream.find(prefix, start)
        if at >= 0:
            lo, pos = mid, at + len(prefix)
        else:
            hi = mid - 1
    return lo, pos


def check_text(name: str, stream: str, blocks: list[Block], where: Any) -> None:
    """Every block's words on the pages, in order; raise ProofError naming the first gap."""
    pos, missing, first = 0, 0, None
    for block in blocks:
        found, end = _missing_run(stream, pos, block)
        if found == len(block.words):
            pos = end
            continue
        missing += len(block.words) - found
        if first is None:
            first = (block, found)
        if found:
            pos = end
    if first is None:
        return
    block, found = first
    glue = "" if block.unit == "character" else " "
    if found:
        lead = glue.join(block.words[max(0, found - (8 if glue == "" else 3)):found])
        what = f'after "…{lead}"'
    else:
        what = f'from "{glue.join(block.words[:8 if glue == "" else 4])}…"'
    noun = plural(missing, block.unit).split(" ", 1)[1]
    raise ProofError(f"{name}: {missing} {noun} {what} are not on any page ({where(block.line)})",
                     "this is a layout problem, not your text: report it, and try another layout meanwhile")


def prove(name: str, laid: LaidOut, *, body: list[Block], fields: dict[str, list[Block]], where: Any,
          safe_margin: float | None, allowed_blank: int) -> Report:
    """Check a laid-out edition; raise ProofError for lost text or ink in the dead edge."""
    pages = read_pages(laid, safe_margin=safe_margin)
    stream = "".join(p.text for p in pages)
    check_text(name, stream, body, where)
    for key, blocks in fields.items():
        for block in blocks:
            if _norm("".join(block.words)) not in stream:
                raise ProofError(f"{name}: the {key.replace('_', ' ')} is not on any page ({where(block.line)})",
                                 "this is a layout problem, not your text: report it")
    for page in pages:
        if page.edge:
            hint = (f"office printers cannot print the outer {SAFE_MARGIN:g} mm; use --bleed 3 if a print shop "
                    "trims the sheets, or report the layout problem")
            if page.edge[0].startswith(("text printed over", "a colour field is printed over")):
                hint = "shorten the headline or subtitle, or report the layout problem"
            raise ProofError(f"{name}: page {page.number}: {page.edge[0]}", hint)
    for line in measure.overflowing_lines(laid):
        # Past its box, a line prints over the next column or panel, or white on white beside a colour field.
        raise ProofError(f'{name}: page {line.page}: "{_shorten(line.text)}" runs past the edge of its box',
                         "a word too long for its line there: shorten it, or report the layout problem")
    report = Report(blank_pages=[p.number for p in pages if not p.ink])
    return report


def _shorten(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


# --- hyphenation discipline -----------------------------------------------------------------

HYPHEN = "\u2010"  # the character WeasyPrint adds where it hyphenates (a hyphen of the text is U+002D)


def _lines(page: Any) -> list[tuple[float, str]]:
    """(x, text) of each line box on a page, in document order."""
    out = []
    for box in _walk(page._page_box):
        if isinstance(box, B.LineBox):
            text = "".join(b.text for b in _walk(box) if isinstance(b, B.TextBox))
            if text.strip():
                out.append((box.position_x, text))
    return out


def hyphen_offenders(laid: LaidOut, facing: Collection[int] = ()) -> set[str]:
    """Words hyphenated where a reader should not have to turn: at the end of a page (or panel), or as the
    third hyphenated line in a row. Returned whole (both fragments joined). A word hyphenated from one column
    to the next on the same page is usual practice (newspapers, and every two-column leaflet a designer
    sets); keeping such words whole cost a layout pass in a third of the editions. So is one hyphenated from
    a page to the page facing it (``facing``: 1-based pages whose next page is seen beside them, as a
    booklet's or a zine's spread, a tri-fold's opened inside): the reader turns nothing."""
    bad: set[str] = set()
    pages = laid.document.pages
    for number, page in enumerate(pages):
        lines = _lines(page)
        run = 0

        def word_at(i: int, lines: list[tuple[float, str]] = lines, number: int = number) -> str:
            """The word hyphenated at the end of line ``i``, both fragments joined."""
            text = lines[i][1].rstrip()[:-1].split()
            head = text[-1] if text else ""
            if i + 1 < len(lines):
                tail = lines[i + 1][1].split()[0] if lines[i + 1][1].split() else ""
            else:  # the word goes on at the top of the next page
                rest = _lines(pages[number + 1]) if number + 1 < len(pages) else []
                tail = rest[0][1].split()[0] if rest and rest[0][1].split() else ""
            return "".join(ch for ch in head + tail if ch.isalpha())

        for i, (_x, text) in enumerate(lines):
            run = run + 1 if text.rstrip().endswith(HYPHEN) else 0
            if not run or (i + 1 < len(lines) and run < 3) or (i + 1 == len(lines) and run < 3
                                                                 and number + 1 in facing):
                continue
            # A page end; or the third hyphen in a row, where the second is kept whole too (keeping the
            # third alone let the lines after it make a new run of three).
            for at in ((i - 1, i) if run >= 3 else (i,)):
                word = word_at(at)
                if len(word) >= 6:
                    bad.add(word)
            run = 0 if run >= 3 else run
    return bad
