"""What a reader sees on the page: names, addresses, numbers and e-mails the right way round and whole.

An advice centre's information sheet in Arabic and Ukrainian (``fixtures/scripts-pdf``) is built on A4 and
on US Letter as a leaflet, a tri-fold and a handbill, and each PDF is read back with pypdfium2's character
boxes: characters grouped into lines by their vertical centre (in the order they are drawn, so two columns
never mix), each line sorted by x, which is the order a reader's eye meets them (visual order, left to
right, also in Arabic). Invisible characters are skipped. On every line of every page:

* ``Willkommenszentrum Leipzig e. V.`` keeps its period right of ``V`` (never ``.Willkommenszentrum`` or
  ``.Leipzig``), and ``Leipzig e. V.`` is never split across lines;
* the address never reads ``Leipzig 04315``: the postcode stands with its town, the house number with
  its street;
* each phone number is on one line, its digits in written order (``+49`` left of ``0142``);
* each time range is on one line, each time's digits in written order (an Arabic range reads from the
  right: ``16:00–10:00`` left to right, in the edition's digits);
* the e-mail and the web address break only right after ``@`` or ``.``, and no hyphen is added inside them;
* no bidi control, zero-width space or word joiner is in the extracted text, and the PDF's properties
  (title, author) carry none either;
* a checklist (``- [ ]``) prints no brackets; a front-matter field's apostrophe prints as ’.

Also, without a layout: what ``markdown.to_html`` and ``edition.prepare`` make of such a text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from pamphlet.text import languages, markdown, typeset

from .conftest import FIXTURES, Built, build_once, logical_pdf, page_texts

PROJECT = FIXTURES / "scripts-pdf"
PAPERS = ("a4", "letter")
LANGS = ("ar", "uk")
LAYOUTS = ("leaflet", "trifold", "handbill")
EDITIONS = [(paper, lang, layout) for paper in PAPERS for lang in LANGS for layout in LAYOUTS]

EMAIL = "beratung@willkommen-leipzig.example.org"
PHONES = ("+49 341 555 0142", "+49 341 555 0187", "+49 157 555 0199")
RANGES = (("10:00", "16:00"), ("10:00", "18:00"), ("12:00", "18:00"), ("10:00", "14:00"))
#: What typeset.py inserts, and what no reader should find in the text they copy out of the PDF.
INVISIBLE = frozenset("\u200b\u200e\u200f\u2060\u2066\u2067\u2068\u2069")
#: Skipped when reading the lines (pdfium's line ends and its marker for a hyphenation point too).
SKIPPED = INVISIBLE | frozenset("\u00ad\ufffe\r\n")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
#: A period that is nobody's sentence end, stuck to the left of the name (where the bidi algorithm puts e. V.'s).
STRAY_PERIOD = re.compile(r"(?<![\w.])\. ?(?:Willkommenszentrum|Leipzig)", re.I)


@dataclass(frozen=True)
class Char:
    ch: str
    left: float
    right: float
    centre: float
    height: float


def visual_lines(path: Path) -> list[list[str]]:
    """Each page's lines, each as its characters in visual order (left to right)."""
    pdf = pdfium.PdfDocument(logical_pdf(path))
    try:
        pages = []
        for index in range(len(pdf)):
            textpage = pdf[index].get_textpage()
            lines: list[list[Char]] = []
            for i in range(textpage.count_chars()):
                ch = textpage.get_text_range(i, 1)
                left, bottom, right, top = textpage.get_charbox(i, loose=True)
                if not ch or ch in SKIPPED or right - left <= 0.01:
                    continue
                char = Char(ch, left, right, (bottom + top) / 2, top - bottom)
                # The same line while the centre stays within 40 % of a line's height (a fallback face's
                # period sits a little lower than the letters around it; the next line is a whole line away).
                if lines and abs(lines[-1][0].centre - char.centre) < 0.4 * max(lines[-1][0].height, char.height):
                    lines[-1].append(char)
                else:
                    lines.append([char])
            pages.append(["".join(c.ch for c in sorted(line, key=lambda c: c.left + c.right)) for line in lines])
        return pages
    finally:
        pdf.close()


def squeezed(line: str) -> str:
    """A line without its spaces (no-break and narrow ones too)."""
    return _SPACES.sub("", line)


@pytest.fixture(scope="module")
def scripts_pdfs(tmp_path_factory) -> dict[tuple[str, str, str], dict]:
    """Every edition of the fixture on both papers, built once: its --json record and its lines."""
    builds: dict[str, Built] = {paper: build_once(tmp_path_factory, f"scripts-pdf-{paper}", PROJECT, "--paper", paper)
                                for paper in PAPERS}
    out = {}
    for paper, built in builds.items():
        for lang in LANGS:
            for layout in LAYOUTS:
                ed = built[(lang, layout)]
                assert ed["status"] == "built", ed
                path = Path(ed["path"])
                out[(paper, lang, layout)] = {"record": ed, "path": path, "pages": visual_lines(path),
                                              "text": page_texts(path)}
    return out


def edition(scripts_pdfs, key: tuple[str, str, str]) -> tuple[dict, list[str]]:
    ed = scripts_pdfs[key]
    return ed, [line for page in ed["pages"] for line in page]


ids = [f"{paper}-{lang}-{layout}" for paper, lang, layout in EDITIONS]


@pytest.mark.parametrize("key", EDITIONS, ids=ids)
def test_the_organisers_name_keeps_its_period_and_its_abbreviation_whole(scripts_pdfs, key):
    _, lines = edition(scripts_pdfs, key)
    names = whole = 0
    for line in lines:
        # Its period at the far end: ".Willkommenszentrum Leipzig e. V" (a sentence's "org. Willkommenszentrum" is fine).
        assert not STRAY_PERIOD.search(_SPACES.sub(" ", line)), line
        flat = squeezed(line).casefold()
        names += flat.count("willkommenszentrum")
        whole += flat.count("leipzige.v.")
        # e. V. only ever stands after Leipzig, with its final period right of the V.
        assert flat.count("e.v") == flat.count("leipzige.v."), line
    assert names >= 1 and whole == names, lines


@pytest.mark.parametrize("key", EDITIONS, ids=ids)
def test_the_address_keeps_its_postcode_with_its_town(scripts_pdfs, key):
    _, lines = edition(scripts_pdfs, key)
    found = 0
    for line in lines:
        flat = squeezed(line)
        assert "Leipzig04315" not in flat, line
        assert flat.count("04315") == flat.count("04315Leipzig"), line
        assert flat.count("Eisenbahnstraße") == flat.count("Eisenbahnstraße54"), line
        found += flat.count("04315Leipzig")
    assert found >= 1


@pytest.mark.parametrize("key", EDITIONS, ids=ids)
def test_each_phone_number_is_on_one_line_in_written_order(scripts_pdfs, key):
    _, lines = edition(scripts_pdfs, key)
    found = 0
    for line in lines:
        flat = squeezed(line)
        whole = sum(flat.count(squeezed(phone)) for phone in PHONES)
        assert flat.count("+49") == whole, line
        for phone in PHONES:
            assert flat.count(phone.rsplit(" ", 1)[1]) == flat.count(squeezed(phone)), line
        found += whole
    assert found >= 1


@pytest.mark.parametrize("key", EDITIONS, ids=ids)
def test_each_time_range_is_on_one_line_in_written_order(scripts_pdfs, key):
    _, lang, _ = key
    _, lines = edition(scripts_pdfs, key)
    facts = languages.facts(lang)
    digits = "[0-9\u0660-\u0669\u06f0-\u06f9]"
    time = re.compile(f"{digits}{{1,2}}:{digits}{{2}}")
    span = re.compile(f"{time.pattern}–{time.pattern}")
    # Left to right on the page: an Arabic range reads from the right, its start right of the dash.
    expected = {languages.to_digits(f"{b}–{a}" if facts.rtl else f"{a}–{b}", facts.digits) for a, b in RANGES}
    found = 0
    for line in lines:
        flat = squeezed(line)
        ranges = span.findall(flat)
        assert set(ranges) <= expected, line
        assert len(time.findall(flat)) == 2 * len(ranges), line  # no time without its other end
        found += len(ranges)
    assert found >= 1


def _cuts(address: str) -> set[int]:
    """Where a line may end inside ``address``: after ``@`` or ``.``, and at its ends."""
    return {0, len(address)} | {i + 1 for i, ch in enumerate(address) if ch in "@."}


def _pieces(line: str) -> list[str]:
    """The runs of a line that are (parts of) the e-mail or the web address, its own hyphens as ASCII."""
    runs = re.findall(r"[A-Za-z0-9@.\-\u2010\u2011\u00ad]+", line.replace("\u2011", "-"))
    return [run for run in runs if "@" in run or "willkommen" in run or "example" in run or "leipzig." in run]


def _fits(piece: str, address: str) -> bool:
    """Whether ``piece`` is a part of ``address`` that starts and ends where a line may break (a sentence's
    period beside it, on either side, not counted)."""
    cuts = _cuts(address)
    for text in {piece, piece.removeprefix("."), piece.removesuffix("."), piece.removeprefix(".").removesuffix(".")}:
        start = address.find(text)
        while text and start >= 0:
            if start in cuts and start + len(text) in cuts:
                return True
            start = address.find(text, start + 1)
    return False


@pytest.mark.parametrize("key", EDITIONS, ids=ids)
def test_the_email_breaks_only_after_at_or_a_dot_and_is_never_hyphenated(scripts_pdfs, key):
    _, lines = edition(scripts_pdfs, key)
    found = 0
    for line in lines:
        for piece in _pieces(line):
            assert "\u2010" not in piece and "\u00ad" not in piece, f"a hyphen added in {piece!r}: {line!r}"
            assert _fits(piece, EMAIL), f"{piece!r} is not a part of {EMAIL} that ends after @ or a dot: {line!r}"
            found += "@" in piece
    assert found >= 1


@pytest.mark.parametrize("key", EDITIONS, ids=ids)
def test_no_invisible_character_reaches_the_text_or_the_properties(scripts_pdfs, key):
    ed, _ = edition(scripts_pdfs, key)
    text = "".join(ed["text"])
    assert not INVISIBLE & set(text), sorted(f"U+{ord(c):04X}" for c in INVISIBLE & set(text))
    with pikepdf.open(ed["path"]) as pdf:
        info = {key: str(value) for key, value in pdf.docinfo.items()}
    assert info["/Author"] == "Willkommenszentrum Leipzig e. V.", info
    for value in info.values():
        assert not INVISIBLE & set(value) and "\u00a0" not in value, info


@pytest.mark.parametrize("key", EDITIONS, ids=ids)
def test_a_checklist_prints_boxes_not_brackets_and_apostrophes_are_curly(scripts_pdfs, key):
    _, lang, layout = key
    ed, lines = edition(scripts_pdfs, key)
    text = "".join(ed["text"])
    assert "[" not in text and "]" not in text
    if lang == "uk":
        assert "'" not in text
        # The call to action (a front-matter field) as the body's typographer would set it.
        assert "п’ять днів" in " ".join(_SPACES.sub(" ", line) for line in lines)


def _opens_right(pixels, box: tuple[int, int, int, int], width: int, height: int) -> bool:  # noqa: ANN001
    """Whether the glyph drawn in ``box`` (x0, y0, x1, y1 in pixels) opens to the right, as "(" does: its
    middle bulges left of its ends. Its ink is what differs from the box's edge (light type on a dark box)."""
    x0, y0, x1, y1 = box
    edge = [pixels[x, y] for x in range(max(0, x0 - 2), min(width, x1 + 2)) for y in (max(0, y0 - 2), min(height - 1, y1 + 1))]
    dark = sum(edge) / len(edge) < 128

    def centre(ya: int, yb: int) -> float:
        ink = [(pixels[x, y] if dark else 255 - pixels[x, y], x) for y in range(ya, yb) for x in range(x0, x1)]
        total = sum(v for v, _ in ink)
        return sum(v * x for v, x in ink) / total if total else 0.0

    rows = y1 - y0
    return centre(y0 + rows // 3, y0 + 2 * rows // 3) < centre(y0, y0 + rows // 4)


def _bracket_shapes(path: Path, scale: float = 3.0) -> list[list[str]]:
    """Each line's parentheses as they are drawn, left to right: "(" for a glyph that opens to the right,
    ")" for one that opens to the left. Read from the pixels, not the text layer (a mirrored glyph keeps the
    character it was first used for)."""
    pdf = pdfium.PdfDocument(path)
    try:
        found: list[list[str]] = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            image = page.render(scale=scale).to_pil().convert("L")
            width, height = image.size
            pixels = image.load()
            marks: list[tuple[float, float, str]] = []  # (vertical centre, horizontal centre, shape)
            for i in range(textpage.count_chars()):
                if textpage.get_text_range(i, 1) not in "()":
                    continue
                left, bottom, right, top = textpage.get_charbox(i)
                box = (int(left * scale), max(0, int(height - top * scale)),
                       min(width, int(right * scale) + 1), min(height, int(height - bottom * scale) + 1))
                if box[2] - box[0] >= 1 and box[3] - box[1] >= 4:
                    shape = "(" if _opens_right(pixels, box, width, height) else ")"
                    marks.append(((bottom + top) / 2, (left + right) / 2, shape))
            lines: list[list[tuple[float, float, str]]] = []
            for mark in sorted(marks, key=lambda m: -m[0]):
                if lines and abs(lines[-1][0][0] - mark[0]) < 3:
                    lines[-1].append(mark)
                else:
                    lines.append([mark])
            found += [[shape for _, _, shape in sorted(line, key=lambda m: m[1])] for line in lines]
        return found
    finally:
        pdf.close()


@pytest.mark.parametrize("key", [k for k in EDITIONS if k[1] == "ar" and k[2] != "handbill"], ids=lambda k: f"{k[0]}-{k[2]}")
def test_parentheses_around_latin_in_arabic_face_what_they_enclose(scripts_pdfs, key):
    # "(Jobcenter)" in an Arabic sentence: drawn as a pair that opens towards its word, never ")Jobcenter(".
    # (A pair broken across lines is not judged here: each of its halves stands alone on its line. The
    # handbill's digest leaves the sentence out.)
    ed, _ = edition(scripts_pdfs, key)
    assert "Jobcenter" in "".join(ed["text"])
    pairs = 0
    for line in _bracket_shapes(ed["path"]):
        if len(line) % 2:
            continue
        depth = 0
        for shape in line:
            depth += 1 if shape == "(" else -1
            assert depth >= 0, line
        assert depth == 0, line
        pairs += len(line) // 2
    assert pairs >= 1


# --- without a layout ----------------------------------------------------------------------------------------


def test_the_body_is_typeset_and_marked_up() -> None:
    text = ("جمعية Willkommenszentrum Leipzig e. V. منظمة مستقلة، راسلونا على " + EMAIL + ".\n\n"
            "**Jobcenter** Leipzig\n\n"
            "- [ ] جواز السفر\n- [x] موعد مسبق\n- Telegram: +49 157 555 0199\n")
    rendered = markdown.to_html(text, "«»“”", rtl=True)
    html = rendered.html
    assert f"{typeset.LRI}Willkommenszentrum Leipzig\u00a0e.\u202fV.{typeset.LRM}{typeset.PDI}" in html
    # The address: one left-to-right unit, breakable after @ and dots, never hyphenated (our span, not raw HTML).
    span = re.search(r'<span class="nohyph">([^<]*)</span>', html)
    assert span and typeset.plain(span.group(1)) == EMAIL and "-\u2060" in span.group(1)
    assert '<p dir="ltr"><strong>Jobcenter</strong> Leipzig</p>' in html  # all Latin: set left to right
    assert '<li class="task">جواز السفر</li>' in html and '<li class="task done">' in html and "[" not in html
    assert typeset.plain(html).count("+49 157 555 0199") == 1 and "+49\u00a0157\u00a0555\u00a00199" in html
    assert rendered.chars == sum(len(typeset.plain(t)) for t in re.findall(r">([^<]+)<", html) if t.strip())


def test_front_matter_fields_are_typeset_and_the_title_is_plain() -> None:
    from pamphlet.editions import batch
    from pamphlet.source.spec import EditionSpec
    from pamphlet.text import edition

    proj = batch.load(PROJECT)
    ar = edition.prepare(proj, EditionSpec("ar", "leaflet", "a4"))
    meta = ar.context["meta"]
    assert meta["organiser"] == typeset.ltr("Willkommenszentrum Leipzig\u00a0e.\u202fV.")
    assert typeset.plain(meta["place"]) == "Eisenbahnstraße 54, 04315 Leipzig" and meta["place"][0] == typeset.LRI
    assert "+49\u00a0341\u00a0555\u00a00142" in ar.context["contact"]["phone"]
    html = ar.html()
    assert '<meta name="author" content="Willkommenszentrum Leipzig e. V.">' in html
    uk = edition.prepare(proj, EditionSpec("uk", "leaflet", "a4"))
    assert "п’ять" in uk.context["meta"]["call_to_action"]
