"""Messages a person reads once and knows what to do with: exact texts.

Plurals, impossible dates, YAML mistakes at the right line with a quoting hint, a front matter left
open, `new` into a folder that is taken, `check --strict` naming its warnings, `--help`, and the
content problems `build` used to keep to itself (a translation without `place:`, a box never closed).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from pamphlet.editions.batch import load
from pamphlet.errors import ConfigError, plural

from .conftest import FIXTURES, run_cli

# --- plurals ------------------------------------------------------------------------------------------


def test_plural():
    assert plural(1, "word") == "1 word"
    assert plural(0, "word") == "0 words"
    assert plural(2, "page") == "2 pages"
    assert plural(1, "copy", "copies") == "1 copy"
    assert plural(3, "copy", "copies") == "3 copies"


def test_one_word_too_many_is_singular(monkeypatch):
    from pamphlet import layouts
    from pamphlet.pages import fit

    measures = getattr(fit, "measure", None) or fit.render  # where fit.py measures laid-out pages
    monkeypatch.setattr(measures, "overflow_fraction", lambda laid, limit: 0.01)
    error = fit._fit_error(layouts.get("leaflet"), "en/leaflet", 100, SimpleNamespace(pages=3), 2, 1.0)
    assert error.message == "en/leaflet: needs 3 pages, the layout has 2; about 1 word too many"
    monkeypatch.setattr(measures, "overflow_fraction", lambda laid, limit: 0.1)
    error = fit._fit_error(layouts.get("leaflet"), "en/leaflet", 100, SimpleNamespace(pages=3), 2, 1.0)
    assert error.message == "en/leaflet: needs 3 pages, the layout has 2; about 10 words too many"


def test_check_says_to_fit_1_page(monkeypatch):
    import importlib

    from pamphlet.commands import check
    from pamphlet.pipeline import BuildOptions, EditionResult
    from pamphlet.source.spec import EditionSpec

    result = EditionResult("en", "leaflet", pages=1, scale=0.9, status="checked")
    monkeypatch.setattr(check, "run_edition", lambda *a, **k: SimpleNamespace(result=result, fitted=SimpleNamespace(laid=None)))
    for where in ("pamphlet.pages.measure", "pamphlet.pages.render"):  # the images placed on the pages: measured here
        module = importlib.import_module(where)
        if hasattr(module, "placed_images"):
            monkeypatch.setattr(module, "placed_images", lambda laid: [])
    found = check.check_edition(load(FIXTURES / "mini"), EditionSpec("en", "leaflet"), BuildOptions())
    assert [f.message for f in found.findings] == ["en/leaflet: type shrunk to 90 % to fit 1 page"]


def test_build_summary_plurals(capsys):
    from pamphlet import cli
    from pamphlet.pipeline import EditionResult

    cli._summary_notes([
        EditionResult("en", "leaflet", pages=1, scale=0.9),
        EditionResult("fr", "leaflet", pages=2, scale=1.2),
        EditionResult("en", "booklet", pages=4, blank_pages=1),
        EditionResult("fr", "booklet", pages=8, blank_pages=2),
    ])
    assert capsys.readouterr().out.splitlines() == [
        "en/leaflet: type shrunk to 90 % to fit 1 page",
        "fr/leaflet: type enlarged to 120 % to fill 2 pages",
        "en/booklet: 1 blank page added to make 4",
        "fr/booklet: 2 blank pages added to make 8",
    ]


def test_watch_says_1_edition_up_to_date(capsys):
    from pamphlet.cli import _RoundReporter
    from pamphlet.pipeline import EditionResult

    up = EditionResult("en", "leaflet", status="up-to-date")
    _RoundReporter()(SimpleNamespace(when=0, error=None, rebuilt=[], failed=[], results=[up], warnings={}))
    assert capsys.readouterr().out.split(" ", 1)[1] == "1 edition up to date\n"
    _RoundReporter()(SimpleNamespace(when=0, error=None, rebuilt=[], failed=[], results=[up, up], warnings={}))
    assert capsys.readouterr().out.split(" ", 1)[1] == "2 editions up to date\n"


@pytest.mark.expect_warnings("CUPS is not installed")
def test_print_names_how_many_editions_failed(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no CUPS: a dry run goes on without it
    proj = _project(tmp_path, {"en.md": "---\ntitle: Broken\n---\n\n![x](/etc/passwd)\n"})
    result = run_cli("print", proj, "-o", tmp_path / "out", "--dry-run")
    assert result.exit_code == 1
    assert "error: 1 of 1 edition failed to build; nothing was sent\n" in result.stderr
    assert result.stderr.count("refused to load /etc/passwd") == 1  # the edition's own error, printed once


@pytest.mark.parametrize(("strings", "message"), [
    ("strings: {cy: {when: Pryd}}\n",
     "cy: no cy translation of 1 UI string ('where'); using English (add it under `strings: {cy: ...}` in pamphlet.yaml)"),
    ("", "cy: no cy translation of 2 UI strings ('when', 'where'); using English "
         "(add them under `strings: {cy: ...}` in pamphlet.yaml)"),
])
def test_ui_string_warning_counts_the_strings(tmp_path, strings, message):
    proj = tmp_path / "cy"  # Welsh: no catalog
    proj.mkdir()
    (proj / "cy.md").write_text("---\ntitle: Undod\nplace: Sgwâr y Farchnad\n---\n\nUndod.\n", encoding="utf-8")
    (proj / "pamphlet.yaml").write_text("slug: undod\nlayouts: [leaflet]\nevent: {date: 2026-12-12}\n" + strings)
    result = run_cli("check", proj, "--json")
    [ed] = json.loads(result.stdout)["editions"]
    assert [f["message"] for f in ed["findings"]] == [message]


# --- dates and times ------------------------------------------------------------------------------------


def _config_problems(tmp_path: Path, yaml_text: str, monkeypatch) -> tuple[list[str], str]:
    (tmp_path / "pamphlet.yaml").write_text(yaml_text, encoding="utf-8")
    (tmp_path / "en.md").write_text("---\ntitle: T\n---\nBody\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    return info.value.lines(), info.value.hint


@pytest.mark.parametrize(("value", "message"), [
    ("2026-04-31", "'2026-04-31' is not a date: April has 30 days"),
    ("2026-02-29", "'2026-02-29' is not a date: February 2026 has 28 days"),
    ("2028-02-30", "'2028-02-30' is not a date: February 2028 has 29 days"),
    ("2026-13-05", "'2026-13-05' is not a date: there is no month 13; months go from 01 to 12"),
    ("2026-06-00", "'2026-06-00' is not a date: the days of a month start at 01"),
    ("tomorrow", "'tomorrow' is not a date; write it as YYYY-MM-DD, e.g. 2026-12-12"),
])
def test_impossible_dates_say_why(tmp_path, monkeypatch, value, message):
    lines, _ = _config_problems(tmp_path, f"event:\n  date: {value}\n", monkeypatch)
    assert lines == [f"pamphlet.yaml:2: event.date: {message}"]


@pytest.mark.parametrize(("value", "message"), [
    ("25:00", "'25:00' is not a time of day: the hours go from 00 to 23"),
    ('"14:75"', "'14:75' is not a time of day: the minutes go from 00 to 59"),
    ("1400", "'1400' is not a time of day; write it as \"HH:MM\" in quotes, e.g. \"14:00\""),
])
def test_impossible_times_say_why(tmp_path, monkeypatch, value, message):
    lines, _ = _config_problems(tmp_path, f"event:\n  date: 2026-12-12\n  start: {value}\n", monkeypatch)
    assert lines == [f"pamphlet.yaml:3: event.start: {message}"]


def test_unquoted_times_are_read_as_written(tmp_path):
    (tmp_path / "pamphlet.yaml").write_text("event: {date: 2026-12-12, start: 9:30, end: 14:00}\n")
    (tmp_path / "en.md").write_text("---\ntitle: T\n---\nBody\n")
    event = load(tmp_path).config.event
    assert (event.start.isoformat(), event.end.isoformat()) == ("09:30:00", "14:00:00")


# --- YAML mistakes: the right line, and quoting where quoting is the fix ------------------------------------


@pytest.mark.parametrize(("yaml_text", "line", "hint"), [
    ("slug: x\ntitle: Meeting: today at 5\npaper: a4\n",
     "pamphlet.yaml:2: malformed YAML, column 15: mapping values are not allowed here",
     'put the value in quotes: title: "Meeting: today at 5"'),
    ("slug: broken\nlayouts: [leaflet\npaper: a4\n",
     "pamphlet.yaml:2: malformed YAML, column 10: this '[' is not closed (expected ',' or ']', but got ':' on line 3)",
     "end the list with ']' on the same line, or, if the value is text that starts with '[', "
     "put it in quotes: layouts: \"[leaflet\""),
    ('slug: x\ntitle: "Meeting\npaper: a4\n',
     "pamphlet.yaml:2: malformed YAML, column 8: this quote is not closed",
     'end the value with the quote it starts with: title: "Meeting"'),
    ("slug: x\ntitle Meeting\npaper: a4\n",
     "pamphlet.yaml:2: malformed YAML, column 1: 'title Meeting' is not `key: value` (no ':' after the key)",
     "write it as key: value (a colon and a space), or start the line with # to make it a comment"),
    ("slug: x\ntitle: @ourgroup\n",
     "pamphlet.yaml:2: malformed YAML, column 8: found character '@' that cannot start any token",
     'put the value in quotes: title: "@ourgroup"'),
    ('title: "Solidarity" now\n',
     "pamphlet.yaml:1: malformed YAML, column 21: expected <block end>, but found '<scalar>'",
     "put the value in quotes: title: '\"Solidarity\" now'"),
    ("theme: {accent: #b3122e}\npaper: a4\n",
     "pamphlet.yaml:1: malformed YAML, column 8: this '{' is not closed (expected ',' or '}', but got ':' on line 2)",
     "a '#' after a space starts a comment: put #b3122e in quotes: theme: {accent: \"#b3122e\"}"),
    ("slug: x\n\ttitle: y\n",
     "pamphlet.yaml:2: malformed YAML, column 1: a tab; YAML indents with spaces only",
     "replace the tab with spaces"),
    ("theme:\n  accent: #b3122e\n",
     "pamphlet.yaml:2: theme.accent: '#b3122e' is read as a comment, not as the value",
     "put the value in quotes: accent: \"#b3122e\" (a comment starts with '# ', with a space)"),
    ("title: Strike! #solidarity\n",
     "pamphlet.yaml:1: title: 'Strike! #solidarity' is read as 'Strike!': YAML takes ' #' and what follows for a comment",
     "put the value in quotes: title: \"Strike! #solidarity\" (a comment starts with '# ', with a space)"),
])
def test_yaml_mistakes_point_at_their_line_and_say_how_to_quote(tmp_path, monkeypatch, yaml_text, line, hint):
    assert _config_problems(tmp_path, yaml_text, monkeypatch) == ([line], hint)


def test_comments_with_a_space_and_hashes_inside_words_are_fine(tmp_path):
    (tmp_path / "pamphlet.yaml").write_text("paper: a4   # or letter\ntheme:\n  accent: '#b3122e'  # red\n"
                                            "qr: https://example.org/#join\n")
    (tmp_path / "en.md").write_text("---\ntitle: T\n---\nBody\n")
    config = load(tmp_path).config
    assert (config.paper, config.theme.accent, config.qr) == ("a4", "#b3122e", "https://example.org/#join")


def test_front_matter_yaml_lines_are_the_file_lines(tmp_path, monkeypatch):
    (tmp_path / "en.md").write_text("---\ntitle: Strike! #solidarity\n---\nBody\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    assert info.value.lines() == [
        "en.md:2: title: 'Strike! #solidarity' is read as 'Strike!': YAML takes ' #' and what follows for a comment"]


def test_a_front_matter_without_its_closing_line_says_so(tmp_path):
    (tmp_path / "en.md").write_text("---\ntitle: Solidarity\nplace: Town Hall\n\nThe text.\n")
    result = run_cli("build", tmp_path, "-o", tmp_path / "out", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2:] == [
        "error: en.md:1: the front matter has no closing --- line: end it with a line holding only ---, after its last field",
        "hint: fix the front matter fields named above (between the --- lines at the top of each file)"]
    (tmp_path / "en.md").write_text("title: Solidarity\n\nThe text.\n")
    result = run_cli("build", tmp_path, "-o", tmp_path / "out", cwd=tmp_path)
    assert "error: en.md:1: no front matter: start the file with a --- block holding at least `title:`" in result.stderr


# --- new ---------------------------------------------------------------------------------------------


def test_new_into_a_taken_folder_suggests_a_free_name(tmp_path):
    (tmp_path / "my-action").mkdir()
    (tmp_path / "my-action" / "en.md").write_text("mine")
    (tmp_path / "my-action-2").mkdir()
    (tmp_path / "my-action-2" / "notes.txt").write_text("mine too")
    result = run_cli("new", "my-action", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: my-action: folder is not empty (pamphlet new never overwrites files)",
        "hint: choose a new folder name, e.g. `pamphlet new my-action-3`; my-action holds a project already: "
        "`pamphlet build my-action` builds it"]
    result = run_cli("new", "my-action-2", cwd=tmp_path)
    assert result.stderr.splitlines()[-1] == "hint: choose a new folder name, e.g. `pamphlet new my-action-3`"
    (tmp_path / "notes.md").write_text("x")
    result = run_cli("new", "notes.md", cwd=tmp_path)
    assert result.stderr.splitlines() == ["error: notes.md: is a file, not a folder",
                                          "hint: choose a new folder name, e.g. `pamphlet new notes.md-2`"]


# --- content problems build used to keep to itself ---------------------------------------------------------


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    proj = tmp_path / "proj"
    shutil.copytree(FIXTURES / "mini", proj)
    for name, text in files.items():
        (proj / name).write_text(text, encoding="utf-8")
    return proj


MINI_EN = (FIXTURES / "mini" / "en.md").read_text(encoding="utf-8")
UNCLOSED = MINI_EN.rstrip("\n").removesuffix(":::").rstrip("\n") + "\n\nAfter the box.\n"  # the box opens on line 20
NO_PLACE = MINI_EN.replace("place: Town Hall\n", "").replace("title: Mini Test Pamphlet", "title: Mini en français")
PLACE = ("fr.md: place: missing (present in en.md); translate `place` from en.md into the front matter of fr.md")
BOX = ("en.md:20: '::: callout' is never closed, so all the text after it is inside the box; "
       "end the box with a line holding only :::")


def test_an_unclosed_box_is_a_warning_with_its_line_and_fails_check_strict(tmp_path):
    proj = _project(tmp_path, {"en.md": UNCLOSED})
    result = run_cli("check", ".", "--json", cwd=proj)
    assert result.exit_code == 0
    [ed] = json.loads(result.stdout)["editions"]
    assert ed["status"] == "warning" and ed["findings"] == [
        {"level": "warning", "message": "en.md:20: '::: callout' is never closed, so all the text after it is inside the box",
         "hint": "end the box with a line holding only :::"}]
    result = run_cli("check", ".", "--strict", cwd=proj)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: check --strict fails on 1 warning:",
        "  en.md:20: '::: callout' is never closed, so all the text after it is inside the box",
        "hint: fix it, or leave out --strict to accept warnings"]
    result = run_cli("check", ".", "--strict", "--json", cwd=proj)
    assert result.exit_code == 1 and json.loads(result.stdout)["ok"] is False


def test_check_strict_names_every_warning_once(tmp_path):
    proj = _project(tmp_path, {"en.md": UNCLOSED, "fr.md": NO_PLACE})
    result = run_cli("check", ".", "--strict", cwd=proj)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: check --strict fails on 3 warnings:",
        "  en.md:20: '::: callout' is never closed, so all the text after it is inside the box",
        "  fr.md: place: missing (present in en.md)",
        "  fr.md: 6 paragraphs, en.md has 7",
        "hint: fix them, or leave out --strict to accept warnings"]


def test_build_says_what_a_translation_lacks_once_per_language_also_when_up_to_date(tmp_path):
    proj = _project(tmp_path, {"fr.md": NO_PLACE})
    args = ("build", proj, "-L", "fr", "-l", "leaflet", "-l", "handbill", "-o", tmp_path / "out")
    for status in ("built", "up-to-date"):
        result = run_cli(*args)
        assert result.exit_code == 0, result.output
        assert result.stderr.count(PLACE) == 1 and f"warning: {PLACE}\n" in result.stderr
        assert f"[2/2] fr/handbill: {status}" in result.stderr or f"[2/2] fr/leaflet: {status}" in result.stderr
    data = json.loads(run_cli(*args, "--json").stdout)
    assert data["warnings"] == [{"message": "fr.md: place: missing (present in en.md)",
                                 "hint": "translate `place` from en.md into the front matter of fr.md"}]
    assert {e["status"] for e in data["editions"]} == {"up-to-date"}


def test_build_warns_of_an_unclosed_box(tmp_path):
    proj = _project(tmp_path, {"en.md": UNCLOSED})
    result = run_cli("build", ".", "-o", tmp_path / "out", cwd=proj)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("warning: " + BOX + "\n") == 1


def test_languages_not_built_are_not_warned_of(tmp_path):
    proj = _project(tmp_path, {"fr.md": NO_PLACE})
    result = run_cli("check", proj, "-L", "en", "--strict")
    assert result.exit_code == 0 and "warning" not in result.stderr


def test_check_example(tmp_path):
    result = run_cli("check", "--example", "-L", "en", "-l", "handbill", "--json", cwd=tmp_path)
    data = json.loads(result.stdout)
    assert data["example"] is True and [e["layout"] for e in data["editions"]] == ["handbill"]
    result = run_cli("check", FIXTURES / "mini", "--example")
    assert result.exit_code == 2 and "error: give a PROJECT folder or --example, not both" in result.stderr


# --- --help ----------------------------------------------------------------------------------------------


COMMANDS = ["new", "build", "check", "preview", "watch", "share", "print", "layouts"]


def test_help_lists_the_commands_in_the_order_a_user_meets_them_in_full():
    result = run_cli("--help")
    listing = result.stdout.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listing] == COMMANDS
    assert listing == [
        "  new      Start a project: settings, a short text per language, a README.",
        "  build    Build the PDFs of every edition (variant × language × layout).",
        "  check    Check every edition for what build would refuse or warn about.",
        "  preview  Picture every page and printer sheet as PNG files.",
        "  watch    Rebuild on every save; with --serve, show a live page.",
        "  share    A web page, calendar entry, cards and a message per language.",
        "  print    Build, then send the printer files to a CUPS printer.",
        "  layouts  List the layouts and how to print and fold each.",
    ]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_plain_metavars(command):
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    assert not re.search(r"<[a-z][a-z \[\]]*>", result.stdout), result.stdout  # no <list[str]>, <float range>, <path>
    assert "..." not in result.stdout


def test_help_of_build_names_each_value():
    text = run_cli("build", "--help").stdout
    for option in ("PROJECT  Project folder (default: this folder).", "-l, --layout LAYOUT", "-L, --lang LANG",
                   "-V, --variant ID", "--paper PAPER", "-o, --out DIR", "--bleed MM", "--creep MM",
                   "--signature N", "--pages N", "-j, --jobs N", "--shard K/N", "--scheduler ADDRESS"):
        assert option in text, option


def test_shared_options_have_one_help_text():
    import typer.main

    from pamphlet.cli import app

    group = typer.main.get_command(app)
    helps: dict[str, set[str]] = {}
    for name in ("build", "check", "preview", "watch", "print"):
        for param in group.commands[name].params:
            if param.name in ("project", "layout", "lang", "variant", "paper", "jobs", "shard", "no_fit", "pages",
                              "as_json", "example"):
                helps.setdefault(param.name, set()).add(f"{param.opts} {param.metavar} {param.help}")
    assert helps and all(len(h) == 1 for h in helps.values()), helps
