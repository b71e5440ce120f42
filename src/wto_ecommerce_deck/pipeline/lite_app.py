"""The JupyterLite app of `build/lite/`: which front-end extensions it ships, its
`jupyter-lite.json` (the Pyodide kernel pointed at the site's own Pyodide, the PyPI fallback off),
the `jupyter lite build` that writes it, and the parts of it that are pruned.

`make lite` (`lite.py`) runs it in a fresh temporary folder each time (jupyterlite's doit cache once
kept a stale `jupyter-lite.json`); Pyodide and the wheels (`lite_pyodide.py`) are added after.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import BuildError
from ..paths import lite_dir

APPS = ("lab", "notebooks")
# The front-end extensions the notebooks need; others installed in the environment (RISE, which
# needs a Jupyter server; MathJax, which no notebook uses) are left out of the site.
EXTENSIONS = ("@jupyter-widgets/jupyterlab-manager", "@jupyterlite/pyodide-kernel-extension", "jupyterlab-plotly")
KERNEL_EXTENSION = "@jupyterlite/pyodide-kernel-extension"
LOCK_PYTHON = "3.14"  # Pyodide 314's Python; checked against the npm package's lock
# The kernel's IPython profile, a wheel of the site's own (`lite_pyodide.profile_wheel`) loaded at
# start, found through IPYTHONDIR: jedi is not shipped (`lite_pyodide.NOT_SHIPPED`), but the
# kernel turns IPython's jedi completion on; the profile turns it off again, so that Tab completes
# with IPython's own completer.
KERNEL_PROFILE = "wto-deck-ipython-profile"
IPYTHONDIR = f"/lib/python{LOCK_PYTHON}/site-packages/wto_deck_ipython_profile"
# What the kernel installs at start; preloaded in parallel by Pyodide instead of one by one.
KERNEL_PACKAGES = ("micropip", "piplite", "ipykernel", "comm", "pyodide-kernel", "jedi", "ipython", KERNEL_PROFILE)
PYODIDE_DIR = "static/pyodide"
TOPOJSON_DIR = "static/topojson"
TOPOJSON_FILES = ("world_110m.json",)


def labextensions() -> Path:
    """The environment's front-end extensions (where `make setup` installed them)."""
    return Path(sys.prefix) / "share" / "jupyter" / "labextensions"


def lite_config(site_name: str) -> dict:
    kernel = {
        "pyodideUrl": f"./{PYODIDE_DIR}/pyodide.mjs",
        "disablePyPIFallback": True,
        "loadPyodideOptions": {
            "packages": list(KERNEL_PACKAGES),
            # the members map's topojson, relative to the app's page (lab/ or notebooks/)
            "env": {"WTO_DECK_TOPOJSON_URL": f"../{TOPOJSON_DIR}/", "IPYTHONDIR": IPYTHONDIR},
        },
    }
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": site_name,
            "litePluginSettings": {"@jupyterlite/pyodide-kernel-extension:kernel": kernel},
            "disabledExtensions": list(DISABLED_EXTENSIONS),
        },
    }


def run_jupyter_lite(workdir: Path, output: Path, contents: Path, site_name: str) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "jupyter-lite.json").write_text(json.dumps(lite_config(site_name), indent=1), encoding="utf-8")
    shutil.copyfile(lite_dir() / "overrides.json", workdir / "overrides.json")
    build_config = {
        "LiteBuildConfig": {
            "apps": list(APPS),
            "contents": [str(contents)],
            "output_dir": str(output),
            "no_sourcemaps": True,
            "no_unused_shared_packages": True,
            "settings_overrides": [str(workdir / "overrides.json")],
            # the extensions of the environment are not all for the browser: only ours, listed;
            # the language packs still come from the environment
            "ignore_sys_prefix": ["federated_extensions"],
            "federated_extensions": [str(labextensions() / name) for name in EXTENSIONS],
        }
    }
    (workdir / "jupyter_lite_config.json").write_text(json.dumps(build_config, indent=1), encoding="utf-8")
    command = [str(Path(sys.executable).parent / "jupyter-lite"), "build", "--lite-dir", str(workdir)]
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        tail = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()][-5:]
        raise BuildError("jupyter lite build failed: " + " | ".join(tail))


# Nothing that would try the network (news, extension manager), and the renderers whose libraries
# are pruned below: a mermaid block then shows as code, a terminal (which JupyterLite has not) or a
# Vega output is not offered.
DISABLED_EXTENSIONS = (
    "@jupyterlab/apputils-extension:announcements",
    "@jupyterlab/extensionmanager-extension",
    "@jupyterlab/mermaid-extension",
    "@jupyterlab/vega5-extension",
    "@jupyterlab/terminal-extension",
)
# The app's chunks of those libraries (jupyterlite-core 0.8.6), loaded only when one of them draws:
# 4 MB of the site. A chunk is removed only if it is there and holds its library's name, so that
# another version of the app is shipped whole rather than broken.
PRUNED_CHUNKS = (
    ("build/4680.34db628.js", "elk.direction"),  # elk, mermaid's layout engine
    ("build/963.71d40b5.js", "mermaid"),
    ("build/5506.9670c87.js", "dagre"),  # mermaid's graph layout
    ("build/6491.fc8f9d0.js", "cytoscape"),  # mermaid's mind maps
    ("build/3294.40312b6.js", "katex"),  # mermaid's math
    ("build/1450.f727657.js", "vega"),
    ("build/7813.1ed97bd.js", "vega-lite"),
    ("build/2802.1676cef.js", "xterm"),  # the terminal
)
# Parts of the app nobody loads: legacy icon-font formats (Chromium reads the woff2; see also `prune`), the build's
# bundler configs.
PRUNE = ("build/*.eot", "build/*.ttf", "build/fa-*.svg", "rspack.config*.js",
)  # fmt: skip


def prune(site: Path) -> None:
    for pattern in PRUNE:
        for path in site.glob(pattern):
            if path.is_file():
                path.unlink()
    # a `.woff` beside its `.woff2`: the CSS lists the woff2 first, which every browser the site
    # runs in (WebAssembly) reads
    for path in site.glob("build/*.woff"):
        if path.with_suffix(".woff2").is_file():
            path.unlink()
    for name, marker in PRUNED_CHUNKS:
        path = site / name
        if path.is_file() and marker in path.read_text(encoding="utf-8", errors="ignore"):
            path.unlink()
