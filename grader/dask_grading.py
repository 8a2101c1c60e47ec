"""Grade a class on a Dask cluster: one task per submission, no shared file system.

``python -m grader autograde A --scheduler tcp://HOST:8786`` (or COURSE_DASK_SCHEDULER)
sends every submission to a Dask scheduler as one task. The task carries what a worker
cannot find in the course environment: the submission's files and the released
notebook (bytes), the gradebook's URL and the nbgrader options. The worker grades it
with :func:`grader.autograde.grade_one`, the same function as a local run (in a
long-lived grading process per worker thread), in a temporary work area of its own,
the kernel in the sandbox; nbgrader writes the grades to the shared gradebook
(PostgreSQL); the task returns the Outcome and the autograded files, which this side
stores in ``autograded/<student>/<assignment>/``, where ``nbgrader generate_feedback``
reads them.

Faults are left to Dask and nbgrader: when a worker dies, the scheduler runs its tasks
again on another worker (``distributed.scheduler.allowed-failures`` times at most, then
the submission is reported as failed), and ``nbgrader autograde --force`` replaces
whatever a half-finished run left in the gradebook, so each submission ends graded
once. A worker without bubblewrap, without the course's environment (the same packages
and course files as this side) or that cannot reach the gradebook refuses every task
with :class:`WorkerUnfit` instead of grading; the run then stops and says why.
"""

import functools
import hashlib
import json
import os
import platform
import shutil
import socket
import stat
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

from distributed import Client, KilledWorker, as_completed, get_worker
from distributed.comm.addressing import get_address_host_port

from grader.autograde import (
    GradingStopped,
    Outcome,
    _keep_in_gradebook,
    check_folder,
    grade_one,
)
from grader.grading_process import GradingProcesses
from grader.work_area import SCHEDULER_VARIABLE, WorkArea

CONNECT_TIMEOUT = 10  # seconds to reach the scheduler before giving up
PROJECT = "leaky-relu-course"  # pyproject.toml's name: its dependencies are compared
REPO = Path(__file__).resolve().parents[1]


class WorkerUnfit(RuntimeError):
    """Raised on a worker that must not grade: the message says why and what to fix."""


@dataclass
class Task:
    """What a worker needs to grade one submission."""

    assignment: str
    student: str
    files: dict  # the submission: {relative path: bytes}
    release: dict  # the released assignment folder, for grade_one's comparison
    db_url: str
    extra_args: list  # nbgrader options of the course (e.g. time limits)
    process_timeout: float
    environment: dict  # fingerprint() on the instructor's side


# -- the instructor's side ----------------------------------------------------------------

def require_server_gradebook(db_url: str) -> None:
    """Stop before grading when the gradebook is a file that workers cannot reach."""
    if db_url.startswith("sqlite"):
        raise GradingStopped(
            "Grading on a Dask cluster needs a gradebook that every worker can write to, "
            f"and this one is SQLite, a file on this machine ({db_url}). Put it on "
            "PostgreSQL: set COURSE_GRADEBOOK_URL=postgresql://USER:PASSWORD@HOST/DATABASE "
            "(reachable from the workers), release the assignment into it "
            "(python -m grader release), collect, and run this again (docs/scaling.md). "
            f"Or leave --scheduler and {SCHEDULER_VARIABLE} unset to grade on this machine.")


def connect(address: str) -> Client:
    """A client of the scheduler at ``address``, or GradingStopped within seconds."""
    try:
        get_address_host_port(address)
    except ValueError as exc:
        raise GradingStopped(f"{address!r} is not a Dask scheduler address ({exc}): write "
                             "it as tcp://HOST:PORT, as `dask scheduler` prints it") from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise GradingStopped(
            f"Cannot reach the Dask scheduler at {address} (from --scheduler or "
            f"{SCHEDULER_VARIABLE}): {exc}. Start it (`dask scheduler`), check the address "
            "and that this machine can reach it, or leave both unset to grade on this "
            "machine.") from None


def grade(area, assignment: str, students: list, process_timeout: float, address: str,
          say=print):
    """Grade ``students`` on the cluster; yield one Outcome each as it finishes.

    Checks the gradebook and connects before it returns (so that both fail at once);
    ``say`` prints a line next to the progress bar."""
    require_server_gradebook(area.db_url)
    client = connect(address)
    return _results(client, area, assignment, students, process_timeout, say)


def _results(client, area, assignment, students, process_timeout, say):
    futures = {}
    try:
        threads = client.nthreads()
        say(f"Dask scheduler {client.scheduler.address}: {len(threads)} workers, "
            f"{sum(threads.values())} threads")
        if not threads:
            say("  no worker yet: the submissions wait until one joins "
                f"(dask worker {client.scheduler.address})")
        link = dashboard_link(client)
        if link:
            say(f"Dask dashboard: {link}")
        environment = fingerprint(assignment)
        release, _ = pack(area.release_dir / assignment)
        rejected = []
        run = uuid.uuid4().hex[:8]  # keys of this run only: never another run's result
        for student in students:
            files, refused = pack(area.workdir / "submitted" / student / assignment)
            if refused:
                rejected.append((student, refused))
                continue
            task = Task(assignment, student, files, release, area.db_url,
                        area.extra_args, process_timeout, environment)
            future = client.submit(grade_on_worker, task, pure=False,
                                   key=f"autograde-{assignment}-{student}-{run}")
            futures[future] = student
        for student, refused in rejected:
            yield _reject(area, assignment, student, refused)
        for future in as_completed(list(futures), loop=client.loop):
            yield _receive(area, assignment, futures.pop(future), future)
    finally:
        if futures:
            client.cancel(list(futures))
        client.close()


def _receive(area, assignment: str, student: str, future) -> Outcome:
    """The Outcome of one finished task, its autograded files stored here."""
    folder = area.workdir / "autograded" / student / assignment
    if future.status == "cancelled":
        raise GradingStopped("The Dask scheduler cancelled the grading (was it stopped?). "
                             "What was graded is kept: run again with --resume.")
    if future.status == "error":
        exc = future.exception()
        if isinstance(exc, WorkerUnfit):
            raise GradingStopped(f"{exc}\nGrading stopped; what was graded is kept. Fix that "
                                 "worker or stop it (docs/scaling.md), then run again with "
                                 "--resume.") from None
        if isinstance(exc, ImportError):
            raise GradingStopped(f"A Dask worker cannot load the grading code ({exc}): start "
                                 "workers from the course's environment (docs/scaling.md), "
                                 "then run again with --resume.") from None
        if isinstance(exc, KilledWorker):  # it took down every worker that tried it
            store({}, folder)
            _keep_in_gradebook(area, student)
            return Outcome(student, assignment, "failed", [
                "every Dask worker that graded it died (more than "
                "distributed.scheduler.allowed-failures times): it may exhaust the "
                "worker's memory"], 0.0)
        future.result()  # anything else is a fault of the grader: raise it here
    outcome, files = future.result()
    store(files, folder)
    future.release()
    return outcome


def _reject(area, assignment: str, student: str, reasons: list) -> Outcome:
    """A submission that holds something other than files and folders is not sent (it
    could not be, and nbgrader must not touch it): failed, with the reasons."""
    store({}, area.workdir / "autograded" / student / assignment)
    _keep_in_gradebook(area, student)
    return Outcome(student, assignment, "failed", reasons, 0.0)


def dashboard_link(client):
    """The scheduler's dashboard, or None when it has none (bokeh not installed)."""
    try:
        return client.dashboard_link
    except KeyError:
        return None


# -- files travel as bytes ----------------------------------------------------------------

def pack(folder: Path) -> tuple:
    """``({relative path: bytes}, refused)`` of a folder's regular files; ``refused`` is
    what ``check_folder`` finds wrong with it (links, FIFOs, devices, sizes: the rule of
    local grading). Never follows a link nor opens anything but a regular file."""
    refused = check_folder(folder)
    files = {}
    if stat.S_ISDIR(os.lstat(folder).st_mode if os.path.lexists(folder) else 0):
        for root, _, names in os.walk(folder):  # does not enter linked folders
            for name in names:
                path = Path(root, name)
                if stat.S_ISREG(os.lstat(path).st_mode):
                    files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return dict(sorted(files.items())), refused


def store(files: dict, folder: Path) -> None:
    """Make ``folder`` hold exactly ``files`` (none: no folder)."""
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    elif folder.is_dir():
        shutil.rmtree(folder)
    for rel, data in files.items():
        parts = PurePosixPath(rel).parts
        if PurePosixPath(rel).is_absolute() or ".." in parts:
            raise ValueError(f"refusing to write {rel!r} outside {folder}")
        path = folder.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


# -- the worker's side --------------------------------------------------------------------

# One long-lived nbgrader process per thread of this worker (grader/grading_process.py);
# they end with the worker.
_PROCESSES = GradingProcesses()


def grade_on_worker(task: Task) -> tuple:
    """Run on a Dask worker: grade one submission in a temporary work area; return its
    Outcome and the autograded files."""
    check_worker(task.environment, task.db_url)
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        # this worker grades as many submissions at a time as it has threads
        area = WorkArea(workdir=Path(tmp) / "work", release_dir=Path(tmp) / "release",
                        db_url=task.db_url, extra_args=task.extra_args,
                        workers=get_worker().state.nthreads)
        store(task.release, area.release_dir / task.assignment)
        store(task.files, area.workdir / "submitted" / task.student / task.assignment)
        outcome = grade_one(area, task.assignment, task.student, task.process_timeout,
                            _PROCESSES)
        files, _ = pack(area.workdir / "autograded" / task.student / task.assignment)
    return outcome, files


def check_worker(environment: dict, db_url: str) -> None:
    """Raise WorkerUnfit unless this worker can grade as the instructor's side would: in
    the sandbox, in the same environment, with the gradebook in reach. What passed is
    not checked again in this process."""
    _check_sandbox()
    _check_environment(json.dumps(environment, sort_keys=True))
    _check_gradebook(db_url)


def _where() -> str:
    try:
        return f"Dask worker {get_worker().address} ({socket.gethostname()})"
    except ValueError:  # not in a worker
        return f"this machine ({socket.gethostname()})"


@functools.cache
def _check_sandbox() -> None:
    if os.environ.get("COURSE_SANDBOX", "on") == "off":
        raise WorkerUnfit(f"{_where()} refuses to grade: COURSE_SANDBOX=off is set there, "
                          "and a cluster grades only in the sandbox. Unset it.")
    if shutil.which("bwrap") is None:
        raise WorkerUnfit(f"{_where()} refuses to grade: bubblewrap (bwrap) is not "
                          "installed there, and student code runs only in its sandbox. "
                          "Install it (Debian/Ubuntu: apt-get install bubblewrap).")
    done = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                           "--unshare-net", "--unshare-pid", "--die-with-parent", "true"],
                          capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        raise WorkerUnfit(f"{_where()} refuses to grade: bubblewrap cannot start a sandbox "
                          f"there ({done.stderr.strip()}); it needs user namespaces or a "
                          "setuid bwrap (docs/scaling.md).")


@functools.cache
def _check_environment(expected: str) -> None:
    differences = compare(json.loads(expected), fingerprint(json.loads(expected)["assignment"]))
    if differences:
        raise WorkerUnfit(f"{_where()} refuses to grade: its course environment differs "
                          "from the instructor's (grades could differ): "
                          + "; ".join(differences) + ". Install the same commit of the "
                          "course there (pip install -e '.[postgres]').")


@functools.cache
def _check_gradebook(db_url: str) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    try:
        engine = create_engine(db_url)
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:  # the driver's own error says what went wrong
        shown = make_url(db_url).render_as_string(hide_password=True)
        raise WorkerUnfit(f"{_where()} refuses to grade: it cannot reach the gradebook "
                          f"{shown}: {type(exc).__name__}: {str(exc).splitlines()[0]}") from None


def fingerprint(assignment: str) -> dict:
    """What must be the same on the instructor's side and a worker for grades to be the
    same: Python, the installed versions of the course's dependencies (pyproject.toml,
    read from the installed project), the files of the course package, the grader and
    the assignment's source folder (nbgrader copies its extra files), and a local MNIST."""
    from packaging.requirements import Requirement

    packages = {}
    try:
        requirements = metadata.requires(PROJECT) or []
    except metadata.PackageNotFoundError:
        raise WorkerUnfit(f"{_where()}: the course ({PROJECT}) is not installed in this "
                          "Python: pip install -e '.[postgres]' in the course") from None
    for line in requirements:
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            try:
                packages[req.name] = metadata.version(req.name)
            except metadata.PackageNotFoundError:
                packages[req.name] = None
    paths = [*(REPO / "course").glob("*.py"), *(REPO / "grader").glob("*.py"),
             *(REPO / "solutions" / assignment).rglob("*")]
    files = {path.relative_to(REPO).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
             for path in sorted(paths) if path.is_file() and "__pycache__" not in path.parts}
    return {"assignment": assignment, "python": platform.python_version(),
            "packages": packages, "files": files, "mnist": _local_mnist()}


def _local_mnist() -> bool:
    """Whether a checked copy of MNIST is where the notebooks look for it (the sandbox
    has no network to download it)."""
    from course.data import find_local_mnist, verify

    try:
        path = find_local_mnist()
        return path is not None and verify(path) == path
    except (OSError, ValueError):
        return False


def compare(expected: dict, actual: dict) -> list:
    """The differences between two fingerprints, in words (the worker's value second)."""
    out = []
    if expected["python"].rsplit(".", 1)[0] != actual["python"].rsplit(".", 1)[0]:
        out.append(f"Python {expected['python']} on the instructor's side, "
                   f"{actual['python']} here")
    for name in sorted(set(expected["packages"]) | set(actual["packages"])):
        want, got = expected["packages"].get(name), actual["packages"].get(name)
        if want != got:
            out.append(f"{name} {want or 'missing'} on the instructor's side, "
                       f"{got or 'missing'} here")
    if expected["mnist"] and not actual["mnist"]:
        out.append("no checked copy of MNIST here, and the sandbox cannot download it "
                   "(copy mnist.npz into data/, see data/README.md)")
    files = [p for p in sorted(set(expected["files"]) | set(actual["files"]))
             if expected["files"].get(p) != actual["files"].get(p)]
    if files:
        out.append("different course files: " + ", ".join(files[:8])
                   + (f" and {len(files) - 8} more" if len(files) > 8 else ""))
    return out
