"""Where the bundled data lives: templates/, fonts/ and content/.

In a checkout (or an editable install) they sit beside the package; in a wheel
they are packed inside it as ``pamphlet/_data/``. Everything else asks here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """The folder holding templates/, fonts/ and content/."""
    packed = _PACKAGE / "_data"
    if (packed / "templates").is_dir():
        return packed
    return _PACKAGE.parent


def templates_dir() -> Path:
    return data_root() / "templates"


def fonts_dir() -> Path:
    return data_root() / "fonts"


def example_dir() -> Path:
    return data_root() / "content"


def isolate_imports(environ: MutableMapping[str, str] | None = None, path: list[str] | None = None) -> None:
    """Make this process and its workers import code from where pamphlet is installed, never from the current folder.

    Call it first thing in ``cli.main`` (before a worker pool exists). Why it is
    needed: the fork server (and ``spawn`` children) start as ``python -c …``,
    which puts ``''`` — the current folder — first on ``sys.path``; Python 3.11's
    fork server ignores the parent's ``sys.path`` and imports its preload modules
    (``pamphlet.editions.workerboot``) from there. Run in a folder holding a ``pamphlet/``
    (or ``weasyprint/``) package, every worker ran that code. Workers forked from
    the server inherit what it imported.

    * ``PYTHONSAFEPATH=1`` in the environment the children inherit: Python ≥ 3.11
      then does not prepend the current folder (``-P``);
    * the folder holding the real package goes first on ``PYTHONPATH``, so children
      find it even when it is not installed (``python -m pamphlet`` from a checkout);
    * ``''``, ``'.'`` and the current folder are dropped from this process's
      ``sys.path`` (``spawn`` children copy it), unless it is where pamphlet lives.
    """
    environ = os.environ if environ is None else environ
    path = sys.path if path is None else path
    home = str(_PACKAGE.parent)
    environ["PYTHONSAFEPATH"] = "1"
    entries = [p for p in environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != home]
    environ["PYTHONPATH"] = os.pathsep.join([home, *entries])
    try:
        cwd = os.path.realpath(os.getcwd())
    except OSError:  # the current folder was deleted
        cwd = None
    path[:] = [p for p in path
               if p not in ("", ".") and (os.path.realpath(p) != cwd or os.path.realpath(p) == os.path.realpath(home))]
