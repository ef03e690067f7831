"""Typer without Pydantic on the hot path.

Typer 0.29 coerces every command-line value — defaults included — through a
Pydantic ``TypeAdapter`` built per parameter. For ``pamphlet build`` that is
~0.13–0.2 s to import Pydantic plus ~0.1–0.15 s to build fifteen adapters, paid
on every run, even an up-to-date rebuild that then does 30 ms of work.

:class:`LeanGroup` (pass it as ``typer.Typer(cls=LeanGroup)``) gives each
parameter a :class:`LeanParam` that handles the plain cases itself — a ``str``,
a ``bool``, an ``int`` or ``float`` written as plain decimal digits within its
``min``/``max``, a ``Path`` (through Typer's own path checks), a list of those —
and hands everything else to Typer's own Pydantic coercion: unusual spellings
(``+3``, ``1e3``, ``1_000``), values out of range, parsers, enums. Whatever we
accept, Typer would have turned into the same value; whatever we don't, Typer
decides with its own messages. So behaviour and error texts are Typer's, and
Pydantic is imported only for a value that needs it.

This reaches into Typer's private coercion layer (``_TyperParameter._runtime_param``,
``typer._coercion``); with a Typer that lacks it, :class:`LeanGroup` changes nothing.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from typer.core import TyperGroup

try:
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer._param_types import coerce_cli_path
    from typer.core import _TyperParameter
except ImportError:  # pragma: no cover - another Typer: keep its own coercion
    _LEAN_OK = False
    RuntimeParam = object  # type: ignore[assignment, misc]
else:
    _LEAN_OK = True

_INT = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?\Z")


class _Slow(Exception):
    """This value is not a plain case: let Typer (Pydantic) decide."""


def _in_range(number: float, info: Any) -> None:
    if info.clamp or (info.min is not None and number < info.min) or (info.max is not None and number > info.max):
        raise _Slow


def _fast(annotation: Any, info: Any, value: Any, param: Any, ctx: Any) -> Any:
    """The value Typer's coercion would return, for the plain cases; _Slow otherwise."""
    if info.parser is not None:
        raise _Slow
    if annotation is str and isinstance(value, str):
        return value
    if annotation is bool and isinstance(value, bool):
        return value
    if annotation is int:
        if type(value) is int or (isinstance(value, str) and _INT.match(value)):
            number = int(value)
            _in_range(number, info)
            return number
        raise _Slow
    if annotation is float:
        if type(value) is float or (isinstance(value, str) and _FLOAT.match(value)):
            real = float(value)
            _in_range(real, info)
            return real
        raise _Slow
    if annotation is Path and info.path_type in (None, Path):
        if isinstance(value, Path):
            path = value
        elif isinstance(value, str) and value:
            path = Path(value)
        else:
            raise _Slow
        return coerce_cli_path(path, info, path_type=Path, param=param, ctx=ctx)
    if get_origin(annotation) is list and isinstance(value, (list, tuple)):
        (item_type,) = get_args(annotation)
        return [_fast(item_type, info, item, param, ctx) for item in value]
    raise _Slow


@dataclass(frozen=True)
class LeanParam(RuntimeParam):  # type: ignore[misc]
    """Typer's runtime coercion, with the plain cases done without Pydantic."""

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        try:
            return _fast(self.annotation, self.parameter_info, value, param, ctx)
        except _Slow:
            full = build_runtime_param(param.type_descriptor)
            return full._coerce_value(value, param=param, ctx=ctx)


def _lean_param(param: Any) -> None:
    descriptor = getattr(param, "type_descriptor", None)
    if isinstance(param, _TyperParameter) and descriptor is not None and descriptor.file_annotation is None:
        param._runtime_param = LeanParam(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation)


def make_lean(command: Any) -> None:
    """Give every Typer parameter of ``command`` (and its subcommands) a :class:`LeanParam`.

    The ``--help`` option is made on first use (``get_help_option``), so that method
    is wrapped on the instance to make the option lean as it appears.
    """
    if not _LEAN_OK:
        return
    for param in getattr(command, "params", ()):
        _lean_param(param)
    make_help = getattr(command, "get_help_option", None)
    if make_help is not None and "get_help_option" not in vars(command):
        def get_help_option(ctx: Any) -> Any:
            option = make_help(ctx)
            if option is not None and getattr(option, "_runtime_param", True) is None:
                _lean_param(option)
            return option

        command.get_help_option = get_help_option
    for sub in getattr(command, "commands", {}).values():
        make_lean(sub)


class LeanGroup(TyperGroup):
    """A TyperGroup whose commands coerce plain values without importing Pydantic."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        make_lean(self)


# --- Rich, imported when something is printed, not when the CLI starts ---------------------------
# Importing rich.console and rich.table costs ~0.1 s; `pamphlet --help` and a parse error need none of it.


#: Rich's tags start lower case (as ``escape`` assumes): "[Loma]" in a hint is text, not a tag to remove.
_MARKUP = re.compile(r"(?<!\\)\[(?:/?[a-z#@][^\[\]]*|/)\]")


class LazyConsole:
    """A ``rich.console.Console`` created (and Rich imported) on first use.

    Plain text printed to something that is not a terminal (a pipe, a log, a test) is written directly,
    its markup removed, so an up-to-date rebuild in a script never imports Rich (~0.1 s).
    """

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Any = None

    def _stream(self) -> Any:
        return sys.stderr if self._options.get("stderr") else sys.stdout

    @property
    def plain(self) -> bool:
        """Writing to a pipe or file, not a terminal (and Rich not forced)."""
        if self._console is not None or os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE"):
            return False
        stream = self._stream()
        return not (hasattr(stream, "isatty") and stream.isatty())

    def print(self, *objects: Any, markup: bool | None = None, **options: Any) -> None:
        if self.plain and all(isinstance(o, str) for o in objects):
            text = " ".join(objects)
            if markup is not False:
                text = _MARKUP.sub("", text).replace("\\[", "[")
            stream = self._stream()
            stream.write(text + "\n")
            stream.flush()
            return
        self.__getattr__("print")(*objects, markup=markup, **options)

    @property
    def rich(self) -> Any:
        """The real ``rich.console.Console`` (created on first use): what Rich's own objects, like a
        progress bar, must be given — they use it as a context manager and swap it into ``sys.stderr``."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.rich, name)


_TAG_LIKE = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")


def escape(markup: str) -> str:
    """What ``rich.markup.escape`` does (a backslash before anything Rich would read as a tag), without
    importing Rich."""

    def one(match: re.Match[str]) -> str:
        backslashes, text = match.groups()
        return f"{backslashes}{backslashes}\\{text}"

    markup = _TAG_LIKE.sub(one, markup)
    if markup.endswith("\\") and not markup.endswith("\\\\"):
        return markup + "\\"
    return markup


def Table(*args: Any, **kwargs: Any) -> Any:  # noqa: N802 - stands in for the class
    """``rich.table.Table(...)``, imported on first use."""
    from rich.table import Table as RichTable

    return RichTable(*args, **kwargs)
