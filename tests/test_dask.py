"""Grading on a real Dask cluster (grader/dask_grading.py, docs/scaling.md).

A `dask scheduler` and two `dask worker` processes of this environment (TCP on
127.0.0.1, one thread each), a fresh database on the PostgreSQL server of
COURSE_TEST_POSTGRES, and the sample class of assignment 1, graded locally with SQLite
for comparison. The tests that need the server are marked ``postgres``: without a
server they are skipped, and fail in CI (CI=true).
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from dask_cluster import Cluster, free_port
from helpers import new_work_area

from grader.autograde import GradingStopped
from grader.dask_grading import CONNECT_TIMEOUT, compare, fingerprint, pack, store
from grader.paths import RELEASE, notebook_name, sqlite_gradebook
from grader.roster import sample_roster, work_of
from grader.work_area import WorkArea

A = "01-leaky-relu"


@pytest.fixture(scope="module")
def postgres():
    server = os.environ.get("COURSE_TEST_POSTGRES")
    if not server:
        message = "needs a PostgreSQL server: set COURSE_TEST_POSTGRES (see .ci/start-postgres)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return server


def submit_sample_class(course: WorkArea) -> list:
    course.generate_assignment(A)
    students = []
    for student, kind in sample_roster():
        course.submit(student, A, work_of(kind, A, course.workdir, course.release_dir).notebook)
        students.append(student)
    return students


def kill_a_worker_while_it_grades(cluster: Cluster, run: subprocess.Popen) -> str:
    """Wait until a worker's submission has its kernel running, kill that worker process
    (SIGKILL, by pid); return the student it was grading."""
    import psutil

    pids = cluster.client.run(os.getpid)  # {worker address: pid of the worker process}
    deadline = time.monotonic() + 600
    while run.poll() is None and time.monotonic() < deadline:
        for pid in pids.values():
            try:
                below = psutil.Process(pid).children(recursive=True)
                # the sandbox's bubblewrap runs in nbgrader's folder for the notebook,
                # autograded/<student>/<assignment> (the grading process is long-lived)
                folders = [Path(p.cwd()).parts for p in below
                           if p.cmdline()[:1] == ["bwrap"] and "ipykernel_launcher" in p.cmdline()]
                student = [f[f.index("autograded") + 1] for f in folders if "autograded" in f[:-1]]
            except psutil.Error:
                continue
            if student:
                os.kill(pid, signal.SIGKILL)
                return student[0]
        time.sleep(0.1)
    raise AssertionError("no worker was seen grading a submission")


@pytest.fixture(scope="module")
def runs(postgres, tmp_path_factory):
    """The sample class graded twice: locally with SQLite (as today), and on a cluster
    of two workers with PostgreSQL, one worker killed in the middle of a submission.
    The cluster run resumes one that a local run graded first (resume across modes);
    one more student's submission holds a symbolic link."""
    work = tmp_path_factory.mktemp("local")
    local = WorkArea(workdir=work, release_dir=work / "release", workers=2,
                     db_url=sqlite_gradebook(work))
    students = submit_sample_class(local)
    local.autograde(A)

    course = new_work_area(tmp_path_factory.mktemp("dask"), postgres)
    submit_sample_class(course)
    linked = course.workdir / "submitted" / "sample-linked" / A
    linked.mkdir(parents=True)
    (linked / notebook_name(A)).symlink_to(course.release_dir / A / notebook_name(A))
    first = course.autograde(A, students=students[:1])  # here, before the cluster

    with Cluster(tmp_path_factory.mktemp("cluster"), workers=2) as cluster:
        env = {**os.environ, "COURSE_GRADEBOOK_URL": course.db_url}
        env.pop("COURSE_DASK_SCHEDULER", None)
        run = subprocess.Popen(
            [sys.executable, "-m", "grader", "autograde", A, "--workdir", str(course.workdir),
             "--resume", "--scheduler", cluster.address],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            killed = kill_a_worker_while_it_grades(cluster, run)
            stdout, stderr = run.communicate(timeout=900)
        finally:
            if run.poll() is None:
                run.kill()
                run.communicate()
    assert run.returncode == 0, stdout + stderr
    return dict(local=local, course=course, students=students, first=first[0],
                killed=killed, stdout=stdout, stderr=stderr)


@pytest.mark.postgres
@pytest.mark.slow
def test_grades_on_the_cluster_equal_a_local_run_cell_by_cell(runs):
    local, course = runs["local"].cell_scores(A), runs["course"].cell_scores(A)
    assert set(local) == set(runs["students"])
    for student in runs["students"]:
        assert course[student] == local[student], student


@pytest.mark.postgres
@pytest.mark.slow
def test_a_killed_worker_loses_nothing_and_counts_nothing_twice(runs):
    course, students = runs["course"], runs["students"]
    assert runs["killed"] in students
    lines = Counter(line.split(":")[0] for line in runs["stdout"].splitlines()
                    if line.split(":")[0] in students + ["sample-linked"])
    assert lines == Counter(students + ["sample-linked"]), runs["stdout"]
    journal = (course.workdir / "progress" / f"{A}.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in journal]
    assert sorted(r["student"] for r in records) == sorted(students + ["sample-linked"])
    assert all(r["status"] == "graded" for r in records if r["student"] in students)
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gb:
        graded = Counter(s.student_id for s in gb.assignment_submissions(A))
    assert graded == Counter(students), graded


@pytest.mark.postgres
@pytest.mark.slow
def test_the_command_shows_progress_the_dashboard_and_each_outcome(runs):
    stdout, stderr, n = runs["stdout"], runs["stderr"], len(runs["students"]) + 1
    assert f"{n}/{n}" in stderr and "failed=1" in stderr and "<" in stderr  # ETA
    assert "2 workers" in stdout and "Dask dashboard: http://127.0.0.1:" in stdout
    assert f"{runs['first'].student}: graded in" in stdout and "(from the journal)" in stdout


@pytest.mark.postgres
@pytest.mark.slow
def test_a_symbolic_link_is_rejected_and_never_sent(runs):
    line = next(x for x in runs["stdout"].splitlines() if x.startswith("sample-linked:"))
    assert "failed" in line and "is a symbolic link, not a regular file" in line
    assert not (runs["course"].workdir / "autograded" / "sample-linked").exists()


@pytest.mark.postgres
@pytest.mark.slow
def test_feedback_is_generated_from_the_returned_files(runs):
    course = runs["course"]
    course.feedback(A)
    for student in runs["students"]:
        assert course.feedback_path(student, A).stat().st_size > 1000, student


@pytest.mark.postgres
@pytest.mark.slow
def test_a_local_resume_keeps_what_the_cluster_graded(runs):
    course = runs["course"]
    folder = course.workdir / "autograded"
    before = {p: p.stat().st_mtime for p in folder.rglob("*.ipynb")}
    start = time.monotonic()
    outcomes = course.autograde(A, resume=True)  # no scheduler: this machine
    assert time.monotonic() - start < 10, "resume graded again"
    assert [o.student for o in outcomes] == sorted(runs["students"] + ["sample-linked"])
    assert {p: p.stat().st_mtime for p in folder.rglob("*.ipynb")} == before


@pytest.mark.postgres
def test_a_sqlite_gradebook_is_refused_before_grading(postgres, tmp_path):
    course = WorkArea(workdir=tmp_path, release_dir=tmp_path / "release")
    course.submit("someone", A, work_of("blank", A, course.workdir, RELEASE).notebook)
    env = {k: v for k, v in os.environ.items() if k != "COURSE_GRADEBOOK_URL"}
    env["COURSE_DASK_SCHEDULER"] = f"tcp://127.0.0.1:{free_port()}"  # never reached
    done = subprocess.run([sys.executable, "-m", "grader", "autograde", A, "--workdir",
                           str(tmp_path)], env=env, capture_output=True, text=True)
    assert done.returncode == 1
    assert "SQLite" in done.stderr and "COURSE_GRADEBOOK_URL=postgresql://" in done.stderr
    assert not (tmp_path / "autograded").exists()


@pytest.mark.postgres
def test_an_unreachable_scheduler_fails_within_seconds(postgres, tmp_path):
    course = new_work_area(tmp_path, postgres, scheduler=f"tcp://127.0.0.1:{free_port()}")
    course.submit("someone", A, work_of("blank", A, course.workdir, RELEASE).notebook)
    start = time.monotonic()
    with pytest.raises(GradingStopped, match="Cannot reach the Dask scheduler"):
        course.autograde(A)
    assert time.monotonic() - start < CONNECT_TIMEOUT + 10


@pytest.mark.postgres
def test_a_worker_without_bubblewrap_refuses_to_grade(postgres, tmp_path):
    course = new_work_area(tmp_path / "course", postgres)
    course.submit("someone", A, work_of("blank", A, course.workdir, RELEASE).notebook)
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # no /usr/bin: no bwrap
    with Cluster(tmp_path / "cluster", workers=1, env=env) as cluster:
        course.scheduler = cluster.address
        with pytest.raises(GradingStopped, match="refuses to grade: bubblewrap") as stopped:
            course.autograde(A)
    assert "--resume" in str(stopped.value)
    assert not (course.workdir / "autograded" / "someone").exists()
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gb:
        assert gb.students == []


# -- the parts, without a cluster ----------------------------------------------------------

def test_files_travel_as_bytes_and_links_and_fifos_are_refused_unopened(tmp_path):
    folder = tmp_path / "submission"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.ipynb").write_text("{}")
    (folder / "sub" / "b.txt").write_bytes(b"\x00\x01")
    (folder / "link.ipynb").symlink_to(tmp_path / "elsewhere")
    (folder / "linked-folder").symlink_to(tmp_path)
    os.mkfifo(folder / "pipe.ipynb")  # opening it would block
    files, refused = pack(folder)
    assert files == {"a.ipynb": b"{}", "sub/b.txt": b"\x00\x01"}
    assert sorted(refused) == [
        "rejected: link.ipynb is a symbolic link, not a regular file",
        "rejected: linked-folder is a symbolic link, not a regular file",
        "rejected: pipe.ipynb is a FIFO, not a regular file"]
    store(files, tmp_path / "copy")
    assert pack(tmp_path / "copy") == (files, [])
    with pytest.raises(ValueError):
        store({"../outside": b""}, tmp_path / "copy")


def test_a_different_course_environment_is_named():
    here = fingerprint(A)
    there = json.loads(json.dumps(here))
    there["packages"]["keras"] = "0.1"
    there["files"]["grader/autograde.py"] = "0"
    here["mnist"], there["mnist"] = True, False
    assert compare(here, here) == []
    assert compare(here, there) == [
        f"keras {here['packages']['keras']} on the instructor's side, 0.1 here",
        "no checked copy of MNIST here, and the sandbox cannot download it "
        "(copy mnist.npz into data/, see data/README.md)",
        "different course files: grader/autograde.py"]
