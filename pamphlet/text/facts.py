"""Facts in running text: phone numbers, times, e-mail and web addresses, postal addresses — and the digest
of a text's facts that a small format prints when the whole text does not fit.

A handbill of a long text used to print the lede's prose and the pull quotes, and leave out the opening
hours and every phone number: the very things a handbill exists for. A designer makes the small format a
digest of the facts: the lists, the boxes (callouts), tables, and the paragraphs that carry a phone number,
a time, an address; the prose only where room is left. :func:`digest` picks those blocks of the Markdown
body, in their order, within a budget of characters, and renders them.

Phone numbers are found with ``phonenumbers`` (the port of Google's libphonenumber): international numbers
anywhere, national ones for the language's region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

#: Currency signs: "£12.50" and "€9.30" are prices, not times.
CURRENCY = "£€$¥₹₽₴₪₺₩₦₱¢"
#: 14:00, 9.30, 10 am, 2 pm, 14h, 13 h 30 — with an optional range; an hour in Bengali ("১১টা", "৪টে": digits
#: are read as ASCII first) or Hindi ("11 बजे"). Not after a currency sign: "£12.50" is a price.
TIME = re.compile(r"(?<![\d.,:" + CURRENCY + r"])(?:[01]?\d|2[0-3])(?:[:.][0-5]\d|\s?(?:am|pm|a\.m\.|p\.m\.|h|Uhr|"
                  r"টা|টে|बजे))(?![\d])", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WEB = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:org|net|com|de|eu|uk|info)(?:/\S*)?\b")
#: A postcode and a town (04315 Leipzig, 75011 Paris, SW1A 1AA, 10115 Berlin), or a house number after a
#: street word (Eisenbahnstraße 54, 12 High Street).
ADDRESS = re.compile(r"\b\d{4,5}\s+\w{3,}|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b|\w+(?:straße|strasse|str\.|weg|platz|"
                     r"gasse|allee)\s+\d+|\b\d+\s+\w+\s+(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Square)\b",
                     re.IGNORECASE | re.UNICODE)


@lru_cache(maxsize=1)
def _phonenumbers() -> Any:
    import phonenumbers  # ~10 ms, and only for a text that needs a digest

    return phonenumbers


def phone_numbers(text: str, region: str | None = None) -> list[str]:
    """The phone numbers in ``text`` as written: international ones (``+49 341 555 0142``) always, national
    ones (``0341 5550142``) when the region is known. Fewer than seven digits is not a phone number."""
    pn = _phonenumbers()
    found: dict[int, str] = {}
    tries = [("ZZ", pn.Leniency.POSSIBLE)] + ([(region.upper(), pn.Leniency.VALID)] if region else [])
    for where, leniency in tries:
        try:
            for match in pn.PhoneNumberMatcher(text, where, leniency=leniency):
                if sum(ch.isdigit() for ch in match.raw_string) >= 7:
                    found.setdefault(match.start, match.raw_string)
        except Exception:  # noqa: BLE001 - an odd text must never fail an edition for want of a phone number
            continue
    return [found[k] for k in sorted(found)]


def ascii_digits(text: str) -> str:
    """Digits of any script as ASCII ones (a Bengali "১১:৩০", an Arabic "١٠:٠٠"), everything else as it is."""
    import unicodedata

    return "".join(str(unicodedata.digit(ch)) if ch > "\x7f" and unicodedata.category(ch) == "Nd" else ch
                   for ch in text)


#: A national number written without its country (a language without a region: "98765 43210", in any
#: script's digits): 8 to 13 digits in groups of two or more, and no date (2026-12-03, 03.12.2026).
_NATIONAL = re.compile(r"(?<![\d.,:/-])\(?\d{2,5}\)?(?:[ \u00a0/-]\d{2,5}){1,4}(?![\d.,:/-]?\d)")
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$")


def _national_number(text: str) -> bool:
    for match in _NATIONAL.finditer(ascii_digits(text)):
        digits = sum(ch.isdigit() for ch in match.group(0))
        if 8 <= digits <= 13 and not _DATE.match(match.group(0)):
            return True
    return False


def kinds(text: str, region: str | None = None) -> list[str]:
    """Which facts ``text`` carries: ``phone``, ``time``, ``email``, ``web``, ``address``."""
    out = []
    if phone_numbers(text, region) or _national_number(text):
        out.append("phone")
    if TIME.search(ascii_digits(text)):
        out.append("time")
    if EMAIL.search(text):
        out.append("email")
    elif WEB.search(text):
        out.append("web")
    if ADDRESS.search(text):
        out.append("address")
    return out


# --- the digest -------------------------------------------------------------------------------------------

#: How much a kind of block is worth to a small format, per character it costs: the facts first.
WORTH = {"callout": 6.0, "list": 5.0, "table": 4.0, "fact": 5.0, "heading": 0.0, "lede": 2.0, "text": 1.0,
         "quote": 0.5}


@dataclass
class Block:
    """One top-level block of the body: its tokens, kind, first line (1-based) and text."""

    start: int                     # index of its first token
    end: int                       # one past its last token
    kind: str                      # callout, list, table, fact, heading, lede, text, quote
    line: int
    last_line: int
    text: str
    facts: list[str] = field(default_factory=list)

    @property
    def chars(self) -> int:
        return len(self.text)


@dataclass
class Digest:
    """The blocks a small format prints, rendered, and what it leaves out."""

    html: str
    lines: list[tuple[int, int]]   # (first, last) source lines of each block kept
    kept: list[str]                # kinds of what is kept, for the warning
    left_out: list[str]            # kinds of what is left out

    def keeps(self, line: int) -> bool:
        return any(first <= line <= last for first, last in self.lines)


def _top_level(tokens: list[Any], region: str | None) -> list[Block]:
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        j = i
        if tok.nesting == 1:
            depth = 0
            while True:
                depth += tokens[j].nesting
                if depth == 0:
                    break
                j += 1
        text = " ".join(t.content for t in tokens[i:j + 1] if t.type == "inline")
        first = (tok.map[0] + 1) if tok.map else (blocks[-1].last_line if blocks else 1)
        last = tok.map[1] if tok.map else first
        kind = _kind(tok, text, region)
        if text.strip() or kind in ("list", "table", "callout"):
            blocks.append(Block(i, j + 1, kind, first, max(first, last), text, kinds(text, region)))
        i = j + 1
    return blocks


def _kind(tok: Any, text: str, region: str | None) -> str:
    if tok.type.startswith("container_"):
        return "callout"
    if tok.type in ("bullet_list_open", "ordered_list_open"):
        return "list"
    if tok.type == "table_open":
        return "table"
    if tok.type == "heading_open":
        return "heading"
    if tok.type == "blockquote_open":
        return "quote"
    if tok.type == "paragraph_open" and tok.attrGet("class") == "lede":
        # A lede that carries the facts ("logs off from 11 am to 4 pm … at 11:30 we gather") is kept as they
        # are: the strike handbill on Letter dropped its times with its lede.
        return "fact" if kinds(text, region) else "lede"
    if tok.type == "paragraph_open" and kinds(text, region):
        return "fact"
    return "text"


def _noun(kind: str, n: int) -> str:
    names = {"callout": ("box", "boxes"), "list": ("list", "lists"), "table": ("table", "tables"),
             "fact": ("paragraph with facts", "paragraphs with facts"), "heading": ("heading", "headings"),
             "lede": ("lede", "ledes"), "text": ("paragraph", "paragraphs"), "quote": ("pull quote", "pull quotes")}
    one, many = names.get(kind, (kind, kind + "s"))
    return f"{n} {one if n == 1 else many}"


def describe(kinds_: list[str]) -> str:
    """``['text', 'text', 'quote']`` → ``2 paragraphs and 1 pull quote``."""
    counts: dict[str, int] = {}
    for k in kinds_:
        counts[k] = counts.get(k, 0) + 1
    parts = [_noun(k, n) for k, n in counts.items()]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1] if parts else "nothing"


#: Facts a handbill does not leave out: a block that carries one is kept up to twice the budget (the fit
#: shrinks the type for it, or a smaller budget leaves out prose instead). Only the smallest budget, when
#: they cannot fit even so, leaves one out, and the warning names it: better than no handbill at all.
ESSENTIAL = ("phone", "time")
ESSENTIAL_ROOM = 2.0
#: Kinds of block that make a section one of facts (printed before the sections of prose).
FACT_KINDS = ("callout", "list", "table", "fact")


def digest(md: Any, body: str, env: dict, budget: int, region: str | None = None) -> Digest:
    """The facts of ``body`` within ``budget`` characters: every block with a phone number or a time (up to
    twice the budget: :data:`ESSENTIAL_ROOM`), then callouts, lists, tables and paragraphs with an address, then the lede, other
    paragraphs and pull quotes, as room allows. A heading is kept with the first kept block of its section.

    Printed facts before prose: the opening (the blocks before the first heading) first when it holds the lede
    or facts, then the sections holding facts, then the sections of prose only, each section in the text's
    order. Nothing at all fits: the block worth most is kept anyway (the fit shrinks it, or refuses)."""
    tokens = md.parse(body, env)
    blocks = _top_level(tokens, region)
    order = sorted(range(len(blocks)), key=lambda k: (not _essential(blocks[k]), -WORTH.get(blocks[k].kind, 1.0), k))
    chosen: set[int] = set()
    used = 0
    for k in order:
        b = blocks[k]
        if b.kind == "heading":
            continue
        cost = b.chars + 40  # a block's own margins and its first line's indent, in characters
        if used + cost <= budget or _essential(b) and used + cost <= ESSENTIAL_ROOM * budget or \
                not chosen and WORTH.get(b.kind, 1.0) >= WORTH["lede"]:
            chosen.add(k)
            used += cost
    # Headings go with the first block chosen under them (always with a phone number's or a time's: "On the
    # day"), but not with a pull quote alone: "What we demand" over a quote, its list left out, misleads.
    heading: int | None = None
    for k, b in enumerate(blocks):
        if b.kind == "heading":
            heading = k
        elif k in chosen and heading is not None and b.kind != "quote":
            if used + blocks[heading].chars + 20 <= budget * 1.05 or _essential(b):
                chosen.add(heading)
                used += blocks[heading].chars + 20
            heading = None
    kept = [blocks[k] for k in _facts_first(blocks, chosen)]
    html = "".join(md.renderer.render(tokens[b.start:b.end], md.options, env) for b in kept)
    return Digest(html=html, lines=[(b.line, b.last_line) for b in kept], kept=[b.kind for b in kept],
                  left_out=[b.kind for k, b in enumerate(blocks) if k not in chosen])


def _essential(block: Block) -> bool:
    return block.kind != "heading" and any(f in ESSENTIAL for f in block.facts)


def _facts_first(blocks: list[Block], chosen: set[int]) -> list[int]:
    """The chosen blocks' indexes in print order: sections (a heading and the blocks under it) that hold
    facts before those of prose only; the opening first when it holds the lede or facts."""
    sections: list[list[int]] = [[]]
    for k, b in enumerate(blocks):
        if b.kind == "heading" and sections[-1]:
            sections.append([])
        sections[-1].append(k)

    def factual(section: list[int]) -> bool:
        return any(blocks[k].kind in FACT_KINDS for k in section)

    kept = [[k for k in section if k in chosen] for section in sections]
    opening: list[list[int]] = []
    if blocks and blocks[0].kind != "heading" and kept[0] and \
            (factual(kept[0]) or any(blocks[k].kind == "lede" for k in kept[0])):
        opening = [kept.pop(0)]
    rest = [section for section in kept if section]
    return [k for section in opening + [s for s in rest if factual(s)] + [s for s in rest if not factual(s)]
            for k in section]
