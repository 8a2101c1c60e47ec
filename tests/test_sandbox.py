"""The grading sandbox's command line (the sandbox at work, attacked, is tested in
test_attacks_sandbox.py and test_class_run.py)."""

import os
from pathlib import Path

import pytest

import course.data
from grader import sandbox


def mounts(cmd: list, option: str) -> list:
    return [(cmd[i + 1], cmd[i + 2]) if option not in ("--tmpfs", "--dir") else cmd[i + 1]
            for i, word in enumerate(cmd) if word == option]


@pytest.fixture
def command(tmp_path, monkeypatch):
    """The command line for a kernel started in a grading folder that holds a notebook,
    a data file, the submission's secret, a link and a FIFO."""
    shared = tmp_path / "shared" / "data" / "mnist.npz"  # ../shared of a clone in /tmp
    shared.parent.mkdir(parents=True)
    shared.write_bytes(b"npz")
    monkeypatch.setattr(course.data, "candidate_paths", lambda: [shared, tmp_path / "nope"])
    monkeypatch.setenv("COURSE_GRADEBOOK_URL", "postgresql://grader:secret@db/course")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    cwd = tmp_path / "work" / "autograded" / "s" / "01-a"
    (cwd / "sub").mkdir(parents=True)
    for name in ("01-a.ipynb", "notes.txt", "sub/more.txt", "submission_secret.txt"):
        (cwd / name).write_text(name)
    (cwd / "link").symlink_to(shared)
    os.mkfifo(cwd / "fifo")

    def make(as_root):
        fd = os.open(shared, os.O_RDONLY)
        cmd, fds = sandbox.bwrap_command(["python", "-m", "ipykernel_launcher"], cwd,
                                         tmp_path / "ipc", fd, as_root, 65534)
        return cmd, fds, shared, tmp_path

    return make


def test_the_view_is_an_allow_list_of_read_only_paths(command):
    cmd, _, shared, tmp_path = command(True)
    read_only = mounts(cmd, "--ro-bind")
    assert ("/", "/") not in read_only
    assert (str(sandbox.REPO),) * 2 not in read_only
    assert (str(sandbox.REPO / "course"),) * 2 in read_only
    assert (str(sandbox.REPO / "data"),) * 2 in read_only
    assert (str(shared), str(shared)) in read_only
    for path in sandbox.python_paths():
        assert (str(path),) * 2 in read_only
    assert all(not src.startswith(("/root", "/home")) or Path(src) in sandbox.python_paths()
               for src, _ in read_only)
    # the one writable folder: the sockets' (the working folder is a tmpfs)
    assert mounts(cmd, "--bind") == [(str(tmp_path / "ipc"),) * 2]
    assert cmd.index(str(shared)) > cmd.index("/tmp")  # bound after /tmp is emptied
    tmpfs = [cmd[i - 4:i + 2] for i, w in enumerate(cmd) if w == "--tmpfs"]
    assert ["--size", str(sandbox.TMP_SIZE), "--perms", "1777", "--tmpfs", "/tmp"] in tmpfs
    assert ["--size", str(sandbox.SCRATCH_SIZE), "--perms", "0777", "--tmpfs",
            sandbox.HOME] in tmpfs
    for option in ("--unshare-net", "--unshare-pid", "--die-with-parent", "--new-session"):
        assert option in cmd


def test_the_environment_is_cleared_then_given_only_what_the_kernel_needs(command):
    cmd, *_ = command(True)
    assert cmd[:2] == ["bwrap", "--clearenv"]
    env = {cmd[i + 1]: cmd[i + 2] for i, w in enumerate(cmd) if w == "--setenv"}
    assert "COURSE_GRADEBOOK_URL" not in env and "secret" not in " ".join(cmd)
    assert env["NBGRADER_EXECUTION"] == "autograde"
    assert env["HOME"] == sandbox.HOME


def test_kernels_graded_side_by_side_split_the_cores(monkeypatch):
    for name in sandbox.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sandbox.os, "sched_getaffinity", lambda pid: set(range(8)))
    assert set(sandbox.thread_env(2).values()) == {"4"}
    assert set(sandbox.thread_env(3).values()) == {"2"}
    assert set(sandbox.thread_env(16).values()) == {"1"}  # never none
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # the grader's own choice stays
    assert sandbox.thread_env(2) == {"OMP_NUM_THREADS": "3", "TF_NUM_INTRAOP_THREADS": "4",
                                     "TF_NUM_INTEROP_THREADS": "4"}


def test_the_working_folder_gets_copies_of_regular_files_but_no_notebook(command):
    cmd, fds, *_ = command(True)
    workdir = f"{sandbox.HOME}/01-a"
    files = [cmd[i + 2] for i, w in enumerate(cmd) if w == "--file"]
    assert sorted(files) == sorted([f"{workdir}/notes.txt", f"{workdir}/sub/more.txt",
                                    sandbox.CONNECTION_FILE])
    assert f"{workdir}/sub" in mounts(cmd, "--dir")
    assert len(fds) == len(files)
    assert cmd[cmd.index("--chdir") + 1] == workdir
    for fd in fds:
        os.close(fd)


def test_as_root_the_kernel_drops_every_capability_and_becomes_nobody(command):
    cmd, *_ = command(True)
    assert cmd[cmd.index("--cap-drop") + 1] == "ALL"
    tail = cmd[cmd.index("setpriv"):]
    assert "--reuid=65534" in tail and "--bounding-set=-all" in tail
    assert tail[-4:] == ["--", "python", "-m", "ipykernel_launcher"]
    assert "--unshare-user" not in cmd


def test_as_a_user_the_kernel_gets_a_user_namespace_without_further_ones(command):
    cmd, *_ = command(False)
    assert "setpriv" not in cmd
    for option in ("--unshare-user", "--disable-userns"):
        assert option in cmd
    assert cmd[cmd.index("--cap-drop") + 1] == "ALL"
    assert cmd[-3:] == ["python", "-m", "ipykernel_launcher"]


def test_kernel_spec_starts_this_launcher_and_interrupts_by_message(tmp_path):
    import json

    spec = json.loads(sandbox.write_kernel_spec(tmp_path).read_text())
    assert spec["argv"][1:4] == ["-m", "grader.sandbox", "-f"]
    assert spec["interrupt_mode"] == "message"
