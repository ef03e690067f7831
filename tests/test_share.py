"""`pamphlet share`: the page, the calendar entry, the cards and the message, as people use them.

The command runs as a user types it, on the bundled example (English and Arabic) and on a project with a
picture, a time zone and ``share.base_url``; the files are read back: the page parsed and loaded in a real
headless Chromium (no request beyond the file, no console error, axe-core finds no serious violation, the
Arabic page mirrored), the ``.ics`` parsed with icalendar, the cards' pixel sizes, weights and mirroring
measured, and the message's SMS segments counted by table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from pamphlet.share import sms

from .conftest import EXAMPLE, missing_service, run_cli

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
FLOATING = "event.tz is not set"


# --- SMS segments: pure, by table ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "encoding", "units", "parts"), [
    ("", "GSM-7", 0, 0),
    ("a" * 160, "GSM-7", 160, 1),
    ("a" * 161, "GSM-7", 161, 2),
    ("a" * 306, "GSM-7", 306, 2),
    ("a" * 307, "GSM-7", 307, 3),
    ("€" * 80, "GSM-7", 160, 1),                 # an extension character counts twice
    ("[" + "a" * 159, "GSM-7", 161, 2),
    ("a" * 152 + "€", "GSM-7", 154, 1),
    ("a" * 152 + "{" + "a" * 10, "GSM-7", 164, 2),  # the escape pair is not split across parts: 152 + 12
    ("a" * 305 + "^", "GSM-7", 307, 3),        # 153 + 152, and the pair would straddle: a third part
    ("Ça coûte 5 €", "UCS-2", 12, 1),           # û is not in GSM-7: the whole text is UCS-2
    ("ش" * 70, "UCS-2", 70, 1),
    ("ش" * 71, "UCS-2", 71, 2),
    ("ش" * 134, "UCS-2", 134, 2),
    ("ش" * 135, "UCS-2", 135, 3),
    ("😀" * 35, "UCS-2", 70, 1),                 # outside the BMP: two UTF-16 code units
    ("😀" * 36, "UCS-2", 72, 2),
    ("a" * 66 + "😀" + "a" * 10, "UCS-2", 78, 2),  # the surrogate pair goes whole into the second part
])
def test_sms_segments(text: str, encoding: str, units: int, parts: int):
    seg = sms.segments(text)
    assert (seg.encoding, seg.units, seg.parts, seg.characters) == (encoding, units, parts, len(text))


@pytest.mark.parametrize(("text", "plain"), [
    ("2:00\u2009–\u20095:00\u202fPM", "2:00 - 5:00 PM"),       # Babel's range: GSM-7 once plain
    ("“Bring a friend” – it’s free", "\"Bring a friend\" - it's free"),
    ("Ça coûte 5 € – «\u00a0oui\u00a0»", "Ça coûte 5 € – «\u00a0oui\u00a0»"),  # UCS-2 anyway: kept as written
    ("\u2066+44 161\u2069 ١٢ – ديسمبر", "+44 161 ١٢ – ديسمبر"),  # isolates dropped, Arabic kept
])
def test_message_is_plain_where_that_makes_it_gsm(text: str, plain: str):
    assert sms.gsm_friendly(text) == plain


def test_message_lines():
    assert sms.message(["Title", None, "  Saturday,  12 December ", "", "https://x.org"]) == \
        "Title\nSaturday, 12 December\nhttps://x.org"


# --- the command on the example, and on a project with a picture, a time zone and a base address --------------


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> dict[str, Any]:
    """`pamphlet share --example -L en -L ar -l leaflet`, run twice (the second run reuses the PDFs)."""
    out = tmp_path_factory.mktemp("share-example") / "dist"
    # as a user types it, -o relative: the table's folder column is as wide on every machine (an absolute
    # temporary path, longer under pytest-xdist, wrapped the rows the test reads)
    first = run_cli("share", "--example", "-L", "en", "-L", "ar", "-l", "leaflet", "-o", "dist", cwd=out.parent)
    digests = _digests(out / "share")
    again = run_cli("share", "--example", "-L", "en", "-L", "ar", "-l", "leaflet", "-o", "dist", "--json",
                    cwd=out.parent)
    return {"out": out, "first": first, "again": again, "digests": digests, "share": out / "share"}


def _picture(path: Path) -> None:
    """A photo-like picture: smooth gradients with some texture (a real photo compresses like this, noise does not)."""
    from PIL import Image, ImageDraw, ImageFilter

    im = Image.linear_gradient("L").resize((1600, 1000)).convert("RGB")
    draw = ImageDraw.Draw(im)
    for i in range(40):
        x, y = (i * 397) % 1600, (i * 211) % 1000
        draw.ellipse((x, y, x + 120 + i * 3, y + 90 + i * 2), fill=(40 + i * 4, 90, 160 - i * 2))
    im = Image.blend(im.filter(ImageFilter.GaussianBlur(3)), Image.effect_noise((1600, 1000), 40).convert("RGB"), 0.15)
    im.save(path, quality=88)


@pytest.fixture(scope="module")
def pictured(tmp_path_factory) -> dict[str, Any]:
    """A project with a picture, event.tz and share.base_url, shared in English and Arabic."""
    root = tmp_path_factory.mktemp("share-pictured")
    proj = root / "march"
    proj.mkdir()
    for code in ("en", "ar"):
        shutil.copy(EXAMPLE / f"{code}.md", proj / f"{code}.md")
    (proj / "images").mkdir()
    _picture(proj / "images" / "march.jpg")
    (proj / "pamphlet.yaml").write_text(
        "slug: march\nlayouts: [leaflet]\n"
        "event: {date: 2026-12-12, start: \"22:00\", end: \"01:30\", tz: Europe/Berlin}\n"
        "contact: {email: march@example.org, web: https://example.org/march}\n"
        "qr: https://example.org/march\nimage: images/march.jpg\nimage_alt: People marching with banners\n"
        "share: {base_url: \"https://example.org/pamphlets\"}\n", encoding="utf-8")
    out = root / "dist"
    result = run_cli("share", proj, "-o", out)
    return {"out": out, "result": result, "share": out / "share", "project": proj}


class _Page(HTMLParser):
    """What a page holds: its tags with their attributes, and its text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str, **want: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in want.items())]

    def meta(self, prop: str) -> str | None:
        found = self.all("meta", property=prop) or self.all("meta", name=prop)
        return found[0]["content"] if found else None


def _page(folder: Path) -> _Page:
    return _Page((folder / "index.html").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_share_writes_every_file_per_language_and_says_the_message_length(example):
    first = example["first"]
    assert first.exit_code == 0, first.output
    for code in ("en", "ar"):
        folder = example["share"] / f"solidarity-{code}"
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            ["index.html", "event.ics", "card-1200x630.png", "card-1080x1080.png", "message.txt"])
        text = (folder / "message.txt").read_text(encoding="utf-8").rstrip("\n")
        seg = sms.segments(text)
        line = next(ln for ln in first.stdout.splitlines() if ln.startswith(code + " "))
        assert f"solidarity-{code}/" in line and f"{seg.characters}" in line and f"{seg.parts} ({seg.encoding})" in line
    assert "warning:" in first.stderr and FLOATING in first.stderr  # the example has no event.tz
    en = (example["share"] / "solidarity-en" / "message.txt").read_text(encoding="utf-8")
    assert en == ("Solidarity with Iraq and Palestine\nSaturday, December 12, 2026\n2:00 - 5:00 PM\n"
                  "Market Square, by the old fountain\n"
                  "Join the rally. Bring a friend, bring a banner, and pass this leaflet on.\n"
                  "https://example.org/solidarity\n")
    assert sms.segments(en.rstrip("\n")) == sms.Segments("GSM-7", 217, 217, 2)
    ar = (example["share"] / "solidarity-ar" / "message.txt").read_text(encoding="utf-8")
    assert ar.startswith("التضامن مع العراق وفلسطين\nالسبت، ١٢ ديسمبر ٢٠٢٦\n") and sms.segments(ar).encoding == "UCS-2"


@pytest.mark.slow
def test_share_is_byte_identical_across_runs_and_reports_json(example):
    again = example["again"]
    assert again.exit_code == 0, again.output
    assert _digests(example["share"]) == example["digests"]
    report = json.loads(again.stdout)
    assert report["ok"] and [p["lang"] for p in report["pages"]] == ["en", "ar"]
    en = report["pages"][0]
    assert en["message"]["sms_segments"] == 2 and en["message"]["encoding"] == "GSM-7" and en["pdfs"] == 1
    assert set(en["files"]) == {"index.html", "event.ics", "card-1200x630.png", "card-1080x1080.png", "message.txt"}
    assert all(r["status"] == "up-to-date" for r in report["editions"])


@pytest.mark.slow
def test_page_is_self_contained_semantic_and_links_pdfs_and_languages(example):
    folder = example["share"] / "solidarity-en"
    html = (folder / "index.html").read_text(encoding="utf-8")
    page = _Page(html)
    assert page.all("html", lang="en", dir="ltr")
    assert page.meta("viewport") == "width=device-width, initial-scale=1"
    assert not page.all("script") and not page.all("link", rel="stylesheet") and not page.all("iframe")
    assert all(a["src"].startswith("data:") for a in page.all("img"))
    assert "url(" not in html and "@import" not in html and "@font-face" not in html
    # the text's structure: the title, the Markdown's paragraphs and its quote
    assert [a for t, a in page.tags if t == "h1"] and len(page.all("p")) >= 8 and page.all("blockquote")
    assert "Solidarity with Iraq and Palestine is integral" in "".join(page.text)
    assert page.all("dl") and {"When", "Time", "Where"} <= {s.strip() for s in page.text}
    # the PDF built for it, by a relative link that leads to it
    pdfs = [a["href"] for a in page.all("a", type="application/pdf")]
    assert pdfs == ["../../solidarity-en-leaflet.pdf"] and (folder / pdfs[0]).resolve().is_file()
    assert page.all("a", href="event.ics")
    # the other language's page, named in its own language
    assert page.all("a", href="../solidarity-ar/index.html", hreflang="ar", lang="ar", dir="rtl")
    assert page.all("link", rel="alternate", hreflang="ar", href="../solidarity-ar/index.html")
    # Open Graph: relative without share.base_url
    assert page.meta("og:title") == "Solidarity with Iraq and Palestine"
    assert page.meta("og:description") == "Integral to the internationalist struggle against neo-liberal globalization"
    assert page.meta("og:image") == "card-1200x630.png" and page.meta("og:url") is None
    assert page.meta("og:locale") == "en" and page.meta("og:locale:alternate") == "ar"
    # the QR code inline, labelled
    svg = page.all("svg", role="img")
    assert svg and svg[0]["aria-label"] == "QR code: https://example.org/solidarity"
    size = len(html.encode())
    assert size < 30_000, f"the page weighs {size} bytes"


@pytest.mark.slow
def test_arabic_page_is_right_to_left_in_its_own_words(example):
    page = _page(example["share"] / "solidarity-ar")
    assert page.all("html", lang="ar", dir="rtl")
    text = "".join(page.text)
    assert "متى" in text and "أين" in text and "أضف إلى التقويم" in text  # catalogued labels and the page's own
    assert page.all("a", href="../solidarity-en/index.html", hreflang="en", lang="en", dir="ltr")


@pytest.mark.slow
def test_calendar_entry_floating_without_tz(example):
    import icalendar

    data = (example["share"] / "solidarity-en" / "event.ics").read_bytes()
    cal = icalendar.Calendar.from_ical(data)
    (event,) = cal.walk("VEVENT")
    assert str(event["summary"]) == "Solidarity with Iraq and Palestine"
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == dt.datetime(2026, 12, 12, 14, 0) and start.tzinfo is None  # floating
    assert end == dt.datetime(2026, 12, 12, 17, 0)
    assert str(event["location"]) == "Market Square, by the old fountain"
    assert str(event["url"]) == "https://example.org/solidarity"
    assert str(event["organizer"]) == "mailto:solidarity@example.org"
    assert event["organizer"].params["CN"] == "Internationalist Solidarity Committee"
    assert not cal.walk("VTIMEZONE") and b"\r\n" in data
    ar = icalendar.Calendar.from_ical((example["share"] / "solidarity-ar" / "event.ics").read_bytes())
    (ar_event,) = ar.walk("VEVENT")
    assert str(ar_event["summary"]) == "التضامن مع العراق وفلسطين" and ar_event["uid"] != event["uid"]


@pytest.mark.slow
def test_calendar_entry_in_its_time_zone_through_midnight(pictured):
    import icalendar

    assert pictured["result"].exit_code == 0, pictured["result"].output
    cal = icalendar.Calendar.from_ical((pictured["share"] / "march-en" / "event.ics").read_bytes())
    (event,) = cal.walk("VEVENT")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert str(start.tzinfo) == "Europe/Berlin" and start == dt.datetime(2026, 12, 12, 22, 0, tzinfo=start.tzinfo)
    assert end - start == dt.timedelta(hours=3, minutes=30)  # 01:30 is the next morning
    assert start.astimezone(dt.UTC).hour == 21
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(event["url"]) == "https://example.org/pamphlets/share/march-en/"


@pytest.mark.slow
def test_base_url_makes_the_preview_absolute_and_the_qr_lead_to_the_page(pictured):
    page = _page(pictured["share"] / "march-en")
    url = "https://example.org/pamphlets/share/march-en/"
    assert page.meta("og:url") == url and page.all("link", rel="canonical", href=url)
    assert page.meta("og:image") == url + "card-1200x630.png"
    assert page.all("link", rel="alternate", hreflang="ar", href="https://example.org/pamphlets/share/march-ar/")
    assert page.all("a", href="../march-ar/index.html") == []  # absolute instead
    assert page.all("svg", role="img")[0]["aria-label"] == f"QR code: {url}"
    # the picture is in the page, as data, scaled to a phone's width
    (picture,) = page.all("img", alt="People marching with banners")
    assert picture["src"].startswith("data:image/jpeg;base64,")
    import base64

    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(picture["src"].split(",", 1)[1]))) as im:
        assert im.width == 960
    assert (pictured["share"] / "march-en" / "message.txt").read_text(encoding="utf-8").endswith(url + "\n")


def _qr_centre_x(path: Path) -> float:
    """Where the card's QR code is across it (0 left, 1 right): the median of its dark modules' pixels, the
    only ones in the theme's ink (#171717) on a card whose type is white on the accent colour."""
    from PIL import Image

    with Image.open(path) as im:
        rgb = im.convert("RGB")
        w, h = rgb.size
        xs = sorted(x for y in range(h // 2, h, 4) for x in range(0, w, 2) if rgb.getpixel((x, y)) == (23, 23, 23))
    assert len(xs) > 500, f"no QR code found in {path.name}"
    return xs[len(xs) // 2] / w


@pytest.mark.slow
def test_cards_have_their_sizes_weights_and_mirror_for_arabic(example):
    _check_cards(example, "solidarity")


@pytest.mark.slow
def test_cards_with_a_picture(pictured):
    _check_cards(pictured, "march")


def _check_cards(found: dict[str, Any], slug: str) -> None:
    from PIL import Image

    for name, size in (("card-1200x630.png", (1200, 630)), ("card-1080x1080.png", (1080, 1080))):
        for code in ("en", "ar"):
            path = found["share"] / f"{slug}-{code}" / name
            with Image.open(path) as im:
                assert im.format == "PNG" and im.size == size
            assert path.stat().st_size < 300 * 1024, f"{path.name}: {path.stat().st_size} bytes"
        en, ar = (_qr_centre_x(found["share"] / f"{slug}-{code}" / name) for code in ("en", "ar"))
        assert en > 0.5 > ar, (name, en, ar)  # the QR code at the end of the line: right in English, left in Arabic


@pytest.mark.slow
def test_tz_is_checked_with_its_line_and_a_suggestion(tmp_path):
    proj = tmp_path / "p"
    proj.mkdir()
    shutil.copy(EXAMPLE / "en.md", proj / "en.md")
    (proj / "pamphlet.yaml").write_text("slug: p\nevent:\n  date: 2026-12-12\n  start: \"14:00\"\n  tz: Europe/Berln\n",
                                        encoding="utf-8")
    result = run_cli("share", proj, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "pamphlet.yaml:5: event.tz: unknown time zone 'Europe/Berln' (did you mean 'Europe/Berlin'?" in result.stderr
    assert "hint:" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


# --- in a real browser --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium_port(tmp_path_factory):
    """One headless Chromium for the module, its DevTools protocol on a free port."""
    from .test_watch import headless_chromium

    profile = tmp_path_factory.mktemp("chromium-profile")
    with headless_chromium(profile, profile.parent / "chromium.log") as port:
        yield port


def _open(port: int, path: Path, width: int = 1280, mobile: bool = False) -> tuple[Any, list[dict]]:
    """The page at ``path`` in a new tab, loaded; with the DevTools events it caused."""
    from .test_watch import TIMEOUT, DevTools, wait_until

    class Tab(DevTools):
        def __init__(self, ws_url: str):
            super().__init__(ws_url)
            self.events: list[dict] = []

        def call(self, method: str, **params: Any) -> dict[str, Any]:
            self.next_id += 1
            self._send(json.dumps({"id": self.next_id, "method": method, "params": params}).encode())
            while True:
                reply = json.loads(self._message())
                if reply.get("id") == self.next_id:
                    assert "error" not in reply, reply
                    return reply["result"]
                self.events.append(reply)

    req = urllib.request.Request(f"http://127.0.0.1:{port}/json/new?about:blank", method="PUT")
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
        tab = Tab(json.loads(resp.read())["webSocketDebuggerUrl"])
    for domain in ("Network", "Runtime", "Log", "Page"):
        tab.call(f"{domain}.enable")
    tab.call("Emulation.setDeviceMetricsOverride", width=width, height=800, deviceScaleFactor=2 if mobile else 1,
             mobile=mobile)
    tab.call("Page.navigate", url=path.as_uri())
    wait_until(lambda: tab.js("document.readyState") == "complete", what="the page to load")
    return tab, tab.events


AXE_RUN = """axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)})))"""

GEOMETRY = """(() => {
  const box = s => { const r = document.querySelector(s).getBoundingClientRect(); return {left: r.left, right: r.right}; };
  return {dir: getComputedStyle(document.body).direction, width: document.documentElement.clientWidth,
          scroll: document.documentElement.scrollWidth, main: box('main'), h1: box('h1'),
          lines: box('.contact .lines'), qr: box('.qr'), dt: box('.event dt'),
          resources: performance.getEntriesByType('resource').map(e => e.name)};
})()"""


@pytest.mark.slow
@pytest.mark.parametrize("code", ["en", "ar"])
def test_page_in_chromium_fetches_nothing_logs_no_error_and_passes_axe(chromium_port, example, code):
    if not AXE.is_file():
        missing_service(f"axe-core is not installed in {AXE.parent} (`make test-deps` installs it with npm)")
    path = example["share"] / f"solidarity-{code}" / "index.html"
    tab, events = _open(chromium_port, path)
    try:
        geometry = tab.js(GEOMETRY)
        tab.js(AXE.read_text(encoding="utf-8") + "\n;true")
        violations = tab.js(AXE_RUN)
        requests = [e["params"]["request"]["url"] for e in events if e.get("method") == "Network.requestWillBeSent"]
        errors = [e for e in events if e.get("method") == "Runtime.exceptionThrown"
                  or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")
                  or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]
    finally:
        tab.sock.close()
    assert [u for u in requests if not u.startswith("data:")] == [path.as_uri()]
    assert geometry["resources"] == [] and errors == []
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
    main, h1, lines, qr = geometry["main"], geometry["h1"], geometry["lines"], geometry["qr"]
    if code == "ar":  # mirrored: text starts at the right, the QR code stands left of the contact lines
        assert geometry["dir"] == "rtl" and qr["right"] <= lines["left"]
        assert abs(h1["right"] - (main["right"] - 16)) < 2 and geometry["dt"]["right"] > main["right"] - 40
    else:
        assert geometry["dir"] == "ltr" and qr["left"] >= lines["right"]
        assert abs(h1["left"] - (main["left"] + 16)) < 2


@pytest.mark.slow
def test_page_reads_on_a_phone_without_sideways_scrolling(chromium_port, example):
    for code in ("en", "ar"):
        tab, _ = _open(chromium_port, example["share"] / f"solidarity-{code}" / "index.html", width=360, mobile=True)
        try:
            geometry = tab.js(GEOMETRY)
            font = tab.js("parseFloat(getComputedStyle(document.querySelector('.text p:not(.lede)')).fontSize)")
        finally:
            tab.sock.close()
        assert geometry["width"] == 360 and geometry["scroll"] <= 360, geometry
        assert font >= 16  # body text at a phone's reading size
