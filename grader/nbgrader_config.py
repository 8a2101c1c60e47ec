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
#   grader/exchange/                          nbgrader's exchange (release, submit, feedback;
#                                             COURSE_EXCHANGE moves it)
#   student/<assignment>/                     fetched by the student in JupyterLab (make lab)
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
# The gradebook: SQLite in the work area by default; any SQLAlchemy URL in
# COURSE_GRADEBOOK_URL instead, e.g. postgresql://grader:secret@dbhost/leaky_relu_course.
c.CourseDirectory.db_url = (os.environ.get("COURSE_GRADEBOOK_URL")
                            or f"sqlite:///{WORK / 'gradebook.db'}")

# The exchange: where released assignments wait for students and submissions for the
# instructor (nbgrader release_assignment / fetch_assignment / submit / collect). On a
# JupyterHub it is a folder all accounts share, named by COURSE_EXCHANGE (grader/hub/).
c.Exchange.root = os.environ.get("COURSE_EXCHANGE") or str(WORK / "exchange")
# The student's side of a single-user setup (`make lab`, where one person plays student
# and instructor, as in nbgrader's own demo): JupyterLab's Assignments tab fetches into
# and submits from this folder, which must lie inside the folder JupyterLab serves (the
# repository), and keeps its record of submissions there too.
STUDENT = Path(os.environ.get("COURSE_STUDENT_DIR", REPO / "student")).resolve()
c.Exchange.assignment_dir = str(STUDENT)
c.Exchange.cache = str(STUDENT / ".nbgrader-cache")

# Students in the gradebook are created on first autograde; the assignments on release.
c.Autograde.create_student = True

# Execution: the kernel of the environment nbgrader runs in; limits per cell and for the
# whole notebook (notebooks see NBGRADER_EXECUTION and run fast while graded, so a
# submission that hits these is stuck, not slow).
c.Execute.kernel_name = "course-sandbox"  # grader/sandbox.py; its spec is written per run
if os.environ.get("COURSE_IPC_DIR"):  # the sandbox has no network: talk over ipc sockets
    c.KernelManager.transport = "ipc"
    c.KernelManager.ip = os.path.join(os.environ["COURSE_IPC_DIR"], "kernel")
c.Execute.timeout = 60
c.ExecuteWithTimeLimit.notebook_timeout = 240

# A submission is graded whatever a student did to it: test cells that were edited are
# restored from the gradebook (nbgrader does that by default), deleted ones are put
# back (so they score 0 instead of vanishing from the total), and outputs are cut to a
# readable size.
c.OverwriteCells.add_missing_cells = True
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "grader.preprocessors.OverwriteCellsSafely",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "grader.preprocessors.ExecuteWithTimeLimit",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "grader.preprocessors.LimitOutputSize",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Feedback must never show hidden tests (nbgrader leaves them in by default), nor the
# traceback lines of a failing hidden test (they quote the test code).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "grader.preprocessors.HideHiddenTestTracebacks",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
