"""`make bench`: the same notebooks built three ways on this machine, in one run.

1. `nbconvert`: plain `jupyter nbconvert --to slides --execute`, every option at its default;
2. `nbconvert, local`: the same with every configurable `*_url` option pointed at a local copy
   (reveal.js from `node_modules/`, require.js, MathJax 2 and Font Awesome from
   `bench/node_modules/`, jQuery and the widget manager from `node_modules/`) and plotly's
   `notebook` renderer (`PLOTLY_RENDERER=notebook`), which inlines plotly.js into the output;
3. `this project`: `python -m wto_ecommerce_deck build` (what `make slides` runs).

The nbconvert variants run the notebooks with their `deck.setup()` call removed: that call
installs this project's renderer, which plain nbconvert cannot draw. Whatever each variant
produces is then measured as is: build seconds (cold, then a rebuild with nothing changed),
the size of the six section decks, and in headless Chromium with every non-`file:` request
aborted (and counted): the bytes the browser loads, the milliseconds until reveal.js is ready,
and how many plots are drawn when their slide is shown. Medians of `--runs` runs.

Writes `bench/RESULTS.md` and the table between the `bench` markers of README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from wto_ecommerce_deck import chromium, conventions

from readme import write_block  # bench/readme.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PYTHON = Path(sys.executable)
JUPYTER = PYTHON.parent / "jupyter"
BUILD_TIMEOUT = 900  # seconds: nbconvert sets no cell timeout, and its kernels were seen to hang
READY_TIMEOUT = 8_000  # ms a deck gets to start reveal.js

VARIANTS = ("nbconvert", "nbconvert-local", "deck")
TITLES = {
    "nbconvert": "nbconvert, defaults",
    "nbconvert-local": "nbconvert, local assets + plotly inlined",
    "deck": "this project (`make slides`)",
}

# When reveal.js starts it adds the class `ready` to `.reveal`: the same signal in every variant
# (nbconvert loads reveal through require.js, so there is no global `Reveal` to ask).
READY_PROBE = """
(() => {
  const mark = () => {
    if (!window.__benchReadyAt && document.querySelector('.reveal.ready')) {
      window.__benchReadyAt = performance.now();
    }
  };
  new MutationObserver(mark).observe(document, {subtree: true, childList: true, attributes: true,
                                                attributeFilter: ['class']});
})();
"""

CURRENT_PLOTS = """() => {
  const present = Array.from(document.querySelectorAll('.reveal .slides section.present'));
  const slide = present[present.length - 1];
  if (!slide) return [];
  return Array.from(slide.querySelectorAll('.deck-plot, .plotly-graph-div')).map(div => {
    const svg = div.querySelector('.main-svg');
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    return {id: div.id, width: box.width, height: box.height, geo: !!div.querySelector('.geo'),
            countries: div.querySelectorAll('path.choroplethlocation').length};
  });
}"""

CURRENT_PLOTS_SETTLED = """() => {
  const present = Array.from(document.querySelectorAll('.reveal .slides section.present'));
  const slide = present[present.length - 1];
  return !slide || Array.from(slide.querySelectorAll('.deck-plot, .plotly-graph-div'))
    .every(div => div.querySelector('.main-svg'));
}"""

POSITION = """() => {
  const all = Array.from(document.querySelectorAll('.reveal .slides section'));
  const present = all.filter(s => s.classList.contains('present')).map(s => all.indexOf(s));
  return present.join(',') + '/' + document.querySelectorAll('.reveal .fragment.visible').length;
}"""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the three builds ---------------------------------------------------------------------------


def plain_notebooks(target: Path) -> list[Path]:
    """The section notebooks without their `deck.setup()` call, for the nbconvert variants."""
    target.mkdir(parents=True)
    paths = []
    for source in conventions.notebook_paths(ROOT / "notebooks"):
        nb = json.loads(source.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                cell["source"] = re.sub(r"^\s*deck\.setup\(\)\s*$", "", text, flags=re.MULTILINE)
        path = target / source.name
        path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


def local_options() -> list[str]:
    nm, bench_nm = ROOT / "node_modules", BENCH / "node_modules"
    need = {
        "reveal.js": nm / "reveal.js" / "dist" / "reveal.js",
        "jquery": nm / "jquery" / "dist" / "jquery.min.js",
        "widget manager": nm / "@jupyter-widgets" / "html-manager" / "dist" / "embed-amd.js",
        "require.js": bench_nm / "requirejs" / "require.js",
        "MathJax": bench_nm / "mathjax" / "MathJax.js",
        "Font Awesome": bench_nm / "font-awesome" / "css" / "font-awesome.css",
    }
    for name, path in need.items():
        if not path.is_file():
            raise SystemExit(f"bench: {path}: missing local copy of {name} (run `make bench`, which runs npm ci)")
    return [
        f"--SlidesExporter.reveal_url_prefix={(nm / 'reveal.js').as_uri()}",
        f"--HTMLExporter.require_js_url={need['require.js'].as_uri()}",
        f"--HTMLExporter.jquery_url={need['jquery'].as_uri()}",
        # MathJax's `latest.js` (nbconvert's default) would fetch the newest MathJax from a CDN.
        f"--HTMLExporter.mathjax_url={need['MathJax'].as_uri()}?config=TeX-AMS_CHTML-full,Safe",
        f"--HTMLExporter.widget_renderer_url={need['widget manager'].as_uri()}",
        f"--HTMLExporter.jupyter_widgets_base_url={nm.as_uri()}/",
        f"--SlidesExporter.font_awesome_url={need['Font Awesome'].as_uri()}",
        # No option exists for mermaid_js_url (not configurable in nbconvert 7): left as is.
    ]


@dataclass
class Build:
    variant: str
    command: list[str]
    env: dict[str, str]
    out: Path
    cache: Path | None = None

    def run(self) -> float | None:
        started = time.monotonic()
        try:
            result = subprocess.run(
                self.command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=BUILD_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            say(f"  {self.variant}: no result within {BUILD_TIMEOUT} s (hung)")
            return None
        seconds = time.monotonic() - started
        if result.returncode != 0:
            say(f"  {self.variant}: failed ({result.returncode}):\n{result.stderr[-2000:]}")
            return None
        return seconds

    def decks(self) -> list[Path]:
        if self.variant == "deck":  # the section decks; the full deck (00_) has no nbconvert twin
            return sorted(p for p in (self.out / "slides" / "fr").glob("[0-9][0-9]_*.html") if not p.name.startswith("00_"))
        return sorted(self.out.glob("*.slides.html"))

    def reset(self) -> None:
        shutil.rmtree(self.out, ignore_errors=True)
        if self.cache:
            shutil.rmtree(self.cache, ignore_errors=True)


def builds(work: Path, run: int) -> dict[str, Build]:
    env = dict(os.environ, WTO_DECK_ROOT=str(ROOT))
    env.pop("PLOTLY_RENDERER", None)
    notebooks = plain_notebooks(work / f"notebooks-{run}")
    nbconvert = [str(JUPYTER), "nbconvert", "--to", "slides", "--execute"]
    out = {v: work / f"{v}-{run}" for v in VARIANTS}
    return {
        "nbconvert": Build(
            "nbconvert", [*nbconvert, "--output-dir", str(out["nbconvert"]), *map(str, notebooks)], env, out["nbconvert"]
        ),
        "nbconvert-local": Build(
            "nbconvert-local",
            [*nbconvert, *local_options(), "--output-dir", str(out["nbconvert-local"]), *map(str, notebooks)],
            dict(env, PLOTLY_RENDERER="notebook"),
            out["nbconvert-local"],
        ),
        "deck": Build(
            "deck",
            # French only, as nbconvert builds the French notebooks; every language: `all_languages`
            [str(PYTHON), "-m", "wto_ecommerce_deck", "build", "--out", str(out["deck"]),
             "--cache-dir", str(work / f"cache-{run}"), "--lang", "fr"],
            env,
            out["deck"],
            work / f"cache-{run}",
        ),
    }


def all_languages(work: Path, run: int) -> Build:
    """This project's build in every language of assets/i18n/ (fr, en, es): each language's
    notebooks are executed (their figures carry that language's words), the cache keyed by language."""
    env = dict(os.environ, WTO_DECK_ROOT=str(ROOT))
    out, cache = work / f"deck-all-{run}", work / f"cache-all-{run}"
    return Build("deck, every language", [str(PYTHON), "-m", "wto_ecommerce_deck", "build", "--out", str(out),
                                           "--cache-dir", str(cache)], env, out, cache)


# --- the browser ------------------------------------------------------------------------------------


@dataclass
class Load:
    ready_ms: float | None
    bytes_loaded: int
    external: int
    plots_drawn: int | None = None


def file_size(url: str) -> int:
    path = Path(unquote(urlparse(url).path))
    return path.stat().st_size if path.is_file() else 0


def open_deck(browser, deck: Path, walk: bool) -> Load:
    context = chromium.OfflineContext(browser, allow=("file:",))
    page = context.page
    page.add_init_script(READY_PROBE)
    page.goto(deck.as_uri())
    try:
        page.wait_for_function("() => window.__benchReadyAt !== undefined", timeout=READY_TIMEOUT)
        ready = page.evaluate("window.__benchReadyAt")
    except Exception:
        ready = None
    drawn = None
    if walk:
        drawn = walk_slides(page) if ready is not None else count_drawn(page.evaluate(CURRENT_PLOTS))
    page.wait_for_timeout(200)  # late requests (fonts) still count
    files = {url.split("?")[0].split("#")[0] for url in context.loaded}
    load = Load(ready, sum(file_size(u) for u in files), len(context.external), drawn)
    context.close()
    return load


def count_drawn(plots: list[dict]) -> int:
    return len(drawn_ids(plots))


def drawn_ids(plots: list[dict]) -> set[str]:
    # A map counts as drawn when its countries are (without its topojson plotly draws none).
    return {p["id"] for p in plots if p["width"] > 0 and p["height"] > 0 and (not p["geo"] or p["countries"] > 0)}


def walk_slides(page) -> int:
    """Go through the deck with the space bar; count the plots drawn on the slide they are on."""
    drawn: set[str] = set()
    last = None
    for _ in range(300):
        try:
            page.wait_for_function(CURRENT_PLOTS_SETTLED, timeout=2000)
        except Exception:
            pass
        drawn |= drawn_ids(page.evaluate(CURRENT_PLOTS))
        position = page.evaluate(POSITION)
        if position == last:
            break
        last = position
        page.keyboard.press("Space")
        page.wait_for_timeout(50)
    return len(drawn)


# --- the run ----------------------------------------------------------------------------------------


@dataclass
class Results:
    cold: dict[str, list[float | None]] = field(default_factory=lambda: {v: [] for v in VARIANTS})
    noop: dict[str, list[float | None]] = field(default_factory=lambda: {v: [] for v in VARIANTS})
    html: dict[str, int] = field(default_factory=dict)
    decks: dict[str, int] = field(default_factory=dict)
    loaded: dict[str, int] = field(default_factory=dict)
    external: dict[str, int] = field(default_factory=dict)
    ready: dict[str, list[float | None]] = field(default_factory=lambda: {v: [] for v in VARIANTS})
    drawn: dict[str, int] = field(default_factory=dict)
    plots: int = 0
    languages_cold: list[float | None] = field(default_factory=list)
    languages_noop: list[float | None] = field(default_factory=list)


def median(values: list[float | None]) -> float | None:
    """The median, a failed or never-ready measurement counting as worse than any other."""
    if not values:
        return None
    ranked = sorted(values, key=lambda v: float("inf") if v is None else v)
    middle = ranked[len(ranked) // 2] if len(ranked) % 2 else None
    if len(ranked) % 2 == 0:
        low, high = ranked[len(ranked) // 2 - 1], ranked[len(ranked) // 2]
        middle = None if low is None or high is None else (low + high) / 2
    return middle


def expected_plots(deck_build: Path) -> int:
    count = 0
    for path in conventions.notebook_paths(deck_build / "notebooks" / "fr"):  # the French decks are compared
        if path.name.startswith("00_"):  # the full deck repeats the sections' figures
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                if "application/vnd.plotly.v1+json" in output.get("data", {}):
                    count += 1
    return count


def measure(runs: int, loads: int, work: Path) -> Results:
    from playwright.sync_api import sync_playwright

    results = Results()
    kept: dict[str, Build] = {}
    for run in range(runs):
        for variant, build in builds(work, run).items():
            build.reset()
            cold = build.run()
            results.cold[variant].append(cold)
            # nbconvert has no incremental mode: its rebuild is the same full build again, measured
            # in the first run only, to keep `make bench` near ten minutes on two cores.
            noop = None
            if cold is not None and (variant == "deck" or run == 0):
                noop = build.run()
                results.noop[variant].append(noop)
            rebuild = f"  rebuild {fmt_s(noop)}" if variant == "deck" or run == 0 else ""
            say(f"run {run + 1}/{runs}  {variant:<16} cold {fmt_s(cold)}{rebuild}")
            if run == 0:
                kept[variant] = build
            elif cold is not None:
                shutil.rmtree(build.out, ignore_errors=True)
        every = all_languages(work, run)
        every.reset()
        cold = every.run()
        results.languages_cold.append(cold)
        noop = every.run() if cold is not None else None
        results.languages_noop.append(noop)
        say(f"run {run + 1}/{runs}  {'deck, fr+en+es':<16} cold {fmt_s(cold)}  rebuild {fmt_s(noop)}")
        every.reset()
    results.plots = expected_plots(kept["deck"].out)

    if not chromium.executable():
        raise SystemExit("bench: Debian's chromium is not on PATH (make chromium)")
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        for variant, build in kept.items():
            decks = build.decks()
            results.decks[variant] = len(decks)
            results.html[variant] = sum(d.stat().st_size for d in decks)
            results.loaded[variant] = results.external[variant] = results.drawn[variant] = 0
            for deck in decks:
                first = open_deck(browser, deck, walk=True)
                results.loaded[variant] += first.bytes_loaded
                results.external[variant] += first.external
                results.drawn[variant] += first.plots_drawn or 0
                results.ready[variant].append(first.ready_ms)
                # A deck that never got ready will not get ready the next time either.
                for _ in range(loads - 1 if first.ready_ms is not None else 0):
                    results.ready[variant].append(open_deck(browser, deck, walk=False).ready_ms)
            say(f"browser  {variant:<16} {len(decks)} decks, ready {fmt_ms(median(results.ready[variant]))}, "
                f"{results.drawn[variant]}/{results.plots} plots, {results.external[variant]} requests out")
        browser.close()
    return results


# --- the report ---------------------------------------------------------------------------------------


def fmt_s(value: float | None) -> str:
    return "failed" if value is None else f"{value:.1f} s"


def fmt_ms(value: float | None) -> str:
    return "never" if value is None else f"{value:.0f} ms"


def fmt_bytes(value: int | None) -> str:
    if value is None:
        return "—"
    return f"{value / 1_000_000:.2f} MB" if value >= 100_000 else f"{value / 1000:.0f} kB"


def runs_note(values: list, runs: int) -> str:
    return f" ({len(values)} run{'s' if len(values) > 1 else ''})" if len(values) != runs else ""


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b in (None, 0) else a / b


def report(results: Results, runs: int, loads: int, load_before: tuple[float, float, float]) -> str:
    cold = {v: median(results.cold[v]) for v in VARIANTS}
    noop = {v: median(results.noop[v]) for v in VARIANTS}
    ready = {v: median(results.ready[v]) for v in VARIANTS}
    sections = results.decks.get("deck", 0)
    rows = [
        ("Build, cold (s)", {v: fmt_s(cold[v]) for v in VARIANTS}),
        ("Rebuild, nothing changed (s)", {v: fmt_s(noop[v]) + runs_note(results.noop[v], runs) for v in VARIANTS}),
        (f"Deck HTML, {sections} section decks", {v: fmt_bytes(results.html.get(v)) for v in VARIANTS}),
        (f"Bytes the browser loads, {sections} decks", {v: fmt_bytes(results.loaded.get(v)) for v in VARIANTS}),
        (f"Requests leaving the machine, {sections} decks", {v: str(results.external.get(v, "—")) for v in VARIANTS}),
        ("reveal.js ready (median)", {v: fmt_ms(ready[v]) for v in VARIANTS}),
        ("Plots drawn offline", {v: f"{results.drawn.get(v, 0)} of {results.plots}" for v in VARIANTS}),
    ]
    lines = [
        "| | " + " | ".join(TITLES[v] for v in VARIANTS) + " |",
        "|---|" + "---:|" * len(VARIANTS),
    ]
    lines += [f"| {name} | " + " | ".join(cells[v] for v in VARIANTS) + " |" for name, cells in rows]

    ready_nbconvert = [ready[v] for v in ("nbconvert", "nbconvert-local") if ready[v] is not None]
    best_ready = min(ready_nbconvert) if ready_nbconvert else None
    targets = [
        ("cold build ≤ 1.0× plain nbconvert", ratio(cold["deck"], cold["nbconvert"]), 1.0, "×"),
        ("no-op rebuild ≤ 1 s", noop["deck"], 1.0, " s"),
        ("deck HTML ≤ 10 % of nbconvert with plotly inlined",
         ratio(results.html.get("deck"), results.html.get("nbconvert-local")), 0.10, "%"),
        ("bytes loaded ≤ 50 % of nbconvert with plotly inlined",
         ratio(results.loaded.get("deck"), results.loaded.get("nbconvert-local")), 0.50, "%"),
        ("reveal ready ≤ 0.5× the best nbconvert variant", ratio(ready["deck"], best_ready), 0.5, "×"),
        ("0 requests outside file:", results.external.get("deck"), 0, ""),
        ("every plot drawn", abs(results.plots - results.drawn.get("deck", 0)) if results.plots else None, 0, " missing"),
    ]
    # Three languages against one: each language's notebooks are executed (figures carry its words)
    cold3, noop3 = median(results.languages_cold), median(results.languages_noop)
    targets.append(("3 languages cold ≤ 1.5× French alone", ratio(cold3, cold["deck"]), 1.5, "×"))
    lines += [
        "",
        "| Languages | 1 (fr) | 3 (fr, en, es) | 3 ÷ 1 |",
        "|---|---:|---:|---:|",
        f"| Build, cold (s) | {fmt_s(cold['deck'])} | {fmt_s(cold3)} | "
        + (f"{ratio(cold3, cold['deck']):.2f}×" if ratio(cold3, cold["deck"]) is not None else "—") + " |",
        f"| Rebuild, nothing changed (s) | {fmt_s(noop['deck'])} | {fmt_s(noop3)} | "
        + (f"{ratio(noop3, noop['deck']):.2f}×" if ratio(noop3, noop["deck"]) is not None else "—") + " |",
    ]
    target_lines = ["| Target | Measured | Met |", "|---|---:|:---:|"]
    for name, value, limit, unit in targets:
        if value is None:
            shown, met = "—", "no"
        else:
            shown = f"{value * 100:.1f} %" if unit == "%" else f"{value:.2f}{unit}" if unit in ("×", " s") else f"{value}{unit}"
            met = "yes" if value <= limit else "no"
        target_lines.append(f"| {name} | {shown} | {met} |")

    import nbconvert
    import plotly

    context = (
        f"{os.cpu_count()} cores, load average {load_before[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; Python {platform.python_version()}, "
        f"nbconvert {nbconvert.__version__}, plotly {plotly.__version__}, Chromium headless. "
        f"Medians of {runs} builds per variant (cold: empty output and, for this project, an empty cache; "
        f"then the same command again: the rebuild) and of {loads} page loads per deck."
    )
    return "\n".join(lines), "\n".join(target_lines), context


def write(table: str, targets: str, context: str) -> None:
    notes = """\
How to read it:

- The section decks (French) are compared (this project also writes the full deck, counted in its build time).
- Cold: an empty output folder (and, for this project, an empty cache). Rebuild: the same command
  again, nothing changed; nbconvert has no incremental mode, so its rebuild is a full build again,
  measured in the first run only.
- The nbconvert variants run the same notebooks without their `deck.setup()` call; plain nbconvert
  drops plotly's default output (nbconvert #2235), and without network its reveal.js, require.js
  and MathJax never load. Pointing every configurable `*_url` at local copies still leaves the
  `mermaid` module import (no option) and, for the map, plotly's topojson from its CDN.
- "Bytes the browser loads" sums the size of every `file:` resource a deck requested while it was
  walked through, slide by slide; requests to anything else were aborted and counted.
- A plot counts as drawn when it has a non-zero size on its slide (a map: when its countries are).
- This machine is shared; absolute seconds move with its load, the ratios much less.
"""
    text = (
        "# Benchmark: `make slides` against plain nbconvert\n\n"
        "Written by `make bench` (`bench/run.py`); do not edit by hand.\n\n"
        f"{context}\n\n{table}\n\n## Targets\n\n{targets}\n\n{notes}"
    )
    (BENCH / "RESULTS.md").write_text(text, encoding="utf-8")
    write_block("bench", f"{context}\n\n{table}\n\n{targets}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="builds per variant (default 3)")
    parser.add_argument("--loads", type=int, default=3, help="page loads per deck (default 3)")
    args = parser.parse_args()
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="wto-bench-"))
    started = time.monotonic()
    try:
        results = measure(args.runs, args.loads, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    table, targets, context = report(results, args.runs, args.loads, load_before)
    write(table, targets, context)
    print(f"{table}\n\n{targets}")
    say(f"bench: {time.monotonic() - started:.0f} s; written to bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
