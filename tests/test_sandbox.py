"""The grading sandbox's command line (the sandbox at work is tested in
test_bad_submissions.py and test_class_run.py)."""

from pathlib import Path

import course.data
from grader import sandbox


def mounts(cmd: list, option: str) -> list:
    return [(cmd[i + 1], cmd[i + 2]) if option != "--tmpfs" else cmd[i + 1]
            for i, word in enumerate(cmd) if word == option]


def test_repository_and_work_area_are_hidden_but_what_notebooks_need_is_kept(tmp_path,
                                                                           monkeypatch):
    shared = tmp_path / "shared" / "data" / "mnist.npz"  # ../shared of a clone in /tmp
    shared.parent.mkdir(parents=True)
    shared.write_bytes(b"npz")
    monkeypatch.setattr(course.data, "candidate_paths", lambda: [shared, tmp_path / "nope"])
    work, cwd, ipc = tmp_path / "work", tmp_path / "work" / "autograded" / "s" / "a", tmp_path
    cmd = sandbox.bwrap_command(["python", "-m", "ipykernel_launcher"], cwd, work, ipc,
                                Path("/run/kernel.json"))
    hidden = mounts(cmd, "--tmpfs")
    assert "/tmp" in hidden and str(sandbox.REPO) in hidden and str(work) in hidden
    read_only = mounts(cmd, "--ro-bind")
    assert (str(sandbox.REPO / "course"),) * 2 in read_only
    assert (str(sandbox.REPO / "data"),) * 2 in read_only
    assert (str(shared), str(shared)) in read_only  # bound after /tmp is emptied
    assert cmd.index(str(shared)) > cmd.index("/tmp")
    assert (str(cwd), str(cwd)) in mounts(cmd, "--bind")
    assert "--unshare-net" in cmd and "--unshare-pid" in cmd and "--die-with-parent" in cmd
    assert cmd[-3:] == ["python", "-m", "ipykernel_launcher"]


def test_kernel_spec_starts_this_launcher_and_interrupts_by_message(tmp_path):
    import json

    spec = json.loads(sandbox.write_kernel_spec(tmp_path).read_text())
    assert spec["argv"][1:4] == ["-m", "grader.sandbox", "-f"]
    assert spec["interrupt_mode"] == "message"
