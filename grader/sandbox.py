"""The kernel that runs student code while nbgrader grades it.

nbgrader has no sandbox: a submission runs as the grader's user and could read the
solutions and hidden tests, rewrite the gradebook, touch other students' work or reach
the network. This launcher starts the IPython kernel

- with resource limits (memory, file size, no core dumps), so a memory blow-up ends in
  a MemoryError or a dead kernel instead of a dead machine; and
- inside bubblewrap (``bwrap``), where the repository and the grading work area are
  replaced by empty folders except what the notebook needs (the ``course`` package, the
  Python environment, and the student's own autograded folder, its working directory),
  with no network and its own process table.

nbgrader starts it through the ``course-sandbox`` kernel spec that
:func:`write_kernel_spec` writes; grader/nbgrader_config.py selects that kernel. The
kernel talks to nbgrader over ZMQ ``ipc`` sockets in ``COURSE_IPC_DIR`` because the
sandbox has no network, not even loopback.

``COURSE_SANDBOX=off`` runs the kernel with the limits only (for machines without
bubblewrap, e.g. macOS); anything else requires ``bwrap`` and fails loudly without it.
"""

import json
import os
import resource
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KERNEL_NAME = "course-sandbox"
MEMORY_LIMIT = 6 * 1024**3  # bytes of address space; TensorFlow needs about 2.3 GiB
FILE_SIZE_LIMIT = 256 * 1024**2


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


def set_limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def bwrap_command(kernel_command: list, cwd: Path, workdir: Path, ipc_dir: Path,
                  connection_file: Path) -> list:
    """The bubblewrap command line that runs ``kernel_command`` confined."""
    cmd = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
           "--tmpfs", "/tmp", "--tmpfs", str(REPO)]
    # What the notebook needs from the repository: the shared package, data/ (MNIST's
    # checksums, maybe the file), the Python environment when it lives in the
    # repository (.venv).
    keep = [REPO / "course", REPO / "data"]
    if Path(sys.prefix).resolve().is_relative_to(REPO):
        keep.append(Path(sys.prefix).resolve())
    for path in keep:
        cmd += ["--ro-bind", str(path), str(path)]
    if not workdir.is_relative_to(REPO):
        cmd += ["--tmpfs", str(workdir)]
    # Local copies of MNIST wherever the course looks for them (e.g. ../shared/data/,
    # which may sit in /tmp, replaced above by an empty folder), read-only.
    for path in mnist_paths():
        cmd += ["--ro-bind", str(path.resolve()), str(path.absolute())]
    cmd += ["--bind", str(cwd), str(cwd),
            "--bind", str(ipc_dir), str(ipc_dir),
            "--ro-bind", str(connection_file), str(connection_file),
            "--unshare-net", "--unshare-pid", "--die-with-parent", "--new-session",
            "--unsetenv", "JPY_PARENT_PID",  # its parent is not visible from inside
            "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib",
            "--setenv", "IPYTHONDIR", "/tmp/ipython",
            "--setenv", "KERAS_HOME", "/tmp/keras",
            "--chdir", str(cwd)]
    return cmd + kernel_command


def main(argv: list) -> None:
    set_limits()
    kernel_command = [sys.executable, "-m", "ipykernel_launcher", *argv]
    if os.environ.get("COURSE_SANDBOX", "on") == "off":
        os.execv(sys.executable, kernel_command)
    if shutil.which("bwrap") is None:
        sys.exit("grader.sandbox: bubblewrap (bwrap) is not installed; install it "
                 "(Debian/Ubuntu: apt-get install bubblewrap) or set COURSE_SANDBOX=off "
                 "to grade without the sandbox")
    connection_file = Path(argv[argv.index("-f") + 1]).resolve()
    cmd = bwrap_command(kernel_command, Path.cwd().resolve(),
                        Path(os.environ["COURSE_GRADER_WORKDIR"]).resolve(),
                        Path(os.environ["COURSE_IPC_DIR"]).resolve(), connection_file)
    os.execvp("bwrap", cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
