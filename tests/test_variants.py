"""Variants (issue 15): one text, many local editions — the table, the matrix, shards, a Dask cluster.

The 40-row fixture is 160 editions; building them all would take a minute, so
the matrix is checked without building (``batch.editions`` + ``shard``) and a
subset of three variants is built once per session and read back.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from pamphlet import layouts
from pamphlet.editions import batch, cluster
from pamphlet.errors import ConfigError, ContentError, ProjectError
from pamphlet.pipeline import BuildOptions
from pamphlet.source import variants
from pamphlet.source.project import load_project
from pamphlet.text.edition import EditionSpec

from .conftest import FIXTURES, build_once, page_texts, run_cli

PROJECT = FIXTURES / "variants"
EPOCH = "1767225600"  # 2026-01-01: both builds compared byte for byte stamp the same date
BUILT = ("leeds", "london", "bolton")  # rows 1, 2 and 40 (lines 2, 3 and 41)


def _load(path: Path) -> Any:
    return load_project(path, layouts.LAYOUT_NAMES)


def _rows() -> dict[str, dict[str, str]]:
    import csv

    with open(PROJECT / "variants.csv", encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


@pytest.fixture(scope="session")
def variants_build(tmp_path_factory) -> Path:
    """Three variants × en, ar × leaflet, handbill, built once (-j 1) per test run for every test worker."""
    args = [a for v in BUILT for a in ("-V", v)]
    return build_once(tmp_path_factory, "variants-build", PROJECT, *args, "-j", "1",
                      env={"SOURCE_DATE_EPOCH": EPOCH}).out


# --- the table -----------------------------------------------------------------------------------


def test_the_table_loads_forty_variants_in_file_order():
    project = _load(PROJECT)
    assert len(project.variants) == 40
    leeds = project.variant("leeds")
    assert (leeds.id, leeds.line, leeds.languages) == ("leeds", 2, ())
    assert leeds.event == {"date": dt.date(2026, 5, 1), "start": dt.time(10, 0), "end": dt.time(13, 0)}
    assert leeds.contact == {"email": "leeds@example.org"}
    assert leeds.meta == {"": {"place": "Town Hall steps, Leeds"}, "ar": {"place": "درج مبنى البلدية، ليدز"}}
    assert project.variants[-1].id == "bolton" and project.variants[-1].line == 41


def test_for_variant_overrides_config_and_front_matter_and_keeps_the_rest():
    project = _load(PROJECT)
    york = project.for_variant("york")
    assert york.config.event.date == dt.date(2026, 5, 18) and york.config.event.start == dt.time(15, 30)
    assert york.config.contact.email == "york@example.org"
    assert york.config.contact.web == project.config.contact.web  # not in the table: pamphlet.yaml's
    assert york.config.qr == "https://example.org/action/york"
    assert york.languages["en"].meta["place"] == "Central Library, York"
    assert york.languages["ar"].meta["place"] == "المكتبة المركزية، يورك"
    assert york.languages["en"].meta["title"] == project.languages["en"].meta["title"]
    assert project.languages["en"].meta["place"] == "Your town centre"  # the loaded project is untouched
    assert project.for_variant(None) is project


def test_yaml_table_nested_or_dotted_keys_and_a_languages_column():
    project = _load(FIXTURES / "variants-yaml")
    paris, leeds, brussels = project.variants
    assert paris.languages == ("fr",) and leeds.languages == ("en",) and brussels.languages == ()
    p = project.for_variant("paris")
    assert p.config.event.date == dt.date(2026, 6, 1) and p.config.event.start == dt.time(18, 0)
    assert p.languages["fr"].meta["title"] == "Journée d'action à Paris"
    assert p.languages["en"].meta["place"] == "Town centre"  # place@fr only
    lp = project.for_variant("leeds")
    assert lp.config.event.start == dt.time(12, 0)  # date overridden, start kept from pamphlet.yaml
    assert lp.config.contact.email == "leeds@example.org" and lp.config.contact.web == "https://example.org"
    b = project.for_variant("brussels")
    assert (b.languages["en"].meta["place"], b.languages["fr"].meta["place"]) == ("Flagey Square", "Place Flagey")
    names = [s.name for s in batch.editions(project, BuildOptions())]
    assert names == ["paris/fr/leaflet", "leeds/en/leaflet", "brussels/en/leaflet", "brussels/fr/leaflet"]


def test_every_bad_cell_is_reported_at_once_with_its_line():
    with pytest.raises(ConfigError) as info:
        _load(FIXTURES / "variants-bad")
    found = [(p.location.line, p.field) for p in info.value.problems]
    assert found == [
        (1, "plcae"), (1, "place@xx"),
        (3, "event.date"), (3, "event.start"), (3, "contact.email"), (3, "qr"), (3, "languages"), (3, "id"),
        (4, "id"), (5, "id"), (6, "id"), (7, "event.start"), (8, "cell 10"),
    ]
    lines = info.value.lines()
    assert all("variants.csv:" in line for line in lines)
    text = "\n".join(lines)
    for needle in ("plcae: unknown column (did you mean 'place'?)", "unknown language 'xx'", "'2026-13-45' is not a date",
                   "'25:00' is not a time", "'example.org/x' is not a link", "unknown language 'de'",
                   "'leeds' is also the id of the variant on line 2", "'Paris 1' is not valid", "must not be empty",
                   "'../etc' is not valid", "needs an event.date", "'extra' is under no column"):
        assert needle in text, needle


def test_check_reports_the_bad_table_as_one_error_listing_every_cell():
    result = run_cli("check", FIXTURES / "variants-bad")
    assert result.exit_code == 1
    assert "error: 13 problems" in result.stderr
    assert "variants.csv:3: event.date:" in result.stderr and "variants.csv:1: plcae:" in result.stderr
    assert "hint: fix the cells named above" in result.stderr


def _table(tmp_path: Path, text: str, name: str = "variants.csv", yaml_event: bool = True) -> Path:
    project = tmp_path / "p"
    project.mkdir()
    event = "event:\n  date: 2026-05-01\n" if yaml_event else ""
    (project / "pamphlet.yaml").write_text(f"slug: t\n{event}", encoding="utf-8")
    (project / "en.md").write_text("---\ntitle: T\n---\n\nText.\n", encoding="utf-8")
    (project / name).write_text(text, encoding="utf-8")
    return project


@pytest.mark.parametrize(("text", "expected"), [
    ("place,qr\nX,https://e.org\n", "id: no id column"),
    ("id,place,place\na,X,Y\n", "place: column named twice"),
    ("id\n", "the table has no rows"),
    ('id,place\na,"unterminated\n', "not a readable CSV table"),
    ("id,event.end\na,\nb,9\n", "variants.csv:3: event.end: '9' is not a time"),
    ("id,title@pt_BR\na,X\n", "'pt_BR' after @ is not a language code"),
    ("id,strings\na,X\n", "strings: unknown column"),
    ("id,theme.accent\na,#12\n", "variants.csv:2: theme.accent: "),
    ("id,theme.acent\na,red\n", "did you mean 'theme.accent'"),
])
def test_table_problems(tmp_path, text, expected):
    with pytest.raises(ConfigError) as info:
        _load(_table(tmp_path, text))
    assert expected in "\n".join(info.value.lines())


def test_semicolon_tables_from_spreadsheets_and_a_bom(tmp_path):
    project = _load(_table(tmp_path, "\ufeffid;place;event.start\nleeds;Park Square, Leeds;14:00\n"))
    (v,) = project.variants
    assert v.meta[""]["place"] == "Park Square, Leeds" and v.event["start"] == dt.time(14, 0)


def test_yaml_table_problems_name_each_row(tmp_path):
    text = "- id: a\n  plcae: X\n- id: b\n  plcae: Y\n- just text\n"
    with pytest.raises(ConfigError) as info:
        _load(_table(tmp_path, text, "variants.yaml"))
    assert [(p.location.line, p.field) for p in info.value.problems] == [(2, "plcae"), (4, "plcae"), (5, "")]


def test_two_tables_is_an_error(tmp_path):
    project = _table(tmp_path, "id\na\n")
    (project / "variants.yaml").write_text("- id: a\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="a second variants table beside variants.csv"):
        _load(project)


def test_a_table_that_links_outside_the_project_is_refused(tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text("id\na\n", encoding="utf-8")
    project = _table(tmp_path, "id\na\n")
    (project / "variants.csv").unlink()
    (project / "variants.csv").symlink_to(outside)
    with pytest.raises(ContentError, match="variants.csv: refused: it is a link to a file outside the project"):
        _load(project)


def test_digest_is_the_row_values_not_its_position():
    a = variants.Variant("leeds", 2, (), {"date": dt.date(2026, 5, 1)}, {}, None, {"": {"place": "X"}})
    moved = variants.Variant("leeds", 9, (), {"date": dt.date(2026, 5, 1)}, {}, None, {"": {"place": "X"}})
    changed = variants.Variant("leeds", 2, (), {"date": dt.date(2026, 5, 2)}, {}, None, {"": {"place": "X"}})
    assert a.digest() == moved.digest() != changed.digest()


# --- the matrix, -V and shards (no building) -------------------------------------------------------


def test_the_matrix_is_variant_by_language_by_layout():
    specs = batch.editions(_load(PROJECT), BuildOptions())
    assert len(specs) == 160
    assert [s.name for s in specs[:4]] == ["leeds/ar/leaflet", "leeds/ar/handbill", "leeds/en/leaflet",
                                           "leeds/en/handbill"]
    assert len({s.name for s in specs}) == 160


@pytest.mark.parametrize("n", [1, 2, 3, 7, 20, 64, 160, 200])
def test_shards_cover_the_matrix_exactly_once(n):
    project = _load(PROJECT)
    everything = [s.name for s in batch.editions(project, BuildOptions())]
    parts = [[s.name for s in batch.editions(project, BuildOptions(shard=(k, n)))] for k in range(1, n + 1)]
    union = [name for part in parts for name in part]
    assert sorted(union) == sorted(everything)  # every edition, none twice
    assert max(map(len, parts)) - min(map(len, parts)) <= 1  # balanced
    assert parts == [[s.name for s in batch.editions(project, BuildOptions(shard=(k, n)))]
                     for k in range(1, n + 1)]  # deterministic


def test_variant_selection_and_unknown_ids():
    project = _load(PROJECT)
    specs = batch.editions(project, BuildOptions(variants=("york", "leeds", "york"), langs=("ar",)))
    assert [s.name for s in specs] == ["york/ar/leaflet", "york/ar/handbill", "leeds/ar/leaflet", "leeds/ar/handbill"]
    with pytest.raises(ProjectError, match="no such variant \\(did you mean 'leeds'\\?\\)"):
        batch.editions(project, BuildOptions(variants=("leds",)))


def test_cli_unknown_variant_and_bad_shard(tmp_path):
    result = run_cli("build", PROJECT, "-V", "leds", "-o", tmp_path)
    assert result.exit_code == 1
    assert "error: --variant leds: no such variant (did you mean 'leeds'?)" in result.stderr
    for bad, message in (("3/2", "K must be between 1 and N"), ("0/4", "K must be between 1 and N"),
                         ("x", "expected K/N, like 1/4"), ("1/0", "K must be between 1 and N")):
        result = run_cli("build", PROJECT, "--shard", bad, "-o", tmp_path)
        assert result.exit_code == 2, bad
        assert message in result.stderr
    result = run_cli("check", PROJECT, "--shard", "2", "--json")
    assert result.exit_code == 2 and json.loads(result.stdout)["ok"] is False
    assert not any(tmp_path.iterdir())


def test_watch_takes_variants_too_and_refuses_an_unknown_one_at_once(tmp_path):
    result = run_cli("watch", PROJECT, "-V", "leds", "-o", tmp_path)
    assert result.exit_code == 1
    assert "error: --variant leds: no such variant (did you mean 'leeds'?)" in result.stderr


def test_variant_without_table_is_an_error():
    with pytest.raises(ProjectError, match="has no variants table"):
        batch.editions(_load(FIXTURES / "mini"), BuildOptions(variants=("x",)))


# --- built editions ----------------------------------------------------------------------------------


def test_each_edition_is_in_its_variants_folder_with_its_name(variants_build):
    summary = json.loads((variants_build / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["editions"]) == 12 and summary["ok"]
    for vid in BUILT:
        names = sorted(p.name for p in (variants_build / vid).iterdir())
        assert names == sorted(f"day-of-action-{vid}-{lang}-{layout}{suffix}.pdf" for lang in ("en", "ar")
                               for layout, suffix in (("leaflet", ""), ("handbill", ""), ("handbill", "-print")))
    assert {e["variant"] for e in summary["editions"]} == set(BUILT)
    for e in summary["editions"]:
        assert Path(e["path"]).parent == variants_build / e["variant"]


def test_each_pdf_carries_its_own_city_date_time_place_and_contact(variants_build):
    rows = _rows()
    for vid in BUILT:
        row = rows[vid]
        others = [rows[o]["place"] for o in BUILT if o != vid]
        day = dt.date.fromisoformat(row["event.date"])
        for layout in ("leaflet", "handbill"):
            en = "\n".join(page_texts(variants_build / vid / f"day-of-action-{vid}-en-{layout}.pdf"))
            assert row["place"] in en
            assert f"{day:%B} {day.day}, {day.year}" in en  # Friday, May 1, 2026
            assert f"{row['contact.email']}" in en
            assert not any(o in en for o in others)
            ar = "\n".join(page_texts(variants_build / vid / f"day-of-action-{vid}-ar-{layout}.pdf"))
            assert row["place@ar"] in ar
            assert _arabic_digits(str(day.day)) in ar and "٢٠٢٦" in ar
            assert row["place"] not in ar and "وسط مدينتك" not in ar  # the ar place, not the project's
    leeds = "\n".join(page_texts(variants_build / "leeds" / "day-of-action-leeds-en-leaflet.pdf"))
    assert "10:00\u202fAM\u2009–\u20091:00\u202fPM" in leeds


def _arabic_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


def test_a_changed_row_rebuilds_only_its_variant(tmp_path):
    project = shutil.copytree(PROJECT, tmp_path / "p")
    out = tmp_path / "out"
    args = ("build", project, "-V", "leeds", "-V", "york", "-L", "en", "-l", "leaflet", "-o", out, "--json")
    assert run_cli(*args).exit_code == 0
    table = project / "variants.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("Central Library, York", "Museum Gardens, York"),
                     encoding="utf-8")
    result = run_cli(*args)
    status = {e["variant"]: e["status"] for e in json.loads(result.stdout)["editions"]}
    assert status == {"leeds": "up-to-date", "york": "built"}
    assert "Museum Gardens, York" in page_texts(out / "york" / "day-of-action-york-en-leaflet.pdf")[0]


def test_check_names_the_variant_and_the_cell_of_a_letter_no_font_has(tmp_path):
    project = shutil.copytree(PROJECT, tmp_path / "p")
    table = project / "variants.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("Central Library, York", "Central Library, York ☃"),
                     encoding="utf-8")
    result = run_cli("check", project, "-V", "york", "-V", "leeds", "-L", "en", "-l", "leaflet", "--json")
    assert result.exit_code == 1
    by_variant = {e["variant"]: e for e in json.loads(result.stdout)["editions"]}
    assert by_variant["leeds"]["status"] == "ok"
    (finding,) = by_variant["york"]["findings"]
    assert finding["message"].startswith("york: en:")
    assert "variants.csv:19" in finding["message"]  # york is on line 19 of the table


# --- a Dask cluster -------------------------------------------------------------------------------------


def test_the_dask_path_is_byte_identical_to_the_local_build(variants_build, tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    out = tmp_path / "out"
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None) as local:
        result = run_cli("build", PROJECT, "-V", "leeds", "-o", out, "--scheduler", local.scheduler_address, "--json")
    assert result.exit_code == 0, result.output
    editions = json.loads(result.stdout)["editions"]
    assert [e["status"] for e in editions] == ["built"] * 4
    written = sorted(p.relative_to(out) for p in out.rglob("*.pdf"))
    assert len(written) == 6  # 4 reading PDFs, 2 handbill sheets
    for rel in written:
        assert (out / rel).read_bytes() == (variants_build / rel).read_bytes(), rel
    for e in editions:
        assert Path(e["path"]).is_file() and Path(e["path"]).is_relative_to(out)
    assert not list(out.rglob(".*.tmp"))


def test_scheduler_that_cannot_be_reached_or_no_dask(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)
    result = run_cli("build", PROJECT, "-V", "leeds", "-o", tmp_path, "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 1
    assert "error: --scheduler tcp://127.0.0.1:9: cannot reach the Dask scheduler" in result.stderr
    assert "hint: start it with `dask scheduler`" in result.stderr
    monkeypatch.setitem(sys.modules, "distributed", None)
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:9")
    result = run_cli("build", PROJECT, "-V", "leeds", "-o", tmp_path)
    assert result.exit_code == 1
    assert "Dask is not installed here" in result.stderr
    assert "hint: pip install '.[dask]' in your pamphlet checkout (or: pipx inject pamphlet-builder distributed)" \
        in result.stderr
    assert not any(tmp_path.iterdir())


class _Flaky(Executor):
    """Fails the first attempt of every edition (a worker lost), and every attempt of ``always``."""

    def __init__(self, always: str):
        self.pool = ThreadPoolExecutor(1)
        self.always = always
        self.seen: list[str] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        spec: EditionSpec = args[1]
        first = spec.name not in self.seen
        self.seen.append(spec.name)
        if first or spec.variant == self.always:
            fut: Future[Any] = Future()
            fut.set_exception(OSError("worker tcp://10.0.0.7:40000 lost"))
            return fut
        return self.pool.submit(fn, *args, **kwargs)


def test_a_lost_worker_is_retried_once_then_only_its_edition_fails(tmp_path):
    project = _load(PROJECT)
    opts = BuildOptions(variants=("leeds", "york"), langs=("en",), layouts=("leaflet",), out=tmp_path)
    flaky = _Flaky(always="york")
    results = batch.build(project, opts, executor=flaky)
    assert sorted(flaky.seen) == ["leeds/en/leaflet"] * 2 + ["york/en/leaflet"] * 2  # each retried once
    leeds, york = results
    assert leeds.status == "built" and Path(leeds.path) == tmp_path / "leeds" / "day-of-action-leeds-en-leaflet.pdf"
    assert york.status == "failed" and "york/en/leaflet: failed twice on the cluster: OSError" in york.error
    assert not (tmp_path / "york").exists()


def test_the_bundle_carries_the_project_files_but_not_outputs_or_hidden_files(tmp_path):
    project_dir = shutil.copytree(PROJECT, tmp_path / "p")
    (project_dir / "images").mkdir()
    (project_dir / "images" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    (project_dir / ".git").mkdir()
    (project_dir / ".git" / "HEAD").write_text("x", encoding="utf-8")
    (project_dir / "dist").mkdir()
    (project_dir / "dist" / "old.png").write_bytes(b"png")
    (project_dir / "old.pdf").write_bytes(b"%PDF")
    (tmp_path / "secret.txt").write_text("s", encoding="utf-8")
    (project_dir / "link.txt").symlink_to(tmp_path / "secret.txt")
    project = _load(project_dir)
    bundle = cluster.ProjectBundle.pack(project, skip=[project_dir / "dist"])
    assert sorted(bundle.files) == ["ar.md", "en.md", "images/logo.svg", "pamphlet.yaml", "variants.csv"]
    moved = bundle.unpack(tmp_path / "worker")
    assert moved.root == tmp_path / "worker" / "p"
    assert moved.languages["en"].path == moved.root / "en.md" and moved.config.path == moved.root / "pamphlet.yaml"
    assert (moved.root / "images" / "logo.svg").read_text(encoding="utf-8") == "<svg/>"
    assert moved.variants == project.variants


def test_check_warns_when_a_row_sets_a_field_for_one_language_but_not_another(tmp_path):
    project_dir = shutil.copytree(FIXTURES / "variants-yaml", tmp_path / "p")
    (project_dir / "variants.yaml").write_text("- id: leeds\n  place@en: Park Square\n", encoding="utf-8")
    project = _load(project_dir)
    found = variants.gaps(project, project.variant("leeds"))
    assert list(found) == ["fr"]
    ((message, hint),) = found["fr"]
    assert message == ("leeds: fr: place@en is set but place@fr is empty (variants.yaml:2), "
                       "so the fr editions print 'Centre-ville' from fr.md")
    assert hint.startswith("fill in place@fr on this row")
    result = run_cli("check", project_dir, "-L", "fr", "--json")
    (edition,) = json.loads(result.stdout)["editions"]
    assert edition["variant"] == "leeds" and edition["status"] == "warning"
    assert [f["message"] for f in edition["findings"]] == [message]


def test_a_variant_sets_its_own_colours(tmp_path):
    """Local groups print in their own colours: ``theme.accent`` per row; an empty cell keeps the project's."""
    import pypdfium2 as pdfium

    project = _table(tmp_path, "id,theme.accent\ngreen,#1d6b3a\nplain,\n")
    result = run_cli("build", project, "-l", "leaflet", "-o", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.output

    def masthead(variant: str) -> tuple[int, ...]:
        pdf = pdfium.PdfDocument(str(tmp_path / "out" / variant / f"t-{variant}-en-leaflet.pdf"))
        try:
            img = pdf[0].render(scale=1).to_pil().convert("RGB")
        finally:
            pdf.close()
        return img.getpixel((img.width // 2, 60))  # inside the masthead band, left of nothing but colour

    assert masthead("green") == (0x1D, 0x6B, 0x3A)
    assert masthead("plain") == (0xB3, 0x12, 0x2E)  # the default accent


def _strings_project(tmp_path: Path, table: str, name: str = "variants.csv") -> Path:
    project = _table(tmp_path, table, name)
    (project / "en.md").write_text("---\ntitle: T\nplace: Town Hall\nstrings:\n  time: Hours\n---\n\nText.\n",
                                   encoding="utf-8")
    (project / "fr.md").write_text("---\ntitle: T\nplace: Mairie\n---\n\nTexte.\n", encoding="utf-8")
    (project / "pamphlet.yaml").write_text("slug: t\nevent:\n  date: 2026-05-01\n  start: '10:00'\n", encoding="utf-8")
    return project


@pytest.mark.parametrize("name, table", [
    ("variants.csv", "id,strings.where,strings.where@fr\nown,Meet at,Rendez-vous\nplain,,\n"),
    ("variants.yaml", "- id: own\n  strings: {where: Meet at}\n  strings@fr: {where: Rendez-vous}\n- id: plain\n"),
])
def test_a_row_sets_ui_strings_on_top_of_the_front_matter(tmp_path, name, table):
    """``strings.where`` (every language) and ``strings.where@fr`` (one, winning), merged key by key into the
    front matter's own ``strings:``; an empty cell keeps what was there."""
    project = _load(_strings_project(tmp_path, table, name))
    own = project.variant("own")
    assert own.strings == {"": {"where": "Meet at"}, "fr": {"where": "Rendez-vous"}}
    assert project.for_variant("own").languages["en"].meta["strings"] == {"time": "Hours", "where": "Meet at"}
    assert project.for_variant("own").languages["fr"].meta["strings"] == {"where": "Rendez-vous"}
    assert project.for_variant("plain").languages["en"].meta["strings"] == {"time": "Hours"}
    assert project.for_variant("plain").languages["fr"].meta["strings"] == {}
    assert own.digest() != project.variant("plain").digest()


@pytest.mark.slow
def test_a_variant_prints_its_own_ui_strings(tmp_path):
    project = _strings_project(tmp_path, "id,strings.where,strings.where@fr\nown,Meet at,Rendez-vous\nplain,,\n")
    result = run_cli("build", project, "-l", "leaflet", "-o", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.output

    def text(variant: str, lang: str) -> str:  # the labels print in capitals (CSS), the text as written
        return " ".join(page_texts(tmp_path / "out" / variant / f"t-{variant}-{lang}-leaflet.pdf")).upper()

    assert "MEET AT" in text("own", "en") and "WHERE" not in text("own", "en")
    assert "HOURS" in text("own", "en")  # en.md's own strings: stay
    assert "RENDEZ-VOUS" in text("own", "fr") and "MEET AT" not in text("own", "fr")
    assert "WHERE" in text("plain", "en") and "MEET AT" not in text("plain", "en")
    assert "HOURS" in text("plain", "en")


def test_a_strings_column_is_checked_like_the_front_matter(tmp_path):
    project = _strings_project(tmp_path, "id,strings.Where,strings.where@xx,strings.where\na,x,y," + "z" * 201 + "\n")
    result = run_cli("check", project)
    assert result.exit_code == 1
    assert "variants.csv:1: strings.Where: 'Where' is not a UI string name (lower case letters and _)" in result.stderr
    assert "variants.csv:1: strings.where@xx: unknown language 'xx'" in result.stderr
    assert "variants.csv:2: strings.where:" in result.stderr and "200" in result.stderr


def test_a_changed_strings_cell_rebuilds_its_variant_only(tmp_path):
    project = _strings_project(tmp_path, "id,strings.where\na,Meet at\nb,Meet at\n")
    out = tmp_path / "out"
    assert run_cli("build", project, "-L", "en", "-l", "handbill", "-o", out).exit_code == 0
    (project / "variants.csv").write_text("id,strings.where\na,Meet at\nb,Gather at\n", encoding="utf-8")
    result = run_cli("build", project, "-L", "en", "-l", "handbill", "-o", out, "--json")
    assert {e["variant"]: e["status"] for e in json.loads(result.stdout)["editions"]} == {"a": "up-to-date",
                                                                                         "b": "built"}
