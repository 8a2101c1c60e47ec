"""What several test modules need: work areas for grading, the planted answers of
tests/variants_XX.py, and facts read from the source notebooks."""

import importlib
import uuid
from pathlib import Path

import nbformat

from grader import cells
from grader.paths import source_notebook, sqlite_gradebook
from grader.work_area import WorkArea

TESTS = Path(__file__).resolve().parent


def new_work_area(workdir: Path, server: str = None, **options) -> WorkArea:
    """A grading work area in ``workdir`` with a SQLite gradebook there, or with a fresh
    database on the PostgreSQL ``server`` (a URL without database, as in
    COURSE_TEST_POSTGRES) when one is given."""
    db_url = sqlite_gradebook(workdir)
    if server:
        import psycopg

        name = f"course_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        db_url = f"{server}/{name}"
    return WorkArea(workdir=workdir, release_dir=Path(workdir) / "release", db_url=db_url,
                    **options)


def variant_modules() -> dict:
    """``{assignment: module}`` for every tests/variants_XX.py."""
    modules = {}
    for path in sorted(TESTS.glob("variants_*.py")):
        module = importlib.import_module(path.stem)
        modules[module.ASSIGNMENT] = module
    return modules


def wrong_answer_bundles(module) -> dict:
    """``{student_id: {function: name of its wrong answer}}``: the planted wrong answers
    of ``module`` packed into as few submissions as the rule allows, since each is a
    whole notebook to grade. Each bundle holds one wrong answer for each of all but one
    graded function, taken from the functions with the most answers left: at least one
    function keeps the reference in every bundle (in turn), and its tests must lose
    nothing because of the others' bugs (tests/test_autograders.py checks that).
    A module may pack its own by defining ``bundle_of(function, name)``."""
    if hasattr(module, "bundle_of"):
        packed = {}
        for function, variants in module.WRONG.items():
            for name in variants:
                bundle = packed.setdefault(module.bundle_of(function, name), {})
                assert function not in bundle, f"two wrong {function}s in one bundle"
                bundle[function] = name
        return packed
    left = {f: sorted(variants) for f, variants in module.WRONG.items()}
    width = max(1, len(left) - 1)
    packed = {}
    while any(left.values()):
        chosen = sorted((f for f in left if left[f]), key=lambda f: (-len(left[f]), f))[:width]
        packed[f"wrong-bundle-{len(packed) + 1}"] = {f: left[f].pop(0) for f in chosen}
    return packed


def bundle_holding(module, function: str, name: str) -> str:
    """The student whose submission holds the wrong answer ``name`` of ``function``."""
    return next(student for student, wrong in wrong_answer_bundles(module).items()
                if wrong.get(function) == name)


def variant_students(module) -> dict:
    """``{student_id: answers}``: the wrong answers in bundles (:func:`wrong_answer_bundles`),
    then one student per correct style."""
    students = {student: {f: module.WRONG[f][name] for f, name in wrong.items()}
                for student, wrong in wrong_answer_bundles(module).items()}
    students.update({f"correct-{name}": answers for name, answers in module.CORRECT.items()})
    return students


def lost(scores: dict, grade_ids) -> float:
    """Points lost in the test cells ``grade_ids`` of one graded submission's
    ``{grade_id: (score, max_score)}``."""
    return sum(scores[g][1] - scores[g][0] for g in grade_ids)


def function_cells(assignment: str) -> dict:
    """``{graded function: [grade_ids of its test cells]}``, read from the source notebook:
    the test cells that follow a solution cell, up to the next solution cell."""
    found, current = {}, None
    for cell in nbformat.read(source_notebook(assignment), as_version=4).cells:
        if cells.is_answer_code(cell):
            current = cells.grade_id(cell)
            found[current] = []
        elif cells.is_test(cell) and current:
            found[current].append(cells.grade_id(cell))
    return found


def hidden_test_lines(assignment: str) -> list:
    """Distinctive source lines of the hidden-test regions of an assignment: long enough
    to mean something, and not also written outside a hidden region (a line like
    ``got = checks.call(relu, x)`` in a visible test is no secret)."""
    hidden, visible, inside = [], set(), False
    for cell in nbformat.read(source_notebook(assignment), as_version=4).cells:
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside:
                if len(line.strip()) >= 25:
                    hidden.append(line.strip())
            else:
                visible.add(line.strip())
    return [line for line in hidden if line not in visible]


def total(area, assignment: str, student: str) -> tuple:
    """(score, max score) of a submission in the gradebook, written answers included; a
    submission nbgrader never recorded (no notebook at all) counts as (0, the
    assignment's maximum), which is also what `nbgrader export` writes."""
    scores = area.cell_scores(assignment).get(student)
    if scores is None:
        nb = nbformat.read(source_notebook(assignment), as_version=4)
        return 0.0, float(sum(cells.points(c) for c in nb.cells))
    return sum(s for s, _ in scores.values()), sum(m for _, m in scores.values())
