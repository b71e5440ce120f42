"""What the deck teaches beyond the timelines (issue 17 §3), one call each from a notebook:

* `teach.outline()`: the parts of the full deck, named by each section notebook's own title (its
  `metadata.title`, or the title entry of its catalogue in another language), so the outline is
  never typed twice and never misses a part;
* `teach.comparison()`: the Work Programme and the Joint Statement Initiative side by side
  (`assets/data/comparison.yaml`);
* `teach.agreement()`: what the stabilized text of the Agreement holds and leaves out
  (`agreement.yaml`);
* `teach.arguments()`: the arguments for and against the moratorium, each as a position
  (`arguments.yaml`).

Each returns HTML (`IPython.display.HTML`) rendered by `assets/theme/templates/teach.html.j2`,
which the export keeps as it is and deck.js pages like any table. A row whose status is not
« vérifié » says its status after its text; the sources of every row are on the « Sources » slide
and page (the fact audit reads the same rows: `rows_shown`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from . import conventions, data, messages, paths, theme
from .calls import OUTLINE, TABLE, notebook_call

TEMPLATE = "teach.html.j2"


def _po_title(path: Path) -> str | None:
    """The translated title of a notebook's catalogue, read with the standard library (the kernel,
    JupyterLite): the `msgstr` after the title's `msgctxt` (`conventions.TITLE_CONTEXT`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(re.escape(f'msgctxt "{conventions.TITLE_CONTEXT}"') + r'\s*\nmsgid\s+((?:".*"\s*\n)+)msgstr\s+((?:".*"\s*\n?)+)', text)
    if not match:
        return None
    value = "".join(json.loads(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', match.group(2)))
    return value or None


def section_titles(folder: Path | None = None, lang: str | None = None) -> list[tuple[str, str]]:
    """(name, title) of every section notebook after the title section, in the deck's order, in
    `lang` (default: the current language)."""
    folder = Path(folder) if folder is not None else paths.notebooks_dir()
    lang = lang or messages.language()
    titles = []
    for path in conventions.notebook_paths(folder)[1:]:
        title = json.loads(path.read_text(encoding="utf-8"))["metadata"]["title"]
        if lang != messages.DEFAULT_LANG:
            title = _po_title(folder / "locale" / lang / f"{path.stem}.po") or title
        titles.append((path.stem, title))
    return titles


def _html(markup: str):
    from IPython.display import HTML

    return HTML(markup)


@notebook_call(OUTLINE)
def outline():
    """The parts of the full deck, by their own titles."""
    return _html(theme.render(TEMPLATE, macro="outline", titles=section_titles()))


# Each table: its rows (a field of data.Facts) and the fact kind the audit gives them.
TABLES = {"comparison": ("comparison", "comparison"), "agreement": ("agreement", "provision"), "arguments": ("arguments", "argument")}


def rows_shown(function: str, facts) -> list[tuple[str, bool]]:
    """What a table call shows, for the fact audit: (fact key, flagged « à confirmer »)."""
    field, kind = TABLES[function]
    return [(f"{kind}:{row.id}", row.status == "unverified") for row in getattr(facts, field)]


def _table(function: str):
    facts = data.load_facts()
    field, _ = TABLES[function]
    return _html(theme.render(TEMPLATE, macro=function, rows=getattr(facts, field)))


@notebook_call(TABLE)
def comparison():
    """Work Programme (multilateral) and Joint Statement Initiative (plurilateral), side by side."""
    return _table("comparison")


@notebook_call(TABLE)
def agreement():
    """What the Agreement's stabilized text holds, and what was left out."""
    return _table("agreement")


@notebook_call(TABLE)
def arguments():
    """For and against the moratorium, each argument as whose position it is."""
    return _table("arguments")
