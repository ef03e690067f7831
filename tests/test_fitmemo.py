"""The fit memo (issue 16): an edition laid out again from the same input takes one pass, same bytes.

Fitting decides a scale, a role level, blank pages, words kept whole and whether
a handbill prints an excerpt; those decisions are remembered under a digest of
the edition's full-size HTML. A replay must give the PDF a fresh fit gives, and
a memo that is damaged, stale or lying must cost passes, never a wrong page.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pamphlet.pages import fitmemo

from .conftest import FIXTURES, run_cli


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture
def project(tmp_path) -> Path:
    """The German statement (shrunk to fit a leaflet) on a leaflet and a handbill (an excerpt)."""
    proj = tmp_path / "proj"
    shutil.copytree(FIXTURES / "fit-de", proj)
    config = proj / "pamphlet.yaml"
    config.write_text(config.read_text().replace("layouts: [leaflet]", "layouts: [leaflet, handbill]"))
    return proj


def _build(*args: str | Path, command: str = "build") -> dict[str, dict]:
    result = run_cli(command, *args, "--json")
    assert result.exit_code == 0, result.output
    return {e["layout"]: e for e in json.loads(result.stdout)["editions"]}


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.pdf"))}


def test_the_same_edition_again_takes_one_pass_and_gives_the_same_bytes(project, tmp_path, cache_home):
    cold = _build(project, "-o", tmp_path / "cold")
    assert cold["leaflet"]["passes"] >= 2 and cold["leaflet"]["scale"] < 1  # shrunk: predicted, verified
    # The handbill's digest, predicted to fit its back, is laid out once, spread, even cold (fit.py).
    assert cold["handbill"]["passes"] >= 1 and "left out" in " ".join(cold["handbill"]["warnings"])
    warm = _build(project, "-o", tmp_path / "warm")
    assert {k: e["passes"] for k, e in warm.items()} == {"leaflet": 1, "handbill": 1}
    for key in ("scale", "pages", "blank_pages", "warnings"):
        assert {k: e[key] for k, e in warm.items()} == {k: e[key] for k, e in cold.items()}, key
    assert _files(tmp_path / "warm") == _files(tmp_path / "cold")
    assert len(_files(tmp_path / "cold")) == 3  # leaflet, handbill and its printer sheet


def test_check_then_build_lays_out_each_edition_once(project, tmp_path, cache_home):
    checked = _build(project, command="check")
    assert {e["status"] for e in checked.values()} == {"warning"}  # shrunk type; an excerpt
    built = _build(project, "-o", tmp_path / "out")
    assert {k: e["passes"] for k, e in built.items()} == {"leaflet": 1, "handbill": 1}


def test_changed_text_is_fitted_afresh(project, tmp_path, cache_home):
    _build(project, "-o", tmp_path / "out", "-l", "leaflet")
    before = _files(tmp_path / "out")
    text = project / "de.md"
    more = "Ein Absatz mehr, damit der Text länger wird und die Schrift noch etwas kleiner sein muss. " * 3
    text.write_text(text.read_text(encoding="utf-8") + f"\n{more}\n", encoding="utf-8")
    again = _build(project, "-o", tmp_path / "out", "-l", "leaflet")
    assert again["leaflet"]["passes"] >= 2
    assert _files(tmp_path / "out") != before
    assert len(_entries(cache_home)) == 2


def _entries(cache_home: Path) -> list[Path]:
    return sorted((cache_home / "pamphlet" / "fit").glob("*.json"))


@pytest.fixture(scope="module")
def cold_leaflet(tmp_path_factory) -> tuple[Path, Path, dict[str, dict], dict[str, bytes]]:
    """The German leaflet fitted once from an empty cache, for every kind of damage below: (project, the cache
    it left, its --json records, its PDFs). Each test damages a copy of that cache."""
    root = tmp_path_factory.mktemp("fitmemo-cold")
    proj = root / "proj"
    shutil.copytree(FIXTURES / "fit-de", proj)
    config = proj / "pamphlet.yaml"
    config.write_text(config.read_text().replace("layouts: [leaflet]", "layouts: [leaflet, handbill]"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(root / "cache"))
        cold = _build(proj, "-o", root / "cold", "-l", "leaflet")
    return proj, root / "cache", cold, _files(root / "cold")


@pytest.mark.parametrize("damage", ["garbage", "other format", "wrong type", "out of range", "lie about the pages"])
def test_a_damaged_or_lying_memo_costs_passes_not_pages(damage, cold_leaflet, tmp_path, cache_home):
    project, cold_cache, cold, cold_files = cold_leaflet
    shutil.copytree(cold_cache, cache_home)  # the cache as the cold build left it, this test's own copy
    [entry] = _entries(cache_home)
    data = json.loads(entry.read_text())
    if damage == "garbage":
        entry.write_text("{not json")
    elif damage == "other format":
        entry.write_text(json.dumps({**data, "format": 999}))
    elif damage == "wrong type":
        entry.write_text(json.dumps({**data, "scale": "big"}))
    elif damage == "out of range":  # type a hundredth of its size would still fit the pages: never replayed
        entry.write_text(json.dumps({**data, "scale": 0.01}))
    else:  # a replay at the remembered scale that does not give the remembered pages is dropped
        entry.write_text(json.dumps({**data, "pages": data["pages"] + 1}))
    again = _build(project, "-o", tmp_path / "again", "-l", "leaflet")
    replayed = 1 if damage == "lie about the pages" else 0
    # The replay costs a pass, unless fitting afresh lays out that same page again (each HTML is laid out once).
    assert cold["leaflet"]["passes"] <= again["leaflet"]["passes"] <= cold["leaflet"]["passes"] + replayed
    assert _files(tmp_path / "again") == cold_files
    assert json.loads(entry.read_text()) == data  # the fresh fit wrote the true decisions back


def test_an_unwritable_cache_still_builds(project, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    built = _build(project, "-o", tmp_path / "out", "-l", "leaflet")
    assert built["leaflet"]["status"] == "built"


def test_a_changed_image_or_font_invalidates_the_entry(tmp_path, cache_home):
    picture = tmp_path / "picture.png"
    picture.write_bytes(b"first version")
    decided = fitmemo.Decisions(0.9, 0, 0, [], 2, deps=fitmemo.fingerprint([picture]))
    digest = fitmemo.key("<p>x</p>", layout="leaflet", paper="a4", fit=True, pages=None, min_scale=0.85)
    fitmemo.remember(digest, decided)
    assert fitmemo.recall(digest) == decided
    picture.write_bytes(b"a second, longer version")
    assert fitmemo.recall(digest) is None
    picture.unlink()
    assert fitmemo.recall(digest) is None


@pytest.mark.parametrize("change", [{"layout": "zine"}, {"paper": "letter"}, {"fit": False}, {"pages": 8},
                                    {"min_scale": 0.8}, {"html": "<p>y</p>"}])
def test_the_key_covers_what_fitting_depends_on(change):
    base = {"html": "<p>x</p>", "layout": "leaflet", "paper": "a4", "fit": True, "pages": None, "min_scale": 0.85}
    same = fitmemo.key(base.pop("html"), **base)  # type: ignore[arg-type]
    args = {"html": "<p>x</p>", "layout": "leaflet", "paper": "a4", "fit": True, "pages": None, "min_scale": 0.85,
            **change}
    assert fitmemo.key(args.pop("html"), **args) != same  # type: ignore[arg-type]


def test_a_one_sided_spread_out_edition_replays_to_the_same_bytes(tmp_path, cache_home):
    """The 25-word notice: a one-sided handbill and a leaflet whose free space is shared out."""
    notice = FIXTURES / "notice"
    cold = _build(notice, "-o", tmp_path / "cold", "-l", "leaflet", "-l", "handbill")
    assert cold["handbill"]["pages"] == cold["leaflet"]["pages"] == 1
    warm = _build(notice, "-o", tmp_path / "warm", "-l", "leaflet", "-l", "handbill")
    assert {k: e["passes"] for k, e in warm.items()} == {"leaflet": 1, "handbill": 1}
    assert _files(tmp_path / "warm") == _files(tmp_path / "cold")
    assert all(json.loads(p.read_text())["spread"] > 0 for p in _entries(cache_home))
