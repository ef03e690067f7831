"""Start-up work we avoid (issue 16): same answers, same output, less work.

- native: ``ctypes.util.find_library`` answered from one ``ldconfig -p``;
- hyphenation: Pyphen dictionaries parsed once and kept on disk as JSON;
- leancli: no Pydantic for plain option values, no Rich/Jinja2/WeasyPrint for ``--help``.

Nothing here is timed; speed is measured by ``make bench`` (benchmarks/run.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pyphen
import pytest

from pamphlet.pages import native
from pamphlet.text import hyphenation

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"

# Every name WeasyPrint 70 hands to cffi (weasyprint/text/ffi.py), plus a few ordinary ones.
WEASYPRINT_NAMES = [
    "libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0", "libgobject-2.0.so.0",
    "libpango-1.0-0", "pango-1.0-0", "pango-1.0", "libpango-1.0.so.0",
    "libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0",
    "libharfbuzz-subset-0", "harfbuzz-subset", "harfbuzz-subset-0.0", "libharfbuzz-subset.so.0",
    "libharfbuzz-vector-0", "harfbuzz-vector", "harfbuzz-vector-0.0", "libharfbuzz-vector.so.0",
    "libfontconfig-1", "fontconfig-1", "fontconfig", "libfontconfig.so.1",
    "libpangoft2-1.0-0", "pangoft2-1.0-0", "pangoft2-1.0", "libpangoft2-1.0.so.0",
    "c", "m", "z", "no-such-library-at-all",
]

linux_only = pytest.mark.skipif(not native._applies(), reason="the ldconfig shortcut applies to Linux only")


def _python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=ROOT, timeout=300)


# --- native libraries ------------------------------------------------------------------------------


@linux_only
def test_find_library_gives_the_standard_librarys_answers():
    for name in WEASYPRINT_NAMES:
        assert native.find_library(name) == native._ORIGINAL(name), name


@linux_only
def test_weasyprint_imports_with_one_ldconfig_instead_of_dozens_of_processes():
    code = """
        import os, sys
        spawned = []
        sys.addaudithook(lambda event, args: spawned.append(args[0]) if event == "subprocess.Popen" else None)
        if os.environ["HOOK"] == "1":
            from pamphlet.pages import native
            native.install()
        import weasyprint
        print(len(spawned))
    """
    plain = _python(code, {"HOOK": "0"})
    hooked = _python(code, {"HOOK": "1"})
    assert plain.returncode == 0 and hooked.returncode == 0, plain.stderr + hooked.stderr
    assert int(hooked.stdout) <= 1 < int(plain.stdout)


def test_install_is_idempotent_and_reversible():
    import ctypes.util

    try:
        native.install()
        native.install()
        if native._applies():
            assert ctypes.util.find_library is native.find_library
    finally:
        native.uninstall()
    assert ctypes.util.find_library is native._ORIGINAL


# --- hyphenation dictionaries -------------------------------------------------------------------

WORDS = {
    "en": ["hyphenation", "internationalist", "neo-liberal", "globalization", "solidarity", "demonstration",
           "extraordinarily", "responsibilities", "Palestine", "a", "", "UNCOMPROMISING"],
    "de": ["Donaudampfschifffahrtsgesellschaft", "Solidarität", "internationalistischen", "Globalisierung",
           "Straßenbahnhaltestelle", "Kundgebung", "Schifffahrt", "Ärztekammer", "ÜBERWACHUNG"],
    "fr": ["internationaliste", "solidarité", "mondialisation", "néolibérale", "anticonstitutionnellement",
           "manifestation", "Œuvre", "déjà"],
    "hu": ["asszonnyal", "hosszú", "Mississippivel", "eddzen", "losszal"],  # non-standard hyphenation (DataInt)
}


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path


def _dict_path(lang: str) -> Path:
    return Path(str(pyphen.LANGUAGES[pyphen.language_fallback(lang)]))


def _positions(hd: pyphen.HyphDict, words: list[str]) -> list[list[tuple[int, object]]]:
    return [[(int(p), p.data) for p in hd.positions(w)] for w in words]


@pytest.mark.parametrize("lang", ["en", "de", "fr", "hu"])
def test_cache_hit_hyphenates_like_a_cold_parse(lang, cache_home, monkeypatch):
    path = _dict_path(lang)
    cold = hyphenation._ORIGINAL_HYPHDICT(path)
    first = hyphenation.CachedHyphDict(path)  # a miss: parses, then writes the cache
    files = list((cache_home / "pamphlet" / "hyphenation").glob("*.json"))
    assert len(files) == 1 and files[0].name.startswith(path.stem)

    def no_parse(self, path):  # noqa: ANN001
        raise AssertionError("the cache was not used")

    monkeypatch.setattr(hyphenation._ORIGINAL_HYPHDICT, "__init__", no_parse)
    hit = hyphenation.CachedHyphDict(path)
    assert hit.patterns == cold.patterns and hit.maxlen == cold.maxlen
    assert _positions(hit, WORDS[lang]) == _positions(first, WORDS[lang]) == _positions(cold, WORDS[lang])
    a, b = object.__new__(pyphen.Pyphen), object.__new__(pyphen.Pyphen)  # no dictionary loading
    a.left = a.right = b.left = b.right = 2
    a.hd, b.hd = cold, hit
    for word in WORDS[lang]:
        assert a.inserted(word) == b.inserted(word) and list(a.iterate(word)) == list(b.iterate(word))


@pytest.mark.parametrize("damage", [
    "not json at all {",
    '{"key": null}',
    "[]",
    "BROKEN-INDEX",
    "OTHER-PYPHEN",
    "",
])
def test_a_damaged_or_stale_cache_is_ignored_and_rewritten(damage, cache_home):
    path = _dict_path("fr")
    key = hyphenation._key(path)
    assert key is not None
    file = hyphenation.cache_file(key)
    cold = hyphenation._ORIGINAL_HYPHDICT(path)
    good = hyphenation.encode(cold.patterns, key)
    file.parent.mkdir(parents=True)
    if damage == "BROKEN-INDEX":
        data = json.loads(good)
        data["index"][5] = 10**6
        damage = json.dumps(data)
    elif damage == "OTHER-PYPHEN":
        damage = hyphenation.encode(cold.patterns, {**key, "pyphen": "0.0.1"})
    file.write_text(damage, encoding="utf-8")
    loaded = hyphenation.CachedHyphDict(path)
    assert loaded.patterns == cold.patterns
    assert hyphenation.decode(file.read_text(encoding="utf-8"), key) == cold.patterns  # rewritten


def test_an_unwritable_cache_still_hyphenates(tmp_path, monkeypatch):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path = _dict_path("en")
    assert hyphenation.CachedHyphDict(path).patterns == hyphenation._ORIGINAL_HYPHDICT(path).patterns


def test_a_changed_dictionary_gets_a_new_cache_entry(tmp_path, cache_home):
    dic = tmp_path / "hyph_xx.dic"
    dic.write_text("UTF-8\n1ba\n2ca\n", encoding="utf-8")
    assert hyphenation.CachedHyphDict(dic).patterns == {"ba": (0, (1,)), "ca": (0, (2,))}
    dic.write_text("UTF-8\n1ba\n3ca\nd1e\n", encoding="utf-8")
    os.utime(dic, ns=(1, 1))
    assert hyphenation.CachedHyphDict(dic).patterns == hyphenation._ORIGINAL_HYPHDICT(dic).patterns
    assert len(list((cache_home / "pamphlet" / "hyphenation").glob("hyph_xx-*.json"))) == 2


def test_install_routes_pyphen_through_the_cache(cache_home):
    try:
        hyphenation.install()
        hyphenation.install()
        assert pyphen.HyphDict is hyphenation.CachedHyphDict
        path = Path("/nonexistent/hyph_zz.dic")
        pyphen.hdcache.pop(path, None)
        hd = pyphen.Pyphen(filename=_dict_path("en"), cache=False).hd
        assert isinstance(hd, hyphenation.CachedHyphDict)
    finally:
        hyphenation.uninstall()
    assert pyphen.HyphDict is hyphenation._ORIGINAL_HYPHDICT


# --- the same PDF bytes -----------------------------------------------------------------------------

_RENDER = """
    import os, sys
    if os.environ["HOOK"] == "1":
        from pamphlet.pages import native; from pamphlet.text import hyphenation
        native.install()
        hyphenation.install()
    from weasyprint import HTML
    if os.environ["HOOK"] == "1":
        from weasyprint.text.ffi import ffi; from pamphlet.pages import ctypes_cache
        ctypes_cache.install(ffi)
    html = '''<html lang="{lang}"><style>@page {{ size: 60mm 200mm; margin: 5mm }}
      p {{ hyphens: auto; text-align: justify; font: 11pt/1.3 "DejaVu Serif" }}</style>
      <p>{text}</p></html>'''
    sys.stdout.buffer.write(HTML(string=html).write_pdf(pdf_identifier=False))
"""
_TEXTS = {
    "de": "Die Donaudampfschifffahrtsgesellschaft erklärt sich solidarisch mit der internationalistischen "
          "Bewegung gegen die neoliberale Globalisierung und ihre Straßenbahnhaltestellenverwaltungen.",
    "en": "Solidarity with Iraq and Palestine is integral to the internationalist struggle against "
          "neo-liberal globalization; extraordinarily uncompromising responsibilities.",
}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_pdf_bytes_are_the_same_with_the_speedups(lang, cache_home):
    code = _RENDER.format(lang=lang, text=_TEXTS[lang])
    env = {"XDG_CACHE_HOME": str(cache_home)}

    def render(hook: str) -> bytes:
        proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, cwd=ROOT,
                              env={**os.environ, **env, "HOOK": hook}, timeout=300)
        assert proc.returncode == 0, proc.stderr.decode()
        return proc.stdout

    plain = render("0")
    cold = render("1")   # writes the cache
    warm = render("1")   # reads it
    assert list((cache_home / "pamphlet" / "hyphenation").glob("*.json"))
    assert plain == cold == warm


# --- C array types without the C parser (WeasyPrint's font subsetting) ---------------------------------


def test_array_types_are_made_without_the_c_parser_and_are_cffis_own(monkeypatch):
    from cffi import FFI
    from weasyprint.text.ffi import ffi

    from pamphlet.pages import _weasy, ctypes_cache  # noqa: F401 - installs it, as every renderer import does

    assert isinstance(ffi._parsed_types, ctypes_cache._ParsedTypes)
    ffi.typeof("hb_codepoint_t")  # the item type, parsed once as WeasyPrint's first font would

    def no_parser(*args: object) -> None:
        raise AssertionError("the C parser ran")

    monkeypatch.setattr(ffi._parser, "parse_type", no_parser)
    made = ffi.new("hb_codepoint_t[1234]", list(range(1234)))
    assert list(made)[:3] == [0, 1, 2] and ffi.sizeof(made) == 4 * 1234
    reference = FFI()
    reference.cdef("typedef uint32_t hb_codepoint_t;")
    assert ffi.typeof(made) is reference.typeof("hb_codepoint_t[1234]")  # the very ctype cffi builds
    monkeypatch.undo()
    # Anything else is cffi's to parse, and to refuse.
    assert ffi.typeof("hb_codepoint_t *") is reference.typeof("hb_codepoint_t *")
    with pytest.raises(Exception, match="no_such_type_t"):
        ffi.new("no_such_type_t[3]")
    ctypes_cache.install(ffi)  # idempotent
    assert type(ffi._parsed_types) is ctypes_cache._ParsedTypes


# --- compiled templates and the tile label font, remembered across processes ---------------------------


def test_compiled_templates_are_read_back_instead_of_compiled(cache_home, monkeypatch):
    import jinja2

    from pamphlet.text import templates

    templates.environment.cache_clear()
    first = templates.environment(None).get_template("partials/masthead.html")
    assert list((cache_home / "pamphlet" / "templates").glob("*/*.cache"))
    templates.environment.cache_clear()  # a new process

    def no_compile(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", no_compile)
    again = templates.environment(None).get_template("partials/masthead.html")
    meta = {"organiser": "Kollektiv", "title": "Solidarity now", "subtitle": "A statement"}
    assert again.render(meta=meta) == first.render(meta=meta)
    assert "Solidarity" in again.render(meta=meta)
    monkeypatch.undo()
    templates.environment.cache_clear()


def test_an_unwritable_template_cache_only_costs_the_compilation(tmp_path, monkeypatch):
    from pamphlet.text import templates

    (tmp_path / "pamphlet").write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    templates.environment.cache_clear()
    try:
        page = templates.environment(None).get_template("partials/masthead.html")
        assert "Kollektiv" in page.render(meta={"organiser": "Kollektiv", "title": "Now", "subtitle": ""})
    finally:
        templates.environment.cache_clear()


def test_the_tile_label_font_is_cut_once_and_read_back_the_same(cache_home, monkeypatch):
    from pamphlet.sheets import press
    from pamphlet.text import memo

    monkeypatch.setattr(memo, "_stores", {})
    press._ascii_font.cache_clear()
    cut = press._ascii_font(True)
    assert cut[0][:4] == b"\x00\x01\x00\x00" and len(cut[1]) == 95  # a TrueType file; widths of 32–126
    press._ascii_font.cache_clear()
    monkeypatch.setattr(memo, "_stores", {})  # a new process

    def no_cut(path: Path) -> list[object]:
        raise AssertionError("cut again")

    monkeypatch.setattr(press, "_cut_ascii_font", no_cut)
    assert press._ascii_font(True) == cut
    press._ascii_font.cache_clear()


def test_font_advances_are_read_once_and_back_the_same(cache_home, monkeypatch):
    from pamphlet.pages import predict
    from pamphlet.resources import fonts_dir

    path = str(fonts_dir() / "noto" / "NotoSans-Regular.ttf")
    predict._advances.cache_clear()
    read = predict._advances(path)
    assert read == predict._read_advances(path) and read[0][ord("a")] > 0
    [cached] = (cache_home / "pamphlet" / "advances").glob("NotoSans-Regular.ttf-*.json")
    predict._advances.cache_clear()  # a new process

    def no_read(path: str) -> None:
        raise AssertionError("read the font again")

    original = predict._read_advances
    monkeypatch.setattr(predict, "_read_advances", no_read)
    assert predict._advances(path) == read
    monkeypatch.setattr(predict, "_read_advances", original)
    cached.write_text("[1, 2", encoding="utf-8")  # damaged: read again, and rewritten
    predict._advances.cache_clear()
    assert predict._advances(path) == read
    assert len(json.loads(cached.read_text(encoding="utf-8"))[0]) == len(read[0])
    predict._advances.cache_clear()


# --- a lean command line -------------------------------------------------------------------------

HEAVY = {"jinja2", "markdown_it", "babel", "weasyprint", "pydantic", "rich", "pyphen", "pikepdf", "fontTools"}

_MODULES = """
    import json, sys
    from pamphlet.cli import run
    try:
        code = run({args!r})
    except SystemExit as exc:
        code = exc.code
    sys.stdout.flush()
    print(json.dumps({{"code": code, "modules": sorted({{m.split(".")[0] for m in sys.modules}})}}), file=sys.stderr)
"""


def _imported(*args: str) -> tuple[int, set[str]]:
    proc = _python(_MODULES.format(args=list(args)))
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"])


def test_help_imports_nothing_heavy():
    code, modules = _imported("--help")
    assert code == 0
    assert not modules & HEAVY, modules & HEAVY


def test_plain_option_values_need_no_pydantic(tmp_path):
    code, modules = _imported("build", str(tmp_path / "missing"), "-l", "leaflet", "-L", "en", "-j", "2",
                              "--bleed", "3", "--creep", "0.5", "-o", str(tmp_path / "out"))
    assert code == 1  # the project is missing: the options were all parsed
    assert "pydantic" not in modules


def _up_to_date_rebuild(tmp_path: Path) -> tuple[int, set[str]]:
    """Build the mini project, then again (everything up to date): the second run's code and modules."""
    project, out = FIXTURES / "mini", tmp_path / "out"
    first = _python(_MODULES.format(args=["build", str(project), "-o", str(out), "-j", "1"]))
    assert first.returncode == 0, first.stderr
    return _imported("build", str(project), "-o", str(out), "-j", "1")


def test_an_up_to_date_rebuild_imports_no_renderer(tmp_path):
    code, modules = _up_to_date_rebuild(tmp_path)
    assert code == 0
    assert not modules & (HEAVY - {"rich"}), modules & HEAVY


# --- LeanParam gives Typer's values or steps aside ---------------------------------------------------

def _typer_params():
    import typer.main

    from pamphlet.cli import app

    group = typer.main.get_command(app)
    return {p.name: p for p in group.commands["build"].params}


@pytest.mark.parametrize(("name", "values"), [
    ("jobs", ["1", "2", "64", "0", "65", "-1", "+2", "02", "1_0", "1.0", "1e1", " 3", "abc", "", 5]),
    ("bleed", ["0", "3", "10", "2.5", "10.5", "-0", "-1", ".5", "1.", "1e0", "nan", "inf", "3,5", 0.0, 2]),
    ("paper", ["a4", "Letter", "", "ä"]),
    ("output", ["dist", "out/sub", ".", "-", "~", ""]),
    ("layout", [("leaflet",), ("leaflet", "zine"), ()]),
])
def test_lean_values_equal_typers_own(name, values):
    from typer._click.exceptions import BadParameter

    from pamphlet import leancli

    param = _typer_params()[name]
    full = leancli.build_runtime_param(param.type_descriptor)
    lean = leancli.LeanParam(parameter_info=param.type_descriptor.parameter_info,
                             annotation=param.type_descriptor.annotation)
    for value in values:
        try:
            leancli._fast(lean.annotation, lean.parameter_info, value, param, None)
        except leancli._Slow:
            continue  # Typer decides: same value or same message by construction
        try:
            expected = full.coerce(value, param=param, ctx=None)
        except BadParameter:
            pytest.fail(f"{name}={value!r}: Typer refuses it, the lean path accepted it")
        got = lean.coerce(value, param=param, ctx=None)
        assert got == expected and type(got) is type(expected), (name, value, got, expected)


# --- small values remembered across processes (QR code, dates) ------------------------------------------


def test_memo_remembers_across_processes_and_recomputes_when_damaged(cache_home, monkeypatch):
    from pamphlet.text import memo

    calls: list[str] = []

    def make(value: str):  # noqa: ANN202
        return lambda: calls.append(value) or value

    monkeypatch.setattr(memo, "_stores", {})
    assert memo.remembered("qr", ("https://example.org", "#000"), make("svg-1"), library="json") == "svg-1"
    monkeypatch.setattr(memo, "_stores", {})  # a new process
    assert memo.remembered("qr", ("https://example.org", "#000"), make("svg-2"), library="json") == "svg-1"
    assert memo.remembered("qr", ("https://example.org", "#111"), make("svg-3"), library="json") == "svg-3"
    assert calls == ["svg-1", "svg-3"]
    for damage in ("{not json", '{"format": 1, "entries": []}', '{"format": 99, "entries": {}}'):
        memo._file("qr").write_text(damage, encoding="utf-8")
        monkeypatch.setattr(memo, "_stores", {})
        assert memo.remembered("qr", ("https://example.org", "#000"), make("svg-4"), library="json") == "svg-4"
    assert json.loads(memo._file("qr").read_text(encoding="utf-8"))["format"] == memo.FORMAT


def test_memo_key_includes_the_librarys_installed_version(cache_home, monkeypatch):
    from pamphlet.text import memo

    assert memo.library_version("no_such_module_anywhere") != memo.library_version("json")
    monkeypatch.setattr(memo, "_stores", {})
    assert memo.remembered("d", ("x",), lambda: "one", library="json") == "one"
    monkeypatch.setattr(memo, "library_version", lambda module: "another install")
    assert memo.remembered("d", ("x",), lambda: "two", library="json") == "two"


@pytest.mark.parametrize(("args", "message"), [
    (["-j", "0"], "Input should be greater than or equal to 1"),
    (["-j", "abc"], "Input should be a valid integer"),
    (["--bleed", "x"], "Input should be a valid number"),
    (["--bleed", "20"], "Input should be less than or equal to 10"),
])
def test_values_the_lean_path_declines_get_typers_own_messages(args, message, tmp_path):
    proc = _python(f"""
        import sys
        from pamphlet.cli import run
        sys.exit(run(["build", {str(tmp_path)!r}, *{args!r}]))
    """)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr


def test_an_up_to_date_rebuild_into_a_pipe_imports_no_rich(tmp_path):
    """Output to a pipe or a log is plain text: no Rich import on the hot path (~0.1 s)."""
    code, modules = _up_to_date_rebuild(tmp_path)
    assert code == 0
    assert not {m for m in modules if m.split(".")[0] == "rich"}


# --- the start-up patches, whichever module comes first -----------------------------------------------

def _modules() -> list[str]:
    package = ROOT / "pamphlet"
    names = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] in ("__main__",):
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@linux_only
def test_every_module_imported_first_installs_the_patches_before_weasyprint() -> None:
    """Importing any pamphlet module first, then laying out, never imports WeasyPrint unpatched (an unpatched
    import costs ~50 compiler and linker shell-outs: `proof.py` once imported WeasyPrint on its own).

    One interpreter forks a fresh child per module; the child notes whether the patches are in place when
    WeasyPrint's import starts, and stops that import there (the answer is known; the import itself costs
    ~0.4 s a module)."""
    code = """
        import ctypes.util, importlib, os, sys

        class Known(ImportError):
            pass

        class Watch:
            def find_spec(self, name, path=None, target=None):
                if name == "weasyprint":
                    from pamphlet.pages import native
                    os.write(1, f"{sys.argv[-1]} {ctypes.util.find_library is native.find_library}\\n".encode())
                    raise Known(name)
                return None

        for name in sys.argv[1:]:
            pid = os.fork()
            if pid == 0:
                sys.argv.append(name)
                sys.meta_path.insert(0, Watch())
                try:
                    for module in (name, "pamphlet.pages.render"):
                        importlib.import_module(module)
                except Known:
                    os._exit(0)
                except ImportError as exc:  # an optional extra (distributed) this machine lacks
                    os._exit(0 if "distributed" in str(exc) else 3)
                os._exit(4)  # pamphlet.pages.render imported without WeasyPrint?
            _, status = os.waitpid(pid, 0)
            if status:
                print(name, "exit", status)
    """
    names = _modules()
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *names], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    seen = dict(line.rsplit(" ", 1) for line in proc.stdout.splitlines())
    assert set(seen) >= set(names) - {n for n in names if n.startswith("pamphlet.editions.cluster")}, proc.stdout
    assert {name for name, patched in seen.items() if patched != "True"} == set(), proc.stdout
