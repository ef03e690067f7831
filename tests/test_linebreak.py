"""Line breaking and the proof per script (issue 24, part 7).

- Hyphenation: for every language we hyphenate, each break Pyphen offers under the stylesheet's limits is
  one the language's own rules allow (a table of known-good splits per language); where the patterns are
  poor (Ukrainian) hyphenation is off, and the evidence is kept here.
- The proof compares scripts written without spaces (Thai, Chinese, Japanese) by characters, not by
  "words" as wide as a paragraph; Ethiopic written with ``፡`` and no spaces breaks after each ``፡`` and
  passes the proof.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyphen
import pytest

from pamphlet.errors import ProofError
from pamphlet.pages import proof
from pamphlet.text import languages

from .conftest import letters_only, missing_service, page_texts, run_cli

ROOT = Path(__file__).parent.parent


def _limits() -> tuple[int, int]:
    """The letters a hyphenated word keeps before and after the break: ``hyphenate-limit-chars`` in base.css."""
    css = (ROOT / "templates" / "base.css").read_text(encoding="utf-8")
    _, before, after = re.search(r"hyphenate-limit-chars:\s*(\d+)\s+(\d+)\s+(\d+)", css).groups()
    return int(before), int(after)


def _allowed(marked: str) -> tuple[str, set[int]]:
    """``"ma-ni-fes-ta-ción"`` → the word and every place its rules allow a break (after 2, 4, 7, 9 letters)."""
    word, cuts = "", set()
    for ch in marked:
        if ch == "-":
            cuts.add(len(word))
        else:
            word += ch
    return word, cuts


# Every break each word's orthography allows, '-' at each (clusters a language lets split several ways are
# marked at each place). Sources: the languages' dictionaries and orthography rules (Duden, Real Academia,
# Ukrainian Pravopys 2019 §§ on transfer: doubled consonants split between the two, a prefix kept whole).
KNOWN_GOOD = {
    "en": ["de-mon-stra-tion", "gov-ern-ment", "com-mu-ni-ty", "in-ter-na-tion-al", "neigh-bour-hood"],
    "en-GB": ["de-mon-stra-tion", "gov-ern-ment", "com-mu-ni-ty", "in-ter-na-tion-al"],
    "de": ["Ver-samm-lung", "Ge-werk-schaft", "Mie-ter-ver-ei-ni-gung", "So-li-da-ri-tät", "Nach-bar-schaft"],
    "fr": ["ma-ni-fes-ta-tion", "so-li-da-ri-té", "gou-ver-ne-ment", "tra-vail-leurs", "as-so-cia-tion"],
    "es": ["ma-ni-fes-ta-ción", "so-li-da-ri-dad", "tra-ba-ja-do-res", "go-bier-no", "a-so-cia-ción"],
    "pt": ["ma-ni-fes-ta-ção", "so-li-da-ri-e-da-de", "tra-ba-lha-do-res", "as-so-ci-a-ção"],
    "pt-BR": ["ma-ni-fes-ta-ção", "so-li-da-ri-e-da-de", "tra-ba-lha-do-res"],
    "it": ["ma-ni-fe-sta-zio-ne", "so-li-da-rie-tà", "la-vo-ra-to-ri", "as-so-cia-zio-ne"],
    "nl": ["de-mon-stra-tie", "so-li-da-ri-teit", "vak-bond", "huur-ders", "ver-e-ni-ging"],
    "sv": ["de-mon-stra-tion", "so-li-da-ri-tet", "ar-be-ta-re", "för-e-ning"],
    "pl": ["de-mon-stra-cja", "so-li-dar-ność", "pra-cow-ni-cy", "or-ga-ni-za-cja", "spo-t-ka-nie"],
    "ro": ["de-mon-stra-ți-e", "so-li-da-ri-ta-te", "mun-ci-to-ri", "or-ga-ni-za-ți-e"],
    "ru": ["со-ли-да-р-ность", "ор-га-ни-за-ци-я", "со-бра-ние", "ра-бот-ни-ки", "про-грам-ма", "кол-лек-тив",
           "тер-ри-то-ри-я", "ис-кус-ство"],
    "el": ["αλ-λη-λεγ-γύ-η", "κυ-βέρ-νη-ση", "ερ-γα-ζό-με-νοι"],
    "id": ["so-li-da-ri-tas", "pe-me-rin-tah", "or-ga-ni-sa-si"],
}
UKRAINIAN = ["на-в-чан-ня", "пи-тан-ня", "знан-ня", "о-го-ло-шен-ня", "зі-б-ран-ня", "під-три-м-ка",
             "де-мо-н-с-т-ра-ці-я", "со-лі-да-р-ність", "ор-га-ні-за-ці-я", "за-нят-тя", "по-ві-до-м-лен-ня",
             "при-мі-щен-ня"]


def _offered(code: str, word: str) -> set[int]:
    """The breaks WeasyPrint may make in ``word``: the dictionary it picks for the ``lang`` attribute (as
    its text/line_break.py does), within the stylesheet's limits."""
    before, after = _limits()
    return set(pyphen.Pyphen(lang=pyphen.language_fallback(code), left=before, right=after).positions(word))


@pytest.mark.parametrize("code", sorted(KNOWN_GOOD))
def test_every_break_the_patterns_offer_is_a_known_good_one(code):
    assert languages.facts(code).hyphenate, f"{code} is hyphenated"
    for marked in KNOWN_GOOD[code]:
        word, allowed = _allowed(marked)
        offered = _offered(code, word)
        wrong = sorted(offered - allowed)
        assert not wrong, f"{code}: {word} broken after {[word[:i] + '-' for i in wrong]}"
    # Not vacuous: the patterns do break most of the table's words.
    assert sum(bool(_offered(code, _allowed(m)[0])) for m in KNOWN_GOOD[code]) >= len(KNOWN_GOOD[code]) - 2


def test_regional_codes_hyphenate_with_their_own_dictionary():
    """``en-GB`` and ``pt-BR`` pick Pyphen's British and Brazilian patterns (the ``lang`` attribute is the code)."""
    assert languages.facts("en-GB").hyphenate == "en_GB"
    assert languages.facts("pt-BR").hyphenate == "pt_BR"
    assert pyphen.language_fallback("en-GB") == "en_GB"


def test_ukrainian_is_not_hyphenated_because_its_patterns_split_wrongly():
    """The evidence for turning it off: Pyphen's Ukrainian patterns break "-ння"/"-ття" words before the
    doubled consonant ("навча-ння"; the rule says "навчан-ня", which a 3-letter tail never allows) and split
    the prefix of "підтримка". If a new Pyphen fixes them, this fails: then turn Ukrainian hyphenation on."""
    assert languages.facts("uk").hyphenate is None
    offered = wrong = 0
    for marked in UKRAINIAN:
        word, allowed = _allowed(marked)
        breaks = _offered("uk", word)
        offered += len(breaks)
        wrong += len(breaks - allowed)
    assert (wrong, offered) == (9, 30)
    assert _offered("uk", "навчання") == {5} and _offered("uk", "підтримка") & {4}


@pytest.mark.slow
def test_ukrainian_pages_print_no_hyphen(tmp_path):
    proj = tmp_path / "p"
    proj.mkdir()
    words = " ".join(["Повідомлення про навчання, оголошення і приміщення для зібрання та підтримка"] * 12)
    (proj / "uk.md").write_text(f"---\ntitle: Зібрання\n---\n\n{words}\n\n{words}\n", encoding="utf-8")
    result = run_cli("build", proj, "-o", tmp_path / "out", "-l", "leaflet")
    assert result.exit_code == 0, result.output
    text = "".join(page_texts(tmp_path / "out" / "p-uk-leaflet.pdf"))
    assert "навчання" in text and "\u2010" not in text and not re.search(r"\w-\n", text)


# --- the proof, by characters where there are no spaces -------------------------------------------------

def _where(line: int) -> str:
    return f"x.md:{line}"


@pytest.mark.parametrize(("text", "first"), [
    ("มนุษย์ทั้งหลายเกิดมามีอิสระ", "ม"),    # Thai: a sentence between spaces
    ("人人生而自由，在尊严和权利上一律平等。", "人"),  # Chinese
    ("すべての人間は、生まれながらにして自由であり", "す"),  # Japanese
])
def test_a_spaceless_script_is_proved_by_characters(text, first):
    [block] = proof.source_blocks(text + "\n")
    assert block.unit == "character" and block.words[0] == first
    assert "".join(block.words) == "".join(ch for ch in text if proof._norm(ch))
    # Laid out on lines broken anywhere, every character is found.
    stream = proof._norm(text)
    proof.check_text("th/leaflet", stream, [block], _where)
    # One character lost at a line end is named as a character, with what precedes it.
    cut = len(text) // 2
    lost = proof._norm(text[:cut] + text[cut + 1:])
    with pytest.raises(ProofError) as exc:
        proof.check_text("th/leaflet", lost, [block], _where)
    assert re.search(r"\d+ characters? after \"…", str(exc.value)) and "x.md:1" in str(exc.value)


def test_a_thai_vowel_sign_stays_with_its_letter():
    [block] = proof.source_blocks("ดีมาก\n")
    assert block.words == ("ดี", "ม", "า", "ก")  # ี (a mark) belongs to ด; า is a letter of its own


def test_words_of_spaced_scripts_are_still_words():
    [block] = proof.source_blocks("Solidarity with every worker\n")
    assert block.unit == "word" and block.words == ("Solidarity", "with", "every", "worker")
    with pytest.raises(ProofError, match=r'2 words after "…Solidarity with" are not on any page'):
        proof.check_text("en/leaflet", proof._norm("Solidarity with"), [block], _where)


def test_a_front_matter_field_in_thai_is_found_by_characters():
    [block] = proof.text_blocks("สิทธิมนุษยชน สากล", 2)
    assert block.unit == "character" and len(block.words) > 5


def test_ethiopic_words_between_wordspaces_are_proved_across_line_breaks():
    """Amharic written traditionally (``፡`` between words, no spaces): each word is a unit of the proof, and a
    line broken after any ``፡`` still reads in order."""
    text = "የሰው፡ልጅ፡ሁሉ፡ሲወለድ፡ነጻና፡በክብርና፡በመብትም፡እኩልነት፡ያለው፡ነው።"
    [block] = proof.source_blocks(text + "\n")
    assert block.unit == "word" and len(block.words) == 10
    printed = "የሰው፡ልጅ፡ሁሉ፡\nሲወለድ፡ነጻና፡\nበክብርና፡በመብትም፡እኩልነት፡\nያለው፡ነው።"
    proof.check_text("am/leaflet", proof._norm(printed), [block], _where)


THAI = ("มนุษย์ทั้งหลายเกิดมามีอิสระและเสมอภาคกันในศักดิ์ศรีและสิทธิ ต่างมีเหตุผลและมโนธรรม "
        "และควรปฏิบัติต่อกันด้วยเจตนารมณ์แห่งภราดรภาพ")


@pytest.fixture(scope="module")
def thai_font() -> Path:
    """Loma (Debian fonts-tlwg-loma-ttf, installed by `make test-deps`): no bundled font has Thai."""
    found = Path("/usr/share/fonts/truetype/tlwg/Loma.ttf")
    if not found.is_file():
        missing_service("no Thai font: run `make test-deps` (fonts-tlwg-loma-ttf)")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_thai_leaflet_lays_out_and_passes_the_proof(tmp_path, thai_font, paper):
    proj = tmp_path / "th-project"
    (proj / "fonts").mkdir(parents=True)
    for name in ("Loma.ttf", "Loma-Bold.ttf"):
        shutil.copy(thai_font.parent / name, proj / "fonts" / name)
    (proj / "pamphlet.yaml").write_text(
        "slug: th\nfonts:\n  other: {body: [Loma], heading: [Loma], display: [Loma]}\n", encoding="utf-8")
    body = "\n\n".join([THAI] * 6)
    (proj / "th.md").write_text(f"---\ntitle: สิทธิมนุษยชน\n---\n\n{body}\n", encoding="utf-8")
    result = run_cli("build", proj, "-o", tmp_path / "out", "--paper", paper)
    assert result.exit_code == 0, result.output
    pages = page_texts(tmp_path / "out" / "th-th-leaflet.pdf")
    printed = letters_only("".join(pages))
    assert printed.count(letters_only(THAI.replace(" ", ""))) == 6
    # Lines end inside a run between spaces: Thai is broken at its words, not only at its spaces.
    lines = [line.strip() for page in pages for line in page.splitlines() if line.strip()]
    inside = [line for line in lines if line[-1] != " " and proof.spaceless(line)
              and not any(THAI.split(" ")[i].endswith(line[-3:]) for i in range(len(THAI.split(" "))))]
    assert len(inside) >= 3, lines
