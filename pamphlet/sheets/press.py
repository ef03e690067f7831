"""Press output: the printer's file as PDF/X-4 for the copy shop's own colour profile.

A copy shop or print co-op asks for "PDF/X, CMYK, with bleed and trim". WeasyPrint writes every colour and
picture as device RGB, so this module converts the finished reading PDF (pikepdf, Pillow's ``ImageCms``):

* every colour operator (``rg``/``RG``, grey ``g``/``G``, ``sc``/``scn`` in an RGB or Lab space) becomes
  CMYK with the shop's ICC output profile (relative colorimetric, black-point compensation); black and
  near-black ink becomes 100 % K and exact greys K only, so small type never needs four plates in register;
* opaque RGB pictures are converted with the profile (perceptual) and stored as CMYK JPEG; a picture with
  transparency stays RGB, tagged with the sRGB profile (device-independent colour, which PDF/X-4 allows
  under a CMYK intent); a picture whose colours move more than ΔE 10 is named in a warning;
* transparency groups blend in DeviceCMYK; link annotations (not allowed inside the bleed box) are dropped;
* the profile is embedded as the ``GTS_PDFX`` output intent; the XMP packet says PDF/X-4, the title, the
  dates of the build and a document ID derived from the content (WeasyPrint's own ``pdf/x-4`` writes a random
  one); ``/Trapped /False``; every page has a TrimBox and a BleedBox.

Imposition (:func:`pamphlet.sheets.impose.impose`) carries the intent, the XMP and ``/Trapped`` onto the
sheets, and :func:`finish` stamps the sheet file's own IDs. The same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pikepdf
from pikepdf import Array, Dictionary, Name

from pamphlet import __version__
from pamphlet.errors import ConfigError, Location, Problem, UsageError

if TYPE_CHECKING:
    from PIL import Image

    from pamphlet.layouts.imposition import Plan
    from pamphlet.source.model import Project

__all__ = ["PressSettings", "finish", "printer_file", "settings", "to_press"]

#: PDF/X-4 is built on PDF 1.6.
PDF_VERSION = "1.6"
#: Colours that move more than this (CIE ΔE 1976) when printed with the profile are worth a warning.
DELTA_E_WARN = 10.0
#: ... when at least this share of a picture's pixels moves that far (a few stray pixels are no warning).
DELTA_E_SHARE = 0.01
#: Ink this dark and this grey (CIE L*, C*) prints as 100 % K.
NEAR_BLACK_L, NEAR_BLACK_C = 20.0, 8.0
JPEG_QUALITY = 92

WHERE_TO_GET = ("ask the copy shop for the ICC profile of the press and paper they will print on (most publish "
                "it on their web site, or send it on request; offset printers often use FOGRA39 'ISO Coated v2' "
                "or FOGRA51 'PSO Coated v3'); save it in the project folder under a plain name such as "
                "shop-fogra39.icc and add `press: {profile: shop-fogra39.icc, condition: FOGRA39}` to "
                "pamphlet.yaml (docs/press.md)")


# --- the settings ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PressSettings:
    """The shop's profile (its bytes travel to worker processes and cluster nodes), its name in the project,
    the output condition it describes and the profile's own description."""

    profile: bytes = field(repr=False)
    name: str
    condition: str
    description: str

    @property
    def digest(self) -> str:
        """What the incremental-build key needs: a changed profile or condition rebuilds the editions."""
        return hashlib.sha256(self.profile + b"\0" + self.condition.encode()).hexdigest()


def settings(project: Project) -> PressSettings:
    """The project's ``press:`` settings with its profile read and checked, for ``--press``.

    No profile, no press output: nothing claims PDF/X that isn't. A profile that is missing, outside the
    project, unreadable, or not a CMYK output profile is a ConfigError at its line in ``pamphlet.yaml``.
    """
    config = project.config
    press = getattr(config, "press", None)
    profile = getattr(press, "profile", None) if press is not None else None
    if not profile:
        where = f"{Location(config.path)}: " if config.path.is_file() else ""
        raise UsageError(f"--press: {where}no press.profile: press output is made for the colour profile of the "
                         "shop that prints it", WHERE_TO_GET)
    key = ("press", "profile")
    source = config.source
    location = source.where(key) if source is not None else Location(config.path)

    def problem(message: str, hint: str) -> ConfigError:
        return ConfigError([Problem(location, "press.profile", message)], hint)

    root = project.root.resolve()
    path = (project.root / profile)
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise problem(f"'{profile}' not found in {project.root.name}/",
                      f"copy the shop's .icc file into {project.root.name}/ and give its name relative to the "
                      "folder, like shop-fogra39.icc") from None
    if not real.is_relative_to(root):
        raise problem(f"'{profile}' is outside the project folder",
                      "copy the shop's profile into the project folder and give its name relative to it")
    if not real.is_file():
        raise problem(f"'{profile}' is not a file", "give the name of the shop's .icc file")
    data = real.read_bytes()
    why = profile_problem(data)
    if why is not None:
        raise problem(f"'{profile}' {why}", WHERE_TO_GET)
    description = _description(data)
    condition = (getattr(press, "condition", None) or description).strip()
    return PressSettings(data, str(profile), condition, description)


def profile_problem(data: bytes) -> str | None:
    """Why ``data`` is no ICC output profile for CMYK printing, or None."""
    from PIL import ImageCms

    if len(data) < 132 or data[36:40] != b"acsp":
        return "is not an ICC colour profile (save the .icc/.icm file the shop sent, not a web page or a zip)"
    device_class, space = data[12:16], data[16:20]
    if device_class != b"prtr":
        kind = {b"mntr": "a screen (monitor) profile", b"scnr": "a scanner or camera profile",
                b"spac": "a colour-space profile", b"link": "a device-link profile",
                b"abst": "an abstract profile", b"nmcl": "a named-colour profile"}.get(device_class, "no output profile")
        return f"is {kind}, not an output (printer) profile"
    if space != b"CMYK":
        return (f"describes a {space.decode('latin-1').strip()} printer, not CMYK: press output needs the shop's "
                "CMYK profile")
    try:
        ImageCms.ImageCmsProfile(io.BytesIO(data))
    except (ImageCms.PyCMSError, OSError, ValueError) as exc:
        return f"is a damaged ICC profile ({exc})"
    return None


def _description(data: bytes) -> str:
    from PIL import ImageCms

    try:
        text = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile.profile_description or ""
    except (ImageCms.PyCMSError, OSError, ValueError):
        text = ""
    return text.strip() or "CMYK output profile"


# --- colour -------------------------------------------------------------------------------------------------


def srgb_profile() -> bytes:
    """The ICC's sRGB2014 profile WeasyPrint ships (fixed bytes; Pillow's built-in one carries today's date)."""
    spec = find_spec("weasyprint")
    assert spec is not None and spec.origin is not None
    return (Path(spec.origin).parent / "pdf" / "sRGB2014.icc").read_bytes()


class Colours:
    """Conversions to the shop's CMYK and the colour differences they make, cached per colour."""

    def __init__(self, profile: bytes):
        from PIL import ImageCms

        self.cms = ImageCms
        cmyk = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        srgb = ImageCms.ImageCmsProfile(io.BytesIO(srgb_profile()))
        lab = ImageCms.createProfile("LAB")
        relative, perceptual = ImageCms.Intent.RELATIVE_COLORIMETRIC, ImageCms.Intent.PERCEPTUAL
        bpc = ImageCms.Flags.BLACKPOINTCOMPENSATION
        self.cmyk_profile, self.srgb = cmyk, srgb
        self.rgb_vector = ImageCms.buildTransform(srgb, cmyk, "RGB", "CMYK", relative, flags=bpc)
        self.rgb_image = ImageCms.buildTransform(srgb, cmyk, "RGB", "CMYK", perceptual, flags=bpc)
        self.lab_vector = ImageCms.buildTransform(lab, cmyk, "LAB", "CMYK", relative, flags=bpc)
        self.rgb_lab = ImageCms.buildTransform(srgb, lab, "RGB", "LAB", relative)
        self.cmyk_lab = ImageCms.buildTransform(cmyk, lab, "CMYK", "LAB", relative)
        self._cache: dict[tuple[str, tuple[int, ...]], tuple[float, float, float, float]] = {}
        self._k_ramp = self._ramp()
        self._black_l = self._ramp_black()

    def _ramp_black(self) -> float:
        """L* of the darkest the press prints a picture's black (the screen's black, converted)."""
        from PIL import Image

        cmyk = self.cms.applyTransform(Image.new("RGB", (1, 1), (0, 0, 0)), self.rgb_image)
        assert cmyk is not None
        lab = self.cms.applyTransform(cmyk, self.cmyk_lab)
        assert lab is not None
        return _lab(_pixels(lab)[0])[0]

    def _ramp(self) -> list[float]:
        """L* of K alone, 0–255: exact greys are printed with black ink only, matched by lightness."""
        from PIL import Image

        strip = Image.frombytes("CMYK", (256, 1), bytes(b for k in range(256) for b in (0, 0, 0, k)))
        labs = self.cms.applyTransform(strip, self.cmyk_lab)
        assert labs is not None
        return [px[0] * 100 / 255 for px in _pixels(labs)]

    def lab_of_rgb(self, rgb: tuple[int, int, int]) -> tuple[float, float, float]:
        from PIL import Image

        out = self.cms.applyTransform(Image.new("RGB", (1, 1), rgb), self.rgb_lab)
        assert out is not None
        return _lab(_pixels(out)[0])

    def rgb(self, r: float, g: float, b: float) -> tuple[float, float, float, float]:
        """A device RGB colour (0–1) as CMYK (0–1): black and near-black → 100 % K, greys → K only."""
        q = tuple(_byte(v) for v in (r, g, b))
        key = ("rgb", q)
        if key not in self._cache:
            self._cache[key] = self._rgb(q)  # type: ignore[arg-type]
        return self._cache[key]

    def _rgb(self, q: tuple[int, int, int]) -> tuple[float, float, float, float]:
        from PIL import Image

        lightness, a, b = self.lab_of_rgb(q)
        chroma = (a * a + b * b) ** 0.5
        if lightness <= NEAR_BLACK_L and chroma <= NEAR_BLACK_C:
            return 0.0, 0.0, 0.0, 1.0
        if q[0] == q[1] == q[2]:
            if q[0] == 255:
                return 0.0, 0.0, 0.0, 0.0
            k = min(range(256), key=lambda i: abs(self._k_ramp[i] - lightness))
            return 0.0, 0.0, 0.0, _unit(k)
        out = self.cms.applyTransform(Image.new("RGB", (1, 1), q), self.rgb_vector)
        assert out is not None
        c, m, y, k = _pixels(out)[0]
        return _unit(c), _unit(m), _unit(y), _unit(k)

    def gray(self, v: float) -> tuple[float, float, float, float]:
        return self.rgb(v, v, v)

    def lab(self, lightness: float, a: float, b: float) -> tuple[float, float, float, float]:
        """A Lab colour (L* 0–100, a*, b*) as CMYK, dark neutrals → 100 % K as for RGB."""
        from PIL import Image

        q = (max(0, min(255, round(lightness * 2.55))), max(-128, min(127, round(a))) & 0xFF,
             max(-128, min(127, round(b))) & 0xFF)  # a* and b* as signed bytes, as Pillow's LAB stores them
        key = ("lab", q)
        if key not in self._cache:
            if lightness <= NEAR_BLACK_L and (a * a + b * b) ** 0.5 <= NEAR_BLACK_C:
                self._cache[key] = (0.0, 0.0, 0.0, 1.0)
            else:
                out = self.cms.applyTransform(Image.frombytes("LAB", (1, 1), bytes(q)), self.lab_vector)
                assert out is not None
                c, m, y, k = _pixels(out)[0]
                self._cache[key] = (_unit(c), _unit(m), _unit(y), _unit(k))
        return self._cache[key]

    def image_shift(self, im: Image.Image, alpha: Image.Image | None = None) -> tuple[float, float]:
        """How far a picture's colours move when printed: (largest ΔE, share of its visible pixels that move
        more than DELTA_E_WARN). Lightness is compared within the press's range (black-point compensation
        maps the screen's black to the press's, which is no loss); ``alpha`` leaves out see-through pixels."""
        small = im.convert("RGB")
        small.thumbnail((96, 96))
        before = self.cms.applyTransform(small, self.rgb_lab)
        cmyk = self.cms.applyTransform(small, self.rgb_image)
        assert before is not None and cmyk is not None
        after = self.cms.applyTransform(cmyk, self.cmyk_lab)
        assert after is not None
        shown = [True] * (small.width * small.height)
        if alpha is not None:
            shown = [v >= 128 for v in alpha.convert("L").resize(small.size).tobytes()]
        floor = self._black_l
        worst, over, count = 0.0, 0, 0
        for visible, p, q in zip(shown, _pixels(before), _pixels(after), strict=True):
            if not visible:
                continue
            (l1, a1, b1), (l2, a2, b2) = _lab(p), _lab(q)
            l1 = floor + l1 * (100 - floor) / 100
            d = ((l1 - l2) ** 2 + (a1 - a2) ** 2 + (b1 - b2) ** 2) ** 0.5
            worst = max(worst, d)
            over += d > DELTA_E_WARN
            count += 1
        return worst, over / max(count, 1)


def _pixels(im: Image.Image) -> list[tuple[int, ...]]:
    """An 8-bit image's pixels as tuples of channel values, in order."""
    data, step = im.tobytes(), len(im.getbands())
    return [tuple(data[i:i + step]) for i in range(0, len(data), step)]


def _lab(px: Any) -> tuple[float, float, float]:
    """Pillow's 8-bit LAB pixel as (L*, a*, b*)."""
    lightness, a, b = px[:3]
    return lightness * 100 / 255, a - 256 if a >= 128 else a, b - 256 if b >= 128 else b  # a*, b*: signed bytes


def _byte(v: float) -> int:
    return max(0, min(255, round(float(v) * 255)))


def _unit(v: int) -> float:
    return round(v / 255, 4)


@lru_cache(maxsize=4)
def colours(profile: bytes) -> Colours:
    """One set of transforms per profile and process (building them takes ~20 ms)."""
    return Colours(profile)


# --- the conversion ---------------------------------------------------------------------------------------

_RGB_NAMES = (Name.DeviceRGB, Name.CalRGB)
_GRAY_NAMES = (Name.DeviceGray, Name.CalGray)


def _space_kind(space: Any, resources: Any) -> str:
    """What kind of colour a colour space holds: rgb, gray, lab, cmyk, or other (patterns, separations…)."""
    if isinstance(space, Name) and resources is not None and "/ColorSpace" in resources \
            and space in resources.ColorSpace:
        space = resources.ColorSpace[space]
    if isinstance(space, Name):
        return {"/DeviceRGB": "rgb", "/DeviceGray": "gray", "/DeviceCMYK": "cmyk", "/RGB": "rgb", "/G": "gray",
                "/CMYK": "cmyk"}.get(str(space), "other")
    if isinstance(space, Array) and len(space) > 0:
        family = space[0]
        if family == Name.Lab:
            return "lab"
        if family in _RGB_NAMES:
            return "rgb"
        if family in _GRAY_NAMES:
            return "gray"
        if family == Name.ICCBased:
            n = int(space[1].get("/N", 0))
            return {1: "gray", 3: "rgb", 4: "cmyk"}.get(n, "other")
    return "other"


class _Converter:
    """Rewrites one PDF's colours into the shop's CMYK, each stream and image once."""

    def __init__(self, pdf: pikepdf.Pdf, col: Colours, names: dict[tuple[int, int], str]):
        self.pdf, self.col, self.names = pdf, col, names
        self.done: set[tuple[int, int]] = set()
        self.warnings: list[str] = []
        self._srgb: pikepdf.Stream | None = None
        self.page = 0

    def srgb(self) -> pikepdf.Stream:
        if self._srgb is None:
            stream = pikepdf.Stream(self.pdf, srgb_profile())
            stream.N = 3
            self._srgb = self.pdf.make_indirect(stream)
        return self._srgb

    # content streams
    def content(self, stream: pikepdf.Stream, resources: Any) -> bytes:
        out: list[tuple[list[Any], Any]] = []
        fill, stroke = "gray", "gray"
        stack: list[tuple[str, str]] = []
        for ins in pikepdf.parse_content_stream(stream):
            if isinstance(ins, pikepdf.ContentStreamInlineImage):
                out.append(ins)  # type: ignore[arg-type]  # kept as it is (the preflight reports RGB ones)
                continue
            operands, op = list(ins.operands), str(ins.operator)
            if op == "q":
                stack.append((fill, stroke))
            elif op == "Q" and stack:
                fill, stroke = stack.pop()
            elif op in ("rg", "RG", "g", "G") and all(_is_num(v) for v in operands):
                values = [float(v) for v in operands]
                cmyk = self.col.rgb(*values) if op in ("rg", "RG") else self.col.gray(values[0])
                operands, op = [_dec(v) for v in cmyk], ("k" if op in ("rg", "g") else "K")
                if op == "k":
                    fill = "cmyk"
                else:
                    stroke = "cmyk"
            elif op in ("k", "K"):
                fill, stroke = ("cmyk", stroke) if op == "k" else (fill, "cmyk")
            elif op in ("cs", "CS") and operands:
                kind = _space_kind(operands[0], resources)
                if kind in ("rgb", "gray", "lab"):
                    operands = [Name.DeviceCMYK]
                if op == "cs":
                    fill = kind
                else:
                    stroke = kind
            elif op in ("sc", "scn", "SC", "SCN") and all(_is_num(v) for v in operands):
                kind = fill if op in ("sc", "scn") else stroke
                values = [float(v) for v in operands]
                if kind == "rgb" and len(values) == 3:
                    operands = [_dec(v) for v in self.col.rgb(*values)]
                elif kind == "gray" and len(values) == 1:
                    operands = [_dec(v) for v in self.col.gray(values[0])]
                elif kind == "lab" and len(values) == 3:
                    operands = [_dec(v) for v in self.col.lab(*values)]
            elif op == "sh" and operands:
                self.shading_named(operands[0], resources)
            out.append((operands, pikepdf.Operator(op)))
        return pikepdf.unparse_content_stream(out)  # type: ignore[arg-type]

    def resources(self, resources: Any) -> None:
        """Everything drawn through ``resources``: forms, images, patterns, shadings, soft masks."""
        if not isinstance(resources, Dictionary):
            return
        for _, xobject in sorted((resources.get("/XObject") or {}).items()):
            self.xobject(xobject, resources)
        for _, pattern in sorted((resources.get("/Pattern") or {}).items()):
            if not self._first(pattern):
                continue
            if int(pattern.get("/PatternType", 0)) == 1 and isinstance(pattern, pikepdf.Stream):
                self.stream(pattern, pattern.get("/Resources", resources))
            elif "/Shading" in pattern:
                self.shading(pattern.Shading)
        for _, shading in sorted((resources.get("/Shading") or {}).items()):
            if self._first(shading):
                self.shading(shading)
        for _, state in sorted((resources.get("/ExtGState") or {}).items()):
            mask = state.get("/SMask") if isinstance(state, Dictionary) else None
            if isinstance(mask, Dictionary) and "/G" in mask:
                self.xobject(mask.G, resources)
        spaces = resources.get("/ColorSpace")
        if isinstance(spaces, Dictionary):  # the RGB and Lab spaces no operator uses any more
            for key in list(spaces.keys()):
                if _space_kind(spaces[key], None) in ("rgb", "lab"):
                    del spaces[key]

    def _first(self, obj: Any) -> bool:
        if not getattr(obj, "is_indirect", False):
            return True
        og = obj.objgen
        if og in self.done:
            return False
        self.done.add(og)
        return True

    def stream(self, stream: pikepdf.Stream, resources: Any) -> None:
        """A form XObject or tiling pattern: its content, its resources, its transparency group."""
        own = stream.get("/Resources", resources)
        stream.write(self.content(stream, own))
        self.group(stream)
        self.resources(own)

    def group(self, holder: Any) -> None:
        group = holder.get("/Group")
        if isinstance(group, Dictionary) and group.get("/S") == Name.Transparency and "/CS" in group:
            group.CS = Name.DeviceCMYK

    def xobject(self, xobject: Any, resources: Any) -> None:
        if not isinstance(xobject, pikepdf.Stream) or not self._first(xobject):
            return
        if xobject.get("/Subtype") == Name.Form:
            self.stream(xobject, resources)
        elif xobject.get("/Subtype") == Name.Image:
            self.image(xobject)

    def image(self, image: pikepdf.Stream) -> None:
        """An RGB picture: to CMYK JPEG when opaque; tagged sRGB when it has transparency (X-4 allows it)."""
        if image.get("/ImageMask") or "/ColorSpace" not in image:
            return
        space = image.ColorSpace
        base = space[1] if isinstance(space, Array) and len(space) > 1 and space[0] == Name.Indexed else space
        if _space_kind(base, None) != "rgb":
            return
        from PIL import Image as PILImage

        pil = pikepdf.PdfImage(image).as_pil_image()
        rgb = pil.convert("RGB")
        width, height = rgb.size
        name = self.names.get((width, height)) or f"the {width}×{height} picture"
        mask = image.get("/SMask")
        alpha = pikepdf.PdfImage(mask).as_pil_image() if isinstance(mask, pikepdf.Stream) else None
        worst, share = self.col.image_shift(rgb, alpha)
        if worst > DELTA_E_WARN and share >= DELTA_E_SHARE:
            self.warnings.append(f"{name} on page {self.page}: its colours move up to ΔE {worst:.0f} when printed "
                                 f"in CMYK ({share:.0%} of it by more than ΔE {DELTA_E_WARN:g}): bright RGB colours "
                                 "the press cannot print; check a proof, or pick a picture with calmer colours")
        if "/SMask" in image or "/Mask" in image or "/SMaskInData" in image:
            icc = Array([Name.ICCBased, self.srgb()])
            if isinstance(space, Array) and space[0] == Name.Indexed:
                image.ColorSpace = Array([Name.Indexed, icc, space[2], space[3]])
            else:
                image.ColorSpace = icc
            return
        cmyk = self.col.cms.applyTransform(rgb, self.col.rgb_image)
        assert isinstance(cmyk, PILImage.Image)
        buffer = io.BytesIO()
        cmyk.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=False)
        for key in ("/DecodeParms", "/Decode", "/Intent"):
            if key in image:
                del image[key]
        image.write(buffer.getvalue(), filter=Name.DCTDecode)
        image.ColorSpace = Name.DeviceCMYK
        image.BitsPerComponent = 8
        image.Decode = Array([1, 0, 1, 0, 1, 0, 1, 0])  # Pillow writes Adobe's inverted CMYK JPEG

    def shading_named(self, name: Any, resources: Any) -> None:
        shadings = resources.get("/Shading") if isinstance(resources, Dictionary) else None
        if isinstance(shadings, Dictionary) and name in shadings and self._first(shadings[name]):
            self.shading(shadings[name])

    def shading(self, shading: Any) -> None:
        """An axial or radial RGB shading whose function is exponential (or stitches exponentials)."""
        kind = _space_kind(shading.get("/ColorSpace"), None)
        if kind not in ("rgb", "gray"):
            return
        functions = _exponentials(shading.get("/Function"))
        if functions is None:
            return  # left for the preflight to report
        convert = self.col.rgb if kind == "rgb" else self.col.gray
        for fn in functions:
            for key in ("/C0", "/C1"):
                default = [0.0] * (3 if kind == "rgb" else 1) if key == "/C0" else [1.0] * (3 if kind == "rgb" else 1)
                values = [float(v) for v in fn.get(key, default)]
                fn[key] = Array([_dec(v) for v in convert(*values)])
        shading.ColorSpace = Name.DeviceCMYK
        if "/Background" in shading:
            del shading["/Background"]


def _exponentials(fn: Any) -> list[Any] | None:
    """The type-2 (exponential) functions of a shading, or None when it has other kinds."""
    if isinstance(fn, Dictionary) and int(fn.get("/FunctionType", -1)) == 2:
        return [fn]
    if isinstance(fn, Dictionary) and int(fn.get("/FunctionType", -1)) == 3:
        parts = [_exponentials(f) for f in fn.Functions]
        if all(p is not None for p in parts):
            return [f for p in parts for f in p or ()]
    return None


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) or type(v).__name__ == "Decimal"


def _dec(v: float) -> Any:
    from decimal import Decimal

    text = f"{v:.4f}".rstrip("0").rstrip(".")
    return Decimal(text if text not in ("", "-0") else "0")


#: The standard 14 fonts a PDF may name without embedding them: a press has none of its own (PDF/X needs every
#: font embedded). Their text is set in the bundled Noto Sans instead (labels and marks, never the body).
_STANDARD_FONTS = {f"/{family}{style}" for family in ("Helvetica", "Arial", "Times", "Courier")
                   for style in ("", "-Bold", "-Oblique", "-BoldOblique", "-Roman", "-Italic", "-BoldItalic")}


@lru_cache(maxsize=2)
def _ascii_font(bold: bool) -> tuple[bytes, list[int], tuple[int, int, int, int], int, int]:
    """Noto Sans (bold or regular) cut down to printable ASCII: the font file, widths of 32–126 in
    thousandths of an em, its bounding box, ascent and descent. Cut once and remembered across processes
    (:mod:`pamphlet.text.memo`): cutting it cost every process that wrote a tiled poster ~0.25 s of CPU."""
    import base64
    import json

    from pamphlet.resources import fonts_dir
    from pamphlet.text import memo

    path = fonts_dir() / "noto" / ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf")
    st = path.stat()
    text = memo.remembered("ascii-font", (bold, str(path), st.st_size, st.st_mtime_ns),
                           lambda: json.dumps(_cut_ascii_font(path)), library="fontTools")
    data, widths, bbox, ascent, descent = json.loads(text)
    return base64.b64decode(data), widths, tuple(bbox), ascent, descent  # type: ignore[return-value]


def _cut_ascii_font(path: Path) -> list[Any]:
    """:func:`_ascii_font` computed, as JSON values (the font file in base64)."""
    import base64

    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path, recalcTimestamp=False)  # a stamp of today would change the bytes of every build
    options = subset.Options()
    options.name_IDs, options.notdef_outline, options.recalc_timestamp = ["*"], True, False
    sub = subset.Subsetter(options)
    sub.populate(unicodes=range(32, 127))
    sub.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    scale = 1000 / font["head"].unitsPerEm
    cmap, metrics = font.getBestCmap(), font["hmtx"].metrics
    widths = [round(metrics[cmap[c]][0] * scale) if c in cmap else 0 for c in range(32, 127)]
    head = font["head"]
    bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
    return [base64.b64encode(buffer.getvalue()).decode("ascii"), widths, bbox,
            round(font["hhea"].ascent * scale), round(font["hhea"].descent * scale)]


def _embed_standard_fonts(pdf: pikepdf.Pdf, resources: Any, seen: set[tuple[int, int]]) -> None:
    """Standard fonts named but not embedded (a tile's label in Helvetica) become embedded Noto Sans."""
    if not isinstance(resources, Dictionary):
        return
    fonts = resources.get("/Font")
    if not isinstance(fonts, Dictionary):
        fonts = Dictionary()
    for key in list(fonts.keys()):
        font = fonts[key]
        if (font.get("/Subtype") == Name.Type1 and str(font.get("/BaseFont", "")) in _STANDARD_FONTS
                and "/FontDescriptor" not in font):
            bold = "Bold" in str(font.BaseFont)
            data, widths, bbox, ascent, descent = _ascii_font(bold)
            name = Name("/NotoSans-Bold" if bold else "/NotoSans-Regular")
            file = pikepdf.Stream(pdf, data)
            file.Length1 = len(data)
            descriptor = Dictionary(Type=Name.FontDescriptor, FontName=name, Flags=32, FontBBox=Array(list(bbox)),
                                    ItalicAngle=0, Ascent=ascent, Descent=descent, CapHeight=ascent,
                                    StemV=120 if bold else 80, FontFile2=pdf.make_indirect(file))
            fonts[key] = pdf.make_indirect(Dictionary(
                Type=Name.Font, Subtype=Name.TrueType, BaseFont=name, FirstChar=32, LastChar=126,
                Widths=Array(widths), Encoding=Name.WinAnsiEncoding, FontDescriptor=pdf.make_indirect(descriptor)))
    for _, xobject in sorted((resources.get("/XObject") or {}).items()):
        if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == Name.Form:
            if xobject.is_indirect and xobject.objgen in seen:
                continue
            if xobject.is_indirect:
                seen.add(xobject.objgen)
            _embed_standard_fonts(pdf, xobject.get("/Resources"), seen)


def to_press(reading_pdf: bytes, press: PressSettings, *, title: str, date: str | None,
             images: dict[tuple[int, int], str] | None = None) -> tuple[bytes, list[str]]:
    """The reading PDF as PDF/X-4 pages in the shop's CMYK, and a warning per picture whose colours move.

    ``images`` names pictures by their pixel size (``images/photo.jpg``) for the warnings.
    """
    col = colours(press.profile)
    with pikepdf.open(io.BytesIO(reading_pdf)) as pdf:
        conv = _Converter(pdf, col, images or {})
        fonts_seen: set[tuple[int, int]] = set()
        for number, page in enumerate(pdf.pages, start=1):
            conv.page = number
            resources = page.obj.get("/Resources")
            page.contents_coalesce()
            contents = page.obj.Contents
            assert isinstance(contents, pikepdf.Stream)
            contents.write(conv.content(contents, resources))
            conv.group(page.obj)
            conv.resources(resources)
            _embed_standard_fonts(pdf, resources, fonts_seen)
            if "/Annots" in page.obj:
                del page.obj["/Annots"]  # links: no annotation may sit inside the bleed box
            _boxes(page)
        _strip_interactive(pdf)
        add_output_intent(pdf, press)
        buffer = io.BytesIO()
        pdf.save(buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 deterministic_id=True, force_version=PDF_VERSION)
    return finish(buffer.getvalue(), title=title, date=date), conv.warnings


def _boxes(page: pikepdf.Page) -> None:
    """TrimBox and BleedBox on every page: the trim where WeasyPrint put it, else the whole page."""
    media = [float(v) for v in page.mediabox]
    obj = page.obj
    if "/TrimBox" not in obj:
        obj.TrimBox = Array(media)
    if "/BleedBox" not in obj:
        obj.BleedBox = Array([float(v) for v in obj.TrimBox])


def _strip_interactive(pdf: pikepdf.Pdf) -> None:
    """What PDF/X leaves out: forms, scripts, actions."""
    root = pdf.Root
    for key in ("/AcroForm", "/OpenAction", "/AA"):
        if key in root:
            del root[key]
    names = root.get("/Names")
    if isinstance(names, Dictionary):
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                del names[key]


def add_output_intent(pdf: pikepdf.Pdf, press: PressSettings) -> None:
    """The shop's profile as the document's one ``GTS_PDFX`` output intent."""
    profile = pikepdf.Stream(pdf, press.profile)
    profile.N = 4
    intent = Dictionary(
        Type=Name.OutputIntent,
        S=Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String(press.condition),
        OutputCondition=pikepdf.String(press.description),
        Info=pikepdf.String(press.description),
        RegistryName=pikepdf.String("http://www.color.org"),
        DestOutputProfile=pdf.make_indirect(profile),
    )
    pdf.Root.OutputIntents = Array([pdf.make_indirect(intent)])


def finish(pdf_bytes: bytes, *, title: str, date: str | None) -> bytes:
    """Stamp a press file: XMP (PDF/X-4, title, dates, IDs derived from the content), /Info to match,
    /Trapped False, version 1.6. Called on the converted pages and again on the imposed sheets."""
    digest = hashlib.sha256(pdf_bytes).digest()
    doc_id = uuid.UUID(bytes=digest[:16], version=5)
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        old = _xmp_ids(pdf)
        document = old[0] or f"uuid:{doc_id}"
        instance = f"uuid:{uuid.UUID(bytes=hashlib.sha256(digest + b'instance').digest()[:16], version=5)}"
        iso = _iso(date)
        producer = str(pdf.docinfo.get("/Producer", f"pamphlet {__version__}"))
        xmp = _xmp(title=title, date=iso, producer=producer, document=document, instance=instance)
        meta = pikepdf.Stream(pdf, xmp)
        meta.Type, meta.Subtype = Name.Metadata, Name.XML
        pdf.Root.Metadata = pdf.make_indirect(meta)
        info = pdf.docinfo
        info[Name.Title] = pikepdf.String(title)
        info[Name.Trapped] = Name("/False")
        info[Name("/GTS_PDFXVersion")] = pikepdf.String("PDF/X-4")
        info[Name.Producer] = pikepdf.String(producer)
        if date:
            info[Name.CreationDate] = pikepdf.String(date)
            info[Name.ModDate] = pikepdf.String(date)
        buffer = io.BytesIO()
        pdf.save(buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 deterministic_id=True, force_version=PDF_VERSION)
        return buffer.getvalue()


def _xmp_ids(pdf: pikepdf.Pdf) -> tuple[str | None, str | None]:
    """The DocumentID and InstanceID already in the XMP (the sheets keep their pages' DocumentID)."""
    import re

    meta = pdf.Root.get("/Metadata")
    if not isinstance(meta, pikepdf.Stream):
        return None, None
    text = meta.read_bytes().decode("utf-8", "replace")
    found = [re.search(rf"<xmpMM:{key}>([^<]+)</xmpMM:{key}>", text) for key in ("DocumentID", "InstanceID")]
    return tuple(m.group(1) if m else None for m in found)  # type: ignore[return-value]


def _iso(date: str | None) -> str:
    """``D:20261212140000Z`` as ``2026-12-12T14:00:00Z`` (XMP dates); 1970 when no date is known."""
    d = (date or "D:19700101000000Z")[2:]
    return f"{d[0:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}Z"


def _xmp(*, title: str, date: str, producer: str, document: str, instance: str) -> bytes:
    t = escape(title, quote=False)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{t}</rdf:li></rdf:Alt></dc:title>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <xmp:CreatorTool>pamphlet {__version__}</xmp:CreatorTool>
   <pdf:Producer>{escape(producer, quote=False)}</pdf:Producer>
   <pdf:Trapped>False</pdf:Trapped>
   <pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>
   <xmpMM:DocumentID>{document}</xmpMM:DocumentID>
   <xmpMM:InstanceID>{instance}</xmpMM:InstanceID>
   <xmpMM:VersionID>1</xmpMM:VersionID>
   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


# --- the printer's file of an edition -------------------------------------------------------------------------


def printer_file(reading_pdf: bytes, plan: Plan | None, press: PressSettings, *, title: str, lang: str,
                 date: str | None, bleed: float = 0.0, crop_marks: bool = False,
                 images: dict[tuple[int, int], str] | None = None) -> tuple[bytes, list[str]]:
    """The edition's file for the press: its sheets (``plan``), or its pages where the reading PDF is what
    is printed, as PDF/X-4; and the warnings about pictures whose colours move."""
    pages, warnings = to_press(reading_pdf, press, title=title, date=date, images=images)
    if plan is None:
        return verified(pages, "pages"), warnings
    from pamphlet.sheets.impose import impose

    sheets = impose(pages, plan, guides=True, title=title, lang=lang, date=date, bleed=bleed,
                    crop_marks=crop_marks, boxes=True)
    return verified(finish(sheets, title=title, date=date), "sheets"), warnings


def verified(pdf_bytes: bytes, what: str) -> bytes:
    """``pdf_bytes`` if it passes the preflight (:mod:`pamphlet.sheets.preflight`), else a RenderError: a file
    that says PDF/X-4 is one, or it is not written."""
    from pamphlet.errors import RenderError, plural
    from pamphlet.sheets.preflight import preflight

    problems = preflight(pdf_bytes)
    if problems:
        more = f" (and {plural(len(problems) - 1, 'more problem')})" if len(problems) > 1 else ""
        raise RenderError(f"the press {what} would not be PDF/X-4: {problems[0]}{more}",
                          "this is a bug in pamphlet's press output; report it, and build without --press meanwhile")
    return pdf_bytes


def image_names(fetched: list[Path], root: Path) -> dict[tuple[int, int], str]:
    """The project's pictures by pixel size, for naming them in warnings (``images/photo.jpg``)."""
    from PIL import Image, UnidentifiedImageError

    names: dict[tuple[int, int], str] = {}
    for path in fetched:
        try:
            with Image.open(path) as im:
                size = im.size
        except (OSError, UnidentifiedImageError, ValueError):
            continue
        try:
            shown = str(path.relative_to(root))
        except ValueError:
            shown = path.name
        names.setdefault(size, shown)
    return names
