"""Typesetting plain text for WeasyPrint: direction, lines that break in the right places, quotes.

Each function takes the content of one text node (not HTML) and returns it with invisible
characters added or with spaces and hyphens swapped for their no-break twins, so that WeasyPrint
(Pango below it) sets it as a typesetter would:

* **Direction** (:func:`isolate_runs`, :func:`isolate_field`, :func:`isolate_numbers`): WeasyPrint
  ignores ``unicode-bidi``, so a run of the other direction is wrapped in Unicode isolates, LRI … PDI
  (a Latin name, an address, an e-mail inside Arabic) or RLI … PDI (an Arabic name inside English),
  with the punctuation that belongs to it: ``Willkommenszentrum Leipzig e. V.`` keeps its last period,
  which would otherwise print at the far end (``.Willkommenszentrum Leipzig e. V``). WeasyPrint lays out
  each line by itself, so a line that continues an isolate has lost its LRI: a mark (LRM or RLM) next
  to each digit or punctuation where a line may start or end inside the run keeps its direction there.
* **Units kept whole** (:func:`keep_together`): WeasyPrint breaks wherever Unicode allows, so phone
  numbers, time ranges, a postcode and its town, a number and its unit, ``e. V.`` and ``Dr. Name``
  are joined by no-break spaces (U+00A0, or the narrow U+202F between a number and its unit and
  inside an abbreviation), a hyphen inside them is followed by a word joiner (U+2060: the font's own
  hyphen is printed; U+2011 came out as a low line in the Arabic fonts) and a dash in a range is followed by a
  word joiner (U+2060): each moves to the next line as a whole.
* **Addresses** (:func:`breakable_address`): web and e-mail addresses break only after ``/ . @ ?``
  (a zero-width space, U+200B, no hyphen added), never at their own hyphens (a word joiner after each).
* **Quotes** (:func:`smart_quotes`): front-matter fields get the typography markdown-it's typographer
  gives the body, and French gets its narrow no-break spaces.
* **Checklists** (:func:`checklist`): a list item's leading ``[ ]`` or ``[x]``.

Every function is idempotent, and none changes what is printed: :func:`plain` (drop the inserted
characters — isolates, LRM/RLM, zero-width spaces, word joiners —, no-break spaces back to spaces,
U+2011 back to ``-``) gives back the input (for
:func:`smart_quotes`, up to its quote, dash and French-space replacements). Each finds what it
looks for in that plain view of the text, so it finds the same things in its own output (and in
the others'): keep_together and breakable_address give the same text in either order, and running
any of them again changes nothing. isolate_runs goes last (:func:`typeset`): it marks where a line may
break inside a run, and the others decide where lines may break.
Pure text: no WeasyPrint, no HTML.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, Literal

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
LRM, RLM = "\u200e", "\u200f"
ZWSP, WJ = "\u200b", "\u2060"
NBSP, NNBSP, NBHY = "\u00a0", "\u202f", "\u2011"

_OPENERS = LRI + RLI + FSI
#: Invisible characters these functions insert (and skip when they look for something).
INSERTED = frozenset(_OPENERS + PDI + LRM + RLM + ZWSP + WJ)
#: What a no-break character stands for in the plain view.
_PLAIN = {NBSP: " ", NNBSP: " ", NBHY: "-"}

Direction = Literal["ltr", "rtl"]


def plain(text: str) -> str:
    """``text`` as printed, without what these functions insert: the isolates, zero-width spaces and word
    joiners dropped, no-break spaces back to spaces, non-breaking hyphens back to ``-``."""
    return "".join(_PLAIN.get(ch, ch) for ch in text if ch not in INSERTED)


def _view(text: str) -> tuple[str, list[int]]:
    """The plain view of ``text`` and, for each of its characters, its index in ``text`` (one more entry:
    ``len(text)``), so a match in the view maps back to the text."""
    index = [i for i, ch in enumerate(text) if ch not in INSERTED]
    view = "".join(_PLAIN.get(text[i], text[i]) for i in index)
    index.append(len(text))
    return view, index


class _Edits:
    """Changes to a text found in its plain view: characters swapped, invisible ones inserted after others."""

    def __init__(self, text: str, index: list[int]):
        self.text, self.index = text, index
        self.swap: dict[int, str] = {}
        self.before: dict[int, str] = {}

    def set(self, k: int, was: str, now: str) -> None:
        """The character at view position ``k`` becomes ``now`` if it is ``was`` in the text (an author's own
        no-break space stays); the first rule to claim a position wins."""
        i = self.index[k]
        if self.text[i] == was and i not in self.swap:
            self.swap[i] = now

    def insert(self, k: int, ch: str) -> None:
        """``ch`` after the character at view position ``k`` and the invisible ones that follow it (so it lands
        in the same place whether or not an isolate was put there first), unless it is among them already."""
        j = self.index[k + 1]
        if ch not in self.text[self.index[k] + 1:j]:
            self.before[j] = ch

    def apply(self) -> str:
        if not self.swap and not self.before:
            return self.text
        out = []
        for i, ch in enumerate(self.text):
            if i in self.before:
                out.append(self.before[i])
            out.append(self.swap.get(i, ch))
        out.append(self.before.get(len(self.text), ""))
        return "".join(out)


# --- web and e-mail addresses -------------------------------------------------------------------

_TLDS = ("com|org|net|edu|gov|int|info|biz|io|app|dev|eu|de|at|ch|li|lu|fr|be|nl|uk|ie|es|pt|it|pl|cz|sk|hu|"
         "ro|bg|gr|se|no|dk|fi|ee|lv|lt|ua|ru|by|md|ge|am|tr|il|ir|iq|sy|lb|jo|ps|sa|ae|qa|kw|eg|ma|dz|tn|ly|"
         "sd|so|et|er|af|pk|in|bd|lk|np|ca|us|mx|br|ar|au|nz|za|ng|ke")
#: What a web address may hold after its start: anything but spaces, quotes, angle brackets and the letters
#: and punctuation of right-to-left scripts (an Arabic comma right after an address ends it).
_URL_CHARS = "[^\\s<>\"«»“”„‘’\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]"
_ADDRESS = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]++@[A-Za-z0-9\-]++(?:\.[A-Za-z0-9\-]++)++"  # e-mail
    r"|(?<![A-Za-z0-9.\-])(?:[A-Za-z][A-Za-z0-9+.\-]*+://|www\.)" + _URL_CHARS + "++"    # scheme:// or www.
    r"|(?<![A-Za-z0-9.@\-/])(?:[A-Za-z0-9\-]++\.)++(?:" + _TLDS + r")(?![A-Za-z0-9\-])"  # a bare domain
    r"(?:/" + _URL_CHARS + "*+)?")
_ADDRESS_TAIL = ".,:;!?'\")]}’”»"
_PAIRS = {")": "(", "]": "[", "}": "{"}
#: Break after these inside an address.
_BREAK_AFTER = "/.@?"
#: Pieces longer than this (a tracking link) also break after these, and failing them every 20 characters,
#: so no address runs out of its column.
LONG_PIECE = 20
_LONG_BREAK_AFTER = "&=_~+#"


def addresses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each web or e-mail address in ``text`` (a plain view), without the sentence's
    punctuation after it (a closing bracket stays when the address opened it)."""
    out = []
    for m in _ADDRESS.finditer(text):
        start, end = m.span()
        while end > start and text[end - 1] in _ADDRESS_TAIL:
            ch = text[end - 1]
            if ch in _PAIRS and text.count(_PAIRS[ch], start, end) >= text.count(ch, start, end):
                break
            end -= 1
        if end - start > 3:
            out.append((start, end))
    return out


def breakable_address(text: str) -> str:
    """Web and e-mail addresses in ``text`` that break only after ``/ . @ ?`` (a zero-width space after each,
    no hyphen is added), never at their own hyphens (a word joiner, U+2060, after each).

    ``hilfe@willkommen-leipzig.example.org`` may break after ``@`` and after each ``.``. Not inside ``//``
    and not at the address's end. A piece without those longer than ``LONG_PIECE`` characters (a tracking
    link) may also break after ``& = _ ~ + #``, and failing those every 20 characters. This supersedes
    markdown.breakable_url, which relied on Pango breaking after ``-``."""
    if "." not in text and "@" not in text and "/" not in text:
        return text
    view, index = _view(text)
    edits = _Edits(text, index)
    for start, end in addresses(view):
        for k in range(start, end):
            if view[k] == "-":
                edits.insert(k, WJ)
        cuts = [k for k in range(start, end - 1) if view[k] in _BREAK_AFTER and view[k + 1] != "/"]
        for k in cuts:
            edits.insert(k, ZWSP)
        # Long pieces between the cuts: a last resort, so no address runs out of its column.
        bounds = [start - 1, *cuts, end - 1]
        for a, b in zip(bounds, bounds[1:], strict=False):
            if b - a <= LONG_PIECE:
                continue
            more = [k for k in range(a + 1, b) if view[k] in _LONG_BREAK_AFTER]
            for k in more:
                edits.insert(k, ZWSP)
            for c, d in zip([a, *more], [*more, b], strict=False):
                for k in range(c + LONG_PIECE, d, LONG_PIECE):
                    # Not after a hyphen, which a word joiner holds to what follows: which of the two came
                    # first would decide their order (keep_together and this must give the same text).
                    edits.insert(k + 1 if view[k] == "-" else k, ZWSP)
    return edits.apply()


def _isolate_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost isolate in ``text``, its initiator and PDI included (one left open runs
    to the end)."""
    spans, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _OPENERS:
            if not depth:
                start = i
            depth += 1
        elif ch == PDI and depth:
            depth -= 1
            if not depth:
                spans.append((start, i + 1))
    if depth:
        spans.append((start, len(text)))
    return spans


def address_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of what must not be hyphenated: each web or e-mail address, or the whole isolate
    it stands in (for ``<span class="nohyph">`` around it: WeasyPrint's ``hyphens: auto`` would hyphenate
    ``willkommen`` in ``hilfe@willkommen-leipzig.example.org``, and an isolate must stay in one text box)."""
    if "." not in text and "@" not in text and "/" not in text:
        return []
    view, index = _view(text)
    isolates = _isolate_spans(text)
    spans: list[tuple[int, int]] = []
    for a, b in addresses(view):
        start, end = index[a], index[b - 1] + 1
        for i, j in isolates:
            if i < end and start < j:
                start, end = min(start, i), max(end, j)
        if spans and start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


# --- units kept whole ---------------------------------------------------------------------------

_NUM = r"\d+(?:[.,:]\d+)*+"
_TIME_WORD = r"(?:Uhr|h(?: \d{2})?|[ap]\.? ?m\.?)(?![^\W\d_])"
_SI = (r"(?:%|‰|‱|°[CF]?|km/h|km²|km|cm|mm|m²|m³|m|kg|mg|g|ml|l|kWh|kW|W|min|s|€|\$|£|₴|₽|EUR|USD|GBP|UAH|CHF)"
       r"(?![^\W\d_])")
#: (pattern, the space it puts inside a match), in order of precedence: the first to claim a space decides.
_UNITS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Abbreviations of several letters: e. V., z. B., p. m., i. d. R. (a narrow space inside).
    (re.compile(r"(?<![^\W\d_])[^\W\d_]\.(?: [^\W\d_]\.)+"), NNBSP),
    # A number and its unit or %: 7 %, 12 km, 3,5 kg, 20 € — and € 20, § 5.
    (re.compile(r"(?<![\w.,])" + _NUM + " " + _SI), NNBSP),
    (re.compile(r"(?<![\w.,])(?:[€$£₴]|§§?) \d"), NNBSP),
    # A range of numbers or times: 10:00–16:00, 10:00 – 16:00, 10 am – 3 pm, 13 h 30 – 15 h, 2024-05-01.
    (re.compile(r"(?<![\w.,:])" + _NUM + "(?: " + _TIME_WORD + ")?(?: ?[–—-] ?" + _NUM + "(?: " + _TIME_WORD
                + r")?)+(?![\w])"), NBSP),
    # A time with its word: 10 Uhr, 13 h 30, 10 am, 3 p. m.
    (re.compile(r"(?<![\w.,:])\d{1,2}(?:[:.]\d{2})? " + _TIME_WORD), NBSP),
    # A postcode and its town (04315 Leipzig, 01001 Київ), a British postcode (SW1A 1AA).
    (re.compile(r"(?<![\w.,:/\-])\d{4,5} (?=[A-ZÀ-ÞА-ЯЁЄІЇҐΑ-Ω][^\W\d_])"), NBSP),
    (re.compile(r"(?<![\w])[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}(?![\w])"), NBSP),
    # A street and its house number (Eisenbahnstraße 54), a number and its street (12 rue …).
    (re.compile(r"(?i:straße|strasse|str\.|weg|platz|gasse|allee|damm|ufer|ring) \d{1,4}(?![\d])"), NBSP),
    (re.compile(r"(?<![\w.,])\d{1,4}(?:bis|ter)? (?=(?:rue|avenue|boulevard|bd|place|chemin|allée|quai)\b)"), NBSP),
    # A name and its legal form: Willkommenszentrum Leipzig e. V., Muster GmbH.
    (re.compile(r"(?<=[^\W\d_]) (?=(?:e\. ?V\.|e\. ?K\.|gGmbH|GmbH|gUG|UG|AG|eG|KG|OHG|Ltd\.?|Inc\.?|LLC|SARL)"
                r"(?![^\W\d_]))"), NBSP),
    # A title or a short word and what follows it: Dr. Müller, St. Pauli, Nr. 5, ca. 20, вул. Шевченка.
    (re.compile(r"(?<![^\W\d_])(?:St|Dr|Prof|Nr|No|Mr|Mrs|Ms|Mme|Mlle|M|Hr|Fr|Str|Tel|Bd|Abs|Art|ca|vgl"
                r"|вул|просп|пл|тел|м|ул|пр|д|с)\. (?=\S)"), NBSP),
)
_PHONE_DIGITS = 7


def keep_together(text: str, region: str | None = None) -> str:
    """``text`` with its units kept whole: each moves to the next line as a whole.

    Phone numbers (``pamphlet.text.facts.phone_numbers``: international ones always, national ones for
    ``region``, e.g. ``"DE"``): spaces → no-break spaces, a word joiner after each hyphen. Ranges of times or numbers
    (``10:00–16:00``, ``10 am – 3 pm``, ``13 h 30``): spaces → no-break spaces, a word joiner after the
    dash (Unicode allows a break after it). A postcode and its town, a street and its house number, a
    name and its legal form (``Leipzig e. V.``), a title and the name after it (``Dr. Müller``):
    no-break space. Inside an abbreviation (``e. V.``, ``z. B.``, ``p. m.``) and between a number and
    its unit or ``%`` (``7 %``, ``12 km``): the narrow no-break space U+202F, as a typesetter sets them.
    Only plain spaces and ``-`` are changed: an author's own no-break space stays."""
    if " " not in text and "-" not in text and "–" not in text and "—" not in text:
        return text
    view, index = _view(text)
    edits = _Edits(text, index)
    for pattern, space in _UNITS:
        for m in pattern.finditer(view):
            for k in range(m.start(), m.end()):
                ch = view[k]
                if ch == " ":
                    edits.set(k, " ", space)
                elif ch == "-" and space == NBSP and any(c.isdigit() for c in m.group(0)):
                    edits.insert(k, WJ)
                elif ch in "–—" and k + 1 < len(view):
                    edits.insert(k, WJ)
    if sum(ch.isdigit() for ch in view) >= _PHONE_DIGITS:
        from pamphlet.text.facts import phone_numbers

        at = 0
        for number in phone_numbers(view, region):
            start = view.find(number, at)
            if start < 0:
                continue
            at = start + len(number)
            for k in range(start, at):
                if view[k] == " ":
                    edits.set(k, " ", NBSP)
                elif view[k] == "-":
                    edits.insert(k, WJ)
        # Written the way phone numbers are, though not one of the region's (a Montréal number in a French
        # text read as France's: "(514) 555-0147" broke after "(514)"): kept whole all the same.
        for m in _PHONE_SHAPE.finditer(view):
            if sum(ch.isdigit() for ch in m.group(0)) < _PHONE_DIGITS:
                continue
            for k in range(m.start(), m.end()):
                if view[k] == " ":
                    edits.set(k, " ", NBSP)
                elif view[k] == "-":
                    edits.insert(k, WJ)
    return edits.apply()


#: Digit groups joined as a phone number's are: an area code in brackets or a leading group, then two to
#: four groups after a space, dot, hyphen or slash (``(514) 555-0147``, ``0341 / 555 0142``).
_PHONE_SHAPE = re.compile(r"(?<![\w.,:])(?:\(\d{2,5}\)|\+?\d{1,5})(?:(?: ?[./-] ?| )\d{2,5}){1,4}(?![\w:])")


# --- direction --------------------------------------------------------------------------------

_RTL_CLASSES = frozenset({"R", "AL"})
_MARKS = frozenset("\u200e\u200f\u061c")  # LRM, RLM, ALM: an author's marks, not letters to isolate
#: Punctuation of right-to-left scripts that ends a run of the other direction (Arabic comma, semicolon,
#: question mark, full stop; Hebrew sof pasuq), and paragraph or segment separators.
_RTL_STOPS = frozenset("\u060c\u061b\u061f\u06d4\u05c3")
_NUMBER = r"\+?\d(?:[\d.,:/\u2011\u2060\-–—]*\d)?%?"
_SPACES = "[ \u00a0\u202f]+"
_TRAILING_NUMBERS = re.compile(f"(?:{_SPACES}{_NUMBER})+(?![\\w])")
_LEADING_NUMBERS = re.compile(f"(?<![\\w.,:+\\-–—\u2011\u2060\u200b]){_NUMBER}(?:{_SPACES}{_NUMBER})*{_SPACES}\\Z")
#: Words whose period belongs to them (the period stays with a run that ends in one): any single letter
#: (e. V., z. B., J. Smith, a.m.) and these.
_ABBREVIATIONS = frozenset(
    "St Dr Prof Nr No Mr Mrs Ms Mme Mlle Jr Sr Co Inc Ltd Corp Str Tel Hbf Bhf Abs Art Hr Fr Jh Mio Mrd Std Min "
    "Mo Di Mi Do Sa So Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Okt Nov Dec Dez etc ca vs approx bzw usw ggf "
    "evtl vgl str tel nr ff".split())
_CLOSERS = {")": "(", "]": "[", "}": "{", "”": "“", "’": "‘", "»": "«", "›": "‹", '"': '"'}


def _strong(ch: str) -> Direction | None:
    """``"ltr"``, ``"rtl"`` or None for a character that is not a strong letter (or is a directional mark)."""
    if ch in _MARKS:
        return None
    kind = unicodedata.bidirectional(ch)
    if kind == "L":
        return "ltr"
    if kind in _RTL_CLASSES:
        return "rtl"
    return None


def _isolated(text: str) -> list[bool]:
    """For each character: inside an isolate already there (its initiator and PDI included). An isolate
    left open runs to the end of the text, as in the Unicode bidi algorithm."""
    out, depth = [], 0
    for ch in text:
        if ch in _OPENERS:
            depth += 1
            out.append(True)
        elif ch == PDI and depth:
            depth -= 1
            out.append(True)
        else:
            out.append(depth > 0)
    return out


def _balanced(text: str) -> bool:
    """Whether every isolate in ``text`` is closed, and no PDI closes one opened before it."""
    depth = 0
    for ch in text:
        if ch in _OPENERS:
            depth += 1
        elif ch == PDI:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _strong_outside_isolates(text: str) -> Iterator[Direction]:
    """The direction of each strong letter of ``text`` that is not inside an isolate (the Unicode bidi
    algorithm's rule P2 skips them)."""
    depth = 0
    for ch in text:
        if ch in _OPENERS:
            depth += 1
        elif ch == PDI:
            depth = max(0, depth - 1)
        elif not depth:
            found = _strong(ch)
            if found:
                yield found


def first_strong_direction(text: str) -> Direction | None:
    """The direction of the first strong letter (``"ltr"``, ``"rtl"``), or None when there is none; what is
    inside isolates is skipped (the Unicode bidi algorithm's rule P2). For a front-matter field, a
    table cell, a list item."""
    return next(_strong_outside_isolates(text), None)


def block_direction(text: str, base_rtl: bool) -> Direction:
    """The direction a block (a paragraph, a list item, a table cell, a field) is set in: the other one only
    when all its letters are of the other direction (a Latin address in an Arabic edition), since a
    sentence in the edition's language may well begin with a Latin name (which :func:`first_strong_direction`
    would take for the paragraph's direction)."""
    base: Direction = "rtl" if base_rtl else "ltr"
    other: Direction = "ltr" if base_rtl else "rtl"
    found = False
    for d in _strong_outside_isolates(text):
        if d == base:
            return base
        found = True
    return other if found else base


def _is_abbreviation(text: str, end: int) -> bool:
    """Whether the word ending at ``end`` (just before a period) is an abbreviation: one letter, or a known one."""
    start = end
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    word = text[start:end]
    return len(word) == 1 or word in _ABBREVIATIONS


def isolate_runs(text: str, base_rtl: bool) -> str:
    """Each run of the other direction inside a paragraph of direction ``base_rtl`` wrapped as one unit:
    LRI … PDI in right-to-left text, RLI … PDI in left-to-right text.

    A run goes from a letter of the other direction to the last one before a letter of the paragraph's
    direction, with everything between (spaces, digits, punctuation: ``Eisenbahnstraße 54, 04315 Leipzig``
    is one run), a web or e-mail address whole, the numbers right after it (``Eisenbahnstraße 54``) and,
    in right-to-left text, right before it (the postcode of ``04315 Leipzig``). The period of an
    abbreviation (``e. V.``, ``Dr.``) and a bracket or quote the run opened stay inside; a sentence's
    final period or comma after the run, and the Arabic comma, follow the paragraph and stay outside.
    Digits alone stay as they are. Text already isolated is left alone; text all of the paragraph's
    direction is unchanged."""
    other = "ltr" if base_rtl else "rtl"
    if not any(_strong(ch) == other for ch in text):
        return text
    isolated = _isolated(text)
    # kind: o = a letter of the other direction, b = a letter of the paragraph's, x = a stop, n = the rest.
    kind = []
    for i, ch in enumerate(text):
        d = _strong(ch)
        if isolated[i] or ch == PDI:  # an isolate, or a stray PDI: no run reaches across
            kind.append("x")
        elif d == other:
            kind.append("o")
        elif d is not None:
            kind.append("b")
        elif ch in _RTL_STOPS or unicodedata.bidirectional(ch) in ("B", "S"):
            kind.append("x")
        else:
            kind.append("n")
    if base_rtl:  # a web or e-mail address is one left-to-right unit, dots and slashes included
        view, index = _view(text)
        for a, b in addresses(view):
            start, end = index[a], index[b - 1] + 1
            if all(k != "x" and k != "b" for k in kind[start:end]):
                kind[start:end] = ["o"] * (end - start)
    runs: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        if kind[i] != "o":
            i += 1
            continue
        start = last = i
        while i < n and kind[i] in ("o", "n"):
            if kind[i] == "o":
                last = i
            i += 1
        runs.append((start, last + 1))
        i = last + 1
    out, done = [], 0
    for number, (start, end) in enumerate(runs):
        limit = runs[number + 1][0] if number + 1 < len(runs) else n
        end = _run_end(text, kind, start, end, limit)
        if base_rtl:
            start = _run_start(text, kind, start, done)
        out.append(text[done:start])
        out.append(_isolate(text[start:end], not base_rtl))
        done = end
    out.append(text[done:])
    return "".join(out)


#: Where WeasyPrint may end a line inside a run: after spaces, zero-width spaces, hyphens, dashes, slashes.
_BREAKS_AFTER = " \u200b-\u2010–—/?!"


def _neutral(ch: str) -> bool:
    return unicodedata.bidirectional(ch) not in ("L", "R", "AL", "NSM")


def _isolate(run: str, rtl: bool) -> str:
    """``run`` as an isolate (RLI or LRI … PDI), with a directional mark (RLM or LRM) wherever a line may
    start or end on a digit or punctuation inside it, and at its end after one.

    WeasyPrint lays out each line by itself: a line that continues an isolate has lost its LRI, so its
    digits and punctuation would take the paragraph's direction again (``.Leipzig e. V`` on the second
    line of ``Willkommenszentrum Leipzig e. V.``, ``Leipzig 04315`` for ``04315 Leipzig``). A mark next to
    them carries the run's direction onto every line."""
    mark = RLM if rtl else LRM
    marks: set[int] = set()  # positions in run before which a mark goes
    for j in range(1, len(run)):
        ch, before = run[j], run[j - 1]
        if before not in _BREAKS_AFTER or not (ch.isalnum() or before in " \u200b" and ch not in " \u200b"):
            continue
        i = j - 1
        while i > 0 and run[i] in " \u200b":
            i -= 1
        if _neutral(run[i]) and run[i] not in " \u200b":
            marks.add(i + 1)  # after the last character before the break: the line's end
        if _neutral(ch):
            marks.add(j)  # before the first character after it: the next line's start
    if run and _neutral(run[-1]):
        marks.add(len(run))
    body = "".join((mark if k in marks else "") + ch for k, ch in enumerate(run)) + (mark if len(run) in marks else "")
    return (RLI if rtl else LRI) + body + PDI


def _run_end(text: str, kind: list[str], start: int, end: int, limit: int) -> int:
    """Where a run ends, past its letters: its combining marks, the numbers after it, an abbreviation's
    period, the brackets and quotes it opened."""
    while end < limit and unicodedata.bidirectional(text[end]) == "NSM":
        end += 1
    m = _TRAILING_NUMBERS.match(text, end, limit)
    if m and all(k == "n" for k in kind[end:m.end()]):
        end = m.end()
    if end < limit and text[end] == "." and text[end - 1].isalpha() and _is_abbreviation(text, end):
        end += 1
    while end < limit and text[end] in _CLOSERS and kind[end] == "n":
        closer, opener = text[end], _CLOSERS[text[end]]
        run = text[start:end]
        unmatched = run.count(opener) % 2 == 1 if opener == closer else run.count(opener) > run.count(closer)
        if not unmatched:
            break
        end += 1
    return end


def _run_start(text: str, kind: list[str], start: int, floor: int) -> int:
    """Where a run starts in right-to-left text: the numbers right before it belong to it (the postcode
    of ``04315 Leipzig``), else the bidi algorithm would set them after it."""
    window = max(floor, start - 60)
    m = _LEADING_NUMBERS.search(text, window, start)
    if m and all(k == "n" for k in kind[m.start():start]):
        return m.start()
    return start


def isolate_field(text: str, base_rtl: bool) -> str:
    """A whole field (a front-matter value, a contact line) in an edition of direction ``base_rtl``: set in the
    other direction as one isolate, its final period included, when all its letters are of the other
    direction (``Willkommenszentrum Leipzig e. V.`` or a Latin address in an Arabic edition); else its runs
    of the other direction isolated as in a paragraph (:func:`isolate_runs`)."""
    core = text.strip()
    if block_direction(text, base_rtl) == ("rtl" if base_rtl else "ltr") or not _balanced(core):
        return isolate_runs(text, base_rtl)
    lead = text[:len(text) - len(text.lstrip())]
    tail = text[len(text.rstrip()):]
    return lead + _isolate(core, not base_rtl) + tail


def ltr(text: str) -> str:
    """``text`` as one left-to-right isolate, with its marks (:func:`isolate_runs`): the template filter ``ltr``
    for an e-mail, a web address or a phone number in any edition. Already one isolate: unchanged."""
    if not text or not _balanced(text) or (text[0] in _OPENERS and text[-1] == PDI and _balanced(text[1:-1])):
        return text  # empty, already one isolate, or isolates left open or closed twice: left as they are
    return _isolate(text, False)


_PHONE_RUN = re.compile(r"(?<![\w.,])\+?\d[\d \u00a0\u202f./\-\u2011\u2060]*\d(?![\w])")


def isolate_numbers(text: str) -> str:
    """Phone numbers and other runs of digit groups (``+49 341 555 0142``, ``0341-555-0142``) in right-to-left
    text as left-to-right isolates, so they are not set ``0142 555 341 49+``. Digits alone and time ranges
    (``10:00–16:00`` reads from the right in Arabic) stay as they are; so does text already isolated.
    The text counterpart of edition.localise_numbers' isolation, for front-matter fields."""
    if not any(ch.isdigit() for ch in text):
        return text
    isolated = _isolated(text)
    out, done = [], 0
    for m in _PHONE_RUN.finditer(text):
        run = m.group(0)
        if any(isolated[m.start():m.end()]) or not (run.startswith("+") or any(c in run for c in " \u00a0\u202f-\u2011./")):
            continue
        out.append(text[done:m.start()])
        out.append(_isolate(run, False))
        done = m.end()
    out.append(text[done:])
    return "".join(out)


# --- quotes and dashes ------------------------------------------------------------------------

@lru_cache(maxsize=16)
def _typographer(quotes: str | tuple[str, ...]) -> Any:
    from markdown_it import MarkdownIt  # the body's parser: the very same rules

    return MarkdownIt("zero", {"typographer": True, "quotes": quotes}).enable(["replacements", "smartquotes"])


#: A space to narrow: before ``: ; ! ? »``, after ``«`` (in the plain view, where no-break spaces are spaces).
_FRENCH_SPACE = re.compile(r" (?=[:;!?»])|(?<=«) ")
#: Where a narrow space is missing: before ``; ! ?`` after a word, before ``:`` after a letter and before a space
#: (not in 10:00 or https://), before ``»`` and after ``«`` — never next to a straight quote, which markdown-it's
#: typographer curls or not by its neighbours.
_FRENCH_ADD = re.compile(r"(?<=[\w\)”’»])(?=[;!?](?:\s|$|[)»”]))|(?<=[^\W\d_])(?=:(?:\s|$|[)»”]))"
                         r"|(?<=[^\s'\"])(?=»)|(?<=«)(?=[^\s'\"])")


def french_spacing(text: str) -> str:
    """French punctuation spacing: a narrow no-break space (U+202F) before ``: ; ! ?`` and ``»`` and after
    ``«`` — a plain space there becomes one (an author's no-break space stays), and one is added where none
    is (not inside ``10:00`` nor ``https://``: a colon only after a letter and before a space)."""
    if not any(ch in text for ch in ":;!?«»"):
        return text
    view, index = _view(text)
    edits = _Edits(text, index)
    for m in _FRENCH_SPACE.finditer(view):
        edits.set(m.start(), " ", NNBSP)
    for m in _FRENCH_ADD.finditer(view):
        edits.insert(m.start() - 1, NNBSP)
    return edits.apply()


def _curl(text: str, md: Any) -> str:
    """markdown-it's typographer until nothing changes: it may pair a quote only once its neighbour has been
    curled (""x"" → "“x"” → ““x””), and each round curls or replaces something, so this ends."""
    while any(ch in text for ch in "'\"-.(+,!?"):
        tokens = md.parseInline(text)
        children = tokens[0].children if tokens and tokens[0].children else []
        done, text = text, "".join(child.content for child in children)
        if text == done:
            break
    return text


def smart_quotes(text: str, quotes: str | tuple[str, ...] = "“”‘’", french: bool | None = None) -> str:
    """A front-matter field with the typography markdown-it's typographer gives the body: quotes of the
    language (``quotes``: primary open and close, secondary open and close, e.g. ``"„“‚‘"``), apostrophes
    ’, ``--`` → –, ``---`` → —, ``...`` → … (and markdown-it's ``(c)`` → ©). French (``french``, or by
    default when ``quotes`` carry a narrow no-break space like i18n's) also gets its no-break spaces
    (:func:`french_spacing`). A text that already carries isolates or zero-width spaces is typeset by its
    visible characters, the invisible ones put back where they were."""
    if french is None:
        french = any(NNBSP in q for q in quotes)
    md = _typographer(quotes if isinstance(quotes, str) else tuple(quotes))
    hidden = any(ch in INSERTED for ch in text)
    visible = "".join(ch for ch in text if ch not in INSERTED) if hidden else text
    done = visible
    for _ in range(8):  # quotes, then French spaces, until neither finds more (a space after « may make a dash)
        again = _curl(done, md)
        again = french_spacing(again) if french else again
        if again == done:
            break
        done = again
    if done == visible:
        return text
    return _put_back(text, visible, done) if hidden else done


def _put_back(text: str, visible: str, typeset: str) -> str:
    """``typeset`` (``visible``, the visible characters of ``text``, after local replacements) with the
    invisible characters of ``text`` put back at the same places."""
    import difflib

    gaps: dict[int, str] = {}
    k = 0
    for ch in text:
        if ch in INSERTED:
            gaps[k] = gaps.get(k, "") + ch
        else:
            k += 1
    moved: dict[int, str] = {}
    opcodes = difflib.SequenceMatcher(None, visible, typeset, autojunk=False).get_opcodes()
    for at, chars in gaps.items():
        new = len(typeset)
        for tag, i1, i2, j1, _j2 in opcodes:
            if i1 <= at < i2:
                new = j1 + (at - i1) if tag == "equal" else j1
                break
        moved[new] = moved.get(new, "") + chars
    return "".join(moved.get(j, "") + ch for j, ch in enumerate(typeset)) + moved.get(len(typeset), "")


# --- checklists -------------------------------------------------------------------------------

_TASK = re.compile(r"\[([ xX✓✔])\](?:[ \t\u00a0]+|\Z)")


def checklist(text: str) -> tuple[bool | None, str]:
    """A list item's leading ``[ ]`` (False) or ``[x]`` (True) and the text after it; ``(None, text)`` for an
    item that is not a task."""
    m = _TASK.match(text)
    if m is None:
        return None, text
    return m.group(1) != " ", text[m.end():]


# --- all together -----------------------------------------------------------------------------

def typeset(text: str, base_rtl: bool, region: str | None = None) -> str:
    """A text node of the body: units kept whole, addresses breakable, runs of the other direction isolated
    (in this order: the isolates go around what the others joined)."""
    return isolate_runs(breakable_address(keep_together(text, region)), base_rtl)


def typeset_field(text: str, base_rtl: bool, quotes: str | tuple[str, ...] = "“”‘’",
                  region: str | None = None, french: bool | None = None) -> str:
    """A front-matter field: quotes and dashes, units kept whole, addresses breakable, and its direction
    (:func:`isolate_field`; in right-to-left text phone numbers isolated, :func:`isolate_numbers`)."""
    text = breakable_address(keep_together(smart_quotes(text, quotes, french), region))
    text = isolate_field(text, base_rtl)
    return isolate_numbers(text) if base_rtl else text


__all__ = ["FSI", "INSERTED", "LRI", "LRM", "NBHY", "NBSP", "NNBSP", "PDI", "RLI", "RLM", "WJ", "ZWSP", "address_spans",
           "addresses", "ltr",
           "block_direction", "breakable_address", "checklist", "first_strong_direction", "french_spacing",
           "isolate_field", "isolate_numbers", "isolate_runs", "keep_together", "plain", "smart_quotes",
           "typeset", "typeset_field"]
