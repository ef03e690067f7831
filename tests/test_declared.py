"""Declared once (issue 22 part 2): the settings' schema, types, front-matter field lists and docs come from
one declaration in pamphlet/source/config.py; honest module and error names; no import cycle between the project
and its variants."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from pamphlet import errors, layouts
from pamphlet.source import config, variants, yamlsrc
from pamphlet.source.config import Config, FrontMatter, declared, parse_config, schema

from .conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent


def _parse(text: str, path: Path = Path("/p/pamphlet.yaml")) -> Config:
    return parse_config(yamlsrc.load(text, path), layouts.LAYOUT_NAMES)


def test_the_schema_is_the_declaration():
    """Every declared field is checked under its own name, sections as mappings of their own fields."""
    def names(mapping: config.Mapping, cls: type) -> None:
        assert list(mapping.fields) == [f.name for f in declared(cls)]
        for f in declared(cls):
            if "section" in f.metadata:
                names(mapping.fields[f.name], f.metadata["section"])  # type: ignore[arg-type]

    names(schema(Config), Config)
    assert list(config.FRONT_MATTER.fields) == [f.name for f in declared(FrontMatter)]


def test_defaults_come_from_the_declaration():
    """An empty pamphlet.yaml gives exactly the dataclasses' defaults (the slug from the folder's name)."""
    parsed = _parse("")
    plain = Config(path=Path("/p/pamphlet.yaml"))
    for f in declared(Config):
        if f.name != "slug":
            assert getattr(parsed, f.name) == getattr(plain, f.name), f.name
    assert parsed.slug == "p" and parsed.event is None
    assert isinstance(parsed.theme, config.Theme) and parsed.theme.accent == "#b3122e"
    assert parsed.min_scale == 0.85 and parsed.lede_words == 45 and isinstance(parsed.lede_words, int)
    assert parsed.layouts == ["leaflet"] and parsed.layouts is not _parse("").layouts  # never one shared list


def test_values_are_built_into_the_declared_types():
    cfg = _parse("theme: {accent: navy}\nevent: {date: 2026-05-01, start: '14:00'}\ncontact: {email: a@b.org}\n"
                 "fit: {min_scale: 0.9}\nlede: {max_words: 30.7}\nlayouts: [zine, leaflet]\n")
    assert cfg.theme == config.Theme(accent="navy")
    assert cfg.event == config.Event(dt.date(2026, 5, 1), dt.time(14, 0), None)
    assert cfg.contact == config.Contact(email="a@b.org")
    assert (cfg.min_scale, cfg.lede_words, cfg.layouts) == (0.9, 30, ["zine", "leaflet"])
    with pytest.raises(errors.ConfigError) as info:
        parse_config(yamlsrc.load("layouts: [zine]\n", Path("/p/pamphlet.yaml")), ["leaflet"])
    assert "layouts[0]: unknown layout 'zine'" in str(info.value)  # the names the checker is given


def test_front_matter_field_lists_are_derived():
    printed = tuple(f.name for f in declared(FrontMatter) if f.metadata.get("printed"))
    assert config.PRINTED_FIELDS == printed == ("title", "subtitle", "place", "call_to_action", "organiser",
                                                "contact", "description")
    assert variants.META_FIELDS == config.VARIANT_FIELDS
    # a variants table's cell is one text: not the placards' list of slogans
    assert set(config.VARIANT_FIELDS) == {f.name for f in declared(FrontMatter)} - {"strings", "slogans"}
    assert set(variants._VALUE_OPTIONS) == {"event.date", "event.start", "event.end", "contact.email", "contact.web",
                                            "contact.phone", "contact.social", "theme.accent", "theme.ink",
                                            "theme.paper", "theme.highlight", "qr"}
    assert variants._VALUE_OPTIONS["qr"] is schema(Config).fields["qr"]


def test_the_templates_get_the_printed_fields():
    from pamphlet.editions import batch
    from pamphlet.source.spec import EditionSpec
    from pamphlet.text.edition import prepare

    project = batch.load(FIXTURES / "mini")
    prepared = prepare(project, EditionSpec("en", "leaflet"))
    assert tuple(prepared.context["meta"]) == config.PRINTED_FIELDS


def test_the_settings_tables_in_the_docs_are_the_declaration():
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import settings  # docs/settings.py
    finally:
        sys.path.pop(0)
    text = (ROOT / "docs" / "project-format.md").read_text(encoding="utf-8")
    assert text.count("<!-- settings: ") == 2
    assert settings.render(text) == text, "run .venv/bin/python docs/settings.py (or make docs)"
    for name, _, doc in config.reference():
        assert doc, name
        assert f"| `{name}` |" in text


def test_honest_names():
    assert importlib.util.find_spec("pamphlet.cache") is None and importlib.util.find_spec("pamphlet.editions.manifest")
    assert importlib.util.find_spec("pamphlet.i18n") is None
    assert not hasattr(errors, "PrintError")
    assert issubclass(errors.ImpositionError, errors.PamphletError) and errors.ImpositionError is not errors.PrinterError


def _imports(module: str) -> set[str]:
    """The pamphlet modules a module imports, by their last name (``pamphlet.text.languages`` → ``languages``)."""
    (path,) = (ROOT / "pamphlet").glob(f"**/{module}.py")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pamphlet"):
            found.add(node.module.rsplit(".", 1)[-1])
            found |= {alias.name for alias in node.names}
    return found


def test_no_import_cycle_between_the_project_and_its_variants():
    """project.py imported variants.py inside functions and variants.py imported project.py for its types;
    both now take the data from model.py, which imports neither."""
    assert "project" not in _imports("variants")
    assert not {"project", "variants"} & _imports("model")
    assert not {"languages"} & _imports("translations")
    for first in ("variants", "model", "project", "translations", "languages", "config"):
        (path,) = (ROOT / "pamphlet").glob(f"**/{first}.py")
        dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        subprocess.run([sys.executable, "-c", f"import {dotted}"], check=True, cwd=ROOT)


def test_config_reads_no_heavy_library():
    """The settings schema reads the language tables on every run (scripts, roles, digit systems): they must
    not bring Babel or Pyphen along."""
    code = ("import sys, pamphlet.source.config, pamphlet.text.languages; "
            "print(sorted(m for m in ('babel', 'pyphen', 'jinja2', 'weasyprint') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def test_dataclasses_stay_frozen_and_replaceable():
    cfg = _parse("event: {date: 2026-05-01}\n")
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.slug = "x"  # type: ignore[misc]
    moved = dataclasses.replace(cfg, event=dataclasses.replace(cfg.event, start=dt.time(9, 0)))
    assert moved.event.start == dt.time(9, 0) and cfg.event.start is None
