"""The course's side of the hub, run as the shared grader account in the course folder.

    python -m grader.hub.service prepare JSON   the gradebook and the exchange, before the
                                                hub starts (grader/hub/machine.py)
    python -m grader.hub.service serve          the formgrader service (JupyterHub starts it)

``prepare`` generates and releases what is missing (as ``make lab`` does, grader/lab.py),
gives each new assignment a due date a week ahead (the late policy counts from it), and
puts the students in the gradebook with their names from the roster. ``serve`` is the
course's JupyterLab as ``make lab`` starts it (the grading sandbox kernel, nbgrader's
environment, the formgrader) as ``jupyterhub-singleuser``: the hub authenticates the
instructor and the grader and proxies them to it, both on one gradebook.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from grader import lab
from grader.paths import REPO
from grader.work_area import WorkArea

DUE_IN = timedelta(days=7)


def prepare(assignments: list, students: list) -> None:
    area = WorkArea()
    due = datetime.now(timezone.utc).replace(microsecond=0) + DUE_IN
    with area.gradebook() as gb:
        new = [a for a in assignments if a not in {x.name for x in gb.assignments}]
    for line in lab.prepare(area, assignments):
        print(f"  {line}", flush=True)
    with area.gradebook() as gb:
        for name in new:
            gb.update_or_create_assignment(name, duedate=due)
            print(f"  {name}: due {due:%Y-%m-%d %H:%M} UTC", flush=True)
        for s in students:
            gb.update_or_create_student(s["username"], first_name=s["first_name"],
                                        last_name=s["last_name"])


def serve(argv: list) -> int:
    """``jupyterhub-singleuser`` on the course with the environment of ``make lab``;
    etc/service (COURSE_HUB_SERVICE_CONFIG) goes first on JUPYTER_CONFIG_PATH, so that
    its exchange and late policy win over grader/nbgrader_config.py's."""
    area = WorkArea()
    with tempfile.TemporaryDirectory(prefix="course-ipc-") as ipc_dir:
        env = lab.server_env(area, ipc_dir)
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
            [os.environ["COURSE_HUB_SERVICE_CONFIG"], env["JUPYTER_CONFIG_PATH"]])
        command = [str(Path(sys.executable).parent / "jupyterhub-singleuser"),
                   *[o for o in lab.SERVER_OPTIONS if o != "--allow-root"], *argv]
        server = subprocess.Popen(command, cwd=REPO, env=env)
        # the hub stops a service with SIGTERM: pass it on (the socket folder goes after)
        signal.signal(signal.SIGTERM, lambda *_: server.terminate())
        signal.signal(signal.SIGINT, lambda *_: server.terminate())
        return server.wait()


def main(argv: list) -> int:
    if argv[:1] == ["prepare"] and len(argv) == 2:
        settings = json.loads(argv[1])
        prepare(settings["assignments"], settings["students"])
        return 0
    if argv[:1] == ["serve"]:
        return serve(argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
