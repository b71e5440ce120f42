"""environment.yml (conda, Binder) describes the same environment as pyproject.toml."""

from __future__ import annotations

import tomllib

import yaml

from conftest import ROOT


def test_environment_yml_lists_the_dependencies_of_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_lists = [item["pip"] for item in env["dependencies"] if isinstance(item, dict) and "pip" in item]
    assert len(pip_lists) == 1
    pip = [req for req in pip_lists[0] if not req.startswith("-e")]
    assert sorted(pip) == sorted(project["dependencies"])
    assert "-e ." in pip_lists[0]
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python=")]
    assert python == ["python=3.11"]
