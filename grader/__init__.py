"""The grading pipeline of the course (run it as `python -m grader`)."""
