"""The long-lived grading process (grader/grading_process.py): one process runs nbgrader
commands one after another; past the time limit, or when it dies, it is killed and the
next command gets a fresh one. (Grading through it: test_class_run.py,
test_attacks_sandbox.py, test_dask.py.)"""

import os
import signal
import threading
import time

import nbgrader

from grader.grading_process import GradingProcess
from grader.paths import GRADER


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
