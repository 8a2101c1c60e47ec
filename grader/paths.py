"""Where the course's files are: the one place that says so.

    solutions/<assignment>/<assignment>.ipynb   source: solutions and hidden tests
    notebooks/<assignment>/<assignment>.ipynb   release: what students get (generated)
    grader/                                     the grading code and nbgrader_config.py
    work/                                       runtime state, never committed:
      class/                                    a real class graded on this machine
        submitted|autograded|feedback/<student>/<assignment>/, gradebook.db, exchange/,
        reports/, progress/ (what an interrupted autograde has finished), jupyter/ (the
        sandbox kernel's spec), students/ (the simulated students' homes)
      demo/                                     the simulated class of `make course`
      student/                                  the student's side of `make lab`

grader/nbgrader_config.py reads the work area from COURSE_GRADER_WORKDIR (default
work/class) and the gradebook from COURSE_GRADEBOOK_URL (default SQLite in the work
area), through :func:`work_dir` and :func:`gradebook_url`; grader/work_area.py passes
both to every nbgrader command it runs.
"""

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GRADER = REPO / "grader"
SOLUTIONS = REPO / "solutions"
RELEASE = REPO / "notebooks"
SAMPLE_CLASS = GRADER / "sample_class"
WORK = REPO / "work"
CLASS = WORK / "class"
DEMO = WORK / "demo"
STUDENT = WORK / "student"

WORKDIR_VARIABLE = "COURSE_GRADER_WORKDIR"
GRADEBOOK_VARIABLE = "COURSE_GRADEBOOK_URL"


def work_dir() -> Path:
    """The grading work area nbgrader's commands use: COURSE_GRADER_WORKDIR, else
    work/class."""
    return Path(os.environ.get(WORKDIR_VARIABLE) or CLASS).resolve()


# How long a connection to a SQLite gradebook waits for another's write to finish before
# it fails with "database is locked" (Python's default is 5 s). Submissions graded side by
# side each write their grades; on a loaded machine one write waited longer than 5 s,
# its submission failed, and the class run stopped.
SQLITE_BUSY_TIMEOUT_S = 60


def sqlite_gradebook(workdir: Path) -> str:
    """The URL of a SQLite gradebook in ``workdir`` that waits up to
    SQLITE_BUSY_TIMEOUT_S for a lock."""
    return f"sqlite:///{Path(workdir) / 'gradebook.db'}?timeout={SQLITE_BUSY_TIMEOUT_S}"


def gradebook_url(workdir: Path) -> str:
    """The gradebook of a work area: COURSE_GRADEBOOK_URL (any SQLAlchemy URL, e.g.
    postgresql://grader:secret@dbhost/leaky_relu_course), else SQLite in the work area
    (:func:`sqlite_gradebook`)."""
    return os.environ.get(GRADEBOOK_VARIABLE) or sqlite_gradebook(workdir)


def with_environment_bin(env: dict) -> dict:
    """``env`` with this Python environment's bin/ first on PATH. nbgrader sets up a new
    gradebook by running `alembic` as a command, found on PATH; without the environment
    activated (e.g. ``.venv/bin/python -m grader``) it would not be found."""
    return {**env, "PATH": os.pathsep.join(filter(None, [str(Path(sys.executable).parent),
                                                          env.get("PATH")]))}


def assignments() -> list:
    """The assignments of the course: the folders of ``solutions/`` with a notebook."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def notebook_name(assignment: str) -> str:
    """File name of an assignment's notebook (the course has one per assignment)."""
    return f"{assignment}.ipynb"


def source_notebook(assignment: str) -> Path:
    return SOLUTIONS / assignment / notebook_name(assignment)


def released_notebook(assignment: str, release_dir: Path = RELEASE) -> Path:
    return Path(release_dir) / assignment / notebook_name(assignment)
