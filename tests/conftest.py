"""Shared fixtures: one graded class per test session.

The slow tests share a single run of the course's main job (`run_course`, the code
behind `make course`) in a temporary work area, with extra students submitted first:
for every assignment, the planted wrong answers of tests/variants_XX.py in bundles
(tests/helpers.py wrong_answer_bundles) and each alternative correct answer. Grading
them all at once costs one autograde run per assignment instead of one per test.

`make test` runs the suite in three pytest-xdist workers (``-n 3``): many slow tests
wait on a kernel, a browser or a server, so the other workers fill the cores while the
graded class grades. A worker runs whole groups: every module that reads the graded
class in one, every other module in one (its module fixtures, a hub or a kit, are made
once), the longest first.
"""

import gc
import io
import os
from contextlib import redirect_stdout
from dataclasses import dataclass

import pytest
from helpers import new_work_area, variant_modules, variant_students

from grader.class_run import run_course
from grader.paths import assignments, notebook_name, source_notebook
from grader.roster import sample_roster
from grader.sandbox import THREAD_VARIABLES
from grader.submissions import make_submission, reference_answers
from grader.work_area import WorkArea

# Three workers on two cores, each with kernels and servers of its own: every process of
# the suite (the workers, the kernels they start, the student kit's) gets one thread for
# TensorFlow and OpenMP, as the grader gives each of two kernels graded at a time on two
# cores (grader/sandbox.py, thread_env). Pools the size of the machine in every process
# would only spin against each other.
for _name in THREAD_VARIABLES:
    os.environ.setdefault(_name, "1")


@dataclass
class GradedCourse:
    course: WorkArea
    log: str  # what run_course printed

    def scores(self, assignment: str) -> dict:
        return self.course.cell_scores(assignment)


GRADED_CLASS = "graded-class"
# The modules whose tests read the graded class: one group, so that it is graded once.
GRADED_CLASS_MODULES = {"test_autograders", "test_feedback", "test_pipeline",
                        "test_release_drift"}
# The groups that take more than a few seconds, longest first (as measured in a
# fresh-clone run; docs/testing.md): a worker that frees up takes the next one, so a
# long group started last would run alone at the end while the other cores idle. The
# rest, each a few seconds, follow in file order.
START_FIRST = [GRADED_CLASS, "test_kit", "test_hub", "test_dask", "test_class_run",
               "test_visible_tests", "test_browser", "test_dying", "test_attacks_sandbox",
               "test_attacks_output", "test_course_package", "test_relu_vs_leaky"]


def group_of(nodeid: str) -> str:
    """The xdist group of a test, from its id (all pytest-xdist's scheduler sees)."""
    module = nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
    return GRADED_CLASS if module in GRADED_CLASS_MODULES else module


def pytest_collection_finish(session):
    """What collection imported (TensorFlow, nbgrader, ...) lives as long as the worker:
    out of the garbage collector's sight, so that each full collection walks only what
    the tests made (it walked about half a million objects, 0.24 s, otherwise)."""
    gc.freeze()


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's scheduling by scope, the scope being :func:`group_of`. (Its own
    ``--dist loadgroup`` reads marks through an attribute pytest 9.2 no longer uses.)"""
    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    return ByGroup(config, log)


def pytest_collection_modifyitems(config, items):
    """The longest groups first (see the module's docstring); a test that reads the
    graded class outside its group would grade it a second time."""
    for item in items:
        if "graded_course" in item.fixturenames and group_of(item.nodeid) != GRADED_CLASS:
            raise pytest.UsageError(f"{item.nodeid} reads the graded class: add its module "
                                    "to GRADED_CLASS_MODULES in tests/conftest.py")
    rank = {name: i for i, name in enumerate(START_FIRST)}
    items.sort(key=lambda item: rank.get(group_of(item.nodeid), len(rank)))


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
