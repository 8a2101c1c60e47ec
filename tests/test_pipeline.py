"""The main job (`make course`): releases, grades the sample class, exports, prints a table."""

import pytest

from grader.paths import assignments
from grader.work_area import read_grades_csv

pytestmark = pytest.mark.slow


def test_run_prints_one_row_per_student_and_the_places_of_its_results(graded_course):
    log = graded_course.log
    assert "Autograded points" in log
    for student in ("sample-reference", "sample-blank", "sample-ada", "sample-ben"):
        assert f"\n{student} " in log
    assert "Grades CSV:" in log and "Feedback:" in log


def test_table_shows_full_marks_for_the_reference_and_zero_for_the_blank(graded_course):
    rows = {line.split()[0]: line for line in graded_course.log.splitlines() if line.strip()}
    assert rows["sample-reference"].split()[1:4] == ["16", "/", "16"]
    assert rows["sample-blank"].split()[1:4] == ["0", "/", "16"]


def test_grades_csv_has_every_student_and_assignment(graded_course):
    rows = read_grades_csv(graded_course.course.workdir / "reports" / "grades.csv")
    students = set(graded_course.scores(assignments()[0]))
    submitted = {(s, a) for a in assignments() for s in graded_course.scores(a)}
    # nbgrader exports one row per student of the gradebook and assignment; a student who
    # handed in nothing for an assignment (a planted variant of another one) gets 0 there.
    everyone = {s for s, _ in submitted}
    assert {(r["student_id"], r["assignment"]) for r in rows} == {
        (s, a) for a in assignments() for s in everyone}
    missing = [r for r in rows if (r["student_id"], r["assignment"]) not in submitted]
    assert all(float(r["score"]) == 0 and r["timestamp"] == "" for r in missing)
    by_student = {r["student_id"]: r for r in rows if r["assignment"] == "01-leaky-relu"}
    assert float(by_student["sample-reference"]["score"]) == 16.0
    assert float(by_student["sample-blank"]["score"]) == 0.0
    assert float(by_student["sample-reference"]["max_score"]) == 19.0  # 16 auto + 3 written
    assert "sample-ada" in students


def test_rerunning_a_step_gives_the_same_grades(graded_course):
    """Idempotent: autograding again (nbgrader --force) changes no score."""
    assignment = assignments()[0]
    before = graded_course.scores(assignment)
    graded_course.course.autograde(assignment, ["sample-ben", "sample-blank"])
    assert graded_course.scores(assignment) == before


def test_rerunning_collect_feedback_and_export_changes_nothing(graded_course, tmp_path):
    """Idempotent: the other steps of the pipeline, run a second time, give the same."""
    course = graded_course.course
    assignment = assignments()[0]
    first_csv = course.workdir / "reports" / "grades.csv"
    page = course.feedback_path("sample-ben", assignment)
    page_before = page.read_text()
    before = graded_course.scores(assignment)
    course.collect(assignment)
    course.feedback(assignment)
    again = course.export(tmp_path / "again.csv")
    assert graded_course.scores(assignment) == before
    assert page.read_text() == page_before
    assert read_grades_csv(again) == read_grades_csv(first_csv)
