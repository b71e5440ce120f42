"""`python -m wto_ecommerce_deck check-env`: one screen that tells a student what is missing."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

from conftest import ROOT

from wto_ecommerce_deck import checkenv, chromium, cli


def test_everything_passes_here_and_the_exit_status_says_so(capsys):
    """`python -m wto_ecommerce_deck check-env`, its main() in this process (the command in a process
    of its own, as a student starts it, is the plain-script test below)."""
    status = cli.main(["check-env"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "✗" not in out, out
    assert "✓ Prêt" in out
    assert len(out.splitlines()) <= 40  # one screen
    for name in ("jupyterlab-rise", "plotly", "ipykernel", "chromium", "node_modules", "assets/data"):
        assert name in out


def test_every_dependency_of_pyproject_has_its_line():
    _, requirements = checkenv._project()
    names = {r.name for r in requirements}
    assert {"jupyterlab", "jupyterlab-rise", "plotly", "ipywidgets", "ipykernel"} <= names
    report = checkenv.report(checkenv.run())
    for name in names:
        assert f"✓ {name} " in report


def test_a_missing_dependency_says_what_to_install(monkeypatch):
    real_version = metadata.version

    def version(name):
        if name == "plotly":
            raise metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(checkenv.metadata, "version", version)
    checks = checkenv.run()
    report = checkenv.report(checks)
    assert "✗ plotly absent (>=6.0,<8) → pip install 'plotly>=6.0,<8'" in report
    assert "✗ Il manque 1 élément pour les notebooks" in report  # the plural from the catalogue
    assert "pip install -e ." in report
    monkeypatch.setattr(checkenv, "run", lambda: checks)
    assert checkenv.main() == 1


def test_a_version_out_of_range_says_so(monkeypatch):
    real_version = metadata.version
    monkeypatch.setattr(
        checkenv.metadata, "version", lambda name: "3.2.0" if name == "jupyterlab" else real_version(name)
    )
    report = checkenv.report(checkenv.run())
    assert "✗ jupyterlab 3.2.0 hors de >=4.4,<5 → pip install 'jupyterlab>=4.4,<5'" in report


def test_what_export_and_tests_need_does_not_fail_the_notebooks(monkeypatch):
    monkeypatch.setattr(chromium, "executable", lambda: None)
    checks = checkenv.run()
    report = checkenv.report(checks)
    assert "✗ chromium" in report and "apt-get install chromium" in report
    assert "✓ Prêt" in report
    monkeypatch.setattr(checkenv, "run", lambda: checks)
    assert checkenv.main() == 0


def test_runs_as_a_plain_script_before_the_package_is_installed():
    """A student who has not run `pip install -e .` yet: the script still answers."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "src" / "wto_ecommerce_deck" / "checkenv.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✓ Prêt" in result.stdout
