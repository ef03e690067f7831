"""The settings tables in docs/project-format.md, made from their one declaration in pamphlet/source/config.py.

Each table sits between ``<!-- settings: NAME -->`` and ``<!-- /settings -->`` (NAME: ``Config`` for
pamphlet.yaml, ``FrontMatter`` for a language file's front matter) and is :func:`pamphlet.source.config.reference_table`
of that class. ``make docs`` runs this (or ``.venv/bin/python docs/settings.py``); ``--check`` writes nothing
and exits 1 when a table is stale (tests/test_declared.py checks the same).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parent / "project-format.md"
_TABLE = re.compile(r"(<!-- settings: (\w+) -->\n)(.*?)(<!-- /settings -->)", re.S)


def render(text: str) -> str:
    """``text`` with every settings table made afresh."""
    from pamphlet.source import config

    return _TABLE.sub(lambda m: m.group(1) + config.reference_table(getattr(config, m.group(2))) + "\n" + m.group(4),
                      text)


def main(argv: list[str]) -> int:
    text = DOC.read_text(encoding="utf-8")
    fresh = render(text)
    if fresh == text:
        return 0
    if "--check" in argv:
        print(f"{DOC.name}: a settings table is stale; run docs/settings.py", file=sys.stderr)
        return 1
    DOC.write_text(fresh, encoding="utf-8")
    print(f"{DOC.name}: settings tables written")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(DOC.parent.parent))
    sys.exit(main(sys.argv[1:]))
