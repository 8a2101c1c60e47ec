"""Assignment 2's autograder, graded itself: right answers get full marks, wrong ones lose
points where the mistake is."""

import pytest
import variants_02 as variants
from conftest import function_cells, variant_students
from nbgrader.api import Gradebook

A = variants.ASSIGNMENT
pytestmark = pytest.mark.slow
CELLS = function_cells(A)
# dead_units_per_layer reports dead_unit_fraction of each layer (as the notebook asks),
# so a bug in dead_unit_fraction may also cost points there; is_constant_network stands alone.
DEPENDS_ON = {"dead_units_per_layer": {"dead_unit_fraction"}}


def lost(cells: dict, grade_ids) -> float:
    return sum(cells[g][1] - cells[g][0] for g in grade_ids)


def test_every_graded_function_has_test_cells_and_wrong_answers():
    assert set(CELLS) == {"dead_unit_fraction", "dead_units_per_layer", "is_constant_network"}
    for function, grade_ids in CELLS.items():
        assert grade_ids, f"{function} has no test cells"
        assert len(variants.WRONG[function]) >= 5, f"fewer than 5 wrong answers for {function}"
    assert len(variants.CORRECT) >= 3


def test_reference_gets_full_marks(graded_course):
    cells = graded_course.scores(A)["sample-reference"]
    autograded = [g for ids in CELLS.values() for g in ids]
    assert lost(cells, autograded) == 0, {g: cells[g] for g in autograded}


def test_blank_release_gets_zero_everywhere(graded_course):
    cells = graded_course.scores(A)["sample-blank"]
    assert cells, "the blank submission was not graded"
    assert all(score == 0 for score, _ in cells.values()), cells


@pytest.mark.parametrize("name", sorted(variants.CORRECT))
def test_correct_style_gets_full_marks(graded_course, name):
    cells = graded_course.scores(A)[f"correct-{name}"]
    autograded = [g for ids in CELLS.values() for g in ids]
    failed = {g: cells[g] for g in autograded if cells[g][0] < cells[g][1]}
    assert not failed, f"a correct answer ({name}) lost points: {failed}"


WRONG_CASES = [(f, n) for f, vs in variants.WRONG.items() for n in sorted(vs)]


@pytest.mark.parametrize(("function", "name"), WRONG_CASES, ids=["-".join(c) for c in WRONG_CASES])
def test_wrong_answer_loses_points_in_its_own_tests(graded_course, function, name):
    cells = graded_course.scores(A)[f"wrong-{function}-{name}"]
    assert lost(cells, CELLS[function]) > 0, (
        f"{function} '{name}' got full marks: {[cells[g] for g in CELLS[function]]}")
    independent = [g for f in CELLS
                   if f != function and function not in DEPENDS_ON.get(f, set())
                   for g in CELLS[f]]
    assert lost(cells, independent) == 0, (
        f"a bug in {function} cost points elsewhere: "
        f"{ {g: cells[g] for g in independent if cells[g][0] < cells[g][1]} }")


def test_variant_students_were_all_graded(graded_course):
    graded = set(graded_course.scores(A))
    assert set(variant_students(variants)) <= graded


# What each sample student (grader/sample_class/02-dying-relu/*.py) gets wrong, per its
# docstring: the grade table of `make course` shows exactly these losses.
SAMPLE_MISTAKES = {
    "sample-ada": set(),
    "sample-ben": {"dead_units_per_layer", "is_constant_network"},
    "sample-chloe": {"dead_unit_fraction", "dead_units_per_layer", "is_constant_network"},
    "sample-dev": {"dead_unit_fraction", "dead_units_per_layer"},
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
            written = [g for g in nb.grades if g.name == "explain_slope_and_remedies"]
            assert len(written) == 1 and written[0].max_score == 4
        assert gb.find_submission_notebook(A, A, "sample-ada").needs_manual_grade
        assert not gb.find_submission_notebook(A, A, "sample-blank").needs_manual_grade


def test_feedback_of_a_failed_hidden_test_keeps_its_teaching_message(graded_course):
    import html
    import re

    path = graded_course.course.feedback_path("wrong-dead_unit_fraction-any_sample", A)
    text = html.unescape(re.sub(r"<[^>]+>", "", path.read_text()))
    assert "a unit that fires on even ONE sample is alive" in text
