"""Command line of the grading pipeline.

    python -m grader course      the main job: release every assignment, submit the
                                 sample class, autograde, generate feedback, export
                                 grades to CSV and print the grade table
    python -m grader release     only regenerate notebooks/ from solutions/

Run it through ``make course`` (which also sets up the environment) or with the
course's virtual environment active.
"""

import argparse
import csv
import sys
import time

import nbformat

from grader.pipeline import (
    SAMPLE_CLASS,
    Course,
    NbgraderError,
    assignments,
    manual_cells,
    notebook_name,
    source_notebook,
)
from grader.submissions import answers_from_file, make_submission, reference_answers


def sample_class(course: Course, assignment: str) -> dict:
    """The sample submissions of an assignment: ``{student_id: notebook}``.

    Always the instructor's reference and the untouched release (a student who handed
    in nothing), plus one realistic student per file in grader/sample_class/<assignment>/.
    """
    release = course.release_dir / assignment / notebook_name(assignment)
    source = source_notebook(assignment)
    students = {
        "sample-reference": make_submission(release, reference_answers(source)),
        "sample-blank": nbformat.read(release, as_version=4),
    }
    for path in sorted((SAMPLE_CLASS / assignment).glob("*.py")):
        students[f"sample-{path.stem}"] = make_submission(release, answers_from_file(path))
    return students


def grade_table(course: Course, names: list) -> str:
    """A plain-text table: autograded points per student and assignment, and what each
    student lost, test by test."""
    scores = {a: course.cell_scores(a) for a in names}
    manual = {a: manual_cells(a) for a in names}
    students = sorted({s for per_student in scores.values() for s in per_student})
    width = max([len(s) for s in students] + [7])
    lines = ["Autograded points (written answers are graded by hand in the formgrader):", ""]
    lines.append(f"{'student':{width}}  " + "  ".join(f"{a:>20}" for a in names))
    details = []
    for student in students:
        row = []
        for a in names:
            cells = scores[a].get(student)
            if cells is None:
                row.append(f"{'-':>20}")
                continue
            auto = {k: v for k, v in cells.items() if k not in manual[a]}
            got = sum(s for s, _ in auto.values())
            top = sum(m for _, m in auto.values())
            row.append(f"{got:>9g} / {top:<8g}")
            lost = [f"{k} ({m - s:g})" for k, (s, m) in auto.items() if s < m]
            if lost and student != "sample-blank":
                details.append(f"  {student}, {a}: lost {', '.join(lost)}")
        lines.append(f"{student:{width}}  " + "  ".join(row))
    if details:
        lines += ["", "Points lost, by test cell:"] + details
    return "\n".join(lines)


def run_course(course: Course) -> list:
    """The main job; returns the Outcome of every autograded submission."""
    names = assignments()
    outcomes = []
    for a in names:
        step(f"{a}: release (solutions/ -> {course.release_dir}/)", course.release, a)
        students = sample_class(course, a)
        for student, nb in students.items():
            course.submit(student, a, nb)
        print(f"   submitted: {', '.join(students)}")
        outcomes += step(f"{a}: autograde {len(students)} submissions, "
                         f"{course.workers} at a time", course.autograde, a)
        step(f"{a}: feedback", course.feedback, a)
    grades_csv = course.workdir / "reports" / "grades.csv"
    step("export grades", course.export, grades_csv)
    write_outcomes(outcomes, course.workdir / "reports" / "outcomes.csv")
    print()
    print(grade_table(course, names))
    noted = [o for o in outcomes if o.status != "graded" or o.reasons]
    if noted:
        print("\nSubmissions with problems (graded as they are; the reason is recorded):")
        for o in noted:
            print(f"  {o.student}, {o.assignment}: {o.status}: {'; '.join(o.reasons)}")
    print()
    print(f"Grades CSV:   {grades_csv}")
    print(f"Feedback:     {course.workdir / 'feedback'}/<student>/<assignment>/")
    print(f"Gradebook:    {course.db_url}")
    return outcomes


def write_outcomes(outcomes: list, path) -> None:
    """One row per autograded submission: how grading went and why."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "assignment", "status", "reasons", "seconds"])
        for o in outcomes:
            writer.writerow([o.student, o.assignment, o.status, "; ".join(o.reasons),
                             f"{o.seconds:.1f}"])


def step(title: str, fn, *args):
    print(f"-> {title} ...", flush=True)
    start = time.monotonic()
    result = fn(*args)
    print(f"   done in {time.monotonic() - start:.1f} s", flush=True)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["course", "release"])
    args = parser.parse_args(argv)
    course = Course()
    try:
        if args.command == "course":
            run_course(course)
        else:
            for a in assignments():
                step(f"{a}: release", course.release, a)
    except NbgraderError as exc:
        print(f"\nThe pipeline stopped: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
