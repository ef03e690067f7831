"""The few words of the share page that the printed pages never say (the PDFs' list, the calendar link…).

The event's labels and the call to action's heading come from the gettext catalogs like on paper (32
languages, reviewed); these are the page's own and exist in the languages of the bundled example. Any
other language gets them in English, marked ``lang="en"`` so a screen reader reads them as English, and
``pamphlet share`` says which language lacks them. Language names come from CLDR (Babel), each in its own
language.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {"pdfs": "Print or read offline", "calendar": "Add to calendar", "languages": "Other languages",
           "contact": "Contact", "qr": "QR code", "leaflet": "Leaflet", "booklet": "Booklet", "zine": "Zine",
           "trifold": "Tri-fold", "handbill": "Handbill", "pdf": "PDF"},
    "de": {"pdfs": "Drucken oder offline lesen", "calendar": "In den Kalender eintragen",
           "languages": "Andere Sprachen", "contact": "Kontakt", "qr": "QR-Code", "leaflet": "Flugblatt",
           "booklet": "Broschüre", "zine": "Zine", "trifold": "Faltblatt", "handbill": "Handzettel", "pdf": "PDF"},
    "fr": {"pdfs": "Imprimer ou lire hors ligne", "calendar": "Ajouter à l’agenda", "languages": "Autres langues",
           "contact": "Contact", "qr": "Code QR", "leaflet": "Tract", "booklet": "Brochure", "zine": "Fanzine",
           "trifold": "Dépliant à trois volets", "handbill": "Petit tract", "pdf": "PDF"},
    "es": {"pdfs": "Imprimir o leer sin conexión", "calendar": "Añadir al calendario", "languages": "Otros idiomas",
           "contact": "Contacto", "qr": "Código QR", "leaflet": "Octavilla", "booklet": "Folleto", "zine": "Fanzine",
           "trifold": "Tríptico", "handbill": "Volante", "pdf": "PDF"},
    "ar": {"pdfs": "للطباعة أو القراءة دون اتصال", "calendar": "أضف إلى التقويم", "languages": "لغات أخرى",
           "contact": "للتواصل", "qr": "رمز QR", "leaflet": "منشور", "booklet": "كتيب", "zine": "مجلة صغيرة",
           "trifold": "مطوية ثلاثية", "handbill": "منشور صغير", "pdf": "PDF"},
}


def words_for(code: str) -> tuple[dict[str, str], bool]:
    """The page's words in ``code`` (or its base language: ``pt-BR`` → ``pt``), and whether they are its own
    (False: English stands in)."""
    for key in (code, code.split("-", 1)[0]):
        if key in WORDS:
            return WORDS[key], True
    return WORDS["en"], False


def language_name(code: str) -> str:
    """A language's name in that language (``ar`` → العربية), from CLDR; its code where CLDR has none."""
    from pamphlet.text.languages import babel_locale

    loc = babel_locale(code)
    name = loc.get_display_name(loc) if loc is not None else None
    return (name[:1].upper() + name[1:]) if name else code
