"""Build student submissions from code, the way a student fills in the release.

A submission is the released notebook with some solution cells filled in. The code for
a cell is given per ``grade_id`` (the name of the graded function, or of the written
answer). Sample students in ``grader/sample_class/<assignment>/<student>.py`` and the
autograder's own tests use the same function, so what the course grades in its demo is
exactly what its tests check.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grader.cells import grade_id, is_solution

SOLUTION_BEGIN = "### BEGIN SOLUTION"
SOLUTION_END = "### END SOLUTION"


@dataclass
class Work:
    """What one student hands in for one assignment: a notebook (``files`` maps file
    names to text instead, for submissions that are not a proper notebook), and whether
    it arrives after the due date."""

    notebook: object = None
    files: dict = None
    late: bool = False


def reference_answers(source_path: Path) -> dict:
    """The instructor's solution for every solution cell, keyed by ``grade_id``.

    Code cells lose their BEGIN/END SOLUTION marker lines; markdown cells are kept whole.
    """
    answers = {}
    for cell in nbformat.read(source_path, as_version=4).cells:
        if not is_solution(cell):
            continue
        lines = cell.source.splitlines()
        if cell.cell_type == "code":
            lines = [ln for ln in lines if ln.strip() not in (SOLUTION_BEGIN, SOLUTION_END)]
        answers[grade_id(cell)] = "\n".join(lines)
    return answers


def answers_from_file(path: Path) -> dict:
    """Read a sample student's answers from a Python file.

    Each top-level function becomes the code of the solution cell with the same
    ``grade_id``; each top-level string assigned to a name becomes the written answer of
    the markdown cell with that ``grade_id``. Anything else in the file (its docstring,
    comments) documents the sample and is not submitted.
    """
    text = Path(path).read_text()
    answers = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef):
            start = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            lines = text.splitlines()[start - 1 : node.end_lineno]
            answers[node.name] = "\n".join(lines)
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1
              and isinstance(node.targets[0], ast.Name)
              and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            answers[node.targets[0].id] = node.value.value.strip()
    return answers


def make_submission(release_path: Path, answers: dict, fallback: dict | None = None):
    """The released notebook with solution cells replaced by ``answers``.

    A solution cell whose ``grade_id`` is not in ``answers`` takes ``fallback[grade_id]``
    when given (e.g. the reference, to test one wrong function at a time), else stays as
    released (the student left it blank). Unknown ``grade_id``s in ``answers`` are an
    error: they are typos, and a typo would silently submit a blank.
    """
    nb = nbformat.read(release_path, as_version=4)
    solution_ids = {grade_id(c) for c in nb.cells if is_solution(c)}
    unknown = set(answers) - solution_ids
    if unknown:
        raise ValueError(
            f"{sorted(unknown)} are not solution cells of {release_path.name}; "
            f"its solution cells are {sorted(solution_ids)}"
        )
    fallback = fallback or {}
    for cell in nb.cells:
        if not is_solution(cell):
            continue
        gid = grade_id(cell)
        if gid in answers:
            cell.source = answers[gid]
        elif gid in fallback:
            cell.source = fallback[gid]
    return nb
