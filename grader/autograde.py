"""Autograde a class: each submission on its own, several at a time.

``nbgrader autograde`` grades students one after the other in a single process, and
stops with exit status 1 as soon as one submission breaks (a kernel that dies, a file
that is not a notebook): the rest of the run (feedback, export) would never happen.
Here each submission is its own ``nbgrader autograde --student`` run, in a long-lived
grading process per worker (grader/grading_process.py: nbgrader's start-up paid once,
not once per submission), with a fresh kernel in the sandbox for each, so:

- submissions are graded in parallel (``workers``), with identical grades;
- a broken submission gets a grade of 0 from nbgrader (it records the submission
  before it fails) and an outcome with the reason, and the class goes on;
- a submission that hangs beyond ``process_timeout`` is killed (its grading process
  and kernel) and reported;
- an interrupted run can be resumed (``resume=True``);
- the same class can be graded on a Dask cluster instead (grader/dask_grading.py).
"""

import ctypes
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from tqdm import tqdm

from grader import cells, grading_process, sandbox
from grader.preprocessors import recorded_reasons

# What a submission folder may hold (checked before nbgrader touches it).
NOTEBOOK_SIZE_LIMIT = 10 * 1000**2  # bytes
FOLDER_SIZE_LIMIT = 100 * 1000**2  # bytes, all files together
FOLDER_FILE_LIMIT = 200  # files and folders

# What nbgrader's log says when a submission cannot be graded, and what it means.
FAILURE_REASONS = [
    ("DeadKernelError", "the kernel died while running the notebook "
                        "(a crash, os._exit, or the memory limit)"),
    ("NotJSONError", "the file is not a valid notebook (not JSON)"),
    ("No notebooks found", "the expected notebook is missing (renamed or not submitted)"),
    ("No notebooks were matched", "no notebook was submitted"),
    ("NotebookTimeLimit", "the notebook ran out of time"),
]
# Warnings in nbgrader's log that an instructor should see next to the grade. (Edited,
# deleted, duplicated or reordered test cells are found by `inspect_submission`, which
# compares with the release: nbgrader's own "has changed!" warning also fires for every
# hidden-test cell, whose source differs from the release by design.)
# What the executed notebook shows when the kernel reached one of the sandbox's limits
# (grader/sandbox.py); the cgroup's own counters say it too, where there is one.
LIMIT_REASONS = [
    ("[Errno 28] No space left on device",
     f"the kernel filled its disk (/tmp {sandbox.TMP_SIZE >> 20} MiB, working folder "
     f"{sandbox.SCRATCH_SIZE >> 20} MiB)"),
    ("[Errno 27] File too large",
     f"the kernel wrote a file over {sandbox.FILE_SIZE_LIMIT >> 20} MiB"),
    ("[Errno 11] Resource temporarily unavailable",
     f"the kernel reached the process limit ({sandbox.PROCESS_LIMIT})"),
    ("MemoryError", f"the kernel reached the memory limit ({sandbox.MEMORY_LIMIT >> 30} GiB)"),
]
WARNING_REASONS = [
    ("Skipping unknown notebook", "an extra or renamed notebook was ignored"),
    ("does not exist in the database", "cells from another notebook or assignment were ignored"),
    ("seconds late", "the submission is late"),
    ("Timeout waiting for IOPub output", "outputs were lost: a cell sent them faster than "
                                         "the grader could read them (the grade stands: a "
                                         "test passes or fails on the kernel's reply)"),
]


@dataclass
class Outcome:
    """How grading one submission went."""

    student: str
    assignment: str
    status: str  # "graded", "failed" or "killed"
    reasons: list
    seconds: float
    log: str = ""


def _graded_cells(nb) -> list:
    return [(cells.grade_id(c), c) for c in nb.cells if "nbgrader" in c.metadata]


def inspect_submission(release_path: Path, submitted_path: Path) -> list:
    """What a student changed that they should not have, compared with the release.

    The grade is not decided here: nbgrader restores edited test cells from the
    gradebook and (as configured) puts deleted ones back. This only explains it.
    """
    try:
        submitted = nbformat.read(submitted_path, as_version=4)
    except Exception:  # not a notebook at all: nbgrader's own failure says so
        return []
    release = dict(_graded_cells(nbformat.read(release_path, as_version=4)))
    graded = _graded_cells(submitted)
    ids = [gid for gid, _ in graded]
    if release and not set(ids) & set(release):
        return ["this is not the notebook of this assignment (none of its cells match)"]
    reasons = []
    if len(ids) != len(set(ids)):
        reasons.append("cells were duplicated (nbgrader keeps the first of each)")
    missing = [gid for gid in release if gid not in ids]
    answers = [gid for gid in missing if cells.is_solution(release[gid])]
    tests = [gid for gid in missing if gid not in answers]
    if answers:
        reasons.append(f"answer cells were deleted (nothing to grade there): {', '.join(answers)}")
    if tests:
        reasons.append(f"test cells were deleted and put back: {', '.join(tests)}")
    edited = sorted({gid for gid, cell in graded if gid in release
                     and cells.is_locked(release[gid])
                     and cell.source != release[gid].source})
    if edited:
        reasons.append(f"locked cells were edited (restored): {', '.join(edited)}")
    meta = sorted({gid for gid, cell in graded if gid in release
                   and cells.nbgrader(cell) != cells.nbgrader(release[gid])})
    if meta:
        reasons.append(f"cell metadata was edited (restored): {', '.join(meta)}")
    order = [gid for gid in dict.fromkeys(ids) if gid in release]
    if order != [gid for gid in release if gid in order]:
        reasons.append("cells were reordered")
    return reasons


def check_folder(folder: Path, contents: bool = True) -> list:
    """Why a submission folder must not be graded, if it must not: anything in it that
    is not a regular file or a folder (a link, a FIFO, a device, a socket: nbgrader and
    the steps after it would follow or block on it, outside the sandbox), a notebook
    over NOTEBOOK_SIZE_LIMIT, a folder over FOLDER_SIZE_LIMIT or FOLDER_FILE_LIMIT.
    Looks with lstat only: it never follows a link nor opens a file."""
    try:
        mode = os.lstat(folder).st_mode
    except FileNotFoundError:
        return []  # nothing submitted: nbgrader says so
    if not stat.S_ISDIR(mode):
        return [f"rejected: the submission folder {folder.name} is {_kind(mode)}, "
                "not a folder"]
    if not contents:
        return []
    reasons, total, count = [], 0, 0
    for root, dirs, files in os.walk(folder):  # lists entries, never follows links
        for name in sorted(dirs + files):
            path = Path(root, name)
            mode = os.lstat(path).st_mode
            count += 1
            rel = path.relative_to(folder)
            if stat.S_ISDIR(mode):
                continue
            if not stat.S_ISREG(mode):
                reasons.append(f"rejected: {rel} is {_kind(mode)}, not a regular file")
                continue
            size = os.lstat(path).st_size
            total += size
            if name.endswith(".ipynb") and size > NOTEBOOK_SIZE_LIMIT:
                reasons.append(f"rejected: the notebook {rel} is {size / 1e6:.0f} MB, over "
                               f"the limit of {NOTEBOOK_SIZE_LIMIT / 1e6:.0f} MB")
        dirs[:] = [d for d in dirs if stat.S_ISDIR(os.lstat(Path(root, d)).st_mode)]
    if total > FOLDER_SIZE_LIMIT:
        reasons.append(f"rejected: the submission holds {total / 1e6:.0f} MB, over the "
                       f"limit of {FOLDER_SIZE_LIMIT / 1e6:.0f} MB")
    if count > FOLDER_FILE_LIMIT:
        reasons.append(f"rejected: the submission holds {count} files, over the limit "
                       f"of {FOLDER_FILE_LIMIT}")
    return reasons


def _kind(mode: int) -> str:
    for test, name in [(stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISREG, "a file")]:
        if test(mode):
            return name
    return "a special file"


def rejected_at_collect_record(workdir: Path, assignment: str) -> Path:
    """Where collect records the submissions it left in the exchange (grader/exchange.py)."""
    return Path(workdir) / "progress" / f"{assignment}-rejected-at-collect.json"


def rejected_at_collect(area, assignment: str) -> dict:
    """``{student: reasons}`` for the submissions that collect left in the exchange."""
    record = rejected_at_collect_record(area.workdir, assignment)
    return json.loads(record.read_text()) if record.is_file() else {}


def student_ids(area, assignment: str) -> list:
    """Students with a submission of ``assignment`` in the work area (a folder, or
    anything else in its place: that is rejected with a reason), or one that collect
    rejected."""
    folder = area.workdir / "submitted"
    found = set(rejected_at_collect(area, assignment))
    if folder.is_dir():
        found |= {p.name for p in folder.iterdir() if os.path.lexists(p / assignment)}
    return sorted(found)


def grade_one(area, assignment: str, student: str, process_timeout: float,
              processes=None) -> Outcome:
    """Grade one submission with nbgrader, its kernel in the sandbox (in a cgroup of its
    own where the machine allows), with its share of the cores when ``area.workers``
    are graded at a time (:func:`grader.sandbox.thread_env`); everything it needs comes
    from its arguments, the course's work area and the environment. nbgrader runs in
    this thread's long-lived grading process from ``processes``
    (grader/grading_process.py), or in a process of its own without it or with
    COURSE_GRADING_PROCESS=per-submission."""
    start = time.monotonic()
    name = f"{assignment}.ipynb"
    submitted = area.workdir / "submitted" / student / assignment
    at_collect = rejected_at_collect(area, assignment).get(student, [])
    rejected = check_folder(submitted.parent, contents=False) or check_folder(submitted)
    if rejected or (at_collect and not submitted.is_dir()):
        _forget(area, assignment, student)
        return Outcome(student, assignment, "failed", at_collect + rejected,
                       time.monotonic() - start)
    args = ["autograde", assignment, "--force", f"--student={student}"]
    cgroup = sandbox.KernelCgroup.create(f"{assignment}-{student}")
    try:
        process = (processes.get() if processes is not None
                   and grading_process.mode() == "long-lived" else None)
        env = {**cgroup.env(), **sandbox.thread_env(area.workers)}
        done = area.run_nbgrader(args, timeout=process_timeout, env=env, process=process)
    finally:
        limits = cgroup.breaches()
        cgroup.remove()
    seconds = time.monotonic() - start
    if done is None:
        _keep_in_gradebook(area, student)
        return Outcome(student, assignment, "killed",
                       [f"grading took longer than {process_timeout:.0f} s and was stopped",
                        *limits], seconds)
    log = done.stdout + done.stderr
    reasons = at_collect + inspect_submission(area.release_dir / assignment / name,
                                              submitted / name)
    reasons += [why for marker, why in WARNING_REASONS if marker in log]
    if done.returncode == 0:
        executed = _autograded_text(area, assignment, student)
        if "CellTimeoutError" in executed:
            reasons.append("a cell ran past the time limit per cell and was interrupted")
        if "NotebookTimeLimit" in executed:
            reasons.append("the notebook ran out of time (cells after the limit were not run)")
        reasons += [why for marker, why in LIMIT_REASONS if marker in executed]
        reasons += [why for why in limits if why not in reasons]
        # what grader/preprocessors.py found (tampering, outputs cut to size)
        reasons += recorded_reasons(area.workdir / "autograded" / student / assignment / name)
        return Outcome(student, assignment, "graded", reasons, seconds, log)
    failures = [why for marker, why in FAILURE_REASONS if marker in log]
    if not (failures or reasons):
        failures = ["nbgrader could not grade it (see the log)"]
    _keep_in_gradebook(area, student)
    return Outcome(student, assignment, "failed", reasons + failures + limits, seconds, log)


def _forget(area, assignment: str, student: str) -> None:
    """A rejected submission: no grade from an earlier run, no old autograded copy or
    feedback, but the student stays in the gradebook (the export shows a 0)."""
    for step in ("autograded", "feedback"):
        folder = area.workdir / step / student / assignment
        if folder.is_symlink() or folder.is_file():
            folder.unlink()
        elif folder.is_dir():
            shutil.rmtree(folder)  # removes links, never follows them
    with Gradebook(area.db_url) as gb:
        gb.update_or_create_student(student)
        try:
            gb.remove_submission(assignment, student)
        except MissingEntry:
            pass


def _keep_in_gradebook(area, student: str) -> None:
    """A submission nbgrader could not even open leaves no trace in the gradebook; the
    student must still be there, so that the export shows a 0 rather than nothing."""
    with Gradebook(area.db_url) as gb:
        gb.update_or_create_student(student)


def _autograded_text(area, assignment: str, student: str) -> str:
    folder = area.workdir / "autograded" / student / assignment
    return "".join(p.read_text(errors="replace") for p in folder.glob("*.ipynb"))


class GradingStopped(RuntimeError):
    """Grading a class cannot start or go on; the message says why and what to do."""


def outcome_line(o: Outcome) -> str:
    """One line about one graded submission, as the command line prints it."""
    return (f"{o.student}: {o.status} in {o.seconds:.1f} s"
            + (f" ({'; '.join(o.reasons)})" if o.reasons else ""))


def autograde_class(area, assignment: str, students=None, process_timeout: float = 600,
                    resume: bool = False, scheduler: str = None, progress: bool = False) -> list:
    """Autograde every submission (or ``students``); return one Outcome each, in order.

    Submissions are graded here, ``area.workers`` at a time, or, with ``scheduler`` (a Dask
    scheduler's address), on that Dask cluster (grader/dask_grading.py). Each finished
    submission is written to a journal (``progress/<assignment>.jsonl`` in the work
    area) as soon as it is done. ``resume=True`` reads it and skips those submissions,
    so a run that was interrupted goes on where it stopped (here or on a cluster),
    without regrading or losing anything; a half-graded submission is graded again.
    ``progress=True`` shows a progress bar on stderr (done / total, failures, time
    left) and prints a line on stdout for each submission as it finishes.
    """
    students = student_ids(area, assignment) if students is None else list(students)
    journal = area.workdir / "progress" / f"{assignment}.jsonl"
    journal.parent.mkdir(parents=True, exist_ok=True)
    done = {}
    if resume and journal.exists():
        for line in journal.read_text().splitlines():
            record = json.loads(line)
            done[record["student"]] = Outcome(**record)
    todo = [s for s in students if s not in done]
    if scheduler:  # checks the gradebook and connects before anything is graded
        from grader import dask_grading

        results = dask_grading.grade(area, assignment, todo, process_timeout, scheduler,
                                     say=tqdm.write)
    else:
        results = _grade_here(area, assignment, todo, process_timeout)
    if not resume:
        journal.write_text("")
    failed = sum(done[s].status != "graded" for s in students if s in done)
    with closing(results), tqdm(total=len(students), initial=len(students) - len(todo),
                                unit="submission", desc=assignment, disable=not progress,
                                file=sys.stderr) as bar:
        bar.set_postfix(failed=failed)
        if progress:
            for student in students:
                if student in done:
                    tqdm.write(outcome_line(done[student]) + " (from the journal)")
        for outcome in results:
            record = {k: v for k, v in asdict(outcome).items() if k != "log"}
            with open(journal, "a") as f:
                f.write(json.dumps(record) + "\n")
            done[outcome.student] = outcome
            failed += outcome.status != "graded"
            bar.set_postfix(failed=failed, refresh=False)
            bar.update()
            if progress:
                tqdm.write(outcome_line(outcome))
    return [done[s] for s in students]


def _grade_here(area, assignment: str, students: list, process_timeout: float):
    """Grade on this machine, ``area.workers`` submissions at a time; yield each Outcome as
    it finishes. Submissions not started yet are dropped when the caller stops."""
    pool = ThreadPoolExecutor(max_workers=max(1, area.workers))
    processes = grading_process.GradingProcesses()  # one nbgrader process per thread
    try:
        futures = [pool.submit(grade_one, area, assignment, s, process_timeout,
                               processes) for s in students]
        for future in as_completed(futures):
            yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        processes.close()


def _die_with_parent() -> None:
    """In the child: be killed when the grading process dies (Linux), so an interrupted
    run leaves no orphan still grading a submission that a resumed run grades again."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def run_killable(command, *, cwd, env, timeout):
    """Run a command in its own process group; on timeout kill the whole group (the
    kernel too) and return None. The command dies with this process."""
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_die_with_parent)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None
    return subprocess.CompletedProcess(command, proc.returncode, out, err)
