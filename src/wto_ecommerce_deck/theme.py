"""The look of what the project writes, read from `assets/theme/`: stylesheets and Jinja templates.

* `css("quiz-live.css")`: a stylesheet of `assets/theme/`, as text (the live widgets put it in a
  `<style>`; the pages inline theirs).
* `render("index.html.j2", …)`: a page or a fragment of `assets/theme/templates/`, rendered with
  autoescape on (data text is always escaped; only `…_html` messages and rendered fragments are
  markup), with `t` and `group` of `messages` and the link helpers as globals.
* `macro("source_links")`: a macro of `templates/markup.html.j2`, where the markup of a link, a WTO
  document symbol, a status and a list of sources is written once for the decks, the fallbacks,
  the live widgets and the pages.

The nbconvert template of the decks (`templates/omc-reveal/`) lives in the same folder and gets the
same `t` through its resources (`pipeline/export.py`).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable

import jinja2
from markupsafe import Markup

from . import paths
from .data import safe_href
from .data.links import short_title, symbol_url
from .errors import BuildError
from . import messages
from .messages import group, t

MARKUP = "markup.html.j2"


def css(name: str) -> str:
    """A stylesheet of `assets/theme/`."""
    path = paths.theme_dir() / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        raise BuildError(f"{path}: missing (a stylesheet of the theme)") from None


@functools.lru_cache(maxsize=None)
def _environment(folder: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        extensions=["jinja2.ext.do"],
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(),
    )
    env.globals.update(
        t=_t, group=_group, css=lambda name: Markup(css(name)), safe_href=safe_href, short_title=short_title,
        symbol_url=symbol_url,
    )
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja's own cache of compiled templates, in `paths.template_cache_dir()` when it is set
    (by the build: one folder per environment key, so only this environment's settings and this
    Jinja's compiler wrote there); a template is checked against its source's checksum before
    its compiled code is used."""
    folder = paths.template_cache_dir()
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


@jinja2.pass_context
def _t(context, key: str, **params: Any) -> str:
    """`t` in the language of the page being rendered (its `lang`)."""
    return t(key, context.get("lang"), **params)


@jinja2.pass_context
def _group(context, prefix: str) -> dict[str, str]:
    return group(prefix, context.get("lang"))


def environment() -> jinja2.Environment:
    return _environment(paths.theme_dir() / "templates")


def render(template: str, lang: str | None = None, **context: Any) -> str:
    """A template of `assets/theme/templates/` rendered with `context`, its words in `lang`
    (default: the current language, `messages.language()`)."""
    return environment().get_template(template).render(lang=lang or messages.language(), **context)


def macro(name: str, template: str = MARKUP, lang: str | None = None) -> Callable[..., Markup]:
    """A macro of `templates/markup.html.j2`, or of `template`, its words in `lang` (its result is
    markup: escaped data, our tags)."""
    return getattr(_module(paths.theme_dir() / "templates", template, lang or messages.language()), name)


@functools.lru_cache(maxsize=None)
def _module(folder: Path, template: str, lang: str):
    """A template's macros with `lang` in their context, made once."""
    return _environment(folder).get_template(template).make_module({"lang": lang})
