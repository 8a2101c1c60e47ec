"""The visible tests catch, before submission, every mistake the notebook itself teaches.

For each assignment, tests/variants_XX.py names in ``TAUGHT`` each misconception the
notebook teaches, the planted "typical first attempt" that makes it (one of ``WRONG``)
and words that the failing visible test's message must contain. The student meets the
visible tests in the release notebook, so running those cells of the release is the
whole check: one kernel per assignment, in grading mode (as `nbgrader validate` runs
it), runs the setup cells and the reference solution once, then for each attempt runs
its solution cell and its function's visible test cells, and the reference again.
Which inputs the hidden tests use is not checked here (tests/test_release.py does that).
"""

import copy
import os
import subprocess
import sys

import nbformat
import pytest
from helpers import function_cells, variant_modules
from nbclient import NotebookClient

from grader import cells
from grader.paths import RELEASE, SAMPLE_CLASS, assignments, notebook_name, source_notebook
from grader.submissions import answers_from_file, make_submission, reference_answers

MODULES = variant_modules()
slow = pytest.mark.slow  # these run notebooks: one kernel per assignment, plus a validate
VALIDATE_WIDTH = 87  # nbgrader validate cuts every line of its report after this


def visible_cells(assignment: str) -> dict:
    """``{graded function: [grade_ids of its visible test cells]}``."""
    source = nbformat.read(source_notebook(assignment), as_version=4)
    hidden = {cells.grade_id(c) for c in source.cells if "BEGIN HIDDEN TESTS" in c.source}
    return {f: [g for g in ids if g not in hidden] for f, ids in function_cells(assignment).items()}


def outputs_text(cell, name: str) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == name)


def error_text(cell) -> str:
    """The message of the error a cell raised ("" when none): what the student reads."""
    return "\n".join(o.evalue for o in cell.outputs if o.output_type == "error")


class Release:
    """One kernel on an assignment's release notebook, the reference filled in."""

    def __init__(self, assignment: str):
        self.path = RELEASE / assignment / notebook_name(assignment)
        self.nb = make_submission(self.path, {}, reference_answers(source_notebook(assignment)))
        self.by_id = {cells.grade_id(c): (i, c) for i, c in enumerate(self.nb.cells)}
        self.client = NotebookClient(self.nb, timeout=300, kernel_name="python3",
                                     allow_errors=True,
                                     resources={"metadata": {"path": str(self.path.parent)}})

    def run(self, index: int, cell):
        cell.outputs = []
        self.client.execute_cell(cell, index)
        return cell

    def start(self, skip=()):
        """Run the setup (every code cell before the first solution cell, but those in
        ``skip``), then every solution cell (the reference)."""
        solution_seen = False
        for index, cell in enumerate(self.nb.cells):
            if cells.is_answer_code(cell):
                solution_seen = True
                self.run(index, cell)
            elif cell.cell_type == "code" and not solution_seen and cell.id not in skip:
                ran = self.run(index, cell)
                assert not error_text(ran), f"setup cell {index}: {error_text(ran)}"

    def answer(self, function: str, source: str):
        index, cell = self.by_id[function]
        planted = copy.deepcopy(cell)
        planted.source = source
        ran = self.run(index, planted)
        assert not error_text(ran), f"the answer for {function} does not run: {error_text(ran)}"

    def test_cell(self, grade_id: str):
        index, cell = self.by_id[grade_id]
        return self.run(index, copy.deepcopy(cell))


@slow
@pytest.mark.parametrize("assignment", assignments())
def test_visible_tests_catch_every_taught_mistake(assignment, monkeypatch):
    module = MODULES[assignment]
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")  # grading mode, as validate runs it
    visible = visible_cells(assignment)
    reference = reference_answers(source_notebook(assignment))
    release = Release(assignment)
    with release.client.setup_kernel():
        release.start(skip=getattr(module, "SETUP_NOT_NEEDED", ()))
        # The reference passes every visible test, quietly: one short line on stdout.
        for function, grade_ids in visible.items():
            assert grade_ids, f"{function} has no visible test"
            for grade_id in grade_ids:
                cell = release.test_cell(grade_id)
                assert not error_text(cell), f"{grade_id}: {error_text(cell)}"
                assert outputs_text(cell, "stderr") == "", grade_id
                out = outputs_text(cell, "stdout")
                assert out.startswith("Passed. Hidden tests (") and out.count("\n") == 1, out
                assert len(out.rstrip("\n")) <= 90, out
        # Other correct styles pass every visible test, with nothing on stderr; a sample
        # student fails the visible tests only of functions where its docstring says so.
        students = {f"correct-{name}": (answers, set())
                    for name, answers in module.CORRECT.items()}
        students.update({f"sample-{path.stem}": (answers_from_file(path),
                                                 module.SAMPLE_MISTAKES[f"sample-{path.stem}"])
                         for path in sorted((SAMPLE_CLASS / assignment).glob("*.py"))})
        for student, (answers, mistaken) in students.items():
            functions = [f for f in visible if f in answers]
            for function in functions:
                release.answer(function, answers[function])
            ran = {f: [release.test_cell(g) for g in visible[f]] for f in functions}
            for function in functions:
                release.answer(function, reference[function])
            wrong = {f: [error_text(c) or outputs_text(c, "stderr") for c in cs]
                     for f, cs in ran.items() if f not in mistaken}  # stderr scores 0
            wrong = {f: [m for m in ms if m] for f, ms in wrong.items() if any(ms)}
            assert not wrong, f"{student} fails visible tests where it is right: {wrong}"
        # Each taught mistake fails a visible test, with a message that names it.
        missed = []
        for misconception, (function, name, words) in module.TAUGHT.items():
            release.answer(function, module.WRONG[function][name])
            messages = [error_text(release.test_cell(g)) for g in visible[function]]
            release.answer(function, reference[function])
            failed = [m for m in messages if m]
            flat = [" ".join(m.split()) for m in failed]
            if not any(words in m for m in flat):
                missed.append(f"{misconception} ({function} '{name}'): "
                              + (f"messages {flat}" if failed else "passed every visible test"))
            too_long = [line for m in failed for line in m.splitlines()
                        if len("    AssertionError: " + line) > VALIDATE_WIDTH]
            assert not too_long, f"lines nbgrader validate would cut: {too_long}"
    assert not missed, "\n".join(missed)


@pytest.mark.parametrize("assignment", assignments())
def test_visible_tests_say_how_many_points_the_hidden_tests_hold(assignment):
    """checks.passed(points, ...) in a visible cell names the points of its function's
    hidden test cells, as the notebook's metadata gives them."""
    source = nbformat.read(source_notebook(assignment), as_version=4)
    points = {cells.grade_id(c): cells.points(c) for c in source.cells if cells.is_graded(c)}
    visible = visible_cells(assignment)
    for function, grade_ids in function_cells(assignment).items():
        hidden_points = sum(points[g] for g in grade_ids if g not in visible[function])
        for grade_id in visible[function]:
            cell = cells.by_grade_id(source)[grade_id]
            assert f"checks.passed({hidden_points}," in cell.source, grade_id


@slow
def test_validate_shows_the_hint_whole(tmp_path):
    """`nbgrader validate` on a notebook whose relu changes its input in place: the hint
    reaches the student whole (validate cuts long lines)."""
    assignment = "01-leaky-relu"
    wrong = MODULES[assignment].WRONG["relu"]["modifies_input"]
    nb = make_submission(RELEASE / assignment / notebook_name(assignment), {"relu": wrong},
                         reference_answers(source_notebook(assignment)))
    path = tmp_path / notebook_name(assignment)
    nbformat.write(nb, path)
    env = dict(os.environ, PATH=f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}")
    result = subprocess.run([sys.executable, "-m", "nbgrader", "validate", str(path)],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    report = " ".join(result.stdout.split())
    assert "relu(x) modified its input" in report, result.stdout[-3000:]
    assert ("Hint: relu changed its input in place (x[x < 0] = 0 writes into the caller's "
            "array, and np.asarray does not copy an array). Return a new array: work on a "
            "copy, np.array(x, dtype=float), or build a new one.") in report, result.stdout
