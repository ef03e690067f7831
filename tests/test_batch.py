"""Batch builds: worker processes, keep going, incremental rebuilds, reproducible bytes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pikepdf
import pytest

from .conftest import EXAMPLE, FIXTURES, run_cli


def _build(*args) -> tuple[int, dict]:
    result = run_cli("build", *args, "--json")
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def project(tmp_path) -> Path:
    proj = tmp_path / "proj"
    shutil.copytree(FIXTURES / "mini", proj)
    (proj / "fr.md").write_text("---\ntitle: Mini en français\n---\n\nPremière phrase.\n", encoding="utf-8")
    (proj / "pamphlet.yaml").write_text((proj / "pamphlet.yaml").read_text().replace("[leaflet]", "[leaflet, handbill]"))
    return proj


def test_matrix_in_workers_matches_in_process(tmp_path, project):
    code1, one = _build(project, "-o", tmp_path / "j1", "-j", "1")
    code2, two = _build(project, "-o", tmp_path / "j2", "-j", "2")
    assert code1 == code2 == 0
    names = [(e["lang"], e["layout"]) for e in two["editions"]]
    assert names == [("en", "leaflet"), ("en", "handbill"), ("fr", "leaflet"), ("fr", "handbill")]
    for a, b in zip(one["editions"], two["editions"], strict=True):
        assert Path(a["path"]).read_bytes() == Path(b["path"]).read_bytes()


def test_reproducible_bytes_in_two_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")  # 2025-11-26
    for out in ("a", "b"):
        code, _ = _build(EXAMPLE, "-L", "en", "-l", "leaflet", "-l", "zine", "-o", tmp_path / out)
        assert code == 0
    for name in ("solidarity-en-leaflet.pdf", "solidarity-en-zine.pdf", "solidarity-en-zine-print.pdf"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    with pikepdf.open(tmp_path / "a" / "solidarity-en-leaflet.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20251126")
    with pikepdf.open(tmp_path / "a" / "solidarity-en-zine-print.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]) == "D:20251126000000Z"


def test_one_failure_does_not_stop_the_others(tmp_path, project):
    (project / "fr.md").write_text("---\ntitle: Cassé\n---\n\n![x](/etc/passwd)\n", encoding="utf-8")
    code, data = _build(project, "-o", tmp_path / "out")
    assert code == 1 and data["ok"] is False
    status = {(e["lang"], e["layout"]): e["status"] for e in data["editions"]}
    assert status == {("en", "leaflet"): "built", ("en", "handbill"): "built",
                      ("fr", "leaflet"): "failed", ("fr", "handbill"): "failed"}
    assert (tmp_path / "out" / "mini-en-leaflet.pdf").exists()


def test_incremental_rebuilds_only_what_changed(tmp_path, project):
    out = tmp_path / "out"
    assert _build(project, "-o", out)[0] == 0
    _, again = _build(project, "-o", out)
    assert {e["status"] for e in again["editions"]} == {"up-to-date"}
    assert again["editions"][0]["pages"] in (1, 2) and again["editions"][0]["path"]

    (project / "fr.md").write_text("---\ntitle: Mini en français\n---\n\nPhrase corrigée.\n", encoding="utf-8")
    _, after_typo = _build(project, "-o", out)
    assert [(e["lang"], e["status"]) for e in after_typo["editions"]] == [
        ("en", "up-to-date"), ("en", "up-to-date"), ("fr", "built"), ("fr", "built")]

    (out / "mini-en-handbill-print.pdf").unlink()
    _, missing = _build(project, "-o", out)
    assert [e["status"] for e in missing["editions"]] == ["up-to-date", "built", "up-to-date", "up-to-date"]

    _, forced = _build(project, "-o", out, "--force")
    assert {e["status"] for e in forced["editions"]} == {"built"}

    _, other_paper = _build(project, "-o", out, "--paper", "letter")
    assert {e["status"] for e in other_paper["editions"]} == {"built"}


def test_changed_image_means_rebuild(tmp_path, project):
    from PIL import Image

    (project / "images").mkdir()
    Image.new("RGB", (20, 20), "red").save(project / "images" / "a.png")
    (project / "en.md").write_text("---\ntitle: Img\n---\n\n![a](images/a.png)\n")
    out = tmp_path / "out"
    _build(project, "-o", out, "-L", "en", "-l", "leaflet")
    assert _build(project, "-o", out, "-L", "en", "-l", "leaflet")[1]["editions"][0]["status"] == "up-to-date"
    Image.new("RGB", (20, 20), "blue").save(project / "images" / "a.png")
    assert _build(project, "-o", out, "-L", "en", "-l", "leaflet")[1]["editions"][0]["status"] == "built"


@pytest.mark.expect_warnings("not a manifest this version reads")
def test_corrupt_manifest_just_rebuilds(tmp_path, project):
    out = tmp_path / "out"
    _build(project, "-o", out)
    (out / ".pamphlet-manifest.jsonl").write_text("{not json")
    result = run_cli("build", project, "-o", out)
    assert result.exit_code == 0 and result.stderr.count(": built") == 4
    assert "warning:" in result.stderr and "rebuilding everything" in result.stderr
    assert {e["status"] for e in _build(project, "-o", out)[1]["editions"]} == {"up-to-date"}  # rewritten whole


def test_plain_progress_lines_when_not_a_terminal(tmp_path, project):
    result = run_cli("build", project, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0
    assert "[1/4] en/leaflet: built" in result.stderr
    assert "[4/4] fr/handbill: built" in result.stderr


def test_html_written_beside_pdf(tmp_path, project):
    code, data = _build(project, "-o", tmp_path, "-L", "en", "-l", "leaflet", "--html")
    assert code == 0
    html = (tmp_path / "mini-en-leaflet.html").read_text()
    assert html.startswith("<!doctype html>") and 'lang="en"' in html
