"""Markdown → HTML: the parser and its plugins, in one place.

CommonMark (markdown-it-py) with tables, strikethrough, footnotes, a
``::: callout`` container and an explicit page break (a line ``\\newpage``).
Raw HTML is off: a pamphlet's text cannot inject markup, styles or scripts.
Blockquotes become pull quotes; the first paragraph is marked as the lede.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

PAGE_BREAK_MARKERS = ("\\newpage", "\\pagebreak")
CONTAINERS = ("callout", "note", "aside")


@dataclass(frozen=True)
class Rendered:
    html: str
    lede: str = ""
    quotes: str = ""
    images: list[str] = field(default_factory=list)
    headings: int = 0
    paragraphs: int = 0
    words: int = 0


def _page_breaks(state: StateCore) -> None:
    """Turn a paragraph that is only ``\\newpage`` into a page-break block."""
    tokens = state.tokens
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


def _classes(state: StateCore) -> None:
    """Mark pull quotes and the lede paragraph for the templates' CSS."""
    first_para_seen = False
    depth = 0
    for tok in state.tokens:
        if tok.type == "blockquote_open":
            tok.attrSet("class", "pull-quote")
            depth += 1
        elif tok.type == "blockquote_close":
            depth -= 1
        elif tok.type == "paragraph_open" and not first_para_seen and depth == 0 and tok.level == 0:
            tok.attrSet("class", "lede")
            first_para_seen = True
        elif tok.type == "table_open":
            tok.attrSet("class", "table")


# A run of Latin-script words, URLs, e-mail addresses (with the digits and
# punctuation inside them) in a right-to-left paragraph.
_LTR_RUN = re.compile(r"(?:https?://|www\.)?[A-Za-z\u00C0-\u024F][\w.\-/:@%?=&#+~]*"
                      r"(?:[ \u00A0]+[A-Za-z\u00C0-\u024F][\w.\-/:@%?=&#+~]*)*")
LRI, PDI = "\u2066", "\u2069"


def _isolate_ltr(state: StateCore) -> None:
    """Wrap Latin runs of right-to-left text in LRI…PDI so they read as one unit.

    WeasyPrint's bidi handling of mixed runs is "simple cases work" (#106): a URL
    such as https://example.org/a would otherwise be split and reordered around
    its slashes. Unicode isolates are handled by Pango/FriBidi below WeasyPrint.
    """
    for tok in state.tokens:
        if tok.type != "inline" or not tok.children:
            continue
        for child in tok.children:
            if child.type == "text" and _LTR_RUN.search(child.content):
                child.content = _LTR_RUN.sub(lambda m: LRI + m.group(0).rstrip(".:") + PDI + m.group(0)[len(m.group(0).rstrip(".:")):], child.content)


def _render_container(name: str):
    def render(self, tokens, idx, _options, env):  # noqa: ANN001 - markdown-it renderer signature
        tok = tokens[idx]
        if tok.nesting == 1:
            title = tok.info.strip()[len(name):].strip()
            head = f'<p class="callout-title">{escapeHtml(title)}</p>\n' if title else ""
            return f'<aside class="{name}">\n{head}'
        return "</aside>\n"
    return render


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
    for name in CONTAINERS:
        md.use(container_plugin, name=name, render=_render_container(name))
    md.core.ruler.push("pamphlet_page_breaks", _page_breaks)
    md.core.ruler.push("pamphlet_classes", _classes)
    if rtl:
        md.core.ruler.push("pamphlet_isolate_ltr", _isolate_ltr)
    md.validateLink = _safe_link
    return md


def _safe_link(url: str) -> bool:
    low = url.strip().lower()
    return not low.startswith(("javascript:", "vbscript:", "file:", "data:text"))


def to_html(text: str, quotes: str | tuple[str, ...] = "“”‘’", rtl: bool = False) -> Rendered:
    md = parser(quotes, rtl)
    env: dict = {}
    tokens = md.parse(text, env)
    images: list[str] = []
    headings = paragraphs = words = 0
    for tok in tokens:
        if tok.type == "heading_open":
            headings += 1
        elif tok.type == "paragraph_open":
            paragraphs += 1
        elif tok.type == "inline":
            words += len(tok.content.split())
            for child in tok.children or []:
                if child.type == "image" and child.attrGet("src"):
                    images.append(str(child.attrGet("src")))
    html = md.renderer.render(tokens, md.options, env)
    return Rendered(html=html, lede=_render_blocks(md, tokens, env, "paragraph", "lede"),
                    quotes=_render_blocks(md, tokens, env, "blockquote", "pull-quote"),
                    images=images, headings=headings, paragraphs=paragraphs, words=words)


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


def inline(text: str, quotes: str = "“”‘’") -> str:
    """Render a one-line front-matter value (emphasis and links allowed)."""
    return parser(quotes).renderInline(text)
