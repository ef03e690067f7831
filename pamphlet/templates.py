"""The Jinja2 environment: project overrides first, then the built-in templates.

A project's ``templates/leaflet/page.html`` replaces the built-in one and can
still extend it as ``builtin/leaflet/page.html`` (Pelican-style overrides).
Autoescape is on for HTML, undefined variables are errors, and templates run
in Jinja's sandbox.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import Location, TemplateError
from .resources import templates_dir


@lru_cache(maxsize=8)
def environment(project_templates: Path | None) -> jinja2.Environment:
    builtin = jinja2.FileSystemLoader(str(templates_dir()))
    loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"builtin": builtin}, delimiter="/")]
    if project_templates is not None and project_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(project_templates)))
    loaders.append(builtin)
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["mm"] = lambda v: f"{float(v):.3f}mm"
    return env


def _template_frame(exc: BaseException) -> str | None:
    """``file:line`` of the innermost template frame (Jinja rewrites tracebacks to template lines)."""
    tb, found = exc.__traceback__, None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".css")):
            found = str(Location(name, tb.tb_lineno))
        tb = tb.tb_next
    return found


def render(template: str, context: dict[str, Any], project_templates: Path | None) -> str:
    env = environment(project_templates)
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = Location(exc.filename or exc.name or template, exc.lineno)
        raise TemplateError(f"{where}: template syntax error: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        where = _template_frame(exc) or template
        raise TemplateError(f"{where}: {exc.message}",
                            "the template uses a variable that does not exist; see templates/base.html for the ones provided") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template not found: {exc.name}", "check the name in the {% extends %} or {% include %} line") from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"{template}: not allowed in a template: {exc}") from None
