"""Simulated classes: who hands in what.

A roster is a list of students, each with a *kind* of work that applies to every
assignment: the instructor's reference, one of the realistic sample students of
``grader/sample_class/<assignment>/``, a blank notebook, or one of the bad submissions
the grader must survive. :func:`work_of` turns a kind into what the student hands in.
"""

from dataclasses import dataclass
from pathlib import Path

import nbformat

from grader.pipeline import RELEASE, SAMPLE_CLASS, assignments, notebook_name, source_notebook
from grader.submissions import answers_from_file, make_submission, reference_answers

# Bad submissions, each applied to the first graded function of an assignment.
BAD_KINDS = [
    "syntax-error", "kernel-dies", "endless-loop", "edited-tests", "deleted-test",
    "not-json", "renamed", "late", "other-assignment", "megabytes-of-output", "spy",
]


@dataclass
class Work:
    """What one student hands in for one assignment: a notebook (``files`` maps file
    names to text for submissions that are not a proper notebook), and whether it
    arrives after the due date."""

    notebook: object = None
    files: dict = None
    late: bool = False


def samples(assignment: str) -> list:
    """Names of the sample students of an assignment."""
    return sorted(p.stem for p in (SAMPLE_CLASS / assignment).glob("*.py"))


def sample_roster() -> list:
    """The small class of the course's demo and tests: ``(student_id, kind)``."""
    names = sorted({name for a in assignments() for name in samples(a)})
    return ([("sample-reference", "reference"), ("sample-blank", "blank")]
            + [(f"sample-{name}", f"sample:{name}") for name in names])


def class_roster(size: int = 30) -> list:
    """A class of ``size`` students: about a fifth with the reference, a third the
    realistic sample students (right and wrong), a few blank, and every bad kind once."""
    kinds = list(BAD_KINDS) + ["blank"] * 3
    names = sorted({name for a in assignments() for name in samples(a)})
    n_reference = max(1, size // 5)
    n_samples = max(0, size - len(kinds) - n_reference)
    kinds += ["reference"] * n_reference
    kinds += [f"sample:{names[i % len(names)]}" for i in range(n_samples)] if names else []
    kinds = kinds[:size]
    return [(f"{i + 1:02d}-{kind.replace('sample:', '')}", kind)
            for i, kind in enumerate(sorted(kinds, key=_order))]


def _order(kind: str) -> tuple:
    group = 0 if kind == "reference" else 1 if kind.startswith("sample:") else \
        2 if kind == "blank" else 3
    return group, kind


def work_of(kind: str, assignment: str, release_dir: Path) -> Work:
    """What a student of ``kind`` hands in for ``assignment``."""
    release_path = release_dir / assignment / notebook_name(assignment)
    release = nbformat.read(release_path, as_version=4)
    reference = reference_answers(source_notebook(assignment))
    first = next(c.metadata["nbgrader"]["grade_id"] for c in release.cells
                 if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution"))

    def with_first(source):
        return make_submission(release_path, {first: source}, reference)

    if kind == "reference":
        return Work(make_submission(release_path, reference))
    if kind == "blank":
        return Work(release)
    if kind.startswith("sample:"):
        path = SAMPLE_CLASS / assignment / f"{kind.split(':', 1)[1]}.py"
        if not path.exists():  # this sample student did not do this assignment
            return Work(release)
        return Work(make_submission(release_path, answers_from_file(path)))
    if kind == "syntax-error":
        return Work(with_first(reference[first] + "\n    return )"))
    if kind == "kernel-dies":
        return Work(with_first("import os\nos._exit(1)"))
    if kind == "endless-loop":
        return Work(with_first(reference[first] + "\n\nwhile True:\n    pass"))
    if kind == "megabytes-of-output":
        return Work(with_first('print("spam " * 1_000_000)\n' + reference[first]))
    if kind == "spy":
        return Work(with_first(reference[first] + SPY.format(
            solutions=str(source_notebook(assignment)))))
    if kind in ("edited-tests", "deleted-test"):
        nb = make_submission(release_path, reference)
        tests = [i for i, c in enumerate(nb.cells)
                 if c.metadata.get("nbgrader", {}).get("grade")
                 and not c.metadata["nbgrader"].get("solution")]
        if kind == "edited-tests":
            for i in tests:
                nb.cells[i].source = "pass  # I only want the points"
        else:
            del nb.cells[tests[0]]
        return Work(nb)
    if kind == "not-json":
        return Work(files={notebook_name(assignment): "{this is not a notebook"})
    if kind == "renamed":
        return Work(files={"my-homework.ipynb": nbformat.writes(make_submission(
            release_path, reference))})
    if kind == "late":
        return Work(make_submission(release_path, reference), late=True)
    if kind == "other-assignment":  # the committed release of another assignment
        others = [a for a in assignments() if a != assignment]
        if others:
            other = others[0]
            return Work(nbformat.read(RELEASE / other / notebook_name(other), as_version=4))
        return Work(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('hi')")]))
    raise ValueError(f"unknown kind of student: {kind!r}")


# Appended to a correct answer: tries what a submission must not do, prints the result.
SPY = '''


def _try(action):
    try:
        action()
        return "DONE"
    except Exception as exc:
        return type(exc).__name__


import socket as _socket

print("sandbox check:", {{
    "read the solutions": _try(lambda: open({solutions!r}).read(1)),
    "open a network connection": _try(lambda: _socket.create_connection(("1.1.1.1", 80), 2)),
}})
'''
