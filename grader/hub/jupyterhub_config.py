# JupyterHub configuration of the course (make hub; grader/hub/machine.py starts the hub
# with this file). It follows nbgrader's demo_one_class_multiple_graders: every person
# logs in as their own Unix account (PAM) and gets a server running as that account
# (LocalProcessSpawner); the formgrader is a hub service running as the shared grader
# account, which alone can read the course (solutions, hidden tests, gradebook); the
# instructor and the second grader reach it through the group formgrade-<course id>.
#
# Paths, ports and the roster come from the JSON file named by COURSE_HUB_SETTINGS,
# which grader/hub/machine.py writes (the roster is grader/hub/roster.csv).
import json
import os

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
settings = json.loads(open(os.environ["COURSE_HUB_SETTINGS"]).read())
course_id, venv, etc = settings["course_id"], settings["venv"], settings["etc"]
staff, students = settings["staff"], settings["students"]
PATH = f"{venv}/bin:/usr/local/bin:/usr/bin:/bin"

# The hub, its proxy (configurable-http-proxy) and its own state
c.JupyterHub.bind_url = settings["bind_url"]
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{settings['hub_port']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
c.ConfigurableHTTPProxy.pid_file = f"{settings['state']}/proxy.pid"
c.JupyterHub.db_url = f"sqlite:///{settings['state']}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{settings['state']}/jupyterhub_cookie_secret"
c.JupyterHub.cleanup_servers = True  # stopping the hub stops everyone's server

# Who may log in: the roster's Unix accounts, with their Unix passwords
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False  # no login session (utmp, systemd) per server
c.Authenticator.allowed_users = set(staff + students)

# Everyone's server: JupyterLab from the course environment, as their own account, in
# their home folder. Students and staff read their own Jupyter configuration (written by
# grader/hub/machine.py): this course's exchange; no formgrader in their own server.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [f"{venv}/bin/jupyterhub-singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.args = ["--LabApp.news_url=None",
                  "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
c.Spawner.environment = {"PATH": PATH}
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120


def choose_config(spawner):
    kind = "staff" if spawner.user.name in staff else "students"
    spawner.environment["JUPYTER_CONFIG_PATH"] = f"{etc}/{kind}"


c.Spawner.pre_spawn_hook = choose_config

# The formgrader as a service of the grader account. The group's name must start with
# formgrade- and the service's name must be the course id (nbgrader looks them up).
group = f"formgrade-{course_id}"
c.JupyterHub.load_groups = {group: {"users": staff}}
c.JupyterHub.load_roles = [
    {"name": group, "groups": [group],
     "scopes": [f"access:services!service={course_id}", "list:services",
                f"read:services!service={course_id}"]},
    # the servers' tokens carry their owner's permissions (the course list asks the hub
    # which services its owner may use)
    {"name": "server", "scopes": ["inherit"]},
]
environment = {
    "PATH": PATH,
    "PYTHONPATH": settings["course"],  # grader/ of the course copy
    "COURSE_EXCHANGE": settings["exchange"],
    "COURSE_HUB_SERVICE_CONFIG": f"{etc}/service",
    "JUPYTERHUB_DEFAULT_URL": "/lab",
}
if settings["gradebook_url"]:
    environment["COURSE_GRADEBOOK_URL"] = settings["gradebook_url"]
c.JupyterHub.services = [{
    "name": course_id,
    "url": f"http://127.0.0.1:{settings['service_port']}",
    "command": [f"{venv}/bin/python", "-m", "grader.hub.service", "serve"],
    "user": settings["grader_account"],
    "cwd": settings["course"],
    "environment": environment,
    "oauth_no_confirm": True,
    "timeout": 180,  # s for it to answer at start (JupyterHub 6; TensorFlow's machine is slow)
}]
