"""Fit and check: fixed-size layouts never overflow silently; `pamphlet check` reports before printing."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from pamphlet.errors import plural

from .conftest import EXAMPLE, FIXTURES, copy_project, page_sizes_mm, run_cli

OVER = re.compile(r"^de/leaflet: needs \d pages(, the layout has 2, even at 85 % type| at full size, the layout has 2, and 85 % type is not enough); about (\d+) words? too many$")


def _json(*args):
    result = run_cli(*args, "--json")
    return result.exit_code, json.loads(result.stdout)


def test_overflowing_german_is_shrunk_to_fit(tmp_path):
    code, data = _json("build", FIXTURES / "fit-de", "-o", tmp_path)
    assert code == 0
    [ed] = data["editions"]
    assert ed["pages"] == 2 and 0.85 <= ed["scale"] < 1.0
    assert len(page_sizes_mm(tmp_path / "fit-de-leaflet.pdf")) == 2
    result = run_cli("build", FIXTURES / "fit-de", "-o", tmp_path, "--force")
    assert f"de/leaflet: type shrunk to {round(ed['scale'] * 100)} % to fit 2 pages" in result.stdout


def test_no_fit_refuses_instead(tmp_path):
    code, data = _json("build", FIXTURES / "fit-de", "-o", tmp_path, "--no-fit")
    assert code == 1
    [ed] = data["editions"]
    assert re.match(r"^de/leaflet: needs 3 pages, the layout has 2; about \d+ words too many$", ed["error"])
    assert ed["hint"] == "shorten the text or use -l booklet"


def test_text_that_cannot_fit_fails_and_keeps_the_older_pdf(tmp_path):
    proj = tmp_path / "proj"
    shutil.copytree(FIXTURES / "fit-de", proj)
    out = tmp_path / "out"
    assert _json("build", proj, "-o", out)[0] == 0
    before = (out / "fit-de-leaflet.pdf").read_bytes()
    shutil.copy(FIXTURES / "overflow-de" / "de.md", proj / "de.md")
    code, data = _json("build", proj, "-o", out)
    assert code == 1
    [ed] = data["editions"]
    m = OVER.match(ed["error"].replace("overflow", "de"))
    assert m, ed["error"]
    assert 100 < int(m.group(2)) < 600
    assert (out / "fit-de-leaflet.pdf").read_bytes() == before


def test_overflow_fixture_error_text(tmp_path):
    code, data = _json("build", FIXTURES / "overflow-de", "-o", tmp_path)
    assert code == 1
    assert OVER.match(data["editions"][0]["error"])
    assert not list(tmp_path.glob("*.pdf"))


def test_booklet_pages_exact(tmp_path):
    code, data = _json("build", EXAMPLE, "-L", "en", "-l", "booklet", "--pages", "4", "-o", tmp_path)
    assert code == 0
    [ed] = data["editions"]
    assert ed["pages"] == 4 and ed["scale"] < 1 and ed["blank_pages"] == 0
    code, data = _json("build", EXAMPLE, "-L", "en", "-l", "booklet", "--pages", "6", "-o", tmp_path)
    assert code == 1 and data["editions"][0]["error"] == "en/booklet: --pages 6 is not a multiple of 4"
    code, data = _json("build", FIXTURES / "overflow-de", "-l", "booklet", "--pages", "4", "-o", tmp_path)
    assert code == 1
    assert re.match(r"^de/booklet: needs \d+ pages( at full size)?, the layout has 4(, even at 85 % type|, and 85 % type is not enough)", data["editions"][0]["error"])


def test_booklet_saves_a_sheet_when_the_type_allows(tmp_path):
    code, data = _json("build", EXAMPLE, "-L", "en", "-l", "booklet", "-o", tmp_path)
    [ed] = data["editions"]  # 5 pages at 100 % would pad 3 blanks: one sheet fewer at a smaller type
    assert (ed["pages"], ed["blank_pages"], ed["sheets"]) == (4, 0, 1) and 0.85 <= ed["scale"] < 1


def test_booklet_reports_blank_pages(tmp_path):
    code, data = _json("build", EXAMPLE, "-L", "de", "-l", "booklet", "-o", tmp_path)
    [ed] = data["editions"]
    content_pages = ed["pages"] - ed["blank_pages"]
    assert ed["pages"] % 4 == 0 and ed["blank_pages"] == (-content_pages) % 4 and ed["blank_pages"] > 0
    result = run_cli("build", EXAMPLE, "-L", "de", "-l", "booklet", "-o", tmp_path, "--force")
    assert f"de/booklet: {plural(ed['blank_pages'], 'blank page')} added to make {ed['pages']}" in result.stdout


def test_check_good_project_writes_nothing(tmp_path, monkeypatch):
    project = copy_project(FIXTURES / "mini", tmp_path / "mini")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    monkeypatch.chdir(tmp_path)
    code, data = _json("check", project)
    assert code == 0 and data["ok"] is True
    assert [(e["lang"], e["layout"], e["status"], e["pages"]) for e in data["editions"]] == [("en", "leaflet", "ok", 1)]  # a short text: a one-sided leaflet
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # no dist/, no PDF, no manifest


def test_check_bad_project_exact_findings(monkeypatch):
    monkeypatch.chdir(FIXTURES / "check-bad")
    code, data = _json("check", ".")
    assert code == 1 and data["ok"] is False
    found = {(e["lang"], e["layout"]): [(f["level"], f["message"]) for f in e["findings"]] for e in data["editions"]}
    assert found[("en", "leaflet")] == [
        ("warning", "en/leaflet: image images/tiny.png on page 1 prints at 96 dpi (under 150)")]
    assert found[("fr", "leaflet")] == [
        ("warning", "fr.md: subtitle: missing (present in en.md)"),
        ("warning", "fr.md: 2 paragraphs, en.md has 3"),
        ("warning", "fr.md: 0 headings, en.md has 1"),
        ("error", "fr.md:8: cannot load images/missing.png: file not found"),
    ]
    assert found[("ru", "leaflet")] == [
        ("error", "ru: 1 character(s) no font has: '✡' U+2721 at ru.md:2 (fonts tried: Noto Sans, Noto Serif)")]
    assert not list((FIXTURES / "check-bad").glob("*.pdf"))


def test_check_warnings_exit_zero_unless_strict():
    code, data = _json("check", EXAMPLE, "-L", "de", "-l", "leaflet")
    assert code == 0 and data["editions"][0]["status"] == "warning"
    assert "type shrunk to" in data["editions"][0]["findings"][0]["message"]
    code, _ = _json("check", EXAMPLE, "-L", "de", "-l", "leaflet", "--strict")
    assert code == 1


def test_check_table_output():
    result = run_cli("check", FIXTURES / "mini")
    assert result.exit_code == 0 and "en/leaflet" in result.stdout and "ok" in result.stdout


def test_check_reports_config_errors():
    result = run_cli("check", FIXTURES / "bad-config")
    assert result.exit_code == 1 and "error: 7 problems" in result.stderr


@pytest.mark.parametrize("layout", ["zine", "trifold", "handbill"])
def test_overflow_detected_for_every_fixed_layout(tmp_path, layout):
    code, data = _json("build", FIXTURES / "overflow-de", "-l", layout, "-o", tmp_path, "--no-fit")
    if layout == "handbill":  # the handbill prints a summary (lede, quotes), not the whole text
        assert code == 0
        return
    assert code == 1
    assert re.match(rf"^de/{layout}: needs \d+ pages, the layout has {6 if layout == 'trifold' else 8}",
                    data["editions"][0]["error"])


def test_short_text_enlarges_type_instead_of_leaving_an_empty_panel(tmp_path):
    notice = EXAMPLE.parent / "tests" / "fixtures" / "notice"
    code, data = _json("build", notice, "-l", "handbill", "-o", tmp_path)
    [ed] = data["editions"]
    assert code == 0 and ed["blank_pages"] == 0 and 1 < ed["scale"] <= 1.5
    code, data = _json("build", notice, "-l", "trifold", "-o", tmp_path / "nofit", "--no-fit")
    [ed] = data["editions"]  # without fitting, an empty panel is refused rather than printed
    assert ed["status"] == "failed" and "-word text fills" in ed["error"] and "more words" in ed["hint"]


def test_check_in_worker_processes_reports_what_it_reports_in_process():
    project = FIXTURES / "check-bad"
    serial = run_cli("check", project, "--json", "-j", "1")
    parallel = run_cli("check", project, "--json", "-j", "2")
    assert serial.exit_code == parallel.exit_code == 1
    assert json.loads(parallel.stdout) == json.loads(serial.stdout)
    assert len(json.loads(serial.stdout)["editions"]) >= 3


def _handbill(proj, monkeypatch, tmp_path):
    """The handbill edition of ``proj`` run in process, with every HTML it was laid out from."""
    from pamphlet import pipeline
    from pamphlet.editions import batch
    from pamphlet.pages import render

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # no remembered fit
    laid_out: list[str] = []
    real = render.lay_out

    def recording(html, *args):
        laid_out.append(html)
        return real(html, *args)

    monkeypatch.setattr(render, "lay_out", recording)
    project = batch.load(proj / "pamphlet.yaml")
    opts = pipeline.BuildOptions(out=tmp_path / "out", layouts=("handbill",))
    [spec] = batch.editions(project, opts)
    return pipeline.run_edition(project, spec, opts, write=False), laid_out


def test_a_handbill_of_a_long_text_prints_its_excerpt_without_laying_the_whole_text_out(tmp_path, monkeypatch):
    """The German statement (3 800 characters) cannot fit one A6 side: its handbill goes straight to the
    digest of its facts (here, with no lists or boxes, its lede and pull quotes), filled and stretched in the
    same passes (it took 5 passes, then 3; 4 since the digest tries a larger share of the side first)."""
    outcome, laid_out = _handbill(FIXTURES / "fit-de", monkeypatch, tmp_path)
    assert outcome.result.status == "checked" and outcome.prepared.excerpt
    last_words = "Zusammenfassend lässt sich sagen"  # the statement's last paragraph (not a pull quote)
    assert last_words in outcome.prepared.printed_body
    assert laid_out and not any(last_words in html for html in laid_out)
    assert outcome.result.passes == len(laid_out) <= 4
    assert outcome.fitted.spread  # the contact stands at the foot of the back


def test_a_text_that_fits_a_handbill_side_whole_is_never_cut_to_an_excerpt(tmp_path, monkeypatch):
    """The bound that skips laying out a long text whole stays far above any text that fits: 1 350
    characters in eight paragraphs print whole, and the bound is more than 1.6 times that."""
    from pamphlet.layouts import CATALOGUE, SAFE_MARGIN
    from pamphlet.text import markdown

    proj = copy_project(FIXTURES / "notice", tmp_path / "p")
    en = proj / "en.md"
    head = en.read_text().split("---", 2)[1]
    paragraph = "Rents are rising again and we meet to decide together what to do about it next week. " * 2
    en.write_text(f"---{head}---\n\n" + f"{paragraph.strip()}\n\n" * 8)
    outcome, _ = _handbill(proj, monkeypatch, tmp_path)
    assert outcome.result.status == "checked" and not outcome.prepared.excerpt, outcome.result.error
    assert 1200 < outcome.prepared.chars < 1400
    handbill = CATALOGUE["handbill"]
    for paper in ("a4", "letter"):
        g = handbill.geometry(paper)
        room = markdown.side_capacity(g.width, g.height, SAFE_MARGIN, handbill.base_size * handbill.readable_scale)
        assert room > 1.6 * outcome.prepared.chars, paper


class _Pages:
    """A stand-in laid-out document: only its page count."""

    def __init__(self, pages: int) -> None:
        self.pages = pages


def _in_turn(pages: list[int], target: int) -> int:
    """The role level trying each level in turn gives (the rule _roles must keep)."""
    chosen = 0
    for level in range(1, len(pages)):
        if pages[level] > target:
            break
        chosen = level
        if pages[level] == target:
            break
    return chosen


@pytest.mark.parametrize(("pages", "target", "level", "passes"), [
    ([3, 4, 4, 5], 8, 3, 1),   # a 25-word notice on a zine: every role, and still short (the fill goes on)
    ([5, 6, 7, 8], 8, 3, 2),   # three pages short: the top level reaches the zine's 8, level 2 does not
    ([7, 8, 9, 10], 8, 1, 1),  # a page short: level 1 is enough
    ([5, 6, 7, 7], 6, 1, 1),   # a tri-fold a panel short
    ([4, 5, 7, 7], 6, 1, 2),   # two short, but level 2 overshoots: back to level 1
    ([4, 5, 5, 5], 6, 3, 2),   # two short: level 2 and 3 add nothing, the highest within is kept
    ([4, 6, 6, 6], 6, 1, 2),   # level 1 reaches the target already: the lowest that does
    ([3, 4], 4, 1, 1),         # a booklet's one level
])
def test_role_levels_are_searched_from_the_pages_missing_with_the_same_result(pages, target, level, passes):
    from pamphlet.pages import fit

    calls: list[int] = []

    def lay(scale, blanks=0, roles=0, spread=0.0):
        calls.append(roles)
        return _Pages(pages[roles])

    laid, chosen = fit._roles(lay, _Pages(pages[0]), target, len(pages) - 1)
    assert chosen == level == _in_turn(pages, target)
    assert laid.pages == pages[level] and len(calls) == len(set(calls)) == passes


def test_the_words_a_short_zine_lacks_are_estimated_from_its_lines_of_text(tmp_path):
    """The 25-word notice on a zine: the estimate of the words it lacks counts the lines of text (not the
    pages the event, the call to action or the QR code were given), and adding that many leaves at most a
    page to fill. (Since short zines give the QR code, the lede and each block a poster page, it lacks ~30
    words where it lacked ~130.)"""
    proj = copy_project(FIXTURES / "notice", tmp_path / "p")
    code, data = _json("build", proj, "-l", "zine", "-o", tmp_path / "out")
    [ed] = data["editions"]
    found = re.match(r"en/zine: a \d+-word text fills (\d) of the zine's 8 pages$", ed["error"])
    lacks = re.fullmatch(r"a text this short suits -l leaflet or -l handbill \(or write about (\d+) more words\)",
                         ed["hint"])
    assert code == 1 and found and lacks, (ed["error"], ed["hint"])
    more = int(lacks.group(1))
    assert 10 <= more <= 160
    en = proj / "en.md"
    filler = "We meet on Thursday to talk about the rent, the repairs and what we can do together next. "
    en.write_text(en.read_text() + "\n" + " ".join((filler.split() * 20)[:more]) + "\n")
    code, data = _json("build", proj, "-l", "zine", "-o", tmp_path / "out")
    [ed] = data["editions"]
    assert ed["status"] == "built" or re.search(r"fills 7 of the zine's 8 pages", ed["error"]), ed
