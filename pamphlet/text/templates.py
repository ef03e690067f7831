"""The Jinja2 environment: project overrides first, then the built-in templates.

A project's ``templates/leaflet/page.html`` replaces the built-in one and can
still extend it as ``builtin/leaflet/page.html`` (Pelican-style overrides).
Autoescape is on for HTML, undefined variables are errors, and templates run
in Jinja's sandbox.

A project's templates are as untrusted as its text: a template file that is a
link to somewhere outside the project is refused before it is read (it would be
printed into the PDF), arithmetic that would take forever (``10 ** 10 ** 10``,
``"x" * 10 ** 12``) is refused, and whatever a template raises while it runs
(``{{ 1 // 0 }}``, a template that includes itself) is a ``TemplateError``
naming the template's file and line.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from jinja2.sandbox import ImmutableSandboxedEnvironment

from pamphlet.errors import Location, PamphletError, TemplateError
from pamphlet.resources import templates_dir
from pamphlet.text import typeset

#: Largest template file read (the built-in ones are a few KB).
MAX_TEMPLATE_BYTES = 1024 * 1024
#: Longest string or list a template may build with ``*``, and the largest power with ``**``.
MAX_PRODUCT = 1_000_000
MAX_POWER_BITS = 4096

_OUTSIDE_HINT = "copy the file into the project's templates/ folder instead of linking to it"


class ConfinedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that reads only regular files whose real path lies inside ``confine``.

    ``FileSystemLoader`` follows symbolic links wherever they point; a project's
    ``templates/leaflet/page.html`` linked to ``/etc/passwd`` would be printed.
    ``shown`` is how the folder is named in messages (``templates``), never the
    link's target.
    """

    def __init__(self, folder: Path, confine: Path, shown: str):
        super().__init__(str(folder))
        self.folder, self.confine, self.shown = folder, confine.resolve(), shown

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)  # refuses '..'
        path = self.folder.joinpath(*pieces)
        if not os.path.lexists(path):
            raise jinja2.TemplateNotFound(template)
        shown = "/".join((self.shown, *pieces))
        try:
            real = path.resolve(strict=True)
            st = real.stat()
        except (OSError, RuntimeError):
            raise TemplateError(f"{shown}: cannot read this template (a broken link?)", _OUTSIDE_HINT) from None
        if not real.is_relative_to(self.confine):
            raise TemplateError(f"{shown}: refused: it is a link to a file outside the project", _OUTSIDE_HINT)
        if stat.S_ISDIR(st.st_mode):
            raise jinja2.TemplateNotFound(template)
        if not stat.S_ISREG(st.st_mode):
            raise TemplateError(f"{shown}: refused: not a regular file", "templates are plain text files")
        if st.st_size > MAX_TEMPLATE_BYTES:
            raise TemplateError(f"{shown}: refused: larger than {MAX_TEMPLATE_BYTES // 1024} KB",
                                "a template is a few KB of HTML or CSS")
        try:
            source = real.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise TemplateError(f"{shown}: not UTF-8 text", "save the template as UTF-8") from None
        except OSError as exc:
            raise TemplateError(f"{shown}: cannot read: {exc.strerror}", "check the file's permissions") from None
        mtime = st.st_mtime

        def uptodate() -> bool:
            try:
                return os.path.getmtime(real) == mtime
            except OSError:
                return False

        return source, str(path), uptodate


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, plus limits on ``*`` and ``**`` (Jinja's docs suggest exactly this)."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and not isinstance(right, bool):
            if right > 0 and abs(left) > 1 and right * max(abs(left).bit_length(), 1) > MAX_POWER_BITS:
                raise OverflowError(f"{left} ** {right} is too large a number")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_PRODUCT:
                    raise OverflowError(f"a {type(seq).__name__} repeated {n} times is too long")
        return super().call_binop(context, operator, left, right)


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept on disk across processes: compiling the built-in ones cost every fresh process
    (a build, each worker of a parallel one) ~0.15 s of CPU. Under ``$XDG_CACHE_HOME/pamphlet/templates/``, in a
    folder per version of pamphlet's code and Jinja's (the compiled code depends on both; Jinja keys each
    entry by the template's name and source). A folder that cannot be read or written only costs the
    compilation."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _bytecode_cache() -> _BytecodeCache:
    from pamphlet.editions.manifest import code_digest
    from pamphlet.text.memo import cache_root, library_version

    version = hashlib.sha256(f"{code_digest()}|{library_version('jinja2')}".encode()).hexdigest()[:16]
    return _BytecodeCache(str(cache_root() / "templates" / version))


@lru_cache(maxsize=8)
def environment(project_templates: Path | None) -> jinja2.Environment:
    builtin = ConfinedLoader(templates_dir(), templates_dir(), "builtin")
    loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"builtin": builtin}, delimiter="/")]
    if project_templates is not None and project_templates.is_dir():
        root = project_templates.parent
        loaders.append(ConfinedLoader(project_templates, root, project_templates.name))
    loaders.append(builtin)
    env = _Sandbox(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=_bytecode_cache(),
    )
    # English unless the render context brings an edition's translator (translations.Translator): Jinja resolves
    # gettext/pgettext from the context before these globals, so one environment serves every language.
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.filters["mm"] = lambda v: f"{float(v):.3f}mm"
    # Left-to-right runs (e-mail, links, phone numbers) inside any text: Unicode isolates, with the marks that
    # carry their direction onto a continuation line, since WeasyPrint supports neither `unicode-bidi: embed`
    # nor `isolate` (typeset.ltr).
    env.filters["ltr"] = lambda v: typeset.ltr(v if isinstance(v, str) else str(v)) if v else v
    # A typeset field without its invisible characters (isolates, marks, zero-width spaces) and with plain spaces:
    # for the document's <title> and <meta>, which become the PDF's properties.
    env.filters["plain"] = lambda v: typeset.plain(v) if isinstance(v, str) else v
    env.filters["balance"] = balance
    env.filters["dash_parts"] = dash_parts
    env.filters["word_groups"] = word_groups
    return env


_DASH = re.compile(r"\s*([–—])\s*")


def dash_parts(text: Any) -> list[str]:
    """A time range as the parts it may break between: ``10:00 AM –`` and ``1:00 PM`` (the dash stays at the
    end of the first line, as a typesetter breaks a range)."""
    value = str(text or "")
    match = _DASH.search(value)
    if not match:
        return [value]
    return [value[:match.start()] + "\u2009" + match.group(1), value[match.end():]]


def word_groups(text: Any) -> list[str]:
    """A date part as the groups it may break between when nothing else fits its line (a Spanish date at
    134 % on a tri-fold's cover: "27 de" / "septiembre" / "de 2026"): between two words, never next to a
    number (a day or a year stays with its word)."""
    tokens = str(text or "").split(" ")
    groups: list[str] = []
    for token in tokens:
        if groups and (_has_digit(token) or _has_digit(groups[-1].rsplit(" ", 1)[-1])):
            groups[-1] += " " + token
        else:
            groups.append(token)
    return groups


def _has_digit(token: str) -> bool:
    return any(ch.isdigit() for ch in token)


def balance(text: Any, lines: list[int] | None = None) -> Any:
    """A headline that never ends on one word: its last two words held together by a no-break space, when
    it has three words or more (WeasyPrint has no ``text-wrap: balance``; a typesetter does this by hand).
    A pair too wide for its panel is caught like any long word: the headline is shrunk to fit.

    ``lines``: how many of those units (words, and that pair) each line takes, as the fit balanced them for
    the headline's box at this size (:func:`pamphlet.pages.predict.balanced_lines`): the words of a line are
    held together by no-break spaces, so the lines break there. (Not ``<br>``: WeasyPrint's flex layout of a
    handbill's front measured a headline with one as far taller than its lines.)"""
    if not text:
        return text
    words = str(text).split(" ")
    if len(words) < 3 or not words[-1] or not words[-2]:
        return text
    joined = " ".join(words[:-2]) + " " + words[-2] + "\u00a0" + words[-1]
    units = joined.split(" ")
    if lines and sum(lines) == len(units) and all(n > 0 for n in lines):
        out, at = [], 0
        for n in lines:
            out.append("\u00a0".join(units[at:at + n]))
            at += n
        joined = " ".join(out)
    return type(text)(joined) if hasattr(text, "__html__") else joined


def _template_frame(exc: BaseException) -> str | None:
    """``file:line`` of the innermost template frame (Jinja rewrites tracebacks to template lines)."""
    tb, found = exc.__traceback__, None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".css")):
            found = str(Location(name, tb.tb_lineno))
        tb = tb.tb_next
    return found


#: A template that runs longer than this (nested loops over huge ranges) is stopped.
RENDER_SECONDS = 20


class _TooSlow(Exception):
    pass


def _deadline(seconds: float) -> Any:
    """Raise _TooSlow in this thread after ``seconds`` (main thread only: signals are delivered there)."""
    import contextlib
    import signal
    import threading

    @contextlib.contextmanager
    def guard() -> Any:
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
            yield
            return

        def alarm(_signum: int, _frame: Any) -> None:
            raise _TooSlow

        previous = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    return guard()


def render(template: str, context: dict[str, Any], project_templates: Path | None) -> str:
    env = environment(project_templates)
    try:
        with _deadline(RENDER_SECONDS):
            return env.get_template(template).render(context)
    except PamphletError:
        raise
    except _TooSlow as exc:
        where = _template_frame(exc) or template
        raise TemplateError(f"{where}: the template ran for more than {RENDER_SECONDS} s and was stopped",
                            "look for loops inside loops over large ranges in the template") from None
    except jinja2.TemplateSyntaxError as exc:
        at = Location(exc.filename or exc.name or template, exc.lineno)
        raise TemplateError(f"{at}: template syntax error: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        where = _template_frame(exc) or template
        raise TemplateError(f"{where}: {exc.message}",
                            "the template uses a variable that does not exist; see templates/base.html for the ones provided") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template not found: {exc.name}", "check the name in the {% extends %} or {% include %} line") from None
    except jinja2.exceptions.SecurityError as exc:
        where = _template_frame(exc) or template
        raise TemplateError(f"{where}: not allowed in a template: {exc}") from None
    except RecursionError as exc:
        where = _template_frame(exc) or template
        raise TemplateError(f"{where}: the template includes or extends itself, directly or through another one",
                            "check the {% include %} and {% extends %} lines; an override can extend builtin/<layout>/page.html") from None
    except (MemoryError, OverflowError) as exc:
        where = _template_frame(exc) or template
        raise TemplateError(f"{where}: too large to compute: {exc}",
                            "templates may not build huge numbers, strings or ranges (at most 100000 items)") from None
    except Exception as exc:  # noqa: BLE001 - anything a template raises is the template's problem
        where = _template_frame(exc) or template
        detail = str(exc).splitlines()[0] if str(exc) else ""
        raise TemplateError(f"{where}: the template failed: {type(exc).__name__}" + (f": {detail}" if detail else ""),
                            "fix the expression on that line of the template") from None
