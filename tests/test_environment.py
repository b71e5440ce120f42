"""The environment is the lock: requirements.lock satisfies pyproject.toml, and environment.yml
(conda, Binder) pins exactly the lock's versions."""

from __future__ import annotations

import re
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT

PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", re.MULTILINE)


def lock_pins() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def project_requirements(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return [Requirement(req) for req in reqs]


def test_the_lock_satisfies_every_dependency_of_pyproject():
    pins = lock_pins()
    unmet = []
    for req in project_requirements() + project_requirements("test") + project_requirements("lite"):
        version = pins.get(canonicalize_name(req.name))
        if version is None or not req.specifier.contains(version, prereleases=True):
            unmet.append(f"{req} (lock: {version})")
    assert not unmet, "requirements.lock is stale, run `make lock`: " + ", ".join(unmet)


def test_every_locked_package_carries_a_hash():
    entries = (ROOT / "requirements.lock").read_text(encoding="utf-8").split("\n")
    pinned = [i for i, line in enumerate(entries) if PIN.match(line)]
    assert len(pinned) > 50
    for i in pinned:
        assert "--hash=sha256:" in entries[i + 1], f"requirements.lock: {entries[i]} has no hash"


def test_environment_yml_pins_the_locks_versions():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_lists = [item["pip"] for item in env["dependencies"] if isinstance(item, dict) and "pip" in item]
    assert len(pip_lists) == 1
    pins = lock_pins()
    listed = {}
    for req in pip_lists[0]:
        if req.startswith("-e"):
            continue
        parsed = Requirement(req)
        (version,) = [spec.version for spec in parsed.specifier if spec.operator == "=="]
        listed[canonicalize_name(parsed.name)] = version
    wrong = {name: (version, pins.get(name)) for name, version in listed.items() if pins.get(name) != version}
    assert not wrong, f"environment.yml differs from requirements.lock (run `make lock`): {wrong}"
    for req in project_requirements():
        assert canonicalize_name(req.name) in listed, f"environment.yml lacks {req.name}"
    assert "-e ." in pip_lists[0]
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python=")]
    assert python == ["python=3.11"]


def test_make_tests_workers_keep_each_group_of_tests_together(request):
    """`make test` (`--dist loadgroup`) hands the tests out by the group conftest.py gives them (a
    module whose fixture is dear runs on one worker: one JupyterLab, one set of prints): xdist
    reads the group from the suffix it adds to the node id. pytest 9.2's node ids dropped that
    suffix without a word (pytest-xdist issue #1386), and conftest.py's marks, set after xdist's
    hook, never reached it: test_live started JupyterLab on both workers."""
    assert [mark.args for mark in request.node.iter_markers("xdist_group")] == [("test_environment",)]
    if request.config.getoption("loadgroup", default=False):  # a worker of `make test`
        assert request.node.nodeid.endswith("@test_environment"), request.node.nodeid
