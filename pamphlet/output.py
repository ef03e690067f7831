"""Output files: their names and atomic writes. A leaf module: it imports nothing of ours but errors."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError


def output_name(slug: str, lang: str, layout: str, suffix: str = "", variant: str | None = None) -> str:
    """``<slug>-<lang>-<layout><suffix>``, or ``<slug>-<variant>-<lang>-<layout><suffix>`` for a variant."""
    parts = [slug, variant, lang, layout] if variant else [slug, lang, layout]
    return "-".join(parts) + suffix


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temp file in the same folder, then rename: never half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path.parent}: cannot write here: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
