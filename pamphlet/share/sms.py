"""The short message (``message.txt``) and how many SMS it takes.

A text message is sent in GSM-7 when every character is in the GSM 03.38 alphabet: 160 characters in one
message, 153 per part when it is split (the rest of each part is the header that joins them again). The
extension characters (``^ { } \\ [ ~ ] | €`` and the form feed) are an escape and a character: two of the
160. One character outside the alphabet and the whole message goes in UCS-2: 70 UTF-16 code units in one
message, 67 per part (an emoji is two). A phone never splits an escape pair or a surrogate pair across two
parts, so the parts are counted by filling them, not by dividing.

Typographic punctuation (an en dash in "14:00–17:00", curly quotes, a thin space) would push an English
message into UCS-2 and more than double its parts: where that is all that stands between a message and
GSM-7, :func:`gsm_friendly` writes it with the plain characters a phone keyboard has.
"""

from __future__ import annotations

from dataclasses import dataclass

#: GSM 03.38 default alphabet (one septet each).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
#: The extension table: an escape septet and the character, two septets each.
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {"GSM-7": 160, "UCS-2": 70}
PART = {"GSM-7": 153, "UCS-2": 67}

#: Typography a phone keyboard does not type, and its plain spelling.
_PLAIN = {"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2018": "'", "\u2019": "'",
          "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2039": "'",
          "\u203a": "'", "\u2026": "...", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u2002": " ",
          "\u2003": " ", "\u200a": " "}
#: Invisible characters that only steer layout (isolates, marks, joiners, soft hyphens).
_INVISIBLE = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f\u200b\u2060\u00ad\u202a\u202b\u202c"
                                    "\u202d\u202e"))


@dataclass(frozen=True)
class Segments:
    """How a text travels as SMS: its encoding, its length in that encoding's units, and the parts."""

    encoding: str   # "GSM-7" | "UCS-2"
    characters: int  # characters as a reader counts them (code points)
    units: int       # septets (GSM-7) or UTF-16 code units (UCS-2)
    parts: int       # SMS messages it is sent as (0 for an empty text)

    def describe(self) -> str:
        from pamphlet.errors import plural

        return f"{plural(self.characters, 'character')}, {plural(self.parts, 'SMS segment')} ({self.encoding})"


def is_gsm(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENSION for c in text)


def _cost(ch: str, encoding: str) -> int:
    if encoding == "GSM-7":
        return 2 if ch in GSM_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1


def segments(text: str) -> Segments:
    """The SMS parts ``text`` takes: GSM-7 if every character is in its alphabet, else UCS-2."""
    encoding = "GSM-7" if is_gsm(text) else "UCS-2"
    costs = [_cost(c, encoding) for c in text]
    units = sum(costs)
    if units == 0:
        return Segments(encoding, 0, 0, 0)
    if units <= SINGLE[encoding]:
        return Segments(encoding, len(text), units, 1)
    parts, room = 1, PART[encoding]
    for cost in costs:  # an escape pair or a surrogate pair never straddles two parts
        if cost > room:
            parts, room = parts + 1, PART[encoding]
        room -= cost
    return Segments(encoding, len(text), units, parts)


def gsm_friendly(text: str) -> str:
    """``text`` without invisible layout characters and, when that makes it fit GSM-7, with plain
    punctuation for typographic (``–`` → ``-``, ``’`` → ``'``, no-break and thin spaces → spaces).
    A text in another script stays as it is: it is UCS-2 either way, and its punctuation is its own."""
    text = text.translate(_INVISIBLE)
    plain = "".join(_PLAIN.get(c, c) for c in text)
    return plain if is_gsm(plain) else text


def message(lines: list[str | None]) -> str:
    """The message: its non-empty lines, each on a line of its own, GSM-friendly where it can be (no final
    newline: what is counted is what is pasted; ``message.txt`` adds one)."""
    kept = [" ".join(line.split()) for line in lines if line and line.strip()]
    return gsm_friendly("\n".join(kept))
