"""Safe YAML loading that remembers the line of every value.

Validation messages must name ``file:line``; PyYAML's composed node tree has
the marks, so we build plain Python values from it ourselves and keep a map
from each value's path (``("layouts", 1)``) to its line.

Building the values ourselves also makes us responsible for what
``yaml.safe_load`` would refuse or limit, and a bit more, because a
``pamphlet.yaml`` may come from anyone:

* only the plain YAML tags (text, numbers, true/false, null, dates, lists,
  mappings); ``!!python/object/apply:…`` or ``!custom`` is an error, not dropped;
* an alias (``*name``) is a reference to a node, so a "billion laughs" document
  of a few hundred bytes expands to billions of values: we count every value
  built, aliases included, and stop at ``MAX_NODES``;
* merge keys (``<<: *defaults``) are resolved here with the same count
  (PyYAML's own ``flatten_mapping`` copies lists exponentially);
* a key given twice in one mapping is an error (PyYAML keeps the last one);
* a date YAML reads but Python can't build (``2026-13-45``) stays text, so the
  schema reports it with its line instead of crashing; so does a time written
  without quotes (``14:00``, which YAML 1.1 reads as the number 840);
* a plain value followed by ``#word`` (``accent: #b3122e``, ``title: Strike! #now``)
  is an error with a hint to quote it: YAML would silently drop it as a comment;
* control characters (NUL, ESC), a huge file, or nesting deep enough to exhaust
  the stack are errors with a line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from pamphlet.errors import ConfigError, Location, Problem

PathKey = tuple[str | int, ...]

#: Values built from one document, counting each alias expansion again.
MAX_NODES = 20_000
#: Characters in one YAML document (pamphlet.yaml or one front matter block).
MAX_CHARS = 1_000_000
#: Nesting of lists and mappings.
MAX_DEPTH = 50

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MAP_TAG, _SEQ_TAG, _MERGE_TAG = _STD + "map", _STD + "seq", _STD + "merge"
_HINT = ("check indentation and quoting; a value with ': ' or ' #' in it, or starting with '{', '[', '*', '&', '@' "
         "or '#', needs quotes")


class _Refused(Exception):
    """A node we will not build; carries the node for its line."""

    def __init__(self, node: yaml.Node, message: str, hint: str):
        super().__init__(message)
        self.node, self.message, self.hint = node, message, hint


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


def _error(path: Path, line: int | None, message: str, hint: str = _HINT) -> ConfigError:
    return ConfigError([Problem(Location(path, line), "", message)], hint=hint)


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag


def load(text: str, path: Path, line_offset: int = 0) -> Source:
    """Parse ``text`` safely; malformed or hostile YAML is a ConfigError with its line."""
    if len(text) > MAX_CHARS:
        raise _error(path, line_offset + 1, f"{len(text):,} characters of YAML; at most {MAX_CHARS:,} are read",
                     "settings and front matter are a few lines; move long text into the Markdown body")
    deep = _too_deep(text)
    if deep is not None:
        raise _error(path, deep + line_offset, "YAML nested too deeply",
                     f"lists and mappings nest at most {MAX_DEPTH} levels deep")
    loader: yaml.SafeLoader | None = None
    try:
        loader = yaml.SafeLoader(text)  # checks every character: NUL, ESC and friends raise here
        node = loader.get_single_node()
        lines: dict[PathKey, int] = {}
        data = _Builder(loader, line_offset, text.splitlines()).build(node, (), lines) if node is not None else None
    except _Refused as exc:
        raise _error(path, exc.node.start_mark.line + 1 + line_offset, exc.message, exc.hint) from None
    except yaml.reader.ReaderError as exc:
        at = text[: exc.position or 0].count("\n") + 1 + line_offset
        what = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise _error(path, at, f"control character {what} is not allowed in YAML",
                     "remove it (it often comes from copying out of a terminal or a PDF)") from None
    except yaml.MarkedYAMLError as exc:
        line, message, hint = _explain(exc, text.splitlines())
        raise _error(path, line + line_offset if line else None, message, hint) from None
    except yaml.YAMLError as exc:
        raise _error(path, line_offset + 1, f"malformed YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise _error(path, line_offset + 1, "YAML nested too deeply",
                     f"lists and mappings nest at most {MAX_DEPTH} levels deep") from None
    finally:
        if loader is not None:
            loader.dispose()
    return Source(path, data, lines, line_offset)


_FLOW_OPENERS = {"while parsing a flow sequence": "[", "while parsing a flow mapping": "{"}


def _explain(exc: yaml.MarkedYAMLError, lines: list[str]) -> tuple[int | None, str, str]:
    """(1-based line, message, hint) for a YAML syntax error, at the line where the mistake is.

    PyYAML often trips a line later than the mistake: an unclosed ``[`` or quote is noticed where the
    next line starts, a line without ``key: value`` where the next key begins. There the line of what
    was left open (the context) is the one to fix; otherwise the line where PyYAML stopped.
    """
    problem, context = exc.problem or exc.context or "invalid YAML", exc.context or ""
    at = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and (context.startswith("while scanning") or context in _FLOW_OPENERS):
        at = exc.context_mark
    if at is None:
        return None, f"malformed YAML: {problem}", _HINT
    line = at.line + 1
    text = lines[at.line] if at.line < len(lines) else ""
    message = f"malformed YAML, column {at.column + 1}: {problem}"
    opener = _FLOW_OPENERS.get(context)
    if opener is not None and exc.problem_mark is not None and exc.problem_mark.line != at.line:
        message = (f"malformed YAML, column {at.column + 1}: this '{opener}' is not closed "
                   f"({problem} on line {exc.problem_mark.line + 1})")
    elif context == "while scanning a quoted scalar":
        message = f"malformed YAML, column {at.column + 1}: this quote is not closed"
    elif problem == "could not find expected ':'":
        message = f"malformed YAML, column {at.column + 1}: '{_short(text.strip())}' is not `key: value` (no ':' after the key)"
        return line, message, "write it as key: value (a colon and a space), or start the line with # to make it a comment"
    elif "'\\t'" in problem:
        message = f"malformed YAML, column {at.column + 1}: a tab; YAML indents with spaces only"
        return line, message, "replace the tab with spaces"
    return line, message, _quoting_hint(text, context) or _HINT


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


_KEY_VALUE = re.compile(r"^(\s*(?:-\s+)?)([^\s#:'\"][^:#]*?):\s+(.+?)\s*$")


_CUT_BY_COMMENT = re.compile(r"(\s+)(#\S.*?)\s*$")
_COMMENT_IN_FLOW = re.compile(r"(?<=[\s,\[{])#[^\s,\]}]*")


def _quoting_hint(line: str, context: str = "") -> str | None:
    """For a ``key: value`` line whose value YAML misreads (a ':' or '#' inside it, a leading '[', '*', '@'…),
    how to write it: most often the same line with the value in quotes."""
    m = _KEY_VALUE.match(line)
    if m is None:
        return None
    indent, key, value = m.groups()
    lead = f"{indent.strip()} " if indent.strip() else ""
    quoted = f"{lead}{key}: {_quote(value)}"
    opener = _FLOW_OPENERS.get(context)
    if context == "while scanning a quoted scalar" and value[0] in "'\"":
        return f"end the value with the quote it starts with: {lead}{key}: {value}{value[0]}"
    if opener is not None and value.startswith(opener):
        closer = "]" if opener == "[" else "}"
        hidden = _COMMENT_IN_FLOW.search(value)
        if hidden is not None:
            fixed = value[:hidden.start()] + _quote(hidden.group(0)) + value[hidden.end():]
            return f"a '#' after a space starts a comment: put {hidden.group(0)} in quotes: {lead}{key}: {fixed}"
        what = "list" if opener == "[" else "mapping"
        return (f"end the {what} with '{closer}' on the same line, or, if the value is text that starts with "
                f"'{opener}', put it in quotes: {quoted}")
    if ": " in value or " #" in value or value[0] in "[]{}*&!|>%@`'\"#":
        return f"put the value in quotes: {quoted}"
    return None


def _quote(value: str) -> str:
    """``value`` in YAML quotes: single ones around text holding only double quotes, else double ones."""
    if '"' in value and "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _too_deep(text: str) -> int | None:
    """Line where ``[``/``{`` nesting first goes past a sane depth, or None.

    PyYAML's scanner is quadratic in flow-collection depth (a few thousand ``[``
    take seconds), so this is checked on the text before parsing. Brackets inside
    quotes count too: only a document with hundreds of unclosed ones is refused.
    """
    if text.count("[") + text.count("{") <= 4 * MAX_DEPTH:
        return None
    depth = 0
    for i, ch in enumerate(text):
        if ch in "[{":
            depth += 1
            if depth > 4 * MAX_DEPTH:
                return text[:i].count("\n") + 1
        elif ch in "]}" and depth:
            depth -= 1
    return None


class _Builder:
    """Builds plain values from a node tree, counting every value built (aliases included)."""

    def __init__(self, loader: yaml.SafeLoader, line_offset: int = 0, text_lines: list[str] | None = None):
        self.loader = loader
        self.line_offset = line_offset
        self.text_lines = text_lines or []
        self.count = 0

    def build(self, node: yaml.Node, key: PathKey, lines: dict[PathKey, int], depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _Refused(node, f"YAML expands to more than {MAX_NODES:,} values (aliases repeated over and over?)",
                           "use fewer &anchors/*aliases; a pamphlet's settings are a few dozen values")
        if depth > MAX_DEPTH:
            raise _Refused(node, "YAML nested too deeply", f"lists and mappings nest at most {MAX_DEPTH} levels deep")
        lines.setdefault(key, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            self._check_tag(node, {_MAP_TAG})
            return self._mapping(node, key, lines, depth)
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, {_SEQ_TAG})
            return [self.build(child, (*key, i), lines, depth + 1) for i, child in enumerate(node.value)]
        self._check_tag(node, _SCALAR_TAGS)
        value = self._scalar(node)
        self._check_comment(node, key, value)
        return value

    def _check_comment(self, node: yaml.Node, key: PathKey, value: Any) -> None:
        """A plain value followed by ``#word`` on its line: YAML reads ``Strike! #solidarity`` as ``Strike!``
        and ``accent: #b3122e`` as nothing. A comment is ``# `` with a space; anything else is a mistake
        to fix, not to drop in silence."""
        if node.style is not None or node.end_mark.line >= len(self.text_lines):
            return
        line = self.text_lines[node.end_mark.line]
        rest = _CUT_BY_COMMENT.match(line, node.end_mark.column)
        if rest is None:
            return
        whole = (node.value + rest.group(1) + rest.group(2)) if node.value else rest.group(2)
        name = format_key(key) or "the value"
        if node.value:
            what = f"{name}: '{_short(whole)}' is read as '{_short(str(value))}': YAML takes ' #' and what follows for a comment"
        else:
            what = f"{name}: '{_short(whole)}' is read as a comment, not as the value"
        last = key[-1] if key else None
        written = f"{last}: {_quote(whole)}" if isinstance(last, str) else f"- {_quote(whole)}"
        raise _Refused(node, what, f"put the value in quotes: {written} (a comment starts with '# ', with a space)")

    def _check_tag(self, node: yaml.Node, allowed: set[str]) -> None:
        if node.tag not in allowed:
            raise _Refused(node, f"YAML tag '{_show_tag(node.tag)}' is not allowed",
                           "remove the tag: only plain text, numbers, true/false, dates, lists and mappings are read")

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag in (_STD + "int", _STD + "float") and ":" in node.value:
            # YAML 1.1 reads 14:00 unquoted as 840 (base 60): keep the text, a time reads it as written.
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError):
            # A value YAML recognises but Python can't build (2026-13-45): keep the text,
            # the schema says what is wrong with it and where.
            return node.value

    def _key(self, knode: yaml.Node) -> str:
        if not isinstance(knode, yaml.ScalarNode):
            raise _Refused(knode, "a key must be plain text, not a list or a mapping", _HINT)
        self._check_tag(knode, _SCALAR_TAGS)
        k = self._scalar(knode)
        return k if isinstance(k, str) else str(k)

    def _mapping(self, node: yaml.MappingNode, key: PathKey, lines: dict[PathKey, int], depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        seen: set[str] = set()
        for knode, vnode in node.value:
            if knode.tag == _MERGE_TAG:
                for source in vnode.value if isinstance(vnode, yaml.SequenceNode) else [vnode]:
                    if not isinstance(source, yaml.MappingNode):
                        raise _Refused(source, "'<<' merges mappings only", _HINT)
                    for k, v in self.build(source, key, {}, depth + 1).items():
                        merged.setdefault(k, v)
                continue
            k = self._key(knode)
            if k in seen:
                first = lines.get((*key, k))
                raise _Refused(knode, f"'{format_key((*key, k))}' is given twice"
                                      + (f" (first on line {first + self.line_offset})" if first else ""),
                               "keep one of them: YAML would silently use the last one")
            seen.add(k)
            lines[(*key, k)] = knode.start_mark.line + 1
            out[k] = self.build(vnode, (*key, k), lines, depth + 1)
        for k, v in merged.items():
            out.setdefault(k, v)
        return out
