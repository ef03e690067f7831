"""Press output (`build --press`, `check --press`): PDF/X-4 printer's files for a copy shop's CMYK profile.

The profile is a real CMYK output profile from a Debian package the Makefile installs for the tests
(``libgs-common``: Ghostscript's "Artifex CMYK SWOP Profile", AGPL, so used where it is installed and never
copied into the repository), and Ghostscript's ``tiffsep`` device renders the sheets' CMYK separations.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from pamphlet.errors import ConfigError, UsageError
from pamphlet.sheets import press
from pamphlet.sheets.impose import impose
from pamphlet.sheets.preflight import preflight
from pamphlet.source.project import load_project
from tests.conftest import EXAMPLE, run_cli

SHOP_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
SCREEN_PROFILE = Path("/usr/share/color/icc/ghostscript/srgb.icc")
LAYOUTS = ("leaflet", "booklet", "zine", "trifold", "handbill")


def _need_ghostscript() -> None:
    if not SHOP_PROFILE.is_file() or shutil.which("gs") is None:
        pytest.fail("Ghostscript and its CMYK profile are missing: run `make test-deps` (Debian ghostscript, "
                    "libgs-common)", pytrace=False)


def _project(tmp: Path, src: Path = EXAMPLE, condition: str | None = "SWOP (Artifex test profile)") -> Path:
    """A copy of ``src`` with the shop's profile in it and a ``press:`` block naming it."""
    _need_ghostscript()
    dst = tmp / "project"
    shutil.copytree(src, dst)
    shutil.copy(SHOP_PROFILE, dst / "shop-swop.icc")
    block = "\npress:\n  profile: shop-swop.icc\n" + (f'  condition: "{condition}"\n' if condition else "")
    with (dst / "pamphlet.yaml").open("a", encoding="utf-8") as fh:
        fh.write(block)
    return dst


def _settings() -> press.PressSettings:
    _need_ghostscript()
    data = SHOP_PROFILE.read_bytes()
    return press.PressSettings(data, "shop-swop.icc", "SWOP", press._description(data))


def _separations(pdf: Path, out: Path) -> list[dict[str, Image.Image]]:
    """Each page's C, M, Y and K plates as Ghostscript's tiffsep renders them (0 = full ink, 255 = none)."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiffsep", "-r72",
                    f"-sOutputFile={out}/p%d.tif", str(pdf)], check=True, capture_output=True, timeout=120)
    pages = []
    for number in range(1, len(list(out.glob("p*(Black).tif"))) + 1):
        pages.append({c: Image.open(out / f"p{number}({c}).tif").convert("L")
                      for c in ("Cyan", "Magenta", "Yellow", "Black")})
    return pages


def _rich_black_pixels(plates: dict[str, Image.Image]) -> tuple[int, int]:
    """(pixels with more than half K ink, those of them with any C, M or Y ink)."""
    k = plates["Black"].tobytes()
    c, m, y = (plates[name].tobytes() for name in ("Cyan", "Magenta", "Yellow"))
    dark = [i for i, v in enumerate(k) if v < 128]
    return len(dark), sum(1 for i in dark if c[i] < 255 or m[i] < 255 or y[i] < 255)


# --- the whole pipeline: the example with the shop's profile -------------------------------------------------


@pytest.fixture(scope="module")
def press_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The example (English and Arabic, every layout) built with --press, and its Arabic again elsewhere."""
    tmp = tmp_path_factory.mktemp("press")
    project = _project(tmp)
    outs = []
    for name, langs in (("one", ("-L", "en", "-L", "ar")), ("two", ("-L", "ar"))):  # the second: right-to-left
        out = tmp / name
        result = run_cli("build", project, "--press", *langs, *(f"-l{lay}" for lay in LAYOUTS), "-o", out)
        assert result.exit_code == 0, result.output
        outs.append(out)
    return project, outs[0], outs[1]


def _printer_files(out: Path) -> list[Path]:
    return sorted([*out.glob("*-print.pdf"), *out.glob("*-press.pdf")])


@pytest.mark.slow
def test_every_printer_file_is_pdfx4_and_passes_the_preflight(press_build: tuple[Path, Path, Path]) -> None:
    _, out, _ = press_build
    files = _printer_files(out)
    # every layout's printer's file: the sheets, and the leaflet's -press.pdf beside its reading PDF
    assert {f.name for f in files} == {f"solidarity-{lang}-{layout}{'-press' if layout == 'leaflet' else '-print'}.pdf"
                                       for lang in ("en", "ar") for layout in LAYOUTS}
    for f in files:
        assert preflight(f.read_bytes()) == [], f.name
        with pikepdf.open(f) as pdf:
            assert pdf.pdf_version == "1.6"
            (intent,) = pdf.Root.OutputIntents
            assert intent.S == pikepdf.Name.GTS_PDFX
            assert str(intent.OutputConditionIdentifier) == "SWOP (Artifex test profile)"
            assert intent.DestOutputProfile.read_bytes() == SHOP_PROFILE.read_bytes()
            xmp = pdf.Root.Metadata.read_bytes().decode()
            assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
            assert "<pdf:Trapped>False</pdf:Trapped>" in xmp and pdf.docinfo.Trapped == pikepdf.Name("/False")
            assert "<xmpMM:DocumentID>uuid:" in xmp
            title = str(pdf.docinfo.Title)
            assert f'<rdf:li xml:lang="x-default">{title}</rdf:li>' in xmp and title
            for page in pdf.pages:
                assert "/TrimBox" in page.obj and "/BleedBox" in page.obj
                assert "/Annots" not in page.obj


@pytest.mark.slow
def test_the_reading_pdfs_stay_as_they_were(press_build: tuple[Path, Path, Path]) -> None:
    """The reading PDFs (for screens) stay RGB, with no claim to be PDF/X."""
    _, out, _ = press_build
    for f in sorted(out.glob("solidarity-*-*.pdf")):
        if f.name.endswith(("-print.pdf", "-press.pdf")):
            continue
        with pikepdf.open(f) as pdf:
            assert "/OutputIntents" not in pdf.Root, f.name
            assert "GTS_PDFX" not in (pdf.Root.Metadata.read_bytes().decode() if "/Metadata" in pdf.Root else "")


@pytest.mark.slow
def test_press_builds_are_byte_identical(press_build: tuple[Path, Path, Path]) -> None:
    _, one, two = press_build
    again = _printer_files(two)
    assert len(again) == len(LAYOUTS)
    for f in again:
        assert f.read_bytes() == (one / f.name).read_bytes(), f.name


@pytest.mark.slow
def test_black_text_prints_on_the_black_plate_only(press_build: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """Ghostscript's separations: wherever a sheet carries black ink, no cyan, magenta or yellow lies under
    it (no rich black on small type); the RGB reading PDF, rendered the same way, is rich black."""
    _, out, _ = press_build
    for f in _printer_files(out):
        for number, plates in enumerate(_separations(f, tmp_path / f.stem), start=1):
            dark, rich = _rich_black_pixels(plates)
            assert rich == 0, f"{f.name} side {number}: {rich} of {dark} black pixels carry colour ink too"
    english = _separations(out / "solidarity-en-booklet.pdf", tmp_path / "reading")
    dark, rich = _rich_black_pixels(english[1])
    assert dark > 1000 and rich == dark  # the check can see rich black where there is some


@pytest.mark.slow
def test_check_press_preflights_what_build_would_write(press_build: tuple[Path, Path, Path]) -> None:
    project, _, _ = press_build
    result = run_cli("check", project, "--press", "-L", "en", "-l", "leaflet", "-l", "booklet", "--json")
    assert result.exit_code == 0, result.output
    import json

    editions = json.loads(result.stdout)["editions"]
    assert [e["status"] for e in editions if e["layout"] in ("leaflet", "booklet")] != []
    assert not [f for e in editions for f in e["findings"] if f["level"] == "error"]


# --- boxes, intent and XMP through imposition ------------------------------------------------------------------


def test_boxes_intent_and_xmp_survive_imposition(tmp_path: Path) -> None:
    """With bleed and crop marks: each sheet's TrimBox inside its BleedBox inside its MediaBox, the output
    intent, XMP and /Trapped carried over from the converted pages, and the sheets pass the preflight."""
    project = _project(tmp_path, EXAMPLE)
    out = tmp_path / "out"
    result = run_cli("build", project, "--press", "-L", "en", "-l", "booklet", "--bleed", "3", "--marks", "-o", out)
    assert result.exit_code == 0, result.output
    sheets = out / "solidarity-en-booklet-print.pdf"
    assert preflight(sheets.read_bytes()) == []
    mm = 72 / 25.4
    with pikepdf.open(sheets) as pdf:
        assert len(pdf.pages) == 2
        for page in pdf.pages:
            media, bleed, trim = ([float(v) for v in page.obj[k]] for k in ("/MediaBox", "/BleedBox", "/TrimBox"))
            assert trim[2] - trim[0] == pytest.approx(297 * mm, abs=0.01)  # the A4 sheet, landscape
            assert bleed[0] == pytest.approx(trim[0] - 3 * mm, abs=0.01)
            assert media[0] < bleed[0] and media[2] > bleed[2]


def test_impose_carries_the_print_metadata_of_a_press_source_only() -> None:
    from pamphlet.layouts.imposition import booklet_plan

    pages = _reading_pdf(4)
    converted, _ = press.to_press(pages, _settings(), title="Four pages", date="D:20261212000000Z")
    sheets = impose(converted, booklet_plan(4, 148.5, 210.0))
    with pikepdf.open(io.BytesIO(sheets)) as pdf:
        assert str(pdf.Root.OutputIntents[0].OutputConditionIdentifier) == "SWOP"
        assert b"PDF/X-4" in pdf.Root.Metadata.read_bytes()
        assert pdf.docinfo.Trapped == pikepdf.Name("/False")
    # a reading PDF's XMP (which may claim PDF/UA for its tags) does not pass to the untagged sheets
    with pikepdf.open(io.BytesIO(pages)) as pdf:
        meta = pikepdf.Stream(pdf, b"<x:xmpmeta><pdfuaid:part>1</pdfuaid:part></x:xmpmeta>")
        pdf.Root.Metadata = pdf.make_indirect(meta)
        buffer = io.BytesIO()
        pdf.save(buffer)
    plain = impose(buffer.getvalue(), booklet_plan(4, 148.5, 210.0))
    with pikepdf.open(io.BytesIO(plain)) as pdf:
        assert "/Metadata" not in pdf.Root and "/OutputIntents" not in pdf.Root


def _reading_pdf(pages: int, body: str = "") -> bytes:
    from pamphlet.pages._weasy import HTML

    html = ("<style>@page { size: 148.5mm 210mm; margin: 10mm } p { color: #171717 } h1 { color: #b3122e }"
            "</style>" + "".join(f"<h1>Page {i}</h1><p style='break-after: page'>Black text {i}</p>{body}"
                                 for i in range(1, pages + 1)))
    return HTML(string=html).write_pdf(pdf_identifier=False)


# --- colours ----------------------------------------------------------------------------------------------------


def test_ink_black_and_greys_print_on_k_alone_and_colours_through_the_profile() -> None:
    col = press.colours(_settings().profile)
    assert col.rgb(0, 0, 0) == (0, 0, 0, 1)
    assert col.rgb(*(0x17 / 255,) * 3) == (0, 0, 0, 1)  # the default ink, #171717
    assert col.rgb(0.1, 0.1, 0.13) == (0, 0, 0, 1)      # near-black with a cast
    assert col.rgb(1, 1, 1) == (0, 0, 0, 0)
    c, m, y, k = col.gray(0.5)
    assert (c, m, y) == (0, 0, 0) and 0.3 < k < 0.8
    c, m, y, k = col.rgb(0xb3 / 255, 0x12 / 255, 0x2e / 255)  # the accent red: magenta and yellow ink
    assert m > 0.8 and y > 0.5 and c <= 0.25
    assert col.lab(5, 0, 0) == (0, 0, 0, 1)


def _image_project(tmp: Path) -> Path:
    project = tmp / "pictures"
    (project / "images").mkdir(parents=True)
    Image.new("RGB", (200, 120), (0, 40, 255)).save(project / "images" / "blue.jpg", quality=95)  # out of gamut
    Image.new("RGB", (160, 100), (128, 110, 100)).save(project / "images" / "calm.png")
    logo = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    for x in range(30, 90):
        for yy in range(30, 90):
            logo.putpixel((x, yy), (120, 90, 70, 255))  # a brown the press prints as it is
    logo.save(project / "images" / "logo.png")
    (project / "pamphlet.yaml").write_text("slug: pics\nlayouts: [leaflet]\npress:\n  profile: shop.icc\n",
                                           encoding="utf-8")
    (project / "en.md").write_text("---\ntitle: Pictures\n---\n\nA blue one.\n\n![a blue field](images/blue.jpg)\n\n"
                                   "A calm one.\n\n![a grey field](images/calm.png)\n\nA logo.\n\n"
                                   "![a red square](images/logo.png)\n", encoding="utf-8")
    _need_ghostscript()
    shutil.copy(SHOP_PROFILE, project / "shop.icc")
    return project


@pytest.mark.expect_warnings("images/blue.jpg on page 1: its colours move")
def test_pictures_are_converted_and_the_one_that_moves_is_named(tmp_path: Path) -> None:
    project = _image_project(tmp_path)
    out = tmp_path / "out"
    result = run_cli("build", project, "--press", "-o", out)
    assert result.exit_code == 0, result.output
    assert "images/blue.jpg on page 1: its colours move up to ΔE" in result.stderr
    assert "calm.png" not in result.stderr and "logo.png" not in result.stderr
    pressed = out / "pics-en-leaflet-press.pdf"
    assert preflight(pressed.read_bytes()) == []
    kinds = {}
    with pikepdf.open(pressed) as pdf:
        for page in pdf.pages:
            for _, image in page.Resources.XObject.items():
                kinds[(int(image.Width), int(image.Height))] = image
        blue, calm, logo = kinds[(200, 120)], kinds[(160, 100)], kinds[(120, 120)]
        for opaque in (blue, calm):
            assert opaque.ColorSpace == pikepdf.Name.DeviceCMYK and opaque.Filter == pikepdf.Name.DCTDecode
        assert logo.ColorSpace[0] == pikepdf.Name.ICCBased and int(logo.ColorSpace[1].N) == 3  # X-4 allows it
        assert "/SMask" in logo
        # the CMYK picture reads back as the colour it was: blue ink, not its negative
        cmyk = pikepdf.PdfImage(blue).as_pil_image()
        c, m, y, k = (sum(band.tobytes()) / (200 * 120) for band in cmyk.split())
        assert c > 150 and y < 60


def test_check_press_names_the_picture_that_moves(tmp_path: Path) -> None:
    project = _image_project(tmp_path)
    result = run_cli("check", project, "--press", "--json")
    assert result.exit_code == 0, result.output
    import json

    (edition,) = json.loads(result.stdout)["editions"]
    assert any("images/blue.jpg on page 1" in f["message"] and f["level"] == "warning" for f in edition["findings"])


# --- refusals ---------------------------------------------------------------------------------------------------


def test_press_without_a_profile_is_refused_with_where_to_get_one() -> None:
    result = run_cli("build", "--example", "--press", "-l", "leaflet", "-L", "en", "-o", "/nonexistent/never")
    assert result.exit_code == 2
    assert "--press:" in result.stderr and "no press.profile" in result.stderr
    assert "ask the copy shop for the ICC profile" in result.stderr and "press: {profile:" in result.stderr
    check = run_cli("check", "--example", "--press", "-l", "leaflet", "-L", "en")
    assert check.exit_code == 2 and "no press.profile" in check.stderr


@pytest.mark.parametrize(("setup", "message"), [
    ("missing", "press.profile: 'shop-swop.icc' not found in project/"),
    ("screen", "press.profile: 'shop-swop.icc' is a screen (monitor) profile, not an output (printer) profile"),
    ("junk", "press.profile: 'shop-swop.icc' is not an ICC colour profile"),
    ("outside", "press.profile: '../outside.icc' is outside the project folder"),
])
def test_a_profile_that_is_not_a_cmyk_output_profile_is_an_error_at_its_line(tmp_path: Path, setup: str,
                                                                             message: str) -> None:
    project = _project(tmp_path)
    profile = project / "shop-swop.icc"
    if setup == "missing":
        profile.unlink()
    elif setup == "screen":
        shutil.copy(SCREEN_PROFILE, profile)
    elif setup == "junk":
        profile.write_bytes(b"<html>not a profile</html>")
    else:
        shutil.copy(SHOP_PROFILE, tmp_path / "outside.icc")
        yaml = project / "pamphlet.yaml"
        yaml.write_text(yaml.read_text(encoding="utf-8").replace("shop-swop.icc", "../outside.icc"), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        press.settings(load_project(project, list(LAYOUTS)))
    line = next(i for i, text in enumerate((project / "pamphlet.yaml").read_text().splitlines(), 1)
                if "profile:" in text)
    assert str(info.value).startswith(f"{info.value.problems[0].location}: {message}")
    assert info.value.problems[0].location.line == line
    assert info.value.hint


def test_the_condition_defaults_to_the_profiles_description(tmp_path: Path) -> None:
    project = _project(tmp_path, condition=None)
    settings = press.settings(load_project(project, list(LAYOUTS)))
    assert settings.condition == "Artifex CMYK SWOP Profile"
    with pytest.raises(UsageError):
        press.settings(load_project(EXAMPLE, list(LAYOUTS)))


# --- the preflight's rules --------------------------------------------------------------------------------------


def test_the_preflight_names_what_a_plain_rgb_sheet_lacks(tmp_path: Path) -> None:
    from pamphlet.layouts.imposition import booklet_plan

    sheets = impose(_reading_pdf(4), booklet_plan(4, 148.5, 210.0))
    lines = preflight(sheets)
    assert "no PDF/X output intent (/OutputIntents with /S /GTS_PDFX): the press cannot know the colours meant" \
        in lines
    assert "no XMP metadata (/Metadata): PDF/X-4 identifies itself there" in lines
    assert "page 1: no TrimBox: the shop cannot know where to cut" in lines
    assert "page 1: /P1: device colour (rg) outside the output intent's CMYK" in lines


def _broken(edit: str) -> bytes:
    """A passing PDF/X-4 file with one thing broken."""
    good, _ = press.to_press(_reading_pdf(1), _settings(), title="One", date="D:20261212000000Z")
    with pikepdf.open(io.BytesIO(good)) as pdf:
        page = pdf.pages[0].obj
        if edit == "font":
            font = next(iter(page.Resources.Font.values()))
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in descendant.FontDescriptor:
                    del descendant.FontDescriptor[key]
        elif edit == "boxes":
            page.BleedBox = pikepdf.Array([10, 10, 100, 100])
        elif edit == "javascript":
            pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        elif edit == "link":
            page.Annots = pdf.make_indirect(pikepdf.Array([pikepdf.Dictionary(
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10])]))
        elif edit == "rgb-image":
            image = pikepdf.Stream(pdf, b"\xff\x00\x00")
            image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
            image.Width, image.Height, image.BitsPerComponent = 1, 1, 8
            image.ColorSpace = pikepdf.Name.DeviceRGB
            page.Resources.XObject = pikepdf.Dictionary(Im9=image)
        elif edit == "reference":
            form = pikepdf.Stream(pdf, b"")
            form.Type, form.Subtype, form.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 1, 1]
            form.Ref = pikepdf.Dictionary(F=pikepdf.String("other.pdf"), Page=0)
            page.Resources.XObject = pikepdf.Dictionary(Fx1=form)
        elif edit == "group":
            page.Group = pikepdf.Dictionary(S=pikepdf.Name.Transparency, CS=pikepdf.Name.DeviceRGB)
        elif edit == "trapped":
            del pdf.docinfo["/Trapped"]
        buffer = io.BytesIO()
        pdf.save(buffer, encryption=pikepdf.Encryption(owner="o", user="") if edit == "encrypted" else None)
        return buffer.getvalue()


@pytest.mark.parametrize(("edit", "line"), [
    ("font", "page 1: font /"),
    ("boxes", "page 1: TrimBox [0 0 420.94 595.28] reaches outside the BleedBox [10 10 100 100]"),
    ("javascript", "the document runs an action when opened (/OpenAction /JavaScript)"),
    ("link", "page 1: annotation /Link on the page (PDF/X allows only printer's marks and trap networks)"),
    ("rgb-image", "page 1: /Im9: image (1×1 px) in /DeviceRGB, outside the output intent's CMYK"),
    ("reference", "page 1: /Fx1: a reference XObject (/Ref: its content is in another file)"),
    ("group", "page 1: the page: transparency group blends in /DeviceRGB, outside the output intent's CMYK"),
    ("trapped", "document info: /Trapped is missing; PDF/X needs /True or /False"),
    ("encrypted", "the file is encrypted (PDF/X allows no encryption)"),
])
def test_each_rule_the_preflight_checks_is_one_line_with_its_page_and_object(edit: str, line: str) -> None:
    lines = preflight(_broken(edit))
    assert any(found.startswith(line) for found in lines), lines
    if edit == "font":
        assert any(found.endswith("is not embedded") for found in lines)


def test_the_converted_pages_pass_and_are_reproducible() -> None:
    pages = _reading_pdf(2)
    one, _ = press.to_press(pages, _settings(), title="Two", date="D:20261212000000Z")
    two, _ = press.to_press(pages, _settings(), title="Two", date="D:20261212000000Z")
    assert one == two and preflight(one) == []
    other, _ = press.to_press(_reading_pdf(3), _settings(), title="Two", date="D:20261212000000Z")
    ids = []
    for data in (one, other):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            ids.append(pdf.Root.Metadata.read_bytes().split(b"DocumentID>")[1])
    assert ids[0] != ids[1]  # derived from the content, not random and not fixed


@pytest.mark.slow
def test_a_poster_gets_its_full_size_and_its_tiles_as_pdfx4(tmp_path: Path) -> None:
    """The poster at full size (for a large-format printer) beside its reading PDF, and its tiles, whose
    labels were set in a standard font no press has (Helvetica): embedded as Noto Sans."""
    project = _project(tmp_path)
    out = tmp_path / "out"
    result = run_cli("build", project, "--press", "-l", "poster", "-L", "en", "-o", out, "--json")
    assert result.exit_code == 0, result.output
    import json

    (edition,) = json.loads(result.stdout)["editions"]
    assert edition["print_path"].endswith("solidarity-en-poster-tiles.pdf")
    assert str(out / "solidarity-en-poster-press.pdf") in edition["companions"]
    for name in ("solidarity-en-poster-press.pdf", "solidarity-en-poster-tiles.pdf"):
        assert preflight((out / name).read_bytes()) == [], name
    with pikepdf.open(out / "solidarity-en-poster-tiles.pdf") as pdf:
        fonts = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
        assert "/Helvetica-Bold" not in fonts and "/NotoSans-Bold" in fonts
    checked = run_cli("check", project, "--press", "-l", "poster", "-L", "en")
    assert checked.exit_code == 0, checked.output


def test_a_press_file_that_would_fail_the_preflight_is_not_written() -> None:
    """Nothing claims PDF/X-4 that isn't: build --press refuses a file its own preflight fails."""
    from pamphlet.errors import RenderError

    with pytest.raises(RenderError) as info:
        press.verified(_broken("font"), "sheets")
    assert str(info.value).startswith("the press sheets would not be PDF/X-4: page 1: font /")


def test_gradients_transparency_lab_and_svg_are_converted_too() -> None:
    """What WeasyPrint draws besides flat colours: a half-transparent box (a transparency group in RGB), linear
    and radial gradients (RGB shadings in patterns), a Lab colour and an SVG's fill-opacity."""
    from pamphlet.pages._weasy import HTML

    html = ("<style>@page { size: 100mm 100mm; margin: 5mm } .a { opacity: .5; background: #3366cc; height: 20mm }"
            " .b { background: linear-gradient(90deg, #ff0000, #0000ff); height: 20mm } .c { color: lab(50% 40 30) }"
            " .d { background: radial-gradient(#fff, #0a0); height: 10mm }</style><div class=a>half</div>"
            "<div class=b>gradient</div><p class=c>lab</p><div class=d></div>"
            "<svg width=40 height=20><rect width=40 height=20 fill='#0c0' fill-opacity='.4'/></svg>")
    source = HTML(string=html).write_pdf(pdf_identifier=False)
    before = preflight(source)
    assert any("transparency group blends in /DeviceRGB" in line for line in before)
    assert any("shading /s0: in /DeviceRGB" in line for line in before)
    converted, warnings = press.to_press(source, _settings(), title="Effects", date=None)
    assert preflight(converted) == [] and warnings == []
