# nbgrader's configuration for a student of the course, installed with the course wheel
# into the environment (<environment>/etc/jupyter/, on nbgrader's search path wherever
# the student runs it). It says which course the student's `nbgrader submit` and the
# Assignments tab work with; the exchange is nbgrader's default (/srv/nbgrader/exchange,
# as on a JupyterHub) unless the hub's own configuration sets another. It also keeps
# `nbgrader validate` from warning "No nbgrader_config.py file found".
c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.CourseDirectory.course_id = "leaky-relu-course"
