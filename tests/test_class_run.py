"""A class through nbgrader's whole workflow, with every kind of bad submission in it.

One run of the main job's code (`run_course`) on assignment 1 in a temporary work area:
a correct student, a blank one and one student of every kind in grader/bad_submissions.py
fetch, work and submit through the exchange; the class is collected, autograded with
short time limits (so that endless loops cost seconds), given feedback, and exported.
Each bad submission must get a grade and a recorded reason while the class goes on.
"""

import io
import socket
import threading
from contextlib import redirect_stdout
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from helpers import new_work_area, total

from grader import bad_submissions
from grader.class_report import BINS, autograded_percentages, plot_grade_distribution
from grader.class_run import run_course
from grader.paths import RELEASE, notebook_name, source_notebook, sqlite_gradebook
from grader.roster import BAD_KINDS, class_roster, sample_roster, work_of
from grader.submissions import make_submission, reference_answers
from grader.work_area import WorkArea, read_grades_csv

A = "01-leaky-relu"
NB = notebook_name(A)
FULL = 16.0  # assignment 1's autograded points; 3 more are graded by hand


def test_class_roster_has_thirty_students_and_every_kind_of_trouble():
    roster = class_roster(30)
    ids = [s for s, _ in roster]
    kinds = [k for _, k in roster]
    assert len(roster) == 30 and len(set(ids)) == 30
    for kind in [*BAD_KINDS, "blank", "reference"]:
        assert kind in kinds, kind
    assert sum(k.startswith("sample:") for k in kinds) >= 4


@pytest.mark.parametrize("kind", sorted({k for _, k in class_roster(30) + sample_roster()}))
def test_every_kind_of_student_hands_in_something(kind, tmp_path):
    work = work_of(kind, A, tmp_path, RELEASE)
    assert (work.notebook is None) != (work.files is None)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"reachable")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    """A web server on this machine's loopback: the grader can reach it, student code
    in the sandbox must not."""
    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()


@pytest.fixture(scope="module")
def class_run(tmp_path_factory, server):
    """The main job's code on assignment 1: a correct and a blank student, and one of
    every bad kind (SQLite, so that the spy has a gradebook file to attack)."""
    work = tmp_path_factory.mktemp("class")
    area = WorkArea(workdir=work, release_dir=work / "release",
                    db_url=sqlite_gradebook(work),
                    extra_args=["--Execute.timeout=10",
                                "--ExecuteWithTimeLimit.notebook_timeout=20"])
    roster = [("good", "reference"), ("blank", "blank")] + [(k, k) for k in BAD_KINDS]
    log = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(log):
        patch.setattr(bad_submissions, "PROBE_URL", f"http://127.0.0.1:{server}/")
        outcomes = run_course(area, roster, names=[A])
    return area, {o.student: o for o in outcomes}, log.getvalue()


EXPECTED = {
    # student: (status, total autograded score or None for "less than full", reason part)
    "good": ("graded", FULL, None),
    "blank": ("graded", 0.0, None),
    "syntax-error": ("graded", None, None),
    "import-error": ("graded", None, None),
    "loop-in-function": ("graded", None, "ran out of time"),
    "endless-loop": ("graded", FULL, "time limit per cell"),  # interrupted; the rest runs
    "kernel-dies": ("failed", 0.0, "kernel died"),
    "segfault": ("failed", 0.0, "kernel died"),
    "memory-hog": ("graded", None, None),
    "megabytes-of-output": ("graded", FULL, None),
    "edited-tests": ("graded", FULL, "locked cells were edited"),
    "deleted-test": ("graded", FULL, "test cells were deleted and put back"),
    "reordered-tests": ("graded", FULL, "reordered"),
    "duplicated-test": ("graded", FULL, "duplicated"),
    "edited-metadata": ("graded", FULL, "metadata was edited"),
    "tests-tagged-demo": ("graded", None, None),  # its tests run all the same
    "other-assignment": ("failed", 0.0, "not the notebook of this assignment"),
    "spy": ("graded", FULL, None),
    "not-json": ("failed", 0.0, "not a valid notebook"),
    "renamed": ("failed", 0.0, "missing"),
    "empty": ("failed", 0.0, "no notebook was submitted"),
    "late": ("graded", FULL, "late"),
}


def test_the_expectations_cover_every_kind_of_trouble():
    assert set(EXPECTED) == {"good", "blank", *BAD_KINDS}


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_bad_submission_gets_a_grade_and_a_reason(class_run, student):
    area, outcomes, _ = class_run
    status, score, reason = EXPECTED[student]
    outcome = outcomes[student]
    assert outcome.status == status, (outcome.status, outcome.reasons, outcome.log[-2000:])
    got, top = total(area, A, student)
    assert top == 19.0, "the maximum must not change, whatever the submission did"
    if score is None:
        assert got < FULL, got
    else:
        assert got == score, (got, outcome.reasons)
    if reason:
        assert any(reason in r for r in outcome.reasons), (outcome.reasons,
                                                            outcome.log[-3000:])


@pytest.mark.slow
def test_a_correct_submission_has_nothing_to_report(class_run):
    _, outcomes, _ = class_run
    assert outcomes["good"].reasons == []


@pytest.mark.slow
def test_endless_loops_are_stopped_within_the_limits(class_run):
    _, outcomes, _ = class_run
    for student in ("loop-in-function", "endless-loop"):
        assert outcomes[student].seconds < 90, outcomes[student].seconds


@pytest.mark.slow
def test_output_is_cut_to_a_readable_size(class_run):
    area, _, _ = class_run
    path = area.workdir / "autograded" / "megabytes-of-output" / A / NB
    assert path.stat().st_size < 1_000_000
    assert "more characters cut by the grader" in path.read_text()


@pytest.mark.slow
def test_student_code_cannot_read_write_or_reach_what_it_must_not(class_run):
    area, _, _ = class_run
    text = (area.workdir / "autograded" / "spy" / A / NB).read_text()
    line = next(ln for ln in text.split("\\n") if "sandbox check:" in ln)
    for attempt in ("read the solutions", "read the gradebook",
                    "write beside the submissions", "reach the network"):
        assert f"('{attempt}', '" in line, line
        assert f"('{attempt}', 'DONE')" not in line, line
    # Writing at the gradebook's path may "succeed" inside the sandbox: it lands in the
    # sandbox's own empty folder, which vanishes with it. The real files stay untouched.
    assert "('write the gradebook', '" in line, line
    assert not (area.workdir / "submitted" / "spy-was-here").exists()
    assert not (area.workdir / "gradebook.db").read_bytes().endswith(b"x")


def test_the_grader_itself_can_reach_the_test_server(server):
    """The sandbox test above proves something only if the server is reachable."""
    with socket.create_connection(("127.0.0.1", server), timeout=3):
        pass


@pytest.mark.slow
def test_everyone_is_collected_graded_and_exported(class_run):
    area, outcomes, log = class_run
    rows = {r["student_id"]: r for r in read_grades_csv(area.workdir / "reports" / "grades.csv")}
    assert set(rows) == set(EXPECTED) == set(outcomes)
    for student, (_, score, _) in EXPECTED.items():
        if score is not None:
            assert float(rows[student]["score"]) == score, student
    assert "Submissions with problems" in log


@pytest.mark.slow
def test_late_work_keeps_its_points_and_the_grader_is_told(class_run):
    area, _, _ = class_run
    rows = {r["student_id"]: r for r in read_grades_csv(area.workdir / "reports" / "grades.csv")}
    assert float(rows["late"]["score"]) == FULL
    assert rows["late"]["late_submission_penalty"] in ("0.0", "0", "")


@pytest.mark.slow
def test_students_fetch_their_own_feedback_through_the_exchange(class_run):
    area, outcomes, _ = class_run
    for student, outcome in outcomes.items():
        fetched = list((area.workdir / "students" / student / A / "feedback").glob("*/*.html"))
        if outcome.status == "graded":
            assert len(fetched) == 1, (student, fetched)
            assert fetched[0].read_text() == area.feedback_path(student, A).read_text()
        else:
            assert fetched == [], student


@pytest.mark.slow
def test_grade_distribution_plot_counts_every_graded_student(class_run, tmp_path):
    area, _, _ = class_run
    fig = plot_grade_distribution(area, [A], tmp_path / "dist.png")
    assert (tmp_path / "dist.png").stat().st_size > 1000
    heights = [patch.get_height() for patch in fig.axes[0].patches]
    percentages = autograded_percentages(area, A)
    assert sum(heights) == len(percentages)
    full = sum(1 for _, score, _ in EXPECTED.values() if score == FULL)
    assert heights[-1] == full
    assert len(heights) == len(BINS) - 1


@pytest.mark.slow
def test_an_interrupted_autograde_resumes_without_losing_or_redoing_a_grade(tmp_path):
    """On PostgreSQL when COURSE_TEST_POSTGRES names a server (the grading process is
    killed with its open connection), else SQLite; then feedback and export."""
    import os
    import signal
    import subprocess
    import sys
    import time

    area = new_work_area(tmp_path, os.environ.get("COURSE_TEST_POSTGRES"))
    area.generate_assignment(A)
    release = area.release_dir / A / NB
    reference = make_submission(release, reference_answers(source_notebook(A)))
    students = ["a-first", "b-second", "c-third", "d-fourth"]
    for student in students:
        area.submit(student, A, reference)
    env = {**os.environ, "COURSE_GRADEBOOK_URL": area.db_url}
    run = subprocess.Popen(
        [sys.executable, "-m", "grader", "autograde", A, "--workdir", str(area.workdir),
         "--workers", "1"], env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first = area.workdir / "autograded" / "a-first" / A / NB
    journal = area.workdir / "progress" / f"{A}.jsonl"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not (
            journal.exists() and "a-first" in journal.read_text()):
        time.sleep(0.2)
    os.killpg(run.pid, signal.SIGKILL)  # interrupted in the middle of the class
    run.wait()
    assert first.exists(), "the first submission was never graded"
    graded_before = first.stat().st_mtime
    assert not (area.workdir / "autograded" / "d-fourth" / A).exists()

    outcomes = area.autograde(A, resume=True)
    assert [o.status for o in outcomes] == ["graded"] * 4, [
        (o.student, o.reasons, o.log[-1500:]) for o in outcomes if o.status != "graded"]
    assert first.stat().st_mtime == graded_before, "resume regraded finished work"
    scores = area.autograded_scores(A)
    for student in students:
        assert sum(s for s, _ in scores[student].values()) == FULL, student
    area.feedback(A)
    rows = read_grades_csv(area.export(tmp_path / "grades.csv"))
    assert {r["student_id"]: float(r["score"]) for r in rows} == dict.fromkeys(students, FULL)
    assert all(area.feedback_path(s, A).exists() for s in students)
