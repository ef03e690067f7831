"""Hostile input: what a careless or malicious user might feed pamphlet (issue 9, item 5).

Each case must end in seconds with a one-line error that names the file and line
(or the project-relative path, never a link's target) and a hint; nothing is read
from outside the project and an old PDF stays as it was. Hostile projects are made
in ``tmp_path`` (symlinks, NUL bytes) rather than kept as fixtures.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pamphlet.editions.batch import load
from pamphlet.errors import (
    ConfigError,
    ContentError,
    EnvError,
    FetchError,
    Location,
    PamphletError,
    RenderError,
    TemplateError,
)
from pamphlet.pages import render
from pamphlet.source import yamlsrc
from pamphlet.source.config import parse_source_date_epoch, source_date_epoch
from pamphlet.text import markdown, templates
from pamphlet.text.fonts import FontBook

from .conftest import FIXTURES, run_cli

MINI = FIXTURES / "mini"


def _project(tmp_path: Path, body: str = "Some text.\n", *, config: str | None = None,
             front: str = "title: Hostile test\n") -> Path:
    proj = tmp_path / "proj"
    shutil.copytree(MINI, proj)
    if config is not None:
        (proj / "pamphlet.yaml").write_text(config, encoding="utf-8")
    (proj / "en.md").write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return proj


def _secret(tmp_path: Path) -> Path:
    """A file outside the project that must never be read into a PDF or named in an error."""
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    secret = outside / "secret.txt"
    secret.write_text("root:x:0:0:SECRET-LINE\n")
    return secret


class _Problems:
    """A ConfigError's lines with the project folder left out (``pamphlet.yaml:4: …``)."""

    def __init__(self, error: ConfigError, proj: Path):
        self.error, self.hint = error, error.hint
        self._lines = [line.replace(f"{proj}/", "") for line in error.lines()]

    def lines(self) -> list[str]:
        return self._lines

    def __str__(self) -> str:
        return self._lines[0]


def _config_error(proj: Path) -> _Problems:
    with pytest.raises(ConfigError) as info:
        load(proj)
    return _Problems(info.value, proj)


def _quick(seconds: float = 1.0):
    """Assert the block ends within ``seconds``."""
    class _Timer:
        def __enter__(self) -> _Timer:
            self.start = time.perf_counter()
            return self

        def __exit__(self, *exc: object) -> None:
            took = time.perf_counter() - self.start
            assert took < seconds, f"took {took:.2f} s"
    return _Timer()


# --- YAML ------------------------------------------------------------------------------------

BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))
MERGE_BOMB = "a: &a {x: 1, y: 2}\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} {{<<: [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]}\n" for i in range(12))


@pytest.mark.parametrize("text", [BOMB, MERGE_BOMB, BOMB + "? *i\n: 1\n"], ids=["aliases", "merge-keys", "alias-key"])
def test_yaml_alias_bomb_in_pamphlet_yaml_stops_in_well_under_a_second(tmp_path, text):
    proj = _project(tmp_path, config="slug: bomb\n" + text)
    with _quick(1.0):
        err = _config_error(proj)
    assert "YAML expands to more than" in str(err) and "pamphlet.yaml:" in str(err)
    assert "anchors" in err.hint


def test_yaml_alias_bomb_in_front_matter(tmp_path):
    proj = _project(tmp_path, front="title: Bomb\n" + BOMB)
    with _quick(1.0):
        err = _config_error(proj)
    assert "en.md:" in str(err) and "YAML expands to more than" in str(err)


def test_duplicate_keys_are_an_error_with_both_lines(tmp_path):
    proj = _project(tmp_path, config="slug: dup\ntheme:\n  accent: red\n  accent: blue\n")
    assert _config_error(proj).lines() == [
        "pamphlet.yaml:4: 'theme.accent' is given twice (first on line 3)"]


def test_duplicate_keys_in_front_matter_count_lines_in_the_file(tmp_path):
    proj = _project(tmp_path, front="title: One\ntitle: Two\n")
    [line] = _config_error(proj).lines()
    assert line.endswith("en.md:3: 'title' is given twice (first on line 2)")


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!custom", "!!binary"])
def test_yaml_tags_are_refused_not_dropped(tmp_path, tag):
    proj = _project(tmp_path, config=f"slug: tags\nlayouts: {tag} [leaflet]\n")
    [line] = _config_error(proj).lines()
    assert line.endswith(f"pamphlet.yaml:2: YAML tag '{tag}' is not allowed")


@pytest.mark.parametrize("where", ["config", "front"])
@pytest.mark.parametrize("char", ["\x00", "\x1b"])
def test_control_characters_in_yaml_are_a_one_line_error(tmp_path, where, char):
    if where == "config":
        proj = _project(tmp_path, config=f"slug: nul\ntitle: a{char}b\n")
        expected = "pamphlet.yaml:2:"
    else:
        proj = _project(tmp_path, front=f"title: T\nsubtitle: a{char}b\n")
        expected = "en.md:3:"
    err = _config_error(proj)
    assert err.lines()[0].endswith(f"{expected} control character U+{ord(char):04X} is not allowed in YAML")


def test_impossible_date_is_a_config_error_with_its_line(tmp_path):
    proj = _project(tmp_path, config="slug: d\nevent: {date: 2026-13-45}\n")
    assert _config_error(proj).lines() == [
        "pamphlet.yaml:2: event.date: '2026-13-45' is not a date: there is no month 13; months go from 01 to 12"]


def test_impossible_date_through_check_json_is_not_an_internal_error(tmp_path):
    proj = _project(tmp_path, config="slug: d\nevent:\n  date: 2026-13-45\n")
    result = run_cli("check", proj, "--json")
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert "pamphlet.yaml:3: event.date: '2026-13-45' is not a date" in result.output


def test_deep_nesting_is_refused_quickly(tmp_path):
    proj = _project(tmp_path, config="slug: deep\nx: " + "[" * 20000 + "]" * 20000 + "\n")
    with _quick(1.0):
        [line] = _config_error(proj).lines()
    assert line.endswith("pamphlet.yaml:2: YAML nested too deeply")


def test_merge_keys_still_work_and_explicit_keys_win():
    src = yamlsrc.load("d: &d {a: 1, b: 2}\ne: {<<: *d, b: 3}\n", Path("pamphlet.yaml"))
    assert src.data == {"d": {"a": 1, "b": 2}, "e": {"a": 1, "b": 3}}


@pytest.mark.parametrize(("value", "message"), [
    ("blurple", "theme.accent: 'blurple' is not a CSS colour name (did you mean 'purple'? or write it as #rrggbb)"),
    ("notacolour", "theme.accent: 'notacolour' is not a CSS colour name (or write it as #rrggbb)"),
])
def test_unknown_colour_names_are_refused(tmp_path, value, message):
    proj = _project(tmp_path, config=f"slug: c\ntheme:\n  accent: {value}\n")
    assert _config_error(proj).lines() == [f"pamphlet.yaml:3: {message}"]


def test_css_colour_names_and_hex_are_accepted(tmp_path):
    proj = _project(tmp_path, config="slug: c\ntheme: {accent: RebeccaPurple, ink: '#123', paper: white}\n")
    theme = load(proj).config.theme
    assert (theme.accent, theme.ink, theme.paper) == ("rebeccapurple", "#123", "white")


# --- SOURCE_DATE_EPOCH (manifest.build_date reads it through config.source_date_epoch) --------------


@pytest.mark.parametrize(("value", "message"), [
    ("garbage", "SOURCE_DATE_EPOCH: 'garbage' is not a number of seconds since 1970-01-01"),
    ("-1", "SOURCE_DATE_EPOCH: '-1' is not a number of seconds since 1970-01-01"),
    ("99999999999999999999", "SOURCE_DATE_EPOCH: 99999999999999999999 is after the year 9999"),
])
def test_bad_source_date_epoch_is_an_error(value, message):
    with pytest.raises(EnvError) as info:
        parse_source_date_epoch(value)
    assert str(info.value) == message
    assert "unset it" in info.value.hint


def test_good_source_date_epoch():
    assert parse_source_date_epoch(" 1700000000 ") == 1700000000
    assert source_date_epoch({}) is None and source_date_epoch({"SOURCE_DATE_EPOCH": ""}) is None
    assert source_date_epoch({"SOURCE_DATE_EPOCH": "0"}) == 0


# --- reads outside the project ---------------------------------------------------------------------


def test_language_part_linked_outside_is_refused_by_its_project_name(tmp_path):
    secret = _secret(tmp_path)
    proj = _project(tmp_path)
    (proj / "en.md").unlink()
    (proj / "en").mkdir()
    (proj / "en" / "01.md").write_text("---\ntitle: Parts\n---\n\nFirst part.\n")
    (proj / "en" / "02.md").symlink_to(secret)
    with pytest.raises(ContentError) as info:
        load(proj)
    assert str(info.value) == "en/02.md: refused: it is a link to a file outside the project"
    assert str(secret) not in str(info.value) and "link" in info.value.hint


def test_pamphlet_yaml_linked_outside_is_refused(tmp_path):
    secret = _secret(tmp_path)
    proj = _project(tmp_path)
    (proj / "pamphlet.yaml").unlink()
    (proj / "pamphlet.yaml").symlink_to(secret)
    with pytest.raises(ContentError, match=r"^pamphlet.yaml: refused: it is a link to a file outside the project$"):
        load(proj)


def test_link_inside_the_project_is_fine(tmp_path):
    proj = _project(tmp_path)
    (proj / "shared").mkdir()
    (proj / "en.md").rename(proj / "shared" / "en.md")
    (proj / "en.md").symlink_to(proj / "shared" / "en.md")
    assert load(proj).languages["en"].meta["title"] == "Hostile test"


def test_font_linked_outside_is_refused_before_fonttools_opens_it(tmp_path, monkeypatch):
    from pamphlet.text import fonts

    secret = _secret(tmp_path)
    proj = _project(tmp_path)
    (proj / "fonts").mkdir()
    (proj / "fonts" / "Leak.ttf").symlink_to(secret)
    opened: list[Path] = []
    real_read = fonts._read_face
    monkeypatch.setattr(fonts, "_read_face", lambda path, shown=None: opened.append(path) or real_read(path, shown))
    with pytest.raises(ContentError) as info:
        FontBook(proj / "fonts")
    assert str(info.value) == "fonts/Leak.ttf: refused: it is a link to a file outside the project"
    assert secret not in opened and str(secret) not in str(info.value)


def test_template_override_linked_outside_is_refused(tmp_path):
    secret = _secret(tmp_path)
    proj = _project(tmp_path)
    (proj / "templates" / "leaflet").mkdir(parents=True)
    (proj / "templates" / "leaflet" / "page.html").symlink_to(secret)
    with pytest.raises(TemplateError) as info:
        templates.render("leaflet/page.html", {}, proj / "templates")
    assert str(info.value) == "templates/leaflet/page.html: refused: it is a link to a file outside the project"
    assert "SECRET" not in str(info.value)


def test_stylesheet_override_linked_outside_is_refused(tmp_path):
    """The stylesheets are templates too (``{% include "base.css" %}``)."""
    secret = _secret(tmp_path)
    proj = _project(tmp_path)
    (proj / "templates").mkdir()
    (proj / "templates" / "base.css").symlink_to(secret)
    (proj / "templates" / "page.html").write_text('<style>{% include "base.css" %}</style>')
    with pytest.raises(TemplateError, match=r"^templates/base.css: refused: it is a link to a file outside"):
        templates.render("page.html", {}, proj / "templates")


def test_build_with_a_linked_part_prints_nothing_of_it(tmp_path):
    secret = _secret(tmp_path)
    proj = _project(tmp_path)
    (proj / "en.md").unlink()
    (proj / "en").mkdir()
    (proj / "en" / "01.md").write_text("---\ntitle: Parts\n---\n\nFirst part.\n")
    (proj / "en" / "02.md").symlink_to(secret)
    result = run_cli("build", proj, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 1
    assert "en/02.md: refused: it is a link to a file outside the project" in result.stderr
    assert "SECRET" not in result.output and str(secret) not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


# --- Markdown -----------------------------------------------------------------------------------------


def _to_html(proj: Path):
    lang = load(proj).languages["en"]
    return markdown.to_html(lang.body, locate=lang.locate)


@pytest.mark.parametrize(("image", "message"), [
    ("file:///etc/passwd", "refused to load file:///etc/passwd: file: URLs are not allowed"),
    ("data:text/plain;base64,aGVsbG8=", "refused to load data:text/plain;base64,aGVsbG8=: only data:image/… URIs are images"),
    ("images/../../outside/x.png", "refused to load images/../../outside/x.png: outside the project folder"),
    ("%2e%2e/outside/x.png", "refused to load ../outside/x.png: outside the project folder"),
    ("images/%252e%252e/%252e%252e/x.png", "outside the project folder"),
    ("/etc/passwd", "refused to load /etc/passwd: outside the project folder"),
    ("http://example.org/a.png", "refused to load http://example.org/a.png: http URLs are not fetched"),
])
def test_unsafe_images_are_refused_with_file_and_line(tmp_path, image, message):
    proj = _project(tmp_path, f"First paragraph.\n\nSecond line\nand ![x]({image}) here.\n")
    with pytest.raises(ContentError) as info:
        _to_html(proj)
    assert str(info.value).startswith(f"{Location(proj / 'en.md', 8)}: ")
    assert message in str(info.value) and info.value.hint


@pytest.mark.parametrize(("link", "message"), [
    ("javascript:alert(1)", "link to javascript:alert(1): javascript: links are not allowed"),
    ("file:///etc/passwd", "link to file:///etc/passwd: file: links are not allowed"),
    ("../secret.pdf", "link to ../secret.pdf: a link to a file goes nowhere on paper"),
])
def test_unsafe_links_are_refused_with_file_and_line(tmp_path, link, message):
    proj = _project(tmp_path, f"Text with a [link]({link}).\n")
    with pytest.raises(ContentError) as info:
        _to_html(proj)
    assert str(info.value) == f"{Location(proj / 'en.md', 5)}: {message}"


def test_safe_images_and_links_pass_and_are_recorded_with_lines():
    body = "![a](images/a.png)\n\nSee [site](https://example.org), [mail](mailto:a@example.org), [top](#top).\n\n" \
           "![b](images/../images/b.png) ![c](data:image/png;base64,iVBORw0KGgo=)\n"
    rendered = markdown.to_html(body)
    assert [(r.kind, r.line) for r in rendered.refs] == [
        ("image", 1), ("link", 3), ("link", 3), ("link", 3), ("image", 5), ("image", 5)]


def test_a_part_file_is_named_for_a_refused_image(tmp_path):
    proj = _project(tmp_path)
    (proj / "en.md").unlink()
    (proj / "en").mkdir()
    (proj / "en" / "01.md").write_text("---\ntitle: Parts\n---\n\nFirst part.\n")
    (proj / "en" / "02.md").write_text("Second part.\n\n![x](../../x.png)\n")
    with pytest.raises(ContentError, match=r"en/02.md:3: refused to load ../../x.png: outside the project folder"):
        _to_html(proj)


@pytest.mark.parametrize(("char", "name"), [("\x00", "NUL"), ("\x1b", "ESC"), ("\x07", "BEL"), ("\x7f", "DEL")])
def test_control_characters_in_the_body_name_file_and_line(tmp_path, char, name):
    proj = _project(tmp_path, f"Fine line.\n\nBad {char}[31m line.\n")
    with pytest.raises(ContentError) as info:
        _to_html(proj)
    assert str(info.value) == (f"{Location(proj / 'en.md', 7)}: U+{ord(char):04X} ({name}) in the text: "
                               "it cannot be printed")


def test_a_3000_letter_word_is_refused_at_once(tmp_path):
    proj = _project(tmp_path, "Intro.\n\nA " + "a" * 3000 + " word.\n")
    with _quick(1.0), pytest.raises(ContentError) as info:
        _to_html(proj)
    assert str(info.value).startswith(f"{Location(proj / 'en.md', 7)}: a word of 3000 letters ('aaaa")
    assert "soft hyphen" in info.value.hint


@pytest.mark.parametrize("text", [
    "x" * markdown.MAX_WORD,                                    # at the limit
    "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen",  # a long German compound
    "中文" * 200,                                                # no spaces: breaks between ideographs
    "የሰው፡ልጅ፡ሁሉ፡ሲወለድ፡ነጻና፡በክብርና፡በመብትም፡እኩልነት፡ያለው፡ነው።" * 3,  # Ethiopic word spaces
    "anti-" * 30 + "war",                                       # hyphens break
    "a&shy;" * 100,                                             # soft hyphens break
])
def test_long_but_breakable_text_is_accepted(text):
    markdown.to_html(text)


def test_one_letter_over_the_limit_is_refused():
    with pytest.raises(ContentError, match=f"line 1: a word of {markdown.MAX_WORD + 1} letters"):
        markdown.to_html("x" * (markdown.MAX_WORD + 1))


def test_long_urls_get_break_opportunities_and_short_ones_stay_whole():
    url = ("https://www.example.org/campaigns/index.php?utm_source=newsletter_spring_2026&utm_medium=email"
           "&utm_campaign=solidarity_action_day")
    html = markdown.to_html(f"See {url} or https://example.org/solidarity today.").html
    # Every address breaks after / . @ ? (typeset.breakable_address), in a span that is never hyphenated;
    # what it prints is unchanged.
    assert '<span class="nohyph">https://\u200bexample.\u200borg/\u200bsolidarity</span>' in html
    broken = re.sub(r"<[^>]+>", "", html.split("See ")[1].split(" or")[0])
    assert broken.replace(markdown.ZWSP, "") == url.replace("&", "&amp;")
    assert max(len(p) for p in broken.replace("/", markdown.ZWSP).split(markdown.ZWSP)) <= 21
    assert markdown.breakable_url("https://" + "x" * 45) == "https://" + "x" * 20 + markdown.ZWSP + "x" * 20 \
        + markdown.ZWSP + "x" * 5


@pytest.mark.parametrize("form", ["bare", "autolink", "link-text"])
def test_a_150_character_url_wraps_inside_a_narrow_page(tmp_path, form):
    import pypdfium2 as pdfium

    url = ("https://www.example.org/campaigns/index.php?utm_source=newsletter_spring_2026&utm_medium=email"
           "&utm_campaign=solidarity_action_day_and_more&ref=abcdefghijklmnop")
    body = {"bare": f"See {url} now.", "autolink": f"See <{url}> now.", "link-text": f"See [{url}]({url}) now."}[form]
    css = "<style>@page { size: 60mm 120mm; margin: 5mm } body { font: 10pt serif }</style>"
    html = f'<html lang="en">{css}{markdown.to_html(body).html}</html>'  # a language, as tagged PDFs need
    pdf = render.write_pdf(render.lay_out(html, tmp_path, [tmp_path]))
    page = pdfium.PdfDocument(pdf)[0]
    text = page.get_textpage()
    right = max(text.get_charbox(i)[2] for i in range(text.count_chars()))
    assert right <= page.get_width() - 5 * 72 / 25.4 + 1


def test_a_5_mb_body_is_refused_before_parsing(tmp_path):
    proj = _project(tmp_path, "word " * 1_000_000)
    with _quick(1.0), pytest.raises(ContentError) as info:
        _to_html(proj)
    assert str(info.value).startswith(f"{Location(proj / 'en.md', 4)}: the text is 5,000,00")
    assert str(info.value).endswith(" characters long; a pamphlet holds at most 200,000")


@pytest.mark.parametrize(("text", "message"), [
    ("[" * 190_000, "line 1: 190,000 '[' in the text; at most 10,000 are read"),
    ("![" * 90_000, "line 1: 90,000 '[' in the text; at most 10,000 are read"),
    ("<" * 190_000, "line 1: 190,000 '<' in the text; at most 5,000 are read"),
    ("*_" * 90_000, "line 1: 180,000 '*', '_' and '~' in the text; at most 30,000 are read"),
    ("a\n" * 90_000, "line 20000: 90,000 lines in the text; at most 20,000 are read"),
    ('"' * 190_000, "line 1: a paragraph of 190,000 characters with 190,000 quotes is too much to read"),
    ("Fine.\n\n" + "'" * 30_000, "line 3: a paragraph of 30,000 characters with 30,000 quotes is too much to read"),
    ("#" * 190_000, "line 1: a word of 190000 letters"),
    ("|a" * 60_000 + "\n|" + "-|" * 30_000, "line 1: 90,001 '|' in the text; at most 20,000 are read"),
], ids=["brackets", "images", "autolinks", "emphasis", "lines", "quotes", "quotes-later", "hashes", "table"])
def test_markup_floods_are_refused_within_seconds(text, message):
    """markdown-it is pure Python and partly quadratic: a body of nothing but markup would take minutes."""
    with _quick(3.0), pytest.raises(ContentError) as info:
        markdown.to_html(text)
    assert str(info.value).startswith(message), str(info.value)


def test_thousands_of_page_breaks_are_refused():
    with pytest.raises(ContentError, match=r"^line 1027: 300 page breaks \(\\newpage\); a booklet has at most 256 pages"):
        markdown.to_html("x\n\n\\newpage\n\n" * 300)


def test_real_text_is_far_from_the_markup_limits():
    example = (Path(__file__).parent.parent / "content").glob("*.md")
    for path in example:
        text = path.read_text(encoding="utf-8")
        for chars, limit, _, _ in markdown.MAX_MARKS:
            assert sum(text.count(c) for c in chars) * 20 < limit, (path.name, chars)
        markdown.check_text(text * 20)


def test_capacity_is_generous_for_real_text_and_catches_megabytes():
    example = (Path(__file__).parent.parent / "content" / "en.md").read_text(encoding="utf-8")
    leaflet_at_min = markdown.capacity(2, 210, 297, 12.5 * 0.85)
    assert markdown.to_html(example.split("---", 2)[2]).chars * 3 < leaflet_at_min
    assert 100_000 > leaflet_at_min
    assert markdown.capacity(4, 148.5, 210, 11.5) < markdown.capacity(8, 148.5, 210, 11.5)


# --- templates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "line", "message"), [
    ('{% include "leaflet/page.html" %}', 1, "the template includes or extends itself"),
    ('{% extends "leaflet/page.html" %}', 1, "the template includes or extends itself"),
    ("<p>\n{% for i in range(10**9) %}x{% endfor %}", 2, "too large to compute: Range too big"),
    ("<p>\n\n{{ 1 // 0 }}", 3, "the template failed: ZeroDivisionError: integer division or modulo by zero"),
    ('{{ "x" * 10**12 }}', 1, "too large to compute: a str repeated 1000000000000 times is too long"),
    ("{{ 2 ** 100000000 }}", 1, "too large to compute: 2 ** 100000000 is too large a number"),
    ("{{ ''.__class__ }}", 1, "not allowed in a template"),
])
def test_template_failures_are_template_errors_with_file_and_line(tmp_path, source, line, message):
    proj = _project(tmp_path)
    page = proj / "templates" / "leaflet" / "page.html"
    page.parent.mkdir(parents=True)
    page.write_text(source)
    templates.environment.cache_clear()
    with _quick(2.0), pytest.raises(TemplateError) as info:
        templates.render("leaflet/page.html", {}, proj / "templates")
    assert str(info.value).startswith(f"{Location(page, line)}: {message}"), str(info.value)
    assert info.value.hint


# --- images and rendering ----------------------------------------------------------------------------------


def _png(path: Path, truncate: bool = False) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.effect_noise((120, 120), 50).convert("RGB").save(buf, "PNG")
    data = buf.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[: len(data) // 2] if truncate else data)
    return data


@pytest.mark.weasyprint_warnings
def test_a_truncated_png_fails_the_layout(tmp_path):
    _png(tmp_path / "images" / "good.png")
    _png(tmp_path / "images" / "cut.png", truncate=True)
    render.lay_out('<img src="images/good.png">', tmp_path, [tmp_path])
    with pytest.raises(FetchError) as info:
        render.lay_out('<p>x</p><img src="images/cut.png">', tmp_path, [tmp_path])
    assert str(info.value).startswith("cannot use image images/cut.png: the file is damaged")
    assert info.value.resource == "images/cut.png" and "save it again" in info.value.hint


@pytest.mark.weasyprint_warnings
def test_a_truncated_png_in_a_data_uri_fails_too(tmp_path):
    import base64

    data = _png(tmp_path / "x.png")
    uri = "data:image/png;base64," + base64.b64encode(data[: len(data) // 2]).decode()
    with pytest.raises(FetchError, match=r"^cannot use image data:image/png;base64,iVBORw0KGgoAAAANSU…: the file is damaged"):
        render.lay_out(f'<img src="{uri}">', tmp_path, [tmp_path])


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="40">'
       '<image xlink:href="{href}" width="40" height="40"/></svg>')


@pytest.mark.weasyprint_warnings
def test_an_svg_whose_image_leaves_the_project_fails(tmp_path):
    secret = _png(tmp_path / "outside" / "secret.png")
    assert secret
    proj = tmp_path / "proj"
    _png(proj / "images" / "inner.png")
    (proj / "images" / "ok.svg").write_text(SVG.format(href="inner.png"))
    (proj / "images" / "evil.svg").write_text(SVG.format(href="../../outside/secret.png"))
    render.write_pdf(render.lay_out('<img src="images/ok.svg">', proj, [proj]))
    with pytest.raises(FetchError) as info:
        render.write_pdf(render.lay_out('<img src="images/evil.svg">', proj, [proj]))
    assert str(info.value) == "refused to load images/evil.svg: it links to ../../outside/secret.png, outside the project folder"


@pytest.mark.weasyprint_warnings
def test_a_refusal_weasyprint_only_logs_while_drawing_still_fails(tmp_path, monkeypatch):
    """Without the SVG pre-check, the <image> is fetched (and refused) only while writing the PDF."""
    proj = tmp_path / "proj"
    _png(tmp_path / "outside" / "secret.png")
    (proj / "images").mkdir(parents=True)
    (proj / "images" / "evil.svg").write_text(SVG.format(href="../../outside/secret.png"))
    monkeypatch.setattr(render.SandboxFetcher, "_check_svg", lambda self, real, shown, data: None)
    laid = render.lay_out('<img src="images/evil.svg">', proj, [proj])
    with pytest.raises(FetchError, match="outside the project folder"):
        render.write_pdf(laid)


def test_a_full_temp_folder_is_a_one_line_render_error(tmp_path):
    """WeasyPrint writes each font to a temporary file; a file-size limit stands in for a full disk."""
    script = textwrap.dedent("""
        import resource, signal, sys
        from pathlib import Path
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        from pamphlet.pages import render
        from pamphlet.errors import PamphletError
        from pamphlet.resources import fonts_dir
        font = sorted(fonts_dir().rglob("*.ttf"))[0]
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))
        html = f"<style>@font-face {{ font-family: X; src: url({font.as_uri()}) }} p {{ font-family: X }}</style><p>Hi</p>"
        try:
            render.lay_out(html, Path(sys.argv[1]), [fonts_dir()])
        except PamphletError as exc:
            print(type(exc).__name__, exc, "|", exc.hint)
    """)
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, env=env,
                         timeout=60, cwd=tmp_path)
    assert out.stdout.startswith("RenderError cannot write temporary files while laying out: File too large |"), \
        out.stdout + out.stderr
    assert "TMPDIR" in out.stdout and "Traceback" not in out.stderr


def test_os_errors_map_to_one_line():
    full = render.os_error(OSError(errno.ENOSPC, "No space left on device"), "writing the PDF")
    assert isinstance(full, RenderError) and str(full) == \
        "cannot write temporary files while writing the PDF: No space left on device"
    other = render.os_error(OSError(errno.EIO, "Input/output error", "/dev/sdz"), "laying out")
    assert str(other).startswith("WeasyPrint failed while laying out: OSError:")


# --- whole builds: one line, no traceback, the old PDF untouched ------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("hostile-built")
    proj = _project(base, "Fine text for the first build.\n")
    result = run_cli("build", proj, "-o", base / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    return base


def _rebuild(built: Path, tmp_path: Path, body: str, extra=None) -> tuple[object, bytes, Path]:
    base = tmp_path / "copy"
    shutil.copytree(built, base, symlinks=True)
    proj, out = base / "proj", base / "out"
    pdf = out / "mini-en-leaflet.pdf"
    before = pdf.read_bytes()
    (proj / "en.md").write_text("---\ntitle: Hostile test\n---\n\n" + body, encoding="utf-8")
    if extra:
        extra(proj)
    started = time.perf_counter()
    result = run_cli("build", proj, "-o", out, "-j", "1", "--json")
    assert time.perf_counter() - started < 10
    assert pdf.read_bytes() == before
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".pamphlet")) == ["mini-en-leaflet.pdf"]
    return result, before, proj


def _truncated(proj: Path) -> None:
    _png(proj / "images" / "cut.png", truncate=True)


@pytest.mark.weasyprint_warnings
@pytest.mark.parametrize(("body", "extra", "message"), [
    ("Text.\n\n![x](file:///etc/passwd)\n", None, "en.md:7: refused to load file:///etc/passwd"),
    ("Text.\n\n![x](images/%2e%2e/%2e%2e/x.png)\n", None, "en.md:7: refused to load images/../../x.png"),
    ("Text \x00 here.\n", None, "en.md:5: U+0000 (NUL) in the text"),
    ("A " + "b" * 3000 + "\n", None, "en.md:5: a word of 3000 letters"),
    ("Text.\n\n![x](images/cut.png)\n", _truncated, "en.md:7: cannot use image images/cut.png: the file is damaged"),
], ids=["file-url", "pct-escape", "nul", "long-word", "truncated-png"])
def test_hostile_rebuild_fails_in_one_line_and_keeps_the_old_pdf(built, tmp_path, body, extra, message):
    result, _, _ = _rebuild(built, tmp_path, body, extra)
    assert result.exit_code == 1
    [edition] = json.loads(result.stdout)["editions"]
    assert edition["status"] == "failed" and edition["hint"]
    assert "\n" not in edition["error"] and "Traceback" not in result.output
    assert message.split(": ", 1)[1] in edition["error"], edition["error"]
    assert message in edition["error"], edition["error"]  # with the file and line (locate=lang.locate)


def test_hostile_config_is_one_line_without_traceback(tmp_path):
    proj = _project(tmp_path, config="slug: bomb\n" + BOMB)
    with _quick(5.0):
        result = run_cli("build", proj, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 1
    assert "error: pamphlet.yaml:2: YAML expands to more than" in result.stderr.replace(str(proj) + "/", "")
    assert "hint:" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


# --- worker processes import the installed pamphlet, not ./pamphlet ------------------------------------------------


def test_isolate_imports_cleans_the_path_and_the_childrens_environment(tmp_path, monkeypatch):
    from pamphlet import resources

    monkeypatch.chdir(tmp_path)
    env: dict[str, str] = {"PYTHONPATH": "/somewhere"}
    path = ["", ".", str(tmp_path), "/usr/lib/python3.11"]
    resources.isolate_imports(env, path)
    home = str(Path(resources.__file__).resolve().parent.parent)
    assert env["PYTHONSAFEPATH"] == "1"
    assert env["PYTHONPATH"].split(os.pathsep) == [home, "/somewhere"]
    assert path == ["/usr/lib/python3.11"]


def test_workers_do_not_import_a_pamphlet_package_from_the_current_folder(tmp_path):
    evil = tmp_path / "evil"
    (evil / "pamphlet").mkdir(parents=True)
    marker = tmp_path / "HIJACKED"
    (evil / "pamphlet" / "__init__.py").write_text(f"open({str(marker)!r}, 'a').write('hijacked')\n")
    (evil / "pamphlet" / "resources.py").write_text("")
    script = tmp_path / "pool.py"
    script.write_text(textwrap.dedent("""
        import multiprocessing, sys
        from concurrent.futures import ProcessPoolExecutor
        import pamphlet.resources

        if __name__ == "__main__":
            if sys.argv[1] == "isolate":
                pamphlet.resources.isolate_imports()
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["pamphlet.resources"])
            with ProcessPoolExecutor(1, mp_context=ctx) as pool:
                print(pool.submit(eval, "__import__('pamphlet').__file__").result())
    """))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONSAFEPATH", "PYTHONPATH")}

    def run(mode: str) -> str:
        marker.unlink(missing_ok=True)
        done = subprocess.run([sys.executable, str(script), mode], cwd=evil, env=env, capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    if sys.version_info < (3, 13):
        run("plain")
        assert marker.exists(), "the fork server no longer imports from the current folder: drop isolate_imports?"
    real = run("isolate")
    assert not marker.exists()
    assert Path(real).resolve() == Path(templates.__file__).resolve().parents[1] / "__init__.py"


def test_a_pamphlet_error_is_what_every_hostile_case_raises():
    """The classes used above are all user errors (exit 1), never internal ones."""
    for cls in (ConfigError, ContentError, EnvError, FetchError, RenderError, TemplateError):
        assert issubclass(cls, PamphletError)


def test_nested_template_loops_are_stopped(tmp_path, monkeypatch):
    from pamphlet.errors import TemplateError
    from pamphlet.text import templates

    monkeypatch.setattr(templates, "RENDER_SECONDS", 1)
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "slow.html").write_text("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}")
    with pytest.raises(TemplateError, match=r"slow.html.*more than 1 s"):
        templates.render("slow.html", {}, folder)
