"""Reading PDFs a screen reader can use: what is done around WeasyPrint's PDF/UA-1 output.

WeasyPrint 70 (``pdf_variant="pdf/ua-1"``) tags what it draws by the HTML element each box was made
for (``weasyprint/pdf/tags.py``): h1–h6, p, lists, tables, img/svg as Figures with their ``alt``,
links with their annotations, the document's ``/Lang``. Three things it does not do are done here:

* :func:`visible_only` — it tags boxes that ``visibility: hidden`` keeps from being drawn (the
  leaflet's copy of its contact that only holds room: two QR Figures, two sets of links) and turns
  their links into invisible, clickable annotations. The laid-out pages are copied without the
  hidden boxes before writing; nothing visible moves, since every box keeps the position it was
  laid out at.
* :func:`xmp` — its XMP packet has the title but no ``dc:language``; an untagged PDF gets none.
* :func:`structure` — empty structure elements (a spacer ``div``, the frame of a decorative
  picture drawn as its background) are dropped, so the tree holds only what is read.

Every step of :data:`pamphlet.pages.render.FINISH` takes the PDF opened once with pikepdf, and
:func:`finish` saves it with a content-derived ``/ID``: the same input gives the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from typing import Any
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name

from pamphlet import __version__
from pamphlet.pages._weasy import AbsolutePlaceholder, Document, Page, boxes

#: A finishing step: the open PDF and whether it is tagged; it changes the PDF in place.
FinishStep = Callable[[pikepdf.Pdf, bool], None]

#: Who made the file, the only names its metadata carries besides the text's own (title, organiser).
CREATOR = f"pamphlet {__version__}"


# --- before writing: no hidden box in the pages ----------------------------------------------------


def _hidden(box: Any) -> bool:
    style = getattr(box, "style", None)
    return style is not None and style["visibility"] != "visible"


def _children(box: Any) -> list[Any] | None:
    return list(box.children) if isinstance(box, boxes.ParentBox) else None


def _pruned(box: Any) -> Any | None:
    """``box`` without its hidden descendants (the same object when it has none), or None when
    nothing of it is drawn (hidden, and no descendant made visible again)."""
    if isinstance(box, AbsolutePlaceholder):
        inner = _pruned(box._box)
        if inner is box._box:
            return box
        if inner is None:
            return None
        placeholder = AbsolutePlaceholder(inner)
        object.__setattr__(placeholder, "_layout_done", box._layout_done)
        return placeholder
    children = _children(box)
    if not children:
        return None if _hidden(box) else box
    kept = [c for c in (_pruned(child) for child in children) if c is not None]
    if not kept and _hidden(box):
        return None
    if len(kept) == len(children) and all(a is b for a, b in zip(kept, children, strict=True)):
        return box
    return box.copy_with_children(kept)


def visible_only(document: Document) -> Document:
    """``document`` without the boxes ``visibility: hidden`` keeps from being drawn (the same object when
    it has none): they are neither tagged nor made into link annotations. The laid-out pages are
    shared, not changed: a pruned page is a new page over copies of the boxes on its path."""
    pages, changed = [], False
    for page in document.pages:
        root = page._page_box
        kept = _pruned(root)
        if kept is root:
            pages.append(page)
            continue
        changed = True
        pages.append(Page(kept if kept is not None else root.copy_with_children([])))
    return document.copy(pages) if changed else document


# --- after writing: the finishing steps ------------------------------------------------------------


def finish(pdf: bytes, steps: tuple[FinishStep, ...], *, tagged: bool) -> bytes:
    """``pdf`` after each of ``steps``, saved once with a content-derived ``/ID``."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for step in steps:
            step(doc, tagged)
        buffer = io.BytesIO()
        doc.save(buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve,
                 deterministic_id=True)
        return buffer.getvalue()


def _text(value: Any) -> str:
    return str(value) if value is not None else ""


def catalog(pdf: pikepdf.Pdf, tagged: bool) -> None:
    """The viewer shows the title, not the file name; the producer names WeasyPrint and pamphlet only."""
    root = pdf.Root
    prefs = root.get("/ViewerPreferences")
    if not isinstance(prefs, Dictionary):
        prefs = pdf.make_indirect(Dictionary())
        root.ViewerPreferences = prefs
    prefs.DisplayDocTitle = True
    if not tagged and "/MarkInfo" in root:
        del root["/MarkInfo"]
    info = pdf.docinfo
    info[Name.Creator] = pikepdf.String(CREATOR)
    for key in list(info.keys()):
        if key not in _INFO_KEYS:
            del info[key]


#: The /Info entries a reading PDF keeps: what the text says about itself, and who made the file.
_INFO_KEYS = {"/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer", "/CreationDate", "/ModDate"}

_NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}


def _xmp_date(pdf_date: str) -> str | None:
    """``D:20261206055652Z`` → ``2026-12-06T05:56:52Z`` (None for anything else)."""
    m = re.fullmatch(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:Z.*|[+-].*)?", pdf_date.replace("'", ""))
    if m is None:
        return None
    y, mo, d, h, mi, s = m.groups()
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}Z"


def xmp(pdf: pikepdf.Pdf, tagged: bool) -> None:
    """One XMP packet, written here from /Info and /Lang (WeasyPrint's has no language, and none at all
    untagged): title and description in the document's language, creator, dates, producer, creator
    tool, and the PDF/UA part when tagged. No document or instance id: they would be random."""
    info = pdf.docinfo
    lang = _text(pdf.Root.get("/Lang")) or "x-default"
    title, author, subject = (_text(info.get(k)) for k in ("/Title", "/Author", "/Subject"))
    created, modified = (_xmp_date(_text(info.get(k))) for k in ("/CreationDate", "/ModDate"))

    def alt(tag: str, value: str) -> str:
        if not value:
            return ""
        default = f'<rdf:li xml:lang="x-default">{escape(value)}</rdf:li>'
        own = f'<rdf:li xml:lang="{escape(lang)}">{escape(value)}</rdf:li>' if lang != "x-default" else ""
        return f"<{tag}><rdf:Alt>{default}{own}</rdf:Alt></{tag}>"

    parts = [
        alt("dc:title", title),
        alt("dc:description", subject),
        f"<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>" if author else "",
        f"<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>" if lang != "x-default" else "",
        "<dc:format>application/pdf</dc:format>",
        f"<pdf:Producer>{escape(_text(info.get('/Producer')))}</pdf:Producer>" if info.get("/Producer") else "",
        f"<xmp:CreatorTool>{escape(CREATOR)}</xmp:CreatorTool>",
        f"<xmp:CreateDate>{created}</xmp:CreateDate>" if created else "",
        f"<xmp:ModifyDate>{modified}</xmp:ModifyDate>" if modified else "",
        f"<xmp:MetadataDate>{modified}</xmp:MetadataDate>" if modified else "",
        "<pdfuaid:part>1</pdfuaid:part>" if tagged else "",
    ]
    namespaces = " ".join(f'xmlns:{k}="{v}"' for k, v in _NS.items()
                          if k not in ("x", "rdf") and (tagged or k != "pdfuaid"))
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        f'<x:xmpmeta xmlns:x="{_NS["x"]}"><rdf:RDF xmlns:rdf="{_NS["rdf"]}">'
        f'<rdf:Description rdf:about="" {namespaces}>{"".join(parts)}</rdf:Description>'
        '</rdf:RDF></x:xmpmeta>\n<?xpacket end="w"?>'
    ).encode()
    stream = pdf.make_stream(packet)
    stream.Type, stream.Subtype = Name.Metadata, Name.XML
    pdf.Root.Metadata = stream


# --- the structure tree --------------------------------------------------------------------------


def _kids(element: Any) -> list[Any]:
    k = element.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, Array) else [k]


def _is_element(obj: Any) -> bool:
    return isinstance(obj, Dictionary) and obj.get("/Type") in (None, Name.StructElem) and "/S" in obj


#: Structure types that only group: one inside another of the same type says nothing more (WeasyPrint
#: tags the anonymous boxes of a CSS table or of columns with their element's type again).
_GROUPS = {Name.Div, Name.Part, Name.NonStruct, Name.Sect, Name.Art}


def structure(pdf: pikepdf.Pdf, tagged: bool) -> None:
    """Drop structure elements that hold nothing (no marked content, no annotation, no element that
    does): a spacer ``div``, the empty frame of a decorative picture, a page-break marker; and fold a
    grouping element into its parent of the same type (a ``div`` laid out as a table: its table and row
    boxes; a column of ``main``)."""
    if not tagged:
        return
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return

    def holds(element: Dictionary) -> bool:
        """Whether ``element`` holds content, after dropping its empty descendants."""
        before = _kids(element)
        kept: list[Any] = []
        for kid in before:
            if not _is_element(kid):
                kept.append(kid)  # an MCID, a marked-content reference or an annotation's OBJR
            elif holds(kid):
                inner = _kids(kid)
                if kid.S == element.S and kid.S in _GROUPS and "/A" not in kid and all(map(_is_element, inner)):
                    for grandchild in inner:
                        grandchild.P = element
                    kept.extend(inner)
                else:
                    kept.append(kid)
        if len(kept) != len(before) or any(a.objgen != b.objgen for a, b in zip(kept, before, strict=False)
                                           if isinstance(a, Dictionary) and isinstance(b, Dictionary)):
            element.K = Array(kept)
        return bool(kept) or element.get("/S") == Name.Figure

    for top in _kids(tree):
        if _is_element(top):
            holds(top)


def elements(pdf: pikepdf.Pdf) -> Iterator[tuple[int, Dictionary]]:
    """Every structure element in reading order, with its depth (the document element is 0)."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return

    def walk(element: Dictionary, depth: int) -> Iterator[tuple[int, Dictionary]]:
        yield depth, element
        for kid in _kids(element):
            if _is_element(kid):
                yield from walk(kid, depth + 1)

    for top in _kids(tree):
        if _is_element(top):
            yield from walk(top, 0)
