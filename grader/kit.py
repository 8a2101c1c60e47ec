"""The student kit: what a student gets instead of this repository (``python -m grader kit``).

Built from the release (``notebooks/``), never from ``solutions/``, the gradebook or the
hidden tests::

    kit/                                  (gitignored; --output moves it)
      README.md                           the student's guide: install, open, work, validate, submit
      requirements.txt                    `python -m pip install -r requirements.txt`
      environment.yml                     conda users: `conda env create -f environment.yml`
      wheels/leaky_relu_course_student-<version>-py3-none-any.whl
      01-leaky-relu/01-leaky-relu.ipynb   the released notebooks and the files they need
      ...

The wheel is the ``course`` package under a distribution name of its own
(``leaky-relu-course-student``, the version of pyproject.toml), built by setuptools'
standard backend through ``pip wheel``. It requires exactly the ``dependencies`` of
pyproject.toml (the one list: what runs the course, JupyterLab and nbgrader included;
the instructor's extras stay out). It also carries:

- ``course/kit_data/``: data the notebooks read wherever they are opened (the checksums
  of MNIST, assignment 4's committed grid of runs), found by ``course.data`` and
  ``course.results`` through the package itself, not the working directory;
- two configuration files installed into the environment (``<prefix>/etc/``) that keep
  a student's runs quiet: nbgrader's student configuration (course id; without it
  ``nbgrader validate`` warns "No nbgrader_config.py file found") and the kernel's
  (``grader/kit_files/``).

``--wheel-url`` is where the instructor will publish the wheel (a course web page): it
is written into each notebook's setup cell, which installs the wheel from there when the
notebook is opened in Colab without the package. The setup cell is not an nbgrader cell,
so this changes nothing in grading.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

import nbformat

from grader.paths import GRADER, RELEASE, REPO, assignments

DIST_NAME = "leaky-relu-course-student"
KIT = REPO / "kit"
STUDENT_CONFIG = GRADER / "kit_files"  # the student README and configuration files
MARKER = ".course-kit"  # a folder holding this is a kit and may be rebuilt (replaced)
# The line of each notebook's setup cell that holds the wheel's published location.
URL_LINE = re.compile(r'^KIT_WHEEL_URL = ".*"(.*)$', re.MULTILINE)


def project() -> dict:
    """The ``[project]`` table of pyproject.toml."""
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def wheel_name() -> str:
    """The file name of the kit's wheel (``leaky_relu_course_student-0.1.0-py3-none-any.whl``)."""
    return f"{DIST_NAME.replace('-', '_')}-{project()['version']}-py3-none-any.whl"


def student_pyproject() -> str:
    """pyproject.toml of the kit's wheel: its own name, the project's version, Python
    range and dependencies (read from the project's pyproject.toml, never copied by hand)."""
    meta = project()

    def toml_list(items):
        return "[\n" + "".join(f"    {item!r},\n" for item in items) + "]"

    return f"""\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{DIST_NAME}"
version = "{meta['version']}"
description = "The course package of the Leaky ReLU course, for students"
readme = "README.md"
requires-python = "{meta['requires-python']}"
dependencies = {toml_list(meta['dependencies'])}

[tool.setuptools]
packages = ["course"]
include-package-data = false

[tool.setuptools.package-data]
course = ["kit_data/**/*"]

[tool.setuptools.data-files]
"etc/jupyter" = ["etc/jupyter/nbgrader_config.py"]
"etc/ipython" = ["etc/ipython/ipython_kernel_config.json"]
"""


def build_wheel(dest: Path) -> Path:
    """Build the ``course`` wheel into ``dest`` (setuptools through ``pip wheel``)."""
    with tempfile.TemporaryDirectory(prefix="course-kit-build-") as tmp:
        src = Path(tmp)
        shutil.copytree(REPO / "course", src / "course",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "kit_data"))
        data = src / "course" / "kit_data"
        data.mkdir()
        shutil.copy(REPO / "data" / "SHA256SUMS", data / "SHA256SUMS")
        for assignment in assignments():  # results files released with a notebook
            results = RELEASE / assignment / "results"
            if results.is_dir():
                shutil.copytree(results, data / assignment / "results")
        for sub in ("jupyter", "ipython"):
            (src / "etc" / sub).mkdir(parents=True)
        shutil.copy(STUDENT_CONFIG / "nbgrader_config.py", src / "etc" / "jupyter")
        shutil.copy(STUDENT_CONFIG / "ipython_kernel_config.json", src / "etc" / "ipython")
        shutil.copy(STUDENT_CONFIG / "README.md", src / "README.md")
        (src / "pyproject.toml").write_text(student_pyproject())
        done = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
             str(dest), str(src)], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"building the course wheel failed:\n{done.stdout}{done.stderr}")
    wheel = dest / wheel_name()
    if not wheel.is_file():
        raise RuntimeError(f"pip wheel did not write {wheel} (it wrote "
                           f"{sorted(p.name for p in dest.iterdir())})")
    return wheel


def set_wheel_url(notebook: Path, url: str) -> None:
    """Write the wheel's published location into the notebook's setup cell (its first
    code cell, not an nbgrader cell, so grading is unchanged)."""
    nb = nbformat.read(notebook, as_version=4)
    setup = next(c for c in nb.cells if c.cell_type == "code")
    if "nbgrader" in setup.metadata or not URL_LINE.search(setup.source):
        raise RuntimeError(f"{notebook}: its first code cell is not the setup cell with a "
                           "KIT_WHEEL_URL line (see solutions/*: the first code cell)")
    setup.source = URL_LINE.sub(lambda m: f'KIT_WHEEL_URL = "{url}"{m.group(1)}',
                                setup.source, count=1)
    nbformat.write(nb, notebook)


def prepare_output(out: Path) -> None:
    """An empty folder for the kit: a previous kit there is replaced, anything else kept."""
    if out.exists():
        if not (out / MARKER).is_file():
            raise SystemExit(f"{out} exists and is not a kit built by `python -m grader kit`: "
                             "choose another --output or remove it yourself.")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("built by `python -m grader kit`; rebuilt (replaced) by it\n")


def build_kit(out: Path = KIT, wheel_url: str = "") -> Path:
    """Build the student kit into ``out`` (replacing a kit there); return ``out``."""
    if any(c in wheel_url for c in '"\\\n'):
        raise SystemExit(f"--wheel-url must not contain quotes, backslashes or newlines: "
                         f"{wheel_url!r}")
    out = Path(out).resolve()
    prepare_output(out)
    names = assignments()
    for assignment in names:
        shutil.copytree(RELEASE / assignment, out / assignment,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        if wheel_url:
            for notebook in (out / assignment).glob("*.ipynb"):
                set_wheel_url(notebook, wheel_url)
    wheel = build_wheel(out / "wheels")
    shutil.copy(STUDENT_CONFIG / "README.md", out / "README.md")
    (out / "requirements.txt").write_text(
        "# python -m pip install -r requirements.txt   (run it in this folder)\n"
        f"./wheels/{wheel.name}\n")
    (out / "environment.yml").write_text(
        "# conda env create -f environment.yml && conda activate leaky-relu-course\n"
        "# (run it in this folder; the packages come from requirements.txt)\n"
        "name: leaky-relu-course\n"
        "channels:\n  - conda-forge\n"
        "dependencies:\n  - python=3.11\n  - pip\n  - pip:\n      - -r requirements.txt\n")
    return out


def main(out: Path = KIT, wheel_url: str = "") -> int:
    out = build_kit(out, wheel_url)
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    print(f"Student kit in {out} ({len(files)} files):")
    for f in files:
        print(f"  {f}")
    print(f"Install (in {out}): python -m pip install -r requirements.txt")
    print(f"Hub image:          pip install {out / 'wheels' / wheel_name()}")
    if wheel_url:
        print(f"Publish {out / 'wheels' / wheel_name()} at {wheel_url} (the notebooks' "
              "setup cell installs it from there in Colab).")
    return 0
