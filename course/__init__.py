"""Code that the course notebooks share: quiet imports, grading mode, plots and checks.

Notebooks import it as ``import course`` (installed by ``make course`` / ``make test``).
Nothing in here solves a graded exercise: helpers take the student's functions as
arguments, and checks compare with expectations written in the test cells themselves.
"""

from course.grading import grading_mode
from course.quiet import import_keras, import_tensorflow

__all__ = ["grading_mode", "import_keras", "import_tensorflow"]
