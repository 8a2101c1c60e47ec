"""What the student reads: short cells, one heading scheme, points that add up.

Fast checks on the notebooks' text (no kernel). That a "try it" cell's stated output is
what the reference really prints is checked where the notebooks run as a student runs
them (tests/test_kit.py).
"""

import re

import nbformat
import pytest

from grader import cells
from grader.paths import RELEASE, assignments, notebook_name, source_notebook

MAX_WORDS_PER_CELL = 200
# The markdown prose of each released notebook (words, whitespace-split) before the
# teaching pass of 2026-12; each must now be at least 30% shorter.
WORDS_BEFORE = {"01-leaky-relu": 2171, "02-dying-relu": 3201, "03-keras-cnn": 2151,
                "04-relu-vs-leaky": 2746}
EXERCISE = re.compile(r"^### Exercise ([A-Z]) \((\d+) points?(, graded by hand)?\)", re.M)
POINTS = re.compile(r"\*\*Points: (\d+) in all\.\*\* (\d+) are autograded \((\d+) in visible "
                    r"tests you can run, (\d+) in hidden tests run at grading\) and (\d+) "
                    r"(?:is|are) graded by hand\.")


def release(assignment: str):
    return nbformat.read(RELEASE / assignment / notebook_name(assignment), as_version=4)


def words(cell) -> int:
    return len(cell.source.split())


@pytest.mark.parametrize("assignment", assignments())
def test_every_markdown_cell_is_short(assignment):
    long = [(i, words(c)) for i, c in enumerate(release(assignment).cells)
            if c.cell_type == "markdown" and words(c) >= MAX_WORDS_PER_CELL]
    assert not long, f"markdown cells of {MAX_WORDS_PER_CELL}+ words (index, words): {long}"


@pytest.mark.parametrize("assignment", sorted(WORDS_BEFORE))
def test_prose_is_at_least_30_percent_shorter_than_before(assignment):
    """The four assignments of the teaching pass stay short (a new one has no before)."""
    total = sum(words(c) for c in release(assignment).cells if c.cell_type == "markdown")
    assert total <= 0.7 * WORDS_BEFORE[assignment], (
        f"{total} words of prose, before {WORDS_BEFORE[assignment]}")


@pytest.mark.parametrize("assignment", assignments())
def test_headings_use_one_scheme(assignment):
    """Sections are "## 1. Title"; exercises "### Exercise A (N points)", lettered in order."""
    text = "\n".join(c.source for c in release(assignment).cells if c.cell_type == "markdown")
    assert not re.search(r"^#+ Part\b", text, re.M), "use '## 1. Title' and '### Exercise A'"
    letters = [m.group(1) for m in EXERCISE.finditer(text)]
    assert letters == [chr(ord("A") + i) for i in range(len(letters))] and letters, letters


@pytest.mark.parametrize("assignment", assignments())
def test_points_stated_are_the_points_graded(assignment):
    """Each exercise heading's points are those of the graded cells up to the next one,
    and the opening cell's sentence adds them up as nbgrader will."""
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    sections, current = {}, None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for match in EXERCISE.finditer(cell.source):
                current = match.group(1)
                sections[current] = [int(match.group(2)), 0]
        if cells.is_graded(cell):
            assert current, f"{cells.grade_id(cell)} comes before any exercise heading"
            sections[current][1] += cells.points(cell)
    wrong = {k: v for k, v in sections.items() if v[0] != v[1]}
    assert not wrong, f"exercise: [points stated, points of its graded cells]: {wrong}"

    manual = sum(cells.points(c) for c in nb.cells if cells.is_written_answer(c))
    tests = [c for c in nb.cells if cells.is_test(c)]
    hidden = sum(cells.points(c) for c in tests if "BEGIN HIDDEN TESTS" in c.source)
    visible = sum(cells.points(c) for c in tests) - hidden
    stated = POINTS.search(nb.cells[0].source)
    assert stated, f"the opening cell must say, in this form: {POINTS.pattern}"
    assert [int(n) for n in stated.groups()] == [
        manual + visible + hidden, visible + hidden, visible, hidden, manual]


@pytest.mark.parametrize("assignment", assignments())
def test_no_lint_markers_where_students_read(assignment):
    marked = [i for i, c in enumerate(release(assignment).cells) if "noqa" in c.source]
    assert not marked, f"cells with '# noqa': {marked}"
