"""How much faster is grading a class in parallel? (A benchmark, not a test.)

Grades the same simulated class twice on this machine, in one run: once one
submission at a time (what ``nbgrader autograde`` does), once with ``--workers``
submissions at a time (what ``python -m grader`` does), each in a fresh work area.
Prints both wall times, the speed-up, and checks that every grade is identical.

    .venv/bin/python benchmarks/grading_throughput.py [--students 20] [--workers 2]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.paths import notebook_name  # noqa: E402
from grader.roster import work_of  # noqa: E402
from grader.work_area import WorkArea  # noqa: E402

A = "01-leaky-relu"
# Graded submissions only: broken ones end early and would flatter the speed-up.
KINDS = ["reference", "blank", "sample:ada", "sample:ben", "sample:chloe", "sample:dev"]


def submit_class(course: WorkArea, n_students: int, kinds: list = KINDS, assignment: str = A):
    """Release ``assignment`` into ``course`` and submit ``n_students`` (``kinds`` in turn)."""
    course.generate_assignment(assignment)
    for i in range(n_students):
        kind = kinds[i % len(kinds)]
        work = work_of(kind, assignment, course.workdir, course.release_dir)
        course.submit(f"s{i:02d}-{kind.replace('sample:', '')}", assignment, work.notebook)


def grade_class(course: WorkArea, n_students: int, kinds: list = KINDS,
                assignment: str = A) -> tuple:
    """Release ``assignment`` (assignment 1 by default) into ``course``, submit
    ``n_students`` (``kinds`` in turn), autograde them; ``(seconds of autograding, cell
    scores)``. Every one must be graded."""
    submit_class(course, n_students, kinds, assignment)
    start = time.monotonic()
    outcomes = course.autograde(assignment)
    seconds = time.monotonic() - start
    assert all(o.status == "graded" for o in outcomes), [o for o in outcomes
                                                         if o.status != "graded"]
    return seconds, course.cell_scores(assignment)


def grade(workers: int, n_students: int, root: Path) -> tuple:
    return grade_class(WorkArea(workdir=root / f"workers-{workers}",
                                release_dir=root / "release", workers=workers), n_students)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(f"{args.students} submissions of {notebook_name(A)}, graded in the sandbox")
        sequential, grades_1 = grade(1, args.students, root)
        print(f"one at a time:        {sequential:7.1f} s "
              f"({sequential / args.students:.1f} s per submission)")
        parallel, grades_n = grade(args.workers, args.students, root)
        print(f"{args.workers} at a time:          {parallel:7.1f} s "
              f"({parallel / args.students:.1f} s per submission)")
        print(f"speed-up:             {sequential / parallel:7.2f}x")
        same = grades_1 == grades_n
        print(f"identical grades:     {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
