"""A real class on the course's JupyterHub, in Chromium: Unix accounts logging in with
their passwords (PAM), each on their own server, nbgrader's exchange between them, the
formgrader as the grader account's hub service (grader/hub/, set up as `make hub` does).

In order, against one hub: two students fetch assignment 1, run it, validate and submit;
the instructor collects, autogrades (in the sandbox), grades the written answers by hand,
generates and releases feedback; the second grader sees the same gradebook; each student
fetches their own feedback; a student's kernel cannot read the course, the gradebook,
another student's home or the exchange's submissions and feedback. Screenshots of every
step are in tests/artifacts/hub/screenshots/; the browser console must stay free of
errors, the hub's log (every server's included) free of tracebacks.

It creates Unix accounts and a folder under /srv, so it needs root (CI runs as root).
"""

import json
import os
import re
import time

import nbformat
import pytest
from browser import BrowserLog, Screenshots, validate_and_submit
from hub import ARTIFACTS, running_hub
from nbgrader.api import Gradebook
from playwright.sync_api import expect

from grader.paths import CLASS, REPO, source_notebook
from grader.submissions import make_submission, reference_answers

pytestmark = [
    pytest.mark.hub, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900),
    pytest.mark.skipif(os.geteuid() != 0, reason="creates Unix accounts: needs root"),
]

ASSIGNMENT = "01-leaky-relu"
WRITTEN = "explain_negative_slope"  # the answer graded by hand
ANSWER = ("With a slope of 0 the derivative is 0 for every negative input, so no gradient "
          "reaches the unit's weights and they never change again; Leaky ReLU keeps a small "
          "slope. Signed, {name}.")
SCORES = [2.5, 1.5]  # the written answers' points, student 1 and student 2
WAIT = 60_000  # ms for one UI step
SHOTS = ARTIFACTS / "screenshots"


@pytest.fixture(scope="module")
def hub():
    with running_hub([ASSIGNMENT]) as running:
        yield running


class Session:
    """One person logged in to the hub in a browser context of their own (own cookies)."""

    def __init__(self, chromium, hub, person, stage: str):
        self.person, self.hub = person, hub
        self.context = chromium.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT)
        self.console = BrowserLog(self.page)
        # screenshots named <stage>-<user>-<n>-<step>.png
        self.shot = Screenshots(self.page, f"{stage}-{person.username}", folder=SHOTS)

    def log_in(self, next_path: str = None) -> None:
        """Log in on the hub's page; then JupyterLab in the person's own server (the hub
        starts it as their Unix account), or ``next_path`` on the hub."""
        page = self.page
        page.goto(f"{self.hub.url}/hub/login" + (f"?next={next_path}" if next_path else ""))
        self.shot("login")
        page.fill("#username_input", self.person.username)
        page.fill("#password_input", self.hub.passwords[self.person.username])
        page.click("#login_submit")
        if next_path:
            page.wait_for_url(f"{self.hub.url}{next_path}", timeout=120_000)
            return
        page.wait_for_url(re.compile(rf"/user/{self.person.username}/lab"), timeout=120_000)
        page.locator("#jp-main-dock-panel .lm-TabBar-tab").first.wait_for(timeout=120_000)
        self.shot("lab")

    def close(self) -> None:
        self.context.close()
        assert not self.console.errors, "\n".join(self.console.errors)

    def __enter__(self):
        self.shot.__enter__()
        return self

    def __exit__(self, kind, error, traceback):
        self.shot.__exit__(kind, error, traceback)
        if kind is None:
            self.close()
        else:
            self.context.close()


def nbgrader_menu(page, command: str) -> None:
    page.locator('#jp-MainMenu .lm-MenuBar-itemLabel:text-is("Nbgrader")').click()
    page.locator(f'#jp-mainmenu-nbgrader li[data-command="nbgrader:{command}"]').click()


NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook in front


def run_all(page) -> None:
    """Run > Run All Cells; done when every code cell of the notebook in front shows an
    execution count."""
    page.locator(".jp-StatusBar-TextItem",
                 has_text=re.compile(r"\| Idle")).wait_for(timeout=120_000)
    page.locator('#jp-MainMenu .lm-MenuBar-itemLabel:text-is("Run")').click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')
            ].map(e => e.textContent);
            return prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t));
        }""", timeout=300_000)


def menus(page) -> list:
    page.locator('#jp-MainMenu .lm-MenuBar-itemLabel:text-is("Nbgrader")').click()
    # the items of commands that a plugin registered (a disabled plugin's have no label)
    items = page.locator("#jp-mainmenu-nbgrader li[data-command]").evaluate_all(
        "items => items.filter(i => i.textContent.trim()).map(i => i.dataset.command)")
    page.keyboard.press("Escape")
    return items


def test_two_students_fetch_run_validate_and_submit(chromium, hub):
    for n, student in enumerate(hub.hub.people("student")[:2]):
        with Session(chromium, hub, student, "1-submit") as s:
            s.log_in()
            student_steps(s, n)


def student_steps(s, n: int) -> None:
    page, hub, student = s.page, s.hub, s.person
    # a student's Nbgrader menu: the assignment list only (no formgrader, no course list)
    assert menus(page) == ["nbgrader:open-assignment-list"], menus(page)
    nbgrader_menu(page, "open-assignment-list")
    released = page.locator("#released_assignments_list > .list_item")
    expect(released).to_have_count(1)  # this course's release only
    expect(released.locator(".item_name")).to_have_text(ASSIGNMENT)
    expect(released.locator(".item_course")).to_have_text(hub.hub.course_id)
    s.shot("assignment-list")
    released.locator(".item_status button", has_text="Fetch").click()
    fetched = page.locator("#fetched_assignments_list > .list_item")
    expect(fetched).to_have_count(1)

    # The work (the reference code, an answer of their own), written into the fetched
    # notebook in their home as their own file; everything else happens in the browser.
    path = hub.home(student.username) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    answers = reference_answers(source_notebook(ASSIGNMENT)) | {
        WRITTEN: ANSWER.format(name=student.first_name)}
    nbformat.write(make_submission(path, answers), path)
    hub.give(student.username, path)

    fetched.locator(".item_name a", has_text=ASSIGNMENT).first.click()  # expand
    page.locator("#fetched_assignments_list .list_item .item_name a",
                 has_text=ASSIGNMENT).last.click()
    page.locator(f"{NOTEBOOK} .jp-MarkdownCell h1").first.wait_for()
    start = time.monotonic()
    run_all(page)
    print(f"{student.username}: Run All Cells took {time.monotonic() - start:.1f} s")
    s.shot("ran-all-cells")
    errors = page.locator(
        f'{NOTEBOOK} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    assert errors.count() == 0, "\n".join(errors.all_inner_texts())[:3000]

    validate_and_submit(page, s.shot, ASSIGNMENT)


def formgrader(s) -> str:
    """The formgrader service's address; the hub lets only the formgrade group in."""
    return f"{s.hub.url}/services/{s.hub.hub.course_id}/formgrader"


def saved(check, hub, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with Gradebook(gradebook_url(hub)) as gb:
            if check(gb):
                return
        assert time.monotonic() < deadline, f"the formgrader did not save {what}"
        time.sleep(0.5)


def gradebook_url(hub) -> str:
    return f"sqlite:///{gradebook_file(hub)}"


def gradebook_file(hub):
    """The gradebook of the hub's course copy: where work/class is in the repository."""
    return hub.hub.course / CLASS.relative_to(REPO) / "gradebook.db"


def test_instructor_collects_autogrades_grades_by_hand_and_releases_feedback(chromium, hub):
    instructor = hub.person("instructor")
    with Session(chromium, hub, instructor, "2-grade") as s:
        s.log_in()
        # staff see the course (the formgrader service) in Nbgrader > Courses
        assert "nbgrader:open-course-list" in menus(s.page)
        assert "nbgrader:open-formgrader" not in menus(s.page)
        nbgrader_menu(s.page, "open-course-list")
        expect(s.page.locator("#formgrader_list")).to_contain_text(hub.hub.course_id)
        s.shot("course-list")
        instructor_steps(s)


def instructor_steps(s) -> None:
    page, hub = s.page, s.hub
    students = [p.username for p in hub.hub.people("student")[:2]]
    page.goto(f"{formgrader(s)}/manage_assignments")
    row = page.locator("tbody tr", has=page.get_by_role("link", name=ASSIGNMENT, exact=True))
    expect(row.locator("td.num-submissions")).to_have_text("0")
    s.shot("formgrader")

    row.locator("td.collect a").click()
    page.locator("#success-modal").wait_for()
    s.shot("collected")
    page.locator("#success-modal .modal-footer button").click()
    expect(row.locator("td.num-submissions")).to_have_text("2")

    row.locator("td.num-submissions a").click()
    for student in students:
        submission = page.locator("tbody tr", has=page.locator("td.student-id",
                                                               has_text=student))
        start = time.monotonic()
        submission.locator("td.autograde a").click()
        result = page.locator("#success-modal, #error-modal")
        result.wait_for(timeout=300_000)
        print(f"autograde {student}: {time.monotonic() - start:.1f} s")
        assert "Successfully autograded" in result.locator(".modal-body").inner_text(), (
            result.inner_text()[:3000])
        result.locator(".modal-footer button").click()
        result.wait_for(state="detached")
    s.shot("autograded")
    # the roster's names, not "None, None"
    for p in hub.hub.people("student")[:2]:
        expect(page.locator("tbody tr", has=page.locator("td.student-id", has_text=p.username))
               .locator("td.student-name")).to_have_text(f"{p.last_name}, {p.first_name}")

    with Gradebook(gradebook_url(hub)) as gb:
        ids = {st: gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, st).id
               for st in students}
        for st in students:
            scores = {g.name: (g.score, g.max_score)
                      for g in gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, st).grades}
            code = {k: v for k, v in scores.items() if k != WRITTEN}
            assert all(score == top for score, top in code.values()), (st, code)

    for student, points in zip(students, SCORES, strict=True):
        page.goto(f"{formgrader(s)}/submissions/{ids[student]}/?index=0")
        score = page.locator(f"input.score#{WRITTEN}")
        page.wait_for_function("() => formgrader.loaded && formgrader.grades.loaded"
                               " && formgrader.comments.loaded && MathJax.loaded")
        score.fill(str(points))
        score.press("Enter")
        saved(lambda gb, st=student, pts=points:
              gb.find_grade(WRITTEN, ASSIGNMENT, ASSIGNMENT, st).score == pts,
              hub, f"{student}'s manual score")
        comment = page.locator(f"textarea#{WRITTEN}-comment")
        comment.fill(f"Graded by the instructor for {student}.")
        comment.evaluate("e => e.blur()")
        saved(lambda gb, st=student: gb.find_comment(WRITTEN, ASSIGNMENT, ASSIGNMENT, st)
              .comment, hub, f"{student}'s comment")
        s.shot(f"graded-{student}")

    page.goto(f"{formgrader(s)}/manage_assignments")
    for step in ("generate-feedback", "release-feedback"):
        row.locator(f"td.{step} a").click()
        modal = page.locator("#success-modal, #error-modal")
        modal.wait_for(timeout=120_000)
        s.shot(step)
        assert modal.get_attribute("id") == "success-modal", modal.inner_text()[:3000]
        modal.locator(".modal-footer button").click()
        modal.wait_for(state="detached")


def test_second_grader_sees_the_same_gradebook(chromium, hub):
    with Session(chromium, hub, hub.person("grader"), "3-review") as s:
        # straight to the formgrader service (no server of their own needed)
        s.log_in(f"/services/{hub.hub.course_id}/formgrader/manage_submissions/{ASSIGNMENT}")
        for student in hub.hub.people("student")[:2]:
            row = s.page.locator("tbody tr", has=s.page.locator(
                "td.student-id", has_text=student.username))
            expect(row.locator("td.score")).to_contain_text(re.compile(r"\d"))
            with Gradebook(gradebook_url(hub)) as gb:
                total = gb.find_submission(ASSIGNMENT, student.username).score
            expect(row.locator("td.score")).to_contain_text(f"{total:g} /")
        s.shot("same-gradebook")


def test_each_student_fetches_only_their_own_feedback(chromium, hub):
    students = hub.hub.people("student")[:2]
    for student in students:
        with Session(chromium, hub, student, "4-feedback") as s:
            s.log_in()
            nbgrader_menu(s.page, "open-assignment-list")
            s.page.locator("#submitted_assignments_list .item_status button",
                           has_text="Fetch Feedback").click()
            expect(s.page.locator("#submitted_assignments_list")).to_contain_text(
                "view feedback", timeout=WAIT)
            s.shot("feedback-fetched")
        feedback = list((hub.home(student.username) / ASSIGNMENT / "feedback").glob("*/*.html"))
        assert len(feedback) == 1, feedback
        text = feedback[0].read_text()
        assert ANSWER.format(name=student.first_name)[-20:] in text
        other = next(p for p in students if p is not student)
        assert ANSWER.format(name=other.first_name)[-20:] not in text


PROBE = '''
import json, os
def attempt(action, path):
    try:
        action(path)
        return "allowed"
    except PermissionError:
        return "denied"
    except FileNotFoundError:
        return "missing"
results = {{}}
for name, path in {reads}.items():
    results[name] = attempt(lambda p: open(p, "rb").read(1), path)
for name, path in {lists}.items():
    results[name] = attempt(os.listdir, path)
for name, path in {writes}.items():
    results[name] = attempt(lambda p: open(p, "w"), path)
print("PROBE", json.dumps(results))
'''


def test_a_students_kernel_cannot_read_the_course_or_other_students(chromium, hub):
    student, other = hub.hub.people("student")[:2]
    course, exchange = hub.hub.course, hub.hub.exchange / hub.hub.course_id
    other_feedback = next((hub.home(other.username) / ASSIGNMENT / "feedback").glob("*/*.html"))
    reads = {
        "solutions": str(source_notebook(ASSIGNMENT)).replace(
            str(source_notebook(ASSIGNMENT).parents[2]), str(course)),
        "gradebook": str(gradebook_file(hub)),
        "other student's notebook": str(hub.home(other.username) / ASSIGNMENT
                                        / f"{ASSIGNMENT}.ipynb"),
        "other student's feedback copy": str(other_feedback),
    }
    lists = {
        "course folder": str(course),
        "other student's home": str(hub.home(other.username)),
        "exchange inbound": str(exchange / "inbound"),
        "exchange feedback": str(exchange / "feedback"),
    }
    inbound = next(p for p in (exchange / "inbound").iterdir() if p.name.startswith(other.username))
    writes = {"other student's submission": str(inbound / f"{ASSIGNMENT}.ipynb"),
              "released assignment": str(exchange / "outbound" / ASSIGNMENT
                                         / f"{ASSIGNMENT}.ipynb")}
    probe = hub.home(student.username) / "probe.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        PROBE.format(reads=reads, lists=lists, writes=writes))],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}}), probe)
    hub.give(student.username, probe)
    with Session(chromium, hub, student, "5-probe") as s:
        s.log_in()
        s.page.goto(f"{hub.url}/user/{student.username}/lab/tree/probe.ipynb")
        # JupyterLab first restores the tabs of this student's earlier session (the
        # assignment's notebook): run only once the probe is the notebook in front.
        s.page.locator(f"{NOTEBOOK} .jp-CodeCell", has_text="json.dumps(results)").wait_for()
        run_all(s.page)
        output = s.page.locator(f"{NOTEBOOK} .jp-OutputArea-output", has_text="PROBE")
        output.wait_for()
        s.shot("probe")
        results = json.loads(output.inner_text().split("PROBE", 1)[1])
    assert results == {name: "denied" for name in [*reads, *lists, *writes]}, results


def test_hub_log_has_no_traceback(hub):
    log = hub.log()
    traceback = re.search(r"^Traceback \(most recent call last\)", log, re.M)
    assert not traceback, log[max(0, traceback.start() - 2000):][:6000]
    errors = [line for line in log.splitlines() if re.match(r"\[E ", line)]
    assert not errors, "errors in the hub's log:\n" + "\n".join(errors)
