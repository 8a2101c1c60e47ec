"""nbgrader's cell metadata, read in one place.

nbgrader marks a notebook's cells in ``cell.metadata["nbgrader"]``: ``grade_id`` names a
cell, ``solution`` marks where students write, ``grade`` and ``points`` what is graded,
``locked`` what students must not change. In this course a graded *code* cell that
students do not write in is a test (autograded); a graded cell they write in is a
written answer (graded by hand). An ordinary code cell tagged ``demo`` is a
demonstration for the student, which grading and validation skip (nbgrader_config.py).
"""

DEMO_TAG = "demo"


def nbgrader(cell) -> dict:
    """A cell's nbgrader metadata (``{}`` for an ordinary cell)."""
    return cell.metadata.get("nbgrader", {})


def grade_id(cell):
    return nbgrader(cell).get("grade_id")


def is_solution(cell) -> bool:
    """A cell students write in (code or markdown)."""
    return bool(nbgrader(cell).get("solution"))


def is_graded(cell) -> bool:
    return bool(nbgrader(cell).get("grade"))


def is_locked(cell) -> bool:
    return bool(nbgrader(cell).get("locked"))


def is_test(cell) -> bool:
    """An autograded test cell: graded code that students do not write in."""
    return cell.cell_type == "code" and is_graded(cell) and not is_solution(cell)


def is_written_answer(cell) -> bool:
    """A cell graded by hand: graded, and students write in it."""
    return is_graded(cell) and is_solution(cell) and grade_id(cell) is not None


def is_answer_code(cell) -> bool:
    """A code cell students write a graded function in."""
    return cell.cell_type == "code" and is_solution(cell)


def points(cell) -> float:
    return nbgrader(cell).get("points", 0) if is_graded(cell) else 0


def by_grade_id(nb) -> dict:
    """``{grade_id: cell}`` for the cells of ``nb`` that nbgrader names."""
    return {grade_id(c): c for c in nb.cells if grade_id(c) is not None}


def is_demo(cell) -> bool:
    """A demonstration: run by the student, skipped while grading."""
    return DEMO_TAG in cell.metadata.get("tags", [])
