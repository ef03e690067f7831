"""Safe YAML loading that remembers the line of every value.

Validation messages must name ``file:line``; PyYAML's composed node tree has
the marks, so we build plain Python values from it ourselves and keep a map
from each value's path (``("layouts", 1)``) to its line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError, Location, Problem

PathKey = tuple[str | int, ...]


class Source:
    """Plain data from a YAML document plus the line of each path in it."""

    def __init__(self, path: Path, data: Any, lines: dict[PathKey, int], line_offset: int = 0):
        self.path = path
        self.data = data
        self._lines = lines
        self.line_offset = line_offset

    def line(self, key: PathKey) -> int:
        """Line of ``key``, or of its nearest parent we know, 1-based."""
        while key not in self._lines and key:
            key = key[:-1]
        return self._lines.get(key, 1) + self.line_offset

    def where(self, key: PathKey) -> Location:
        return Location(self.path, self.line(key))


def format_key(key: PathKey) -> str:
    """``("layouts", 1)`` → ``layouts[1]``; ``("theme", "accent")`` → ``theme.accent``."""
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def load(text: str, path: Path, line_offset: int = 0) -> Source:
    """Parse ``text`` safely; malformed YAML is a ConfigError with line and column."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[PathKey, int] = {}
        data = _build(loader, node, (), lines) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else None
        col = f", column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(
            [Problem(Location(path, line), "", f"malformed YAML{col}: {what}")],
            hint="check indentation and quoting; values with ': ' or starting with '{', '[', '*', '&' need quotes",
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError([Problem(Location(path, line_offset + 1), "", f"malformed YAML: {exc}")]) from None
    finally:
        loader.dispose()
    return Source(path, data, lines, line_offset)


def _build(loader: yaml.SafeLoader, node: yaml.Node, key: PathKey, lines: dict[PathKey, int]) -> Any:
    lines[key] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for knode, vnode in node.value:
            k = loader.construct_object(knode, deep=True)
            if not isinstance(k, (str, int, float, bool)) or k is None:
                k = str(k)
            k = str(k) if not isinstance(k, str) else k
            out[k] = _build(loader, vnode, (*key, k), lines)
            lines[(*key, k)] = knode.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, child, (*key, i), lines) for i, child in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
