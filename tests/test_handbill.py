"""The handbill as a designed small format (issue 23): one side for a short text, a front card with no white
band, a poster card for a text whose back would be sparse, a digest that never drops a phone number or a time
and prints the facts before the prose; and the corpus measure that reads a price as a price.

The PDF tests read the reading PDF back: where the event, the text and the call to action stand (pdfium's
character boxes), which words are on which side, and the white bands measured from the page's ink (the page
rendered to pixels: the tallest run of rows with no ink between the margins)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from pamphlet.text import facts, markdown

from .conftest import copy_project, page_texts, run_cli, text_boxes

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "benchmarks" / "corpus"
NOTICE = CORPUS / "notice-25"
STRIKE = CORPUS / "strike-200"
MM = 72 / 25.4


def _design_module():
    spec = importlib.util.spec_from_file_location("design_bench", ROOT / "benchmarks" / "design.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the corpus measure: prices are not times (pure, fast) -------------------------------------------------

@pytest.mark.parametrize(("text", "found"), [
    ("National Living Wage: £12.71 an hour", set()),           # the two false positives of the corpus
    ("£12,71 в час", set()),
    ("€9.50 a meal, or 9.50 EUR at the door", set()),
    ("lunch costs 12.50 € and the bus $ 14.00", set()),
    ("Room 12.71 on the first floor", set()),                  # minutes past 59: no clock time
    ("At 11:30 we gather at Esplanade", {"11:30"}),
    ("Öffnungszeiten 10.30 bis 14.00 Uhr", {"10.30", "14.00"}),
    ("Понеділок: 10:00–16:00", {"10:00", "16:00"}),
    ("الاثنين: ١٠:٠٠–١٦:٠٠", {"10:00", "16:00"}),            # Arabic-Indic digits read as ASCII
    ("call the helpline on 98765 43210", {"9876543210"}),
    ("Amina (514) 555-0147", {"5145550147"}),
])
def test_the_corpus_measure_reads_prices_as_prices(text, found):
    assert _design_module()._facts_in(text) == found


@pytest.mark.parametrize(("text", "kinds"), [
    ("On Friday every rider logs off from 11 am to 4 pm.", ["time"]),
    ("রাইডার সকাল ১১টা থেকে বিকেল ৪টে পর্যন্ত লগ অফ করবেন", ["time"]),  # Bengali digits, "o'clock"
    ("राइडर सुबह 11 बजे से शाम 4 बजे तक", ["time"]),
    ("samedi de 10 h à 15 h", ["time"]),
    ("Living Wage: £12.71 an hour; £12.50 from April", []),            # prices
    ("a 9% rent rise in 2026", []),
    ("call the union helpline on 98765 43210", ["phone"]),
])
def test_facts_find_times_in_every_script_and_no_price(text, kinds):
    found = facts.kinds(text, "IN")
    assert [k for k in found if k in ("time", "phone")] == kinds, found


@pytest.mark.parametrize(("text", "phone"), [
    ("হেল্পলাইন ৯৮৭৬৫ ৪৩২১০-এ ফোন করুন", True),   # Bengali digits, no country: the strike's helpline
    ("call the helpline on 98765 43210.", True),
    ("call 0808 157 0192", True),
    ("on 2026-12-03 or 03.12.2026", False),       # dates
    ("12 000 people, 1500 words", False),
    ("£12.71 an hour", False),
])
def test_a_national_phone_number_is_found_without_a_region(text, phone):
    """A language without a region ('bn', 'en') finds no national number through libphonenumber: a run of
    8-13 digits in groups is one (the Bengali strike handbill on Letter dropped its helpline)."""
    assert ("phone" in facts.kinds(text, None)) is phone


# --- the digest (pure, fast) -------------------------------------------------------------------------------

STRIKE_BODY = (STRIKE / "en.md").read_text(encoding="utf-8").split("---", 2)[2]


@pytest.mark.parametrize("budget", [360, 600, 900, 1400])
def test_the_digest_never_leaves_out_a_phone_number_or_a_time(budget):
    """At every budget a handbill's digest is given (shares of an A6 side's ~2,000 characters): the lede's
    '11 am to 4 pm … At 11:30' and the helpline's number are kept, over the budget if need be."""
    md = markdown.parser("“”‘’", False)
    chosen = facts.digest(md, STRIKE_BODY, {"lede_max_words": 45, "region": "IN"}, budget, "IN")
    for fact in ("11 am to 4 pm", "11:30", "98765 43210"):
        assert fact in chosen.html.replace("\xa0", " "), (budget, fact)
    assert "On the day" in chosen.html  # the heading goes with its phone number's paragraph


def test_the_digest_prints_sections_of_facts_before_prose_and_no_heading_over_a_lone_quote():
    md = markdown.parser("“”‘’", False)
    whole = facts.digest(md, STRIKE_BODY, {"lede_max_words": 45, "region": "IN"}, 5000, "IN")
    html = whole.html
    # The opening (lede: facts) first, then the sections of facts (demands, the day), then the prose.
    order = [html.index(s) for s in ("On Friday", "What we demand", "On the day", "Why we strike")]
    assert order == sorted(order), order
    assert [first for first, _ in whole.lines][0] == 3  # source lines follow the print order (the proof's)
    tight = facts.digest(md, STRIKE_BODY, {"lede_max_words": 45, "region": "IN"}, 900, "IN")
    if "Ten thousand riders" in tight.html and "No account blocked" not in tight.html:
        assert "What we demand" not in tight.html  # the list left out: its heading is not kept over the quote


# --- built handbills, read back --------------------------------------------------------------------------------

def _build(project: Path, out: Path, *args: str) -> dict[str, dict]:
    result = run_cli("build", project, "-o", out, "--json", "-l", "handbill", *args)
    data = json.loads(result.stdout)
    return {f"{e['lang']}/{e['paper']}": e for e in data["editions"]}


def _ink_band(pdf: Path, page: int) -> float:
    """The tallest band of rows without ink inside the 7 mm margins, as a share of that height (rendered at
    ~50 dpi; a row is ink when any pixel is darker than near-white)."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        image = doc[page].render(scale=50 / 72, grayscale=True).to_pil()
    finally:
        doc.close()
    width, height = image.size
    margin = round(7 * MM * 50 / 72)
    pixels = image.load()
    run = best = 0
    for y in range(margin, height - margin):
        if any(pixels[x, y] < 235 for x in range(margin, width - margin)):
            run = 0
        else:
            run += 1
            best = max(best, run)
    return best / (height - 2 * margin)


def _top(pdf: Path, page: int, needle: str) -> float:
    """The highest top edge (pt, from the page's foot) where ``needle`` stands on a page."""
    boxes = text_boxes(pdf, page, needle)
    assert boxes, (needle, page)
    return max(b[3] for b in boxes)


def _size(pdf: Path, page: int, needle: str) -> float:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        tp = doc[page].get_textpage()
        hit = tp.search(needle).get_next()
        assert hit is not None, needle
        return pdfium_c.FPDFText_GetFontSize(tp, hit[0])
    finally:
        doc.close()


def _qr_mm(pdf: Path, page: int) -> float:
    """The width (mm) of the QR code on a page: the widest square of vector paths (the SVG's modules) that
    does not span the column (the colour boxes do)."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        width = doc[page].get_width()
        found = []
        for obj in doc[page].get_objects(max_depth=1):
            left, bottom, right, top = obj.get_bounds()
            w, h = right - left, top - bottom
            if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH and w < 0.6 * width and abs(w - h) < 3 * MM:
                found.append(w)
    finally:
        doc.close()
    return max(found, default=0) / MM


@pytest.fixture(scope="module")
def notices(tmp_path_factory) -> dict[str, tuple[dict, Path]]:
    """The 25-word notice's handbill in English and Hebrew, on A4 and on Letter."""
    out: dict[str, tuple[dict, Path]] = {}
    for paper in ("a4", "letter"):
        folder = tmp_path_factory.mktemp(f"notice-{paper}")
        for key, ed in _build(NOTICE, folder, "--paper", paper).items():
            out[key] = (ed, folder / f"vigil-{ed['lang']}-handbill.pdf")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("key", ["en/a4", "en/letter", "he/a4", "he/letter"])
def test_a_25_word_notice_is_a_one_sided_handbill_with_its_text_between_the_event_and_the_call(notices, key):
    """One side on both papers (the same decision): headline, event, the whole text, then the call to action
    and the contact with its QR code at the foot; no white band over a quarter of the side; the text not
    smaller than 8.5 pt, the date never smaller than the text."""
    ed, pdf = notices[key]
    assert ed["status"] == "built" and ed["pages"] == 1 and ed["composition"] == "whole", ed
    [text] = page_texts(pdf)
    flat = " ".join(text.split())
    english = key.startswith("en")
    body = "Everyone is welcome" if english else "כולם מוזמנים"
    date = "November 19, 2026" if english else "2026"
    where = "Haifa" if english else "חיפה"
    cta = "JOIN US" if english else "הצטרפו אלינו"
    assert body in flat and "hadar-neighbours@example.org" in flat
    event_low = min(b[1] for b in text_boxes(pdf, 0, where))  # the event box's last line (the place)
    body_top = _top(pdf, 0, body.split()[0])
    cta_top = _top(pdf, 0, cta)
    org = "Hadar Neighbours" if english else "שכנים בהדר"
    contact_top = min(b[3] for b in text_boxes(pdf, 0, org))  # the lower of two: the kicker is at the top
    assert event_low > body_top > cta_top > contact_top, (event_low, body_top, cta_top, contact_top)
    assert _ink_band(pdf, 0) < 0.25
    assert _size(pdf, 0, date) >= _size(pdf, 0, body) >= 8.5
    assert _qr_mm(pdf, 0) >= 20


@pytest.fixture(scope="module")
def strike(tmp_path_factory) -> tuple[dict, Path]:
    folder = tmp_path_factory.mktemp("strike")
    ed = _build(STRIKE, folder, "-L", "en", "--paper", "a4")["en/a4"]
    return ed, folder / "riders-strike-en-handbill.pdf"


@pytest.mark.slow
def test_the_two_sided_front_is_a_card_with_no_white_band(strike):
    """The headline's colour field grows into the room the event and the call to action leave: no white
    band between the event and the call to action (it was ~15-25 % of the side)."""
    ed, pdf = strike
    assert ed["status"] == "built" and ed["pages"] == 2, ed
    assert _ink_band(pdf, 0) < 0.04
    where_low = min(b[1] for b in text_boxes(pdf, 0, "Kolkata"))
    cta_top = _top(pdf, 0, "JOIN US")
    assert 0 < where_low - cta_top < 12 * MM  # the call to action right under the event


@pytest.mark.slow
def test_the_strike_digest_keeps_its_times_and_its_helpline_on_the_back(strike):
    ed, pdf = strike
    front, back = (" ".join(t.split()) for t in page_texts(pdf))
    assert ed["composition"] == "digest"
    for fact in ("11 am to 4 pm", "11:30", "98765 43210"):
        assert fact in back and fact not in front, fact
    assert back.index("What we demand") < back.index("On the day")
    assert _ink_band(pdf, 1) < 0.3


@pytest.fixture(scope="module")
def card(tmp_path_factory) -> dict[str, tuple[dict, Path]]:
    """A 52-word notice (the vigil's paragraph twice): too long for one side, and a back still a third white
    with its text set as large as a back's text goes (135 %: pages/sides.py); and the 25-word notice with the
    poster card pinned. (A 78-word notice's back is filled by its own text, set larger: see
    test_handbill_sides.)"""
    proj = copy_project(NOTICE, tmp_path_factory.mktemp("p") / "notice")
    head, body = (proj / "en.md").read_text(encoding="utf-8").rsplit("---", 1)
    (proj / "en.md").write_text(head + "---\n\n" + "\n\n".join([body.strip()] * 2) + "\n", encoding="utf-8")
    out: dict[str, tuple[dict, Path]] = {}
    for paper in ("a4", "letter"):
        folder = tmp_path_factory.mktemp(f"card-{paper}")
        out[f"52/{paper}"] = (_build(proj, folder, "-L", "en", "--paper", paper)["en/" + paper],
                              folder / "vigil-en-handbill.pdf")
    folder = tmp_path_factory.mktemp("pinned")
    out["pinned"] = (_build(NOTICE, folder, "-L", "en", "--composition", "poster-card")["en/a4"],
                     folder / "vigil-en-handbill.pdf")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("key", ["52/a4", "52/letter", "pinned"])
def test_a_short_texts_back_is_a_poster_card_with_a_large_qr(card, key):
    """The back of a text too long for one side is a designed side: the whole text set large (14 pt or more,
    where the one-sided form sets it at ~9.5 pt), no band without ink over 30 % of it, a QR code of 30 mm or
    more; the front carries the headline, the event and the call to action, with no white band."""
    ed, pdf = card[key]
    assert ed["status"] == "built" and ed["pages"] == 2 and ed["composition"] == "poster-card", ed
    front, back = (" ".join(t.split()) for t in page_texts(pdf))
    assert "We will stand together" in back and "We will stand together" not in front
    assert "JOIN US" in front and "November 19, 2026" in front
    assert _size(pdf, 1, "We will stand") >= 14
    assert _ink_band(pdf, 1) < 0.3 and _ink_band(pdf, 0) < 0.04
    assert _qr_mm(pdf, 1) >= 30
