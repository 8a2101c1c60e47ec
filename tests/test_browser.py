"""The course in a real browser: JupyterLab with nbgrader's extensions, as `make lab`
starts it, driven through Chromium by Playwright.

A student fetches assignment 1 in the Assignments tab, opens it from there, runs all
cells, moves the slope slider, validates and submits; then the instructor, in the
formgrader, collects and autogrades that submission and grades the written answer by
hand. The two tests run in this order against one server (the second grades what the
first submitted). Every step is a screenshot in tests/artifacts/browser/screenshots/;
the browser console must stay free of errors and the server log of tracebacks.
"""

import re
import time

import nbformat
import pytest
from browser import BrowserLog, Screenshots, lab_server, validate_and_submit
from nbgrader.api import Gradebook
from playwright.sync_api import expect

from grader.paths import source_notebook
from grader.submissions import make_submission, reference_answers

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]

ASSIGNMENT = "01-leaky-relu"
WRITTEN = "explain_negative_slope"  # the answer graded by hand
STUDENT_ANSWER = (
    "With a slope of 0 the derivative is 0 for every negative input, so no gradient "
    "reaches the unit's weights and they never change again. Leaky ReLU keeps a small "
    "slope, so some gradient always flows back. It gives up exact zeros (sparsity).")
COMMENT = "Right about the gradient. Why can exact zeros be useful?"
WAIT = 60_000  # ms for one UI step; running and grading the notebook get more


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory.mktemp("lab"), [ASSIGNMENT]) as server:
        yield server


def open_lab(chromium, lab, workspace: str):
    """A browser tab on JupyterLab (its own workspace: what it opens is not restored
    in another person's tab), with its console recorded."""
    page = chromium.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(WAIT)
    console = BrowserLog(page)
    page.goto(lab.lab_url(workspace))
    page.locator("#jp-main-dock-panel .lm-TabBar-tab").first.wait_for()
    return page, console


def nbgrader_menu(page, command: str) -> None:
    page.locator('#jp-MainMenu .lm-MenuBar-itemLabel:text-is("Nbgrader")').click()
    page.locator(f'#jp-mainmenu-nbgrader li[data-command="nbgrader:{command}"]').click()


def scroll_to(page, element) -> None:
    """Scroll the notebook until ``element``'s bottom edge is in view and stays there
    (cells out of view are not laid out, so one scroll can land short)."""
    for _ in range(5):
        element.evaluate("e => e.scrollIntoView({block: 'end'})")
        page.wait_for_timeout(300)
        box = element.bounding_box()
        if box and 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"]:
            return
    raise AssertionError("could not scroll the element into view")


def saved(check, lab, what: str, timeout: float = 30) -> None:
    """Wait until ``check(gradebook)`` holds: what the formgrader saved is in the gradebook."""
    deadline = time.monotonic() + timeout
    while True:
        with Gradebook(lab.course.db_url) as gb:
            if check(gb):
                return
        assert time.monotonic() < deadline, f"the formgrader did not save {what}"
        time.sleep(0.5)


def kernel_idle(page) -> None:
    page.locator(".jp-StatusBar-TextItem",
                 has_text=re.compile(r"\(ipykernel\) \| Idle")).wait_for(timeout=120_000)


def test_student_fetches_runs_all_moves_the_slider_validates_and_submits(chromium, lab):
    page, console = open_lab(chromium, lab, "student")
    with Screenshots(page, "student") as shot:
        student_steps(page, lab, shot)
    page.close()
    assert not console.errors, "\n".join(console.errors)


def student_steps(page, lab, shot) -> None:
    # The Assignments tab lists the release; Fetch copies it to the student's folder.
    nbgrader_menu(page, "open-assignment-list")
    released = page.locator("#released_assignments_list > .list_item")
    expect(released).to_have_count(1)
    expect(released.locator(".item_name")).to_have_text(ASSIGNMENT)
    shot("assignment-list")
    released.locator(".item_status button", has_text="Fetch").click()
    fetched = page.locator("#fetched_assignments_list > .list_item")
    expect(fetched).to_have_count(1)

    # The student's work: the reference code in each solution cell, an answer of their
    # own in the written one (typing a whole notebook through the editor is slow and
    # brittle; everything from here on happens in the browser).
    path = lab.student_dir / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    answers = reference_answers(source_notebook(ASSIGNMENT)) | {WRITTEN: STUDENT_ANSWER}
    nbformat.write(make_submission(path, answers), path)

    fetched.locator(".item_name a", has_text=ASSIGNMENT).first.click()  # expand
    notebook_link = page.locator("#fetched_assignments_list .list_item .item_name a",
                                 has_text=ASSIGNMENT).last
    shot("fetched")
    notebook_link.click()
    page.locator(".jp-Notebook .jp-MarkdownCell h1").first.wait_for()
    kernel_idle(page)
    shot("notebook-opened")

    # Run > Run All Cells; done when every code cell shows an execution count.
    page.locator('#jp-MainMenu .lm-MenuBar-itemLabel:text-is("Run")').click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    start = time.monotonic()
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll(
                '.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')].map(e => e.textContent);
            return prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t));
        }""", timeout=300_000)
    print(f"Run All Cells took {time.monotonic() - start:.1f} s")
    shot("ran-all-cells")
    errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    assert errors.count() == 0, "cells wrote errors or stderr:\n" + "\n".join(
        errors.all_inner_texts())[:3000]

    # The slope slider redraws the plot with the student's leaky_relu.
    explorer = page.locator(".jp-CodeCell", has=page.locator(".widget-slider"))
    plot, readout = explorer.locator("img").first, explorer.locator(".widget-readout")
    handle = explorer.locator(".noUi-handle")
    scroll_to(page, plot)
    before_src, before_value = plot.get_attribute("src"), readout.inner_text()
    shot("slider-before")
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 90, box["y"] + box["height"] / 2, steps=10)
    page.mouse.up()
    expect(readout).not_to_have_text(before_value)
    expect(plot).not_to_have_attribute("src", before_src)
    page.wait_for_timeout(1000)  # the last redraw of a drag
    scroll_to(page, plot)
    shot("slider-moved")
    assert float(readout.inner_text()) > float(before_value)

    validate_and_submit(page, shot, ASSIGNMENT)


def test_instructor_collects_autogrades_and_grades_the_written_answer(chromium, lab):
    config = lab.course.config()
    inbound = lab.course.workdir / "exchange" / config.CourseDirectory.course_id / "inbound"
    if not list(inbound.glob(f"{lab.student}+{ASSIGNMENT}+*")):
        pytest.fail("nothing submitted: this test grades what the student test submits; "
                    "run the whole module", pytrace=False)
    page, console = open_lab(chromium, lab, "instructor")
    with Screenshots(page, "instructor") as shot:
        instructor_steps(page, lab, shot)
    page.close()
    assert not console.errors, "\n".join(console.errors)


def instructor_steps(page, lab, shot) -> None:
    nbgrader_menu(page, "open-formgrader")
    formgrader = page.frame_locator("#jp-main-dock-panel iframe")
    row = formgrader.locator("tbody tr",
                             has=formgrader.get_by_role("link", name=ASSIGNMENT, exact=True))
    expect(row.locator("td.num-submissions")).to_have_text("0")
    shot("assignments")

    # Collect: the submission comes from the exchange into submitted/.
    row.locator("td.collect a").click()
    formgrader.locator("#success-modal").wait_for()
    shot("collected")
    formgrader.locator("#success-modal .modal-footer button").click()
    expect(row.locator("td.num-submissions")).to_have_text("1")

    # Autograde it from the submissions page (nbgrader in the server, in the sandbox).
    row.locator("td.num-submissions a").click()
    submission = formgrader.locator("tbody tr", has=formgrader.locator("td.autograde a"))
    expect(submission.locator("td.student-id")).to_have_text(lab.student)
    start = time.monotonic()
    submission.locator("td.autograde a").click()
    result = formgrader.locator("#success-modal, #error-modal")
    result.wait_for(timeout=300_000)
    print(f"Autograde took {time.monotonic() - start:.1f} s")
    shot("autograded")
    assert "Successfully autograded" in result.locator(".modal-body").inner_text()
    result.locator(".modal-footer button").click()
    scores = lab.course.cell_scores(ASSIGNMENT)[lab.student]
    code = {k: v for k, v in scores.items() if k != WRITTEN}
    assert all(score == top for score, top in code.values()), code
    expect(submission.locator("td.score")).to_contain_text(
        f"{sum(top for _, top in code.values()):g} / {sum(t for _, t in scores.values()):g}")

    # Manual grading: the written answer, with the student's text, gets points. Each click
    # waits for the page it opens (its breadcrumbs): the assignment's and the notebook's
    # pages both have a link named 01-leaky-relu, and on a loaded machine a click that
    # comes before the new page lands on the old one.
    crumbs = formgrader.locator("ol.breadcrumb li")
    formgrader.get_by_role("link", name="Manual Grading").click()
    expect(crumbs).to_have_text(["Manual Grading"])
    formgrader.get_by_role("link", name=ASSIGNMENT, exact=True).click()
    expect(crumbs).to_have_text(["Manual Grading", ASSIGNMENT])
    formgrader.locator("td.name a", has_text=ASSIGNMENT).click()
    expect(crumbs).to_have_text(["Manual Grading", ASSIGNMENT, ASSIGNMENT])
    formgrader.get_by_role("link", name="Submission #1").click()
    score = formgrader.locator(f"input.score#{WRITTEN}")
    answer = formgrader.locator(".nbgrader_cell", has=score)
    expect(answer).to_contain_text(STUDENT_ANSWER[:60])
    # Inputs save only once the page has loaded the grades and comments, and MathJax,
    # when done, moves the focus: type after all that.
    view = next(f for f in page.frames if "/formgrader/submissions/" in f.url)
    view.wait_for_function("() => formgrader.loaded && formgrader.grades.loaded"
                           " && formgrader.comments.loaded && MathJax.loaded")
    score.fill("2.5")
    score.press("Enter")
    saved(lambda gb: gb.find_grade(WRITTEN, ASSIGNMENT, ASSIGNMENT, lab.student).score == 2.5,
          lab, "the manual score")
    comment = formgrader.locator(f"textarea#{WRITTEN}-comment")
    comment.fill(COMMENT)
    comment.evaluate("e => e.blur()")  # saved when it loses the focus
    saved(lambda gb: gb.find_comment(WRITTEN, ASSIGNMENT, ASSIGNMENT, lab.student).comment
          == COMMENT, lab, "the comment")
    scroll_to(page, answer)
    shot("graded-by-hand")

    # The submissions page shows the total now: autograded points plus 2.5.
    view.goto(f"{lab.url}/formgrader/manage_submissions/{ASSIGNMENT}")
    total = sum(top for _, top in code.values()) + 2.5
    expect(submission.locator("td.score")).to_contain_text(f"{total:g} /")
    shot("gradebook")


def test_server_log_has_no_traceback(lab):
    log = lab.log()
    assert "Traceback" not in log, log[max(0, log.index("Traceback") - 2000):][:6000]
    assert not re.search(r"^\[E ", log, re.M), "errors in the server log:\n" + "\n".join(
        line for line in log.splitlines() if line.startswith("[E "))
