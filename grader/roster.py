"""Simulated classes: who hands in what.

A roster is a list of students, each with a *kind* of work that applies to every
assignment: the instructor's reference, one of the realistic sample students of
``grader/sample_class/<assignment>/``, a blank notebook, or one of the bad submissions
the grader must survive (grader/bad_submissions.py). :func:`work_of` turns a kind into
what the student hands in.
"""

import nbformat

from grader.bad_submissions import KINDS as BAD_KINDS
from grader.bad_submissions import bad_submission
from grader.paths import SAMPLE_CLASS, assignments, released_notebook, source_notebook
from grader.submissions import Work, answers_from_file, make_submission, reference_answers


def samples(assignment: str) -> list:
    """Names of the sample students of an assignment."""
    return sorted(p.stem for p in (SAMPLE_CLASS / assignment).glob("*.py"))


def sample_roster() -> list:
    """The small class of the course's demo and tests: ``(student_id, kind)``."""
    names = sorted({name for a in assignments() for name in samples(a)})
    return ([("sample-reference", "reference"), ("sample-blank", "blank")]
            + [(f"sample-{name}", f"sample:{name}") for name in names])


def class_roster(size: int = 30) -> list:
    """A class of ``size`` students: every bad kind once, two blank, about a tenth with
    the reference and the rest the realistic sample students (right and wrong)."""
    kinds = list(BAD_KINDS) + ["blank"] * 2
    names = sorted({name for a in assignments() for name in samples(a)})
    n_reference = max(1, size // 10)
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


def work_of(kind: str, assignment: str, workdir, release_dir) -> Work:
    """What a student of ``kind`` hands in for ``assignment`` (graded in ``workdir``)."""
    release_path = released_notebook(assignment, release_dir)
    if kind == "reference":
        return Work(make_submission(release_path, reference_answers(source_notebook(assignment))))
    if kind == "blank":
        return Work(nbformat.read(release_path, as_version=4))
    if kind.startswith("sample:"):
        path = SAMPLE_CLASS / assignment / f"{kind.split(':', 1)[1]}.py"
        if not path.exists():  # this sample student did not do this assignment
            return Work(nbformat.read(release_path, as_version=4))
        return Work(make_submission(release_path, answers_from_file(path)))
    return bad_submission(kind, assignment, workdir, release_dir)
