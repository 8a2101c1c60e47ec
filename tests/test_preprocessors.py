"""The course's nbgrader preprocessors on cells built here (as nbgrader tests its own):
build a cell or notebook, call the preprocessor, assert."""

import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from grader.preprocessors import (
    REASONS,
    FeedbackOutputs,
    InstructorAnswers,
    LimitOutputSize,
    RecordReasons,
    SanitizeOutputs,
    clean_html,
    insert_grading_checks,
    recorded_reasons,
    verify_grading_checks,
)

HIDDEN_LINE = "checks.expect_array(got, secret_expected, call='relu(x)')"


def grade_cell(source, outputs=(), grade_id="test_relu"):
    return new_code_cell(source, outputs=list(outputs), metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": grade_id,
        "points": 1, "schema_version": 3}})


def hidden_test(outputs=()):
    source = f"# hidden tests\n### BEGIN HIDDEN TESTS\n{HIDDEN_LINE}\n### END HIDDEN TESTS"
    return grade_cell(source, outputs, grade_id="test_relu_hidden")


def stdout(text):
    return new_output("stream", name="stdout", text=text)


def error(ename, evalue, traceback=None):
    return new_output("error", ename=ename, evalue=evalue,
                      traceback=traceback or [f"{ename}: {evalue}"])


def feedback(cells):
    nb, _ = FeedbackOutputs().preprocess(new_notebook(cells=cells), {})
    return nb.cells


# -- FeedbackOutputs ----------------------------------------------------------------------

def test_feedback_keeps_outputs_of_cells_before_the_hidden_tests():
    cells = feedback([new_code_cell("print(1)", outputs=[stdout("1\n")]), hidden_test()])
    assert cells[0].outputs[0].text == "1\n"


def test_feedback_withholds_an_output_quoting_a_hidden_test_line_even_in_html():
    quoted = {"text/html": "<pre>" + HIDDEN_LINE.replace("'", "&#x27;") + "</pre>"}
    cells = feedback([new_code_cell("x", outputs=[
        new_output("display_data", data=quoted), stdout("fine\n")]), hidden_test()])
    assert "withheld" in cells[0].outputs[0].text
    assert cells[0].outputs[1].text == "fine\n"


def test_a_hidden_test_shows_only_its_outcome_and_message():
    traceback = ["\x1b[0;31mAssertionError\x1b[0m  Traceback", f"----> 3 {HIDDEN_LINE}",
                 "AssertionError: relu(x) is wrong at 1 position"]
    cells = feedback([hidden_test([stdout("captured\n"),
                                   error("AssertionError", "relu(x) is wrong at 1 position",
                                         traceback)])])
    assert [o.output_type for o in cells[0].outputs] == ["error"]
    assert cells[0].outputs[0].traceback == ["AssertionError: relu(x) is wrong at 1 position"]


def test_a_passed_test_shows_nothing_of_what_it_printed():
    cells = feedback([hidden_test([stdout("stash of hidden tests\n")])])
    assert cells[0].outputs == []


def test_a_message_quoting_a_hidden_test_is_withheld_and_a_long_one_cut():
    cells = feedback([
        hidden_test([error("AssertionError", f"relu(1) raised ValueError: {HIDDEN_LINE}")]),
        grade_cell("visible", [error("AssertionError", "y" * 5000)], grade_id="test_visible")])
    assert "withheld" in cells[0].outputs[0].evalue
    assert HIDDEN_LINE not in str(cells[0].outputs)
    assert len(cells[1].outputs[0].evalue) < 1600


def test_cells_after_the_first_hidden_test_show_a_note_instead_of_outputs():
    cells = feedback([hidden_test(), new_code_cell("print(stash)", outputs=[
        stdout("anything, encoded or not\n")])])
    assert len(cells[1].outputs) == 1
    assert "ran after the hidden tests had started" in cells[1].outputs[0].text


def test_a_hidden_line_also_written_in_a_visible_cell_is_no_secret():
    cells = feedback([new_code_cell(HIDDEN_LINE, outputs=[stdout(HIDDEN_LINE)]),
                      hidden_test()])
    assert cells[0].outputs[0].text == HIDDEN_LINE


# -- LimitOutputSize ----------------------------------------------------------------------

def limit(cells, **traits):
    resources = {}
    nb, resources = LimitOutputSize(**traits).preprocess(new_notebook(cells=cells), resources)
    return nb.cells, resources.get(REASONS, [])


def test_a_huge_image_is_replaced_by_a_note_and_recorded():
    image = new_output("display_data", data={"image/png": "A" * 3_000_000})
    cells, reasons = limit([new_code_cell("x", outputs=[stdout("a\n"), image, stdout("b\n")])])
    assert "image" not in str(cells[0].outputs)
    assert [o.get("text") for o in cells[0].outputs][::2] == ["a\n", "b\n"]
    assert "1 output(s) removed by the grader" in cells[0].outputs[1].text
    assert len(reasons) == 1 and "1 output(s) over 2.0 MB each removed" in reasons[0]


def test_outputs_stop_at_the_notebook_limit_with_one_note_per_cell():
    text = [stdout("x" * 19_000) for _ in range(500)]
    cells, reasons = limit([new_code_cell("x", outputs=text), new_code_cell("y", outputs=text)])
    assert len(nbformat.writes(new_notebook(cells=cells))) < 8_100_000
    assert "beyond the notebook's 8.0 MB" in reasons[0]
    assert len(cells[0].outputs) < 500 and len(cells[1].outputs) == 1
    assert "500 output(s) removed by the grader" in cells[1].outputs[0].text


def test_html_outputs_stop_at_the_notebook_tag_limit():
    html = [new_output("display_data", data={"text/html": "<b>x</b>" * 600})
            for _ in range(2000)]
    cells, reasons = limit([new_code_cell("x", outputs=html)])
    tags = sum(o.get("data", {}).get("text/html", "").count("<") for o in cells[0].outputs)
    assert 19_000 < tags <= 20_000
    assert "1984 output(s) beyond the notebook's 8.0 MB or 20,000 HTML tags" in reasons[0]


def test_error_outputs_are_shortened_but_never_removed():
    huge = error("AssertionError", "z" * 50_000, ["frame"] * 10_000)
    image = new_output("display_data", data={"image/png": "A" * 7_900_000})
    cells, _ = limit([new_code_cell("x", outputs=[image]), grade_cell("t", [huge])])
    assert cells[1].outputs[0].output_type == "error"
    assert len(cells[1].outputs[0].evalue) < 21_000
    assert len(cells[1].outputs[0].traceback) == 1


def test_long_text_is_cut_and_small_outputs_untouched():
    cells, reasons = limit([new_code_cell("x", outputs=[stdout("x" * 30_000), stdout("ok")])])
    assert "more characters cut by the grader" in cells[0].outputs[0].text
    assert cells[0].outputs[1].text == "ok"
    assert "1 text(s) cut" in reasons[0]


def test_a_normal_notebook_records_nothing():
    cells, reasons = limit([new_code_cell("x", outputs=[stdout("hello\n")])])
    assert reasons == []


# -- SanitizeOutputs and clean_html -------------------------------------------------------

def sanitize(cell):
    cell, _ = SanitizeOutputs().preprocess_cell(cell, {}, 0)
    return cell


def test_html_outputs_lose_script_and_event_handlers_and_keep_markup():
    out = new_output("display_data", data={
        "text/html": '<h2 id="a">T</h2><img src="x" onerror="alert(1)"><script>alert(2)'
                     '</script><table><tr><td>1</td></tr></table>',
        "text/plain": "<HTML>"})
    cell = sanitize(new_code_cell("x", outputs=[out]))
    text = cell.outputs[0].data["text/html"]
    assert "onerror" not in text and "script" not in text and "alert" not in text
    assert '<h2 id="a">' in text and "<td>1</td>" in text and '<img src="x">' in text


def test_javascript_and_svg_outputs_are_removed_with_a_note():
    js = new_output("display_data", data={"application/javascript": "alert(1)"})
    svg = new_output("display_data", data={"image/svg+xml": "<svg onload='alert(1)'/>",
                                           "text/plain": "<Figure>"})
    cell = sanitize(new_code_cell("x", outputs=[js, svg]))
    assert cell.outputs[0].data == {
        "text/plain": "[application/javascript output removed by the grader: it can run script]"}
    assert cell.outputs[1].data == {"text/plain": "<Figure>"}


def test_markdown_cells_stay_as_written_and_raw_cells_are_cleaned():
    answer = "a < b and `x > 0` <img src=x onerror=alert(1)>"
    assert sanitize(new_markdown_cell(answer)).source == answer
    raw = new_raw_cell('<img src=x onerror="alert(1)">', metadata={"format": "text/html"})
    assert "onerror" not in sanitize(raw).source


def test_sanitize_outputs_runs_when_nbconvert_calls_it():
    """nbconvert's own preprocessors are disabled unless enabled: this one must run."""
    js = new_output("display_data", data={"application/javascript": "alert(1)"})
    nb, _ = SanitizeOutputs()(new_notebook(cells=[new_code_cell("x", outputs=[js])]), {})
    assert "alert" not in str(nb.cells[0].outputs)


def test_markdown_answers_are_cleaned_in_every_template_of_the_course(tmp_path):
    """Rendered with the course's configuration, as feedback and the formgrader render:
    nbgrader's own templates (feedback, formgrade) skip nbconvert's clean_html."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers

    from grader.work_area import WorkArea

    config = WorkArea(workdir=tmp_path).config()
    answer = ('# Title\n\na < b `x > 0` <img src=z onerror="alert(1)"> '
              '[m](javascript:alert(2))\n\n| a |\n|---|\n| 1 |')
    nb = new_notebook(cells=[new_markdown_cell(answer)])
    static = Path(handlers.__file__).parent / "static/node_modules/bootstrap/dist/css"
    for template in ("classic", "feedback"):  # formgrade extends classic, as feedback does
        exporter = HTMLExporter(config=config, template_name=template,  # as nbgrader sets
                                extra_template_basedirs=[handlers.template_path],
                                extra_template_paths=[str(static)])
        body, _ = exporter.from_notebook_node(nb, resources={"nbgrader": {
            "score": 0, "max_score": 0, "late_penalty": 0, "notebook": "answer"}})
        assert not re.search(r"<[^>]*\sonerror\s*=", body), template
        assert not re.search(r"href\s*=\s*[\"']?javascript:", body), template
        assert '<h1 id="Title">' in body and "<code>x &gt; 0</code>" in body, template
        assert "<td>1</td>" in body, template


def test_clean_html_keeps_data_images_and_drops_javascript_links():
    text = clean_html('<img src="data:image/png;base64,AAAA"><a href="javascript:alert(1)">a</a>'
                      '<svg onload="alert(1)"></svg><style>*{}</style>')
    assert 'src="data:image/png;base64,AAAA"' in text
    assert "javascript" not in text and "svg" not in text and "style" not in text


# -- grading checks -----------------------------------------------------------------------

def checked_notebook():
    nb = new_notebook(cells=[new_code_cell("def relu(x): ..."), grade_cell("t1"),
                             new_code_cell("y = 1"), grade_cell("t2", grade_id="t2")])
    token = insert_grading_checks(nb)
    return nb, token


def checks_of(nb, token):
    return [c for c in nb.cells if c.source.startswith(f"# grading check {token}")]


def test_a_snapshot_comes_first_and_a_check_after_every_test_cell():
    nb, token = checked_notebook()
    sources = [c.source for c in nb.cells]
    assert sources[0].startswith(f"# grading check {token}")
    assert sources[2] == "t1" and sources[3].startswith(f"# grading check {token}")
    assert sources[5] == "t2" and sources[6].startswith(f"# grading check {token}")
    assert len(nb.cells) == 7


def test_checks_that_failed_cleanly_find_nothing_and_are_removed():
    nb, token = checked_notebook()
    for check in checks_of(nb, token)[1:]:
        check.outputs = [error("AssertionError", f"{token}|")]
    assert verify_grading_checks(nb, token) == []
    assert [c.source for c in nb.cells] == ["def relu(x): ...", "t1", "y = 1", "t2"]


def test_a_check_without_error_or_with_findings_is_tampering():
    nb, token = checked_notebook()
    first, second = checks_of(nb, token)[1:]
    first.outputs = []
    second.outputs = [error("AssertionError", f"{token}|checks.call accepted a wrong value")]
    found = verify_grading_checks(nb, token)
    assert any("must fail finished without an error" in f for f in found)
    assert "checks.call accepted a wrong value" in found


def test_a_check_that_ran_out_of_time_is_not_tampering_but_a_changed_one_is():
    nb, token = checked_notebook()
    first, second = checks_of(nb, token)[1:]
    first.outputs = [error("NotebookTimeLimit", "grading stopped")]
    second.outputs = [error("NameError", "name '_grading_base' is not defined")]
    assert verify_grading_checks(nb, token) == ["a grading check was changed as it ran "
                                                "(NameError)"]


def test_each_grading_gets_its_own_token():
    assert checked_notebook()[1] != checked_notebook()[1]


# -- reasons ------------------------------------------------------------------------------

def test_reasons_go_into_the_notebook_and_come_back(tmp_path):
    nb, _ = RecordReasons().preprocess(new_notebook(), {REASONS: ["outputs were cut"]})
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    assert recorded_reasons(path) == ["outputs were cut"]
    assert recorded_reasons(tmp_path / "missing.ipynb") == []


# -- outputs as they arrive ---------------------------------------------------------------

def test_outputs_beyond_the_limit_are_dropped_as_they_arrive_but_never_errors():
    from grader.preprocessors import ExecuteWithTimeLimit

    ex = ExecuteWithTimeLimit(max_received_bytes=1000)
    ex.reset_execution_trackers()
    ex._received, ex._dropped, ex.clear_before_next_output = 0, 0, False

    def msg(msg_type, **content):
        return {"msg_type": msg_type, "content": content, "parent_header": {"msg_id": "m"},
                "header": {"msg_type": msg_type}, "metadata": {}}

    outs = []
    for _ in range(10):
        ex.output(outs, msg("stream", name="stdout", text="x" * 300), None, 0)
    ex.output(outs, msg("error", ename="AssertionError", evalue="wrong", traceback=[]), None, 0)
    assert [o.output_type for o in outs] == ["stream"] * 4 + ["error"]
    assert "further outputs dropped by the grader" in outs[3].text
    assert ex._dropped == 7


def test_outputs_lost_to_a_slow_reader_neither_stop_grading_nor_pass_a_failing_test(tmp_path):
    """The fault caused for real: a kernel floods outputs while the grader is not reading
    (it holds its first output until the kernel says, by a file, that the flood is sent),
    so ZeroMQ drops what is past its queue, the cell's error and its final "idle" message
    among them. With the course's configuration the grader waits its iopub_timeout, logs
    it (the reason recorded in grader/autograde.py), goes on with the next cell, and the
    failing cell still fails: nbgrader takes its error from the kernel's reply."""
    import logging
    import time

    from traitlets.config.loader import PyFileConfigLoader

    from grader.autograde import WARNING_REASONS
    from grader.paths import GRADER
    from grader.preprocessors import ExecuteWithTimeLimit

    course = PyFileConfigLoader("nbgrader_config.py", path=str(GRADER)).load_config()
    ex = ExecuteWithTimeLimit(kernel_name="python3", grading_checks=False, iopub_timeout=2,
                              raise_on_iopub_timeout=course.Execute.raise_on_iopub_timeout)
    sent = tmp_path / "flood-sent"
    real_output = ex.output

    def slow_output(*args):
        if not sent.exists():
            deadline = time.monotonic() + 60
            while not sent.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(0.5)  # the error and "idle" follow the file within milliseconds
        return real_output(*args)

    ex.output = slow_output
    # The preprocessor's own logger: traitlets' or, when an application exists in this
    # process (other tests make nbgrader's), that application's, which pytest's caplog
    # does not see.
    logged = []
    handler = logging.Handler()
    handler.emit = lambda record: logged.append(record.getMessage())
    flood = ('from IPython.display import display\n'
             'for i in range(5_000):\n'
             '    display({"text/plain": f"{i} " + "x" * 5000}, raw=True)\n'
             'open("flood-sent", "w").close()\n'
             'assert False, "the answer is wrong"')
    nb = new_notebook(cells=[new_code_cell(flood), new_code_cell("print('next cell')")])
    log = getattr(ex.log, "logger", ex.log)  # a LoggerAdapter's logger
    level = log.level
    log.addHandler(handler)
    log.setLevel(logging.WARNING)
    try:
        nb, _ = ex.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
    marker = next(m for m, why in WARNING_REASONS if "outputs were lost" in why)
    assert marker in logged, logged  # the outputs were really lost, and it is logged
    flooded, after = nb.cells
    assert len(flooded.outputs) < 5_000
    assert [(o.ename, o.evalue) for o in flooded.outputs if o.output_type == "error"] == \
        [("AssertionError", "the answer is wrong")]
    assert after.outputs[0].text == "next cell\n"


# -- InstructorAnswers ------------------------------------------------------------------

def answer_cell(source, grade_id, cell_type="markdown"):
    make = new_markdown_cell if cell_type == "markdown" else new_code_cell
    return make(source, metadata={"nbgrader": {
        "grade": True, "solution": True, "locked": False, "grade_id": grade_id,
        "points": 3, "schema_version": 3}})


def with_answers(tmp_path, feedback_cells, source_cells=None):
    """Run InstructorAnswers on a feedback notebook of assignment a1, notebook nb, with
    a course whose source notebook (tmp_path/source/a1/nb.ipynb) holds source_cells."""
    from traitlets.config import Config

    if source_cells is not None:
        folder = tmp_path / "source" / "a1"
        folder.mkdir(parents=True)
        nbformat.write(new_notebook(cells=source_cells), folder / "nb.ipynb")
    config = Config()
    config.CourseDirectory.root = str(tmp_path)
    config.CourseDirectory.source_directory = "source"
    resources = {"nbgrader": {"assignment": "a1", "notebook": "nb", "student": "s"}}
    nb, _ = InstructorAnswers(config=config).preprocess(new_notebook(cells=feedback_cells),
                                                        resources)
    return nb.cells


def test_feedback_shows_the_instructors_answer_after_each_hand_graded_answer(tmp_path):
    source = [
        new_markdown_cell("## The question"),
        answer_cell("=== BEGIN MARK SCHEME ===\n**Model answer.** Seeds matter.\n"
                    "**Rubric.** 1 point.\n=== END MARK SCHEME ===", "explain"),
        answer_cell("def f():\n    ### BEGIN SOLUTION\n    return 42\n    ### END SOLUTION",
                    "write_f", cell_type="code"),
    ]
    student = [new_markdown_cell("## The question"),
               answer_cell("I think seeds do not matter.", "explain"),
               answer_cell("def f():\n    return 0", "write_f", cell_type="code"),
               new_markdown_cell("The end.")]
    cells = with_answers(tmp_path, student, source)
    assert [c.source.splitlines()[0] for c in cells] == [
        "## The question", "I think seeds do not matter.",
        "**The instructor's answer** (shown with your feedback)", "def f():",
        "**The instructor's answer** (shown with your feedback)", "The end."]
    assert cells[2].source.endswith("**Model answer.** Seeds matter.\n**Rubric.** 1 point.")
    assert "MARK SCHEME" not in cells[2].source
    assert cells[4].source.endswith("```python\n    return 42\n```")
    assert all(c.cell_type == "markdown" for c in (cells[2], cells[4]))
    assert "nbgrader" not in cells[2].metadata  # an ordinary cell: nbgrader grades nothing


def test_instructor_answers_skip_cells_the_source_does_not_answer(tmp_path):
    student = [answer_cell("my answer", "renamed_by_hand"),
               new_code_cell("print(1)", outputs=[stdout("1\n")])]
    cells = with_answers(tmp_path, student, [answer_cell("the answer", "explain")])
    assert [c.source for c in cells] == ["my answer", "print(1)"]


def test_instructor_answers_without_the_source_notebook_say_where_it_was_looked_for(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"source.a1.nb\.ipynb.*source_directory"):
        with_answers(tmp_path, [answer_cell("my answer", "explain")])
