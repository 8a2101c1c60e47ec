"""Bad submissions: each gets a grade and a recorded reason, and the class goes on.

One autograde run of a small class in a temporary work area, with short time limits so
that endless loops cost seconds: every case below is a student of that class, next to a
correct one that must still get full marks.
"""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import nbformat
import pytest
from conftest import new_course

from grader.pipeline import notebook_name, source_notebook
from grader.submissions import make_submission, reference_answers

pytestmark = [pytest.mark.slow, pytest.mark.gradebook]
A = "01-leaky-relu"
NB = notebook_name(A)
FULL = 16.0


def with_cells(notebook, change):
    """A copy of ``notebook`` with ``change(cells)`` applied to its cell list."""
    nb = nbformat.from_dict(json.loads(nbformat.writes(notebook)))
    nb.cells = change(list(nb.cells))
    return nb


def cell_index(nb, grade_id):
    return next(i for i, c in enumerate(nb.cells)
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


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


def spy_code(course, port):
    """A correct relu, plus code that tries everything a submission must not do and
    prints what happened."""
    return f'''
import os, socket, urllib.request

def relu(x):
    return np.maximum(np.asarray(x, dtype=float), 0.0)

attempts = {{}}
for name, path in [("solutions", {str(source_notebook(A))!r}),
                   ("gradebook", {str(course.workdir / "gradebook.db")!r})]:
    try:
        open(path, "rb").read(10)
        attempts["read " + name] = "DONE"
    except Exception as e:
        attempts["read " + name] = type(e).__name__
for name, path in [("other student", {str(course.workdir / "submitted" / "good" / A / "x")!r}),
                   ("gradebook", {str(course.workdir / "gradebook.db")!r})]:
    try:
        with open(path, "ab") as f:
            f.write(b"x")
        attempts["write " + name] = "DONE"
    except Exception as e:
        attempts["write " + name] = type(e).__name__
try:
    urllib.request.urlopen("http://127.0.0.1:{port}/", timeout=3).read()
    attempts["network"] = "DONE"
except Exception as e:
    attempts["network"] = type(e).__name__
print("ATTEMPTS", sorted(attempts.items()))
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory, server):
    work = tmp_path_factory.mktemp("bad")
    course = new_course(work, extra_args=[
        "--Execute.timeout=20", "--ExecuteWithTimeLimit.notebook_timeout=40"])
    course.release(A)
    release_path = course.release_dir / A / NB
    release = nbformat.read(release_path, as_version=4)
    ref = reference_answers(source_notebook(A))
    good = make_submission(release_path, ref)

    def code(relu_source):
        return make_submission(release_path, {"relu": relu_source}, ref)

    def first_test(cells):
        return cell_index(good, "test_relu_values")

    submissions = {
        "good": good,
        "syntax-error": code("def relu(x)\n    return np.maximum(x, 0)"),
        "import-error": code("import a_module_that_does_not_exist\n" + ref["relu"]),
        "loop-in-function": code("def relu(x):\n    while True:\n        pass"),
        "loop-at-top-level": code("while True:\n    pass"),
        "exits": code("import os\nos._exit(3)"),
        "segfault": code("import ctypes\nctypes.string_at(0)"),
        "memory-hog": code("hog = [bytearray(1024**3) for _ in range(12)]\n" + ref["relu"]),
        "megabytes-of-output": code('print("x" * 5_000_000)\n' + ref["relu"]),
        "edited-test": with_cells(good, lambda cells: [
            nbformat.v4.new_code_cell("pass", metadata=c.metadata) if i == first_test(cells)
            else c for i, c in enumerate(cells)]),
        "deleted-test": with_cells(good, lambda cells: [
            c for i, c in enumerate(cells) if i != first_test(cells)]),
        "reordered-tests": with_cells(good, lambda cells: (
            cells[:first_test(cells)] + [cells[first_test(cells) + 1], cells[first_test(cells)]]
            + cells[first_test(cells) + 2:])),
        "duplicated-test": with_cells(good, lambda cells: (
            cells[:first_test(cells) + 1] + [cells[first_test(cells)]]
            + cells[first_test(cells) + 1:])),
        "edited-metadata": with_cells(good, lambda cells: [
            nbformat.from_dict({**c, "metadata": {"nbgrader": {
                **c.metadata["nbgrader"], "points": 100}}}) if i == first_test(cells) else c
            for i, c in enumerate(cells)]),
        "other-assignment": nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
            "def dead_unit_fraction(a):\n    return 0.0", metadata={"nbgrader": {
                "grade": False, "solution": True, "locked": False, "schema_version": 3,
                "grade_id": "dead_unit_fraction", "task": False}})]),
        "spy": code(spy_code(course, server)),
    }
    for student, nb in submissions.items():
        course.submit(student, A, nb)
    for student, filename, text in [("not-json", NB, "{this is not json"),
                                    ("renamed", "my-notebook.ipynb", nbformat.writes(good)),
                                    ("late", NB, nbformat.writes(good))]:
        folder = work / "submitted" / student / A
        folder.mkdir(parents=True)
        (folder / filename).write_text(text)
    (work / "submitted" / "late" / A / "timestamp.txt").write_text("2030-01-02 10:00:00 UTC")
    course.nbgrader("db", "assignment", "add", A, "--duedate=2030-01-01 00:00:00 UTC")
    (work / "submitted" / "empty" / A).mkdir(parents=True)
    outcomes = {o.student: o for o in course.autograde(A)}
    course.feedback(A)
    course.export(work / "grades.csv")
    return course, outcomes, release


def total(course, student):
    """(score, max score) in the gradebook; a submission nbgrader never recorded (no
    notebook at all) counts as (0, 19), which is also what `nbgrader export` writes."""
    cells = course.cell_scores(A).get(student)
    if cells is None:
        return 0.0, 19.0
    return sum(s for s, _ in cells.values()), sum(m for _, m in cells.values())


EXPECTED = {
    # student: (status, total autograded score or None for "less than full", reason part)
    "good": ("graded", FULL, None),
    "syntax-error": ("graded", None, None),
    "import-error": ("graded", None, None),
    "loop-in-function": ("graded", None, "ran out of time"),
    "loop-at-top-level": ("graded", None, "time limit per cell"),
    "exits": ("failed", 0.0, "kernel died"),
    "segfault": ("failed", 0.0, "kernel died"),
    "memory-hog": ("graded", None, None),
    "megabytes-of-output": ("graded", FULL, None),
    "edited-test": ("graded", FULL, "locked cells were edited"),
    "deleted-test": ("graded", FULL, "test cells were deleted and put back"),
    "reordered-tests": ("graded", FULL, "reordered"),
    "duplicated-test": ("graded", FULL, "duplicated"),
    "edited-metadata": ("graded", FULL, "metadata was edited"),
    "other-assignment": ("failed", 0.0, "not the notebook of this assignment"),
    "spy": ("graded", FULL, None),
    "not-json": ("failed", 0.0, "not a valid notebook"),
    "renamed": ("failed", 0.0, "missing"),
    "empty": ("failed", 0.0, "no notebook was submitted"),
    "late": ("graded", FULL, "late"),
}


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_bad_submission_gets_a_grade_and_a_reason(graded, student):
    course, outcomes, _ = graded
    status, score, reason = EXPECTED[student]
    outcome = outcomes[student]
    assert outcome.status == status, (outcome.status, outcome.reasons, outcome.log[-2000:])
    got, top = total(course, student)
    assert top == 19.0, "the maximum must not change, whatever the submission did"
    if score is None:
        assert 0 < got < FULL or got == 0, got
        assert got < FULL
    else:
        assert got == score, (got, outcome.reasons)
    if reason:
        assert any(reason in r for r in outcome.reasons), outcome.reasons


def test_a_correct_submission_has_nothing_to_report(graded):
    _, outcomes, _ = graded
    assert outcomes["good"].reasons == []


def test_endless_loops_are_stopped_within_the_limits(graded):
    _, outcomes, _ = graded
    for student in ("loop-in-function", "loop-at-top-level"):
        assert outcomes[student].seconds < 90, outcomes[student].seconds


def test_output_is_cut_to_a_readable_size(graded):
    course, _, _ = graded
    path = course.workdir / "autograded" / "megabytes-of-output" / A / NB
    assert path.stat().st_size < 1_000_000
    assert "more characters cut by the grader" in path.read_text()


def test_student_code_cannot_read_write_or_reach_what_it_must_not(graded):
    course, _, _ = graded
    text = (course.workdir / "autograded" / "spy" / A / NB).read_text()
    line = next(ln for ln in text.split("\\n") if "ATTEMPTS" in ln)
    for attempt in ("read solutions", "read gradebook", "write other student", "network"):
        assert f"('{attempt}', 'DONE')" not in line, line
        assert f"('{attempt}', '" in line, line
    # Writing at the gradebook's path may "succeed" inside the sandbox: it lands in the
    # sandbox's own empty folder, which vanishes with it. The real files stay untouched.
    assert "('write gradebook', '" in line, line
    assert not (course.workdir / "submitted" / "good" / A / "x").exists()
    if course.db_url.startswith("sqlite"):
        assert not (course.workdir / "gradebook.db").read_bytes().endswith(b"x")


def test_the_grader_itself_can_reach_the_test_server(server):
    """The sandbox test above proves something only if the server is reachable."""
    with socket.create_connection(("127.0.0.1", server), timeout=3):
        pass


def test_every_student_gets_feedback_or_a_recorded_failure(graded):
    course, outcomes, _ = graded
    for student, outcome in outcomes.items():
        has_feedback = course.feedback_path(student, A).exists()
        assert has_feedback or outcome.status == "failed", student


def test_export_has_a_score_for_every_student_even_unrecorded_ones(graded):
    from grader.pipeline import read_grades_csv

    course, outcomes, _ = graded
    rows = {r["student_id"]: r for r in read_grades_csv(course.workdir / "grades.csv")}
    assert set(outcomes) <= set(rows)
    assert float(rows["empty"]["score"]) == 0.0
    assert float(rows["good"]["score"]) == FULL
