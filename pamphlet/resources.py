"""Where the bundled data lives: templates/, fonts/ and content/.

In a checkout (or an editable install) they sit beside the package; in a wheel
they are packed inside it as ``pamphlet/_data/``. Everything else asks here.
"""

from __future__ import annotations

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
