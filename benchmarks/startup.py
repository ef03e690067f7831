"""What the start-up fixes of issue 16 save, each alone (paired, interleaved; CPU of the process tree).

- ``import weasyprint`` with and without ``pamphlet.pages.native.install()`` (and the number of processes spawned);
- loading one Pyphen dictionary: Pyphen's own parser vs ``pamphlet.text.hyphenation`` with a warm cache;
- ``pamphlet --help`` and parsing ``pamphlet build``'s options with Typer's Pydantic coercion vs ``LeanGroup``.

Usage: ``python benchmarks/startup.py [--runs N]`` (run with the interpreter that has pamphlet installed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

NATIVE = """
import os, sys
spawned = []
sys.addaudithook(lambda e, a: spawned.append(1) if e == "subprocess.Popen" else None)
if os.environ["ON"] == "1":
    from pamphlet.pages import native
    native.install()
import weasyprint
print(len(spawned), file=sys.stderr)
"""

PYPHEN = """
import os, pyphen
if os.environ["ON"] == "1":
    from pamphlet.text import hyphenation
    hyphenation.install()
pyphen.Pyphen(lang=os.environ["LANG_CODE"])
"""

TYPER = """
import os, sys
from pamphlet import cli, leancli
if os.environ["ON"] != "1":
    from rich.console import Console
    from typer.core import TyperGroup
    cli.app.info.cls = TyperGroup  # Typer's own coercion (Pydantic)
    cli.out, cli.err = Console(), Console(stderr=True)
sys.exit(cli.run(os.environ["ARGS"].split()))
"""


def cpu(code: str, env: dict[str, str]) -> tuple[float, str]:
    proc = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, cwd=tempfile.gettempdir())
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_utime + usage.ru_stime, err.strip()


def paired(code: str, env: dict[str, str], runs: int) -> tuple[float, float, str, str]:
    off: list[float] = []
    on: list[float] = []
    notes = ["", ""]
    for i in range(runs):
        for flag in (("0", "1") if i % 2 == 0 else ("1", "0")):
            seconds, note = cpu(code, {**env, "ON": flag})
            (on if flag == "1" else off).append(seconds)
            notes[int(flag)] = note.splitlines()[-1] if note else ""
    return statistics.median(off), statistics.median(on), notes[0], notes[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="pamphlet-startup-")
    env = {"XDG_CACHE_HOME": cache}
    print("| what | before | after | saved |\n|---|---|---|---|")
    off, on, n_off, n_on = paired(NATIVE, env, args.runs)
    print(f"| `import weasyprint` ({n_off} → {n_on} processes) | {off:.3f} s | {on:.3f} s | {off - on:.3f} s |")
    for lang in ("en", "de", "fr"):
        cpu(PYPHEN, {**env, "ON": "1", "LANG_CODE": lang})  # warm the cache
        off, on, _, _ = paired(PYPHEN, {**env, "LANG_CODE": lang}, args.runs)
        print(f"| import pyphen + load the `{lang}` dictionary | {off:.3f} s | {on:.3f} s | {off - on:.3f} s |")
    for argv in ("--help", "build /nonexistent -l leaflet -L en -j 2 --bleed 3 -o /tmp/x"):
        off, on, _, _ = paired(TYPER, {**env, "ARGS": argv}, args.runs)
        print(f"| `pamphlet {argv}` | {off:.3f} s | {on:.3f} s | {off - on:.3f} s |")


if __name__ == "__main__":
    main()
