"""A class through nbgrader's whole workflow: the exchange, bad submissions, reports."""

import io
from contextlib import redirect_stdout

import pytest
from conftest import new_course

from grader.__main__ import run_course
from grader.pipeline import read_grades_csv
from grader.report import BINS, autograded_percentages, plot_grade_distribution
from grader.roster import BAD_KINDS, class_roster, sample_roster, work_of

A = "01-leaky-relu"
pytestmark = pytest.mark.gradebook


def test_class_roster_has_thirty_students_and_every_kind_of_trouble():
    roster = class_roster(30)
    ids = [s for s, _ in roster]
    kinds = [k for _, k in roster]
    assert len(roster) == 30 and len(set(ids)) == 30
    for kind in BAD_KINDS + ["blank", "reference"]:
        assert kind in kinds, kind
    assert sum(k.startswith("sample:") for k in kinds) >= 5


@pytest.mark.parametrize("kind", sorted({k for _, k in class_roster(30) + sample_roster()}))
def test_every_kind_of_student_hands_in_something(kind, tmp_path):
    from grader.pipeline import RELEASE

    work = work_of(kind, A, RELEASE)
    assert (work.notebook is None) != (work.files is None)


@pytest.fixture(scope="module")
def class_run(tmp_path_factory):
    """The main job's code on assignment 1 with the bad kinds and two good students."""
    work = tmp_path_factory.mktemp("class")
    course = new_course(work, extra_args=[
        "--Execute.timeout=20", "--ExecuteWithTimeLimit.notebook_timeout=40"])
    roster = [("good", "reference"), ("blank", "blank")] + [(k, k) for k in BAD_KINDS]
    log = io.StringIO()
    with redirect_stdout(log):
        outcomes = run_course(course, roster, names=[A])
    return course, {o.student: o for o in outcomes}, log.getvalue()


@pytest.mark.slow
def test_everyone_is_collected_graded_and_exported(class_run):
    course, outcomes, log = class_run
    rows = {r["student_id"]: r for r in read_grades_csv(course.workdir / "reports" / "grades.csv")}
    assert set(rows) == {"good", "blank", *BAD_KINDS}
    assert float(rows["good"]["score"]) == 16.0
    assert float(rows["blank"]["score"]) == 0.0
    for kind in ("kernel-dies", "not-json", "renamed"):
        assert float(rows[kind]["score"]) == 0.0 and outcomes[kind].status == "failed"
    assert "Submissions with problems" in log


@pytest.mark.slow
@pytest.mark.parametrize(("student", "reason"), [
    ("late", "late"), ("renamed", "missing"), ("not-json", "not a valid notebook"),
    ("kernel-dies", "kernel died"), ("deleted-test", "deleted"), ("edited-tests", "edited"),
    ("other-assignment", "not the notebook of this assignment"),
])
def test_trouble_is_recorded_with_its_reason(class_run, student, reason):
    _, outcomes, _ = class_run
    assert any(reason in r for r in outcomes[student].reasons), outcomes[student].reasons


@pytest.mark.slow
def test_late_work_keeps_its_points_and_the_grader_is_told(class_run):
    course, outcomes, _ = class_run
    rows = {r["student_id"]: r for r in read_grades_csv(course.workdir / "reports" / "grades.csv")}
    assert float(rows["late"]["score"]) == 16.0
    assert rows["late"]["late_submission_penalty"] in ("0.0", "0", "")


@pytest.mark.slow
def test_the_sandbox_stopped_the_spy(class_run):
    course, _, _ = class_run
    text = (course.workdir / "autograded" / "spy" / A / f"{A}.ipynb").read_text()
    assert "sandbox check:" in text
    assert "'read the solutions': 'DONE'" not in text
    assert "'open a network connection': 'DONE'" not in text


@pytest.mark.slow
def test_students_fetch_their_own_feedback_through_the_exchange(class_run):
    course, outcomes, _ = class_run
    for student, outcome in outcomes.items():
        fetched = list((course.workdir / "students" / student / A / "feedback").glob("*/*.html"))
        if outcome.status == "graded":
            assert len(fetched) == 1, (student, fetched)
            assert fetched[0].read_text() == course.feedback_path(student, A).read_text()


@pytest.mark.slow
def test_grade_distribution_plot_counts_every_graded_student(class_run, tmp_path):
    course, _, _ = class_run
    fig = plot_grade_distribution(course, [A], tmp_path / "dist.png")
    assert (tmp_path / "dist.png").stat().st_size > 1000
    heights = [patch.get_height() for patch in fig.axes[0].patches]
    percentages = autograded_percentages(course, A)
    assert sum(heights) == len(percentages)
    assert heights[-1] >= 2  # good and late: 100 %
    assert len(heights) == len(BINS) - 1


@pytest.mark.slow
def test_an_interrupted_autograde_resumes_without_losing_or_redoing_a_grade(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from grader.pipeline import notebook_name, source_notebook
    from grader.submissions import make_submission, reference_answers

    course = new_course(tmp_path)
    course.release(A)
    release = course.release_dir / A / notebook_name(A)
    reference = make_submission(release, reference_answers(source_notebook(A)))
    students = ["a-first", "b-second", "c-third", "d-fourth"]
    for student in students:
        course.submit(student, A, reference)
    env = {**os.environ, "COURSE_GRADEBOOK_URL": course.db_url}
    run = subprocess.Popen(
        [sys.executable, "-m", "grader", "autograde", A, "--workdir", str(course.workdir),
         "--workers", "1"], env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first = course.workdir / "autograded" / "a-first" / A / notebook_name(A)
    journal = course.workdir / "progress" / f"{A}.jsonl"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not (
            journal.exists() and "a-first" in journal.read_text()):
        time.sleep(0.2)
    os.killpg(run.pid, signal.SIGKILL)  # interrupted in the middle of the class
    run.wait()
    assert first.exists(), "the first submission was never graded"
    graded_before = first.stat().st_mtime
    assert not (course.workdir / "autograded" / "d-fourth" / A).exists()

    outcomes = course.autograde(A, resume=True)
    assert [o.status for o in outcomes] == ["graded"] * 4, [
        (o.student, o.reasons, o.log[-1500:]) for o in outcomes if o.status != "graded"]
    assert first.stat().st_mtime == graded_before, "resume regraded finished work"
    scores = course.cell_scores(A)
    for student in students:
        auto = [v for k, v in scores[student].items() if k != "explain_negative_slope"]
        assert sum(s for s, _ in auto) == 16.0, student
