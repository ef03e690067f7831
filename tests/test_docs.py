"""The command samples in README.md and docs/*.md are real and current.

``make docs`` (docs/samples.py) writes every sample from a real run. Here every marker must name a sample
docs/samples.py knows (and every sample be shown once), and every sample that needs no service is run again
and compared with its block on what matters: the exit code and the words of the output (file names, pages
and sheets, statuses, messages), not timings, file sizes or type-scale percentages. Samples of ``print``,
``watch`` and a Dask cluster are covered by those commands' own tests.

A failure here means a command now prints something else than the docs show: run ``make docs`` and read
the diff.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_samples():
    spec = importlib.util.spec_from_file_location("pamphlet_docs_samples", ROOT / "docs" / "samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


samples = _load_samples()
LOCAL = [scene for scene in samples.SCENES if any(s.service is None for s in scene.samples)]


def test_every_block_is_a_known_sample_and_every_sample_is_shown_once():
    assert samples.check_markers(samples.all_blocks()) == []


def test_every_block_shows_its_command_and_came_from_a_run():
    for block in samples.all_blocks():
        where = f"{block.file.relative_to(ROOT)}: {block.name}"
        assert block.command == samples.SAMPLES[block.name].command, f"{where}: the command differs; run make docs"
        assert block.exit is not None, f"{where}: never generated; run make docs"


def test_service_samples_are_last_in_their_scene():
    """The test skips them, so no sample it runs may depend on one."""
    for scene in samples.SCENES:
        kinds = [s.service is None for s in scene.samples]
        assert kinds == sorted(kinds, reverse=True), scene.name


@pytest.mark.slow  # about 11 s of CPU: left out of `make test-fast`
def test_samples_match_a_fresh_run():
    """Every sample that needs no service, run again scene by scene, against its block. (One test, not one
    per sample: under xdist each worker running a share of them would run every scene again.)"""
    blocks = {b.name: b for b in samples.all_blocks()}
    stale = []
    for scene in LOCAL:
        for name, result in samples.run_scene(scene, services=False).items():
            block = blocks[name]
            where = f"{block.file.relative_to(ROOT)}: sample {name} ({samples.SAMPLES[name].command})"
            if result.exit != block.exit:
                stale.append(f"{where}: exit {result.exit}, the docs say {block.exit}")
            if samples.what_matters(result.output) != samples.what_matters(block.output):
                diff = "\n".join(difflib.unified_diff(block.output.splitlines(), result.output.splitlines(),
                                                      "in the docs", "now", lineterm=""))
                stale.append(f"{where} prints something else now:\n{diff}")
    assert not stale, "run make docs:\n\n" + "\n\n".join(stale)


def _anchor(heading: str) -> str:
    """GitHub's id for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def test_links_between_the_pages_lead_somewhere():
    """Every relative link in README.md and docs/*.md names a file that exists, and a heading there."""
    broken = []
    for page in samples.markdown_files():
        text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
        text = re.sub(r"`[^`\n]+`", "", text)  # Markdown shown as code (`![alt](images/map.png)`) links nowhere
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            if not dest.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}: no such file")
            elif anchor and dest.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", dest.read_text(encoding="utf-8"), flags=re.M)
                if anchor not in {_anchor(h) for h in headings}:
                    broken.append(f"{page.relative_to(ROOT)}: {target}: no such heading")
    assert broken == []
