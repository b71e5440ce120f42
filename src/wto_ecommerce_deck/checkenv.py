"""`python -m wto_ecommerce_deck check-env`: can this environment run the decks? One screen, in French.

For a student on a laptop, Binder or a JupyterHub: each line says ✓ or ✗ and, when ✗, what
to install. The first block is what the notebooks need; the second only what exporting the
decks and running the tests need. The exit status is 0 when the notebooks can run.

It must run where little is installed: before `pip install -e .` too, as a plain script
(`python src/wto_ecommerce_deck/checkenv.py`), on an older Python: so only the standard
library at the top, and the package's own modules imported inside the checks.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python < 3.11: the Python line says so; the ranges come from the metadata
    tomllib = None
try:
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.version import InvalidVersion, Version
except ImportError:  # packaging comes with JupyterLab; pip carries a copy when it is missing
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.specifiers import SpecifierSet
    from pip._vendor.packaging.version import InvalidVersion, Version

DISTRIBUTION = "wto-ecommerce-deck"


def _installed_version() -> str | None:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None


# Run as a script from a clone: the package is imported from src/ (its metadata there does
# not make it installed, so whether it is installed is read before).
_INSTALLED = _installed_version()
if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wto_ecommerce_deck import messages  # noqa: E402  (standard library only, like this module)
from wto_ecommerce_deck.messages import t  # noqa: E402  (standard library only, like this module)

# The JupyterLab front-end extensions the live decks use, by the folder they install, with what
# they serve (a key of `cli.check_env.role` in the message catalogue).
LAB_EXTENSIONS = {
    "jupyterlab-rise": ("jupyterlab-rise", "slideshow"),
    "jupyterlab-plotly": ("plotly", "figures"),
    "@jupyter-widgets/jupyterlab-manager": ("ipywidgets", "quiz"),
}
INSTALL_ALL = "pip install -e ."
INSTALL_ALL_CONDA = "conda env update -f environment.yml"


@dataclass(frozen=True)
class Check:
    ok: bool
    what: str
    fix: str = ""  # what to do when not ok
    required: bool = True  # needed to run the notebooks (else: export and tests only)

    def line(self) -> str:
        if self.ok:
            return f"  ✓ {self.what}"
        return f"  ✗ {self.what}" + (f" → {self.fix}" if self.fix else "")


def _project() -> tuple[str, list[Requirement]]:
    """requires-python and the dependencies: pyproject.toml of the clone, else the installed metadata."""
    try:
        from wto_ecommerce_deck.paths import repo_root

        pyproject = repo_root() / "pyproject.toml"
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        return project.get("requires-python", ""), [Requirement(r) for r in project.get("dependencies", [])]
    except Exception:  # no clone, no tomllib, a broken pyproject.toml: the installed metadata
        pass
    try:
        requires = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return "", []
    reqs = [Requirement(r) for r in requires]
    reqs = [r for r in reqs if r.marker is None or r.marker.evaluate({"extra": ""})]
    return metadata.metadata(DISTRIBUTION).get("Requires-Python") or "", reqs


def check_python(requires_python: str) -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    ok = not requires_python or Version(version) in SpecifierSet(requires_python)
    return Check(ok, f"Python {version}" + (f" ({requires_python})" if requires_python else ""),
                 t("cli.check_env.install_python", version=requires_python))


def check_package() -> Check:
    if _INSTALLED is None:
        return Check(False, t("cli.check_env.package_missing", name=DISTRIBUTION), t("cli.check_env.install_package"))
    return Check(True, t("cli.check_env.package", name=DISTRIBUTION, version=_INSTALLED))


def _range(req: Requirement) -> str:
    """`>=4.4,<5`: lower bound first, as pyproject.toml writes it."""
    return ",".join(sorted((str(s) for s in req.specifier), key=lambda s: (not s.startswith(">"), s)))


def check_requirement(req: Requirement) -> Check:
    spec = _range(req)
    install = f"pip install '{req.name}{spec}'"
    try:
        version = metadata.version(req.name)
    except metadata.PackageNotFoundError:
        return Check(False, t("cli.check_env.requirement_missing", name=req.name, spec=spec), install)
    try:
        ok = req.specifier.contains(Version(version), prereleases=True)
    except InvalidVersion:
        ok = False
    if ok:
        return Check(True, f"{req.name} {version}")
    return Check(False, t("cli.check_env.requirement_out_of_range", name=req.name, version=version, spec=spec), install)


def check_kernel() -> Check:
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        found = "python3" in KernelSpecManager().find_kernel_specs()
    except Exception:  # jupyter_client missing or broken: said by its own line
        found = False
    return Check(found, t("cli.check_env.kernel"), "python -m ipykernel install --sys-prefix")


def check_lab_extensions() -> list[Check]:
    try:
        from jupyter_core.paths import jupyter_path

        folders = [Path(p) for p in jupyter_path("labextensions")]
    except Exception:
        folders = []
    checks = []
    roles = messages.group("cli.check_env.role")
    for name, (package, role) in LAB_EXTENSIONS.items():
        found = any((folder / name / "package.json").is_file() for folder in folders)
        checks.append(Check(found, t("cli.check_env.lab_extension", name=name, role=roles[role]),
                            t("cli.check_env.install_lab_extension", package=package)))
    try:
        from jupyter_core.paths import jupyter_config_path
        from jupyter_server.extension.config import ExtensionConfigManager

        enabled = ExtensionConfigManager(read_config_path=jupyter_config_path()).enabled("jupyterlab_rise")
    except Exception:
        enabled = False
    checks.append(Check(enabled, t("cli.check_env.server_extension"), "jupyter server extension enable jupyterlab_rise"))
    return checks


def check_data() -> Check:
    try:
        from wto_ecommerce_deck import data

        facts = data.load_facts()
    except ImportError as exc:
        return Check(False, t("cli.check_env.data_unchecked", module=exc.name), t("cli.check_env.install_above_first"))
    except Exception as exc:  # a DataError names file, entry and field; anything else is shown as is
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return Check(False, t("cli.check_env.data_invalid", problem=first), t("cli.check_env.fix_data"))
    count = len(getattr(facts, "events", []) or [])
    return Check(True, t("cli.check_env.data_valid_events", count=count) if count else t("cli.check_env.data_valid"))


def check_node_assets() -> Check:
    try:
        from wto_ecommerce_deck.pipeline import vendor

        vendor.check()
    except ImportError as exc:
        return Check(False, t("cli.check_env.npm_unchecked", module=exc.name), t("cli.check_env.install_above_first"),
                     required=False)
    except Exception:
        return Check(False, t("cli.check_env.npm"), t("cli.check_env.install_npm"), required=False)
    return Check(True, t("cli.check_env.npm"), required=False)


def check_chromium() -> list[Check]:
    from wto_ecommerce_deck import chromium as browser  # standard library only: fine in a script

    chromium = browser.executable()
    checks = [Check(bool(chromium), t("cli.check_env.chromium_at", path=chromium) if chromium else t("cli.check_env.chromium"),
                    t("cli.check_env.install_chromium"), required=False)]
    try:
        metadata.version("playwright")
        checks.append(Check(True, t("cli.check_env.playwright"), required=False))
    except metadata.PackageNotFoundError:
        checks.append(Check(False, t("cli.check_env.playwright"), "pip install -e '.[test]'", required=False))
    return checks


def run() -> list[Check]:
    requires_python, requirements = _project()
    checks = [check_python(requires_python), check_package()]
    checks += [check_requirement(req) for req in requirements]
    checks += [check_kernel(), *check_lab_extensions(), check_data()]
    checks += [check_node_assets(), *check_chromium()]
    return checks


def report(checks: list[Check]) -> str:
    lines = [t("cli.check_env.title", series=t("deck.series_title")), "", t("cli.check_env.for_notebooks")]
    lines += [c.line() for c in checks if c.required]
    lines += ["", t("cli.check_env.for_export")]
    lines += [c.line() for c in checks if not c.required]
    missing = [c for c in checks if c.required and not c.ok]
    lines.append("")
    if missing:
        lines.append("✗ " + t("cli.check_env.missing", count=len(missing)))
        lines.append("  " + t("cli.check_env.install_all", command=INSTALL_ALL, conda=INSTALL_ALL_CONDA))
        lines.append("  " + t("cli.check_env.run_again"))
    else:
        lines.append("✓ " + t("cli.check_env.ready"))
    return "\n".join(lines)


def main() -> int:
    checks = run()
    print(report(checks))
    return 1 if any(c.required and not c.ok for c in checks) else 0


if __name__ == "__main__":
    # Run as a plain script: the command line's own start (cli.main) is skipped, so skip here what it
    # skips (the `iri` grammar jsonschema builds when nbformat is imported: most of this script's seconds).
    from wto_ecommerce_deck.errors import skip_iri_grammar

    skip_iri_grammar()
    raise SystemExit(main())
