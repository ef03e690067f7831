"""Installed fonts, when a project asks for them (issue 24, part 8).

A Thai leaflet: pamphlet bundles no Thai font. Loma (Debian ``fonts-tlwg-loma-ttf``, installed by
``make test-deps``) is on this machine. Named in ``fonts:``, it is found with fontconfig and the leaflet
builds in it; not named, the edition is refused, the refusal naming the package to install and the
``fonts:`` line to add — nothing is taken from the system unasked. A machine without the font (a Dask
worker, say) fails the edition the same clear way, and the manifest key names the files, so such a build
is never taken for the one made with the font.
"""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest

from pamphlet import layouts
from pamphlet.editions.manifest import project_digest
from pamphlet.errors import GlyphError, Location
from pamphlet.source.project import load_project
from pamphlet.text import fonts

from .conftest import fonts_in, missing_service, page_texts, run_cli

THAI = "มนุษย์ทั้งหลายเกิดมามีอิสระและเสมอภาคกันในศักดิ์ศรีและสิทธิ ต่างมีเหตุผลและมโนธรรม"
NAMED = "slug: th\nlayouts: [leaflet]\nfonts:\n  other: {body: [Loma], heading: [Loma], display: [Loma]}\n"


@pytest.fixture(scope="module")
def loma() -> list[Path]:
    found = fonts.installed_files("Loma")
    if not found:
        missing_service("Loma is not installed: run `make test-deps` (Debian fonts-tlwg-loma-ttf)")
    return found


def _project(root: Path, settings: str) -> Path:
    root.mkdir(parents=True)
    (root / "pamphlet.yaml").write_text(settings, encoding="utf-8")
    (root / "th.md").write_text(f"---\ntitle: สิทธิมนุษยชน\n---\n\n{THAI}\n\n{THAI}\n", encoding="utf-8")
    return root


def test_fontconfig_finds_only_the_family_asked_for(loma):
    assert {p.name for p in loma} >= {"Loma.ttf", "Loma-Bold.ttf"}
    assert fonts.installed_files("Loma Nonexistent Family") == []
    book = fonts.FontBook()
    assert "Loma" not in book.faces  # nothing from the system unasked
    book.add_installed(["Loma", "Noto Serif"])  # a bundled name is never looked up
    assert sorted(p.name for p in book.installed_paths()) == sorted(p.name for p in loma)
    assert set(book.installed) == {"Loma"}
    assert {f.weight for f in book.faces["Loma"]} == {400, 700} and ord("ก") in book.coverage["Loma"]
    with pytest.raises(GlyphError, match="not installed on this machine"):
        book.check_stack(["Loma", "Nowhere Sans"], Location("pamphlet.yaml", 3), "fonts.other.body")


@pytest.mark.slow
def test_a_thai_leaflet_builds_in_the_installed_font_it_names(tmp_path, loma):
    proj = _project(tmp_path / "named", NAMED)
    out = tmp_path / "out"
    result = run_cli("build", proj, "-o", out, "--json")
    assert result.exit_code == 0, result.output
    # The build names the installed fonts it used (a Dask worker without them refuses the edition).
    assert {Path(f).name for f in json.loads(result.stdout)["installed_fonts"]["Loma"]} >= {"Loma.ttf"}
    said = run_cli("build", proj, "-o", out).stderr
    assert "note: installed fonts used: Loma (" in said and "Dask worker without them" in said, said
    pdf = out / "th-th-leaflet.pdf"
    assert any(name.endswith(("+Loma", "+Loma-Bold")) and embedded for name, embedded in fonts_in(pdf).items())
    printed = "".join("".join(page_texts(pdf)).split())  # Thai lines break between words, not at spaces
    assert printed.count("".join(THAI.split())) == 2
    # The manifest key depends on the installed files: the same project on a machine without Loma is another build.
    project = load_project(proj, list(layouts.LAYOUT_NAMES))
    with_loma = project_digest(project)
    assert with_loma == project_digest(project)
    real = fonts.installed_files
    try:
        fonts.installed_files = lambda family: []  # type: ignore[assignment]
        assert project_digest(project) != with_loma
        # ... and there the edition fails with the refusal, never in another face.
        from pamphlet.text import edition

        edition.font_book.cache_clear()
        failed = run_cli("build", proj, "-o", tmp_path / "elsewhere", "--json")
        assert failed.exit_code != 0
        [record] = json.loads(failed.stdout)["editions"]
        assert "no font named 'Loma'" in record["error"] and "not installed on this machine" in record["error"]
    finally:
        fonts.installed_files = real  # type: ignore[assignment]
        from pamphlet.text import edition

        edition.font_book.cache_clear()
    with pikepdf.open(pdf) as doc:
        assert len(doc.pages) == 1


def test_without_the_fonts_line_thai_is_refused_with_what_to_install(tmp_path, loma):
    proj = _project(tmp_path / "unnamed", "slug: th\nlayouts: [leaflet]\n")
    result = run_cli("build", proj, "-o", tmp_path / "out")
    assert result.exit_code != 0
    assert "th: 33 character(s) no font has: 'ส' U+0E2A" in result.stderr
    hint = next(line for line in result.stderr.splitlines() if line.startswith("hint:"))
    assert "pamphlet bundles no Thai font" in hint and "fonts-thai-tlwg" in hint
    assert "`fonts: {other: {body: [Loma]}}`" in hint  # printed whole: "[Loma]" is no markup tag
    assert not (tmp_path / "out" / "th-th-leaflet.pdf").exists()


@pytest.mark.parametrize(("text", "package", "line"), [
    ("人人生而自由", "fonts-noto-cjk", "`fonts: {cjk: {body: [Noto Sans CJK SC]}}`"),
    ("ყველა ადამიანი", "fonts-noto-core", "`fonts: {other: {body: [Noto Sans Georgian]}}`"),
])
def test_the_refusal_names_the_package_and_the_fonts_line(text, package, line):
    lang = "zh" if package == "fonts-noto-cjk" else "ka"
    error = fonts.glyph_error(lang, {ch: Location("x.md", 1) for ch in text if not ch.isspace()}, ["Noto Serif"])
    assert package in str(error.hint) and line in str(error.hint)
