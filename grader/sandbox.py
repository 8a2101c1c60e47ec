"""The kernel that runs student code while nbgrader grades it.

nbgrader has no sandbox: a submission runs as the grader's user and could read the
solutions and hidden tests, rewrite the gradebook, touch other students' work or reach
the network. This launcher starts the IPython kernel inside bubblewrap (``bwrap``):

- **No privileges.** The kernel holds no capabilities (its effective, permitted and
  bounding sets are empty) and cannot mount anything. Where the grader is root, the
  kernel runs as an unprivileged user (``nobody``, or ``COURSE_SANDBOX_UID``); as an
  ordinary user (e.g. an instructor on JupyterHub), it runs as that user in a user
  namespace that cannot create further namespaces.
- **An allow-list view.** The kernel's ``/`` is an empty in-memory folder into which
  only what a notebook needs is bound read-only: the system (``/usr``, a few files of
  ``/etc``), the Python installation and virtual environment, the ``course`` package,
  ``data/`` and the local MNIST files. Nothing else of the machine exists for it: not
  the repository, the grading work area, other checkouts, home folders.
- **A private scratch folder.** The kernel works in ``/home/student/<assignment>``, an
  in-memory folder holding copies of the submission's regular files (not its notebooks:
  the notebook nbgrader executes, with the hidden tests restored, exists only in
  nbgrader's memory). What the kernel writes there vanishes with it; nbgrader gets the
  executed notebook over the kernel protocol only.
- **A clean environment**: ``--clearenv``, then only the variables in ``KEEP_ENV`` and
  those the kernel needs (PATH, HOME, ...). The grader's own (e.g. the gradebook URL
  with its password) never reach it.
- **Limits that hold**: address space and file size (rlimits); ``/tmp`` and the scratch
  folder are sized tmpfs; memory including tmpfs, and the number of processes, by the
  cgroup that grader/autograde.py makes for each submission where it can (root, cgroup
  v1), else by ``RLIMIT_NPROC``. No network, its own process table, no core dumps.

nbgrader starts it through the ``course-sandbox`` kernel spec that
:func:`write_kernel_spec` writes; grader/nbgrader_config.py selects that kernel. The
kernel talks to nbgrader over ZMQ ``ipc`` sockets in ``COURSE_IPC_DIR`` because the
sandbox has no network, not even loopback.

``COURSE_SANDBOX=off`` runs the kernel with the limits only (for machines without
bubblewrap, e.g. macOS); anything else requires ``bwrap`` and fails loudly without it.
What is and is not guaranteed: docs/security.md.
"""

import json
import os
import resource
import shutil
import stat
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KERNEL_NAME = "course-sandbox"
MEMORY_LIMIT = 6 * 1024**3  # bytes of address space, and of memory + tmpfs in a cgroup;
#                             TensorFlow needs about 2.3 GiB of address space
FILE_SIZE_LIMIT = 256 * 1024**2
TMP_SIZE = 512 * 1024**2  # the kernel's /tmp (in memory)
SCRATCH_SIZE = 512 * 1024**2  # its working folder: the disk a submission may use
PROCESS_LIMIT = 256  # processes and threads (TensorFlow starts a few dozen threads)
COPY_FILE_LIMIT = 200  # files copied into it at most
HOME = "/home/student"  # the kernel's home; its working folder is HOME/<assignment>
# The sizes of the thread pools of the kernel's numerical libraries (OpenMP, TensorFlow).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
# The grader's variables that the kernel keeps; every other one is dropped.
KEEP_ENV = ("NBGRADER_EXECUTION", "NBGRADER_VALIDATING", "COURSE_MNIST", "LANG", "LC_ALL",
            "TZ", "PYTHONHASHSEED", *THREAD_VARIABLES, "TF_CPP_MIN_LOG_LEVEL",
            "TF_ENABLE_ONEDNN_OPTS")
# What the kernel sees of the system, read-only (those that exist here).
SYSTEM_PATHS = ["/usr", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
                "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/localtime",
                "/etc/fonts", "/etc/alternatives", "/etc/mime.types",
                "/sys/devices/system/cpu"]
# Files of the grading folder that are not the student's and stay out of the scratch
# folder (the secret names the student's feedback file).
NOT_COPIED = {"submission_secret.txt"}
CONNECTION_FILE = "/run/kernel/connection.json"


def write_kernel_spec(jupyter_dir: Path) -> Path:
    """Write the kernel spec that starts this launcher with the current Python."""
    folder = Path(jupyter_dir) / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "grader.sandbox", "-f", "{connection_file}"],
        "display_name": "Python 3 (course grading sandbox)",
        "language": "python",
        # interrupt over the control channel: a signal to the launcher would stop at
        # bwrap, which does not pass it on to the kernel in its own process namespace
        "interrupt_mode": "message",
        "metadata": {"debugger": False},
    }
    path = folder / "kernel.json"
    path.write_text(json.dumps(spec, indent=1))
    return path


def mnist_paths() -> list:
    """The local MNIST files the notebooks may load (course.data's search order)."""
    from course.data import candidate_paths

    return [p for p in candidate_paths() if p.is_file()]


def sandbox_uid() -> int:
    """The user the kernel runs as when the grader is root."""
    return int(os.environ.get("COURSE_SANDBOX_UID", 65534))


def tasks_of(uid: int) -> int:
    """How many processes and threads ``uid`` runs now (what RLIMIT_NPROC counts)."""
    count = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if int(fields.get("Uid", "-1 ").split()[0]) == uid:
            count += int(fields.get("Threads", "1"))
    return count


def set_limits(process_limit_uid=None) -> None:
    """The rlimits of the kernel; with ``process_limit_uid``, a process limit for the
    kernel's user too (where no cgroup limits it): PROCESS_LIMIT more than it runs now."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if process_limit_uid is not None:
        nproc = tasks_of(process_limit_uid) + PROCESS_LIMIT
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))


def python_paths() -> list:
    """The Python installation and the virtual environment the kernel runs in."""
    paths = [Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()]
    return list(dict.fromkeys(paths))


def _visible(path: Path, bound: list) -> bool:
    return any(path == b or path.is_relative_to(b) for b in bound)


def view_options(read_only: list) -> list:
    """bwrap options that build the kernel's view from nothing: the root folders that
    are links to /usr (merged /usr) as links, then each path in ``read_only`` bound
    read-only at its own place, with its parent folders created traversable (0755,
    where bwrap's own would be 0700 and stop a non-root kernel)."""
    cmd = []
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            cmd += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            read_only = [path, *read_only]
    bound, made = [], set()
    for path in sorted({Path(p) for p in read_only}, key=lambda p: p.parts):
        if _visible(path, bound) or not path.exists():
            continue
        for parent in reversed(path.parents):
            if parent != Path("/") and parent not in made and not _visible(parent, bound):
                cmd += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
        cmd += ["--ro-bind", str(path), str(path)]
        bound.append(path)
    return cmd


def scratch_options(cwd: Path, dest: str) -> tuple:
    """bwrap options that fill the kernel's working folder ``dest`` (an empty tmpfs)
    with copies of the regular files in ``cwd`` except notebooks, and the open file
    descriptors they read from. Checked with lstat, opened without following links:
    anything else (a link, a FIFO, a device) is left out."""
    cmd, fds, size = [], [], 0
    for root, dirs, files in os.walk(cwd):  # does not follow links to folders
        rel = Path(root).relative_to(cwd)
        for name in sorted(dirs):
            if not os.path.islink(os.path.join(root, name)):
                cmd += ["--perms", "0777", "--dir", str(Path(dest) / rel / name)]
        for name in sorted(files):
            if name.endswith(".ipynb") or (rel == Path(".") and name in NOT_COPIED):
                continue
            try:
                fd = os.open(os.path.join(root, name),
                             os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:
                continue
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or len(fds) >= COPY_FILE_LIMIT or \
                    size + info.st_size > SCRATCH_SIZE // 2:
                os.close(fd)  # autograde rejects such folders; validate copies what fits
                continue
            size += info.st_size
            os.set_inheritable(fd, True)
            fds.append(fd)
            cmd += ["--perms", "0666", "--file", str(fd), str(Path(dest) / rel / name)]
    return cmd, fds


def kernel_environment(workdir: str) -> dict:
    """The kernel's whole environment: what it needs, plus KEEP_ENV from the grader's."""
    env = {name: os.environ[name] for name in KEEP_ENV if name in os.environ}
    env.update({
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin",
                                 "/usr/bin", "/bin"]),
        "HOME": HOME,
        "PWD": workdir,
        "USER": "student",
        "LANG": env.get("LANG", "C.UTF-8"),
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "IPYTHONDIR": "/tmp/ipython",
        "KERAS_HOME": "/tmp/keras",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    })
    return env


def thread_env(kernels_at_once: int) -> dict:
    """THREAD_VARIABLES for one of ``kernels_at_once`` kernels that share this machine's
    cores: each its share, at least one. Left alone, TensorFlow gives every kernel
    thread pools as large as the whole machine, and kernels graded side by side fight
    over the cores. A count set in the grader's own environment is kept."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    share = str(max(1, (cores or 1) // max(1, kernels_at_once)))
    return {name: os.environ.get(name) or share for name in THREAD_VARIABLES}


def bwrap_command(kernel_command: list, cwd: Path, ipc_dir: Path, connection_fd: int,
                  as_root: bool, uid: int = 65534) -> tuple:
    """The bubblewrap command line that runs ``kernel_command`` confined, started in
    ``cwd`` (nbgrader's folder for the notebook), and the file descriptors it reads.

    ``kernel_command`` must read its connection file from CONNECTION_FILE."""
    workdir = f"{HOME}/{cwd.name}"
    cmd = ["bwrap", "--clearenv"]
    for name, value in kernel_environment(workdir).items():
        cmd += ["--setenv", name, value]
    # What the notebook needs from the repository: the shared package, data/ (MNIST's
    # checksums, maybe the file); local copies of MNIST wherever the course looks.
    read_only = [*SYSTEM_PATHS, *python_paths(), REPO / "course", REPO / "data",
                 *[p.resolve() for p in mnist_paths()]]
    # the in-memory folders first: what is bound below them (MNIST in /tmp) stays seen
    cmd += ["--dev", "/dev", "--proc", "/proc",
            "--size", str(TMP_SIZE), "--perms", "1777", "--tmpfs", "/tmp",
            "--size", str(SCRATCH_SIZE), "--perms", "0777", "--tmpfs", HOME,
            "--perms", "0777", "--dir", workdir]
    cmd += view_options(read_only)
    for path in mnist_paths():  # where the course looks for it (maybe through a link)
        if path.absolute() != path.resolve():
            cmd += ["--ro-bind", str(path.resolve()), str(path.absolute())]
    scratch, fds = scratch_options(cwd, workdir)
    cmd += scratch
    cmd += ["--perms", "0755", "--dir", str(Path(CONNECTION_FILE).parent),
            "--perms", "0444", "--file", str(connection_fd), CONNECTION_FILE,
            "--bind", str(ipc_dir), str(ipc_dir),
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--hostname", "sandbox",
            "--die-with-parent", "--new-session", "--chdir", workdir]
    if as_root:
        # bwrap, as root, builds the view; the kernel then runs as an unprivileged user
        # (a real one, not root mapped into a user namespace), with nothing left.
        cmd += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                "--cap-add", "CAP_SETPCAP",
                "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--"]
    else:
        cmd += ["--unshare-user", "--disable-userns", "--cap-drop", "ALL"]
    return cmd + kernel_command, [connection_fd, *fds]


CGROUP_ROOT = Path("/sys/fs/cgroup")


class KernelCgroup:
    """A memory and a pids cgroup (cgroup v1) for the kernel of one submission, made
    inside the grader's own cgroups: memory.limit_in_bytes = MEMORY_LIMIT (what the
    kernel's processes hold, tmpfs included), pids.max = PROCESS_LIMIT. The launcher
    moves itself in (COURSE_SANDBOX_CGROUPS) before it starts bwrap.

    :meth:`create` returns one that does nothing where the grader cannot make cgroups
    (not root, no cgroup v1 memory and pids hierarchies): then rlimits alone hold."""

    def __init__(self, memory: Path = None, pids: Path = None):
        self.memory, self.pids = memory, pids

    @classmethod
    def create(cls, name: str) -> "KernelCgroup":
        if os.geteuid() != 0:
            return cls()
        own = {}
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(","):
                own[controller] = path.lstrip("/")
        unique = f"course-sandbox-{name}-{os.getpid()}-{os.urandom(4).hex()}"
        made = {}
        for controller in ("memory", "pids"):
            base = CGROUP_ROOT / controller
            if controller not in own or not (base / "cgroup.procs").is_file():
                break
            path = base / own[controller] / unique
            try:
                path.mkdir()
            except OSError:
                break
            made[controller] = path
        if len(made) < 2:
            cls(made.get("memory"), made.get("pids")).remove()
            return cls()
        (made["memory"] / "memory.limit_in_bytes").write_text(str(MEMORY_LIMIT))
        (made["pids"] / "pids.max").write_text(str(PROCESS_LIMIT))
        return cls(made["memory"], made["pids"])

    def env(self) -> dict:
        """What the launcher reads to join these cgroups."""
        if self.memory is None:
            return {}
        return {"COURSE_SANDBOX_CGROUPS": os.pathsep.join([str(self.memory), str(self.pids)])}

    def breaches(self) -> list:
        """The limits the kernel reached, as reasons for the grader's report."""
        if self.memory is None:
            return []
        reasons = []
        oom = dict(line.split() for line in
                   (self.memory / "memory.oom_control").read_text().splitlines())
        if int(oom.get("oom_kill", 0)) or int(oom.get("under_oom", 0)):
            reasons.append(f"the kernel reached the memory limit ({MEMORY_LIMIT >> 30} GiB, "
                           "files in /tmp included) and was stopped")
        events = dict(line.split() for line in
                      (self.pids / "pids.events").read_text().splitlines())
        if int(events.get("max", 0)):
            reasons.append(f"the kernel reached the process limit ({PROCESS_LIMIT})")
        return reasons

    def remove(self) -> None:
        """Kill what is left in them and remove them."""
        for path in (self.memory, self.pids):
            if path is None or not path.is_dir():
                continue
            for _ in range(50):
                pids = (path / "cgroup.procs").read_text().split()
                for pid in pids:
                    try:
                        os.kill(int(pid), 9)
                    except ProcessLookupError:
                        pass
                try:
                    path.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)


def join_cgroups() -> bool:
    """Move this process into the cgroups named in COURSE_SANDBOX_CGROUPS (made by
    grader/autograde.py for one submission); True if there were any."""
    paths = [p for p in os.environ.get("COURSE_SANDBOX_CGROUPS", "").split(os.pathsep) if p]
    for path in paths:
        Path(path, "cgroup.procs").write_text(str(os.getpid()))
    return bool(paths)


def main(argv: list) -> None:
    in_cgroup = join_cgroups()
    if os.environ.get("COURSE_SANDBOX", "on") == "off":
        set_limits()
        os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv])
    if shutil.which("bwrap") is None:
        sys.exit("grader.sandbox: bubblewrap (bwrap) is not installed; install it "
                 "(Debian/Ubuntu: apt-get install bubblewrap) or set COURSE_SANDBOX=off "
                 "to grade without the sandbox")
    as_root = os.geteuid() == 0
    uid = sandbox_uid() if as_root else os.getuid()
    set_limits(None if in_cgroup else uid)
    connection_file = Path(argv[argv.index("-f") + 1]).resolve()
    connection_fd = os.open(connection_file, os.O_RDONLY)
    os.set_inheritable(connection_fd, True)
    ipc_dir = Path(os.environ["COURSE_IPC_DIR"]).resolve()
    if as_root:  # the kernel makes its sockets there, as the unprivileged user
        os.chown(ipc_dir, uid, uid)
    args = list(argv)
    args[argv.index("-f") + 1] = CONNECTION_FILE
    kernel_command = [sys.executable, "-m", "ipykernel_launcher", *args]
    cmd, _ = bwrap_command(kernel_command, Path.cwd().resolve(), ipc_dir, connection_fd,
                           as_root, uid)
    os.execvp("bwrap", cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
