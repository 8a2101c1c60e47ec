"""Every assignment's autograder, graded itself (the rules are the same for all).

For each tests/variants_XX.py: the reference gets full marks, the blank release 0,
every correct answer in another style full marks, every planted wrong answer loses
points in its own function's test cells and nowhere it has no business to, and each
sample student of grader/sample_class/ loses points exactly where its docstring says.
The wrong answers are graded in bundles (tests/helpers.py wrong_answer_bundles).
"""

import pytest
from helpers import (
    bundle_holding,
    function_cells,
    lost,
    variant_modules,
    variant_students,
    wrong_answer_bundles,
)
from nbgrader.api import Gradebook

pytestmark = pytest.mark.slow
MODULES = variant_modules()


def autograded(assignment: str) -> list:
    return [g for ids in function_cells(assignment).values() for g in ids]


def cases(make):
    return [case for a, module in sorted(MODULES.items()) for case in make(a, module)]


@pytest.mark.parametrize("assignment", sorted(MODULES))
def test_every_graded_function_has_tests_and_five_wrong_answers(assignment):
    module = MODULES[assignment]
    cells = function_cells(assignment)
    assert set(cells) == set(module.WRONG), "a graded function without planted wrong answers"
    for function, grade_ids in cells.items():
        assert grade_ids, f"{function} has no test cells"
        assert len(module.WRONG[function]) >= 5, f"fewer than 5 wrong answers for {function}"
    assert len(module.CORRECT) >= 3, "fewer than 3 other correct styles"


@pytest.mark.parametrize("assignment", sorted(MODULES))
def test_reference_gets_full_marks(graded_course, assignment):
    cells = graded_course.scores(assignment)["sample-reference"]
    failed = {g: cells[g] for g in autograded(assignment) if cells[g][0] < cells[g][1]}
    assert not failed, failed


@pytest.mark.parametrize("assignment", sorted(MODULES))
def test_blank_release_gets_zero_everywhere(graded_course, assignment):
    cells = graded_course.scores(assignment)["sample-blank"]
    assert cells, "the blank submission was not graded"
    assert all(score == 0 for score, _ in cells.values()), cells


@pytest.mark.parametrize("assignment", sorted(MODULES))
def test_planted_students_were_all_graded(graded_course, assignment):
    assert set(variant_students(MODULES[assignment])) <= set(graded_course.scores(assignment))


CORRECT = cases(lambda a, m: [(a, name) for name in sorted(m.CORRECT)])


@pytest.mark.parametrize(("assignment", "name"), CORRECT, ids=["-".join(c) for c in CORRECT])
def test_correct_style_gets_full_marks(graded_course, assignment, name):
    cells = graded_course.scores(assignment)[f"correct-{name}"]
    failed = {g: cells[g] for g in autograded(assignment) if cells[g][0] < cells[g][1]}
    assert not failed, f"a correct answer ({name}) lost points: {failed}"


WRONG = cases(lambda a, m: [(a, f, n) for f, vs in m.WRONG.items() for n in sorted(vs)])


@pytest.mark.parametrize(("assignment", "function", "name"), WRONG,
                         ids=["-".join(c) for c in WRONG])
def test_wrong_answer_loses_points_in_its_own_tests(graded_course, assignment, function, name):
    cells_of = function_cells(assignment)
    student = bundle_holding(MODULES[assignment], function, name)
    cells = graded_course.scores(assignment)[student]
    assert lost(cells, cells_of[function]) > 0, (
        f"{function} '{name}' got full marks: {[cells[g] for g in cells_of[function]]}")


BUNDLES = cases(lambda a, m: [(a, s) for s in wrong_answer_bundles(m)])


@pytest.mark.parametrize(("assignment", "student"), BUNDLES, ids=["-".join(c) for c in BUNDLES])
def test_bugs_cost_nothing_in_the_tests_of_functions_that_do_not_use_them(
        graded_course, assignment, student):
    """A bundle submits the reference for some function: its test cells must not lose
    points because of the other functions' bugs, unless it builds on one of them
    (DEPENDS_ON: which graded functions the reference uses)."""
    module = MODULES[assignment]
    wrong = wrong_answer_bundles(module)[student]
    depends = getattr(module, "DEPENDS_ON", {})
    cells_of = function_cells(assignment)
    right = [f for f in cells_of if f not in wrong and not depends.get(f, set()) & set(wrong)]
    cells = graded_course.scores(assignment)[student]
    leaked = {f: [cells[g] for g in cells_of[f]] for f in right if lost(cells, cells_of[f]) > 0}
    assert not leaked, f"bugs in {sorted(wrong)} cost points in {leaked}"


SAMPLES = cases(lambda a, m: [(a, s) for s in sorted(m.SAMPLE_MISTAKES)])


@pytest.mark.parametrize(("assignment", "student"), SAMPLES, ids=["-".join(c) for c in SAMPLES])
def test_sample_class_loses_points_where_its_mistakes_are(graded_course, assignment, student):
    cells = graded_course.scores(assignment)[student]
    losing = {f for f, ids in function_cells(assignment).items() if lost(cells, ids) > 0}
    assert losing == MODULES[assignment].SAMPLE_MISTAKES[student]


@pytest.mark.parametrize("assignment", sorted(MODULES))
def test_written_answer_waits_for_a_person(graded_course, assignment):
    grade_id, points = MODULES[assignment].WRITTEN_ANSWER
    with Gradebook(graded_course.course.db_url) as gb:
        for student in ("sample-ada", "sample-blank"):
            nb = gb.find_submission_notebook(assignment, assignment, student)
            written = [g for g in nb.grades if g.name == grade_id]
            assert len(written) == 1 and written[0].max_score == points
        # an answer was written: a person must grade it; a blank one scores 0 by itself
        assert gb.find_submission_notebook(assignment, assignment, "sample-ada").needs_manual_grade
        assert not gb.find_submission_notebook(assignment, assignment,
                                               "sample-blank").needs_manual_grade
