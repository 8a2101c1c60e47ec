"""What does the grading sandbox cost? (A benchmark, not a test.)

Grades the same honest submissions of assignment 1 in the sandbox and without it
(``COURSE_SANDBOX=off``), in one run, alternating rounds so that a change of load on the
machine hits both alike. Prints the time per submission each way, the ratio, and checks
that every grade is identical.

    .venv/bin/python benchmarks/sandbox_cost.py [--students 4] [--rounds 2]
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grading_throughput import A, grade_class  # noqa: E402 (the same class, graded alike)

from grader.paths import notebook_name  # noqa: E402
from grader.work_area import WorkArea  # noqa: E402

KINDS = ["reference", "sample:ada", "sample:ben", "sample:chloe"]


def grade(sandbox: str, n_students: int, root: Path) -> tuple:
    course = WorkArea(workdir=root, release_dir=root.parent / "release", workers=1)
    course.clean()  # a fresh gradebook for each round
    with mock.patch.dict(os.environ, COURSE_SANDBOX=sandbox):
        return grade_class(course, n_students, KINDS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        times, grades = {"on": 0.0, "off": 0.0}, {}
        for r in range(args.rounds):
            for mode in ("on", "off"):
                seconds, grades[mode] = grade(mode, args.students, root / mode)
                times[mode] += seconds
                print(f"round {r + 1}/{args.rounds}, sandbox {mode:3}: {seconds:6.1f} s",
                      flush=True)
        n = args.students * args.rounds
        print(f"{n} submissions of {notebook_name(A)} each way, one at a time")
        print(f"in the sandbox:      {times['on'] / n:5.2f} s per submission")
        print(f"without the sandbox: {times['off'] / n:5.2f} s per submission")
        print(f"ratio:               {times['on'] / times['off']:5.2f}")
        same = grades["on"] == grades["off"]
        print(f"identical grades:    {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
