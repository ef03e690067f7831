"""Locales with a region (issue 24, part 5): en-GB.md, es-MX.md … print their country's dates and times;
12/24-hour per CLDR; flexible day periods where CLDR's am/pm is Latin in a non-Latin script; `pamphlet new
--region`; a note when an `en.md` belongs to a British group."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pamphlet import cli
from pamphlet.text import languages

from .conftest import page_texts, run_cli

D, START, END, MORNING = dt.date(2026, 12, 12), dt.time(14, 0), dt.time(17, 30), dt.time(10, 0)
NNBSP, THIN = "\u202f", "\u2009"


@pytest.mark.parametrize(("code", "date", "time", "time_range"), [
    ("en", "Saturday, December 12, 2026", f"2:00{NNBSP}PM", f"2:00{THIN}–{THIN}5:30{NNBSP}PM"),
    ("en-US", "Saturday, December 12, 2026", f"2:00{NNBSP}PM", f"2:00{THIN}–{THIN}5:30{NNBSP}PM"),
    ("en-GB", "Saturday, 12 December 2026", "14:00", "14:00–17:30"),
    ("en-AU", "Saturday, 12 December 2026", f"2:00{NNBSP}pm", f"2:00{THIN}–{THIN}5:30{NNBSP}pm"),
    ("es", "sábado, 12 de diciembre de 2026", "14:00", "14:00–17:30"),
    ("es-MX", "sábado, 12 de diciembre de 2026", f"2:00{NNBSP}p.m.", f"2:00–5:30{NNBSP}p.m."),
    ("pt-BR", "sábado, 12 de dezembro de 2026", "14:00", f"14:00{THIN}–{THIN}17:30"),
    ("pt-PT", "sábado, 12 de dezembro de 2026", "14:00", f"14:00{THIN}–{THIN}17:30"),
    ("fr", "samedi 12 décembre 2026", "14:00", f"14:00{THIN}–{THIN}17:30"),
    # fr-CA's "HH 'h' mm" is a 24-hour clock (its quoted h once chose the 12-hour range "2 h 00 – 5 h 30 p.m.").
    ("fr-CA", "samedi 12 décembre 2026", "14 h 00", f"14 h 00{THIN}–{THIN}17 h 30"),
    ("de-AT", "Samstag, 12. Dezember 2026", "14:00", "14:00–17:30 Uhr"),
])
def test_dates_and_times_per_locale(code, date, time, time_range):
    facts = languages.facts(code)
    assert (facts.date(D), facts.time(START), facts.time_range(START, END)) == (date, time, time_range)


@pytest.mark.parametrize(("code", "time", "time_range", "morning"), [
    # Hindi: CLDR's short form is "2:00 pm"; its flexible day periods say afternoon, evening, morning.
    ("hi", "दोपहर 2:00", "दोपहर 2:00 – शाम 5:30", "सुबह 10:00 – दोपहर 1:00"),
    ("bn", "২:০০ দুপুর", f"২:০০ দুপুর{THIN}–{THIN}৫:৩০ বিকাল", f"১০:০০ সকাল{THIN}–{THIN}১:০০ দুপুর"),
    ("pa", "ਦੁਪਹਿਰੇ 2:00", f"2:00 ਦੁਪਹਿਰੇ{THIN}–{THIN}5:30 ਸ਼ਾਮੀਂ", f"10:00 ਸਵੇਰੇ{THIN}–{THIN}1:00 ਦੁਪਹਿਰੇ"),
    ("ur", "2:00 دوپہر", f"2:00 دوپہر{THIN}–{THIN}5:30 سہ پہر", f"10:00 صبح{THIN}–{THIN}1:00 دوپہر"),
])
def test_no_latin_am_pm_in_a_non_latin_script(code, time, time_range, morning):
    facts = languages.facts(code)
    got = (facts.time(START), facts.time_range(START, END), facts.time_range(MORNING, dt.time(13, 0)))
    assert got == (time, time_range, morning)
    assert not any(ch.isascii() and ch.isalpha() for ch in "".join(got))


def test_same_day_period_ranges_name_the_period_once():
    assert languages.facts("hi").time_range(dt.time(14, 0), dt.time(15, 30)) == "दोपहर 2:00–3:30"


@pytest.mark.parametrize(("code", "keeps"), [("ar", "٢:٠٠ م"), ("am", "2:00 ከሰዓት"), ("hi-Latn", f"2:00{NNBSP}PM")])
def test_a_day_period_in_the_language_s_own_script_is_kept(code, keeps):
    assert languages.facts(code).time(START) == keeps


def test_digits_as_configured_also_for_regional_codes():
    assert languages.facts("hi", digits={"hi": "deva"}).time_range(START, END) == "दोपहर २:०० – शाम ५:३०"
    assert languages.facts("hi-IN", digits={"hi": "deva"}).date(D).endswith("२०२६")
    assert languages.facts("hi-IN", digits={"hi": "deva", "hi-IN": "latn"}).date(D).endswith("2026")


@pytest.mark.parametrize(("code", "region", "expected"), [
    ("en", "GB", "en-GB"), ("es", "MX", "es-MX"), ("pt", "BR", "pt-BR"), ("fr", "CA", "fr-CA"),
    ("ar", "GB", None), ("en-GB", "US", None), ("es", "419", "es-419"),
])
def test_with_region(code, region, expected):
    assert languages.with_region(code, region) == expected


def test_regions_named_by_a_project_s_details():
    assert languages.regions_named("+44 113 496 0000") == {"GB": "the phone number +44 113 496 0000"}
    assert set(languages.regions_named(None, ["https://tenants.org.uk", "hola@example.com.mx"])) == {"GB", "MX"}
    assert set(languages.regions_named(None, ["https://union.io", "a@b.co"])) == set()  # used everywhere
    assert set(languages.regions_named(None, [], ["Park Square, Leeds LS1 2NE"])) == {"GB"}
    assert set(languages.regions_named(None, [], ["Montréal (Québec) H2X 1Y4"])) == {"CA"}
    assert languages.regions_named("0113 496 0000", [], ["Room 4, 12 Main Street"]) == {}


# --- builds -----------------------------------------------------------------------------------------------

def _project(tmp_path, name: str, files: dict[str, str], settings: str = "") -> object:
    proj = tmp_path / name
    proj.mkdir()
    (proj / "pamphlet.yaml").write_text(f"slug: {name}\nevent: {{date: 2026-12-12, start: \"14:00\", end: \"17:30\"}}\n"
                                        + settings, encoding="utf-8")
    for code, title in files.items():
        (proj / f"{code}.md").write_text(f"---\ntitle: {title}\nplace: Park Square, Leeds LS1 2NE\n---\n\n"
                                         + "We meet to talk about the rent rises and what to do next. " * 6 + "\n",
                                         encoding="utf-8")
    return proj


@pytest.mark.slow
def test_regional_editions_print_their_country_s_date_and_time(tmp_path):
    """en-GB and en-US from the same project: file names and -L carry the region, each PDF its own forms."""
    proj = _project(tmp_path, "rent", {"en-GB": "Rent strike", "en-US": "Rent strike", "hi": "किराया हड़ताल"})
    out = tmp_path / "out"
    result = run_cli("build", proj, "-o", out, "-L", "en-GB", "-L", "en-US", "-L", "hi", "--json")
    assert result.exit_code == 0, result.output
    files = sorted(Path(e["path"]).name for e in json.loads(result.stdout)["editions"])
    assert files == ["rent-en-GB-leaflet.pdf", "rent-en-US-leaflet.pdf", "rent-hi-leaflet.pdf"]
    gb = " ".join(" ".join(page_texts(out / "rent-en-GB-leaflet.pdf")).split())
    us = " ".join(" ".join(page_texts(out / "rent-en-US-leaflet.pdf")).split())
    hi = " ".join(" ".join(page_texts(out / "rent-hi-leaflet.pdf")).split())
    assert "12 December 2026" in gb and "14:00" in gb and "PM" not in gb
    assert "December 12, 2026" in us and "2:00" in us and "PM" in us and "14:00" not in us
    assert "दोपहर" in hi and "शाम" in hi and "pm" not in hi.lower()


def test_check_notes_a_british_group_s_en_file(tmp_path):
    proj = _project(tmp_path, "leeds", {"en": "Rent strike"}, "contact: {phone: \"+44 113 496 0000\"}\n")
    result = run_cli("check", proj, "--json", "--strict")
    assert result.exit_code == 0, result.output  # a note, never a failure
    [edition] = json.loads(result.stdout)["editions"]
    [note] = [f for f in edition["findings"] if f["level"] == "note"]
    assert note["message"].startswith("en.md: prints the event as \"Saturday, December 12, 2026")
    assert "+44 113 496 0000 points to GB (United Kingdom)" in note["message"]
    assert "\"Saturday, 12 December 2026 · 14:00–17:30\"" in note["message"]
    assert note["hint"].startswith("to print it that way, rename en.md to en-GB.md")
    # Once named en-GB.md, nothing more to say.
    (proj / "en.md").rename(proj / "en-GB.md")
    [edition] = json.loads(run_cli("check", proj, "--json").stdout)["editions"]
    assert not [f for f in edition["findings"] if f["level"] == "note"]


def test_new_with_a_region_names_the_texts_for_it(tmp_path):
    """Each language as written in Mexico where CLDR has it (es-MX; no en-MX, no ar-MX): letter paper."""
    result = run_cli("new", tmp_path / "p", "-L", "es", "-L", "en", "-L", "ar", "--region", "mx")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "p").iterdir())
    assert names == ["README.md", "ar.md", "en.md", "es-MX.md", "images", "pamphlet.yaml"]
    settings = (tmp_path / "p" / "pamphlet.yaml").read_text(encoding="utf-8")
    assert "default_lang: es-MX" in settings and "paper: letter" in settings
    gb = run_cli("new", tmp_path / "q", "-L", "en-GB")
    assert gb.exit_code == 0 and (tmp_path / "q" / "en-GB.md").is_file()
    assert "paper: a4" in (tmp_path / "q" / "pamphlet.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (("--region", "XX"), "error: --region XX: not a country or region code CLDR knows"),
    (("-L", "en-XX"), "error: -L en-XX: no such locale"),
])
def test_new_refuses_an_unknown_region(tmp_path, args, message):
    result = run_cli("new", tmp_path / "p", *args)
    assert result.exit_code != 0 and message in result.stderr
    assert not (tmp_path / "p").exists()


def test_new_asks_for_the_region_in_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    result = run_cli("new", tmp_path / "p", input="narnia\ngb\n")
    assert result.exit_code == 0, result.output
    assert "Which country is the group in?" in result.stdout
    assert "--region narnia: not a country or region code CLDR knows" in result.stderr  # asked again
    assert (tmp_path / "p" / "en-GB.md").is_file()
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    result = run_cli("new", tmp_path / "q", input="\n")  # Enter: no region
    assert result.exit_code == 0 and (tmp_path / "q" / "en.md").is_file()
