"""Config and front-matter validation: every problem at once, exact messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from pamphlet.editions.batch import load
from pamphlet.errors import ConfigError, ProjectError

from .conftest import FIXTURES, run_cli


def _problems(name: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load(FIXTURES / name)
    root = str(FIXTURES / name) + "/"
    return [line.replace(root, "") for line in info.value.lines()]


def test_bad_config_reports_every_problem_with_file_line_and_field(monkeypatch):
    monkeypatch.chdir(FIXTURES / "bad-config")
    assert _problems("bad-config") == [
        "pamphlet.yaml:1: slug: 'Bad Slug' is not valid: use lower-case letters, digits and '-' (it becomes part of file names)",
        "pamphlet.yaml:2: paper: unknown paper size 'a3' (choose from: a4, letter)",
        "pamphlet.yaml:5: layouts[1]: unknown layout 'bookelt' (did you mean 'booklet'?)",
        "pamphlet.yaml:7: theme.accent: '12' is not a colour; use #rgb, #rrggbb or a CSS colour name",
        "pamphlet.yaml:8: colour: unknown field (choose from: contact, default_lang, digits, event, fit, fonts, "
        "image, image_alt, image_focus, languages, layouts, lede, paper, press, qr, share, slug, strings, theme, title)",
        "pamphlet.yaml:10: event.date: 'tomorrow' is not a date; write it as YYYY-MM-DD, e.g. 2026-12-12",
        "pamphlet.yaml:11: event.start: '2pm' is not a time of day; write it as \"HH:MM\" in quotes, e.g. \"14:00\"",
    ]


def test_malformed_yaml_names_line_and_column(monkeypatch):
    """The line of the '[' left open (line 2), not the line where PyYAML noticed (line 3)."""
    monkeypatch.chdir(FIXTURES / "bad-yaml")
    assert _problems("bad-yaml") == [
        "pamphlet.yaml:2: malformed YAML, column 10: this '[' is not closed (expected ',' or ']', but got ':' on line 3)"]


def test_front_matter_problems(monkeypatch):
    monkeypatch.chdir(FIXTURES / "bad-frontmatter")
    assert _problems("bad-frontmatter") == [
        "en.md:2: titel: unknown field (did you mean 'title'?)",
        "en.md:2: title: is required",
        "en.md:3: subtitle: expected text, got a list",
    ]


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("layouts: leaflet\n", None),  # a single value is accepted as a one-item list
        ("layouts: []\n", "pamphlet.yaml:1: layouts: needs at least 1 item"),
        ("layouts: [leaflet, leaflet]\n", "pamphlet.yaml:1: layouts[1]: 'leaflet' is listed twice"),
        ("qr: example.org\n", "pamphlet.yaml:1: qr: 'example.org' is not a link; start it with https://, mailto: or tel: and leave out spaces"),
        ("fit: {min_scale: 2}\n", "pamphlet.yaml:1: fit.min_scale: 2 is out of range (0.5 to 1.0)"),
        ("fonts: {klingon: {body: [X]}}\n", "pamphlet.yaml:1: fonts.klingon: unknown script 'klingon' (choose from: latin, greek, cyrillic, arabic, hebrew, devanagari, bengali, gurmukhi, tamil, ethiopic, cjk, other)"),
        ("event: {start: '10:00'}\n", "pamphlet.yaml:1: event.date: is required"),
        ("theme: red\n", "pamphlet.yaml:1: theme: expected a mapping of accent, ink, paper, highlight, got text"),
        ("- a\n- b\n", "pamphlet.yaml:1: expected a mapping of settings, got a list"),
        ("event: {date: 2026-12-12, start: 14:00}\n", None),  # unquoted 14:00 (YAML 1.1 sexagesimal) still works
    ],
)
def test_config_table(tmp_path, monkeypatch, yaml_text, expected):
    (tmp_path / "pamphlet.yaml").write_text(yaml_text)
    (tmp_path / "en.md").write_text("---\ntitle: T\n---\nBody\n")
    monkeypatch.chdir(tmp_path)
    if expected is None:
        project = load(tmp_path)
        assert project.config.layouts
        return
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    assert info.value.lines() == [expected]


def test_missing_project_folder_and_missing_config(tmp_path):
    with pytest.raises(ProjectError, match="no such folder"):
        load(tmp_path / "nope")
    with pytest.raises(ProjectError, match="no pamphlet project here"):
        load(tmp_path)


def test_project_without_language_files(tmp_path):
    (tmp_path / "pamphlet.yaml").write_text("slug: x\n")
    with pytest.raises(ProjectError, match="no language files"):
        load(tmp_path)


def test_folder_of_files_per_language(tmp_path):
    (tmp_path / "pamphlet.yaml").write_text("slug: x\n")
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "01-intro.md").write_text("---\ntitle: Joined\n---\nFirst part.\n")
    (tmp_path / "en" / "02-more.md").write_text("Second part.\n")
    project = load(tmp_path)
    lang = project.languages["en"]
    assert lang.meta["title"] == "Joined"
    assert "First part." in lang.body and "Second part." in lang.body
    loc = lang.locate(lang.body.splitlines().index("Second part.") + 1)
    assert (Path(loc.path).name, loc.line) == ("02-more.md", 1)


def test_cli_prints_every_problem_and_a_hint_without_traceback():
    result = run_cli("build", FIXTURES / "bad-config", "-o", "/tmp/never-written")
    assert result.exit_code == 1
    assert "error: 7 problems" in result.stderr
    assert "layouts[1]: unknown layout 'bookelt' (did you mean 'booklet'?)" in result.stderr
    assert "hint: " in result.stderr
    assert "Traceback" not in result.output
    assert not Path("/tmp/never-written").exists()
