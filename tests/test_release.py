"""The committed student release: generated from solutions/, never hand-edited, no leaks."""

import ast
import json

import nbformat
import pytest
from helpers import hidden_test_lines

from grader import cells
from grader.paths import RELEASE, REPO, SOLUTIONS, assignments, notebook_name, source_notebook

ASSIGNMENTS = assignments()


def released(assignment: str):
    return nbformat.read(RELEASE / assignment / notebook_name(assignment), as_version=4)


def test_assignment_and_notebook_names_are_the_fixed_ones():
    assert ASSIGNMENTS[0] == "01-leaky-relu"
    for assignment in ASSIGNMENTS:
        assert (SOLUTIONS / assignment / f"{assignment}.ipynb").is_file()
        assert (RELEASE / assignment / f"{assignment}.ipynb").is_file(), (
            f"{assignment} is not released: run `python -m grader release` and commit notebooks/")
    assert sorted(p.name for p in RELEASE.iterdir() if p.is_dir()) == ASSIGNMENTS


GRADED_SIGNATURES = {
    "01-leaky-relu": {
        "relu": "(x)",
        "leaky_relu": "(x, alpha=0.01)",
        "leaky_relu_grad": "(x, alpha=0.01)",
        "plot_activations": "(ax, alphas)",
    },
    "02-dying-relu": {
        "dead_unit_fraction": "(activations, tol=0.0)",
        "dead_units_per_layer": "(model, x)",
        "is_constant_network": "(model, x, tol=1e-12)",
    },
    "03-keras-cnn": {
        "preprocess": "(x, y)",
        "build_cnn": "(negative_slope=0.1)",
        "train": "(model, x, y, epochs, batch_size=250, validation_split=0.2)",
    },
    "04-relu-vs-leaky": {
        "summarize": "(values)",
        "welch_t_test": "(a, b)",
        "bootstrap_diff_ci": "(a, b, n_resamples=10000, confidence=0.95, seed=0)",
    },
}


@pytest.mark.parametrize("assignment", sorted(GRADED_SIGNATURES))
def test_graded_functions_keep_their_fixed_signatures(assignment):
    found = {}
    for cell in released(assignment).cells:
        if cells.is_answer_code(cell):
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.FunctionDef):
                    found[node.name] = f"({ast.unparse(node.args)})"
                    assert cells.grade_id(cell) == node.name
    assert found == GRADED_SIGNATURES[assignment]


@pytest.mark.parametrize("folder", ["solutions", "notebooks"])
def test_notebooks_are_committed_without_outputs(folder):
    for path in sorted((REPO / folder).glob("*/*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, path


def solution_lines(assignment: str) -> list:
    """Non-trivial lines of the instructor's solutions: code inside BEGIN/END SOLUTION
    and whole written model answers."""
    lines = []
    for cell in nbformat.read(source_notebook(assignment), as_version=4).cells:
        if not cells.is_solution(cell):
            continue
        inside = cell.cell_type == "markdown"
        for line in cell.source.splitlines():
            if "BEGIN SOLUTION" in line:
                inside = True
            elif "END SOLUTION" in line:
                inside = False
            elif inside and len(line.strip()) >= 12:
                lines.append(line.strip())
    return lines


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_contains_no_solution_and_no_hidden_test(assignment):
    text = "\n".join(cell.source for cell in released(assignment).cells)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "MARK SCHEME", "Rubric"):
        assert marker not in text, marker
    solutions = solution_lines(assignment)
    assert solutions, "no solution lines found: the check would prove nothing"
    leaked = [line for line in solutions if line in text]
    assert not leaked, f"solution lines in the release: {leaked}"
    hidden = hidden_test_lines(assignment)
    assert hidden and not [line for line in hidden if line in text]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_released_test_cell_is_left_holding_only_a_string(assignment):
    """A hidden-test cell whose release keeps just a docstring shows that string as the
    cell's value, and nbgrader validate reads a value as a score ("cannot be converted
    to a float"): describe hidden tests in a comment instead."""
    for cell in released(assignment).cells:
        if cells.is_graded(cell) and cell.cell_type == "code":
            assert cell.source.strip(), f"{cells.grade_id(cell)} is empty in the release"
            body = ast.parse(cell.source).body  # [] for a cell of comments: no value
            assert not (body and isinstance(body[-1], ast.Expr)
                        and isinstance(body[-1].value, ast.Constant)), (
                f"{cells.grade_id(cell)} ends with a bare string in the release")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_hidden_tests_carry_most_of_the_autograded_points(assignment):
    visible = hidden = 0
    for cell in nbformat.read(source_notebook(assignment), as_version=4).cells:
        if cells.is_test(cell):
            first = cell.source.lstrip().splitlines()[0]
            # a docstring, or for a hidden-only cell a comment: a lone docstring left in
            # the release would be the cell's value, which nbgrader reads as a score
            assert first.startswith('"""') or (
                first.startswith("#") and "BEGIN HIDDEN TESTS" in cell.source), (
                f"test cell {cells.grade_id(cell)} should open with a one-line description")
            if "BEGIN HIDDEN TESTS" in cell.source:
                hidden += cells.points(cell)
            else:
                visible += cells.points(cell)
    assert hidden > visible > 0


def made_and_used(source: str) -> tuple:
    """(names a cell makes: assigned, defined, imported or arguments; names it reads
    without making them itself)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics: no names to follow
        return set(), set()
    made, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            made.add(node.name)
        elif isinstance(node, ast.Name):
            (made if isinstance(node.ctx, ast.Store) else read).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            made |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.arg):
            made.add(node.arg)
    return made, read - made


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_demonstrations_make_nothing_that_grading_uses(assignment):
    """Grading skips the cells tagged demo (grader/nbgrader_config.py), so no name that a
    test or an answer reads may come from one; the setup cell is never one, and every
    other ordinary code cell that makes nothing graded cells read is one (so that
    grading runs no more than it needs)."""
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    graded = [c for c in code if cells.is_solution(c) or cells.is_test(c)]
    needed = set().union(*(made_and_used(c.source)[1] for c in graded))
    assert not cells.is_demo(code[0]), "the setup cell is tagged demo"
    for index, cell in enumerate(code[1:], start=1):
        if cells.is_solution(cell) or cells.is_test(cell):
            assert not cells.is_demo(cell), f"{cells.grade_id(cell)} is tagged demo"
            continue
        makes = made_and_used(cell.source)[0] & needed
        if cells.is_demo(cell):
            assert not makes - {"np"}, (  # the setup cell imports np for every cell
                f"code cell {index} is a demo but makes {sorted(makes)}, which graded "
                "cells use")
        else:
            assert makes, f"code cell {index} makes nothing graded cells use: tag it demo"
