"""The long-lived grading process (grader/grading_process.py): one process runs nbgrader
commands one after another; past the time limit, or when it dies, it is killed and the
next command gets a fresh one. (Grading through it: test_class_run.py,
test_attacks_sandbox.py, test_dask.py.) And the SQLite gradebook that processes grading
side by side share."""

import os
import signal
import sqlite3
import threading
import time

import nbgrader

from grader.grading_process import GradingProcess
from grader.paths import GRADER, sqlite_gradebook
from grader.work_area import WorkArea


def run(process, timeout=120):
    return process.run(["--version"], cwd=GRADER, env=dict(os.environ), timeout=timeout)


def test_commands_run_one_after_another_in_one_process():
    process = GradingProcess()
    try:
        first = run(process)
        pid = process.proc.pid
        second = run(process)
        assert process.proc.pid == pid
        for done in (first, second):
            assert done.returncode == 0, done.stdout
            assert nbgrader.__version__ in done.stdout
    finally:
        process.close()
    assert process.proc is None


def test_past_the_time_limit_it_is_killed_and_the_next_command_gets_a_new_one():
    process = GradingProcess()
    try:
        assert run(process, timeout=0.01) is None  # still importing nbgrader
        assert process.proc is None  # killed and reaped
        assert run(process).returncode == 0
    finally:
        process.close()


def test_a_process_that_dies_while_it_runs_a_command_fails_that_command_only():
    process = GradingProcess()
    try:
        process._start()
        pid = process.proc.pid
        killer = threading.Timer(0.5, os.kill, (pid, signal.SIGKILL))
        killer.start()
        start = time.monotonic()
        done = run(process)
        killer.join()
        assert done.returncode != 0 and "the grading process died" in done.stdout
        assert time.monotonic() - start < 60
        again = run(process)
        assert again.returncode == 0 and process.proc.pid != pid
    finally:
        process.close()


def test_a_sqlite_gradebook_waits_for_a_write_longer_than_pythons_default(tmp_path):
    """Submissions graded side by side each write their grades to the one SQLite file.
    A connection waits for another's write to end, here 6 s, longer than the 5 s after
    which Python's sqlite3 gives up with "database is locked" (on a loaded machine a
    submission failed that way, and the class run stopped)."""
    area = WorkArea(workdir=tmp_path, db_url=sqlite_gradebook(tmp_path))
    with area.gradebook() as gb:
        gb.update_or_create_student("first")
    writer = sqlite3.connect(tmp_path / "gradebook.db", check_same_thread=False)
    writer.execute("BEGIN EXCLUSIVE")  # another process writing: nobody else may read
    threading.Timer(6, writer.rollback).start()
    start = time.monotonic()
    with area.gradebook() as gb:
        gb.update_or_create_student("second")
        assert sorted(s.id for s in gb.students) == ["first", "second"]
    assert time.monotonic() - start > 5.5
    writer.close()
