"""A fresh-eyes review of the handbill (issue 23): a German heat guide's digest ended with a list's intro
and no list and left out the paragraph with the emergency number 112; backs were mostly white because one type
scale served both sides (a Spanish 90-word handbill on Letter: its front needed 90 % for its photo, its back
was 55 % white); a photo's focus point decides its crop on the handbill's front.

Table-driven tests of the pure rules (emergency numbers, a list kept with its intro), then built handbills
read back: which words stand on which side, type sizes (pdfium), the tallest band without ink (pixels), the
picture's pixels."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from pamphlet.text import facts, markdown

from .conftest import FIXTURES, copy_project, page_texts, run_cli, text_boxes
from .test_handbill import _ink_band, _size

HITZE = FIXTURES / "hitze-de"
BICI = FIXTURES / "bici-es"
MM = 72 / 25.4
PT = 72 / 96  # a CSS px in pt
HITZE_BODY = (HITZE / "de.md").read_text(encoding="utf-8").split("---", 2)[2]


# --- emergency numbers (pure, fast) ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "found"), [
    ("Ein Hitzschlag ist ein Notfall. Ruf sofort die 112, wenn jemand verwirrt ist.", ["112"]),
    ("In an emergency, always dial 999.", ["999"]),
    ("Call 911 if someone collapses.", ["911"]),
    ("Composez le 15 (SAMU) ou le 18 pour les pompiers.", ["15", "18"]),
    ("आपात स्थिति में 100 पर कॉल करें", ["100"]),
    ("Звоните 112 при пожаре", ["112"]),
    ("জরুরি অবস্থায় ১০০ নম্বরে কল করুন", ["১০০"]),       # Bengali digits
    ("Room 112 is on the first floor.", []),              # no word for calling
    ("Call us about the 15 families on the list.", []),   # a count, the call word far from it
    ("Il a 18 ans. Appelez-nous.", []),                   # another sentence
    ("Wir bringen 112 Flaschen Wasser.", []),             # 'bringen' is no 'ring'
    ("Ruf uns um 15 Uhr an", []),                         # a time
    ("Call us, it costs £112.", []),                      # a price
    ("Mallinckrodtstraße 212, ruf an", []),               # not an emergency number
])
def test_a_short_emergency_number_beside_a_word_for_calling_is_found(text, found):
    assert facts.emergency_numbers(text) == found
    assert ("phone" in facts.kinds(text)) is bool(found) or bool(facts.phone_numbers(text))


def test_a_regions_own_emergency_number_counts_where_the_region_is_known():
    assert facts.emergency_numbers("Звоните 103, если нужна скорая", "RU") == ["103"]
    assert facts.emergency_numbers("Звоните 103, если нужна скорая") == []


# --- the digest keeps a list with its intro (pure, fast) --------------------------------------------------------

INTRO, ITEM = "Besonders aufpassen sollten wir auf:", "ältere Menschen ab etwa 75 Jahren"
DEMANDS, DEMAND = "Wir fordern von der Stadt Dortmund:", "kostenlose Trinkbrunnen"


@pytest.mark.parametrize("budget", range(150, 3001, 150))
def test_the_digest_keeps_a_list_with_its_intro_and_the_emergency_number_at_every_budget(budget):
    """At every budget: a paragraph ending in a colon is printed only with the list after it, the list only with
    its intro; the paragraph with 112 is never left out; a heading is never the digest's last block."""
    md = markdown.parser("„“‚‘", False)
    chosen = facts.digest(md, HITZE_BODY, {"lede_max_words": 45}, budget, None)
    html = chosen.html
    assert (INTRO in html) == (ITEM in html), budget
    assert (DEMANDS in html) == (DEMAND in html), budget
    assert "Ruf sofort die 112" in html, budget
    assert chosen.kept[-1] != "heading"
    blocks = re.findall(r"<(h[1-6]|p|ul|ol|table)\b[^>]*>(.*?)</\1>", html, re.S)
    for (tag, text), after in zip(blocks, [*blocks[1:], ("", "")], strict=True):
        if tag == "p" and re.search(r":\W*$", re.sub("<[^>]+>", "", text).strip()):
            assert after[0] in ("ul", "ol", "table"), (budget, text)


# --- built handbills, read back ----------------------------------------------------------------------------------

def _build(project: Path, out: Path, *args: str) -> dict[str, dict]:
    result = run_cli("build", project, "-o", out, "--json", "-l", "handbill", *args)
    assert result.exit_code == 0, result.output
    return {e["paper"]: e for e in json.loads(result.stdout)["editions"]}


def _on_both_papers(tmp_path_factory, project: Path, name: str) -> dict[str, tuple[dict, Path]]:
    """The project's handbill built on A4 and on Letter: (its --json record, its PDF) per paper."""
    out = {}
    for paper in ("a4", "letter"):
        folder = tmp_path_factory.mktemp(f"{project.name}-{paper}")
        out[paper] = (_build(project, folder, "--paper", paper)[paper], folder / name)
    return out


@pytest.fixture(scope="module")
def hitze(tmp_path_factory) -> dict[str, tuple[dict, Path]]:
    return _on_both_papers(tmp_path_factory, HITZE, "hitze-nachbarschaft-de-handbill.pdf")


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_german_digest_keeps_112_and_ends_with_no_intro_or_heading(hitze, paper):
    """The back of the 900-word heat guide: the emergency number's paragraph, the cool places and their hours;
    no list intro without its list, nothing at the foot of the column that introduces what is not there; the
    back about full, its text no smaller than 8 pt."""
    ed, pdf = hitze[paper]
    assert ed["status"] == "built" and ed["pages"] == 2 and ed["composition"] == "digest", ed
    front, back = (" ".join(t.split()) for t in page_texts(pdf))
    assert "Ruf sofort die 112" in back and "Samstag, 20. Juni 2026" in front
    assert ("sollten wir auf:" in back) == ("ältere Menschen" in back)
    assert ("Stadt Dortmund:" in back) == ("kostenlose Trinkbrunnen" in back)
    assert not any("stands at the foot" in f for f in ed["score"]["faults"]), ed["score"]
    assert _ink_band(pdf, 1) < 0.2
    assert _size(pdf, 1, "Hitzschlag") * PT >= 8.0


@pytest.fixture(scope="module")
def bici(tmp_path_factory) -> dict[str, tuple[dict, Path]]:
    return _on_both_papers(tmp_path_factory, BICI, "bicicletada-es-handbill.pdf")


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_back_is_sized_on_its_own_and_both_papers_decide_alike(bici, paper):
    """The 90-word Spanish handbill with a photo: its front needs 90 % type on a quarter Letter, its back is set
    larger on its own (not 55 % white at the front's size); A4 and Letter choose the same composition."""
    ed, pdf = bici[paper]
    other = bici["letter" if paper == "a4" else "a4"][0]
    assert ed["status"] == "built" and ed["pages"] == 2, ed
    assert ed["composition"] == other["composition"]
    front, back = (" ".join(t.split()) for t in page_texts(pdf))
    assert "Alboraia" in back and "27 de septiembre de 2026" in front
    assert _ink_band(pdf, 1) < 0.25
    body = _size(pdf, 1, "Alboraia") * PT  # pdfium's size is in the page's units, CSS px
    assert body >= 9.5 * ed["scale"] * 1.15, (body, ed["scale"])  # larger than the front's scale sets it
    assert body <= 9.5 * 1.35 * 1.01


def _picture_luminance(pdf: Path) -> tuple[float, float]:
    """The mean grey (0 black … 255 white) of the top and the bottom half of the front's picture frame: the
    rows between the masthead (its subtitle's last line, and its padding) and the event box (its first label),
    inside the photo's image object (which is the whole photo, clipped to the frame)."""
    subtitle_bottom = min(b[1] for b in text_boxes(pdf, 0, "coches"))
    event_top = max(b[3] for b in text_boxes(pdf, 0, "CUÁNDO"))
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[0]
        scale = 100 / 72
        image = page.render(scale=scale, grayscale=True).to_pil()
        frames = [obj.get_bounds() for obj in page.get_objects(max_depth=3) if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE]
        height = page.get_height()
    finally:
        doc.close()
    assert frames, "no picture on the front"
    left, bottom, right, top = frames[0]
    top, bottom = min(top, subtitle_bottom - 6 * MM), max(bottom, event_top + 4 * MM)
    assert top - bottom > 15 * MM, (top, bottom)
    x0, x1 = int(left * scale) + 2, int(right * scale) - 2
    y0, y1 = int((height - top) * scale), int((height - bottom) * scale)
    pixels = image.load()

    def mean(rows: range) -> float:
        values = [pixels[x, y] for y in rows for x in range(x0, x1, 3)]
        return sum(values) / len(values)

    middle = (y0 + y1) // 2
    return mean(range(y0, middle, 2)), mean(range(middle, y1, 2))


@pytest.mark.slow
def test_the_photos_focus_point_decides_its_crop_on_the_handbill(tmp_path):
    """``image_focus: 50% 90%`` shows the road and the bicycles (the photo's dark foot) in the front's frame,
    ``50% 10%`` the evening sky (its light top): the crop follows the focus point (``object-position``)."""
    greys = {}
    for focus in ("50% 10%", "50% 90%"):
        proj = copy_project(BICI, tmp_path / focus[4:6])
        config = proj / "pamphlet.yaml"
        config.write_text(config.read_text(encoding="utf-8") + f"image_focus: {focus}\n", encoding="utf-8")
        _build(proj, tmp_path / f"out{focus[4:6]}", "--paper", "a4")
        greys[focus] = _picture_luminance(tmp_path / f"out{focus[4:6]}" / "bicicletada-es-handbill.pdf")
    sky, road = greys["50% 10%"], greys["50% 90%"]
    assert road[1] < sky[1] - 30, greys  # the foot of the frame: asphalt, not sky
    assert road[0] < sky[0], greys


@pytest.mark.slow
def test_a_78_word_notices_back_is_its_own_text_set_larger_not_a_third_white(tmp_path):
    """The vigil's paragraph three times: the front a card, the back the whole text set larger than the front's
    scale (up to 135 % of the body's size) until the side is about full — where it used to stand at the top of
    a back a third white."""
    proj = copy_project(FIXTURES.parent.parent / "benchmarks" / "corpus" / "notice-25", tmp_path / "notice")
    head, body = (proj / "en.md").read_text(encoding="utf-8").rsplit("---", 1)
    (proj / "en.md").write_text(head + "---\n\n" + "\n\n".join([body.strip()] * 3) + "\n", encoding="utf-8")
    ed = _build(proj, tmp_path / "out", "-L", "en", "--paper", "a4")["a4"]
    pdf = tmp_path / "out" / "vigil-en-handbill.pdf"
    assert ed["status"] == "built" and ed["pages"] == 2, ed
    front, back = (" ".join(t.split()) for t in page_texts(pdf))
    assert back.count("We will stand together") == 3 and "November 19, 2026" in front
    assert _ink_band(pdf, 1) < 0.2
    size = _size(pdf, 1, "Cohen was killed") * PT / 1.1  # the first paragraph is the lede, set at 1.1 em
    assert 9.5 * ed["scale"] * 1.1 <= size <= 9.5 * 1.35 * 1.01, (size, ed["scale"])
