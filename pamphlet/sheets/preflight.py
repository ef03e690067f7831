"""`pamphlet check --press`: the rules a print shop's preflight checks first, on a PDF/X-4 file.

No free PDF/X validator exists (veraPDF covers PDF/A and PDF/UA only, Debian's Ghostscript 10.0 refuses
``-dPDFX=4``), so this is a rule checker with pikepdf for what goes wrong most often:

* the output intent: present, one ``GTS_PDFX`` intent, its profile a valid ICC output profile whose
  colour space matches ``/N``, an output condition identifier;
* the identification: XMP saying PDF/X-4 with a document ID and ``pdf:Trapped`` True or False, ``/Trapped``
  in the document info to match, a title, a PDF version of at most 1.6;
* no encryption, JavaScript, forms, actions, annotations on the page, or external references (``/Ref``
  forms, OPI, streams whose data lives in another file);
* on every page a TrimBox and a BleedBox, nested: MediaBox ⊇ BleedBox ⊇ TrimBox;
* every font embedded;
* no device colour outside the output intent's space (DeviceRGB under a CMYK intent) in content, pictures,
  shadings, colour spaces or transparency groups; Lab and ICC-based colour are device-independent, which
  PDF/X-4 allows (a transparent picture tagged sRGB, say).

Each failure is one line naming the page and the object (``page 2: /P3 → image /Im1 (600×400 px): …``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

__all__ = ["preflight"]

_TOLERANCE = 0.01  # pt: box coordinates are written with four decimals
_ALLOWED_ANNOTATIONS = (Name.PrinterMark, Name.TrapNet)


def preflight(pdf_bytes: bytes) -> list[str]:
    """Every rule ``pdf_bytes`` breaks, one line each (empty: it passes)."""
    try:
        pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    except pikepdf.PasswordError:
        return ["the file is encrypted (PDF/X allows no encryption)"]
    except pikepdf.PdfError as exc:
        return [f"not a readable PDF: {exc}"]
    with pdf:
        lines = list(_document(pdf))
        device = _intent_device(pdf)
        for number, page in enumerate(pdf.pages, start=1):
            lines.extend(f"page {number}: {line}" for line in _page(page, device))
    return list(dict.fromkeys(lines))


# --- the document -------------------------------------------------------------------------------------------


def _document(pdf: pikepdf.Pdf) -> Iterator[str]:
    if pdf.is_encrypted:
        yield "the file is encrypted (PDF/X allows no encryption)"
    if pdf.pdf_version > "1.6":
        yield f"PDF version {pdf.pdf_version}: PDF/X-4 files are PDF 1.6 at most"
    yield from _output_intent(pdf)
    yield from _identification(pdf)
    root = pdf.Root
    if "/AcroForm" in root:
        yield "the document has a form (/AcroForm); PDF/X allows none"
    names = root.get("/Names")
    if isinstance(names, Dictionary) and "/JavaScript" in names:
        yield "the document holds JavaScript (/Names /JavaScript)"
    for key in ("/OpenAction", "/AA"):
        action = root.get(key)
        if isinstance(action, Dictionary):
            yield f"the document runs an action when opened ({key} {action.get('/S', '')})"


def _output_intent(pdf: pikepdf.Pdf) -> Iterator[str]:
    from pamphlet.sheets.press import profile_problem

    intents = pdf.Root.get("/OutputIntents")
    pdfx = [i for i in intents if isinstance(i, Dictionary) and i.get("/S") == Name.GTS_PDFX] \
        if isinstance(intents, Array) else []
    if not pdfx:
        yield "no PDF/X output intent (/OutputIntents with /S /GTS_PDFX): the press cannot know the colours meant"
        return
    if len(pdfx) > 1:
        yield f"{len(pdfx)} PDF/X output intents; PDF/X allows one"
    intent = pdfx[0]
    if not str(intent.get("/OutputConditionIdentifier", "")).strip():
        yield "output intent: no /OutputConditionIdentifier (the printing condition, like FOGRA39)"
    profile = intent.get("/DestOutputProfile")
    if not isinstance(profile, pikepdf.Stream):
        yield "output intent: no embedded profile (/DestOutputProfile)"
        return
    data = profile.read_bytes()
    problem = profile_problem(data)
    if problem is not None and "is a damaged" not in problem and data[36:40] == b"acsp" and data[12:16] == b"prtr":
        problem = None  # an RGB or grey output profile is a valid intent, only not one this checker expects
    if problem is not None:
        yield f"output intent: the embedded profile {problem}"
        return
    n = {b"CMYK": 4, b"RGB ": 3, b"GRAY": 1}.get(data[16:20])
    if n is not None and int(profile.get("/N", 0)) != n:
        yield f"output intent: the profile stream says /N {profile.get('/N')}, its colour space has {n} channels"


def _intent_device(pdf: pikepdf.Pdf) -> str:
    """The device colour space the output intent prints in: ``cmyk``, ``rgb`` or ``gray``."""
    intents = pdf.Root.get("/OutputIntents")
    if isinstance(intents, Array):
        for intent in intents:
            profile = intent.get("/DestOutputProfile") if isinstance(intent, Dictionary) else None
            if isinstance(profile, pikepdf.Stream):
                return {1: "gray", 3: "rgb", 4: "cmyk"}.get(int(profile.get("/N", 4)), "cmyk")
    return "cmyk"


def _identification(pdf: pikepdf.Pdf) -> Iterator[str]:
    meta = pdf.Root.get("/Metadata")
    if not isinstance(meta, pikepdf.Stream):
        yield "no XMP metadata (/Metadata): PDF/X-4 identifies itself there"
        return
    xmp = meta.read_bytes().decode("utf-8", "replace")

    def value(tag: str) -> str | None:
        m = re.search(rf"<{tag}>\s*([^<]*?)\s*</{tag}>", xmp) or re.search(rf'{tag}="([^"]*)"', xmp)
        return m.group(1) if m else None

    version = value("pdfxid:GTS_PDFXVersion")
    if version is None or not version.startswith("PDF/X-4"):
        yield f"XMP: pdfxid:GTS_PDFXVersion is {version or 'missing'}, not PDF/X-4"
    if not value("xmpMM:DocumentID"):
        yield "XMP: no xmpMM:DocumentID"
    if "<dc:title>" not in xmp:
        yield "XMP: no dc:title"
    trapped = value("pdf:Trapped")
    if trapped not in ("True", "False"):
        yield f"XMP: pdf:Trapped is {trapped or 'missing'}; PDF/X-4 needs True or False"
    info_trapped = pdf.docinfo.get("/Trapped") if "/Info" in pdf.trailer else None
    if info_trapped is None or str(info_trapped) not in ("/True", "/False"):
        yield f"document info: /Trapped is {info_trapped or 'missing'}; PDF/X needs /True or /False"
    elif trapped in ("True", "False") and str(info_trapped) != f"/{trapped}":
        yield f"document info /Trapped {info_trapped} disagrees with XMP pdf:Trapped {trapped}"


# --- a page -------------------------------------------------------------------------------------------------


def _box(obj: Any, key: str) -> tuple[float, float, float, float] | None:
    box = obj.get(key)
    if not isinstance(box, Array) or len(box) != 4:
        return None
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    return (inner[0] >= outer[0] - _TOLERANCE and inner[1] >= outer[1] - _TOLERANCE
            and inner[2] <= outer[2] + _TOLERANCE and inner[3] <= outer[3] + _TOLERANCE)


def _page(page: pikepdf.Page, device: str) -> Iterator[str]:
    obj = page.obj
    media = _box(obj, "/MediaBox") or _inherited_media(obj)
    trim = _box(obj, "/TrimBox") or _box(obj, "/ArtBox")
    bleed = _box(obj, "/BleedBox")
    if trim is None:
        yield "no TrimBox: the shop cannot know where to cut"
    if bleed is None:
        yield "no BleedBox"
    if media is not None and bleed is not None and not _inside(bleed, media):
        yield f"BleedBox {_fmt(bleed)} reaches outside the MediaBox {_fmt(media)}"
    if bleed is not None and trim is not None and not _inside(trim, bleed):
        yield f"TrimBox {_fmt(trim)} reaches outside the BleedBox {_fmt(bleed)}"
    if trim is not None and (trim[2] - trim[0] <= 0 or trim[3] - trim[1] <= 0):
        yield "the TrimBox is empty"
    if "/AA" in obj:
        yield "the page runs actions (/AA)"
    for annot in obj.get("/Annots") or ():
        subtype = annot.get("/Subtype") if isinstance(annot, Dictionary) else None
        if subtype == Name.Widget:
            yield "a form field (/Widget annotation)"
        elif subtype not in _ALLOWED_ANNOTATIONS:
            yield f"annotation {subtype} on the page (PDF/X allows only printer's marks and trap networks)"
    yield from _group(obj, "the page", device)
    walk = _Walk(device)
    yield from walk.content(page.obj, page.obj.get("/Resources") or _inherited(obj, "/Resources"), "content")


def _inherited(obj: Any, key: str) -> Any:
    node, seen = obj, 0
    while node is not None and key not in node and seen < 64:
        node, seen = node.get("/Parent"), seen + 1
    return node.get(key) if node is not None else None


def _inherited_media(obj: Any) -> tuple[float, float, float, float] | None:
    box = _inherited(obj, "/MediaBox")
    return _box(Dictionary(MediaBox=box), "/MediaBox") if box is not None else None


def _fmt(box: tuple[float, ...]) -> str:
    return "[" + " ".join(f"{v:g}" for v in (round(x, 2) for x in box)) + "]"


def _group(holder: Any, what: str, device: str) -> Iterator[str]:
    group = holder.get("/Group")
    if isinstance(group, Dictionary) and group.get("/S") == Name.Transparency and "/CS" in group:
        kind = _kind(group.CS, None)
        if _device_outside(kind, device):
            yield f"{what}: transparency group blends in {_shown(group.CS)}, outside the output intent's {device.upper()}"


def _kind(space: Any, resources: Any) -> str:
    from pamphlet.sheets.press import _space_kind

    return _space_kind(space, resources)


def _device(space: Any, resources: Any) -> str | None:
    """``rgb``/``cmyk``/``gray`` for a device (or calibrated-only-by-name) space, None for device-independent
    ones (ICC-based, Lab), patterns and the like; Separation and DeviceN by their alternate space."""
    if isinstance(space, Name) and isinstance(resources, Dictionary) and isinstance(resources.get("/ColorSpace"),
                                                                                   Dictionary):
        space = resources.ColorSpace.get(space, space)
    if isinstance(space, Name):
        return {"/DeviceRGB": "rgb", "/RGB": "rgb", "/DeviceCMYK": "cmyk", "/CMYK": "cmyk", "/DeviceGray": "gray",
                "/G": "gray"}.get(str(space))
    if isinstance(space, Array) and len(space) > 0:
        family = space[0]
        if family == Name.Indexed and len(space) > 1:
            return _device(space[1], resources)
        if family == Name.Separation and len(space) > 2:
            return _device(space[2], resources)
        if family == Name.DeviceN and len(space) > 2:
            return _device(space[2], resources)
        if family == Name.Pattern and len(space) > 1:
            return _device(space[1], resources)
    return None


def _device_outside(kind: str | None, device: str) -> bool:
    """Device colour the output intent does not print: DeviceRGB under CMYK, say (grey is always fine)."""
    return kind in ("rgb", "cmyk", "gray") and kind != "gray" and kind != device


def _shown(space: Any) -> str:
    if isinstance(space, Array) and len(space) > 0:
        return str(space[0])
    return str(space)


class _Walk:
    """Walks a page's content and everything it draws, each object once per page."""

    def __init__(self, device: str):
        self.device = device
        self.seen: set[tuple[int, int]] = set()

    def _first(self, obj: Any) -> bool:
        if not getattr(obj, "is_indirect", False):
            return True
        if obj.objgen in self.seen:
            return False
        self.seen.add(obj.objgen)
        return True

    def content(self, holder: Any, resources: Any, what: str) -> Iterator[str]:
        ops: set[str] = set()
        try:
            instructions = pikepdf.parse_content_stream(holder)
        except pikepdf.PdfError as exc:
            yield f"{what}: unreadable content stream ({exc})"
            return
        for ins in instructions:
            if isinstance(ins, pikepdf.ContentStreamInlineImage):
                space = ins.iimage.obj.get("/ColorSpace", ins.iimage.obj.get("/CS"))
                if _device_outside(_device(space, resources), self.device):
                    yield f"{what}: inline image in {_shown(space)}, outside the output intent's {self.device.upper()}"
                continue
            op = str(ins.operator)
            if op in ("rg", "RG") and self.device != "rgb":
                ops.add(op)
            elif op in ("k", "K") and self.device != "cmyk":
                ops.add(op)
            elif op in ("cs", "CS") and ins.operands:
                kind = _device(ins.operands[0], resources)
                if _device_outside(kind, self.device):
                    ops.add(f"{_shown(ins.operands[0])} {op}")
        for op in sorted(ops):
            yield f"{what}: device colour ({op}) outside the output intent's {self.device.upper()}"
        yield from self.resources(resources, what)

    def resources(self, resources: Any, what: str) -> Iterator[str]:
        if not isinstance(resources, Dictionary):
            return
        where = "" if what == "content" else f"{what} → "
        for name, font in sorted((resources.get("/Font") or {}).items()):
            yield from self.font(font, f"{where}font {name}")
        for name, space in sorted((resources.get("/ColorSpace") or {}).items()):
            if _device_outside(_device(space, None), self.device):
                yield f"{where}colour space {name} is {_shown(space)}-based, outside the output intent's " \
                      f"{self.device.upper()}"
        for name, shading in sorted((resources.get("/Shading") or {}).items()):
            yield from self.shading(shading, f"{where}shading {name}")
        for name, pattern in sorted((resources.get("/Pattern") or {}).items()):
            if not self._first(pattern):
                continue
            if isinstance(pattern, pikepdf.Stream):
                yield from self.content(pattern, pattern.get("/Resources"), f"{where}pattern {name}")
            elif isinstance(pattern, Dictionary) and "/Shading" in pattern:
                yield from self.shading(pattern.Shading, f"{where}pattern {name}")
        for name, state in sorted((resources.get("/ExtGState") or {}).items()):
            mask = state.get("/SMask") if isinstance(state, Dictionary) else None
            if isinstance(mask, Dictionary) and isinstance(mask.get("/G"), pikepdf.Stream):
                yield from self.xobject(mask.G, resources, f"{where}soft mask of {name}")
        for name, xobject in sorted((resources.get("/XObject") or {}).items()):
            yield from self.xobject(xobject, resources, f"{where}{name}")

    def xobject(self, xobject: Any, inherited: Any, what: str) -> Iterator[str]:
        if not isinstance(xobject, pikepdf.Stream) or not self._first(xobject):
            return
        if "/F" in xobject:
            yield f"{what}: its data is in an external file (/F)"
        if "/OPI" in xobject:
            yield f"{what}: an OPI reference (the picture is to be replaced from elsewhere)"
        subtype = xobject.get("/Subtype")
        if subtype == Name.Image:
            space = xobject.get("/ColorSpace")
            size = f"{xobject.get('/Width')}×{xobject.get('/Height')} px"
            if _device_outside(_device(space, None), self.device):
                yield f"{what}: image ({size}) in {_shown(space)}, outside the output intent's {self.device.upper()}"
            if "/Alternates" in xobject:
                yield f"{what}: image ({size}) has alternates; PDF/X allows none"
            smask = xobject.get("/SMask")
            if isinstance(smask, pikepdf.Stream) and _device_outside(_device(smask.get("/ColorSpace"), None),
                                                                     self.device):
                yield f"{what}: the soft mask of image ({size}) is not grey"
        elif subtype == Name.Form:
            if "/Ref" in xobject:
                yield f"{what}: a reference XObject (/Ref: its content is in another file)"
            yield from _group(xobject, what, self.device)
            yield from self.content(xobject, xobject.get("/Resources", inherited), what)
        elif subtype == Name.PS:
            yield f"{what}: a PostScript XObject"

    def shading(self, shading: Any, what: str) -> Iterator[str]:
        space = shading.get("/ColorSpace") if isinstance(shading, Dictionary) else None
        if _device_outside(_device(space, None), self.device):
            yield f"{what}: in {_shown(space)}, outside the output intent's {self.device.upper()}"

    def font(self, font: Any, what: str) -> Iterator[str]:
        if not isinstance(font, Dictionary) or not self._first(font):
            return
        subtype = font.get("/Subtype")
        base = str(font.get("/BaseFont", "")).lstrip("/")
        if subtype == Name.Type3:
            resources = font.get("/Resources")
            for name, proc in sorted((font.get("/CharProcs") or {}).items()):
                if isinstance(proc, pikepdf.Stream):
                    yield from self.content(proc, resources, f"{what} glyph {name}")
            return
        target: Any = font
        if subtype == Name.Type0:
            descendants = font.get("/DescendantFonts")
            target = descendants[0] if isinstance(descendants, Array) and len(descendants) else None
        descriptor = target.get("/FontDescriptor") if isinstance(target, Dictionary) else None
        if not isinstance(descriptor, Dictionary) or not any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            yield f"{what} ({base or 'unnamed'}) is not embedded"
