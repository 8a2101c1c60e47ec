"""One long-lived nbgrader process per grading thread, instead of one per submission.

Starting ``nbgrader`` costs several core-seconds before it grades anything (Python, then
nbgrader's imports: nbconvert, SQLAlchemy, jsonschema's format checkers, ...), as much
as grading a small notebook (benchmarks/grading_cost.py measures it). Here each grading
thread (a worker of ``python -m grader autograde``, a thread of a Dask worker) keeps one
child process, ``python -m grader.grading_process``, which runs ``nbgrader autograde``
in-process for one submission after another, the way nbgrader's own test suite runs its
apps in-process (``NbGraderApp.instance()``, ``initialize``, ``start``, ``reset``).
A work area's other commands (generate, release, collect, feedback, export) run the same
way, in a process of the thread that asks (``WorkArea.nbgrader``).

What stays as it was with one process per submission:

- each submission gets a fresh kernel in the sandbox (nbgrader starts one per notebook;
  nothing of a kernel is reused), with the environment of that submission only (its
  cgroup, its private ipc folder), and a fresh nbgrader app: configuration read again
  from grader/nbgrader_config.py, new gradebook sessions, logging handlers removed;
- the log (everything nbgrader and the kernel write to stdout and stderr) comes back
  with the exit status, so grader/autograde.py reads the same reasons from it;
- a submission that runs past the time limit is stopped by killing the whole process
  (and with it the kernel); a process that dies is replaced: the next submission gets
  a fresh one, and the one that was being graded fails with the log it left.

``COURSE_GRADING_PROCESS=per-submission`` goes back to one ``nbgrader`` process per
submission (benchmarks/grading_cost.py compares the two).
"""

import gc
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

MODE_VARIABLE = "COURSE_GRADING_PROCESS"
MODES = ("long-lived", "per-submission")


def mode() -> str:
    """How submissions are graded: ``long-lived`` (default) or ``per-submission``."""
    value = os.environ.get(MODE_VARIABLE) or MODES[0]
    if value not in MODES:
        raise ValueError(f"{MODE_VARIABLE}={value!r}: use one of {', '.join(MODES)}")
    return value


class GradingProcess:
    """A child that runs nbgrader commands in-process, one at a time."""

    def __init__(self):
        self.proc = None

    def run(self, args, *, cwd, env, timeout):
        """Run ``nbgrader *args`` in the child with ``cwd`` and ``env`` (its whole
        environment); the completed process (its log in ``stdout``), or None when it ran
        past ``timeout`` seconds (the child, and its kernel, are then killed)."""
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        with tempfile.NamedTemporaryFile("r", prefix="course-grading-", suffix=".log",
                                         errors="replace") as log:
            job = {"args": list(args), "cwd": str(cwd), "env": env, "log": log.name}
            try:
                self.proc.stdin.write(json.dumps(job) + "\n")
                self.proc.stdin.flush()
                answer = self._read_line(None if timeout is None
                                         else time.monotonic() + timeout)
            except (BrokenPipeError, OSError):
                answer = ""
            if answer is None:  # past the time limit
                self.kill()
                return None
            if not answer:  # it died (killed, crashed): a failure, with what it wrote
                self.kill()
                return subprocess.CompletedProcess(
                    args, -9, log.read() + "\nthe grading process died", "")
            return subprocess.CompletedProcess(args, json.loads(answer)["returncode"],
                                               log.read(), "")

    def _read_line(self, deadline):
        """The child's answer, "" when it died, None when the deadline passed first."""
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.proc.stdout], [], [], wait)
            if ready:
                return self.proc.stdout.readline()
            if time.monotonic() >= deadline:
                return None

    def _start(self):
        from grader.autograde import _die_with_parent

        self.kill()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "grader.grading_process"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, start_new_session=True,
            preexec_fn=_die_with_parent)

    def kill(self):
        """Kill the child and everything in its process group, and reap it."""
        if self.proc is not None:
            if self.proc.poll() is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc.wait()
            for pipe in (self.proc.stdin, self.proc.stdout):
                try:
                    pipe.close()
                except OSError:
                    pass
            self.proc = None

    def close(self):
        """Let the child finish (end of its input) and reap it."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()


class GradingProcesses:
    """One GradingProcess per thread that asks for one; ``close`` ends them all."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_thread = {}

    def get(self) -> GradingProcess:
        with self._lock:
            return self._by_thread.setdefault(threading.get_ident(), GradingProcess())

    def close(self):
        with self._lock:
            processes, self._by_thread = list(self._by_thread.values()), {}
        for process in processes:
            process.close()


# -- the child ------------------------------------------------------------------------------

def _run_job(job: dict) -> int:
    """Run one nbgrader command in this process, all it writes into the job's log."""
    from jupyter_core.application import NoStart
    from nbgrader.apps import NbGraderApp

    saved_env, saved_path, saved_cwd = dict(os.environ), list(sys.path), os.getcwd()
    log_fd = os.open(job["log"], os.O_WRONLY | os.O_APPEND)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    os.environ.clear()
    os.environ.update(job["env"])
    os.chdir(job["cwd"])
    app = NbGraderApp.instance()
    try:
        app.initialize(job["args"])
        app.start()
        code = 0
    except NoStart:
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # what `nbgrader` would print before it exits with 1
        traceback.print_exc()
        code = 1
    finally:
        app.reset()  # nbgrader's own: logging handlers, the app instances
        sys.stdout.flush()
        sys.stderr.flush()
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        sys.path[:] = saved_path
        os.dup2(_QUIET, 1)
        os.dup2(_QUIET, 2)
        gc.collect()  # gradebook engines (and their database connections) go now
    return code


_QUIET = None  # where output between jobs goes


def main() -> None:
    global _QUIET
    answers = os.fdopen(os.dup(1), "w")  # the parent reads answers here, and only here
    _QUIET = os.open(os.devnull, os.O_WRONLY)
    os.dup2(_QUIET, 1)
    from nbgrader.apps import NbGraderApp  # noqa: F401  (once, before the first job)

    # What the imports made lives as long as the process: out of the collector's sight,
    # so that the collection after each job looks only at what the job made (it took
    # 0.13 s a job otherwise).
    gc.freeze()
    for line in sys.stdin:
        code = _run_job(json.loads(line))
        answers.write(json.dumps({"returncode": code}) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
