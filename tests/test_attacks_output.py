"""Attacks on what comes out of grading: leaked hidden tests, forged scores, huge
outputs, script in outputs. Each is a real submission of assignment 1 graded through the
real path (submit, autograde, feedback) in one small class, next to an honest one whose
grades must not change.
"""

import html
import json
import re

import nbformat
import pytest
from browser import CHROMIUM_MISSING, chromium_path
from helpers import hidden_test_lines, new_work_area
from nbconvert.exporters import HTMLExporter

from grader.paths import notebook_name, source_notebook
from grader.submissions import make_submission, reference_answers

pytestmark = [pytest.mark.slow]  # once: what they prove does not depend on the gradebook's database
A = "01-leaky-relu"
NB = notebook_name(A)
FULL = 16.0

# A pre-run hook sees the source of every cell before it runs, hidden tests included;
# the stash is shown later in every way a cell can show something. The same student
# prints the restored notebook, with the hidden tests, if the kernel can read it.
STASH = '''
import glob
from IPython.display import HTML, display
stash = []
get_ipython().events.register("pre_run_cell", lambda info: stash.append(info.raw_cell))
for path in sorted(glob.glob("*.ipynb") + glob.glob("**/*.ipynb", recursive=True)):
    try:
        print(open(path).read())
    except Exception as error:
        print(f"cannot read {path}: {error}")
def relu(x):
    return np.maximum(np.asarray(x, dtype=float), 0.0)
'''
SHOW_STASH = '''
print("\\n".join(stash))
display(HTML("<pre>" + "\\n".join(stash) + "</pre>"))
'''
RAISE_STASH = '''
def leaky_relu_grad(x, alpha=0.01):
    raise ValueError("\\n".join(stash))
'''
# Forgeries, with nothing solved (or nothing at all).
AST_TRANSFORMER = '''
import ast
class Swallow(ast.NodeTransformer):
    def visit_Module(self, node):
        handler = ast.ExceptHandler(type=ast.Name("BaseException", ast.Load()), name=None,
                                    body=[ast.Pass()])
        node.body = [ast.Try(body=node.body or [ast.Pass()], handlers=[handler], orelse=[],
                             finalbody=[])]
        return ast.fix_missing_locations(node)
get_ipython().ast_transformers.append(Swallow())
'''
REBIND_CHECKS = '''
from course import checks as c
for name in ("call", "expect_array", "expect_number", "expect_raises", "expect_unchanged",
             "expect_float_dtype", "expect_new_array"):
    setattr(c, name, lambda *args, **kwargs: None)
def relu(x):
    return x
'''
PATCH_NUMPY = '''
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(a, b).shape, dtype=bool)
np.array_equal = lambda *args, **kwargs: True
def relu(x):
    return x
'''
# Script first (what the feedback keeps), then a flood: 2,000 HTML outputs (10 MB) and
# a 10 MB image.
SCRIPT_AND_FLOOD = '''
import base64, os
from IPython.display import HTML, SVG, Javascript, Markdown, display
display(HTML('<b>bold stays</b><img src="x" onerror="window.__pwned = 1">'
             '<script>window.__pwned = 2</script>'))
display(Javascript("window.__pwned = 3"))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned = 4">'
            '<script>window.__pwned = 5</script></svg>'))
display(Markdown('<img src="y" onerror="window.__pwned = 6">'))
for i in range(2000):
    display(HTML(f"<div>{i}</div>" + "<b>x</b>" * 600))
display({"image/png": base64.b64encode(os.urandom(10_000_000)).decode()}, raw=True)
def relu(x):
    return np.maximum(np.asarray(x, dtype=float), 0.0)
'''
SF = "script-and-flood"  # the student whose outputs carry script, then a flood
SCRIPT_ANSWER = ('A slope keeps gradients alive. <img src="z" onerror="window.__pwned = 7"> '
                 '[more](javascript:window.__pwned=8)')


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    work = tmp_path_factory.mktemp("attacks")
    course = new_work_area(work)  # the course's time limits: nothing here loops
    course.generate_assignment(A)
    release = course.release_dir / A / NB
    ref = reference_answers(source_notebook(A))

    def sub(answers, fallback=True):
        return make_submission(release, answers, ref if fallback else None)

    submissions = {
        "honest": sub({}),
        "stash": sub({"relu": STASH, "leaky_relu": ref["leaky_relu"] + SHOW_STASH,
                      "leaky_relu_grad": RAISE_STASH,
                      "plot_activations": ref["plot_activations"] + SHOW_STASH}),
        "ast-transformer": sub({"relu": AST_TRANSFORMER}, fallback=False),
        "rebind-checks": sub({"relu": REBIND_CHECKS}, fallback=False),
        "patch-numpy": sub({"relu": PATCH_NUMPY}, fallback=False),
        SF: sub({"relu": SCRIPT_AND_FLOOD,
                                 "explain_negative_slope": SCRIPT_ANSWER}),
    }
    for student, nb in submissions.items():
        course.submit(student, A, nb)
    outcomes = {o.student: o for o in course.autograde(A)}
    course.feedback(A)
    return course, outcomes


def total(course, student):
    cells = course.autograded_scores(A)[student]
    return sum(s for s, _ in cells.values()), sum(m for _, m in cells.values())


def page_text(path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text()))


def test_an_honest_submission_keeps_full_marks_and_has_nothing_to_report(graded):
    course, outcomes = graded
    assert outcomes["honest"].status == "graded", outcomes["honest"].log[-3000:]
    assert outcomes["honest"].reasons == []
    cells = course.autograded_scores(A)["honest"]
    assert all(score == top for score, top in cells.values()), cells
    assert total(course, "honest") == (FULL, FULL)


@pytest.mark.parametrize("student", ["stash", "honest"])
def test_no_feedback_page_shows_a_hidden_test_line(graded, student):
    course, outcomes = graded
    hidden = hidden_test_lines(A)
    assert hidden
    path = course.feedback_path(student, A)
    assert path.exists(), outcomes[student].reasons
    text = page_text(path)
    shown = [line for line in hidden if line in text]
    assert not shown, f"{student}'s feedback shows hidden test lines: {shown[:3]}"
    assert "HIDDEN TESTS" not in text


def test_the_leaks_were_really_attempted(graded):
    """The autograded notebook (the instructor's view) holds what the feedback hid: the
    check above proves something only if the attack produced hidden lines."""
    course, _ = graded
    hidden = hidden_test_lines(A)
    text = (course.workdir / "autograded" / "stash" / A / NB).read_text()
    assert any(line in text for line in hidden)


def test_a_pre_run_hook_is_found_and_recorded(graded):
    course, outcomes = graded
    assert any("pre-run hook" in r for r in outcomes["stash"].reasons), outcomes["stash"].reasons
    assert total(course, "stash")[0] == 0.0


@pytest.mark.parametrize(("student", "found"), [
    ("ast-transformer", "must fail finished without an error"),
    ("rebind-checks", "checks.expect_array accepted a wrong value"),
    ("patch-numpy", "numpy.isclose called two different numbers equal"),
])
def test_forged_scores_are_found_recorded_and_zeroed(graded, student, found):
    course, outcomes = graded
    outcome = outcomes[student]
    assert outcome.status == "graded", outcome.log[-3000:]
    assert any("grading was tampered with" in r and found in r for r in outcome.reasons), \
        outcome.reasons
    assert total(course, student) == (0.0, FULL)
    text = page_text(course.feedback_path(student, A))
    assert "GradingIntegrityError" in text


def test_huge_outputs_are_cut_and_recorded_and_the_grade_stands(graded):
    course, outcomes = graded
    assert outcomes[SF].status == "graded", outcomes[SF].log[-4000:]
    path = course.workdir / "autograded" / SF / A / NB
    assert path.stat().st_size < 10_000_000, path.stat().st_size
    assert "removed by the grader" in path.read_text()
    assert any("outputs were cut to size" in r for r in outcomes[SF].reasons), \
        outcomes[SF].reasons
    assert total(course, SF) == (FULL, FULL)
    assert course.feedback_path(SF, A).stat().st_size < 10_000_000


def test_script_in_outputs_is_removed_from_the_autograded_notebook(graded):
    course, _ = graded
    nb = nbformat.read(course.workdir / "autograded" / SF / A / NB, as_version=4)
    outputs = json.dumps([c.outputs for c in nb.cells if c.cell_type == "code"])
    assert "__pwned" not in outputs
    assert "bold stays" in outputs


def rendered_pages(course):
    """The script student's feedback page, and its autograded notebook rendered as the
    formgrader renders it (nbconvert's HTMLExporter with the course's configuration)."""
    feedback = course.feedback_path(SF, A)
    exporter = HTMLExporter(config=course.config(), template_name="classic")
    body, _ = exporter.from_filename(str(course.workdir / "autograded" / SF / A / NB))
    formgrader = course.workdir / "formgrader-view.html"
    formgrader.write_text(body)
    return [feedback, formgrader]


def test_script_in_outputs_and_answers_is_inert_in_the_html(graded):
    course, _ = graded
    for page in rendered_pages(course):
        text = page.read_text()
        # the student's code is shown (escaped): what must not be there is live markup
        assert not re.search(r"<[^>]*\sonerror\s*=", text), page.name
        assert not re.search(r"<script[^>]*>[^<]*__pwned", text), page.name
        assert not re.search(r"href\s*=\s*[\"']?javascript:", text), page.name
        assert "bold stays" in text, page.name
        assert "A slope keeps gradients alive" in text, page.name


@pytest.mark.browser
def test_script_in_outputs_does_not_run_in_a_browser(graded):
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        pytest.fail(CHROMIUM_MISSING)
    course, _ = graded
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable,
                                             args=["--no-sandbox"])  # CI runs as root
        try:
            page = browser.new_page()
            # offline: scripts from CDNs (MathJax, require.js) fail fast instead of hanging
            page.route(re.compile(r"^https?://"), lambda route: route.abort())
            for path in rendered_pages(course):
                page.goto(path.as_uri(), wait_until="load")
                page.wait_for_timeout(500)  # an image's onerror fires after it fails
                assert page.evaluate("window.__pwned") is None, path.name
                assert "bold stays" in page.content()
            # the control: the submitted notebook rendered without the course's settings
            # runs the handler of the written answer, so the checks above can see it
            body, _ = HTMLExporter(template_name="classic").from_filename(
                str(course.workdir / "submitted" / SF / A / NB))
            unsafe = course.workdir / "unsanitized.html"
            unsafe.write_text(body)
            page.goto(unsafe.as_uri(), wait_until="load")
            page.wait_for_timeout(500)
            assert page.evaluate("window.__pwned") == 7
        finally:
            browser.close()

