"""Reading PDFs a screen reader can use (issue 25, parts 1–2): read the structure tree back with pikepdf.

The bundled example (every language × layout, the session's shared build) and a small project of our own
with what the example lacks (headings, a list, a described picture, a decorative one, a phone number),
built once for this module.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from pamphlet.pages import accessible
from tests.conftest import EXAMPLE, build_once, run_cli

YAML = """slug: tenants
default_lang: en
paper: a4
layouts: [leaflet, booklet]
event:
  date: 2026-12-12
  start: "18:00"
  end: "20:00"
contact:
  email: info@tenants.example.org
  web: https://tenants.example.org/meeting
  phone: "+49 341 1234567"
qr: https://tenants.example.org/meeting
"""

EN = """---
title: Tenants' meeting
subtitle: Rents, repairs and what we do next
place: Community hall, Hauptstraße 5
call_to_action: Come along and bring a neighbour.
organiser: Tenants' Union
---

The landlord has raised the rents again, and the repairs we asked for last spring are still not done.

## Why we meet

Every household in the estate got the same letter. ![A map of the estate with the hall marked](images/map.png)
Together we can answer it with one voice, and we can ask the council to look at the repairs.

### What to bring

- Your tenancy agreement
- The letter about the new rent
- A neighbour who has not heard of the meeting yet

## After the meeting

![""](images/rule.png)

We will write to the landlord together and meet again in a month to hear the answer.
"""

AR = """---
title: اجتماع المستأجرين
subtitle: الإيجارات والإصلاحات وما نفعله بعد ذلك
place: قاعة الحي
call_to_action: تعالوا وأحضروا جاراً.
organiser: اتحاد المستأجرين
---

رفع المالك الإيجارات مرة أخرى، ولم تُنجز الإصلاحات التي طلبناها في الربيع الماضي.

## لماذا نجتمع

تلقّت كل أسرة في الحي الرسالة نفسها. ![خريطة الحي والقاعة عليها](images/map.png)
معاً نستطيع أن نرد عليها بصوت واحد.

### ماذا تحضر

- عقد الإيجار
- رسالة الإيجار الجديد
- جاراً لم يسمع بالاجتماع

## بعد الاجتماع

![""](images/rule.png)

سنكتب إلى المالك معاً ونجتمع مرة أخرى بعد شهر.
"""

#: The headings of the two texts, in order: the headline (h1), then the Markdown's ## and ###.
HEADINGS = ["/H1", "/H2", "/H3", "/H2"]
#: The contact's links, as the reading PDF must carry them.
URIS = {"mailto:info@tenants.example.org", "https://tenants.example.org/meeting", "tel:+493411234567"}


def _project(root: Path) -> Path:
    (root / "images").mkdir(parents=True)
    Image.new("RGB", (600, 300), (40, 120, 60)).save(root / "images" / "map.png")
    Image.new("RGB", (600, 20), (179, 18, 46)).save(root / "images" / "rule.png")
    (root / "pamphlet.yaml").write_text(YAML, encoding="utf-8")
    (root / "en.md").write_text(EN, encoding="utf-8")
    (root / "ar.md").write_text(AR, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> Path:
    project = _project(tmp_path_factory.mktemp("a11y") / "tenants")
    return build_once(tmp_path_factory, "a11y-rich", project).out


def _reading_pdfs(folder: Path) -> list[Path]:
    """The reading PDFs of a build, as its ``--json`` summary names them (not the printer's or proof files)."""
    editions = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["editions"]
    found = sorted(Path(e["path"]) for e in editions if e.get("path"))
    assert found, f"no reading PDF in {folder}"
    return found


def _tags(pdf: pikepdf.Pdf) -> list[str]:
    return [str(el.S) for _, el in accessible.elements(pdf)]


def _xmp(pdf: pikepdf.Pdf) -> str:
    return pdf.Root.Metadata.read_bytes().decode("utf-8")


def _annotation_uris(pdf: pikepdf.Pdf) -> list[str]:
    return [str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", []) if "/A" in a and "/URI" in a.A]


def _link_elements_with_annotations(pdf: pikepdf.Pdf) -> list[str]:
    """The URIs of the annotations the /Link structure elements hold (through their OBJR kids)."""
    uris = []
    for _, el in accessible.elements(pdf):
        if el.S != pikepdf.Name.Link:
            continue
        for kid in accessible._kids(el):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.OBJR:
                uris.append(str(kid.Obj.A.URI))
    return uris


def _check_tagged(path: Path, lang: str, title: str) -> pikepdf.Pdf:
    pdf = pikepdf.open(path)
    assert "/StructTreeRoot" in pdf.Root, path.name
    assert bool(pdf.Root.MarkInfo.Marked) is True, path.name
    assert str(pdf.Root.Lang) == lang, path.name
    assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True, path.name
    assert "/ID" in pdf.trailer, path.name
    xmp = _xmp(pdf)
    assert f"<rdf:li>{lang}</rdf:li>" in xmp, path.name  # dc:language
    assert re.search(r"<dc:title>.*?" + re.escape(title), xmp, re.S), path.name
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    figures = [el for _, el in accessible.elements(pdf) if el.S == pikepdf.Name.Figure]
    assert all(str(el.get("/Alt", "")).strip() for el in figures), f"{path.name}: a Figure without alt text"
    tags = _tags(pdf)
    assert "/Table" not in tags and "/TD" not in tags, f"{path.name}: a layout box tagged as a table"
    return pdf


# --- the bundled example: every reading PDF --------------------------------------------------------------------


def test_every_reading_pdf_of_the_example_is_tagged_with_its_language_and_title(example_matrix):
    titles = {}
    for md in EXAMPLE.glob("*.md"):
        m = re.search(r"^title:\s*(.+)$", md.read_text(encoding="utf-8"), re.M)
        if m:
            titles[md.stem] = m.group(1).strip().strip('"')
    checked = 0
    for path in _reading_pdfs(example_matrix):
        lang = path.name.split("-")[1]
        pdf = _check_tagged(path, lang, titles[lang].split()[0])
        tags = _tags(pdf)
        assert tags.count("/H1") >= 1, f"{path.name}: no headline"
        # The QR code once per edition at most per place it is printed: the leaflet's hidden copy of its
        # contact (visibility: hidden) is neither tagged nor a clickable link.
        if "leaflet" in path.name:
            assert tags.count("/Figure") == 1, f"{path.name}: {tags.count('/Figure')} QR Figures"
            assert sorted(_annotation_uris(pdf)) == sorted(set(_annotation_uris(pdf))), path.name
        uris = set(_annotation_uris(pdf))
        if "leaflet" in path.name or "booklet" in path.name:
            assert {"mailto:solidarity@example.org", "https://example.org/solidarity"} <= uris, path.name
            assert {"mailto:solidarity@example.org", "https://example.org/solidarity"} <= set(
                _link_elements_with_annotations(pdf)), path.name
        checked += 1
    assert checked >= 25


def test_arabic_editions_say_ar_and_read_right_to_left(example_matrix):
    path = next(p for p in _reading_pdfs(example_matrix) if p.name == "solidarity-ar-leaflet.pdf")
    pdf = pikepdf.open(path)
    assert str(pdf.Root.Lang) == "ar"
    assert "<rdf:li>ar</rdf:li>" in _xmp(pdf)


def test_no_user_home_or_machine_name_in_any_outputs_metadata(example_matrix):
    names = {getpass.getuser(), socket.gethostname(), str(Path.home())} - {"", "/", "root"}
    names |= {str(Path.home())} if str(Path.home()) not in ("/", "") else set()
    for path in sorted(example_matrix.rglob("*.pdf")):
        with pikepdf.open(path) as pdf:
            info = " ".join(str(v) for v in pdf.docinfo.values())
            xmp = _xmp(pdf) if "/Metadata" in pdf.Root else ""
            for name in names:
                assert name not in info and name not in xmp, f"{path.name}: {name!r} in its metadata"
            assert set(pdf.docinfo.keys()) <= {"/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer",
                                               "/CreationDate", "/ModDate"}, path.name
            creator = str(pdf.docinfo.get("/Creator", "pamphlet"))
            assert creator.startswith("pamphlet"), f"{path.name}: /Creator {creator!r}"


# --- a text with headings, a list, pictures and a phone number ---------------------------------------------


def test_headings_follow_the_markdown_and_lists_are_lists(rich):
    for path in _reading_pdfs(rich):
        pdf = _check_tagged(path, path.name.split("-")[1], "")
        tags = _tags(pdf)
        headings = [t for t in tags if re.fullmatch(r"/H\d", t)]
        assert headings == HEADINGS, f"{path.name}: {headings}"
        assert tags.count("/L") == 1, f"{path.name}: {tags.count('/L')} lists"
        assert tags.count("/LI") == 3 and tags.count("/LBody") == 3, path.name


def test_pictures_carry_their_alt_text_and_the_decorative_one_is_no_figure(rich):
    for path in _reading_pdfs(rich):
        pdf = pikepdf.open(path)
        alts = sorted(str(el.Alt) for _, el in accessible.elements(pdf) if el.S == pikepdf.Name.Figure)
        described = ("خريطة الحي والقاعة عليها" if "-ar-" in path.name
                     else "A map of the estate with the hall marked")
        # The map and the QR code (whose alt text is its address); the rule (alt "") is drawn as an artifact.
        assert alts == sorted([described, "https://tenants.example.org/meeting"]), f"{path.name}: {alts}"
        # ...and it is drawn all the same: two images on the page that holds it.
        images = sum(len(page.get_images()) for page in pdf.pages)
        assert images >= 2, f"{path.name}: {images} images"


def test_contact_links_are_link_elements_with_the_right_uris(rich):
    for path in _reading_pdfs(rich):
        pdf = pikepdf.open(path)
        assert URIS <= set(_annotation_uris(pdf)), f"{path.name}: {_annotation_uris(pdf)}"
        assert URIS <= set(_link_elements_with_annotations(pdf)), path.name
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                assert "/StructParent" in annot, f"{path.name}: a link outside the structure tree"


def test_event_is_labelled_paragraphs_not_a_table(rich):
    pdf = pikepdf.open(rich / "tenants-en-leaflet.pdf")
    tags = _tags(pdf)
    assert "/Table" not in tags and "/TR" not in tags
    # When, Time, Where: three paragraphs in one group right after the masthead.
    depth_tags = [(d, str(el.S)) for d, el in accessible.elements(pdf)]
    groups = [i for i, (d, t) in enumerate(depth_tags) if d == 1 and t == "/Div"]
    first = groups[0]
    inside = [t for d, t in depth_tags[first + 1:] if d == 2][:3]
    assert inside == ["/P", "/P", "/P"]


# --- --no-tags, reproducible bytes, cost ------------------------------------------------------------------------


def test_no_tags_gives_an_untagged_pdf_that_keeps_title_language_and_links(tmp_path):
    project = _project(tmp_path / "tenants")
    result = run_cli("build", project, "-l", "leaflet", "-L", "en", "--no-tags", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    pdf = pikepdf.open(tmp_path / "out" / "tenants-en-leaflet.pdf")
    assert "/StructTreeRoot" not in pdf.Root and "/MarkInfo" not in pdf.Root
    assert str(pdf.Root.Lang) == "en" and bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
    assert "pdfuaid" not in _xmp(pdf) and "<rdf:li>en</rdf:li>" in _xmp(pdf)
    assert URIS <= set(_annotation_uris(pdf))


def test_two_builds_are_byte_identical(tmp_path):
    project = _project(tmp_path / "tenants")
    outs = []
    for name in ("one", "two"):
        result = run_cli("build", project, "-l", "leaflet", "-o", tmp_path / name, "--force")
        assert result.exit_code == 0, result.stderr
        outs.append(tmp_path / name)
    files = sorted(p.name for p in outs[0].glob("*.pdf"))
    assert files == sorted(p.name for p in outs[1].glob("*.pdf")) and files
    for name in files:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


@pytest.mark.skipif(shutil.which("verapdf") is None,
                    reason="veraPDF is not installed (a Java program from verapdf.org; not packaged by Debian): "
                           "see docs/accessibility.md to run it by hand")
def test_verapdf_pdf_ua_1(rich):  # pragma: no cover - only where veraPDF is installed
    for path in _reading_pdfs(rich):
        run = subprocess.run(["verapdf", "--flavour", "ua1", "--format", "text", str(path)],
                             capture_output=True, text=True, timeout=300, env={**os.environ})
        assert run.stdout.startswith("PASS"), f"{path.name}:\n{run.stdout[-3000:]}"
