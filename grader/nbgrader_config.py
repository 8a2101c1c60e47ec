# nbgrader configuration for the course. Where things are is grader/paths.py's to say:
# this file asks it. nbgrader reads this file when it runs with grader/ as its working
# directory (the grading pipeline does that: `python -m grader ...`), or from anywhere
# when JUPYTER_CONFIG_PATH includes this folder.
#
# COURSE_GRADER_WORKDIR moves the grading work (submissions, gradebook, feedback) from
# work/class to another folder (the demo and the tests grade in folders of their own);
# COURSE_GRADEBOOK_URL puts the gradebook in a database server.
import os

from grader.cells import DEMO_TAG
from grader.paths import REPO, STUDENT, gradebook_url, work_dir

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

WORK = work_dir()

c.CourseDirectory.course_id = "leaky-relu-course"
c.CourseDirectory.root = str(REPO)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.submitted_directory = str(WORK / "submitted")
c.CourseDirectory.autograded_directory = str(WORK / "autograded")
c.CourseDirectory.feedback_directory = str(WORK / "feedback")
c.CourseDirectory.db_url = gradebook_url(WORK)

# The exchange: where released assignments wait for students and submissions for the
# instructor (nbgrader release_assignment / fetch_assignment / submit / collect). On a
# JupyterHub it is a folder all accounts share, named by COURSE_EXCHANGE (grader/hub/).
c.Exchange.root = os.environ.get("COURSE_EXCHANGE") or str(WORK / "exchange")
# Collect checks each submission before nbgrader copies it (its copy follows links):
# grader/exchange.py.
c.ExchangeFactory.collect = "grader.exchange.CheckedCollect"
# The student's side of a single-user setup (`make lab`, where one person plays student
# and instructor, as in nbgrader's own demo): JupyterLab's Assignments tab fetches into
# and submits from this folder, which must lie inside the folder JupyterLab serves (the
# repository), and keeps its record of submissions there too.
student = os.environ.get("COURSE_STUDENT_DIR") or str(STUDENT)
c.Exchange.assignment_dir = student
c.Exchange.cache = os.path.join(student, ".nbgrader-cache")

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
# How long the grader waits for a cell's outputs after the cell finished (nbclient's 4 s
# default is too short for a notebook that floods outputs on a busy machine). A flood
# read too slowly also loses outputs on the way (ZeroMQ drops messages past its queue of
# about 1,000), the last "idle" one included, and then the wait runs out however long it
# is. The grade does not depend on them: a cell passes or fails on the kernel's reply,
# and nbgrader adds the reply's error to a cell whose error output was lost. So the
# grader goes on with the next cell and records the loss (grader/autograde.py), where
# nbgrader's default failed the whole notebook, or not, by how busy the machine was.
c.Execute.iopub_timeout = 30
c.Execute.raise_on_iopub_timeout = False
c.ExecuteWithTimeLimit.notebook_timeout = 240
# Code cells tagged "demo" are demonstrations for the student (library tours, plots,
# experiments): nothing graded uses what they make (tests/test_release.py checks), so
# autograde and validate skip them (nbclient's skip_cells_with_tag); a test or answer
# cell keeps no such tag (OverwriteCellsSafely removes it).
c.Execute.skip_cells_with_tag = DEMO_TAG

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
    # runs the notebook within the time limits, with grading checks around the test cells
    # (tampering found: autograded tests score 0, and the reason is recorded)
    "grader.preprocessors.ExecuteWithTimeLimit",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    # after the grades are saved: what is stored (and shown by the formgrader and in
    # feedback) is cut to size across all MIME types, and cannot run script
    "grader.preprocessors.LimitOutputSize",
    "grader.preprocessors.SanitizeOutputs",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
    "grader.preprocessors.RecordReasons",  # last: the reasons into the notebook's metadata
]

# Feedback never shows hidden tests (nbgrader leaves them in by default): a test cell
# shows its outcome and message only, cells that ran after the hidden tests started show
# no outputs, and no output quoting a hidden-test line is shown (FeedbackOutputs).
# After each hand-graded answer, feedback shows the instructor's answer, read from the
# source notebook's solution region (InstructorAnswers): students meet it only here.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "grader.preprocessors.FeedbackOutputs",
    "grader.preprocessors.InstructorAnswers",
    "nbgrader.preprocessors.ClearHiddenTests",
    "grader.preprocessors.SanitizeOutputs",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# Feedback pages and the formgrader render notebooks with nbconvert's HTMLExporter: with
# sanitize_html its templates drop JavaScript and widget outputs and clean markdown cells
# and HTML outputs after rendering, with the course's clean_html (nh3) instead of
# nbconvert's narrower bleach list (which shows headings and images as escaped tags).
c.HTMLExporter.sanitize_html = True
# nbgrader's own feedback and formgrade templates render markdown cells without
# clean_html, so markdown2html itself is replaced by one that cleans its result.
c.HTMLExporter.filters = {"clean_html": "grader.preprocessors.clean_html",
                          "markdown2html": "grader.preprocessors.CleanMarkdown"}
