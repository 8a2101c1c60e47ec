"""What do the grading checks cost? (A benchmark, not a test.)

Grades the same honest submissions of assignment 1 with the grading checks of
grader/preprocessors.py on and off (``--ExecuteWithTimeLimit.grading_checks``), one
submission at a time, alternating on/off so that a change in machine load hits both
alike; each in its own work area. Prints the time of every grading, the ratio on / off of
the fastest and of the medians, and checks that the grades are identical.

    .venv/bin/python benchmarks/grading_checks.py [--repeats 3]
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.roster import work_of  # noqa: E402
from grader.work_area import WorkArea  # noqa: E402

A = "01-leaky-relu"
KINDS = ["reference", "sample:ben"]  # full marks, and a student who loses points


def course_for(checks: bool, root: Path) -> WorkArea:
    flag = f"--ExecuteWithTimeLimit.grading_checks={checks}"
    course = WorkArea(workdir=root / f"checks-{checks}", release_dir=root / "release",
                      workers=1, extra_args=[flag])
    course.generate_assignment(A)
    for kind in KINDS:
        work = work_of(kind, A, course.workdir, course.release_dir)
        course.submit(kind.replace("sample:", ""), A, work.notebook)
    return course


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    seconds = {True: [], False: []}
    with tempfile.TemporaryDirectory(prefix="grading-checks-") as tmp:
        courses = {checks: course_for(checks, Path(tmp)) for checks in (True, False)}
        for repeat in range(args.repeats):
            for checks in (True, False) if repeat % 2 == 0 else (False, True):
                outcomes = courses[checks].autograde(A)
                assert all(o.status == "graded" for o in outcomes), outcomes
                seconds[checks] += [o.seconds for o in outcomes]
                print(f"repeat {repeat + 1}/{args.repeats}, checks {'on ' if checks else 'off'}:"
                      f" {', '.join(f'{o.seconds:.1f} s' for o in outcomes)}", flush=True)
        grades = {checks: course.autograded_scores(A) for checks, course in courses.items()}
    assert grades[True] == grades[False], grades
    print("grades identical with and without the checks")
    for name, pick in [("fastest", min), ("median", statistics.median)]:
        on, off = pick(seconds[True]), pick(seconds[False])
        print(f"{name}: checks on {on:.1f} s, off {off:.1f} s, ratio on / off {on / off:.2f}")


if __name__ == "__main__":
    main()
