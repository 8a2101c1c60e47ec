"""JupyterLab on the course, nbgrader's extensions ready (``make lab``).

One person plays both parts, as in nbgrader's own single-user demo:

- student: the *Assignments* tab lists what is released in the exchange; *Fetch* copies
  an assignment into ``work/student/`` (grader/paths.py), the notebook toolbar's
  *Validate* runs its visible tests, *Submit* hands it in;
- instructor: *Nbgrader > Formgrader* shows the gradebook, collects and autogrades the
  submissions and opens the written answers for manual grading.

Before JupyterLab starts, every assignment the gradebook does not know yet is generated
(which records its cells there) and every assignment not yet in the exchange is
released, so the first start shows them. The server gets the environment nbgrader's
commands get (:meth:`grader.work_area.WorkArea.nbgrader_env`): *Validate* and the
formgrader's *Autograde* run in the server process, in the grading sandbox.

    python -m grader lab [JupyterLab options, e.g. --no-browser --port 8899]
"""

import os
import signal
import subprocess
import sys
import tempfile

from nbgrader.api import MissingEntry

from grader.paths import GRADER, REPO, assignments, work_dir
from grader.work_area import WorkArea


def prepare(area: WorkArea, names: list = None) -> list:
    """Generate and release what is missing, so that the formgrader and the students'
    Assignments tab show every assignment; return what was done, one line each."""
    config = area.config()
    outbound = os.path.join(config.Exchange.root, config.CourseDirectory.course_id, "outbound")
    done = []
    for name in assignments() if names is None else names:
        with area.gradebook() as gb:
            try:
                known = bool(gb.find_assignment(name).notebooks)
            except MissingEntry:
                known = False
        if not known:
            area.generate_assignment(name)
            done.append(f"{name}: generated (the gradebook now has its cells)")
        if not os.path.isdir(os.path.join(outbound, name)):
            area.release_assignment(name)
            done.append(f"{name}: released to the exchange, {outbound}")
    os.makedirs(config.Exchange.assignment_dir, exist_ok=True)
    return done


def server_env(area: WorkArea, ipc_dir) -> dict:
    """nbgrader's environment for this work area, with grader/ on JUPYTER_CONFIG_PATH so
    that the extensions read grader/nbgrader_config.py (and grader/labconfig/) whatever
    folder they serve."""
    env = area.nbgrader_env(ipc_dir)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        filter(None, [str(GRADER), env.get("JUPYTER_CONFIG_PATH")]))
    # the formgrader's MathJax from this server, not a CDN (see the template's comment)
    env["JUPYTER_PATH"] = os.pathsep.join([str(GRADER / "lab_data"), env["JUPYTER_PATH"]])
    return env


# The repository as JupyterLab's root (the formgrader needs the course inside it); only
# the students' kernel in the launcher (the grading sandbox is nbgrader's, and talks over
# sockets that only nbgrader sets up); offline: no update check or news feed (the news
# prompt itself is switched off in grader/labconfig/page_config.json).
SERVER_OPTIONS = [
    f"--ServerApp.root_dir={REPO}",
    "--KernelSpecManager.allowed_kernelspecs=python3",
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
]
if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI machines
    SERVER_OPTIONS.append("--allow-root")


def server_command(argv: list) -> list:
    """The command that starts JupyterLab on the course, ``argv`` added to its options."""
    return [sys.executable, "-m", "jupyter", "lab", *SERVER_OPTIONS, *argv]


def main(argv: list) -> int:
    area = WorkArea(workdir=work_dir())
    for line in prepare(area):
        print(line, flush=True)
    with tempfile.TemporaryDirectory(prefix="course-ipc-") as ipc_dir:
        server = subprocess.Popen(server_command(argv), cwd=REPO, env=server_env(area, ipc_dir))
        # Ctrl-C reaches JupyterLab itself (it asks before it shuts down); a SIGTERM sent
        # to this launcher is passed on. The socket folder goes when the server stops.
        signal.signal(signal.SIGINT, lambda *_: None)
        signal.signal(signal.SIGTERM, lambda *_: server.terminate())
        return server.wait()
