"""Kernel-only widgets that carry their own static stand-in for the exported decks.

A quiz or an explorer runs on the kernel: live in JupyterLab, in RISE and in a student's notebook.
An exported deck has no kernel, so the same widget there would be a dead control (the
kernel-free contract of the exported decks). Every such widget is therefore displayed through
`WithFallback`, whose output bundle holds both

* the widget view (`application/vnd.jupyter.widget-view+json`), which JupyterLab's widget renderer
  ranks first, so that live it is the widget that shows; and
* a `text/html` static fallback that says what it is (« Voir la réponse » behind a native
  `<details>`, a table of events), which the export prefers (`export.py`), so that the deck never
  needs a widget manager.

`export.py` refuses a widget view that comes without such a fallback.

The widgets get deterministic model ids (`stable_ids`): the same notebook executes to the same
bytes, widget state included, which the build's reproducibility relies on.
"""

from __future__ import annotations

import contextlib
import itertools
from collections import Counter
from typing import Iterator

import ipywidgets as widgets
from ipywidgets import comm as widget_comm

from markupsafe import Markup

from . import theme

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
FALLBACK_CLASS = "deck-fallback"
NBSP = "\u00a0"

# How many times each scope was built in this kernel: a cell run twice needs new comm ids.
_builds: Counter[str] = Counter()


@contextlib.contextmanager
def stable_ids(scope: str) -> Iterator[None]:
    """Widgets created inside get model ids `deck-<scope>-<build>-<n>` instead of random UUIDs.

    ipywidgets opens every widget's comm through `ipywidgets.comm.create_comm`; giving it a
    `comm_id` is what `Widget(model_id=…)` does. Widgets created later (in callbacks) keep
    random ids: they only exist live, never in a built notebook.
    """
    _builds[scope] += 1
    prefix = f"deck-{scope}-{_builds[scope]}"
    counter = itertools.count(1)
    original = widget_comm.create_comm

    def create_comm(*args, **kwargs):
        kwargs.setdefault("comm_id", f"{prefix}-{next(counter):03d}")
        return original(*args, **kwargs)

    widget_comm.create_comm = create_comm
    try:
        yield
    finally:
        widget_comm.create_comm = original


def fallback_html(kind: str, name: str, inner: str) -> str:
    """The static stand-in, marked so that the export and the tests can recognise it
    (`markup.html.j2`, macro `fallback`; `inner` is markup)."""
    return str(theme.macro("fallback")(FALLBACK_CLASS, kind, name, Markup(inner)))


class WithFallback:
    """A widget shown live, plus the static HTML that replaces it where there is no kernel."""

    kind = "widget"

    def __init__(self, widget: widgets.Widget, name: str, static_html: str):
        self.widget = widget
        self.name = name
        self.static_html = static_html

    def fallback(self) -> str:
        return fallback_html(self.kind, self.name, self.static_html)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = dict(self.widget._repr_mimebundle_() or {})
        bundle["text/html"] = self.fallback()
        return bundle


def live_style(css: str) -> widgets.HTML:
    """A `<style>` for the live widget (ipywidgets sets an HTML widget's value as markup); `css`: the
    text of a stylesheet of assets/theme/ (`theme.css("quiz-live.css")`)."""
    return widgets.HTML(f"<style>{css}</style>", layout=widgets.Layout(height="0px", margin="0"))


