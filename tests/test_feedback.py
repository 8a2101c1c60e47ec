"""Feedback returned to students: it teaches, and it never shows a hidden test."""

import html
import re

import pytest
from helpers import bundle_holding, hidden_test_lines, variant_modules

from grader import cells
from grader.paths import assignments

pytestmark = pytest.mark.slow


def page_text(path) -> str:
    """What a reader of the feedback page sees: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text()))


@pytest.mark.parametrize("assignment", assignments())
def test_feedback_never_shows_hidden_tests(graded_course, assignment):
    hidden = hidden_test_lines(assignment)
    assert hidden, "no hidden tests found: the check below would prove nothing"
    students = graded_course.scores(assignment)
    assert students
    for student in students:
        path = graded_course.course.feedback_path(student, assignment)
        assert path.exists(), f"no feedback for {student}"
        text = page_text(path)
        assert "HIDDEN TESTS" not in text, student
        shown = [line for line in hidden if line in text]
        assert not shown, f"feedback of {student} shows hidden test lines: {shown[:3]}"


@pytest.mark.parametrize(("assignment", "function", "name", "messages"), [
    ("01-leaky-relu", "leaky_relu", "max_trick", [
        "leaky_relu(x, alpha=2.0) is wrong at",
        "np.maximum(alpha * x, x) equals Leaky ReLU only when alpha <= 1"]),
    ("02-dying-relu", "dead_unit_fraction", "any_sample", [
        "a unit that fires on even ONE sample is alive"]),
])
def test_feedback_of_a_failed_hidden_test_keeps_its_teaching_message(
        graded_course, assignment, function, name, messages):
    student = bundle_holding(variant_modules()[assignment], function, name)
    text = page_text(graded_course.course.feedback_path(student, assignment))
    text = " ".join(text.split())  # messages come wrapped in short lines
    for message in messages:
        assert message in text


@pytest.mark.parametrize("assignment", assignments())
def test_grade_cells_of_the_reference_leave_no_value_and_nothing_on_stderr(graded_course,
                                                                           assignment):
    """nbgrader scores a test cell 0 when it writes to stderr, and reads a value left by
    its last line as partial credit: the reference's test cells must do neither."""
    import nbformat

    from grader.paths import notebook_name

    path = (graded_course.course.workdir / "autograded" / "sample-reference" / assignment
            / notebook_name(assignment))
    for cell in nbformat.read(path, as_version=4).cells:
        if not (cells.is_graded(cell) and cell.cell_type == "code"):
            continue
        kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
        assert ("stream", "stderr") not in kinds, cells.grade_id(cell)
        assert ("execute_result", None) not in kinds, cells.grade_id(cell)
        assert ("error", None) not in kinds, cells.grade_id(cell)


def telling_words(answer: str) -> str:
    """The first words of an answer's longest plain line (no table, math, code or
    emphasis, which the page renders differently)."""
    lines = [line for line in answer.splitlines()
             if not any(mark in line for mark in "|$`*\\")]
    return " ".join(max(lines, key=len).split()[:8])


@pytest.mark.parametrize("assignment", assignments())
def test_feedback_shows_the_instructors_answer_that_the_release_does_not(graded_course,
                                                                        assignment):
    """sample-blank wrote nothing: any model answer on its page comes from feedback."""
    import nbformat

    from grader.paths import notebook_name, source_notebook
    from grader.preprocessors import instructor_answer

    source = nbformat.read(source_notebook(assignment), as_version=4)
    answers = [instructor_answer(c) for c in source.cells if cells.is_written_answer(c)]
    assert answers, "every assignment has a hand-graded answer"
    release = graded_course.course.release_dir / assignment / notebook_name(assignment)
    released = " ".join(release.read_text().split())
    page = " ".join(page_text(graded_course.course.feedback_path("sample-blank",
                                                                 assignment)).split())
    assert page.count("The instructor's answer") == len(answers)
    for answer in answers:
        words = telling_words(answer)
        assert len(words) > 30, words
        assert words in page, words
        assert words not in released, f"the release of {assignment} gives away: {words}"
