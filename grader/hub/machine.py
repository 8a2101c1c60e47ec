"""Set the machine up for the course's JupyterHub and run it (``make hub``; run as root).

What it changes on the machine, each step only when missing (so a second run only
starts the hub again):

- ``/opt/leaky-relu-course/venv``: a virtual environment made from Debian's
  ``/usr/bin/python3`` (world-readable, unlike a Python under ``/root``) with JupyterHub
  and the course's wheel (the ``course`` package and its dependencies: JupyterLab,
  nbgrader, TensorFlow, ...). Everyone's server runs from it.
- ``configurable-http-proxy``, JupyterHub's proxy, installed with ``npm install -g``.
- Unix accounts with home folders (mode 700): the roster's (``grader/hub/roster.csv``)
  and the shared grader account ``grader-<course id>`` that owns the course; the
  passwords of new accounts are printed once.
- ``/srv/leaky-relu-course/``: ``course/`` (a copy of this repository, solutions and
  gradebook included, mode 700, owned by the grader account), ``exchange/`` (nbgrader's
  exchange), ``etc/`` (the Jupyter configuration of students, staff and the formgrader
  service), ``hub/`` (the hub's database, cookie secret and log, root only).

Then it runs JupyterHub in the foreground, on http://127.0.0.1:8000 by default
(``COURSE_HUB_IP``, ``COURSE_HUB_PORT``); Ctrl-C stops it and every server it started.
"""

import csv
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from grader import kit
from grader.paths import GRADER, REPO, assignments
from grader.work_area import WorkArea

HERE = Path(__file__).resolve().parent
ROSTER = HERE / "roster.csv"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's: other users can run it
ROLES = ("instructor", "grader", "student")
EXTRAS = "grader,hub,postgres"  # grading; JupyterHub; the driver for a PostgreSQL gradebook


@dataclass
class Person:
    username: str
    role: str  # instructor, grader or student
    first_name: str
    last_name: str


def read_roster(path: Path = ROSTER, prefix: str = "") -> list:
    """The demo class; ``prefix`` is put before each user name (the tests use their own)."""
    with open(path, newline="") as f:
        people = [Person(**row) for row in csv.DictReader(f)]
    for p in people:
        if p.role not in ROLES:
            raise ValueError(f"{path}: {p.username} has role {p.role!r}; use one of {ROLES}")
        p.username = prefix + p.username
    return people


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Hub:
    """Where the hub's parts live on this machine and who its users are."""

    root: Path = Path("/srv/leaky-relu-course")
    venv: Path = Path("/opt/leaky-relu-course/venv")
    roster: list = field(default_factory=read_roster)
    grader_account: str = ""  # default: grader-<course id>
    ip: str = "127.0.0.1"
    port: int = 8000
    assignments: list = None  # released on the first start (default: all)

    def __post_init__(self):
        self.root = Path(self.root)
        self.venv = Path(self.venv)
        self.course_id = WorkArea().config().CourseDirectory.course_id
        self.grader_account = self.grader_account or f"grader-{self.course_id}"
        if self.assignments is None:
            self.assignments = assignments()

    # the folders of the set-up
    @property
    def course(self) -> Path:  # the repository copy: solutions, gradebook, grading work
        return self.root / "course"

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def etc(self) -> Path:  # Jupyter configuration per kind of user
        return self.root / "etc"

    @property
    def state(self) -> Path:  # the hub's own files
        return self.root / "hub"

    @property
    def url(self) -> str:
        return f"http://{self.ip}:{self.port}"

    def people(self, *roles) -> list:
        return [p for p in self.roster if p.role in roles]


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, **kwargs)


# -- the Python environment ----------------------------------------------------------------
def install_environment(venv: Path, wheel: Path) -> bool:
    """Make ``venv`` from Debian's Python with the student kit's course ``wheel`` (and
    through it the notebooks' dependencies) and pyproject.toml's optional dependencies
    ``EXTRAS`` (grading, JupyterHub, the PostgreSQL driver); nothing when it already has
    exactly these. Returns whether it installed something."""
    stamp = venv / "installed.txt"
    with zipfile.ZipFile(wheel) as z:  # the hashes of its files, not of the zip's dates
        record = next(n for n in z.namelist() if n.endswith(".dist-info/RECORD"))
        content = hashlib.sha256(z.read(record)).hexdigest()
    wanted = f"{wheel.name}[{EXTRAS}] {content}\n"
    if stamp.is_file() and stamp.read_text() == wanted:
        return False
    if not (venv / "bin" / "python").exists():
        if not os.access(SYSTEM_PYTHON, os.X_OK):
            sys.exit(f"{SYSTEM_PYTHON} is missing: apt-get install python3 python3-venv")
        run([SYSTEM_PYTHON, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    run(pip + ["--upgrade", "pip"])
    run(pip + ["--force-reinstall", "--no-deps", str(wheel)])
    extras = kit.project()["optional-dependencies"]
    run(pip + [str(wheel)] + [req for name in EXTRAS.split(",") for req in extras[name]
                              if not req.startswith(kit.project()["name"])])
    stamp.write_text(wanted)
    return True


# Debian's packages the hub needs, by the command each provides.
SYSTEM_PACKAGES = {"bwrap": "bubblewrap",  # the grading sandbox
                   "setpriv": "util-linux",  # the sandbox drops root with it
                   "node": "nodejs", "npm": "npm"}  # JupyterHub's proxy


def install_system_packages() -> list:
    """Debian's packages of SYSTEM_PACKAGES and python3-venv (the hub's environment is a
    venv of Debian's Python), when missing; returns the ones it installed."""
    missing = [pkg for command, pkg in SYSTEM_PACKAGES.items() if not shutil.which(command)]
    if subprocess.run([SYSTEM_PYTHON, "-c", "import ensurepip"],
                      capture_output=True).returncode != 0:
        missing.append("python3-venv")
    if not missing:
        return []
    if not shutil.which("apt-get"):
        sys.exit(f"make hub needs these packages, install them first: {' '.join(missing)}")
    run(["apt-get", "update", "-qq"])
    run(["apt-get", "install", "-y", "-qq", *missing],
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return missing


def install_proxy() -> bool:
    """configurable-http-proxy (npm), JupyterHub's default proxy, when it is missing."""
    if shutil.which("configurable-http-proxy"):
        return False
    if not shutil.which("npm"):
        sys.exit("JupyterHub's proxy needs Node.js and npm: apt-get install nodejs npm")
    run(["npm", "install", "--global", "--silent", "configurable-http-proxy"])
    return True


# -- accounts ------------------------------------------------------------------------------
def account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def create_account(name: str, full_name: str, login: bool = True) -> str:
    """A Unix account with a private home folder; its new password (None for an account
    that cannot log in)."""
    shell = "/bin/bash" if login else "/usr/sbin/nologin"
    run(["useradd", "--create-home", "--shell", shell, "--comment", full_name, name])
    os.chmod(pwd.getpwnam(name).pw_dir, 0o700)
    if not login:
        return None
    password = secrets.token_urlsafe(12)
    run(["chpasswd"], input=f"{name}:{password}\n", text=True)
    return password


def create_accounts(hub: Hub) -> dict:
    """The grader account and every roster account that is missing: ``{name: password}``
    of those created."""
    created = {}
    if not account_exists(hub.grader_account):
        create_account(hub.grader_account, f"{hub.course_id} grading", login=False)
        created[hub.grader_account] = None
    for p in hub.roster:
        if not account_exists(p.username):
            created[p.username] = create_account(
                p.username, f"{p.first_name} {p.last_name}")
    return created


def remove_accounts(hub: Hub) -> None:
    """Remove the accounts and home folders of ``hub`` (the tests' own roster)."""
    for name in [hub.grader_account] + [p.username for p in hub.roster]:
        if account_exists(name):
            run(["userdel", "--remove", name], stderr=subprocess.DEVNULL)


# -- folders -------------------------------------------------------------------------------
def copy_course(hub: Hub) -> bool:
    """The repository's files (what git tracks, plus new files it does not ignore) into
    the course folder, owned by the grader account, which alone can read it."""
    if hub.course.exists():
        return False
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO, check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source, target = REPO / name, hub.course / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    owner = pwd.getpwnam(hub.grader_account)
    for folder, _, names in os.walk(hub.course):
        for path in [folder] + [os.path.join(folder, n) for n in names]:
            os.chown(path, owner.pw_uid, owner.pw_gid)
    os.chmod(hub.course, 0o700)
    return True


def make_folders(hub: Hub) -> None:
    """The root (everyone may pass through), the exchange with the course's folder owned
    by the grader account (nbgrader makes its inbound, outbound and feedback folders
    there with the permissions it expects), and the hub's private state."""
    for folder in (hub.root, hub.etc):
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o755)
    # nbgrader insists on an exchange everyone may write (rwxrwxrwx); the sticky bit, as
    # on /tmp, keeps anyone from removing or renaming what another account made there
    hub.exchange.mkdir(exist_ok=True)
    os.chmod(hub.exchange, 0o1777)
    course_exchange = hub.exchange / hub.course_id
    course_exchange.mkdir(exist_ok=True)
    owner = pwd.getpwnam(hub.grader_account)
    os.chown(course_exchange, owner.pw_uid, owner.pw_gid)
    os.chmod(course_exchange, 0o755)
    hub.state.mkdir(exist_ok=True)
    os.chmod(hub.state, 0o700)


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n")


def write_jupyter_config(hub: Hub) -> None:
    """``etc/students`` and ``etc/staff``: what their servers read (JUPYTER_CONFIG_PATH):
    the course id and the exchange for nbgrader; no formgrader of their own (it is the
    hub service's), no course list for students, no news prompt (grader/labconfig/).
    ``etc/service``: the formgrader service's addition to grader/nbgrader_config.py."""
    shared_nbgrader = (
        "# Written by grader/hub/machine.py: this course's exchange on this machine.\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {hub.course_id!r}\n"
        f"c.Exchange.root = {str(hub.exchange)!r}\n")
    for kind, hidden in (("students", ["formgrader", "create-assignment", "course-list"]),
                         ("staff", ["formgrader", "create-assignment"])):
        folder = hub.etc / kind
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "nbgrader_config.py").write_text(shared_nbgrader)
        server = {name: False for name in ["nbgrader.server_extensions.formgrader"]
                  + (["nbgrader.server_extensions.course_list"] if kind == "students" else [])}
        write_json(folder / "jupyter_server_config.d" / "course-hub.json",
                   {"ServerApp": {"jpserver_extensions": server}})
        page_config = json.loads((GRADER / "labconfig" / "page_config.json").read_text())
        page_config["disabledExtensions"].update(
            {f"@jupyter/nbgrader:{name}": True for name in hidden})
        write_json(folder / "labconfig" / "page_config.json", page_config)
    (hub.etc / "service").mkdir(exist_ok=True)
    (hub.etc / "service" / "nbgrader_config.py").write_text(
        "# Written by grader/hub/machine.py. Late policy: work handed in after the due\n"
        "# date scores 0 (each assignment gets a due date when it is first released).\n"
        "c = get_config()  # noqa: F821\n"
        "c.LateSubmissionPlugin.penalty_method = 'zero'\n")
    for folder, _, names in os.walk(hub.etc):
        os.chmod(folder, 0o755)
        for name in names:
            os.chmod(os.path.join(folder, name), 0o644)


def hub_settings(hub: Hub, ports: dict) -> dict:
    """What grader/hub/jupyterhub_config.py reads (from COURSE_HUB_SETTINGS)."""
    return {
        "course_id": hub.course_id, "root": str(hub.root), "venv": str(hub.venv),
        "course": str(hub.course), "exchange": str(hub.exchange), "etc": str(hub.etc),
        "state": str(hub.state),
        "grader_account": hub.grader_account,
        "staff": [p.username for p in hub.people("instructor", "grader")],
        "students": [p.username for p in hub.people("student")],
        "bind_url": hub.url, **ports,
        "gradebook_url": os.environ.get("COURSE_GRADEBOOK_URL", ""),
    }


def as_grader(hub: Hub, args: list, **kwargs) -> subprocess.CompletedProcess:
    """``python -m grader.hub.service ARGS`` as the grader account, in the course folder."""
    env = {"PATH": f"{hub.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
           "HOME": pwd.getpwnam(hub.grader_account).pw_dir, "LANG": "C.UTF-8",
           "PYTHONPATH": str(hub.course), "COURSE_EXCHANGE": str(hub.exchange)}
    if os.environ.get("COURSE_GRADEBOOK_URL"):
        env["COURSE_GRADEBOOK_URL"] = os.environ["COURSE_GRADEBOOK_URL"]
    return run(["runuser", "-u", hub.grader_account, "--", "env", "-i",
                *[f"{k}={v}" for k, v in env.items()],
                str(hub.venv / "bin" / "python"), "-m", "grader.hub.service", *args],
               cwd=hub.course, **kwargs)


def set_up(hub: Hub, wheel: Path = None, say=print) -> dict:
    """Everything the hub needs on this machine; returns the passwords of new accounts."""
    if os.geteuid() != 0:
        sys.exit("make hub creates Unix accounts and folders under /srv and /opt: run it as "
                 "root (sudo make hub)")
    installed = install_system_packages()
    if installed:
        say(f"installed Debian's {', '.join(installed)} (apt-get)")
    if install_proxy():
        say("installed configurable-http-proxy (npm install --global)")
    wheel = wheel or kit.build_wheel(hub.venv.parent / "wheels")
    say(f"environment {hub.venv} (JupyterHub and {wheel.name}) ...")
    if install_environment(hub.venv, wheel):
        say(f"  installed into {hub.venv}")
    created = create_accounts(hub)
    for name in created:
        say(f"created the Unix account {name} (home {pwd.getpwnam(name).pw_dir}, mode 700)")
    make_folders(hub)
    if copy_course(hub):
        say(f"copied the course to {hub.course} (owner {hub.grader_account}, mode 700)")
    write_jupyter_config(hub)
    roster = [vars(p) for p in hub.people("student")]
    say(f"preparing {', '.join(hub.assignments)} in the gradebook and the exchange ...")
    as_grader(hub, ["prepare", json.dumps({"assignments": hub.assignments,
                                           "students": roster})])
    return created


def hub_command(hub: Hub) -> list:
    return [str(hub.venv / "bin" / "jupyterhub"),
            "-f", str(hub.course / "grader" / "hub" / "jupyterhub_config.py")]


def hub_env(hub: Hub, ports: dict) -> dict:
    settings = hub.state / "settings.json"
    write_json(settings, hub_settings(hub, ports))
    env = dict(os.environ)
    env["COURSE_HUB_SETTINGS"] = str(settings)
    env["PATH"] = f"{hub.venv / 'bin'}:{env.get('PATH', '')}"
    return env


def free_ports() -> dict:
    return {"hub_port": free_port(), "proxy_api_port": free_port(),
            "service_port": free_port()}


def main(argv: list) -> int:
    hub = Hub(ip=os.environ.get("COURSE_HUB_IP", "127.0.0.1"),
              port=int(os.environ.get("COURSE_HUB_PORT", "8000")))
    created = set_up(hub)
    passwords = {name: pw for name, pw in created.items() if pw}
    if passwords:
        print("\nPasswords of the new accounts (shown once; change with `passwd NAME`):")
        for p in hub.roster:
            if p.username in passwords:
                print(f"  {p.username:16} {passwords[p.username]:20} {p.role}: "
                      f"{p.first_name} {p.last_name}")
    print(f"\nJupyterHub on {hub.url} (log in as a roster account; Ctrl-C stops it)\n",
          flush=True)
    hub_process = subprocess.Popen(hub_command(hub), cwd=hub.state,
                                   env=hub_env(hub, free_ports()))
    # Ctrl-C reaches the hub itself (same process group); SIGTERM is passed on
    signal.signal(signal.SIGINT, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda *_: hub_process.terminate())
    return hub_process.wait()

