"""One dependency list for pip and conda, with the ranges the course promises, installed."""

import re
from importlib.metadata import PackageNotFoundError, version

import tomllib
import yaml
from packaging.requirements import Requirement

from grader.paths import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
REQUIREMENTS = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]


def test_environment_yml_installs_the_pyproject_list_instead_of_repeating_it():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda, pip = [], []
    for dep in env["dependencies"]:
        (pip.extend(dep["pip"]) if isinstance(dep, dict) else conda.append(dep))
    assert {re.split(r"[=<>]", d)[0] for d in conda} == {"python", "pip"}
    assert pip == ["-e .[test]"]
    python = next(d for d in conda if d.startswith("python"))
    low, high = re.findall(r"3\.(\d+)", PYPROJECT["project"]["requires-python"])
    assert int(low) <= int(python.split("=")[1].split(".")[1]) < int(high)


def allows(name: str, candidate: str) -> bool:
    return any(r.name == name and r.specifier.contains(candidate) for r in REQUIREMENTS)


def test_pinned_ranges_are_the_promised_ones():
    assert allows("jupyterlab", "4.6.0") and not allows("jupyterlab", "5.0.0")
    assert allows("nbgrader", "0.9.6") and not allows("nbgrader", "0.10.0")
    for tf in ("tensorflow", "tensorflow-cpu"):
        assert allows(tf, "2.21.0") and not allows(tf, "3.0.0") and not allows(tf, "2.15.0")
    assert allows("keras", "3.15.1") and not allows("keras", "2.15.0")
    assert allows("ml-dtypes", "0.6.0") and not allows("ml-dtypes", "0.7.0")  # import cost
    for name in ("numpy", "matplotlib", "ipywidgets"):
        assert any(r.name == name for r in REQUIREMENTS), name


def test_installed_packages_satisfy_the_list():
    for req in REQUIREMENTS:
        if req.marker is not None and not req.marker.evaluate():
            continue
        try:
            installed = version(req.name)
        except PackageNotFoundError:
            raise AssertionError(f"{req.name} is not installed: run `make setup`") from None
        assert req.specifier.contains(installed), f"{req.name} {installed} does not satisfy {req}"


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    first_block = readme.split("```")[1]  # the first commands a new user reads
    assert "make course" in first_block and "make test" in first_block
    assert re.search(r"^\s*(exec\s+)?make test\b", ci, re.M)
