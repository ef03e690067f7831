"""Markdown → HTML: the parser and its plugins, in one place.

CommonMark (markdown-it-py) with tables, strikethrough, footnotes, a
``::: callout`` container and an explicit page break (a line ``\\newpage``).
Raw HTML is off: a pamphlet's text cannot inject markup, styles or scripts.
Blockquotes become pull quotes; a text that opens with a short paragraph has it
marked as the lede (only a first block: the layouts print the lede above the
rest, so a paragraph after a heading, a quote or a list never is one).

The text is untrusted, so before and while parsing it is checked, each problem
a ``ContentError`` naming ``file:line`` (through ``locate``):

* its size (``MAX_BODY_CHARS``): no fit loop lays out megabytes;
* control characters (NUL, ESC, …), which would print as boxes or vanish;
* words longer than ``MAX_WORD`` letters (WeasyPrint's line breaking is
  quadratic in a word's length, and such a word runs off the page anyway);
  web addresses are made breakable instead (:mod:`typeset`: after ``/ . @ ?``,
  long pieces also after ``& = _``), so a 150-character URL wraps inside its column;
* every image and link destination: images only from inside the project
  (no ``file:``, ``http:``, absolute paths, ``..``/``%2e%2e`` escapes, ``data:``
  other than images), links only to addresses a reader can follow. markdown-it
  would silently print a refused destination as literal text instead.

Every problem of a text is reported at once (one ``ContentError`` with a line
per problem), as ``check`` must list them all.

What the text prints is recorded with its line (``Rendered.texts``): the glyph
check reads the characters entity and numeric references (``&hearts;``,
``&#xD06;``) and typographic replacements produce, not only those written.
A picture embedded as a ``data:`` URI is not text: it is swapped for a short
``pamphlet-data:`` key before parsing (:func:`pack_images`), which the renderer's
fetcher turns back into the picture, so it counts towards no text limit.
Ethiopic written with its wordspace (``፡``) and no spaces gets a break
opportunity after each ``፡``, like a long web address.

Then every text is typeset (:mod:`typeset`, the core rule ``pamphlet_typeset``): units
kept whole, addresses breakable and never hyphenated, runs of the other direction
isolated, a block all in the other direction given its ``dir``, ``[ ]``/``[x]``
list items drawn as tasks.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from pamphlet.errors import ContentError, Location
from pamphlet.text import typeset

PAGE_BREAK_MARKERS = ("\\newpage", "\\pagebreak")
CONTAINERS = ("callout", "note", "aside")


#: Longest body laid out (characters of Markdown): about 80 booklet pages of text.
MAX_BODY_CHARS = 200_000
#: markdown-it is pure Python: a body of nothing but markup takes it seconds per 100 000 marks
#: (an unclosed '[' costs 40–250 µs, an autolink 350 µs, an emphasis mark 35 µs, a line 75 µs).
#: Far more of each than any pamphlet has; each limit keeps its worst case near a second.
MAX_MARKS: tuple[tuple[str, int, str, str], ...] = (
    ("[", 10_000, "'['", "a link is written [text](https://…): remove the stray brackets"),
    ("<", 5_000, "'<'", "remove the stray '<' characters"),
    ("*_~", 30_000, "'*', '_' and '~'", "emphasis marks come in pairs: remove the stray ones"),
    ("|", 20_000, "'|'", "split the table into smaller ones"),
    ("\n", 20_000, "lines", "join the short lines into paragraphs, or split the text into several pamphlets"),
)
#: Explicit page breaks (``\\newpage``): a booklet has at most 256 pages.
MAX_PAGE_BREAKS = 256
_PAGE_BREAK_LINE = re.compile(r"^[ \t]*\\(?:newpage|pagebreak)[ \t]*$", re.M)
#: Its smart quotes cost the number of quotes times the length of their paragraph (a paragraph of
#: 80 000 '"' takes 6 s, of 200 000 minutes). The sum over the paragraphs stays under this
#: (a real pamphlet: ~10⁶; 2·10⁸ is about half a second).
MAX_QUOTE_WORK = 200_000_000
#: Longest word (letters between spaces or hyphens) outside web addresses.
MAX_WORD = 60
#: Pieces of a web address (between slashes and hyphens) longer than this get break opportunities.
BREAK_URLS_OVER = 20
ZWSP = "\u200b"
LRI, PDI = typeset.LRI, typeset.PDI

Locate = Callable[[int], Location]


@dataclass(frozen=True)
class Ref:
    """An image or link destination as written, with its line in the Markdown text (1-based)."""

    kind: str  # "image" | "link"
    url: str
    line: int


@dataclass(frozen=True)
class Rendered:
    html: str
    lede: str = ""
    quotes: str = ""
    images: list[str] = field(default_factory=list)
    headings: int = 0
    paragraphs: int = 0
    words: int = 0
    refs: list[Ref] = field(default_factory=list)  # every image and link, with its line
    chars: int = 0  # characters of visible text (for a capacity estimate before layout)
    texts: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of everything printed, as printed
    body: str = ""  # the text as parsed: embedded pictures packed (``pack_images``)


def _page_breaks(state: StateCore) -> None:
    """Turn a paragraph that is only ``\\newpage`` into a page-break block; drop a rule (``---``) that ends the
    text (before its footnotes): it separates nothing, and on a page or panel of its own (after a pull quote
    set apart) it left that page blank."""
    tokens = state.tokens
    last = len(tokens) - 1
    while last >= 0 and tokens[last].type.startswith("footnote_"):
        last -= 1
    while last >= 0 and tokens[last].type == "hr" and tokens[last].level == 0:
        del tokens[last]
        last -= 1
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if (tok.type == "paragraph_open" and i + 2 < len(tokens) and tokens[i + 1].type == "inline"
                and tokens[i + 1].content.strip() in PAGE_BREAK_MARKERS):
            brk = Token("html_block", "", 0)
            brk.content = '<div class="page-break" aria-hidden="true"></div>\n'
            out.append(brk)
            i += 3
            continue
        out.append(tok)
        i += 1
    state.tokens = out


#: Only a short first paragraph is set as the bold lede; a long one stays body text.
LEDE_MAX_WORDS = 45
#: The Ethiopic wordspace: Amharic and Tigrinya may be written with it between words and no spaces.
ETHIOPIC_WORDSPACE = "\u1361"
_WORD_GAP = re.compile("\\s+|\u1361\u200b?")


def split_words(text: str) -> list[str]:
    """The words of ``text``: runs between spaces or Ethiopic wordspaces (``፡``)."""
    return [w for w in _WORD_GAP.split(text) if w]


def count_words(text: str) -> int:
    return len(split_words(text))


def _classes(state: StateCore) -> None:
    """Mark pull quotes, tables and the lede.

    The lede is the text's first block when that block is a paragraph of at most ``lede_max_words``
    words. Layouts print the lede above the rest of the body, so only a first block may be it: a
    paragraph after a heading, a quote or a list would move above them.
    """
    limit = state.env.get("lede_max_words", LEDE_MAX_WORDS) if isinstance(state.env, dict) else LEDE_MAX_WORDS
    tokens = state.tokens
    first = next((i for i, tok in enumerate(tokens) if tok.level == 0), None)
    if (first is not None and tokens[first].type == "paragraph_open" and first + 1 < len(tokens)
            and tokens[first + 1].type == "inline" and count_words(tokens[first + 1].content) <= limit):
        tokens[first].attrSet("class", "lede")
    for i, tok in enumerate(tokens):
        if tok.type == "blockquote_open":
            tok.attrSet("class", "pull-quote")
        elif tok.type == "table_open":
            tok.attrSet("class", "table")
        elif tok.type == "paragraph_open" and tok.level == 0 and not tok.attrGet("class") and i + 1 < len(tokens):
            # A picture on its own (a paragraph of one image): a layout may give it a page of its own.
            inline = tokens[i + 1].children or []
            if [c.type for c in inline if c.type != "softbreak"] == ["image"]:
                tok.attrSet("class", "picture")


# Only where a word starts (after a space or an opening bracket or quote), and with possessive
# quantifiers: without both, a 20 000-letter word costs seconds of backtracking.
_URL_START = r"(?<![^\s(\[<\"'\u201c\u2018\u00ab])"
_URL = re.compile(_URL_START + r"(?:[A-Za-z][A-Za-z0-9+.\-]*+://|www\.)\S+|"
                  + _URL_START + r"[^\s@()<>\[\]\"'\u201c\u2018\u00ab]++@[^\s@]+\.[^\s@]+")
_URL_BREAK_AFTER = re.compile(r"([.?&=_@#~+])(?=[^/.\-?&=_@#~+\s])")
_PANGO_BREAKS = re.compile(r"(?<=[/\-])")
# Word boundaries: spaces, hyphens, dashes, slashes, soft hyphens, zero-width spaces and the
# other characters after which Unicode allows a line break (Ethiopic ፡, Tibetan tsheg, …).
_WORD = re.compile("[^\\s\\-\u2010\u2013\u2014/\u00ad\u200b|\u058a\u05be\u0f0b\u1361\u1680\u17d5"
                   "\u1804\u1805\u2027\u2056\u2058-\u205b\u205d-\u205f\u2cfa-\u2cfc\u2cff\u2e0e-\u2e15"
                   "\u2e17\u2e19\u2e2a-\u2e2d\u2e30\u2e31\ua4fe\ua4ff]+")
# Scripts written without spaces, where Pango breaks lines between letters or by dictionary.
_IMPLICIT_BREAKS = re.compile("[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\u2e80-\u9fff"
                              "\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]")


def breakable_url(url: str) -> str:
    """``url`` with break opportunities (zero-width spaces) where it could not wrap.

    Pango breaks a line after ``/`` and ``-`` but not after ``.``, ``?``, ``&``,
    ``=`` or ``_``: a long tracking link would run off the page. Each piece
    between slashes and hyphens longer than ``BREAK_URLS_OVER`` gets a zero-width
    space after ``. ? & = _ @ # ~ +``, and after every 20 letters of a run
    without them. Short pieces stay as they are (their text reads back
    unchanged). Also for templates: a contact link, a web address in a footer.
    """
    head, sep, rest = url.partition("://")
    if not sep:
        head, rest = "", url
    else:
        head += sep
    pieces = []
    for piece in _PANGO_BREAKS.split(rest):
        if len(piece) > BREAK_URLS_OVER:
            piece = _URL_BREAK_AFTER.sub(lambda m: m.group(1) + ZWSP, piece)
            piece = re.sub(r"[^\s\u200b]{20}(?=[^\s\u200b])", lambda m: m.group(0) + ZWSP, piece)
        pieces.append(piece)
    return head + "".join(pieces)


def long_word(text: str) -> str | None:
    """The first word longer than ``MAX_WORD`` letters that is not a web address, or None."""
    for token in text.split():
        if _URL.search(token):
            continue  # a web address: made breakable instead
        for m in _WORD.finditer(token):
            word = m.group(0)
            if len(word) > MAX_WORD and not _IMPLICIT_BREAKS.search(word):
                return word
    return None


def _inline_lines(tok: Token) -> list[tuple[Token, int]]:
    """Each child of an inline token with its 0-based line offset inside the block."""
    out, line = [], 0
    for child in tok.children or []:
        out.append((child, line))
        if child.type in ("softbreak", "hardbreak"):
            line += 1
    return out


_WORDSPACE_RUN = re.compile("\u1361(?![\\s\u200b])")


def _text_checks(state: StateCore) -> None:
    """Refuse overlong words; make Ethiopic wordspaces breakable; record every destination and every printed
    text with its line (as written: the typesetting comes after, :func:`_typeset`)."""
    refs: list[Ref] = state.env.setdefault("pamphlet_refs", [])
    problems: list[tuple[int, str, str]] = state.env.setdefault("pamphlet_problems", [])
    texts: list[tuple[int, str]] = state.env.setdefault("pamphlet_texts", [])
    last = 1  # the line of the block before: footnote bodies and table cells may come without a map
    for tok in state.tokens:
        if tok.map:
            last = tok.map[0] + 1
        if tok.type in ("code_block", "fence"):
            texts.append((last + (1 if tok.type == "fence" else 0), tok.content))
            continue
        if tok.type != "inline" or not tok.children:
            continue
        for child, offset in _inline_lines(tok):
            line = last + offset
            if child.type == "image":
                refs.append(Ref("image", str(child.attrGet("src") or ""), line))
            elif child.type == "link_open":
                refs.append(Ref("link", str(child.attrGet("href") or ""), line))
            elif child.type in ("text", "code_inline"):
                texts.append((line, child.content))
                word = long_word(child.content)
                if word is not None:
                    shown = word[:24] + "…" if len(word) > 24 else word
                    problems.append((line, f"a word of {len(word)} letters ('{shown}') is too long to print "
                                           f"(at most {MAX_WORD} without a space or hyphen)",
                                     "break it with spaces or hyphens, or put &shy; (a soft hyphen) where it may be split"))
                    continue
                child.content = break_wordspaces(child.content)


def break_wordspaces(text: Any) -> Any:
    """``text`` with a break opportunity (a zero-width space) after each Ethiopic wordspace (``፡``) that
    has no space after it: Pango does not break a line there on its own, so a text written with wordspaces
    and no spaces was one word as wide as its paragraph, and ran off the page. Anything but text as it is."""
    if isinstance(text, str) and ETHIOPIC_WORDSPACE in text:
        return _WORDSPACE_RUN.sub(ETHIOPIC_WORDSPACE + ZWSP, text)
    return text


def _block_of(tokens: list[Token], i: int) -> Token | None:
    """The block the inline token ``tokens[i]`` is printed in: its paragraph, heading or table cell, or the
    list item of a tight list's hidden paragraph."""
    for j in range(i - 1, -1, -1):
        tok = tokens[j]
        if tok.nesting == 1 and not tok.hidden:
            return tok
    return None


def _task(tokens: list[Token], i: int) -> None:
    """A list item written ``[ ] …`` or ``[x] …``: the marker dropped, the item classed ``task`` (``task done``)
    and drawn as a box by the stylesheet."""
    tok = tokens[i]
    children = tok.children or []
    if i < 2 or tokens[i - 1].type != "paragraph_open" or tokens[i - 2].type != "list_item_open" \
            or not children or children[0].type != "text":
        return
    done, rest = typeset.checklist(children[0].content)
    if done is None:
        return
    children[0].content = rest
    tokens[i - 2].attrSet("class", "task done" if done else "task")


def _nohyph_spans(child: Token) -> list[Token]:
    """A text token cut at its web and e-mail addresses, each in a ``<span class="nohyph">`` (our own markup,
    never the text's: raw HTML stays off): hyphenation would add a hyphen inside one."""
    text = child.content
    spans = typeset.address_spans(text)
    if not spans:
        return [child]
    out: list[Token] = []
    done = 0

    def piece(kind: str, content: str) -> None:
        tok = Token(kind, "", 0)
        tok.content = content
        out.append(tok)

    for start, end in spans:
        if start > done:
            piece("text", text[done:start])
        piece("html_inline", '<span class="nohyph">')
        piece("text", text[start:end])
        piece("html_inline", "</span>")
        done = end
    if done < len(text):
        piece("text", text[done:])
    return out


def _typeset(state: StateCore, rtl: bool, french: bool) -> None:
    """Set every text as a typesetter would (:mod:`typeset`): French spaces, units kept whole (phone numbers,
    time ranges, a postcode and its town, ``e. V.``), web and e-mail addresses breakable only after
    ``/ . @ ?`` and never hyphenated, runs of the other direction isolated; a block all in the other
    direction (a Latin address in an Arabic list) gets its ``dir``; a list item ``[ ] …`` is a task.
    The region (``env["region"]``, for national phone numbers) comes with each parse: the parser is shared."""
    env = state.env if isinstance(state.env, dict) else {}
    region = env.get("region")
    base = "rtl" if rtl else "ltr"
    tokens = state.tokens
    for i, tok in enumerate(tokens):
        if tok.type != "inline" or not tok.children:
            continue
        _task(tokens, i)
        texts = [child for child in tok.children if child.type == "text"]
        for child in texts:
            text = typeset.french_spacing(child.content) if french else child.content
            child.content = typeset.breakable_address(typeset.keep_together(text, region))
        if len(tok.children) == 1 and texts:
            texts[0].content = typeset.isolate_field(texts[0].content, rtl)
        elif texts:
            direction = typeset.block_direction("".join(child.content for child in texts), rtl)
            block = _block_of(tokens, i)
            if direction != base and block is not None:
                block.attrSet("dir", direction)
            for child in texts:
                child.content = typeset.isolate_runs(child.content, direction == "rtl")
        if any(child.type == "text" and typeset.address_spans(child.content) for child in tok.children):
            tok.children = [piece for child in tok.children
                            for piece in (_nohyph_spans(child) if child.type == "text" else [child])]


def _render_container(name: str):
    def render(self, tokens, idx, _options, env):  # noqa: ANN001 - markdown-it renderer signature
        tok = tokens[idx]
        if tok.nesting == 1:
            title = tok.info.strip()[len(name):].strip()
            head = f'<p class="callout-title">{escapeHtml(title)}</p>\n' if title else ""
            return f'<aside class="{name}">\n{head}'
        return "</aside>\n"
    return render


#: Alt text that marks a picture as decorative: ``![""](images/rule.png)`` (any pair of quotes, as typed
#: or as the typographer curled them).
_DECORATIVE_ALT = re.compile(r"[\"'“”„‟«»‹›「」『』‘’‚]{2}")


def _render_image(self, tokens, idx, options, env):  # noqa: ANN001 - markdown-it renderer signature
    """A picture with its alt text for screen readers. Alt text ``""`` marks it decorative: drawn as the
    background of its frame (a PDF artifact, skipped by a screen reader) over a hidden copy that keeps its
    size. Without alt text, its file name stands in (the reading PDF's Figures all carry one)."""
    tok = tokens[idx]
    alt = self.renderInlineAsText(tok.children or [], options, env).strip()
    src = str(tok.attrGet("src") or "")
    title = str(tok.attrGet("title") or "")
    if _DECORATIVE_ALT.fullmatch(alt):
        url = src.replace("\\", "%5C").replace('"', "%22")
        return (f'<span class="decorative" style="background-image: url(&quot;{escapeHtml(url)}&quot;)">'
                f'<img src="{escapeHtml(src)}" alt=""></span>')
    if not alt and src.startswith(("data:", "pamphlet-data:")):
        alt = title
    elif not alt:
        alt = title or re.sub(r"[_\-]+", " ", posixpath.splitext(posixpath.basename(unquote(src)))[0]).strip()
    extra = f' title="{escapeHtml(title)}"' if title else ""
    return f'<img src="{escapeHtml(src)}" alt="{escapeHtml(alt or "picture")}"{extra}>'


@lru_cache(maxsize=16)
def parser(quotes: str | tuple[str, ...] = "“”‘’", rtl: bool = False) -> MarkdownIt:
    """A configured parser; ``quotes`` are the language's typographic quotes."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "quotes": quotes})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    # On paper: a plain superscript number, and no "↩" back-link after the note.
    md.add_render_rule("footnote_ref", lambda self, tokens, idx, options, env: (
        f'<sup class="footnote-ref">{tokens[idx].meta["id"] + 1}</sup>'))
    md.add_render_rule("footnote_anchor", lambda self, tokens, idx, options, env: "")
    md.add_render_rule("image", _render_image)
    for name in CONTAINERS:
        md.use(container_plugin, name=name, render=_render_container(name))
    md.core.ruler.push("pamphlet_page_breaks", _page_breaks)
    md.core.ruler.push("pamphlet_classes", _classes)
    md.core.ruler.push("pamphlet_text_checks", _text_checks)
    french = any(typeset.NNBSP in q for q in quotes)
    md.core.ruler.push("pamphlet_typeset", lambda state: _typeset(state, rtl, french))
    # Every destination is parsed as a link or image and then checked with its line
    # (``check_ref``): markdown-it's own validation would print refused ones as text.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "BS", 0x0B: "VT", 0x0C: "FF", 0x1B: "ESC", 0x7F: "DEL"}
_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml)[;,]", re.I)
_LINK_SCHEMES_REFUSED = ("javascript", "vbscript", "file", "data", "blob", "about")
_IMAGE_HINT = "put the image in the project's images/ folder and write ![description](images/<name>)"


def _scheme(url: str) -> str:
    m = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", url)
    return m.group(1).lower() if m else ""


def _short(url: str) -> str:
    return url if len(url) <= 60 else url[:57] + "…"


#: Characters of pictures embedded as ``data:`` URIs in one text (about 48 MB of images).
MAX_EMBEDDED_CHARS = 64 * 2**20
#: A ``data:`` image at least this long is packed (see ``pack_images``).
PACK_OVER = 100
PACKED_SCHEME = "pamphlet-data"
_EMBEDDED = re.compile(r"(\]\(\s*<?|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*\n?[ \t]*<?)"
                       r"(data:image/[A-Za-z0-9+.\-]+[;,][A-Za-z0-9+/=;,:%._\-]*)", re.M)
_PACKED: dict[str, str] = {}  # key → the data: URI it stands for (this process's texts)


def pack_images(text: str, locate: Locate | None = None) -> str:
    """``text`` with every long ``data:`` image destination replaced by a short ``pamphlet-data:`` key.

    An embedded picture is not text: unpacked, a 120 KB PNG counted as 166 702 characters of text and
    the edition was refused as too long, and every parse of the text (proof, digest) walked it letter by
    letter. :func:`unpack` (the renderer's fetcher, the destination check) gives the URI back.
    """
    if "data:" not in text:
        return text
    total = 0

    def pack(m: re.Match[str]) -> str:
        nonlocal total
        uri = m.group(2)
        if len(uri) < PACK_OVER:
            return m.group(0)
        total += len(uri)
        if total > MAX_EMBEDDED_CHARS:
            line = text.count("\n", 0, m.start()) + 1
            raise ContentError(f"{_where(locate, line)}: the pictures written into the text as data: URIs "
                               f"are more than {MAX_EMBEDDED_CHARS // 2**20} MB", _IMAGE_HINT)
        key = f"{PACKED_SCHEME}:{hashlib.sha256(uri.encode()).hexdigest()[:32]}"
        _PACKED[key] = uri
        return m.group(1) + key

    return _EMBEDDED.sub(pack, text)


def unpack(url: str) -> str:
    """The ``data:`` URI a ``pamphlet-data:`` key stands for; any other address as it is."""
    return _PACKED.get(url.strip(), url)


def check_ref(ref: Ref) -> tuple[str, str] | None:
    """Why ``ref`` is refused (message, hint), or None when it is fine.

    Images must be files inside the project, named relative to it; links must be
    addresses a reader can follow from paper (a relative link would embed this
    computer's file path in the PDF).
    """
    url = unpack(ref.url).strip()
    scheme = _scheme(url)
    if ref.kind == "image":
        if scheme == "data":
            if _IMAGE_DATA.match(url):
                return None
            return (f"refused to load {_short(url)}: only data:image/… URIs are images", _IMAGE_HINT)
        if scheme in ("http", "https", "ftp"):
            return (f"refused to load {_short(url)}: {scheme} URLs are not fetched (no network while building)",
                    "download the image into the project's images/ folder and write images/<name>")
        if scheme:
            return (f"refused to load {_short(url)}: {scheme}: URLs are not allowed", _IMAGE_HINT)
        path = url.split("?", 1)[0].split("#", 1)[0]
        for _ in range(3):  # %252e%252e → %2e%2e → ..
            path = unquote(path)
        if not path:
            return ("an image without a file name", _IMAGE_HINT)
        if path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[\\/]", path):
            return (f"refused to load {_short(unquote(url))}: outside the project folder",
                    "paths are relative to the project folder: write images/<name>")
        normal = posixpath.normpath(path.replace("\\", "/"))
        if normal == ".." or normal.startswith("../"):
            return (f"refused to load {_short(unquote(url))}: outside the project folder",
                    "paths are relative to the project folder and stay inside it: write images/<name>")
        return None
    if scheme in _LINK_SCHEMES_REFUSED:
        return (f"link to {_short(url)}: {scheme}: links are not allowed",
                "link to a web address (https://…), an e-mail address (mailto:…) or a phone number (tel:…)")
    if not url:
        return ("a link without an address", "write the address between the brackets: [text](https://…)")
    if not scheme and not url.startswith("#"):
        return (f"link to {_short(unquote(url))}: a link to a file goes nowhere on paper",
                "write the full web address, starting with https://")
    return None


def _where(locate: Locate | None, line: int) -> str:
    return str(locate(line)) if locate is not None else f"line {line}"


def _control_character(text: str) -> tuple[int, str] | None:
    m = _CONTROL.search(text)
    if m is None:
        return None
    cp = ord(m.group(0))
    name = _CONTROL_NAMES.get(cp, "a control character")
    return text.count("\n", 0, m.start()) + 1, f"U+{cp:04X} ({name})"


def check_text(text: str, locate: Locate | None = None) -> None:
    """Refuse a body that is too long or holds control characters, before it is parsed."""
    if len(text) > MAX_BODY_CHARS:
        raise ContentError(f"{_where(locate, 1)}: the text is {len(text):,} characters long; "
                           f"a pamphlet holds at most {MAX_BODY_CHARS:,}",
                           "shorten it, or split it into several pamphlets")
    found = _control_character(text)
    if found is not None:
        line, what = found
        raise ContentError(f"{_where(locate, line)}: {what} in the text: it cannot be printed",
                           "remove it (it often comes from copying out of a terminal, a PDF or a word processor)")
    for chars, limit, what, hint in MAX_MARKS:
        count = sum(text.count(c) for c in chars)
        if count > limit:
            line = text.count("\n", 0, _nth(text, chars, limit)) + 1
            raise ContentError(f"{_where(locate, line)}: {count:,} {what} in the text; at most {limit:,} are read", hint)
    breaks = list(_PAGE_BREAK_LINE.finditer(text))
    if len(breaks) > MAX_PAGE_BREAKS:
        line = text.count("\n", 0, breaks[MAX_PAGE_BREAKS].start()) + 1
        raise ContentError(f"{_where(locate, line)}: {len(breaks):,} page breaks (\\newpage); a booklet has at most "
                           f"{MAX_PAGE_BREAKS} pages", "remove the extra \\newpage lines")
    worst = _quote_work(text)
    if worst is not None:
        line, count, length = worst
        raise ContentError(f"{_where(locate, line)}: a paragraph of {length:,} characters with {count:,} quotes "
                           "is too much to read",
                           "quotes come in pairs: remove the stray ones, or split the text into paragraphs "
                           "(a blank line between them)")


_BLOCK_SPLIT = re.compile(r"\n[ \t]*\n")


def _nth(text: str, chars: str, n: int) -> int:
    """Index of the ``n``-th of any of ``chars`` in ``text`` (1-based), or the end."""
    for i, m in enumerate(re.finditer("[" + re.escape(chars) + "]", text), start=1):
        if i == n:
            return m.start()
    return len(text)


def _quote_work(text: str) -> tuple[int, int, int] | None:
    """(line, quotes, length) of the costliest paragraph when all paragraphs' quotes × length is over the limit."""
    total, worst, line = 0, (0, 0, 0, 0), 1
    position = 0
    for m in [*_BLOCK_SPLIT.finditer(text), None]:
        end = m.start() if m is not None else len(text)
        count = text.count('"', position, end) + text.count("'", position, end)
        work = count * (end - position)
        total += work
        if work > worst[0]:
            worst = (work, line, count, end - position)
        if m is not None:
            line += text.count("\n", position, m.end())
            position = m.end()
    if total <= MAX_QUOTE_WORK:
        return None
    return worst[1], worst[2], worst[3]


def to_html(text: str, quotes: str | tuple[str, ...] = "“”‘’", rtl: bool = False,
            locate: Locate | None = None, lede_words: int = LEDE_MAX_WORDS, region: str | None = None) -> Rendered:
    """Render the body; ``locate`` maps a line of ``text`` to its file and line for error messages;
    a first paragraph of at most ``lede_words`` words becomes the lede; ``region`` (``BR`` for pt-BR)
    finds national phone numbers to keep whole. Every overlong word and refused destination is reported
    in one ``ContentError``, a line each."""
    text = pack_images(text, locate)
    check_text(text, locate)
    md = parser(quotes, rtl)
    env: dict = {"lede_max_words": lede_words, "region": region}
    tokens = md.parse(text, env)
    problems: list[tuple[int, str, str]] = list(env.get("pamphlet_problems", []))
    refs: list[Ref] = env.get("pamphlet_refs", [])
    for ref in refs:
        refused = check_ref(ref)
        if refused is not None:
            problems.append((ref.line, *refused))
    if problems:
        problems.sort(key=lambda p: p[0])
        lines = [f"{_where(locate, line)}: {message}" for line, message, _ in problems]
        raise ContentError(lines[0], problems[0][2], more=lines[1:])
    images: list[str] = []
    headings = paragraphs = words = chars = 0
    for tok in tokens:
        if tok.type == "heading_open":
            headings += 1
        elif tok.type == "paragraph_open":
            paragraphs += 1
        elif tok.type == "inline":
            words += count_words(tok.content)
            for child in tok.children or []:
                if child.type == "image" and child.attrGet("src"):
                    images.append(str(child.attrGet("src")))
                elif child.type in ("text", "code_inline"):
                    chars += len(typeset.plain(child.content))
    html = md.renderer.render(tokens, md.options, env)
    return Rendered(html=html, lede=_render_blocks(md, tokens, env, "paragraph", "lede"),
                    quotes=_render_blocks(md, tokens, env, "blockquote", "pull-quote"),
                    images=images, headings=headings, paragraphs=paragraphs, words=words,
                    refs=list(refs), chars=chars, texts=list(env.get("pamphlet_texts", [])), body=text)


@dataclass(frozen=True)
class Shape:
    """What a translation is compared by (paragraphs, headings), and the boxes left open."""

    paragraphs: int = 0
    headings: int = 0
    unclosed: tuple[tuple[int, str], ...] = ()  # (1-based line of the opening ``:::``, container name)


def shape(text: str) -> Shape | None:
    """The text's paragraphs and headings, counted as ``to_html`` counts them, and every ``::: callout``
    (or note, aside) that is never closed: markdown-it closes it at the end of the text (or of the list
    or quote it stands in), so everything after it prints inside the box. None for a text ``to_html``
    refuses (its edition fails with that error)."""
    try:
        text = pack_images(text)
        check_text(text)
    except ContentError:
        return None
    tokens = parser().parse(text, {})
    lines = text.split("\n")
    paragraphs = sum(tok.type == "paragraph_open" for tok in tokens)
    headings = sum(tok.type == "heading_open" for tok in tokens)
    unclosed = []
    for tok in tokens:
        if tok.type.startswith("container_") and tok.type.endswith("_open") and tok.map:
            start, end = tok.map
            closing = re.compile(r"[\s>]*" + re.escape(tok.markup[:1]) + "{%d,}\\s*" % len(tok.markup))
            if end >= len(lines) or not closing.fullmatch(lines[end]):
                unclosed.append((start + 1, tok.type[len("container_"):-len("_open")]))
    return Shape(paragraphs, headings, tuple(unclosed))


def _render_blocks(md: MarkdownIt, tokens: list[Token], env: dict, kind: str, cls: str) -> str:
    """Only the top-level blocks of ``kind`` carrying class ``cls`` (the lede, the pull quotes)."""
    out, i = [], 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == f"{kind}_open" and tok.level == 0 and tok.attrGet("class") == cls:
            j = i
            while not (tokens[j].type == f"{kind}_close" and tokens[j].level == 0):
                j += 1
            out.append(md.renderer.render(tokens[i:j + 1], md.options, env))
            i = j
        i += 1
    return "".join(out)


def capacity(pages: int, width_mm: float, height_mm: float, font_pt: float) -> int:
    """A generous upper bound of the characters ``pages`` pages can hold at ``font_pt``.

    For refusing before layout a text that cannot fit a fixed page count even at
    the smallest type the fit may use: a leaflet with 70 000 characters took 10 s
    of layout passes to be refused. The bound assumes the whole page is text, an
    average character half an em wide and lines 1.2 em apart, then doubles it, so
    a text over it would need well under half the minimum type size.
    """
    em_mm = font_pt * 25.4 / 72
    per_char_mm2 = (0.5 * em_mm) * (1.2 * em_mm)
    return int(2 * pages * width_mm * height_mm / per_char_mm2)


def side_capacity(width_mm: float, height_mm: float, margin_mm: float, font_pt: float) -> int:
    """An upper bound of the characters one side can hold at ``font_pt``, tight enough to decide before
    layout that a text will not fit a handbill's side whole (which saves laying it out only to find that).

    Everything inside the safe margin counts as text (no headline, no contact), an average character takes
    0.42 em (a narrow book face with its spaces; sans faces take 0.5) and lines stand 1.3 em apart (ours
    stand 1.45). The longest whole text a handbill printed in English, German and Arabic was about 1 450
    characters, about half this bound on A6 at 8.55 pt (2 650).
    """
    em_mm = font_pt * 25.4 / 72
    per_char_mm2 = (0.42 * em_mm) * (1.3 * em_mm)
    return int((width_mm - 2 * margin_mm) * (height_mm - 2 * margin_mm) / per_char_mm2)
