"""Command line of the grading pipeline.

    python -m grader course      the main job: a simulated class of 30 goes through
                                 nbgrader's whole workflow for every assignment (release,
                                 fetch and submit through the exchange, collect,
                                 autograde, feedback, release feedback), then grades are
                                 exported to CSV, tabled and plotted
    python -m grader sample      the same with the small sample class (quicker)
    python -m grader release     only regenerate notebooks/ from solutions/
    python -m grader autograde A [--resume] [--workdir DIR] [--workers N]
                                 [--scheduler tcp://HOST:8786]
                                 autograde every submission of assignment A in parallel,
                                 each in the sandbox, with its outcome; --resume keeps
                                 what an interrupted run already graded; --scheduler (or
                                 COURSE_DASK_SCHEDULER) grades on a Dask cluster instead
                                 of this machine (docs/scaling.md)
    python -m grader kit [--output DIR] [--wheel-url URL]
                                 the student kit (default: kit/), built from the release:
                                 notebooks, the course package as a wheel, a README and
                                 install files; URL is where the wheel will be published
                                 (Colab installs it from there) (grader/kit.py)
    python -m grader lab [OPTIONS]
                                 JupyterLab on the course with nbgrader's extensions:
                                 releases what is missing to the exchange first, then
                                 passes OPTIONS on to `jupyter lab` (grader/lab.py)
    python -m grader hub         (as root) JupyterHub for the course with real Unix
                                 accounts: sets the machine up, then runs the hub
                                 (grader/hub/, docs/jupyterhub.md)

Run it through ``make course`` (which also sets up the environment) or with the
course's virtual environment active.
"""

import argparse
import csv
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
from nbgrader.exchange.default import (
    ExchangeFetchAssignment,
    ExchangeFetchFeedback,
    ExchangeSubmit,
)

from grader.autograde import GradingStopped
from grader.pipeline import (
    GRADER,
    Course,
    NbgraderError,
    assignments,
    notebook_name,
)
from grader.report import plot_grade_distribution
from grader.roster import class_roster, sample_roster, work_of

DEMO = GRADER / "demo"


def hand_in(course: Course, student: str, kind: str, assignment: str, due: datetime) -> None:
    """One student's side: fetch the assignment, do the work, submit it."""
    home = course.workdir / "students" / student
    folder = home / assignment
    if not folder.exists():
        course.as_student(ExchangeFetchAssignment, student, assignment, home)
    work = work_of(kind, assignment, course.release_dir)
    if work.files is not None:
        for path in folder.glob("*.ipynb"):
            path.unlink()
        for name, text in work.files.items():
            (folder / name).write_text(text)
    else:
        nbformat.write(work.notebook, folder / notebook_name(assignment))
    course.as_student(ExchangeSubmit, student, assignment, home)
    if work.late:  # it arrived a day after the due date
        inbound = course.workdir / "exchange" / course.config().CourseDirectory.course_id
        newest = sorted((inbound / "inbound").glob(f"{student}+{assignment}+*"))[-1]
        (newest / "timestamp.txt").write_text(
            (due + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S.%f %Z"))


def grade_table(course: Course, names: list) -> str:
    """Autograded points per student and assignment, and what each lost, test by test."""
    scores = {a: course.autograded_scores(a) for a in names}
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
            got = sum(s for s, _ in cells.values())
            top = sum(m for _, m in cells.values())
            row.append(f"{got:>9g} / {top:<8g}")
            lost = [f"{k} ({m - s:g})" for k, (s, m) in cells.items() if s < m]
            if lost and 0 < got:
                details.append(f"  {student}, {a}: lost {', '.join(lost)}")
        lines.append(f"{student:{width}}  " + "  ".join(row))
    if details:
        lines += ["", "Points lost, by test cell (students with some points):"] + details
    return "\n".join(lines)


def run_course(course: Course, roster: list = None, names: list = None) -> list:
    """The main job, for ``names`` (default: every assignment). Returns the Outcome of
    every autograded submission."""
    roster = class_roster() if roster is None else roster
    names = assignments() if names is None else names
    due = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=7)
    outcomes = []
    for a in names:
        step(f"{a}: generate the release (solutions/ -> {course.release_dir}/)",
             course.release, a)
        step(f"{a}: release to the exchange, due {due:%Y-%m-%d %H:%M} UTC",
             course.release_assignment, a)
        course.set_due_date(a, due.strftime("%Y-%m-%d %H:%M:%S %Z"))
        step(f"{a}: {len(roster)} students fetch, work and submit",
             lambda a=a: [hand_in(course, s, kind, a, due) for s, kind in roster])
        step(f"{a}: collect", course.collect, a)
        outcomes += step(f"{a}: autograde, {course.workers} submissions at a time",
                         course.autograde, a)
        step(f"{a}: generate feedback", course.feedback, a)
        step(f"{a}: release feedback to the exchange", course.release_feedback, a)
        step(f"{a}: students fetch their feedback", lambda a=a: [
            course.as_student(ExchangeFetchFeedback, s, a, course.workdir / "students" / s)
            for s, _ in roster])
    reports = course.workdir / "reports"
    grades_csv = step("export grades", course.export, reports / "grades.csv")
    write_outcomes(outcomes, reports / "outcomes.csv")
    plot_grade_distribution(course, names, reports / "grade-distribution.png")
    print()
    print(grade_table(course, names))
    noted = [o for o in outcomes if o.status != "graded" or o.reasons]
    if noted:
        print("\nSubmissions with problems (each still has a grade; the reason is recorded):")
        for o in noted:
            print(f"  {o.student}, {o.assignment}: {o.status}: {'; '.join(o.reasons)}")
    print()
    print(f"Grades CSV:         {grades_csv}")
    print(f"Outcomes CSV:       {reports / 'outcomes.csv'}")
    print(f"Grade distribution: {reports / 'grade-distribution.png'}")
    print(f"Feedback:           {course.workdir / 'feedback'}/<student>/<assignment>/")
    print(f"Gradebook:          {course.db_url}")
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
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["lab"]:  # the rest of the line is JupyterLab's
        from grader import lab

        return lab.main(argv[1:])
    if argv == ["hub"]:
        from grader.hub import machine

        return machine.main(argv[1:])
    parser.add_argument("command", choices=["course", "sample", "release", "autograde", "kit"])
    parser.add_argument("assignment", nargs="?", help="for autograde: the assignment")
    parser.add_argument("--resume", action="store_true",
                        help="autograde: keep what is already autograded (after an interruption)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="autograde: the grading work area (default: grader/)")
    parser.add_argument("--workers", type=int, default=0,
                        help="autograde: submissions graded at a time (default: CPU count)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="autograde: grade on the Dask cluster of this scheduler "
                             "(default: COURSE_DASK_SCHEDULER; unset: on this machine)")
    parser.add_argument("--output", type=Path, default=None,
                        help="kit: the folder to build the student kit in (default: kit/)")
    parser.add_argument("--wheel-url", default="",
                        help="kit: where the course wheel will be published (a course web "
                        "page); the notebooks install it from there when opened in Colab")
    args = parser.parse_args(argv)
    if args.command == "kit":
        from grader import kit

        return kit.main(args.output or kit.KIT, args.wheel_url)
    try:
        if args.command == "autograde":
            if not args.assignment:
                parser.error("autograde needs an assignment, e.g. 01-leaky-relu")
            course = Course(workdir=args.workdir or GRADER, workers=args.workers,
                            scheduler=args.scheduler)
            course.autograde(args.assignment, resume=args.resume, progress=True)
        elif args.command == "release":
            for a in assignments():
                step(f"{a}: release", Course().release, a)
        else:
            # The simulated class has a work area of its own, so that it never mixes with
            # (or wipes) a real class graded in grader/. Each run starts it afresh.
            course = Course(workdir=DEMO)
            course.clean()
            run_course(course, class_roster() if args.command == "course" else sample_roster())
    except (NbgraderError, GradingStopped) as exc:
        print(f"\nThe pipeline stopped: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
