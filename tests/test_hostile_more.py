"""Hostile inputs left open after test_hostile (issue 22 part 7): a folder named pamphlet.yaml, a picture
written into the text as a ``data:`` URI, links out of the project that were read (or hashed) before they
were refused."""

from __future__ import annotations

import base64
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pikepdf
import pytest

from pamphlet.text import markdown

from .conftest import run_cli

FRONT = "---\ntitle: Hostile\n---\n\n"


def test_a_folder_named_pamphlet_yaml_is_refused_by_name(tmp_path):
    """It was taken for a project without settings, and built on the defaults."""
    (tmp_path / "pamphlet.yaml").mkdir()
    (tmp_path / "en.md").write_text(FRONT + "Text.\n", encoding="utf-8")
    result = run_cli("build", tmp_path, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert f"error: {tmp_path / 'pamphlet.yaml'}: a folder, not a file of settings" in result.stderr
    assert not (tmp_path / "out").exists()
    (tmp_path / "pamphlet.yaml").rmdir()
    (tmp_path / "pamphlet.yaml").symlink_to(tmp_path / "nowhere.yaml")
    result = run_cli("check", tmp_path)
    assert result.exit_code == 1 and "pamphlet.yaml: a link to nothing" in result.stderr


def _png(width: int = 260, height: int = 220) -> str:
    from PIL import Image

    image = Image.effect_noise((width, height), 80).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_a_picture_written_into_the_text_is_not_text(tmp_path):
    """A 120 KB PNG as a data: URI counted as 166 702 characters of text: the leaflet was refused as far
    too long for its pages."""
    data = _png()
    assert len(data) > 150_000
    (tmp_path / "pamphlet.yaml").write_text("layouts: [leaflet, handbill]\n")
    (tmp_path / "en.md").write_text(FRONT + f"A short text with a picture.\n\n![noise](data:image/png;base64,{data})\n\n"
                                    "And a line after it.\n", encoding="utf-8")
    result = run_cli("build", tmp_path, "-o", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.output
    editions = json.loads(result.stdout)["editions"]
    assert [e["status"] for e in editions] == ["built", "built"]
    for edition in editions:
        with pikepdf.open(edition["path"]) as pdf:
            images = [name for page in pdf.pages for name in page.get_images()]
        assert images, edition["layout"]
    rendered = markdown.to_html(f"Text.\n\n![noise](data:image/png;base64,{data})\n")
    assert rendered.chars < 10 and len(rendered.body) < 200 and len(rendered.html) < 300
    assert markdown.unpack(rendered.images[0]) == f"data:image/png;base64,{data}"


def test_a_text_body_limit_still_holds_beside_pictures():
    from pamphlet.errors import ContentError

    with pytest.raises(ContentError, match="is 200,001 characters long"):
        markdown.to_html("a " * 100_000 + "b")
    data = "A" * (markdown.MAX_EMBEDDED_CHARS // 2 + 10)
    with pytest.raises(ContentError, match="as data: URIs are more than 64 MB"):
        markdown.to_html(f"![a](data:image/png;base64,{data})\n\n![b](data:image/png;base64,{data}B)\n")


def test_a_packed_key_not_made_from_the_text_is_refused(tmp_path):
    (tmp_path / "en.md").write_text(FRONT + "Text.\n\n![x](pamphlet-data:0123456789abcdef)\n", encoding="utf-8")
    result = run_cli("build", tmp_path, "-o", tmp_path / "out")
    assert result.exit_code == 1 and "pamphlet-data: URLs are not allowed" in result.stderr


# --- nothing outside the project opened -----------------------------------------------------------------

_WATCHED: list[tuple[Path, list[tuple[str, str]]]] = []


def _audit(event: str, args: tuple) -> None:
    if not _WATCHED or event not in ("open", "os.listdir", "os.scandir") or not args:
        return
    target = args[0]
    if not isinstance(target, (str, bytes, os.PathLike)):
        return
    path = os.fsdecode(target)
    for outside, seen in _WATCHED:
        try:
            if Path(path).resolve().is_relative_to(outside):
                seen.append((event, path))
        except (OSError, RuntimeError, ValueError):
            pass


_HOOKED: list[bool] = []


@contextmanager
def opened_under(folder: Path) -> Iterator[list[tuple[str, str]]]:
    """Every file opened and folder listed under ``folder`` while the block runs (Python's audit events)."""
    if not _HOOKED:
        sys.addaudithook(_audit)
        _HOOKED.append(True)
    seen: list[tuple[str, str]] = []
    _WATCHED.append((folder.resolve(), seen))
    try:
        yield seen
    finally:
        _WATCHED.clear()


def _mkdir_link(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


OUTSIDE_LINKS: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "a template file": (lambda p, o: _mkdir_link(p / "templates" / "leaflet" / "page.html", o / "secret.html"),
                        "templates/leaflet/page.html: refused: it is a link to a file outside the project"),
    "a template folder": (lambda p, o: _mkdir_link(p / "templates" / "leaflet", o / "layout"),
                          "templates/leaflet/page.html: refused: it is a link to a file outside the project"),
    "a font file": (lambda p, o: _mkdir_link(p / "fonts" / "Leak.ttf", o / "Secret.ttf"),
                    "fonts/Leak.ttf: refused: it is a link to a file outside the project"),
    "the fonts folder": (lambda p, o: _mkdir_link(p / "fonts", o),
                         "fonts: refused: it is a link to a folder outside the project"),
    "a language folder": (lambda p, o: _mkdir_link(p / "fr", o),
                          "fr: refused: it is a link to a folder outside the project"),
    "a language file": (lambda p, o: _mkdir_link(p / "de.md", o / "secret.md"),
                        "de.md: refused: it is a link to a file outside the project"),
    "pamphlet.yaml": (lambda p, o: _mkdir_link(p / "pamphlet.yaml", o / "secret.md"),
                      "pamphlet.yaml: refused: it is a link to a file outside the project"),
    "the variants table": (lambda p, o: _mkdir_link(p / "variants.csv", o / "secret.md"),
                           "variants.csv: refused: it is a link to a file outside the project"),
    "an image": (lambda p, o: _mkdir_link(p / "images" / "photo.png", o / "Secret.ttf"),
                 "refused to load images/photo.png: outside the project folder"),
}


@pytest.mark.parametrize("link", OUTSIDE_LINKS)
def test_nothing_outside_the_project_is_opened_before_it_is_refused(tmp_path, link):
    """A template linked out of the project was refused by the template loader, but the build manifest
    had hashed it already (read it whole). Every link out of the project is refused without opening,
    listing or hashing what it points to."""
    outside = tmp_path / "outside"
    (outside / "layout").mkdir(parents=True)
    (outside / "secret.html").write_text("SECRET {{ 6 * 7 }}")
    (outside / "layout" / "page.html").write_text("SECRET")
    (outside / "secret.md").write_text("---\ntitle: secret\n---\n\nSECRET\n")
    (outside / "Secret.ttf").write_bytes(b"\0" * 64)
    project = tmp_path / "p"
    project.mkdir()
    (project / "en.md").write_text(FRONT + "Hello.\n\n![a photo](images/photo.png)\n" if link == "an image"
                                   else FRONT + "Hello.\n", encoding="utf-8")
    make, refusal = OUTSIDE_LINKS[link]
    make(project, outside)
    for command in (("build", project, "-o", tmp_path / "out"), ("check", project, "--json")):
        with opened_under(outside) as seen:
            result = run_cli(*command)
        assert result.exit_code == 1, result.output
        assert refusal in result.output, result.output
        assert seen == [], seen
        assert "SECRET" not in result.output and "42" not in result.output
