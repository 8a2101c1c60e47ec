"""Shared fixtures: one graded class per test session.

The slow tests share a single run of the course's main job (`run_course`, the code
behind `make course`) in a temporary work area, with extra students submitted first:
for every assignment, the planted wrong answers of tests/variants_XX.py in bundles
(tests/helpers.py wrong_answer_bundles) and each alternative correct answer. Grading
them all at once costs one autograde run per assignment instead of one per test.
"""

import io
from contextlib import redirect_stdout
from dataclasses import dataclass

import pytest
from helpers import new_work_area, variant_modules, variant_students

from grader.class_run import run_course
from grader.paths import assignments, notebook_name, source_notebook
from grader.roster import sample_roster
from grader.submissions import make_submission, reference_answers
from grader.work_area import WorkArea


@dataclass
class GradedCourse:
    course: WorkArea
    log: str  # what run_course printed

    def scores(self, assignment: str) -> dict:
        return self.course.cell_scores(assignment)


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory) -> GradedCourse:
    work = tmp_path_factory.mktemp("course")
    course = new_work_area(work)
    modules = variant_modules()
    for assignment in assignments():
        if assignment not in modules:
            continue
        course.generate_assignment(assignment)
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
