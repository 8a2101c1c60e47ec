"""A grading work area: nbgrader's own steps, run with this course's configuration.

Each step is the nbgrader command an instructor would type in ``grader/`` (see
docs/instructors.md); a :class:`WorkArea` only runs them in order, with the right
working directory and environment, and reads the results back from the gradebook.
"""

import atexit
import csv
import os
import secrets
import shutil
import sys
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from unittest import mock

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from grader import cells, grading_process
from grader.autograde import autograde_class, run_killable
from grader.paths import (
    CLASS,
    GRADEBOOK_VARIABLE,
    GRADER,
    RELEASE,
    WORKDIR_VARIABLE,
    gradebook_url,
    notebook_name,
    source_notebook,
    with_environment_bin,
)
from grader.sandbox import write_kernel_spec

# The environment variable that names a Dask scheduler to grade on (docs/scaling.md).
SCHEDULER_VARIABLE = "COURSE_DASK_SCHEDULER"

# The nbgrader process in which each thread runs its commands other than autograde (which
# has processes of its own): starting nbgrader costs about 2.5 core-seconds of imports.
_COMMANDS = grading_process.GradingProcesses()
atexit.register(_COMMANDS.close)


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message holds the end of its log."""


def manual_cells(assignment: str) -> set:
    """grade_ids of the cells graded by hand (graded cells that students write in)."""
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    return {cells.grade_id(c) for c in nb.cells if cells.is_written_answer(c)}


class WorkArea:
    """A grading work area: where submissions, autograded copies, feedback and the
    gradebook of one class live (``work/class/`` by default, grader/paths.py; the demo
    and the tests use folders of their own)."""

    def __init__(self, workdir: Path = CLASS, release_dir: Path = RELEASE, workers: int = 0,
                 extra_args=(), db_url: str = None, scheduler: str = None):
        self.workdir = Path(workdir).resolve()
        self.extra_args = list(extra_args)  # nbgrader options for every command
        self.release_dir = Path(release_dir).resolve()
        # The gradebook: SQLite in the work area unless a database URL is given, here or
        # in COURSE_GRADEBOOK_URL.
        self.db_url = db_url or gradebook_url(self.workdir)
        self.workers = workers or os.cpu_count() or 1  # submissions graded at a time
        # Autograde on this machine, or on the Dask cluster whose scheduler has this
        # address, given here or in COURSE_DASK_SCHEDULER (e.g. tcp://host:8786).
        self.scheduler = scheduler or os.environ.get(SCHEDULER_VARIABLE) or None

    # -- running nbgrader -------------------------------------------------------------
    def nbgrader_env(self, ipc_dir) -> dict:
        """The environment nbgrader runs in with this work area (its commands here, and
        JupyterLab's nbgrader extensions in `python -m grader lab`): the environment's
        bin/ on PATH, the work area and gradebook for grader/nbgrader_config.py, the
        grading kernel (grader/sandbox.py) and ``ipc_dir``, a private folder for its
        sockets."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        env = with_environment_bin({**os.environ, **self._config_env()})
        jupyter_dir = self.workdir / "jupyter"
        write_kernel_spec(jupyter_dir)
        env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(jupyter_dir),
                                                            env.get("JUPYTER_PATH")]))
        env["COURSE_IPC_DIR"] = str(ipc_dir)
        return env

    def run_nbgrader(self, args, timeout: float = None, env: dict = None, process=None):
        """Run ``nbgrader *args`` in grader/ with this work area (and ``env`` on top of
        its environment), in a process of its own or in ``process`` (a long-lived
        grader.grading_process.GradingProcess); return the completed process, or None
        when it ran past ``timeout`` seconds and was killed."""
        args = [*args, *self.extra_args,
                f"--CourseDirectory.release_directory={self.release_dir}"]
        with tempfile.TemporaryDirectory(prefix="course-ipc-") as ipc_dir:
            env = {**self.nbgrader_env(ipc_dir), **(env or {})}
            if process is not None:
                return process.run(args, cwd=GRADER, env=env, timeout=timeout)
            return run_killable([sys.executable, "-m", "nbgrader", *args], cwd=GRADER,
                                env=env, timeout=timeout)

    def nbgrader(self, *args: str) -> str:
        """Run one nbgrader command; return its log, raise NbgraderError on failure.
        It runs in this thread's long-lived nbgrader process (grader/grading_process.py),
        or in a process of its own with COURSE_GRADING_PROCESS=per-submission."""
        process = _COMMANDS.get() if grading_process.mode() == "long-lived" else None
        done = self.run_nbgrader(args, timeout=3600, process=process)
        log = "" if done is None else done.stdout + done.stderr
        if done is None or done.returncode != 0:
            raise NbgraderError(f"`nbgrader {' '.join(args)}` failed:\n{log[-4000:]}")
        return log

    def generate_assignment(self, assignment: str) -> str:
        """Generate the student version of an assignment from ``solutions/`` into the
        release folder (``notebooks/`` by default), and record its cells in the
        gradebook."""
        return self.nbgrader("generate_assignment", assignment, "--force")

    # -- the exchange: how notebooks travel between instructor and students -------------
    def release_assignment(self, assignment: str) -> str:
        """Put the released assignment into the exchange, where students fetch it."""
        return self.nbgrader("release_assignment", assignment, "--force")

    def collect(self, assignment: str) -> str:
        """Copy every student's latest submission from the exchange to submitted/
        (nbgrader's collect, with this course's check of each submission first:
        grader/exchange.py)."""
        return self.nbgrader("collect", assignment, "--update")

    def release_feedback(self, assignment: str) -> str:
        return self.nbgrader("release_feedback", assignment)

    def set_due_date(self, assignment: str, due: str) -> str:
        return self.nbgrader("db", "assignment", "add", assignment, f"--duedate={due}")

    def as_student(self, exchange_class, student: str, assignment: str, home: Path):
        """Run a student's side of the exchange (fetch, submit, fetch feedback) in this
        process, as nbgrader's JupyterLab extension does for a logged-in student."""
        from nbgrader.auth import Authenticator
        from nbgrader.coursedir import CourseDirectory

        config = self.config()
        config.Exchange.cache = str(home / ".nbgrader-cache")  # each student has their own
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id = assignment
        coursedir.student_id = student
        exchange = exchange_class(coursedir=coursedir, config=config,
                                  authenticator=Authenticator(config=config))
        home.mkdir(parents=True, exist_ok=True)
        exchange.assignment_dir = str(home)
        return exchange.start()

    def _config_env(self) -> dict:
        """The environment that grader/nbgrader_config.py reads this work area from."""
        return {WORKDIR_VARIABLE: str(self.workdir), GRADEBOOK_VARIABLE: self.db_url}

    def config(self):
        """This course's nbgrader configuration, as nbgrader itself reads it."""
        from unittest import mock

        from traitlets.config.loader import PyFileConfigLoader

        with mock.patch.dict(os.environ, self._config_env()):
            return PyFileConfigLoader("nbgrader_config.py", path=str(GRADER)).load_config()

    def submit(self, student: str, assignment: str, notebook) -> Path:
        """Place a student's notebook where nbgrader collects submissions (bypassing the
        exchange, as an instructor does with work received by other means)."""
        folder = self.workdir / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / notebook_name(assignment)
        nbformat.write(notebook, path)
        # what `nbgrader submit` + `collect` leave too: lateness needs the timestamp,
        # `release_feedback` the secret (it names the feedback file)
        now = datetime.now(timezone.utc)
        (folder / "timestamp.txt").write_text(now.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
        (folder / "submission_secret.txt").write_text(secrets.token_hex(64))
        return path

    def autograde(self, assignment: str, students=None, resume: bool = False,
                  progress: bool = False) -> list:
        """Autograde every submission of an assignment (or those of ``students``), in
        parallel, here or on the Dask cluster of ``scheduler``; regrading replaces the
        earlier result, unless ``resume`` (then what is already autograded is kept).
        ``progress``: a progress bar and a line per submission. One Outcome each."""
        return autograde_class(self, assignment, students, resume=resume,
                               scheduler=self.scheduler, progress=progress)

    def feedback(self, assignment: str) -> str:
        """Generate feedback; keep in each student's feedback folder only the page of
        the assignment's notebook and the two files release_feedback reads to name it
        (nbgrader copies every other file of the submission there too, and
        release_feedback would publish any ``*.html`` among them)."""
        log = self.nbgrader("generate_feedback", assignment, "--force")
        keep = {notebook_name(assignment).replace(".ipynb", ".html"), "timestamp.txt",
                "submission_secret.txt"}
        for folder in (self.workdir / "feedback").glob(f"*/{assignment}"):
            for entry in folder.iterdir():
                if entry.name in keep and entry.is_file() and not entry.is_symlink():
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        return log

    def export(self, csv_path: Path) -> Path:
        csv_path = Path(csv_path).resolve()
        csv_path.parent.mkdir(parents=True, exist_ok=True)
        self.nbgrader("export", f"--to={csv_path}")
        return csv_path

    # -- reading results ---------------------------------------------------------------
    def cell_scores(self, assignment: str) -> dict:
        """``{student: {grade_id: (score, max_score)}}`` for every submission."""
        result = {}
        with self.gradebook() as gb:
            nb_id = notebook_name(assignment)[: -len(".ipynb")]
            for submission in gb.assignment_submissions(assignment):
                try:
                    nb = gb.find_submission_notebook(nb_id, assignment, submission.student_id)
                except MissingEntry:
                    continue
                result[submission.student_id] = {
                    g.name: (g.score, g.max_score) for g in nb.grades
                }
        return result

    def autograded_scores(self, assignment: str) -> dict:
        """``{student: {grade_id: (score, max_score)}}`` of the autograded test cells only
        (the written answers, graded by hand, left out)."""
        manual = manual_cells(assignment)
        return {student: {k: v for k, v in cells.items() if k not in manual}
                for student, cells in self.cell_scores(assignment).items()}

    def feedback_path(self, student: str, assignment: str) -> Path:
        name = notebook_name(assignment).replace(".ipynb", ".html")
        return self.workdir / "feedback" / student / assignment / name

    @contextmanager
    def gradebook(self):
        """nbgrader's Gradebook of this work area, open (a new one is set up first)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        with mock.patch.dict(os.environ, with_environment_bin(dict(os.environ))):
            with Gradebook(self.db_url) as gb:
                yield gb

    def clean(self) -> None:
        """Remove all grading work: the whole work area, and the gradebook's contents
        when it is a database server's."""
        shutil.rmtree(self.workdir, ignore_errors=True)
        if not self.db_url.startswith("sqlite"):
            with self.gradebook() as gb:  # same database, emptied
                for student in gb.students:
                    gb.remove_student(student.id)
                for assignment in gb.assignments:
                    gb.remove_assignment(assignment.name)


def read_grades_csv(csv_path: Path) -> list:
    """The rows of ``nbgrader export``'s CSV as dicts."""
    with open(csv_path, newline="") as f:
        return list(csv.DictReader(f))
