"""Assignment 3's autograder, graded itself: right answers in several styles get full
marks, every planted wrong answer loses points in its own function's tests, the sample
class loses exactly what its docstrings say."""

import pytest
import variants_03 as variants
from conftest import function_cells
from nbgrader.api import Gradebook

A = variants.ASSIGNMENT
pytestmark = pytest.mark.slow
CELLS = function_cells(A)
AUTOGRADED = [g for ids in CELLS.values() for g in ids]


def lost(cells: dict, grade_ids) -> float:
    return sum(cells[g][1] - cells[g][0] for g in grade_ids)


def test_every_graded_function_has_test_cells_and_wrong_answers():
    assert set(CELLS) == {"preprocess", "build_cnn", "train"}
    for function, grade_ids in CELLS.items():
        assert len(grade_ids) >= 3, f"{function} has too few test cells: {grade_ids}"
        assert len(variants.WRONG[function]) >= 5, f"fewer than 5 wrong answers for {function}"
    assert len(variants.CORRECT) >= 3


def test_bundles_hold_one_wrong_answer_per_function():
    for student, answers in variants.students().items():
        if student.startswith("wrong-bundle-"):
            assert set(answers) <= set(CELLS), student
    covered = {(f, n) for f, vs in variants.WRONG.items() for n in vs}
    assert len({(variants.bundle_of(f, n), f) for f, n in covered}) == len(covered)


def test_reference_gets_full_marks(graded_course):
    cells = graded_course.scores(A)["sample-reference"]
    assert lost(cells, AUTOGRADED) == 0, {g: cells[g] for g in AUTOGRADED}


def test_blank_release_gets_zero_everywhere(graded_course):
    cells = graded_course.scores(A)["sample-blank"]
    assert cells, "the blank submission was not graded"
    assert all(score == 0 for score, _ in cells.values()), cells


@pytest.mark.parametrize("name", sorted(variants.CORRECT))
def test_correct_style_gets_full_marks(graded_course, name):
    cells = graded_course.scores(A)[f"correct-{name}"]
    failed = {g: cells[g] for g in AUTOGRADED if cells[g][0] < cells[g][1]}
    assert not failed, f"a correct answer ({name}) lost points: {failed}"


WRONG_CASES = [(f, n) for f, vs in variants.WRONG.items() for n in sorted(vs)]


@pytest.mark.parametrize(("function", "name"), WRONG_CASES, ids=["-".join(c) for c in WRONG_CASES])
def test_wrong_answer_loses_points_in_its_own_tests(graded_course, function, name):
    cells = graded_course.scores(A)[variants.bundle_of(function, name)]
    assert lost(cells, CELLS[function]) > 0, (
        f"{function} '{name}' got full marks: {[cells[g] for g in CELLS[function]]}")


def test_functions_without_a_wrong_answer_in_a_bundle_keep_full_marks(graded_course):
    # A bundle that holds no wrong answer for a function submits the reference for it:
    # those test cells must not lose points because of the other functions' bugs.
    for student, answers in variants.students().items():
        if not student.startswith("wrong-bundle-"):
            continue
        cells = graded_course.scores(A)[student]
        for function in set(CELLS) - set(answers):
            assert lost(cells, CELLS[function]) == 0, (student, function)


def test_variant_students_were_all_graded(graded_course):
    assert set(variants.students()) <= set(graded_course.scores(A))


# What each sample student (grader/sample_class/03-keras-cnn/*.py) gets wrong, per its
# docstring: the grade table of `make course` shows exactly these losses.
SAMPLE_MISTAKES = {
    "sample-ada": set(),
    "sample-ben": {"preprocess", "build_cnn"},
    "sample-chloe": {"build_cnn", "train"},
}


@pytest.mark.parametrize("student", sorted(SAMPLE_MISTAKES))
def test_sample_class_loses_points_where_its_mistakes_are(graded_course, student):
    cells = graded_course.scores(A)[student]
    losing = {f for f, ids in CELLS.items() if lost(cells, ids) > 0}
    assert losing == SAMPLE_MISTAKES[student]


def test_written_answer_waits_for_a_person(graded_course):
    with Gradebook(graded_course.course.db_url) as gb:
        for student in ("sample-ada", "sample-blank"):
            nb = gb.find_submission_notebook(A, A, student)
            written = [g for g in nb.grades if g.name == "explain_comparison"]
            assert len(written) == 1 and written[0].max_score == 3
        assert gb.find_submission_notebook(A, A, "sample-ada").needs_manual_grade
        assert not gb.find_submission_notebook(A, A, "sample-blank").needs_manual_grade
