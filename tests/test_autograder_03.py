"""Assignment 3's autograder: what is particular to it (the common rules for every
assignment are in test_autograders.py). Its wrong answers are graded in bundles, one
wrong function each, because every submission trains a CNN."""

import pytest
import variants_03 as variants
from helpers import function_cells, lost

A = variants.ASSIGNMENT
pytestmark = pytest.mark.slow
CELLS = function_cells(A)


def test_bundles_hold_one_wrong_answer_per_function():
    for student, answers in variants.students().items():
        if student.startswith("wrong-bundle-"):
            assert set(answers) <= set(CELLS), student
    covered = {(f, n) for f, vs in variants.WRONG.items() for n in vs}
    assert len({(variants.bundle_of(f, n), f) for f, n in covered}) == len(covered)


def test_functions_without_a_wrong_answer_in_a_bundle_keep_full_marks(graded_course):
    # A bundle that holds no wrong answer for a function submits the reference for it:
    # those test cells must not lose points because of the other functions' bugs.
    for student, answers in variants.students().items():
        if not student.startswith("wrong-bundle-"):
            continue
        cells = graded_course.scores(A)[student]
        for function in set(CELLS) - set(answers):
            assert lost(cells, CELLS[function]) == 0, (student, function)
