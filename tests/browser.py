"""What the browser tests need around them: a JupyterLab server started as `make lab`
starts it (grader/lab.py), on a free localhost port with a token and a temporary work
area, and Chromium driven by Playwright, with everything the browser and the server say
kept for the test to check.

Screenshots and logs go to tests/artifacts/browser/ (gitignored, kept by CI's working
copy); the student's folder lies there too, because JupyterLab can only open notebooks
inside the folder it serves (the repository).
"""

import getpass
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from grader import lab
from grader.paths import REPO, sqlite_gradebook
from grader.work_area import WorkArea

ARTIFACTS = REPO / "tests" / "artifacts" / "browser"
CHROMIUM_MISSING = (
    "The browser tests drive Debian's Chromium, and `chromium` is not on PATH. Install it "
    "(Debian/Ubuntu: apt-get install chromium; .ci/run does this) and run them again. "
    "Playwright's own browser download is not used (it needs the internet).")


def chromium_path():
    """The system's Chromium, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    course: WorkArea
    url: str
    token: str
    log_path: Path
    student_dir: Path  # where the Assignments tab fetches to
    student: str = field(default_factory=getpass.getuser)  # nbgrader's student id

    def lab_url(self, workspace: str) -> str:
        return f"{self.url}/lab/workspaces/{workspace}?token={self.token}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def lab_server(workdir: Path, assignments: list):
    """JupyterLab on the course with a fresh work area in ``workdir`` where
    ``assignments`` are generated and released; stopped when the block ends."""
    course = WorkArea(workdir=workdir, release_dir=workdir / "release",
                      db_url=sqlite_gradebook(workdir))  # never a real one
    student_dir = ARTIFACTS / "student"
    shutil.rmtree(student_dir, ignore_errors=True)
    jupyter = workdir / "jupyter-user"  # JupyterLab's own state, not the user's
    env = {
        "COURSE_GRADER_WORKDIR": str(course.workdir),
        "COURSE_GRADEBOOK_URL": course.db_url,
        "COURSE_STUDENT_DIR": str(student_dir),
        "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
        "JUPYTER_DATA_DIR": str(jupyter / "data"),
        "JUPYTERLAB_SETTINGS_DIR": str(jupyter / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(jupyter / "workspaces"),
    }
    port, token = free_port(), os.urandom(16).hex()
    log_path = ARTIFACTS / "server.log"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="course-ipc-") as ipc_dir, \
            open(log_path, "w") as log:
        with mock.patch.dict(os.environ, env):
            lab.prepare(course, assignments)
            server_env = lab.server_env(course, ipc_dir)
        command = lab.server_command([
            "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0"])
        server = subprocess.Popen(command, cwd=REPO, env=server_env, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        running = LabServer(course, f"http://127.0.0.1:{port}", token, log_path, student_dir)
        try:
            wait_until_up(running, server)
            yield running
        finally:
            os.killpg(server.pid, signal.SIGTERM)  # JupyterLab shuts its kernels down
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def wait_until_up(server: LabServer, process, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited at start:\n{server.log()[-4000:]}")
        try:
            request = urllib.request.Request(f"{server.url}/api/status",
                                             headers={"Authorization": f"token {server.token}"})
            with urllib.request.urlopen(request, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"JupyterLab did not answer in {timeout:.0f} s:\n{server.log()[-4000:]}")


class BrowserLog:
    """Console messages of type error and uncaught page errors, from every frame."""

    def __init__(self, page):
        self.errors = []
        self.all = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def _console(self, message):
        self.all.append(f"{message.type}: {message.text}")
        if message.type == "error":
            location = message.location.get("url", "")
            self.errors.append(f"console error: {message.text} ({location})")


class Screenshots:
    """Numbered full-window screenshots of one person's steps."""

    def __init__(self, page, who: str, folder: Path = ARTIFACTS / "screenshots"):
        self.page, self.who, self.n = page, who, 0
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob(f"{who}-*.png"):
            old.unlink()

    def __call__(self, step: str) -> Path:
        self.n += 1
        path = self.folder / f"{self.who}-{self.n}-{step}.png"
        self.page.screenshot(path=path)
        return path

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is not None and not self.page.is_closed():  # what the page showed then
            self("failed")


def validate_and_submit(page, shot, assignment: str) -> None:
    """Press Validate (the toolbar button of nbgrader's extension) and expect the visible
    tests to pass, then Submit ``assignment`` from the Assignments tab."""
    from playwright.sync_api import expect

    page.locator(".validate-button").first.click()
    dialog = page.locator(".nbgrader-SuccessDialog, .nbgrader-ErrorDialog")
    dialog.wait_for(timeout=300_000)
    shot("validated")
    assert "Success! Your notebook passes all the tests." in dialog.inner_text(), (
        dialog.inner_text()[:3000])
    dialog.locator("button.jp-Dialog-button").click()
    page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text="Assignments").click()
    page.locator("#fetched_assignments_list .item_status button", has_text="Submit").click()
    submitted = page.locator("#submitted_assignments_list > .list_item")
    expect(submitted).to_have_count(1)
    expect(submitted.locator(".item_name").first).to_have_text(assignment)
    shot("submitted")
