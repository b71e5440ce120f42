"""`make bench`, the JupyterLite part: the size of `build/lite/` by part, and in headless Chromium
the time a student waits, on a first visit (empty browser cache) and a second one (same profile).

For each visit: to the interface (the notebook's cells shown), to a ready kernel (`1+1` answered
in a console on the notebook's kernel), and to the section run top to bottom (menu « Exécuter toutes les cellules »
until every code cell has run). The site is served by `make serve`'s server on 127.0.0.1; every
request to another host is aborted and counted. Writes `bench/RESULTS-lite.md` and the table
between the `bench-lite` markers of README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

from wto_ecommerce_deck import chromium, serve

from readme import write_block  # bench/readme.py, beside this script
from wto_ecommerce_deck.pipeline import layout, lite

ROOT = Path(__file__).resolve().parents[1]
SECTION = "02_programme_de_travail"  # a timeline, an explorer and three quizzes
TARGET_MB, TARGET_KERNEL_S = 20, 6  # issue 19, item 4

KERNEL_IDLE = """() => { const e = document.querySelector('.jp-Notebook-ExecutionIndicator');
  return !!e && e.getAttribute('data-status') === 'idle'; }"""
ALL_RUN = """() => { const e = document.querySelector('.jp-Notebook-ExecutionIndicator');
  const prompts = Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')).map(p => p.textContent);
  return !!e && e.getAttribute('data-status') === 'idle' && prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t)); }"""


def visit(context, url: str) -> dict[str, float]:
    page = context.new_page()
    try:
        started = time.monotonic()
        page.goto(url)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        ui = time.monotonic() - started
        # Ready = the kernel answers: `1+1` in a console on the notebook's kernel (the execution
        # indicator reads « idle » before Pyodide has finished starting, so it is not the signal)
        page.get_by_role("menuitem", name="Fichier").click()
        page.get_by_role("menuitem", name="Nouvelle console pour le notebook").click()
        prompt = page.locator(".jp-CodeConsole-input .cm-content")
        prompt.click()
        page.keyboard.type("1+1")
        page.keyboard.press("Shift+Enter")
        page.wait_for_selector(".jp-CodeConsole-content .jp-OutputArea-output:has-text('2')", timeout=300_000)
        kernel = time.monotonic() - started
        page.locator(".jp-Notebook .jp-Cell").first.click()  # back to the notebook
        page.wait_for_function(KERNEL_IDLE, timeout=300_000, polling=100)
        page.get_by_role("menuitem", name="Exécution").click()
        page.get_by_role("menuitem", name="Exécuter toutes les cellules", exact=True).click()
        clicked = time.monotonic()
        page.wait_for_function(ALL_RUN, timeout=300_000, polling=100)
        return {"ui": ui, "kernel": kernel, "run": time.monotonic() - clicked}
    finally:
        page.close()


def measure(site: Path, runs: int) -> tuple[list[dict], list[dict], int]:
    from playwright.sync_api import sync_playwright

    server = serve.make_server(site, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    link = layout.lite_link(site.parent, SECTION)
    url = f"{origin}/{link[len(layout.LITE_FOLDER) + 1:]}"
    first, second, external = [], [], []

    def abort(request_route):  # only what leaves the site is routed here (chromium.outside)
        external.append(request_route.request.url)
        request_route.abort()

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium.executable(), args=chromium.ARGS)
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.route(chromium.outside((origin + "/", "data:", "blob:")), abort)
                first.append(visit(context, url))
                second.append(visit(context, url))
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return first, second, len(external)


def median(values: list[dict], key: str) -> float:
    return statistics.median(v[key] for v in values)


def report(site: Path, first: list[dict], second: list[dict], external: int, runs: int, load: float) -> str:
    parts = lite.sizes(site)
    total = sum(parts.values()) / 1e6
    unpacked = lite.sizes(site, unpacked=True)
    rows = [
        "| | first visit | second visit |",
        "|---|---:|---:|",
        *(
            f"| {label} | {median(first, key):.1f} s | {median(second, key):.1f} s |"
            for key, label in (("ui", "Interface shown"), ("kernel", "Kernel ready"), ("run", f"Section {SECTION} run top to bottom"))
        ),
    ]
    kernel_first = median(first, "kernel")
    faster = median(second, "kernel") + median(second, "run") < kernel_first + median(first, "run")
    targets = [
        "| Target | Measured | Met |",
        "|---|---:|:---:|",
        f"| Site ≤ {TARGET_MB} MB (on disk) | {total:.1f} MB | {'yes' if total <= TARGET_MB else 'no'} |",
        f"| Kernel ready ≤ {TARGET_KERNEL_S} s (first visit) | {kernel_first:.1f} s | {'yes' if kernel_first <= TARGET_KERNEL_S else 'no'} |",
        f"| Second visit faster than the first | {'yes' if faster else 'no'} | {'yes' if faster else 'no'} |",
        f"| Requests leaving the machine | {external} | {'yes' if external == 0 else 'no'} |",
    ]
    sizes = (
        f"Site `build/lite/` on disk (as delivered, large files gzipped): {total:.1f} MB = Pyodide core "
        f"{parts['pyodide'] / 1e6:.1f} MB + wheels {parts['wheels'] / 1e6:.1f} MB + app (JupyterLab/Notebook, "
        f"extensions, translations, notebooks) {parts['app'] / 1e6:.1f} MB. Unpacked (as the browser sees it): "
        f"{sum(unpacked.values()) / 1e6:.1f} MB = {unpacked['pyodide'] / 1e6:.1f} + {unpacked['wheels'] / 1e6:.1f} + "
        f"{unpacked['app'] / 1e6:.1f} MB."
    )
    context = (
        f"{os.cpu_count()} cores, load average {load:.1f} at the start; Python {platform.python_version()}, "
        f"Chromium headless, site served on 127.0.0.1 by `make serve`'s server. Medians of {runs} run(s); "
        "a second visit is the same browser profile opening the same link again (its HTTP cache warm)."
    )
    return "\n".join([context, "", sizes, "", *rows, "", *targets])


def write(text: str) -> None:
    (ROOT / "bench" / "RESULTS-lite.md").write_text(
        "# Benchmark: the JupyterLite site (`make lite`)\n\nWritten by `make bench` (`bench/lite.py`); "
        f"do not edit by hand.\n\n{text}\n",
        encoding="utf-8",
    )
    write_block("bench-lite", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="first + second visits measured (default 1)")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    site = lite.build(ROOT / "build")
    first, second, external = measure(site, args.runs)
    text = report(site, first, second, external, args.runs, load)
    write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
