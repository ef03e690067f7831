"""One error hierarchy for everything a user can cause.

Every error carries a message that names the file, line and field where it is
known, and a hint that says how to fix it. The CLI prints ``error: …`` and
``hint: …`` and exits 1; no traceback ever reaches a user for a problem in
their input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: a file, and a 1-based line when known."""

    path: Path | str
    line: int | None = None

    def __str__(self) -> str:
        where = _display_path(self.path)
        return f"{where}:{self.line}" if self.line else where


def _display_path(path: Path | str) -> str:
    """Show paths relative to the working folder when they are inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is 1: ``plural(1, "word")`` is "1 word",
    ``plural(3, "page")`` "3 pages", ``plural(2, "copy", "copies")`` "2 copies"."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


class PamphletError(Exception):
    """Base of every error a user can cause. ``hint`` says how to fix it."""

    default_hint = "see `pamphlet --help`"
    exit_code = 1

    def __init__(self, message: str, hint: str | None = None, *, location: Location | None = None):
        self.message = message
        self.hint = hint or self.default_hint
        self.location = location
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def lines(self) -> list[str]:
        """The message as printed, one line per problem."""
        return [str(self)]


class ProjectError(PamphletError):
    """The project folder is missing, or holds no language file."""

    default_hint = "a project is a folder with pamphlet.yaml and one <lang>.md per language; `pamphlet new my-action` starts one, `pamphlet build --example` builds the bundled example"


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation problem: where, which field, what is wrong."""

    location: Location
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.field}: {self.message}" if self.field else f"{self.location}: {self.message}"


class UsageError(PamphletError):
    """A command-line option or argument is wrong (exit code 2, like other usage errors)."""

    default_hint = "see `pamphlet COMMAND --help`"
    exit_code = 2


class ConfigError(PamphletError):
    """``pamphlet.yaml`` or a front matter block is invalid; lists every problem at once."""

    default_hint = "fix the fields named above; see docs/project-format.md"

    def __init__(self, problems: list[Problem], hint: str | None = None):
        self.problems = sorted(problems, key=lambda p: (str(p.location.path), p.location.line or 0))
        first = str(self.problems[0]) if self.problems else "invalid configuration"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more, hint)

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class ContentError(PamphletError):
    """A Markdown file or a resource it refers to is unusable.

    A text with several problems (three refused links, a word too long) is one error with a line per
    problem (``more`` after the first), so ``check`` and ``build`` report them all at once.
    """

    default_hint = "check the file named above"

    def __init__(self, message: str, hint: str | None = None, *, location: Location | None = None,
                 more: Sequence[str] = ()):
        self.more = tuple(more)
        super().__init__(message, hint, location=location)

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def lines(self) -> list[str]:
        first = f"{self.location}: {self.message}" if self.location else self.message
        return [first, *self.more]


class TemplateError(PamphletError):
    """A layout template failed (syntax, or a variable it needs is missing)."""

    default_hint = "check the template override in the project's templates/ folder, or remove it to use the built-in one"


class FetchError(PamphletError):
    """A resource was refused by the sandbox or could not be read."""

    default_hint = "images, fonts and stylesheets must be files inside the project folder (no ../, no absolute paths, no http://)"

    def __init__(self, message: str, hint: str | None = None, *, location: Location | None = None,
                 resource: str | None = None):
        super().__init__(message, hint, location=location)
        self.resource = resource


class GlyphError(PamphletError):
    """Text uses characters that no font in the edition's stack has."""

    default_hint = "add a font that covers these characters to the project's fonts/ folder and name it under `fonts:` in pamphlet.yaml"


class FitError(PamphletError):
    """A fixed-size layout cannot hold the text. ``over``: the share of its words it cannot hold, where known
    (a tighter composition holds some 10–20 % more: none is tried for a text far beyond that)."""

    default_hint = "shorten the text, or use -l booklet"
    over: float | None = None


class ProofError(PamphletError):
    """The laid-out pages do not carry what the edition must print (lost text, ink in the dead edge)."""

    default_hint = "report it: this is a layout problem; try another layout meanwhile"


class RenderError(PamphletError):
    """WeasyPrint failed on an edition."""

    default_hint = "run with --html to inspect the generated HTML"


class ImpositionError(PamphletError):
    """Imposing the reading pages onto printer sheets failed (printing itself: ``PrinterError``)."""

    default_hint = "try a different --signature or --creep value"


class PrinterError(PamphletError):
    """CUPS could not take a job: not installed, unreachable, no such printer, a stopped queue, a refusal."""

    default_hint = "check the printer with `lpstat -p -d`; docs/printing.md, 'By hand', says how to print without pamphlet"


class EnvError(PamphletError):
    """An environment variable pamphlet reads (``SOURCE_DATE_EPOCH``) holds an unusable value."""

    default_hint = "fix or unset the environment variable named above"
    exit_code = 2  # like a bad option: nothing was built


class OutputError(PamphletError):
    """The output folder or file cannot be written."""

    default_hint = "choose another folder with -o, or check its permissions"


class ClusterError(PamphletError):
    """A Dask cluster (``--scheduler``) cannot be used: Dask not installed, no scheduler, no workers."""

    default_hint = "start a scheduler with `dask scheduler` and workers with `dask worker tcp://HOST:8786 --nthreads 1`"
