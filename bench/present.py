"""`make present` timed from its start to the first drawn slide, as a trainer opens it.

Part of `make bench`: bench/run.py calls `measure` and writes this table with its own (RESULTS.md
and its block of the project's front page); `python bench/present.py [--opens N]` runs this part
alone and prints it.

Each open starts `make present PRESENT_ARGS="--no-browser --port … --live-dir live/bench-fr"` (its
own Jupyter config, data and IPython folders, as the tests do), reads the slideshow's URL when
the command prints it (where it would open the browser), loads it in a headless Chromium that was
already running (a trainer's browser is), and stops the clock when the title slide is drawn: RISE
has built the slideshow (`body.rise-enabled`) and the current slide's heading is visible. It then
waits for the command's « quizzes and explorers are live » line (the kernel has run the deck
again), and stops the command with Ctrl-C. Every request that does not go to 127.0.0.1 is
aborted and counted.

A first open is made before the counted ones and reported on its own: the live deck's folder is
new, so that run executes the deck before opening it (what the first `make present` after a change
of the deck's sources does); the counted opens then find it executed (live/executed.py).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from wto_ecommerce_deck import chromium
from wto_ecommerce_deck.live.command import PresentProcess
from wto_ecommerce_deck.live.present import free_port
from wto_ecommerce_deck.messages import t

ROOT = Path(__file__).resolve().parents[1]
LIVE_DIR = Path("live") / "bench-fr"
OPENS = 10
TARGET_S = 10.0
URL = re.compile(r"(http://127\.0\.0\.1:\d+/rise/\S+\?token=\w+)")
# What `make present` says (in French, its default): the deck ran before the URL (`cli.present.ran`),
# or the widgets came alive after it (`cli.present.live`), with its own count of seconds.
RAN = re.compile(re.escape(t("cli.present.ran", "fr", seconds="\0")).replace("\0", r"[\d.]+"))
LIVE_LINE = re.compile(re.escape(t("cli.present.live", "fr", seconds="\0")).replace("\0", r"(\d+(?:\.\d+)?)"))
FIRST_SLIDE = "body.rise-enabled .reveal .slides section.present h1"
START_TIMEOUT = 300  # s: the first open executes the deck, on a shared machine
LIVE_TIMEOUT = 300


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Open:
    first_slide: float | None  # seconds from the command's start to the title slide drawn
    url_printed: float | None  # … to the slideshow's URL printed (the browser opened)
    live: float | None  # … to « quizzes and explorers are live », as the command reports it
    external: int = 0


@dataclass
class Results:
    first: Open | None = None  # the open that executed the deck first
    opens: list[Open] = field(default_factory=list)
    load_before: float = 0.0
    load_after: float = 0.0


def open_once(browser, home: Path, lang: str = "fr") -> Open:
    process = PresentProcess(free_port(), ROOT / LIVE_DIR, home, lang=lang, root=ROOT)
    result = Open(None, None, None)
    try:
        try:
            url = process.wait_for(URL, START_TIMEOUT)
        except TimeoutError:
            say(f"  present: no URL within {START_TIMEOUT} s")
            return result
        result.url_printed = time.monotonic() - process.started
        context = chromium.OfflineContext(browser, allow=("http://127.0.0.1", "data:", "blob:", "about:"))
        try:
            context.page.goto(url.group(1))
            context.page.wait_for_selector(FIRST_SLIDE, state="visible", timeout=START_TIMEOUT * 1000)
            result.first_slide = time.monotonic() - process.started
            if any(RAN.search(line) for line in process.seen):  # executed before the URL: live when opened
                result.live = result.url_printed
            else:
                try:
                    result.live = float(process.wait_for(LIVE_LINE, LIVE_TIMEOUT).group(1))
                except TimeoutError:
                    result.live = None
            result.external = len(context.external)
        except Exception as exc:  # noqa: BLE001 — a slideshow that never appeared is a result too
            say(f"  present: no slide ({exc.__class__.__name__})")
        finally:
            context.close()
    finally:
        process.stop()
    return result


def measure(opens: int = OPENS) -> Results:
    from playwright.sync_api import sync_playwright

    results = Results(load_before=os.getloadavg()[0])
    home = Path(tempfile.mkdtemp(prefix="wto-bench-present-"))
    shutil.rmtree(ROOT / LIVE_DIR, ignore_errors=True)  # the first open executes the deck
    try:
        with sync_playwright() as playwright:
            browser = chromium.launch(playwright)
            results.first = open_once(browser, home)
            say(f"present  first open (deck executed first) {fmt(results.first.first_slide)}")
            for n in range(opens):
                one = open_once(browser, home)
                results.opens.append(one)
                say(f"present  open {n + 1}/{opens}: first slide {fmt(one.first_slide)}, "
                    f"URL {fmt(one.url_printed)}, widgets live {fmt(one.live)}")
            browser.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(ROOT / LIVE_DIR, ignore_errors=True)
        try:
            (ROOT / LIVE_DIR).parent.rmdir()  # live/ itself, unless a real `make present` uses it
        except OSError:
            pass
    results.load_after = os.getloadavg()[0]
    return results


def fmt(value: float | None) -> str:
    return "never" if value is None else f"{value:.1f} s"


def _stats(values: list[float | None]) -> tuple[float | None, float | None]:
    if not values or any(v is None for v in values):
        done = [v for v in values if v is not None]
        return (statistics.median(done) if done else None), None  # a failed open: no max to speak of
    return statistics.median(values), max(values)


def report(results: Results) -> tuple[str, tuple[str, str, str]]:
    """The table, and the targets' row: (name, measured, met)."""
    n = len(results.opens)
    slide_median, slide_max = _stats([o.first_slide for o in results.opens])
    url_median, url_max = _stats([o.url_printed for o in results.opens])
    live_median, live_max = _stats([o.live for o in results.opens])
    drawn = sum(o.first_slide is not None for o in results.opens)
    external = sum(o.external for o in results.opens)
    lines = [
        f"| `make present` (fr), {n} opens | median | max | target |",
        "|---|---:|---:|---:|",
        f"| Start → first slide drawn | {fmt(slide_median)} | {fmt(slide_max)} | ≤ {TARGET_S:.0f} s |",
        f"| Start → URL printed (browser opened) | {fmt(url_median)} | {fmt(url_max)} | |",
        f"| Start → quizzes and explorers live | {fmt(live_median)} | {fmt(live_max)} | |",
        f"| First open after a change (executes the deck first) | {fmt(results.first.first_slide if results.first else None)} | | |",
        "",
        f"Slideshows drawn: {drawn} of {n} opens; requests leaving the machine: {external}; "
        f"load average {results.load_before:.1f} before, {results.load_after:.1f} after.",
    ]
    met = slide_max is not None and drawn == n and slide_max <= TARGET_S
    target = (f"`make present` first slide ≤ {TARGET_S:.0f} s, {n} of {n} opens (max)",
              "—" if slide_max is None else f"{slide_max:.1f} s (median {slide_median:.1f} s)", "yes" if met else "no")
    return "\n".join(lines), target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opens", type=int, default=OPENS, help=f"counted opens (default {OPENS})")
    args = parser.parse_args()
    if not chromium.executable():
        raise SystemExit("bench: Debian's chromium is not on PATH (make chromium)")
    table, target = report(measure(args.opens))
    print(f"{table}\n\n| Target | Measured | Met |\n|---|---:|:---:|\n| {' | '.join(target)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
