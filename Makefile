# The two commands of the README, and the set-up they share.
#   make course   set up, then run the whole course pipeline (release, submit, grade, feedback)
#   make test     set up, then run the linter and the whole test suite
#   make lab      open JupyterLab on the course, nbgrader's extensions configured
#   make hub      (as root) JupyterHub for a class: Unix accounts, exchange, formgrader service
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# nbgrader shells out to `alembic`, so the environment's bin/ must be on PATH.
export PATH := $(abspath $(BIN)):$(PATH)
# Kernels of this environment (the student's in `make lab`) log only errors: ipykernel's
# "Kernel is running over TCP without encryption" warning on every start is not one (the
# kernel talks to JupyterLab on localhost). The student kit's wheel installs the same file.
KERNEL_CONFIG := $(VENV)/etc/ipython/ipython_kernel_config.json

.PHONY: course test setup lab hub clean

course: setup
	$(BIN)/python -m grader course

# The suite, once. Its gradebooks are SQLite, except where a test proves something about
# a database server: with COURSE_TEST_POSTGRES set (a server URL, see .ci/start-postgres)
# those grade on PostgreSQL (grading on Dask, marked postgres, and an interrupted run);
# without a server the postgres tests are reported as skipped (failed in CI).
test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 3 --no-loadscope-reorder

setup: $(VENV)/.installed $(KERNEL_CONFIG)

$(KERNEL_CONFIG): grader/kit_files/ipython_kernel_config.json $(VENV)/.installed
	mkdir -p $(dir $@) && cp $< $@

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert (3, 10) <= sys.version_info[:2] <= (3, 13), \
		f"Python 3.10 to 3.13 needed (TensorFlow 2.x wheels), found {sys.version.split()[0]}"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The .pyc files are made after the install, on every core (pip makes them one file at
	# a time): the grading sandbox binds this environment read-only, so its kernels could
	# not write them. Packages' own test suites (tests/ folders) are left out: no
	# kernel imports them.
	$(BIN)/python -m pip install --quiet --no-compile -e ".[test]"
	$(BIN)/python -m compileall -q -j 0 -x '/tests/' $(VENV)/lib
	touch $@

# JupyterLab at the top of the repository, its nbgrader extensions reading
# grader/nbgrader_config.py (through JUPYTER_CONFIG_PATH); releases to the exchange
# what is not there yet (grader/lab.py).
lab: setup
	$(BIN)/python -m grader lab

# JupyterHub with real Unix accounts (runs as root): the venv under /opt, the accounts of
# grader/hub/roster.csv, the course under /srv/leaky-relu-course; see docs/jupyterhub.md.
hub: setup
	$(BIN)/python -m grader hub

# The demo's work area and what the builds left; a class graded in work/class is kept
# (its gradebook holds real grades): remove that folder by hand when the term is over.
clean:
	rm -rf work/demo work/student kit tests/artifacts
