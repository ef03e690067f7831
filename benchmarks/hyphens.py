"""Hyphenation per edition: hyphenated lines per 100 lines, longest run, pages/columns ending in a hyphen.

Run: .venv/bin/python benchmarks/hyphens.py [PROJECT] — lays out every edition of the bundled
example (or PROJECT) in-process and reads WeasyPrint's line boxes: a line ends hyphenated when its
last text ends with the hyphenation character WeasyPrint inserts (U+2010), not a hyphen of the text.
"""

from __future__ import annotations

import sys
from pathlib import Path

from weasyprint.formatting_structure import boxes as B

from pamphlet import pipeline
from pamphlet.editions import batch
from pamphlet.pages import compose
from pamphlet.text.edition import EditionSpec, prepare

HYPHEN = "\u2010"


def lines_of(laid):  # noqa: ANN001, ANN201
    """Per page, the text of each line box in order."""
    for page in laid.document.pages:
        out = []
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if isinstance(box, B.MarginBox):
                continue
            if isinstance(box, B.LineBox):
                texts = [b.text for b in box.descendants() if isinstance(b, B.TextBox)]
                if "".join(texts).strip():
                    out.append((box.position_x, box.position_y, "".join(texts)))
                continue
            stack.extend(reversed(getattr(box, "children", []) or []))
        yield out


def measure(project_dir: Path | None) -> list[tuple[str, int, int, int, int]]:
    project = batch.load(project_dir, example=project_dir is None)
    opts = pipeline.BuildOptions(layouts=("all",))
    rows = []
    for spec in batch.editions(project, opts):
        prepared = prepare(project, EditionSpec(spec.lang, spec.layout, spec.paper))
        fitted = compose.lay_out(project, prepared, opts)
        total = hyph = run = worst = ends = 0
        for page in lines_of(fitted.laid):
            columns: dict[float, list[str]] = {}
            for x, _, text in page:
                columns.setdefault(round(x), []).append(text)
            for col in columns.values():
                for text in col:
                    total += 1
                    if text.rstrip().endswith(HYPHEN):
                        hyph += 1
                        run += 1
                        worst = max(worst, run)
                    else:
                        run = 0
                if col and col[-1].rstrip().endswith(HYPHEN):
                    ends += 1
                run = 0
        rows.append((spec.name, total, hyph, worst, ends))
    return rows


def main() -> None:
    rows = measure(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    print("| edition | lines | hyphenated per 100 lines | longest run | columns/pages ending in a hyphen |")
    print("|---|---|---|---|---|")
    for name, total, hyph, worst, ends in rows:
        print(f"| {name} | {total} | {100 * hyph / max(1, total):.1f} | {worst} | {ends} |")
    lines = sum(r[1] for r in rows)
    print(f"| all | {lines} | {100 * sum(r[2] for r in rows) / max(1, lines):.1f} | {max(r[3] for r in rows)} | "
          f"{sum(r[4] for r in rows)} |")


if __name__ == "__main__":
    main()
