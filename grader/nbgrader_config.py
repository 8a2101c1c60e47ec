# nbgrader configuration for the course: the one place that says where things are.
#
# nbgrader reads this file when it runs with grader/ as its working directory (the
# grading pipeline does that: `python -m grader ...`), or from anywhere when
# JUPYTER_CONFIG_PATH includes this folder.
#
#   solutions/<assignment>/<notebook>.ipynb   source: solutions and hidden tests
#   notebooks/<assignment>/<notebook>.ipynb   release: what students get (generated)
#   grader/submitted|autograded|feedback/<student>/<assignment>/   grading work
#   grader/gradebook.db                       the gradebook (SQLite by default)
#
# COURSE_GRADER_WORKDIR moves the grading work (submissions, gradebook, feedback) to
# another folder; the test suite uses it to grade in a temporary directory.
import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = Path(os.environ.get("COURSE_GRADER_WORKDIR", HERE)).resolve()

c.CourseDirectory.course_id = "leaky-relu-course"
c.CourseDirectory.root = str(REPO)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.submitted_directory = str(WORK / "submitted")
c.CourseDirectory.autograded_directory = str(WORK / "autograded")
c.CourseDirectory.feedback_directory = str(WORK / "feedback")
c.CourseDirectory.db_url = f"sqlite:///{WORK / 'gradebook.db'}"

# Students in the gradebook are created on first autograde; the assignments on release.
c.Autograde.create_student = True

# Execution: the kernel of the environment nbgrader runs in, a per-cell limit, and
# no network or widgets needed. Notebooks see NBGRADER_EXECUTION and run fast.
c.Execute.kernel_name = "python3"
c.Execute.timeout = 120

# Feedback must never show hidden tests (nbgrader leaves them in by default), nor the
# traceback lines of a failing hidden test (they quote the test code).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "grader.preprocessors.HideHiddenTestTracebacks",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
