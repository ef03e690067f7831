"""`pamphlet new` and finding the project: a starter that builds clean, and the project-finding rules."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from pamphlet import layouts
from pamphlet.commands.check import language_findings
from pamphlet.commands.new import create, starter_langs
from pamphlet.source import yamlsrc
from pamphlet.source.config import Config, Mapping, parse_config, schema
from pamphlet.source.project import load_project

from .conftest import FIXTURES, page_texts, run_cli

LANGS = ["en", "ar", "fr", "fa", "ur"]  # built; every starter language is checked for shape below


@pytest.fixture(scope="session")
def starter(tmp_path_factory) -> tuple[Path, dict]:
    """A starter project in every starter language, its leaflets built once: (project, --json summary)."""
    root = tmp_path_factory.mktemp("starter")
    result = run_cli("new", root / "my-action", *[a for code in LANGS for a in ("-L", code)])
    assert result.exit_code == 0, result.output
    proj = root / "my-action"
    result = run_cli("build", proj, "-o", root / "dist", "--json")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr, result.stderr
    return proj, json.loads(result.stdout)


def test_new_writes_the_starter_and_says_what_next(tmp_path):
    result = run_cli("new", tmp_path / "my-action", "-L", "en", "-L", "ar", "-l", "leaflet", "-l", "booklet")
    assert result.exit_code == 0, result.output
    proj = tmp_path / "my-action"
    assert sorted(p.name for p in proj.iterdir()) == ["README.md", "ar.md", "en.md", "images", "pamphlet.yaml"]
    assert (proj / "images").is_dir()
    assert "pamphlet watch --serve" in result.stdout and "Next:" in result.stdout
    assert "pamphlet watch --serve" in (proj / "README.md").read_text()
    cfg = (proj / "pamphlet.yaml").read_text()
    assert "\nslug: my-action\n" in cfg and "\nlayouts: [leaflet, booklet]\n" in cfg and "\ndefault_lang: en\n" in cfg
    # the starter's text shows every Markdown feature the layouts style
    body = (proj / "en.md").read_text()
    for feature in ("\n> ", "\n- ", "\n::: callout ", "\n:::\n", "\n\\newpage\n", "\n## "):
        assert feature in body, feature


def test_every_setting_is_in_the_commented_pamphlet_yaml(tmp_path):
    create(tmp_path / "p")
    text = (tmp_path / "p" / "pamphlet.yaml").read_text()

    def keys(mapping: Mapping) -> list[str]:
        out = []
        for name, opt in mapping.fields.items():
            out.append(name)
            if isinstance(opt, Mapping):
                out += keys(opt)
        return out

    for name in keys(schema(Config)):
        # set, or commented out, each under a comment saying what it does
        assert re.search(rf"^[ #]*{name}:", text, re.M), f"{name} is not in the starter pamphlet.yaml"
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) > 30
    # and what is not commented out is a valid configuration
    source = yamlsrc.load(text, tmp_path / "p" / "pamphlet.yaml")
    config = parse_config(source, list(layouts.LAYOUT_NAMES))
    assert config.slug == "p" and config.event is not None and config.min_scale == 0.85


@pytest.mark.parametrize("code", ["en", "ar", "fr", "es", "de", "he", "fa", "ur"])
def test_every_front_matter_field_is_in_the_starter_text(code):
    from pamphlet.commands.new import STARTER_DIR
    from pamphlet.source.config import FRONT_MATTER

    head = (STARTER_DIR / "text" / f"{code}.md").read_text(encoding="utf-8").split("---", 2)[1]
    for name in FRONT_MATTER.fields:
        assert re.search(rf"^#? ?{name}:", head, re.M), f"{name} is not in the {code} starter's front matter"


def test_starter_builds_clean_in_every_language(starter):
    proj, summary = starter
    assert summary["ok"]
    editions = {e["lang"]: e for e in summary["editions"]}
    assert sorted(editions) == sorted(LANGS)
    for code, ed in editions.items():
        assert ed["status"] == "built" and ed["pages"] == 2, ed
        assert ed["warnings"] == [], ed
        assert ed["scale"] >= 1 and ed["blank_pages"] == 0, ed
        assert ed["direction"] == ("rtl" if code in ("ar", "he", "fa", "ur") else "ltr")
    text = " ".join(" ".join(page_texts(Path(editions["en"]["path"]))).split())
    assert "OUR ACTION STARTS" in text  # the headline, in capitals (Bebas Neue draws only capitals)
    for words in ("What we want", "Keep them short", "pull quote", "What to bring", "Getting there"):
        assert words in text
    assert "\\newpage" in text  # in a code span, the marker itself is printed


def test_translations_have_the_same_shape_as_the_default_language(tmp_path):
    """`pamphlet check` compares fields, paragraphs and headings with the default language: no findings."""
    create(tmp_path / "p", starter_langs())
    project = load_project(tmp_path / "p", list(layouts.LAYOUT_NAMES))
    assert project.default_lang == "en"
    assert language_findings(project) == {code: [] for code in starter_langs()}


@pytest.mark.parametrize("code", ["ar", "he", "fa", "ur"])
def test_right_to_left_starters_are_in_their_script(code):
    from pamphlet.commands.new import STARTER_DIR

    text = (STARTER_DIR / "text" / f"{code}.md").read_text(encoding="utf-8")
    title = re.search(r"^title: (.+)$", text, re.M).group(1)
    script = "HEBREW" if code == "he" else "ARABIC"
    letters = [ch for ch in title if ch.isalpha()]
    assert letters and all(unicodedata.name(ch).startswith(script) for ch in letters)
    body = text.split("---", 2)[2]
    prose = re.sub(r"`[^`]*`|\(https?://[^)]*\)|Markdown|callout|newpage", "", body)
    assert not re.search(r"[A-Za-z]{3,}", prose), "untranslated Latin text in the starter"


def test_new_refuses_a_folder_that_is_not_empty(tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "en.md").write_text("mine")
    result = run_cli("new", folder)
    assert result.exit_code == 1
    assert result.stderr.count("error:") == 1 and "not empty" in result.stderr and "hint:" in result.stderr
    assert (folder / "en.md").read_text() == "mine" and sorted(p.name for p in folder.iterdir()) == ["en.md"]
    # an empty folder is fine
    (tmp_path / "empty").mkdir()
    assert run_cli("new", tmp_path / "empty").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-L", "xx"], "error: -L xx: no starter text in that language"),
        (["-L", "Klingon"], "error: -L Klingon: not a language code"),
        (["-l", "bookelt"], "error: -l bookelt: unknown layout (did you mean 'booklet'?)"),
    ],
)
def test_unknown_language_or_layout_is_a_one_line_error(tmp_path, args, message):
    result = run_cli("new", tmp_path / "p", *args)
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.count("error:") == 1 and "hint:" in result.stderr
    assert not (tmp_path / "p").exists()


def test_starter_languages_are_the_documented_ones():
    assert starter_langs() == ["en", "fr", "es", "de", "ar", "he", "fa", "ur"]


# --- finding the project ------------------------------------------------------------


def test_a_folder_of_language_files_is_a_project_with_default_settings(tmp_path):
    proj = tmp_path / "Our Action"
    proj.mkdir()
    shutil.copy(FIXTURES / "mini" / "en.md", proj / "en.md")
    (proj / "notes.txt").write_text("not a language file")
    result = run_cli("build", "-o", tmp_path / "out", cwd=proj)
    assert result.exit_code == 0, result.output
    assert "no pamphlet.yaml: using default settings" in result.stderr
    # the slug comes from the folder name; the default layout is the leaflet, on A4
    [pdf] = (tmp_path / "out").glob("*.pdf")
    assert pdf.name == "our-action-en-leaflet.pdf"
    assert "First sentence of the mini pamphlet" in "".join(page_texts(pdf))
    # the same folder named on the command line
    result = run_cli("build", proj, "-o", tmp_path / "out2", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["editions"][0]["paper"] == "a4"


@pytest.mark.parametrize("files", [[], ["faq.md", "notes.md"], ["README.md"]])
def test_a_folder_without_project_files_is_refused_with_a_hint(tmp_path, files):
    for name in files:
        (tmp_path / name).write_text("# Notes\n")
    result = run_cli("build", "-o", tmp_path / "out", cwd=tmp_path)
    assert result.exit_code == 1
    assert "error: no pamphlet project here" in result.stderr
    assert "hint:" in result.stderr and "pamphlet new my-action" in result.stderr
    assert not (tmp_path / "out").exists()
    result = run_cli("build", tmp_path, "-o", tmp_path / "out")
    assert result.exit_code == 1 and "no pamphlet project here" in result.stderr


def test_example_and_a_project_together_is_a_usage_error(tmp_path):
    result = run_cli("build", FIXTURES / "mini", "--example", "-o", tmp_path)
    assert result.exit_code == 2
    assert "error: give a PROJECT folder or --example, not both" in result.stderr
