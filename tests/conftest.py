"""Shared fixtures: one graded class per test session.

The slow tests share a single run of the course's main job (`run_course`, the code
behind `make course`) in a temporary work area, with extra students submitted first:
for every assignment, each planted wrong answer and each alternative correct answer
listed in tests/variants_XX.py. Grading them all at once costs one nbgrader autograde
per assignment instead of one per test.
"""

import importlib
import io
import os
import uuid
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from grader.__main__ import run_course
from grader.pipeline import Course, assignments, notebook_name, source_notebook
from grader.roster import sample_roster
from grader.submissions import make_submission, reference_answers

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent


def new_course(workdir: Path, **options) -> Course:
    """A grading work area in ``workdir``. Its gradebook is SQLite, or a fresh database
    on the PostgreSQL server named by COURSE_TEST_POSTGRES (a URL without database),
    so that the same tests run against both."""
    server = os.environ.get("COURSE_TEST_POSTGRES")
    if server:
        import psycopg

        name = f"course_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        options["db_url"] = f"{server}/{name}"
    return Course(workdir=workdir, release_dir=workdir / "release", **options)


def variant_modules() -> dict:
    """``{assignment: module}`` for every tests/variants_XX.py."""
    modules = {}
    for path in sorted(TESTS.glob("variants_*.py")):
        module = importlib.import_module(path.stem)
        modules[module.ASSIGNMENT] = module
    return modules


def variant_students(module) -> dict:
    """``{student_id: answers}``: one student per wrong answer and per correct style.

    A module whose submissions are slow to grade may group its wrong answers itself by
    defining ``students()`` (assignment 3 puts one wrong answer per function in each).
    """
    if hasattr(module, "students"):
        return module.students()
    students = {
        f"wrong-{function}-{name}": {function: source}
        for function, variants in module.WRONG.items()
        for name, source in variants.items()
    }
    students.update({f"correct-{name}": answers for name, answers in module.CORRECT.items()})
    return students


def lost(cells: dict, grade_ids) -> float:
    """Points lost in the test cells ``grade_ids`` of one graded submission."""
    return sum(cells[g][1] - cells[g][0] for g in grade_ids)


def function_cells(assignment: str) -> dict:
    """``{graded function: [grade_ids of its test cells]}``, read from the source notebook:
    the test cells that follow a solution cell, up to the next solution cell."""
    cells, current = {}, None
    for cell in nbformat.read(source_notebook(assignment), as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            current = meta["grade_id"]
            cells[current] = []
        elif meta.get("grade") and not meta.get("solution") and current:
            cells[current].append(meta["grade_id"])
    return cells


def hidden_test_lines(assignment: str) -> list:
    """Distinctive source lines of the hidden-test regions of an assignment: long enough
    to mean something, and not also written outside a hidden region (a line like
    ``got = checks.call(relu, x)`` in a visible test is no secret)."""
    hidden, visible, inside = [], set(), False
    for cell in nbformat.read(source_notebook(assignment), as_version=4).cells:
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside:
                if len(line.strip()) >= 25:
                    hidden.append(line.strip())
            else:
                visible.add(line.strip())
    return [line for line in hidden if line not in visible]


@dataclass
class GradedCourse:
    course: Course
    log: str  # what run_course printed

    def scores(self, assignment: str) -> dict:
        return self.course.cell_scores(assignment)


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory) -> GradedCourse:
    work = tmp_path_factory.mktemp("course")
    course = new_course(work)
    modules = variant_modules()
    for assignment in assignments():
        if assignment not in modules:
            continue
        course.release(assignment)
        release = course.release_dir / assignment / notebook_name(assignment)
        reference = reference_answers(source_notebook(assignment))
        for student, answers in variant_students(modules[assignment]).items():
            course.submit(student, assignment, make_submission(release, answers, reference))
    log = io.StringIO()
    with redirect_stdout(log):
        run_course(course, sample_roster())
    return GradedCourse(course, log.getvalue())


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, driven by Playwright (browser and hub tests)."""
    from browser import CHROMIUM_MISSING, chromium_path
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        pytest.fail(CHROMIUM_MISSING, pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable,
                                             args=["--no-sandbox"])  # CI runs as root
        yield browser
        browser.close()
