"""The course on a local JupyterHub (``make hub``): real Unix accounts for an instructor, a
second grader and students, nbgrader's exchange between them, the formgrader as a hub
service of a shared grader account (nbgrader's ``demo_one_class_multiple_graders``).

- :mod:`grader.hub.machine` sets the machine up (as root) and runs the hub;
- :mod:`grader.hub.service` runs as the grader account: it prepares the gradebook and
  serves the formgrader;
- ``jupyterhub_config.py`` is the hub's configuration; ``roster.csv`` the demo class.

docs/jupyterhub.md describes the set-up and how it moves to a real server or Kubernetes.
"""
