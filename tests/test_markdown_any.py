"""Any Markdown as a leaflet's text (issue 22 part 5): it builds whole, or is refused at ``en.md:LINE``.

The bodies below are written after the sections of the CommonMark spec (tabs, headings, breaks, code,
HTML blocks, reference definitions, quotes, lists, escapes, references, code spans, emphasis, links,
images, autolinks, raw HTML, line breaks, text). None may be blamed on the layout ("report it") and
none reordered: the lede is only ever the first block, so printing it above the rest moves nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pamphlet.editions import batch
from pamphlet.pipeline import BuildOptions, run_edition
from pamphlet.source.spec import EditionSpec
from pamphlet.text import markdown

from .conftest import FIXTURES, copy_project, page_texts, run_cli

FRONT = "---\ntitle: Spec example\n---\n\n"  # the body's first line is line 5 of en.md
FIRST = FRONT.count("\n") + 1

#: (name, body, expected): None builds whole; a tuple lists the lines of en.md an error names, in order.
CASES: list[tuple[str, str, tuple[int, ...] | None]] = [
    ("tabs in a code block", "\tfoo\tbaz\t\tbim\n", None),
    ("a tab after a list marker", "- foo\n\n\tbar\n", None),
    ("an ATX heading, then a short paragraph", "# foo\n\nbar\n", None),
    ("closed ATX headings", "## foo ##\n  ###   bar    ###\n", None),
    ("setext headings", "Foo *bar*\n=========\n\nFoo *bar*\n---------\n", None),
    ("a paragraph, a setext heading, a paragraph", "Foo\n---\nbar\n", None),
    ("breaks and setext headings in turn", "---\nFoo\n---\nBar\n---\nBaz\n", None),
    ("a thematic break between lists", "- foo\n***\n- bar\n\nAnd a closing line.\n", None),
    ("an indented code block", "    a simple\n      indented code block\n", None),
    ("a fenced code block", "```\n<\n >\n```\n", None),
    ("a tilde fence with an info string", "~~~ ruby\ndef foo(x)\n  return 3\nend\n~~~\n", None),
    ("an HTML block, printed as text", "<table><tr><td>\n<pre>\n**Hello**,\n\n_world_.\n</pre>\n</td></tr></table>\n",
     None),
    ("an unclosed HTML block", "<div>\n*hello*\n         <foo><a>\n", None),
    ("a reference to a web address", "[foo]: https://example.org/url \"title\"\n\n[foo]\n", None),
    ("a reference to a file", "[foo]: /url \"title\"\n\n[foo]\n", (FIRST + 2,)),
    ("paragraphs", "aaa\n\nbbb\n", None),
    ("indented paragraph lines", "  aaa\n bbb\n", None),
    ("a heading in a quote", "> # Foo\n> bar\n> baz\n", None),
    ("a quote, then a paragraph", "> bar\n\nbaz\n", None),
    ("a list item holding code and a quote",
     "1.  A paragraph\n    with two lines.\n\n        indented code\n\n    > A block quote.\n", None),
    ("a list item, then a paragraph", "- one\n\n two\n", None),
    ("a wide list item, then a paragraph", "-    foo\n\n  bar\n", None),
    ("two bullet lists", "- foo\n- bar\n+ baz\n", None),
    ("a loose ordered list", "1. a\n\n2. b\n\n3. c\n", None),
    ("backslash escapes", "\\!\\\"\\#\\$\\%\\&\\'\\(\\)\\*\\+\\,\\-\\.\\/\\:\\;\\<\\=\\>\\?\\@\\[\\\\\\]\\^\\_\\`\\{\\|\\}\\~\n",
     None),
    ("named entities the fonts have", "&nbsp; &amp; &copy; &AElig; &frac34;\n", None),
    ("numeric references the fonts have", "&#35; &#1234; &#x22; &#XD0;\n", None),
    ("numeric references no font has", "Some text.\n\n&#xD06; and &#xcab;\n", (FIRST + 2,)),
    ("named entities no font has", "&hearts; and &ClockwiseContourIntegral;\n", (FIRST,)),
    ("code spans", "`foo` and `` foo ` bar `` and ` `` `\n", None),
    ("emphasis", "*foo bar*\n\na * foo bar*\n\n_foo_bar_baz_\n\n**foo*bar**\n", None),
    ("a link to a web address", "[link](https://example.org/uri \"title\")\n", None),
    ("a link to a file", "[link](/uri \"title\")\n", (FIRST,)),
    ("a link without an address", "Some words first.\n\n[link]()\n", (FIRST + 2,)),
    ("a destination that is not one", "[link](<foo\nbar>)\n", None),
    ("a link in angle brackets", "[a](<b)c>)\n", (FIRST,)),
    ("an image outside the project", "![foo](/url \"title\")\n", (FIRST,)),
    ("an image not there", "A train.\n\n![foo *bar*](train.jpg \"train & tracks\")\n", (FIRST + 2,)),
    ("autolinks", "<http://foo.bar.baz>\n\n<foo@bar.example.com>\n\n<made-up-scheme://foo,bar>\n", None),
    ("raw inline HTML, printed as text", "<a><bab><c2c>\n\nfoo <!-- this is a\ncomment - with hyphen -->\n", None),
    ("hard line breaks", "foo  \nbaz\n\nfoo\\\nbaz\n", None),
    ("soft line breaks", "foo \n baz\n", None),
    ("textual content", "hello $.;'there\n\nFoo χρῆν\n\nMultiple     spaces\n", None),
    ("every refusal of a text, in order", "[a](/one)\n\n[b](/two)\n\n![c](/three.png)\n\nLast [d](javascript:x).\n",
     (FIRST, FIRST + 2, FIRST + 4, FIRST + 6)),
]


def _edition(tmp_path: Path, body: str, layout: str = "leaflet") -> tuple[object, object]:
    (tmp_path / "en.md").write_text(FRONT + body, encoding="utf-8")
    project = batch.load(tmp_path)
    outcome = run_edition(project, EditionSpec("en", layout), BuildOptions(), 0, write=False)
    return outcome, project


@pytest.mark.parametrize("body, expected", [pytest.param(body, expected, id=name) for name, body, expected in CASES])
def test_spec_style_bodies_build_whole_or_are_refused_at_their_line(tmp_path, body, expected):
    outcome, _ = _edition(tmp_path, body)
    result = outcome.result
    if expected is None:
        assert result.status == "checked", (result.error, result.hint)
        # Nothing moves: the lede, printed above the rest, is the body's very first block (or there is none).
        context = outcome.prepared.context
        assert str(context["body"]).startswith(str(context["lede"]))
        assert str(context["lede"]) + str(context["body_after_lede"]) == str(context["body"])
        return
    assert result.status == "failed"
    assert "report it" not in (result.hint or "") and "layout problem" not in result.error
    named = [int(n) for n in re.findall(r"en\.md:(\d+)", result.error)]
    assert tuple(dict.fromkeys(named)) == expected, result.error


def test_the_lede_is_only_ever_a_first_paragraph():
    lede = markdown.to_html("A short opening.\n\nThe rest.").lede
    assert lede == '<p class="lede">A short opening.</p>\n'
    for body in ("# A heading\n\nA short paragraph.", "> A quote.\n\nA short paragraph.",
                 "- an item\n\nA short paragraph.", "\\newpage\n\nA short paragraph.",
                 "    code\n\nA short paragraph.", "| a |\n|---|\n| b |\n\nA short paragraph."):
        assert markdown.to_html(body).lede == "", body
    # An Ethiopic paragraph written with wordspaces is counted in words, not as one.
    assert markdown.to_html("፡".join(["ቃል"] * 50)).lede == ""
    assert markdown.to_html("፡".join(["ቃል"] * 10)).lede


def test_a_long_guide_that_opens_with_a_heading_is_a_leaflet(tmp_path):
    """A heading, a 30-word paragraph and 390 more words: the paragraph used to be moved above the heading
    as the lede, and the proof refused the edition as a layout problem."""
    sentence = "Bring water, a hat and a friend; the march starts at the station and ends in the park by four. "
    body = "# How to join the march\n\n" + sentence * 2 + "\n\n## On the day\n\n" + (sentence * 10 + "\n\n") * 2
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "en.md").write_text(FRONT + body, encoding="utf-8")
    result = run_cli("build", tmp_path / "p", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = " ".join(" ".join(page_texts(tmp_path / "out" / "p-en-leaflet.pdf")).split())
    assert text.index("How to join the march") < text.index("Bring water") < text.index("On the day")


def test_a_paragraph_without_letters_after_a_heading_stays_in_place(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "en.md").write_text(FRONT + "# Numbers\n\n1 2 3 — 4 5 6\n\nAnd some words.\n", encoding="utf-8")
    result = run_cli("build", tmp_path / "p", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = " ".join(" ".join(page_texts(tmp_path / "out" / "p-en-leaflet.pdf")).split())
    assert text.index("Numbers") < text.index("1 2 3") < text.index("And some words")


def test_references_are_checked_as_the_characters_they_print(tmp_path):
    """``&#xD06;`` and ``&hearts;`` were checked as the ASCII they are written in, and printed as a box or
    in a system font."""
    outcome, _ = _edition(tmp_path, "A heart &hearts; here.\n\nA letter &#xD06; there.\n")
    error = outcome.result.error
    assert "'♥' U+2665 at" in error and f"en.md:{FIRST}" in error
    assert "U+0D06 at" in error and f"en.md:{FIRST + 2}" in error


def test_every_glyph_comes_from_a_font_pamphlet_declares(tmp_path):
    """Code was set in the browser's ``monospace`` (whatever the machine has), and a character only the
    heading face has came from a system font where the body face is used."""
    from .conftest import fonts_in

    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "en.md").write_text(
        FRONT + "Run `pamphlet build` now.\n\n    pamphlet check --strict\n\n```\nmake demo\n```\n", encoding="utf-8")
    result = run_cli("build", tmp_path / "p", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    names = {re.sub(r"^[A-Z]{6}\+", "", name.lstrip("/")) for name in fonts_in(tmp_path / "out" / "p-en-leaflet.pdf")}
    assert names and all(name.startswith(("Noto", "Bebas")) for name in names), names


def test_check_lists_every_refusal_with_its_file_and_line(tmp_path):
    """`check` named one refused link (no file name, its line off by the front matter's length) and
    stopped there; every refusal is listed, with the line counted in the file."""
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / "pamphlet.yaml").write_text("layouts: [leaflet, handbill]\n")
    (proj / "en.md").write_text(
        "---\ntitle: Links\nsubtitle: Three lines\nplace: of front matter more\n---\n\n"
        "A [file link](notes.txt) here.\n\nA [script](javascript:alert(1)).\n\n![up](../../etc/passwd)\n", encoding="utf-8")
    result = run_cli("check", proj, "--json")
    assert result.exit_code == 1
    for edition in json.loads(result.stdout)["editions"]:
        errors = [f["message"] for f in edition["findings"] if f["level"] == "error"]
        assert [re.search(r"en\.md:(\d+)", e).group(1) for e in errors] == ["7", "9", "11"], errors
        assert all(str(proj / "en.md") in e or e.startswith("en.md") for e in errors), errors
    result = run_cli("build", proj, "-o", tmp_path / "out")
    assert "error: 3 problems" in result.stderr and "en.md:11: refused to load ../../etc/passwd" in result.stderr


def test_a_handbill_text_in_the_front_matter_is_refused_at_its_line_in_the_file(tmp_path):
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / "pamphlet.yaml").write_text("layouts: [handbill]\n")
    (proj / "en.md").write_text("---\ntitle: Handbill\nplace: Town hall\nhandbill: |\n  A short text.\n\n"
                                "  With [a link](notes.txt) in it.\n---\n\nThe long text.\n", encoding="utf-8")
    result = run_cli("check", proj, "--json")
    [edition] = json.loads(result.stdout)["editions"]
    assert [f["message"] for f in edition["findings"]] == [f"{proj / 'en.md'}:7: link to notes.txt: a link to a file "
                                                          "goes nowhere on paper"]


def test_an_ethiopic_text_written_with_wordspaces_breaks_its_lines_after_them(tmp_path):
    """Amharic with ``፡`` between words and no spaces was one word as wide as its paragraph: it ran off
    the page and the proof refused the edition ("not on any page")."""
    proj = copy_project(FIXTURES / "ethiopic", tmp_path / "p")
    sentence = "ከኢራቅ፡እና፡ከፍልስጤም፡ጋር፡ያለው፡አብሮነት፡የዓለም፡አቀፋዊ፡ትግል፡አካል፡ነው።"
    text = (proj / "am.md").read_text(encoding="utf-8")
    (proj / "am.md").write_text(text + "\n## ርዕስ፡አንድ\n\n" + "፡".join([sentence] * 30) + "\n", encoding="utf-8")
    result = run_cli("build", proj, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    pages = page_texts(tmp_path / "out" / "ethiopic-am-leaflet.pdf")
    lines = [line for page in pages for line in page.splitlines() if "፡" in line]
    assert len(lines) > 10 and sum(line.rstrip().endswith("፡") for line in lines) > 5
    assert "".join("".join(pages).split()).count("ትግል") >= 30
