"""A class through nbgrader's whole workflow: the main job (``make course``).

For every assignment: generate the release, release it to the exchange with a due date,
let each student of a roster (grader/roster.py) fetch it, do their work and submit it,
collect, autograde, generate and release feedback, and let the students fetch it. Then
the grades are exported to CSV, tabled and plotted (grader/class_report.py).
"""

import csv
import time
from datetime import datetime, timedelta, timezone

import nbformat
from nbgrader.exchange.default import (
    ExchangeFetchAssignment,
    ExchangeFetchFeedback,
    ExchangeSubmit,
)

from grader.class_report import grade_table, plot_grade_distribution
from grader.paths import assignments, notebook_name
from grader.roster import class_roster, work_of
from grader.work_area import WorkArea


def hand_in(area: WorkArea, student: str, kind: str, assignment: str, due: datetime) -> None:
    """One student's side: fetch the assignment, do the work, submit it."""
    home = area.workdir / "students" / student
    folder = home / assignment
    if not folder.exists():
        area.as_student(ExchangeFetchAssignment, student, assignment, home)
    work = work_of(kind, assignment, area.workdir, area.release_dir)
    if work.files is not None:
        for path in folder.glob("*.ipynb"):
            path.unlink()
        for name, text in work.files.items():
            (folder / name).write_text(text)
    else:
        nbformat.write(work.notebook, folder / notebook_name(assignment))
    area.as_student(ExchangeSubmit, student, assignment, home)
    if work.late:  # it arrived a day after the due date
        inbound = area.workdir / "exchange" / area.config().CourseDirectory.course_id
        newest = sorted((inbound / "inbound").glob(f"{student}+{assignment}+*"))[-1]
        (newest / "timestamp.txt").write_text(
            (due + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S.%f %Z"))


def run_course(area: WorkArea, roster: list = None, names: list = None) -> list:
    """The main job, for ``names`` (default: every assignment). Returns the Outcome of
    every autograded submission."""
    roster = class_roster() if roster is None else roster
    names = assignments() if names is None else names
    due = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=7)
    outcomes = []
    for a in names:
        step(f"{a}: generate the release (solutions/ -> {area.release_dir}/)",
             area.generate_assignment, a)
        step(f"{a}: release to the exchange, due {due:%Y-%m-%d %H:%M} UTC",
             area.release_assignment, a)
        area.set_due_date(a, due.strftime("%Y-%m-%d %H:%M:%S %Z"))
        step(f"{a}: {len(roster)} students fetch, work and submit",
             lambda a=a: [hand_in(area, s, kind, a, due) for s, kind in roster])
        step(f"{a}: collect", area.collect, a)
        outcomes += step(f"{a}: autograde, {area.workers} submissions at a time",
                         area.autograde, a)
        step(f"{a}: generate feedback", area.feedback, a)
        step(f"{a}: release feedback to the exchange", area.release_feedback, a)
        step(f"{a}: students fetch their feedback", lambda a=a: [
            area.as_student(ExchangeFetchFeedback, s, a, area.workdir / "students" / s)
            for s, _ in roster])
    reports = area.workdir / "reports"
    grades_csv = step("export grades", area.export, reports / "grades.csv")
    write_outcomes(outcomes, reports / "outcomes.csv")
    plot_grade_distribution(area, names, reports / "grade-distribution.png")
    print()
    print(grade_table(area, names))
    noted = [o for o in outcomes if o.status != "graded" or o.reasons]
    if noted:
        print("\nSubmissions with problems (each still has a grade; the reason is recorded):")
        for o in noted:
            print(f"  {o.student}, {o.assignment}: {o.status}: {'; '.join(o.reasons)}")
    print()
    print(f"Grades CSV:         {grades_csv}")
    print(f"Outcomes CSV:       {reports / 'outcomes.csv'}")
    print(f"Grade distribution: {reports / 'grade-distribution.png'}")
    print(f"Feedback:           {area.workdir / 'feedback'}/<student>/<assignment>/")
    print(f"Gradebook:          {area.db_url}")
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
