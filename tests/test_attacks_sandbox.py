"""The kernel's confinement, attacked: real submissions of assignment 1, graded through
the real path (submitted/ -> autograde -> feedback), the grader running as it runs here
(root on these machines and in CI).

One small class graded in one autograde run: a correct submission (the control), a
probe that reports what the kernel holds and can reach, submissions that fill /tmp or
fork without end, and submission folders holding links, a FIFO, a device or too much
data. Each attack must fail, with a recorded reason, and the class must go on.
test_class_run.py covers the rest (loops, crashes, edited cells, the network).
"""

import json
import os
import stat
import uuid
from pathlib import Path

import nbformat
import pytest
from helpers import new_work_area, total

from grader import sandbox
from grader.autograde import FOLDER_SIZE_LIMIT, NOTEBOOK_SIZE_LIMIT
from grader.paths import REPO, notebook_name, source_notebook
from grader.submissions import make_submission, reference_answers

pytestmark = [pytest.mark.slow]  # once: what they prove does not depend on the gradebook's database
AS_ROOT = os.geteuid() == 0
A = "01-leaky-relu"
NB = notebook_name(A)
FULL = 16.0  # assignment 1's autograded points; 3 more are graded by hand


def probe_code(course, secrets: dict) -> str:
    """What the kernel is and holds, what it can read (each of ``secrets``: name ->
    path), see and write."""
    autograded_good = course.workdir / "autograded" / "good" / A / "planted.txt"
    return f'''
import ctypes, json, os, subprocess

probe = {{"uid": os.getuid(), "cwd": os.getcwd(), "env": sorted(os.environ)}}
probe["threads"] = {{name: os.environ.get(name) for name in {sandbox.THREAD_VARIABLES!r}}}
probe.update(line.split(":\\t") for line in open("/proc/self/status").read().splitlines()
             if line.startswith("Cap"))
libc = ctypes.CDLL(None, use_errno=True)
probe["mount(2)"] = libc.mount(b"none", b"/tmp", b"tmpfs", 0, None) == 0
for name, command in [("mount", ["mount", "--bind", "/", "/tmp"]),
                      ("remount in a new user namespace",
                       ["unshare", "-rm", "mount", "-o", "remount,bind,rw", "/usr"])]:
    try:
        probe[name] = subprocess.run(command, capture_output=True).returncode == 0
    except OSError as e:
        probe[name] = type(e).__name__
probe["read"] = {{}}
for name, path in {secrets!r}.items():
    try:
        open(path, "rb").read(1)
        probe["read"][name] = "DONE"
    except Exception as e:
        probe["read"][name] = type(e).__name__
probe["listed"] = {{}}
for path in {[str(REPO.parent), str(REPO), str(Path.home()), "/"]!r}:
    try:
        probe["listed"][path] = sorted(os.listdir(path))
    except Exception as e:
        probe["listed"][path] = type(e).__name__
probe["wrote"] = {{}}
for path in ["{NB}", "feedback.html", "../escape.txt", {str(autograded_good)!r}]:
    try:
        with open(path, "w") as f:
            f.write("planted")
        probe["wrote"][path] = "DONE"
    except Exception as e:
        probe["wrote"][path] = type(e).__name__
print("PROBE " + json.dumps(probe))
'''


FILL_TMP = '''
import os
written = 0
try:
    for part in range(64):  # 64 MiB files: each stays under the file size limit
        with open(f"/tmp/fill-{part}", "wb") as f:
            for _ in range(4):
                f.write(b"x" * 2**24)
                f.flush()
                written += 2**24
except OSError as e:
    print(f"FILLED {written} {e}")
for name in os.listdir("/tmp"):
    if name.startswith("fill-"):
        os.remove(f"/tmp/{name}")
'''

FORK_BOMB = '''
import os, time
children = []
try:
    for _ in range(100_000):
        pid = os.fork()
        if pid == 0:
            time.sleep(120)
            os._exit(0)
        children.append(pid)
except OSError as e:
    print(f"FORKED {len(children)} {e}")
for pid in children:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
'''


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    work = tmp_path_factory.mktemp("attacks")
    course = new_work_area(work, extra_args=[
        "--Execute.timeout=90", "--ExecuteWithTimeLimit.notebook_timeout=180"])
    course.generate_assignment(A)
    release_path = course.release_dir / A / NB
    ref = reference_answers(source_notebook(A))
    good = make_submission(release_path, ref)
    token = uuid.uuid4().hex
    outside = work / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text(f"SECRET {token}")
    home_secret = Path.home() / f".course-sandbox-test-{uuid.uuid4().hex}"
    home_secret.write_text(f"SECRET {token}")
    secrets = {"grader's home": str(home_secret), "solutions": str(source_notebook(A)),
               "other student": str(work / "submitted" / "good" / A / NB),
               "grader config": str(REPO / "grader" / "nbgrader_config.py"),
               "outside file": str(secret), "shadow": "/etc/shadow"}
    if course.db_url.startswith("sqlite"):
        secrets["gradebook"] = str(work / "gradebook.db")

    def code(extra):
        return make_submission(release_path, {"relu": extra + "\n" + ref["relu"]}, ref)

    reads_notes = ('with open("notes.txt") as f:\n    assert f.read() == "my notes"\n'
                   'with open("notes.txt", "a") as f:\n    f.write(" and more")')
    submissions = {
        "good": good,
        "probe": code(probe_code(course, secrets)),
        "hog": code(FILL_TMP + FORK_BOMB),  # one kernel for both: each costs a start
    }
    for student, nb in submissions.items():
        course.submit(student, A, nb)

    def folder(student):
        path = work / "submitted" / student / A
        path.mkdir(parents=True, exist_ok=True)
        nbformat.write(good, path / NB)
        return path

    # Through the exchange, as a student's own folder in its inbound (which the student
    # owns on a real server): an honest one with files beside the notebook, one with a
    # link. Collect must not follow the link.
    inbound = work / "exchange" / course.config().CourseDirectory.course_id / "inbound"
    when = "2026-01-01 00:00:00.000000 UTC"
    for student, extra in [("with-files", {"notes.txt": "my notes",
                                           "extra.html": "<p>not feedback</p>"}),
                           ("link-in-exchange", {"data.txt": secret})]:
        path = inbound / f"{student}+{A}+{when}+{uuid.uuid4().hex[:8]}"
        path.mkdir(parents=True)
        nbformat.write(code(reads_notes) if student == "with-files" else good, path / NB)
        (path / "timestamp.txt").write_text(when)  # both written by nbgrader submit
        (path / "submission_secret.txt").write_text(uuid.uuid4().hex)
        for name, content in extra.items():
            if isinstance(content, Path):
                (path / name).symlink_to(content)
            else:
                (path / name).write_text(content)
    course.collect(A)
    (folder("link-to-outside") / "data.txt").symlink_to(secret)
    (folder("link-to-other-student") / "other").symlink_to(work / "submitted" / "good")
    notebook_link = work / "submitted" / "notebook-link" / A
    notebook_link.mkdir(parents=True)
    (notebook_link / NB).symlink_to(source_notebook(A))
    fifo = work / "submitted" / "fifo" / A
    fifo.mkdir(parents=True)
    os.mkfifo(fifo / NB)
    if AS_ROOT:
        os.mknod(folder("device") / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    with open(folder("big-file") / "weights.bin", "wb") as f:
        f.truncate(FOLDER_SIZE_LIMIT + 1)  # sparse: its size counts, not its blocks
    big = nbformat.from_dict(json.loads(nbformat.writes(good)))
    big.cells.append(nbformat.v4.new_markdown_cell("x" * (NOTEBOOK_SIZE_LIMIT + 1)))
    nbformat.write(big, folder("big-notebook") / NB)
    secret_stat = secret.stat()
    try:
        outcomes = {o.student: o for o in course.autograde(A)}
        course.feedback(A)
        course.release_feedback(A)
    finally:
        home_secret.unlink()
    return course, outcomes, token, secret, secret_stat


def executed(course, student):
    return nbformat.read(course.workdir / "autograded" / student / A / NB, as_version=4)


def printed(course, student, marker):
    """The line that a student's cell printed starting with ``marker``."""
    for cell in executed(course, student).cells:
        for output in cell.get("outputs", []):
            for line in output.get("text", "").splitlines():
                if line.startswith(marker):
                    return line[len(marker):].strip()
    raise AssertionError(f"{student} printed no {marker!r}")


@pytest.fixture(scope="module")
def probe(attacked):
    course = attacked[0]
    return json.loads(printed(course, "probe", "PROBE"))


def test_honest_work_gets_full_marks_and_nothing_to_report(attacked):
    course, outcomes, *_ = attacked
    for student in ("good", "with-files"):
        assert outcomes[student].status == "graded", outcomes[student].log[-2000:]
        assert outcomes[student].reasons == [], outcomes[student].reasons
        assert total(course, A, student) == (FULL, 19.0)


def test_the_kernel_has_no_capabilities_and_cannot_mount(probe):
    for field in ("CapEff", "CapPrm", "CapBnd", "CapAmb", "CapInh"):
        assert int(probe[field], 16) == 0, (field, probe[field])
    assert probe["mount(2)"] is False
    assert probe["mount"] is False
    assert probe["remount in a new user namespace"] is False


@pytest.mark.skipif(not AS_ROOT, reason="the grader is not root here")
def test_a_root_grader_runs_the_kernel_as_an_unprivileged_user(probe):
    assert probe["uid"] != 0
    assert probe["uid"] == sandbox.sandbox_uid()


def test_the_kernel_reads_nothing_of_the_grader(probe, attacked):
    assert set(probe["read"]) >= {"grader's home", "solutions", "other student", "shadow"}
    for name, result in probe["read"].items():
        assert result != "DONE", (name, probe["read"])
    # Nothing of the repository but the course package and data; no other checkout
    # beside it; not the grader's home.
    mnist = {p.absolute().relative_to(REPO.parent).parts[0] for p in sandbox.mnist_paths()
             if p.absolute().is_relative_to(REPO.parent)}  # e.g. ../shared/data/mnist.npz
    assert set(probe["listed"][str(REPO.parent)]) <= {REPO.name, *mnist}
    assert set(probe["listed"][str(REPO)]) <= {"course", "data", ".venv"}
    assert probe["listed"][str(Path.home())] in ("FileNotFoundError", "PermissionError") or \
        set(probe["listed"][str(Path.home())]) <= {".pyenv"}
    assert set(probe["listed"]["/"]) <= {"bin", "sbin", "lib", "lib32", "lib64", "libx32",
                                         "usr", "etc", "sys", "dev", "proc", "tmp", "run",
                                         "home", *{Path(p).parts[1] for p in
                                                   [REPO, *sandbox.python_paths()]}}


def test_the_kernel_gets_a_clean_environment(probe):
    assert "COURSE_GRADEBOOK_URL" not in probe["env"]
    assert not [name for name in probe["env"] if name.startswith(("COURSE_", "JPY_"))]
    assert "NBGRADER_EXECUTION" in probe["env"]


def test_each_kernel_gets_its_share_of_the_cores(probe, attacked):
    """Submissions graded side by side split the cores: each kernel's thread pools
    (OpenMP, TensorFlow) get cores // workers threads, at least one, or the count the
    grader's environment sets (the suite sets one, tests/conftest.py; test_sandbox.py
    checks the share itself)."""
    course, *_ = attacked
    share = str(max(1, len(os.sched_getaffinity(0)) // course.workers))
    assert probe["threads"] == {name: os.environ.get(name) or share
                                for name in sandbox.THREAD_VARIABLES}


def test_what_the_kernel_writes_stays_in_its_scratch_folder(probe, attacked):
    course, *_ = attacked
    assert probe["cwd"] == f"{sandbox.HOME}/{A}"
    autograded = course.workdir / "autograded" / "probe" / A
    assert sorted(p.name for p in autograded.iterdir()) == sorted(
        [NB, "timestamp.txt", "submission_secret.txt"])
    assert "planted" not in (autograded / NB).read_text().split("PROBE")[0]
    assert not (course.workdir / "autograded" / "probe" / "escape.txt").exists()
    assert not (course.workdir / "autograded" / "good" / A / "planted.txt").exists()
    assert sorted(p.name for p in (course.workdir / "feedback" / "probe" / A).iterdir()) == \
        FEEDBACK_FOLDER
    # the student's own file was copied in and changed there, not in the submission
    assert (course.workdir / "submitted" / "with-files" / A / "notes.txt").read_text() == \
        "my notes"


# The notebook's page, and nbgrader's two files that release_feedback reads to name it.
FEEDBACK_FOLDER = sorted([NB.replace(".ipynb", ".html"), "submission_secret.txt",
                          "timestamp.txt"])


def test_only_the_notebooks_feedback_page_is_kept_and_released(attacked):
    course, outcomes, *_ = attacked
    folder = course.workdir / "feedback" / "with-files" / A
    assert sorted(p.name for p in folder.iterdir()) == FEEDBACK_FOLDER
    # one page released per student with feedback, the submission's extra.html not among them
    released = list((course.workdir / "exchange").glob("*/feedback/*.html"))
    with_feedback = [p for p in (course.workdir / "feedback").glob(f"*/{A}/*.html")]
    assert len(released) == len(with_feedback)
    assert not any("not feedback" in p.read_text() for p in released)


REJECTED = {
    "link-in-exchange": "data.txt is a symbolic link",
    "link-to-outside": "data.txt is a symbolic link",
    "link-to-other-student": "other is a symbolic link",
    "notebook-link": f"{NB} is a symbolic link",
    "fifo": f"{NB} is a FIFO",
    "device": "null is a character device",
    "big-file": "over the limit of 100 MB",
    "big-notebook": "over the limit of 10 MB",
}


@pytest.mark.parametrize("student", sorted(REJECTED))
def test_a_folder_holding_more_than_regular_files_is_rejected_with_a_reason(attacked,
                                                                            student):
    if student == "device" and not AS_ROOT:
        pytest.skip("making a device needs root")
    course, outcomes, *_ = attacked
    outcome = outcomes[student]
    assert outcome.status == "failed"
    assert any(REJECTED[student] in r and r.startswith("rejected") for r in outcome.reasons), \
        outcome.reasons
    assert total(course, A, student) == (0.0, 19.0)
    assert not (course.workdir / "autograded" / student).exists()
    if student == "link-in-exchange":
        assert not os.path.lexists(course.workdir / "submitted" / student)
    assert not course.feedback_path(student, A).exists()


def test_nothing_outside_the_students_folder_was_read_or_written(attacked):
    course, _, token, secret, before = attacked
    assert secret.read_text() == f"SECRET {token}"
    assert secret.stat().st_mtime_ns == before.st_mtime_ns
    for path in course.workdir.rglob("*"):
        if path == secret or path.is_symlink() or not path.is_file() or \
                stat.S_ISFIFO(path.lstat().st_mode):
            continue
        assert token not in path.read_text(errors="replace"), path
    assert (course.workdir / "submitted" / "good" / A / "x").exists() is False


def test_filling_tmp_stops_at_its_size_with_a_reason(attacked):
    course, outcomes, *_ = attacked
    written = int(printed(course, "hog", "FILLED").split()[0])
    assert written <= sandbox.TMP_SIZE
    assert outcomes["hog"].status == "graded"
    assert any("filled its disk" in r for r in outcomes["hog"].reasons), outcomes["hog"].reasons
    assert total(course, A, "hog") == (FULL, 19.0)


def test_a_fork_bomb_stops_at_the_process_limit_with_a_reason(attacked):
    course, outcomes, *_ = attacked
    forked = int(printed(course, "hog", "FORKED").split()[0])
    assert forked < sandbox.PROCESS_LIMIT
    assert any("process limit" in r for r in outcomes["hog"].reasons), outcomes["hog"].reasons


def test_the_class_goes_on(attacked):
    course, outcomes, *_ = attacked
    assert len(outcomes) == 4 + len(REJECTED) - (not AS_ROOT)
    assert all(o.status in ("graded", "failed") for o in outcomes.values())
