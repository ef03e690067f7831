"""Find WeasyPrint's native libraries without ~50 compiler and linker shell-outs.

WeasyPrint 70 loads Pango, HarfBuzz, Fontconfig and GObject through
``cffi.FFI.dlopen`` with a list of candidate names per library, one per
platform (``libgobject-2.0-0``, ``gobject-2.0-0``, ``gobject-2.0``, …). cffi
hands every name that ``dlopen`` cannot load as is to
``ctypes.util.find_library``; on Linux that runs ``/sbin/ldconfig -p`` and, for
a name it does not know, ``gcc -Wl,-t -l…`` and ``ld -t -l…`` as well. On
Debian 22 of those calls (15 for names that exist on no Linux system) cost 54
processes and ~0.3 s, in every process that imports WeasyPrint.

:func:`install` replaces ``ctypes.util.find_library`` by a memoised version that
answers from one ``ldconfig -p`` listing per process, matched with the very
regular expression the standard library uses, so every name resolves to the
same file. For a name the cache does not list it still asks the compiler and
linker, as the standard library would, but only when a file ``lib<name>.so`` or
``lib<name>.a`` exists in a directory they search; where none exists, they could
not find one either and the answer is ``None`` without a shell-out. Nothing
changes on other platforms, or where ``ldconfig`` cannot be run.
"""

from __future__ import annotations

import ctypes.util
import glob
import logging
import os
import re
import struct
import subprocess
import sys
import sysconfig
from functools import cache

log = logging.getLogger(__name__)

#: The standard library's ``find_library``, kept for fallbacks and :func:`uninstall`.
_ORIGINAL = ctypes.util.find_library

# The same mapping as ctypes.util._findSoname_ldconfig (CPython 3.11–3.13).
_ABI_TYPES = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


def _abi_type() -> str:
    """The ``ldconfig -p`` tag of this interpreter's ABI, computed as the stdlib does."""
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    return _ABI_TYPES.get(machine, "libc6")


@cache
def _ldconfig_listing() -> bytes | None:
    """``/sbin/ldconfig -p`` once per process (None where it cannot run)."""
    try:
        with subprocess.Popen(["/sbin/ldconfig", "-p"], stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, env={"LC_ALL": "C", "LANG": "C"}) as proc:
            assert proc.stdout is not None
            listing = proc.stdout.read()
    except OSError:
        return None
    return listing if proc.returncode == 0 else None


def _search_dirs(listing: bytes) -> list[str]:
    """Folders that ``gcc -l`` or ``ld -l`` may look in: the environment's, the
    standard and multiarch ones, GCC's own, and every folder ldconfig knows."""
    dirs: list[str] = []
    for var in ("LD_LIBRARY_PATH", "LIBRARY_PATH"):
        dirs += [d for d in os.environ.get(var, "").split(":") if d]
    multiarch = sysconfig.get_config_var("MULTIARCH") or getattr(sys.implementation, "_multiarch", "") or ""
    for prefix in ("/lib", "/usr/lib", "/usr/local/lib", "/lib64", "/usr/lib64", "/lib32", "/usr/lib32"):
        dirs.append(prefix)
        if multiarch:
            dirs.append(f"{prefix}/{multiarch}")
    dirs += sorted(glob.glob("/usr/lib/gcc/*/*")) + sorted(glob.glob("/usr/lib/gcc-cross/*/*"))
    for match in re.finditer(rb"=> (\S+)/[^/\s]+\n", listing):
        dirs.append(os.fsdecode(match.group(1)))
    return list(dict.fromkeys(dirs))


@cache
def _linkable_names() -> frozenset[str]:
    """Every file name in the search folders (one directory listing each, no shell-out)."""
    listing = _ldconfig_listing() or b""
    names: set[str] = set()
    for folder in _search_dirs(listing):
        try:
            with os.scandir(folder) as entries:
                names.update(e.name for e in entries if e.name.startswith("lib"))
        except OSError:
            continue
    return frozenset(names)


@cache
def find_library(name: str) -> str | None:
    """``ctypes.util.find_library`` with the same answers, from one ``ldconfig -p`` per process."""
    listing = _ldconfig_listing()
    if listing is None:
        return _ORIGINAL(name)
    regex = os.fsencode(r"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(name), _abi_type()))
    found = re.search(regex, listing)
    if found:
        return os.fsdecode(found.group(1))
    names = _linkable_names()
    if f"lib{name}.so" in names or f"lib{name}.a" in names:
        return _ORIGINAL(name)  # the compiler or linker may know it: ask them, as the stdlib would
    return None


def _applies() -> bool:
    """Only Linux's glibc-style lookup shells out this way; elsewhere keep the stdlib's."""
    return sys.platform.startswith("linux") and os.path.exists("/sbin/ldconfig")


def install() -> None:
    """Answer ``ctypes.util.find_library`` from the cached listing for the rest of the process.

    Call before the first ``import weasyprint``; calling it again does nothing.
    """
    if _applies() and ctypes.util.find_library is not find_library:
        ctypes.util.find_library = find_library
        log.debug("ctypes.util.find_library answers from one ldconfig listing")


def uninstall() -> None:
    """Put the standard library's ``find_library`` back (for tests)."""
    ctypes.util.find_library = _ORIGINAL
