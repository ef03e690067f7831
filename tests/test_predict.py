"""The body's length predicted before any layout pass (pamphlet/pages/predict.py), against real passes.

The prediction steers the first pass (fit.fit): the closer it is, the fewer passes an edition takes. It is
checked here against WeasyPrint's own layout of a handful of texts — the example and two corpus projects,
Latin scripts and Arabic, flowing columns and pages of their own — within a stated
tolerance; and its parts (the cascade it reads, line breaking, units kept whole) on their own.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest

from pamphlet.editions import batch
from pamphlet.pages import compose, measure, predict
from pamphlet.source.spec import EditionSpec
from pamphlet.text.edition import prepare

ROOT = Path(__file__).resolve().parent.parent
#: How far the predicted length of the body (body_end - body_start, in pages) may be from a pass's.
TOLERANCE = 0.08
#: ... for a script whose widths are read unshaped (Arabic).
SHAPED_TOLERANCE = 0.15


@pytest.fixture(scope="module")
def projects() -> dict[str, object]:
    return {"example": batch.load(None, example=True),
            "rights-950": batch.load(ROOT / "benchmarks" / "corpus" / "rights-950"),
            "mutual-aid-1500": batch.load(ROOT / "benchmarks" / "corpus" / "mutual-aid-1500")}


def _edition(projects: dict[str, object], name: str, lang: str, layout: str) -> tuple[object, object]:
    project = projects[name]
    prepared = prepare(project, EditionSpec(lang, layout, "a4"))
    compose._apply(prepared, prepared.layout.compositions[0])
    return project, prepared


@pytest.mark.parametrize(("name", "lang", "layout", "scale"), [
    ("example", "en", "booklet", 1.0),          # one column, pages of text between covers
    ("example", "de", "zine", 0.9),             # each heading starts a page; shrunk
    ("example", "fr", "trifold", 1.0),          # panels, the fold-in one narrower
    ("example", "en", "leaflet", 1.0),          # two balanced columns under the masthead
    ("example", "ar", "trifold", 1.0),          # Arabic (shaped: a wider tolerance)
    ("rights-950", "en", "booklet", 1.0),       # a table, a box, lists, footnotes
    ("mutual-aid-1500", "en", "zine", 0.85),    # a long text in sections
])
def test_the_predicted_body_is_as_long_as_a_pass_lays_it_out(projects, name, lang, layout, scale):
    project, prepared = _edition(projects, name, lang, layout)
    model = predict.model(prepared)
    assert model is not None
    laid = compose._lay_function(project, prepared)(scale)
    real, guess = measure.extent(laid), model.extent(scale)
    length, predicted = real.body_end - real.body_start, guess.body_end - guess.body_start
    tolerance = SHAPED_TOLERANCE if prepared.facts.script in predict.SHAPED else TOLERANCE
    assert abs(predicted / length - 1) <= tolerance, (predicted, length)
    assert guess.body_start == pytest.approx(real.body_start, abs=0.02)
    assert abs(guess.body_end - real.body_end) <= tolerance * length + 0.02


def test_a_headline_word_too_wide_for_its_panel_is_predicted_as_a_pass_measures_it(projects):
    # The Arabic headline on a zine's cover runs past it at full size: the pass measures 0.73 of its width.
    project, prepared = _edition(projects, "example", "ar", "zine")
    model = predict.model(prepared)
    assert model is not None
    laid = compose._lay_function(project, prepared)(1.0)
    assert model.display_fit() == pytest.approx(measure.headline_fit(laid), abs=0.03)
    # An English one fits.
    _, english = _edition(projects, "example", "en", "zine")
    assert predict.model(english).display_fit() == 1.0  # type: ignore[union-attr]


def test_the_prediction_is_cheap_and_the_same_every_time(projects):
    _, prepared = _edition(projects, "example", "es", "trifold")
    predict.model(prepared)  # the fonts and the stylesheet read once
    start = time.perf_counter()
    first = predict.model(prepared)
    extents = [first.extent(s) for s in (0.85, 0.9, 1.0, 1.1)]  # type: ignore[union-attr]
    assert time.perf_counter() - start < 0.05
    again = predict.model(prepared)
    assert [again.extent(s) for s in (0.85, 0.9, 1.0, 1.1)] == extents  # type: ignore[union-attr]
    # Smaller type, a shorter body.
    ends = [e.body_end for e in extents]
    assert ends == sorted(ends)


@pytest.mark.parametrize(("lang", "paper"), [("de", "a4"), ("de", "letter")])
def test_pages_of_their_own_a_role_level_sets_are_predicted(projects, lang, paper):
    # The German example's booklet, 5 pages for 8: level 1 gives the call to action a page of its own (after
    # the body), 2 the lede the inside cover (break-after), 3 each pull quote a page (break-before and -after).
    # The prediction counts those pages as a pass does.
    project = projects["example"]
    prepared = prepare(project, EditionSpec(lang, "booklet", paper))
    compose._apply(prepared, prepared.layout.compositions[0])
    lay = compose._lay_function(project, prepared)
    for level in range(prepared.layout.roles + 1):
        assert lay.predict(level).extent(1.0).pages == lay(1.0, 0, level).pages, level


def test_a_role_level_predicted_well_over_its_pages_is_not_laid_out(projects):
    # Level 3 (9 pages for 8) was laid out only to be stepped down from: now one pass finds level 2.
    from pamphlet.pages import fit

    project = projects["example"]
    prepared = prepare(project, EditionSpec("de", "booklet", "a4"))
    compose._apply(prepared, prepared.layout.compositions[0])
    lay = compose._lay_function(project, prepared)
    laid = lay(1.0)
    before = prepared.passes
    assert lay.predict(3).surely_over(1.0, 8) and not lay.predict(2).surely_over(1.0, 8)
    chosen, level = fit._roles(lay, laid, 8, prepared.layout.roles)
    assert (level, chosen.pages, prepared.passes - before) == (2, 7, 1)


def test_over_is_sure_only_beyond_each_runs_doubt():
    # Runs of the body between forced page breaks, each with its own doubt (5 % of its length): the last run
    # past the last page by more than its doubt, and no run before it spilling onto a page by less.
    model = object.__new__(predict.Model)
    model.name, model.uncertainty, model.margins, model.page_h, model.pages_after = "booklet", 0.05, (10, 0, 10, 0), 100, 1

    def over(runs: tuple[tuple[float, float], ...], pages: int) -> bool:
        end = runs[-1][1]
        found = predict.Predicted(1.0, end, math.floor(end) + 1.92, math.floor(end) + 2, (), runs)
        model.extent = lambda scale: found  # type: ignore[method-assign]
        return model.surely_over(1.0, pages)

    assert over(((1.1, 3.5), (4.0, 5.0), (5.0, 6.3)), 7)           # 0.3 past, doubt 0.065
    assert not over(((1.1, 3.5), (4.0, 5.0), (5.0, 6.03)), 7)      # 0.03 past, within its doubt
    assert not over(((1.1, 3.12), (4.0, 5.0), (5.0, 6.3)), 7)      # a run spills 0.02 onto page 4: may not
    assert over(((1.1, 3.5), (4.0, 5.0), (5.0, 6.3)), 7)
    assert not over(((1.1, 3.5), (4.0, 5.0), (5.0, 5.5)), 7)       # fits


def test_a_leaflet_far_over_its_sides_is_laid_out_first_at_its_predicted_scale(tmp_path):
    # The example's English text with three paragraphs repeated (make bench's overlong leaflet): predicted
    # 2.32 sides at full size, past the 0.17 of a side the model may overstate a leaflet's body by. Its first
    # pass is at the predicted scale, and fits: two compositions in 3 passes, where full size first took 4.
    from pamphlet.pipeline import BuildOptions, run_edition

    example = ROOT / "content"
    (tmp_path / "pamphlet.yaml").write_text((example / "pamphlet.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    _, head, body = (example / "en.md").read_text(encoding="utf-8").split("---\n", 2)
    paragraphs = [p for p in body.strip().split("\n\n") if not p.startswith(">")]
    (tmp_path / "en.md").write_text(f"---\n{head}---\n{body.rstrip()}\n\n" + "\n\n".join(paragraphs[2:5]) + "\n",
                                    encoding="utf-8")
    project = batch.load(tmp_path)
    prepared = prepare(project, EditionSpec("en", "leaflet", "a4"))
    compose._apply(prepared, prepared.layout.compositions[0])
    model = predict.model(prepared)
    assert model is not None and model.extent(1.0).end > 2 + model.doubt(1.0)
    result = run_edition(project, EditionSpec("en", "leaflet", "a4"), BuildOptions(), write=False).result
    assert result.status != "failed" and result.passes == 3 and 0.9 < result.scale < 0.96


def test_a_compact_leaflets_prediction_is_doubted_more(projects):
    # Its contact in the last column and its smaller front are not modelled: predicted 0.2-0.4 of a side long.
    _, prepared = _edition(projects, "example", "en", "leaflet")
    plain = predict.model(prepared)
    compact = next(c for c in prepared.layout.compositions if c.name == "compact")
    compose._apply(prepared, compact)
    tight = predict.model(prepared)
    assert plain is not None and tight is not None
    assert (plain.uncertainty, tight.uncertainty) == (predict.UNCERTAIN_LAYOUTS["leaflet"], predict.UNCERTAIN_COMPACT)


# --- its parts -----------------------------------------------------------------------------------------


CSS = """
html { font-size: 10pt; line-height: 1.4; font-family: "Body"; }
@page { margin: 10mm 8mm 12mm; }
@page cover { margin: 0; }
@page :nth(4) { margin: 1mm; }
p { margin: 0 0 0.5em; }
.body p { margin-bottom: 2mm; }
main > .lede { font-size: 1.2rem; }
.lede:first-child { font-size: 9rem; }
.box { padding: 0.5em 1em; }
"""


@pytest.mark.parametrize(("path", "expected"), [
    ([("html", set())], {"font-size": "10pt", "line-height": "1.4"}),
    # A later rule of the same weight wins; a more specific one wins over an earlier one.
    ([("html", set()), ("main", {"body"}), ("p", set())], {"margin-bottom": "2mm", "margin-top": "0"}),
    # The child combinator; a pseudo-class is left out (the rule is not read at all).
    ([("html", set()), ("main", set()), ("p", {"lede"})], {"font-size": "1.2rem"}),
    ([("html", set()), ("div", set()), ("main", set()), ("section", set()), ("p", {"lede"})],
     {"margin-bottom": "0.5em"}),
    # Shorthands spread out: the block direction, and the inline one as one value.
    ([("html", set()), ("div", {"box"})], {"padding-top": "0.5em", "padding-inline": "1em 1em"}),
])
def test_the_cascade_the_prediction_reads(path, expected):
    style = predict.Sheet.parse(CSS).style(path)
    assert {k: style.get(k) for k in expected} == expected


def test_page_margins_unnamed_and_named():
    sheet = predict.Sheet.parse(CSS)
    assert sheet.page_margin == pytest.approx((10, 8, 12, 8))
    assert sheet.named_margins == {"cover": pytest.approx((0, 0, 0, 0))}  # a page selector (:nth) left out


@pytest.mark.parametrize(("value", "em", "split"), [
    ("1.5em", 10.0, (15.0, 0.0)),        # grows with the type
    ("0.5rem", 10.0, (8.0, 0.0)),        # (rem: the root's 16 px here)
    ("3mm", 10.0, (0.0, 3 * 96 / 25.4)),  # does not
    ("6pt", 10.0, (0.0, 8.0)),
    ("auto", 10.0, (0.0, 0.0)),
])
def test_lengths_that_scale_with_the_type_and_lengths_that_do_not(value, em, split):
    assert predict._split(value, em, 16.0) == pytest.approx(split)


def test_units_kept_whole_join_unless_taller_than_a_column():
    def block(unit: int) -> predict.Block:
        return predict.Block("words", 10.0, 1.4, 2.0, 3.0, unit=unit)

    items = [(block(0), 14.0, 28.0), (block(1), 14.0, 42.0), (block(1), 14.0, 42.0), (block(0), 14.0, 14.0)]
    joined = predict._units(items, 1.0, column=200.0)
    assert [round(total, 1) for _, _, total in joined] == [28.0, 42.0 + 3.0 + 2.0 + 42.0, 14.0]
    assert joined[1][0].keep
    # A unit taller than a column runs through it as its blocks.
    assert len(predict._units(items, 1.0, column=60.0)) == 4


# --- the headline's lines --------------------------------------------------------------------------------

NB = "\u00a0"


def _units(text: str) -> tuple[list[str], list[float]]:
    units = text.split(" ")
    return units, [10.0 * len(u) for u in units]  # 10 px a character, a space 5 px


@pytest.mark.parametrize(("text", "room", "greedy", "balanced"), [
    # Greedy breaking fills the first line and leaves one word alone on the middle one.
    (f"FREE BREAD AND SOUP EVERY{NB}SATURDAY", 150, [3, 1, 1], [2, 2, 1]),
    # A break after the colon: the headline reads in its phrases.
    (f"RIDERS' STRIKE: LOG OFF AT{NB}11", 190, [3, 2], [2, 3]),
    # No better even: left as greedy breaking sets it.
    (f"ONE TWO THREE FOUR{NB}FIVE", 100, [2, 1, 1], None),
    # One line: nothing to balance.
    (f"SHORT AND{NB}SWEET", 400, [2], None),
    # A word wider than the box: the fit shrinks the headline first.
    (f"EXTRAORDINARILY LONG WORDS{NB}HERE", 100, [1, 1, 1], None),
    # A number stays with the word after it; a one- or two-letter word with the word it introduces.
    (f"STRIKE: 11 HOURS FROM{NB}NOW", 110, [2, 1, 1], [1, 2, 1]),
    (f"HELP A NEIGHBOUR IN{NB}NEED", 110, [2, 1, 1], [1, 2, 1]),
    # Two lines, one a word alone: balanced; but not where a box 3 % wider would hold it on one line (a
    # prediction that close is not trusted).
    ("AAAAAA BB CC DD", 125, [3, 1], [1, 3]),
    ("AAAAAA BB CC DD", 132, [3, 1], None),
])
def test_a_headline_is_balanced_where_greedy_breaking_leaves_it_ragged(text, room, greedy, balanced):
    units, widths = _units(text)
    assert predict.greedy_lines(widths, 5.0, room) == greedy
    assert predict.balanced_lines(units, widths, 5.0, room) == balanced


def test_balanced_lines_keep_the_line_count_and_fit_the_box():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.integers(1, 12), min_size=3, max_size=10), st.integers(60, 300))
    def check(lengths: list[int], room: int) -> None:
        units = ["W" * n for n in lengths]
        widths = [10.0 * n for n in lengths]
        lines = predict.balanced_lines(units, widths, 5.0, room)
        if lines is None:
            return
        assert sum(lines) == len(units) and len(lines) == len(predict.greedy_lines(widths, 5.0, room))
        at = 0
        for n in lines:
            assert sum(widths[at:at + n]) + 5.0 * (n - 1) <= room
            at += n

    check()


@pytest.mark.parametrize(("unit", "holds"), [
    ("11", True), ("2026", True), ("10:30", True), ("й", True), ("A", True), ("de", True), ("AS", True),
    ("STRIKE:", False), ("बजे", False), ("ও", False), ("في", False), ("SOUP", False),
])
def test_what_a_line_should_not_end_with(unit, holds):
    assert predict._holds_on(unit) is holds


def test_the_template_holds_each_balanced_line_together():
    from markupsafe import Markup

    from pamphlet.text.templates import balance

    assert balance("Free bread and soup every Saturday") == f"Free bread and soup every{NB}Saturday"
    assert balance("Free bread and soup every Saturday", [2, 2, 1]) == \
        f"Free{NB}bread and{NB}soup every{NB}Saturday"
    escaped = balance(Markup("Bread &amp; soup every Saturday"), [2, 2])
    assert isinstance(escaped, Markup) and escaped == Markup(f"Bread{NB}&amp; soup{NB}every{NB}Saturday")
    assert balance("Free bread and soup every Saturday", [9]) == f"Free bread and soup every{NB}Saturday"  # stale


def test_a_corpus_headline_prints_in_its_phrases(tmp_path):
    # strike-200's "Riders' strike: log off at 11": greedy breaking set "RIDERS' STRIKE: LOG / OFF AT 11".
    from pamphlet.pipeline import BuildOptions, run_edition

    project = batch.load(ROOT / "benchmarks" / "corpus" / "strike-200")
    outcome = run_edition(project, EditionSpec("en", "leaflet", "a4"), BuildOptions(out=tmp_path), 0)
    assert outcome.result.status != "failed", outcome.result.error
    from .conftest import page_texts

    first = page_texts(Path(outcome.result.path))[0].upper()
    assert "RIDERS’ STRIKE:\nLOG OFF AT 11" in first.replace("\r\n", "\n").replace(NB, " ")

