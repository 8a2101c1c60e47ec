# nbgrader's configuration for a student of the course, installed with the course wheel
# into the environment (<environment>/etc/jupyter/, on nbgrader's search path wherever
# the student runs it). It says which course the student's `nbgrader submit` and the
# Assignments tab work with; the exchange is nbgrader's default (/srv/nbgrader/exchange,
# as on a JupyterHub) unless the hub's own configuration sets another. It also keeps
# `nbgrader validate` from warning "No nbgrader_config.py file found".
c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.CourseDirectory.course_id = "leaky-relu-course"

# `nbgrader validate` runs the notebook as the grader will (NBGRADER_EXECUTION set, so
# the training is short), but on a student's laptop, which may be slow or busy: its limits
# are generous, so that a correct notebook is never failed for the machine's speed
# (nbgrader's defaults, 30 s per cell and 4 s for outputs, failed assignment 3 on a
# loaded 2-core machine while importing TensorFlow).
c.Execute.timeout = 600
c.Execute.iopub_timeout = 60
# As in grading: outputs lost to a flood do not fail the notebook (a cell passes or fails
# on the kernel's reply; see the grader's nbgrader_config.py).
c.Execute.raise_on_iopub_timeout = False

# It skips what grading skips: code cells tagged "demo" (demonstrations: nothing graded
# uses what they make), so a student's validate takes about as long as grading does
# (grader/nbgrader_config.py; tests/test_kit.py checks the two agree).
c.Execute.skip_cells_with_tag = "demo"
