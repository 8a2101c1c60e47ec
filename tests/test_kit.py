"""The student kit (python -m grader kit): no solutions in it, and a student who has only
the kit installs it and works through every assignment, outside this repository.

The end-to-end tests make a fresh virtual environment outside the repository, install
the kit into it with the README's command (offline: the wheel is in the kit, the other
packages come from pip's cache), and run the notebooks there with nbclient, each copied
alone to a folder outside the repository:

- each notebook, filled in with the reference answers, runs top to bottom as a student
  runs it (the full run, not grading mode), silently on stderr, and every "A correct
  answer prints:" block of its text is what it printed;
- the blank notebooks stop at the first function to write, the setup cell says what to
  install when the package is missing and installs it in Colab, and `nbgrader validate`
  passes a filled-in notebook.
"""

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from course.data import find_local_mnist
from grader import cells, kit
from grader.paths import REPO, assignments
from grader.submissions import SOLUTION_BEGIN, SOLUTION_END, make_submission, reference_answers

SOLUTIONS = REPO / "solutions"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CLEAR_MESSAGE = "Install the student kit"
# Notebooks whose full run takes minutes (03 trains two CNNs on all of MNIST, 5 epochs each
# with the short recipe, 25 with FULL_RUN = True) run here in grading mode, which executes
# the same cells with the small constants; their full run is measured by hand and recorded
# in docs/assignments.md.
GRADING_MODE_HERE = {"03-keras-cnn"}
STATED_OUTPUT = re.compile(r"A correct answer prints:?\s*```[^\n]*\n(.*?)```", re.S)
KERNEL_CONFIG = Path(sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.json"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The kit, built outside the repository, its wheel 'published' at a file:// URL."""
    out = tmp_path_factory.mktemp("kit") / "leaky-relu-kit"
    url = (out / "wheels" / kit.wheel_name()).as_uri()
    done = subprocess.run([sys.executable, "-m", "grader", "kit", "--output", str(out),
                           "--wheel-url", url], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return out, url


def kit_texts(out: Path):
    """(name, text) of every file of the kit, the wheel's members included."""
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as whl:
                for member in whl.namelist():
                    yield f"{path.name}/{member}", whl.read(member).decode()
        else:
            yield str(path.relative_to(out)), path.read_text()


def secret_lines() -> dict:
    """Lines only the instructor has: solution code, model answers and hidden tests, less
    the lines students get anyway: in the release (a signature, a docstring; assignment 4
    hands out assignment 3's network) or in the course package (common idioms such as
    `rng = np.random.default_rng(seed)`; the package itself is held to defining no
    graded function)."""
    released = {line.strip() for nb in (REPO / "notebooks").glob("*/*.ipynb")
                for cell in nbformat.read(nb, as_version=4).cells
                for line in cell.source.splitlines()}
    released |= {line.strip() for path in (REPO / "course").glob("*.py")
                 for line in path.read_text().splitlines()}
    secrets = {}
    for source in sorted(SOLUTIONS.glob("*/*.ipynb")):
        blocks = list(reference_answers(source).values())
        for cell in nbformat.read(source, as_version=4).cells:
            text = cell.source
            while HIDDEN_BEGIN in text:
                text = text.split(HIDDEN_BEGIN, 1)[1]
                blocks.append(text.split(HIDDEN_END, 1)[0])
        for block in blocks:
            for line in block.splitlines():
                line = line.strip()
                if len(line) >= 30 and line not in released:
                    secrets[line] = source.name
    return secrets


@pytest.mark.slow
def test_the_kit_holds_the_release_and_nothing_of_the_instructor(built, tmp_path):
    out, _ = built
    for a in assignments():
        assert (out / a / f"{a}.ipynb").is_file()
    assert (out / "04-relu-vs-leaky" / "results" / "grid.csv").is_file()
    names = [name for name, _ in kit_texts(out)]
    assert not [n for n in names if n.endswith(".db") or "gradebook" in n.lower()
                or "solutions" in n or "sample_class" in n or n.startswith("grader")], names
    secrets = secret_lines()
    assert len(secrets) > 100  # the check has something to look for
    assert leaks(out, secrets) == []
    # The scan sees a leak when there is one: one hidden-test line, planted in a copy.
    planted = tmp_path / "kit"
    shutil.copytree(out, planted)
    line = next(line for line, source in secrets.items() if source == "01-leaky-relu.ipynb")
    with open(planted / "README.md", "a") as f:
        f.write(f"\n    {line}\n")
    assert leaks(planted, secrets) == [f"README.md holds {line!r}"]


def leaks(out: Path, secrets: dict) -> list:
    """What of the instructor's the kit in ``out`` holds: nbgrader's markers, solution
    and hidden-test lines; one line per finding."""
    found = []
    for name, text in kit_texts(out):
        found += [f"{name} holds {marker!r}" for marker in
                  (SOLUTION_BEGIN, SOLUTION_END, HIDDEN_BEGIN, HIDDEN_END) if marker in text]
        found += [f"{name} holds {line!r}" for line in secrets if line in text]
    return found


@pytest.mark.slow
def test_the_wheel_is_the_course_package_with_the_projects_dependencies(built):
    out, _ = built
    wheel = out / "wheels" / kit.wheel_name()
    assert (out / "requirements.txt").read_text().splitlines()[-1] == f"./wheels/{wheel.name}"
    with zipfile.ZipFile(wheel) as whl:
        meta = whl.read(f"{kit.DIST_NAME.replace('-', '_')}-{kit.project()['version']}"
                        ".dist-info/METADATA").decode()
        sources = {n: whl.read(n).decode() for n in whl.namelist() if n.endswith(".py")}
    assert f"Name: {kit.DIST_NAME}" in meta
    requires = [line.split(": ", 1)[1] for line in meta.splitlines()
                if line.startswith("Requires-Dist: ")]
    assert len(requires) == len(kit.project()["dependencies"])
    graded = {cells.grade_id(c)
              for source in SOLUTIONS.glob("*/*.ipynb")
              for c in nbformat.read(source, as_version=4).cells if cells.is_answer_code(c)}
    assert "leaky_relu" in graded
    for name, text in sources.items():
        defined = {n.name for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef)}
        assert not defined & graded, f"{name} defines graded function(s) {defined & graded}"


KERNEL_SAYS = """\
import nbformat
from nbclient import NotebookClient
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('hello')")])
NotebookClient(nb, kernel_name="python3").execute()
print(nb.cells[0].outputs[0]["text"], end="")
"""


def test_kernels_of_the_course_environment_are_quiet():
    """`make setup` gives this environment the kit's kernel configuration: a kernel
    started over TCP, as JupyterLab starts the student's (`make lab`), warns nothing."""
    done = subprocess.run([sys.executable, "-c", KERNEL_SAYS], capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "IPYTHONDIR"})
    assert done.returncode == 0, done.stderr
    assert done.stdout == "hello\n"
    assert done.stderr == "", f"{done.stderr!r}: run `make setup` (it installs {KERNEL_CONFIG})"


def student_and_grader_config(section: str, name: str) -> tuple:
    """A setting of the kit's nbgrader_config.py (the student's) and of the grader's."""
    from traitlets.config.loader import PyFileConfigLoader

    return tuple(PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()[
        section][name] for folder in (REPO / "grader" / "kit_files", REPO / "grader"))


def test_the_student_nbgrader_config_names_the_courses_id():
    student, grader = student_and_grader_config("CourseDirectory", "course_id")
    assert student == grader


def test_a_students_validate_skips_the_demonstrations_as_grading_does():
    assert student_and_grader_config("Execute", "skip_cells_with_tag") == (cells.DEMO_TAG,) * 2


def test_a_students_validate_goes_on_past_lost_outputs_as_grading_does():
    assert student_and_grader_config("Execute", "raise_on_iopub_timeout") == (False, False)


def student_env(venv: Path, home: Path) -> dict:
    """A student's environment: the venv's bin/ and the system's, nothing of this repository
    or of the course's own virtual environment; MNIST from the local copy."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER", "IPYTHON", "COURSE_",
                                "NBGRADER"))}
    home.mkdir(parents=True, exist_ok=True)  # a student has a home (IPython writes there)
    env["PATH"] = os.pathsep.join([str(venv / "bin"), "/usr/bin", "/bin"])
    env["KERAS_HOME"] = str(home / "keras")  # no Keras cache: a download would show up here
    env["JUPYTER_CONFIG_DIR"] = str(home / "jupyter-config")
    env["JUPYTER_DATA_DIR"] = str(home / "jupyter-data")
    env["IPYTHONDIR"] = str(home / "ipython")
    mnist = find_local_mnist()
    if mnist is None:
        pytest.skip("no local MNIST (data/README.md): the kit test runs offline")
    env["COURSE_MNIST"] = str(mnist)
    return env


def run_notebooks(venv: Path, env: dict, mode: str, notebooks: list, tmp: Path) -> tuple:
    """Run notebooks in the kit's environment (tests/kit_runner.py, copied outside the
    repository first); return its results and everything the run wrote to stderr."""
    runner = tmp / "kit_runner.py"
    shutil.copy(Path(__file__).with_name("kit_runner.py"), runner)
    out = tmp / f"results-{mode}.json"
    done = subprocess.run([str(venv / "bin" / "python"), str(runner), str(out), mode,
                           *map(str, notebooks)], env=env, cwd=tmp, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(out.read_text()), done.stderr


def assert_nothing_of_the_repository(result: dict, venv: Path) -> None:
    seen = result["kernel"]
    assert Path(seen["executable"]).parent == venv / "bin", seen["executable"]
    assert seen["course"] is None or seen["course"].startswith(str(venv)), seen["course"]
    leaks = [p for p in seen["path"] if p.startswith(str(REPO)) or "/.venv" in p]
    assert not leaks, f"the student's kernel sees the repository: {leaks}"


@dataclass
class Student:
    venv: Path  # a fresh virtual environment, outside the repository, with the kit installed
    home: Path
    env: dict  # the student's environment variables (student_env)
    work: Path  # their folder for notebooks


@pytest.fixture(scope="module")
def student(built, tmp_path_factory) -> Student:
    """A student who has only the kit: a fresh venv into which the README's one command
    (in the kit's folder) installed it; packages from pip's cache."""
    out, _ = built
    root = tmp_path_factory.mktemp("student")
    venv, home = root / "venv", root / "home"
    assert REPO not in root.parents
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True)
    env = student_env(venv, home)
    install = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile",
         "-r", "requirements.txt"], cwd=out, env={**env, "HOME": os.environ["HOME"]},
        capture_output=True, text=True)
    assert install.returncode == 0, install.stdout + install.stderr
    return Student(venv, home, env, root / "work")


def write_filled_in(out: Path, assignment: str, folder: Path) -> Path:
    """Write the kit's notebook of ``assignment`` with the reference answers filled in,
    alone in ``folder``/<assignment>/; return its path."""
    name = f"{assignment}.ipynb"
    path = folder / assignment / name
    path.parent.mkdir(parents=True)
    nbformat.write(make_submission(out / assignment / name,
                                   reference_answers(SOLUTIONS / assignment / name)), path)
    return path


def lines(text: str) -> list:
    return [line.rstrip() for line in text.strip().splitlines()]


@pytest.mark.slow
@pytest.mark.parametrize("assignment", assignments())
def test_a_filled_in_notebook_runs_as_its_text_says(built, student, assignment, tmp_path):
    """The released notebook with the reference answers, alone in a folder, runs top to
    bottom in the kit's environment as a student runs it: no error, nothing on stderr
    (nbgrader scores a test cell that writes there 0), nothing of the repository seen,
    MNIST from the local copy, and each "A correct answer prints:" block is what the code
    cell before it printed."""
    out, _ = built
    path = write_filled_in(out, assignment, student.work / "filled")
    name = path.name
    env = dict(student.env)
    if assignment in GRADING_MODE_HERE:
        env["NBGRADER_EXECUTION"] = "validate"
    results, stderr = run_notebooks(student.venv, env, "whole", [path], tmp_path)
    result = results[str(path)]
    assert result["error"] is None, f"{name}: {result['error']}"
    assert result["stderr"] == [], f"{name} wrote to stderr: {result['stderr']}"
    assert stderr == "", f"the kernel wrote to stderr: {stderr}"
    assert_nothing_of_the_repository(result, student.venv)
    assert not (student.home / "keras" / "datasets").exists()  # MNIST: the local copy
    nb = nbformat.read(path, as_version=4)  # as run and saved
    last_stdout = None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            last_stdout = "".join(o.text for o in cell.outputs
                                  if o.output_type == "stream" and o.name == "stdout")
            continue
        for stated in STATED_OUTPUT.findall(cell.source):
            assert lines(stated) == lines(last_stdout or ""), (
                f"cell {index} says a correct answer prints {stated!r}; the reference "
                f"printed {last_stdout!r}")


@pytest.mark.slow
def test_a_student_with_only_the_kit(built, student, tmp_path):
    out, url = built
    venv, work = student.venv, student.work / "only-the-kit"
    env = dict(student.env)

    # Only the notebooks, alone in folders outside the repository: each blank, and the
    # first filled in (for validate).
    blank = []
    for a in assignments():
        (work / "blank" / a).mkdir(parents=True)
        blank.append(work / "blank" / a / f"{a}.ipynb")
        shutil.copy(out / a / blank[-1].name, blank[-1])
    filled = write_filled_in(out, assignments()[0], work / "filled")
    env["NBGRADER_EXECUTION"] = "autograde"

    # Without the package, the setup cell says what to install, in one message.
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    subprocess.run([*pip, "uninstall", "--yes", "--quiet", kit.DIST_NAME], env=env, check=True)
    results, stderr = run_notebooks(venv, env, "first", blank[:1], tmp_path)
    error = results[str(blank[0])]["error"]
    assert error["ename"] == "ModuleNotFoundError" and CLEAR_MESSAGE in error["evalue"], error
    assert "pip install -r requirements.txt" in error["evalue"]
    # As in Colab: the setup cell installs the wheel from the URL the kit was built with.
    colab = work / "colab.ipynb"
    nb = nbformat.read(blank[0], as_version=4)
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert f'KIT_WHEEL_URL = "{url}"' in setup.source
    nb.cells = [nbformat.v4.new_code_cell(  # what Colab has that Jupyter has not
        "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')"),
        setup]
    nbformat.write(nb, colab)
    results, stderr = run_notebooks(venv, env, "whole", [colab], tmp_path)
    assert results[str(colab)]["error"] is None, results
    assert results[str(colab)]["kernel"]["course"].startswith(str(venv))
    installed = subprocess.run([*pip, "show", kit.DIST_NAME], env=env, capture_output=True,
                               text=True)
    assert installed.returncode == 0 and kit.project()["version"] in installed.stdout

    # Blank: each notebook runs up to the first function the student has to write.
    results, stderr = run_notebooks(venv, env, "whole", blank, tmp_path)
    for path in blank:
        error = results[str(path)]["error"]
        assert error and error["ename"] == "NotImplementedError", f"{path.name}: {error}"
        assert error["cell"] > 0  # past the setup cell
    assert stderr == ""

    # nbgrader validate, as the README says: the visible tests pass, and nothing else
    # is said (no missing-configuration warning, no kernel warning). Like grading, it
    # skips the demonstrations: one that would break the first function's tests (it
    # sets the function to None before them) is not run.
    del env["NBGRADER_EXECUTION"]  # nbgrader sets it itself
    nb = nbformat.read(filled, as_version=4)
    function = next(cells.grade_id(c) for c in nb.cells if cells.is_answer_code(c))
    first_test = next(i for i, c in enumerate(nb.cells) if cells.is_test(c))
    nb.cells.insert(first_test, nbformat.v4.new_code_cell(
        f"{function} = None", metadata={"tags": [cells.DEMO_TAG]}))
    nbformat.write(nb, filled)
    validate = subprocess.run([str(venv / "bin" / "nbgrader"), "validate", str(filled)],
                              cwd=work, env=env, capture_output=True, text=True, timeout=300)
    said = validate.stdout + validate.stderr
    assert "Success! Your notebook passes all the tests." in said, said
    assert "No nbgrader_config.py" not in said and "WARNING" not in said, said
