"""The design score's rules, table-driven on made-up marks (fast), and read from real laid-out pages."""

from __future__ import annotations

import pytest

from pamphlet.pages import score
from pamphlet.pages.measure import Mark

PT = 96 / 72  # px per pt


def text(top: float, size_pt: float, *path: str, left: float = 0.0, words: str = "word word") -> Mark:
    return Mark("text", top, top + size_pt * PT * 1.3, left, left + 200, size_pt * PT, words, tuple(path))


DATE = ("event", "when", "value")
LEDE = ("lede", "p")
BODY = ("main", "p")


@pytest.mark.parametrize(("marks", "faults"), [
    ([text(0, 19, *DATE), text(50, 21.8, *LEDE)], ["page 1: the event is set at 19.0 pt beside 21.8 pt text"]),
    ([text(0, 19, *DATE), text(50, 19, *BODY)], []),
    ([text(0, 19, *DATE), text(50, 19.2, *BODY)], []),  # within the tolerance
    ([text(0, 14, "event", "where", "value"), text(50, 15, *BODY)], ["page 1: the event is set at 14.0 pt beside 15.0 pt text"]),
    ([text(0, 30, "masthead", "h1", "title"), text(50, 12, *DATE)], []),  # the headline is display type
    ([text(0, 12, *DATE), text(50, 16, "main", "pull-quote", "p")], []),  # a pull quote is not body text
])
def test_facts_never_outranked_by_body_text(marks, faults):
    s = score.Score()
    score.facts([marks], s)
    assert s.faults == faults
    assert (s.parts["facts"] > 0) == bool(faults)


@pytest.mark.parametrize(("gaps", "quiet", "faults"), [
    ([0.1, 0.49], (), []),
    ([0.1, 0.72], (), ["page 2: 72 % of its height is empty"]),
    ([0.1, 0.72], (2,), []),
    ([1.0, 0.2], (), ["page 1: 100 % of its height is empty"]),
])
def test_no_page_mostly_white(gaps, quiet, faults):
    s = score.Score()
    score.white(gaps, quiet, s)
    assert s.faults == faults


def test_headline_ending_on_one_word():
    s = score.Score()
    title = ("masthead", "h1", "title")
    score.headline([[text(0, 30, *title, words="SOLIDARITY WITH IRAQ AND"), text(40, 30, *title, words="PALESTINE")]], s)
    assert s.faults == ["page 1: the headline ends on one word (PALESTINE)"]
    s = score.Score()
    score.headline([[text(0, 30, *title, words="SOLIDARITY WITH"), text(40, 30, *title, words="IRAQ AND PALESTINE")]], s)
    assert s.faults == []


def test_heading_or_list_intro_at_the_foot_of_a_column():
    s = score.Score()
    column = [text(0, 12, *BODY), text(20, 12, *BODY), text(40, 14, "main", "h2", words="Grounds")]
    other = [text(0, 12, *BODY, left=400), text(20, 12, *BODY, left=400)]
    score.heading_at_foot([column + other], s)
    assert s.faults == ["page 1: 'Grounds' stands at the foot of a column"]
    s = score.Score()
    score.heading_at_foot([[text(0, 12, *BODY), text(20, 12, *BODY, words="We demand:")]], s)
    assert s.faults == ["page 1: 'We demand:' stands at the foot of a column"]
    s = score.Score()
    score.heading_at_foot([[text(0, 14, "main", "h2"), text(20, 12, *BODY)]], s)
    assert s.faults == []


def test_column_tops_aligned_and_lists_indented_are_not_columns():
    left = [text(t, 12, *BODY) for t in (0, 20, 40)]
    right_high = [text(t - 34, 12, *BODY, left=400) for t in (0, 20, 40)]
    s = score.Score()
    score.column_tops([left + right_high], s)
    assert s.faults == ["page 1: column tops 9 mm apart"]
    s = score.Score()
    indented = [text(60, 12, "main", "li", left=20), text(80, 12, "main", "li", left=20)]
    score.column_tops([left + indented], s)  # one column with an indented list: nothing to align
    assert s.faults == []
    s = score.Score()
    cells = [text(t + 100, 10, "main", "table", "td", "p", left=x) for x in (0, 250, 500) for t in (0, 20, 40)]
    cells += [text(160, 10, "main", "table", "td", "p", left=250)]  # a cell of two lines: the tops differ
    score.column_tops([left + cells], s)  # a table's columns are not columns of text
    assert s.faults == []
    s = score.Score()
    quote = [text(t + 23, 14, "main", "pull-quote", "p", left=400) for t in (0, 20, 40)]
    score.column_tops([left + quote], s)  # a pull quote's rule stands ~6 mm above its first line
    assert s.faults == []
    s = score.Score()
    quote = [text(t + 60, 14, "main", "pull-quote", "p", left=400) for t in (0, 20, 40)]
    score.column_tops([left + quote], s)  # ... but no further
    assert s.faults == ["page 1: column tops 10 mm apart"]


@pytest.mark.parametrize(("lists", "faults"), [
    ([(4, {(1, 0), (1, 50)})], ["page 1: a list of 4 items is split"]),
    ([(4, {(1, 0), (2, 0)})], ["pages 1–2: a list of 4 items is split"]),
    ([(7, {(1, 0), (1, 50)})], []),
    ([(3, {(1, 0)})], []),
])
def test_short_lists_kept_together(lists, faults):
    s = score.Score()
    score.short_lists(lists, s)
    assert s.faults == faults


def test_event_twice_on_one_side_and_a_page_of_only_the_call_to_action():
    pages = [[text(0, 14, *DATE)], [text(0, 14, *DATE)], [text(0, 20, "cta", "cta-head"), text(30, 12, "cta", "p")]]
    s = score.Score()
    score.repeats(pages, s, sides=[[1, 2], [3]])
    assert s.faults == ["pages 1, 2: the event is printed twice on one side of the sheet",
                        "page 3 holds only the call to action's box"]
    s = score.Score()
    score.repeats(pages[:2], s, sides=[[1], [2]])
    assert s.faults == []
    # The call to action set as a poster (large, in the middle of its page: no band of white over 40 %) is a
    # designed page; a box at the top of a white page is not.
    s = score.Score()
    score.repeats(pages, s, sides=[[1], [2], [3]], gaps=[0.2, 0.2, 0.3])
    assert s.faults == []
    s = score.Score()
    score.repeats(pages, s, sides=[[1], [2], [3]], gaps=[0.2, 0.2, 0.7])
    assert s.faults == ["page 3 holds only the call to action's box"]


def test_a_date_on_a_cover_counts_for_the_event_printed_twice():
    cover_date = text(0, 14, "cover-date")
    s = score.Score()
    score.repeats([[cover_date], [text(0, 14, *DATE)]], s, sides=[[1, 2]])
    assert s.faults == ["pages 1, 2: the event is printed twice on one side of the sheet"]


def test_scale_and_excerpt_cost_and_the_total_weighs_parts():
    s = score.Score()
    score.scale(1.0, s)
    score.excerpt(0, 100, s)
    assert s.total == 0 and s.faults == []
    score.scale(0.8, s)
    score.excerpt(25, 100, s)
    assert s.faults == ["type at 80 %", "25 of 100 words left out"]
    assert s.total == pytest.approx(score.WEIGHTS["scale"] * 0.2231 + score.WEIGHTS["excerpt"] * 0.25, abs=1e-3)
    assert s.as_json()["parts"]["excerpt"] == 0.25


def test_a_zines_back_cover_may_be_quiet():
    """Page 8 of a zine is its back cover (the organiser and the contact at its foot), as a booklet's last."""
    from pamphlet.layouts import CATALOGUE

    assert CATALOGUE["zine"].quiet_pages(8) == (8,)
    s = score.Score()
    score.white([0.2, 0.3, 0.1, 0.2, 0.2, 0.3, 0.2, 0.7], CATALOGUE["zine"].quiet_pages(8), s)
    assert s.faults == []


@pytest.mark.parametrize(("layout", "pages", "facing"), [
    ("leaflet", 2, ()),        # the sheet is turned
    ("handbill", 2, ()),
    ("booklet", 8, (2, 4, 6)),  # spreads 2|3, 4|5, 6|7; page 8 is the back cover
    ("booklet", 4, (2,)),
    ("zine", 8, (2, 4, 6)),
    ("trifold", 6, (2, 3)),    # the opened inside: 2, 3 and 4 side by side
])
def test_a_word_may_be_hyphenated_only_into_the_page_beside_it(layout, pages, facing):
    from pamphlet.layouts import CATALOGUE

    assert CATALOGUE[layout].facing_pages(pages) == facing
