"""CLI behaviour: exit codes, defaults, errors without tracebacks, atomic writes, the sandbox."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLE, FIXTURES, copy_project, run_cli


def test_version_and_layouts():
    result = run_cli("--version")
    assert result.exit_code == 0 and result.stdout.startswith("pamphlet ")
    result = run_cli("layouts")
    assert result.exit_code == 0
    for name in ("leaflet", "booklet", "zine", "trifold", "handbill"):
        assert name in result.stdout
    assert "A5" in result.stdout and "half letter" in result.stdout


def test_no_project_uses_current_folder_example_only_when_asked(tmp_path):
    shutil.copytree(FIXTURES / "mini", tmp_path / "proj")
    result = run_cli("build", "-o", tmp_path / "out", cwd=tmp_path / "proj")
    assert result.exit_code == 0, result.output
    assert "Building " + str(tmp_path / "proj") in result.stderr
    assert (tmp_path / "out" / "mini-en-leaflet.pdf").exists()
    result = run_cli("build", "-l", "leaflet", "-L", "en", "-o", tmp_path / "ex", cwd=tmp_path)
    assert result.exit_code == 1
    assert "error: no pamphlet project here" in result.stderr and "pamphlet new my-action" in result.stderr
    assert not (tmp_path / "ex").exists()
    result = run_cli("build", "--example", "-l", "leaflet", "-L", "en", "-o", tmp_path / "ex", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "the bundled example" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["-l", "bookelt"], 1, "error: unknown layout 'bookelt' (did you mean 'booklet'?)"),
        (["-L", "xx"], 1, "error: no language 'xx' in mini/ (it has: en)"),
        (["--paper", "a3"], 2, "error: --paper: unknown paper size 'a3'"),
        (["--bleed", "20"], 2, "error: Invalid value for '--bleed'"),
        (["-j", "0"], 2, "error: Invalid value for '-j' / '--jobs'"),
        (["--frobnicate"], 2, "error: No such option: --frobnicate"),
    ],
)
def test_bad_options_are_one_line_errors(tmp_path, args, code, message):
    result = run_cli("build", FIXTURES / "mini", "-o", tmp_path, *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Usage:" not in result.output
    assert "hint:" in result.stderr and "Traceback" not in result.output


def _project_with_body(tmp_path: Path, body: str) -> Path:
    proj = tmp_path / "proj"
    shutil.copytree(FIXTURES / "mini", proj)
    (proj / "en.md").write_text("---\ntitle: Fetch test\n---\n\n" + body + "\n")
    return proj


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("![x](/etc/passwd)", "refused to load /etc/passwd: outside the project folder"),
        ("![x](../secret.png)", "outside the project folder"),
        ("![x](http://example.org/a.png)", "refused to load http://example.org/a.png: http URLs are not fetched"),
        ("![x](images/missing.png)", "images/missing.png: file not found"),
    ],
)
def test_sandbox_refuses_fetches(tmp_path, body, message):
    (tmp_path / "secret.png").write_bytes(b"not really")
    proj = _project_with_body(tmp_path, body)
    result = run_cli("build", proj, "-o", tmp_path / "out", "--json")
    assert result.exit_code == 1
    [ed] = json.loads(result.stdout)["editions"]
    assert ed["status"] == "failed" and message in ed["error"]
    assert ed["hint"]
    assert not (tmp_path / "out" / "mini-en-leaflet.pdf").exists()


def test_image_inside_project_is_allowed(tmp_path):
    proj = _project_with_body(tmp_path, "![dot](images/dot.png)")
    (proj / "images").mkdir()
    from PIL import Image

    Image.new("RGB", (40, 40), "red").save(proj / "images" / "dot.png")
    result = run_cli("build", proj, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output


def test_failed_build_leaves_previous_pdf_untouched(tmp_path):
    proj = _project_with_body(tmp_path, "Fine text.")
    out = tmp_path / "out"
    assert run_cli("build", proj, "-o", out).exit_code == 0
    pdf = out / "mini-en-leaflet.pdf"
    before = pdf.read_bytes()
    (proj / "en.md").write_text("---\ntitle: Broken\n---\n\n![x](/etc/passwd)\n")
    result = run_cli("build", proj, "-o", out)
    assert result.exit_code == 1
    assert pdf.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [".pamphlet-manifest.jsonl", "mini-en-leaflet.pdf"]  # no temp files


def test_unwritable_output_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli("build", FIXTURES / "mini", "-o", blocker / "sub", "--json")
    assert result.exit_code == 1
    [ed] = json.loads(result.stdout)["editions"]
    assert "cannot write here" in ed["error"]


def test_example_dir_exists():
    assert (EXAMPLE / "pamphlet.yaml").is_file()


def test_template_override_extends_builtin(tmp_path):
    proj = _project_with_body(tmp_path, "Body.")
    (proj / "templates" / "leaflet").mkdir(parents=True)
    (proj / "templates" / "leaflet" / "page.html").write_text(
        '{% extends "builtin/leaflet/page.html" %}{% block body %}{{ super() }}<p>Override works</p>{% endblock %}')
    result = run_cli("build", proj, "-o", tmp_path / "out", "--html")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "mini-en-leaflet.html").read_text()
    assert "Override works" in html and 'class="masthead"' in html


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ('{% extends "builtin/leaflet/page.html" %}{% block body %}\n<p>{{ nope }}</p>{% endblock %}',
         "templates/leaflet/page.html:2: 'nope' is undefined"),
        ("{% if %}", "templates/leaflet/page.html:1: template syntax error: Expected an expression"),
    ],
)
def test_template_errors_name_file_and_line(tmp_path, template, message):
    proj = _project_with_body(tmp_path, "Body.")
    (proj / "templates" / "leaflet").mkdir(parents=True)
    (proj / "templates" / "leaflet" / "page.html").write_text(template)
    result = run_cli("build", proj, "-o", tmp_path / "out", "--json")
    assert result.exit_code == 1
    [ed] = json.loads(result.stdout)["editions"]
    assert message in ed["error"] and "template" in ed["hint"]


@pytest.mark.weasyprint_warnings
def test_damaged_image_is_an_error_not_a_hole(tmp_path):
    proj = _project_with_body(tmp_path, "Text.\n\n![bad](images/bad.png)")
    (proj / "images").mkdir()
    (proj / "images" / "bad.png").write_text("not an image")
    result = run_cli("build", proj, "-o", tmp_path / "out", "--json")
    assert result.exit_code == 1
    [ed] = json.loads(result.stdout)["editions"]
    assert ed["error"].endswith("en.md:7: cannot use image images/bad.png: not a readable image file")


def test_main_turns_a_bug_into_one_line_and_exit_2(tmp_path):
    """``main()`` end to end in a real process: an unexpected exception is not a traceback."""
    code = "import pamphlet.cli as c; c.app = None; c.main()"  # calling None raises TypeError inside run()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PAMPHLET_DEBUG": ""})
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: internal error: TypeError")
    assert "hint: this is a bug in pamphlet" in proc.stderr and "Traceback" not in proc.stderr
    debug = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                           env={**os.environ, "PAMPHLET_DEBUG": "1"})
    assert "Traceback" in debug.stderr


def test_a_template_that_raises_fails_its_edition_only(tmp_path):
    proj = copy_project(FIXTURES / "mini", tmp_path / "proj")
    (proj / "templates" / "leaflet").mkdir(parents=True)
    (proj / "templates" / "leaflet" / "page.html").write_text('{% extends "builtin/leaflet/page.html" %}{% block body %}{{ 1 // 0 }}{% endblock %}')
    result = run_cli("build", proj, "-l", "leaflet", "-l", "handbill", "-o", tmp_path / "out", "--json")
    assert result.exit_code == 1
    eds = {e["layout"]: e for e in json.loads(result.stdout)["editions"]}
    assert eds["handbill"]["status"] == "built"
    assert eds["leaflet"]["status"] == "failed" and "page.html" in eds["leaflet"]["error"]
    assert "ZeroDivisionError" in eds["leaflet"]["error"] or "division by zero" in eds["leaflet"]["error"]
    lines = (tmp_path / "out" / ".pamphlet-manifest.jsonl").read_text().splitlines()
    assert [json.loads(line)["name"] for line in lines[1:]] == ["en/handbill"]  # recorded as it finished


def test_source_date_epoch_is_part_of_the_key_and_checked(tmp_path, monkeypatch):
    out = tmp_path / "out"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765540800")
    assert run_cli("build", FIXTURES / "mini", "-o", out).exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765627200")
    result = run_cli("build", FIXTURES / "mini", "-o", out, "--json")
    assert json.loads(result.stdout)["editions"][0]["status"] == "built"
    for bad in ("garbage", "99999999999999999999"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
        result = run_cli("build", FIXTURES / "mini", "-o", out)
        assert result.exit_code == 2 and "error: SOURCE_DATE_EPOCH: " in result.stderr, result.output
