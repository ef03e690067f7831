"""Hatch build hook: compile the UI-string catalogs (.po → .mo) into the wheel.

Compiled catalogs are build output, so git holds only the ``.po`` files. A wheel
gets a ``messages.mo`` beside each ``messages.po`` (pamphlet reads the ``.mo``
when it is at least as new); an editable install or a checkout compiles the
``.po`` on load instead, so this hook skips editable builds.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        locale = Path(self.root) / "pamphlet" / "locale"
        self._tmp = Path(tempfile.mkdtemp(prefix="pamphlet-mo-"))
        for po in sorted(locale.glob("*/LC_MESSAGES/messages.po")):
            rel = po.relative_to(self.root).with_suffix(".mo")
            with po.open("rb") as fh:
                catalog = read_po(fh)
            mo = self._tmp / rel
            mo.parent.mkdir(parents=True, exist_ok=True)
            with mo.open("wb") as fh:
                write_mo(fh, catalog)  # fuzzy entries left out, as msgfmt does
            build_data["force_include"][str(mo)] = rel.as_posix()

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
