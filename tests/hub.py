"""What the JupyterHub tests need around them: the course's hub set up as `make hub` sets
it up (grader/hub/machine.py), with the tests' own accounts (the demo roster's names
with a ``t`` before them, created afresh with known passwords, removed afterwards), a
folder of its own under /srv, and free loopback ports; stopped, with everything it
started, when the tests end.

The hub's log (hub, proxy, formgrader service and every user's server write to it) and
the screenshots go to tests/artifacts/hub/ (gitignored).
"""

import os
import pwd
import shutil
import signal
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from processes import stop

from grader.hub import machine
from grader.paths import REPO

ARTIFACTS = REPO / "tests" / "artifacts" / "hub"
TEST_ROOT = Path("/srv/leaky-relu-course-test")


@dataclass
class RunningHub:
    hub: machine.Hub
    passwords: dict
    log_path: Path

    @property
    def url(self) -> str:
        return self.hub.url

    def person(self, role: str, n: int = 0) -> machine.Person:
        return self.hub.people(role)[n]

    def home(self, username: str) -> Path:
        return Path(pwd.getpwnam(username).pw_dir)

    def give(self, username: str, path: Path) -> None:
        """Make ``path`` (written by the test, as root) belong to ``username``."""
        account = pwd.getpwnam(username)
        os.chown(path, account.pw_uid, account.pw_gid)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def test_hub(assignments: list) -> machine.Hub:
    return machine.Hub(root=TEST_ROOT, roster=machine.read_roster(prefix="t"),
                       grader_account="tgrader-leaky-relu-course", port=machine.free_port(),
                       assignments=assignments)


def stop_accounts_processes(hub: machine.Hub) -> None:
    """Whatever the test accounts still run (nothing, when the hub stopped cleanly)."""
    for name in [hub.grader_account] + [p.username for p in hub.roster]:
        if not machine.account_exists(name):
            continue
        pids = subprocess.run(["pgrep", "-u", name], capture_output=True, text=True).stdout
        for pid in map(int, pids.split()):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def stop_proxy(hub: machine.Hub) -> None:
    """The proxy runs in a session of its own; a hub that dies at start leaves it behind."""
    try:
        pid = int((hub.state / "proxy.pid").read_text())
        if b"configurable-http-proxy" in Path(f"/proc/{pid}/cmdline").read_bytes():
            os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError):
        pass  # no pid file, or the proxy is gone


def remove(hub: machine.Hub) -> None:
    stop_proxy(hub)
    stop_accounts_processes(hub)
    machine.remove_accounts(hub)
    shutil.rmtree(hub.root, ignore_errors=True)


@contextmanager
def running_hub(assignments: list):
    hub = test_hub(assignments)
    remove(hub)  # what a killed earlier run left
    os.environ.pop("COURSE_GRADEBOOK_URL", None)  # the tests' hub grades into SQLite
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # this run's screenshots and logs only
    ARTIFACTS.mkdir(parents=True)
    log_path = ARTIFACTS / "hub.log"
    try:
        with open(ARTIFACTS / "setup.log", "w") as setup_log:
            passwords = machine.set_up(hub, say=lambda line: print(line, file=setup_log))
        with open(log_path, "w") as log:
            ports = machine.free_ports()
            process = subprocess.Popen(machine.hub_command(hub), cwd=hub.state,
                                       env=machine.hub_env(hub, ports), stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
            running = RunningHub(hub, passwords, log_path)
            try:
                wait_until_up(running, process, ports["service_port"])
                yield running
            finally:
                stop(process, grace=60)  # the hub stops its servers first
    finally:
        remove(hub)


def wait_until_up(running: RunningHub, process, service_port: int,
                  timeout: float = 240) -> None:
    """The hub answers and its formgrader service does."""
    deadline = time.monotonic() + timeout
    urls = [f"{running.url}/hub/api",
            f"http://127.0.0.1:{service_port}/services/{running.hub.course_id}/api"]
    while urls and time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterHub exited at start:\n{running.log()[-4000:]}")
        try:
            with urllib.request.urlopen(urls[0], timeout=5):
                urls.pop(0)
        except OSError:
            time.sleep(0.5)
    if urls:
        raise RuntimeError(f"{urls[0]} did not answer in {timeout:.0f} s:\n"
                           f"{running.log()[-4000:]}")
