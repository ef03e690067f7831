"""C array types for WeasyPrint's cffi calls, made without running the C parser.

WeasyPrint subsets every font of every PDF it writes through HarfBuzz, passing glyph lists as
``ffi.new(f"hb_codepoint_t[{n}]", ...)``. cffi parses each new type string with pycparser (about 6 ms each,
as it re-reads WeasyPrint's typedefs every time) and caches it per string, so every distinct glyph count is
parsed once per process: 67 of them, 0.41 s of CPU, in a process building the example's 35 editions — and
again in every worker of a parallel build, where it was a third of what ``-j 2`` cost over ``-j 1``
(issue 28). A fixed-length array of a type already known is made here from its item type directly, the same
ctype cffi would build.
"""

from __future__ import annotations

import re
from typing import Any

_ARRAY = re.compile(r"([A-Za-z_][A-Za-z0-9_ ]*?)\s*\[(\d+)\]")


class _ParsedTypes(dict):  # type: ignore[type-arg]
    """cffi's cache of parsed type strings (``FFI._parsed_types``) that answers ``T[N]`` itself."""

    def __init__(self, ffi: Any, parsed: dict[str, Any]) -> None:
        super().__init__(parsed)
        self._ffi = ffi

    def __missing__(self, cdecl: object) -> Any:
        match = _ARRAY.fullmatch(cdecl) if isinstance(cdecl, str) else None
        if match is None:
            raise KeyError(cdecl)  # cffi parses it, as ever
        try:
            backend = self._ffi._backend
            item = self._ffi.typeof(match[1])  # parsed once, then cached here
            btype = backend.new_array_type(backend.new_pointer_type(item), int(match[2]))
        except Exception as exc:  # noqa: BLE001 - anything unusual is left to cffi's own parser
            raise KeyError(cdecl) from exc
        self[cdecl] = result = (btype, False)
        return result


def install(ffi: Any) -> None:
    """Serve fixed-length array types of ``ffi`` (WeasyPrint's) without the C parser; once per process."""
    parsed = getattr(ffi, "_parsed_types", None)
    if isinstance(parsed, dict) and not isinstance(parsed, _ParsedTypes):
        ffi._parsed_types = _ParsedTypes(ffi, parsed)
