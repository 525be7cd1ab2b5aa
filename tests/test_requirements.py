"""A production install (requirements.txt) is pinned, holds no test tool, and is all the code needs."""
import ast
import os
import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
TEST_TOOLS = ("pytest", "pytest-xdist", "pytest-playwright", "playwright", "ruff", "hypothesis",
              "bandit", "import-linter", "aiohttp")


def requirement_lines(name):
    lines = (line.split("#", 1)[0].strip() for line in (ROOT / name).read_text().splitlines())
    return [line for line in lines if line]


def requirements(name):
    return [Requirement(line) for line in requirement_lines(name) if not line.startswith("-")]


def names(name):
    return {canonicalize_name(r.name) for r in requirements(name)}


def test_every_runtime_requirement_is_pinned():
    loose = [line for line in requirement_lines("requirements.txt")
             if not re.fullmatch(r"[A-Za-z0-9._-]+(\[[A-Za-z0-9,._-]+\])?==[0-9][A-Za-z0-9.+!-]*", line)]
    assert not loose, f"pin these with == in requirements.txt: {loose}"


def test_no_test_or_tooling_package_is_installed_in_production():
    tools = {canonicalize_name(t) for t in TEST_TOOLS} | names("requirements-dev.txt")
    runtime = names("requirements.txt")
    assert not runtime & tools, f"move to requirements-dev.txt: {sorted(runtime & tools)}"
    assert not [n for n in runtime if n.startswith("pytest")]


def test_the_development_file_adds_the_tools_to_the_runtime_pinned():
    lines = requirement_lines("requirements-dev.txt")
    assert "-r requirements.txt" in lines
    assert {canonicalize_name(t) for t in TEST_TOOLS} <= names("requirements-dev.txt")
    assert all(len(r.specifier) == 1 and next(iter(r.specifier)).operator == "=="
               for r in requirements("requirements-dev.txt"))


def _runtime_closure():
    """Every distribution requirements.txt installs, its dependencies included (as installed here)."""
    seen, todo = set(), list(requirements("requirements.txt"))
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        extras = requirement.extras or {""}
        for line in metadata.requires(name) or ():
            child = Requirement(line)
            if child.marker is None or any(child.marker.evaluate({"extra": extra}) for extra in extras):
                todo.append(child)
    return seen


def _imported_top_level_modules():
    modules = set()
    for path in [*(ROOT / "sociallab").rglob("*.py"), ROOT / "config.py", ROOT / "wsgi.py",
                 ROOT / "gunicorn.conf.py", *(ROOT / "migrations").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules


def test_a_production_install_pulls_in_no_test_tool_either():
    tools = {canonicalize_name(t) for t in TEST_TOOLS} | names("requirements-dev.txt")
    assert not _runtime_closure() & tools, sorted(_runtime_closure() & tools)


def test_the_application_imports_only_what_requirements_txt_installs():
    providers = metadata.packages_distributions()
    closure = _runtime_closure()
    outside = sorted(f"{module} ({', '.join(providers[module])})" for module in _imported_top_level_modules()
                     if module in providers and not {canonicalize_name(d) for d in providers[module]} & closure)
    assert not outside, f"imported by the application but not installed by requirements.txt: {outside}"


def _installs(target, changed):
    """The pip commands `make <target>` would run after `changed` was edited (make -n: nothing runs)."""
    plan = subprocess.run(["make", "-n", "-W", changed, target], cwd=ROOT, capture_output=True, text=True,
                          check=True, env={**os.environ, "MAKEFLAGS": ""}).stdout
    return [line.split(" -r ", 1)[1].strip() for line in plan.splitlines() if "pip install" in line and " -r " in line]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("changed", ["requirements.txt", "requirements-dev.txt"])
def test_make_run_installs_the_runtime_only(changed):
    assert "requirements-dev.txt" not in _installs("run", changed)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target", ["test", "lint"])
@pytest.mark.parametrize("changed", ["requirements.txt", "requirements-dev.txt"])
def test_editing_either_file_reinstalls_the_tools_for_test_and_lint(target, changed):
    assert "requirements-dev.txt" in _installs(target, changed)
