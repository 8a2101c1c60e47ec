"""nbgrader preprocessors of this course (named in grader/nbgrader_config.py).

Student code runs in the same kernel as the tests, so it can see every cell that runs
after it (hidden tests included) and change how they run. What comes out of grading is
therefore checked here, outside the kernel (docs/security.md says what that guarantees):

- ``ExecuteWithTimeLimit`` runs the notebook with grading checks around the test cells
  and gives the autograded tests 0 points, with a reason, when a check shows that the
  cells or the checking helpers were tampered with;
- ``LimitOutputSize`` and ``SanitizeOutputs`` bound and defuse what is stored in the
  autograded notebook (which the formgrader shows) and hence in feedback;
- ``FeedbackOutputs`` decides what of the outputs a student sees in feedback;
- ``InstructorAnswers`` shows, in feedback only, the instructor's answer after each
  hand-graded answer, read from the source notebook (never part of the release);
- ``RecordReasons`` writes the reasons into the autograded notebook, where
  grader/autograde.py reads them into the submission's Outcome.
"""

import html
import json
import math
import re
import secrets
import time
from pathlib import Path

import nbformat
import nh3
from jinja2 import pass_context
from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute, NbGraderPreprocessor, OverwriteCells
from traitlets import Bool, Integer, Unicode
from traitlets.config import LoggingConfigurable

from grader.cells import (
    DEMO_TAG,
    grade_id,
    is_demo,
    is_graded,
    is_solution,
    is_test,
    is_written_answer,
)

REASONS = "course_reasons"  # resources key, and notebook metadata key, of the reasons


def add_reason(resources, reason: str) -> None:
    """Record why this submission needs the instructor's attention (see RecordReasons)."""
    resources.setdefault(REASONS, []).append(reason)


def recorded_reasons(notebook_path: Path) -> list:
    """The reasons RecordReasons wrote into an autograded notebook."""
    try:
        nb = nbformat.read(notebook_path, as_version=4)
    except Exception:  # no autograded notebook: nbgrader's own failure says why
        return []
    return list(nb.metadata.get(REASONS, []))


# -- grading checks: detect rewritten cells and neutered assertions ---------------------

# Methods of the IPython shell and kernel through which code decides how a cell runs
# and whether its error is reported.
_SHELL_METHODS = ("run_cell", "run_cell_async", "run_ast_nodes", "run_code", "transform_cell",
                  "transform_ast", "should_run_async", "showtraceback", "_showtraceback",
                  "showsyntaxerror", "ex", "ev")
_KERNEL_METHODS = ("do_execute", "execute_request")

_SNAPSHOT = '''\
# grading check {token}: a snapshot of how cells run, before any student code
def _grading_snapshot_{token}():
    import sys
    ip = get_ipython()
    kernel = getattr(ip, "kernel", None)
    return {{
        "an IPython AST transformer": list(ip.ast_transformers),
        "an IPython input transformer": (list(ip.input_transformers_post)
                                         + list(ip.input_transformers_cleanup)),
        "a pre-run hook (it sees the source of every cell, hidden tests included)": [
            f for event in ("pre_run_cell", "pre_execute")
            for f in ip.events.callbacks.get(event, [])],
        "the shell's cell-running methods": [
            (getattr(type(ip), m, None), vars(ip).get(m)) for m in {shell_methods!r}],
        "the kernel's execute methods": [
            (getattr(type(kernel), m, None), vars(kernel).get(m) if kernel else None)
            for m in {kernel_methods!r}],
        "the compiler of cells": [ip.compile, type(ip.compile)],
        "a trace function": [sys.gettrace()],
    }}
_grading_base_{token} = _grading_snapshot_{token}()
'''

_CHECK = '''\
# grading check {token}: this cell must fail, with the list of what it found changed
def _grading_check_{token}():
    import math
    import sys

    import numpy
    found = []
    now = _grading_snapshot_{token}()
    for what, before in _grading_base_{token}.items():
        if now[what] != before:
            found.append(f"{{what}} was installed or replaced")
    a, b = {a!r}, {b!r}
    chk = globals().get("checks")
    if chk is not None and chk is not sys.modules.get("course.checks"):
        found.append("the name `checks` no longer refers to course.checks")
    if chk is not None:
        same = numpy.array([a])
        attempts = [
            ("checks.call", lambda: chk.call(int, "not a number")),
            ("checks.fail", lambda: chk.fail("c")),
            ("checks.expect_new_array", lambda: chk.expect_new_array(same, same, call="c")),
            ("checks.expect_array", lambda: chk.expect_array(numpy.array([a]), [b], call="c")),
            ("checks.expect_number", lambda: chk.expect_number(a, b, call="c")),
            ("checks.expect_raises", lambda: chk.expect_raises(ValueError, abs, a)),
            ("checks.expect_unchanged", lambda: chk.expect_unchanged(
                numpy.array([a]), numpy.array([b]), call="c")),
            ("checks.expect_float_dtype", lambda: chk.expect_float_dtype(
                numpy.array([1, 2]), call="c")),
        ]
        for name, attempt in attempts:
            try:
                attempt()
            except Exception:  # failing is what it must do
                continue
            found.append(f"{{name}} accepted a wrong value")
    try:
        assert a == b
        found.append("an `assert` that must fail passed")
    except AssertionError:
        pass
    comparisons = [
        ("numpy.isclose", lambda: bool(numpy.isclose(a, b))),
        ("numpy.allclose", lambda: bool(numpy.allclose([a], [b]))),
        ("numpy.array_equal", lambda: bool(numpy.array_equal([a], [b]))),
        ("numpy's ==", lambda: bool((numpy.array([a]) == numpy.array([b])).any())),
        ("math.isclose", lambda: bool(math.isclose(a, b))),
    ]
    for name, compare in comparisons:
        try:
            if compare():
                found.append(f"{{name}} called two different numbers equal")
        except Exception:
            found.append(f"{{name}} is broken")
    return found
_grading_found_{token} = _grading_check_{token}()
raise AssertionError("{token}|" + "|".join(_grading_found_{token}))
'''

# Errors that mean a check did not run (time ran out), not that it was tampered with.
_NOT_RUN = ("NotebookTimeLimit", "CellTimeoutError")


def insert_grading_checks(nb) -> str:
    """Put a snapshot cell first and a check cell after every autograded test cell;
    return the token that marks them (random for each grading)."""
    token = secrets.token_hex(8)
    rng = secrets.SystemRandom()
    cells = [nbformat.v4.new_code_cell(_SNAPSHOT.format(
        token=token, shell_methods=_SHELL_METHODS, kernel_methods=_KERNEL_METHODS))]
    for cell in nb.cells:
        cells.append(cell)
        if is_test(cell):
            a = round(rng.uniform(-100, 100), 6)
            b = round(a + rng.uniform(1, 100), 6)
            cells.append(nbformat.v4.new_code_cell(_CHECK.format(token=token, a=a, b=b)))
    nb.cells = cells
    return token


def verify_grading_checks(nb, token: str) -> list:
    """Remove the cells :func:`insert_grading_checks` added; return what their outputs
    show was tampered with (an empty list when every check that ran failed cleanly)."""
    marker = f"# grading check {token}"
    checks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(marker)]
    nb.cells = [c for c in nb.cells if not (c.cell_type == "code"
                                            and c.source.startswith(marker))]
    snapshot, checks = checks[0], checks[1:]
    found = []
    for output in snapshot.get("outputs", []):
        if output.output_type == "error" and output.ename not in _NOT_RUN:
            found.append(f"the grading snapshot failed ({output.ename})")
    for check in checks:
        errors = [o for o in check.get("outputs", []) if o.output_type == "error"]
        if not errors:
            found.append("a grading check that must fail finished without an error: cells "
                         "are being rewritten or their errors hidden")
            continue
        error = errors[-1]
        if error.ename in _NOT_RUN:
            continue
        if error.ename == "AssertionError" and error.evalue.startswith(f"{token}|"):
            found += [f for f in error.evalue[len(token) + 1:].split("|") if f]
        else:
            found.append(f"a grading check was changed as it ran ({error.ename})")
    return list(dict.fromkeys(found))


class ExecuteWithTimeLimit(Execute):
    """nbgrader's Execute with a limit for the whole notebook, not only per cell, and
    with grading checks around the test cells.

    nbgrader bounds each cell (``timeout``) but not the notebook: an infinite loop in a
    graded function would cost the per-cell limit once for every test cell that calls it.
    Here each cell gets at most the time left of ``notebook_timeout``; once it is spent,
    the remaining code cells are not run and carry an error saying why, so their tests
    score 0 and the student is told what happened.

    Grading checks (``grading_checks``): a cell run before any other records how the
    kernel runs cells (IPython transformers, hooks, the shell's and kernel's methods);
    after every test cell a check cell compares with it and calls the ``checks`` helpers
    and NumPy's comparisons with wrong values, then raises. A check that does not fail,
    or fails listing what it found changed, means the grading was tampered with: the
    check cells are removed again, every autograded test cell gets an error instead of
    its outputs (so it scores 0) and the reason is recorded.
    """

    notebook_timeout = Integer(300, help="Seconds for the whole notebook.").tag(config=True)
    grading_checks = Bool(True, help="Check for tampering; score 0 when found.").tag(config=True)
    max_received_bytes = Integer(64_000_000, help=(
        "Bytes of outputs kept while the notebook runs; further outputs (except errors) "
        "are dropped as they arrive, so that a flood cannot fill the grader's memory. "
        "LimitOutputSize cuts what is kept to its own, smaller limits.")).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._per_cell_timeout = self.timeout
        self._deadline = time.monotonic() + self.notebook_timeout
        self._received, self._dropped = 0, 0
        token = insert_grading_checks(nb) if self.grading_checks else None
        try:
            nb, resources = super().preprocess(nb, resources, km)
        finally:
            self.timeout = self._per_cell_timeout
        if self._dropped:
            add_reason(resources, f"{self._dropped} outputs were dropped as they arrived: the "
                       f"notebook's outputs passed {_mb(self.max_received_bytes)}")
        if token:
            found = verify_grading_checks(nb, token)
            if found:
                self._score_zero(nb, found)
                add_reason(resources, "grading was tampered with, autograded tests scored 0: "
                           + "; ".join(found))
        return nb, resources

    @staticmethod
    def _score_zero(nb, found) -> None:
        message = ("the grading of this notebook was tampered with (" + "; ".join(found)
                   + "), so the autograded tests score 0; ask your instructor")
        for cell in nb.cells:
            if is_test(cell):
                cell.outputs = [nbformat.v4.new_output(
                    "error", ename="GradingIntegrityError", evalue=message,
                    traceback=[f"GradingIntegrityError: {message}"])]

    def output(self, outs, msg, display_id, cell_index):
        """nbclient's handler of each output message as it arrives."""
        if msg["msg_type"] != "error":
            self._received += len(json.dumps(msg["content"]))
            if self._received > self.max_received_bytes:
                note = _note(f"further outputs dropped by the grader: the notebook's outputs "
                             f"passed {_mb(self.max_received_bytes)}")
                if note not in outs:  # once per cell
                    outs.append(note)
                self._dropped += 1
                return None
        return super().output(outs, msg, display_id, cell_index)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        left = self._deadline - time.monotonic()
        if left <= 0:
            cell.outputs = [nbformat.v4.new_output(
                "error", ename="NotebookTimeLimit",
                evalue=f"grading stopped after {self.notebook_timeout} s for the whole "
                       "notebook; this cell was not run (look for an endless loop above)",
                traceback=[f"NotebookTimeLimit: the notebook used its {self.notebook_timeout} s"],
            )]
            return cell, resources
        self.timeout = max(1, min(self._per_cell_timeout, math.ceil(left)))
        return super().preprocess_cell(cell, resources, index)


# -- size -------------------------------------------------------------------------------

def _size(output) -> int:
    return len(json.dumps(output, ensure_ascii=False))


def _note(text: str):
    return nbformat.v4.new_output("stream", name="stdout", text=f"[{text}]\n")


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


class LimitOutputSize(NbGraderPreprocessor):
    """Bound what a notebook's outputs weigh, across all MIME types (text, HTML, images).

    nbgrader's LimitOutput counts lines; one line of ten megabytes passes it, and so do
    images and HTML. Here every text is cut to ``max_chars`` characters; an output still
    larger than ``max_output_bytes`` (e.g. a huge image) is removed; once the notebook's
    outputs reach ``max_notebook_bytes``, or its HTML and markdown outputs
    ``max_html_tags`` tags (rendering a page costs time per element: nbconvert parses
    every feedback page whole), every further output is removed. Each cell says with one
    note how many of its outputs were removed and why. An error output is never removed,
    only shortened (it is what a failed test shows). Runs after SaveAutoGrades, so grades
    are decided on the outputs as they came; what is cut is recorded as a reason.
    """

    max_chars = Integer(20_000, help="Characters per text of an output.").tag(config=True)
    max_output_bytes = Integer(2_000_000, help="Bytes per output (JSON).").tag(config=True)
    max_notebook_bytes = Integer(
        8_000_000, help="Bytes of all outputs of a notebook (JSON).").tag(config=True)
    max_html_tags = Integer(
        20_000, help="Tags in all HTML and markdown outputs of a notebook.").tag(config=True)

    def preprocess(self, nb, resources):
        self._total, self._tags, self._removed_bytes = 0, 0, 0
        self._texts, self._large, self._over = 0, 0, 0
        nb, resources = super().preprocess(nb, resources)
        cuts = []
        if self._texts:
            cuts.append(f"{self._texts} text(s) cut to {self.max_chars:,} characters")
        if self._large:
            cuts.append(f"{self._large} output(s) over {_mb(self.max_output_bytes)} each "
                        "removed")
        if self._over:
            cuts.append(f"{self._over} output(s) beyond the notebook's "
                        f"{_mb(self.max_notebook_bytes)} or {self.max_html_tags:,} HTML tags "
                        "removed")
        if cuts:
            add_reason(resources, f"outputs were cut to size ({_mb(self._removed_bytes)} "
                       "removed): " + ", ".join(cuts))
        return nb, resources

    def _cut(self, text: str) -> str:
        if len(text) <= self.max_chars:
            return text
        self._texts += 1
        return (text[: self.max_chars]
                + f"\n... [{len(text) - self.max_chars} more characters cut by the grader]\n")

    def _shorten_error(self, output):
        output["evalue"] = self._cut(output.get("evalue", ""))
        if sum(len(line) for line in output.get("traceback", [])) > self.max_chars:
            output["traceback"] = [f"{output.get('ename', 'Error')}: {output['evalue']}"]
        return output

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        outputs, removed, note_at = [], 0, None
        for output in cell.get("outputs", []):
            before = _size(output)
            if output.get("output_type") == "error":
                outputs.append(self._shorten_error(output))
                self._total += _size(output)
                continue
            if output.get("output_type") == "stream":
                output["text"] = self._cut(output.get("text", ""))
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/") and isinstance(value, str):
                    output["data"][mime] = self._cut(value)
            size = _size(output)
            tags = sum(value.count("<") for mime, value in output.get("data", {}).items()
                       if mime in ("text/html", "text/markdown") and isinstance(value, str))
            if size > self.max_output_bytes:
                self._large += 1
            elif (self._total + size > self.max_notebook_bytes
                  or self._tags + tags > self.max_html_tags):
                self._over += 1
            else:
                self._total += size
                self._tags += tags
                self._removed_bytes += before - size
                outputs.append(output)
                continue
            removed += 1
            self._removed_bytes += before
            note_at = len(outputs) if note_at is None else note_at
        if removed:
            outputs.insert(note_at, _note(
                f"{removed} output(s) removed by the grader: over {_mb(self.max_output_bytes)} "
                f"each, or beyond the notebook's {_mb(self.max_notebook_bytes)} or "
                f"{self.max_html_tags:,} HTML tags"))
        cell.outputs = outputs
        return cell, resources


# -- HTML -------------------------------------------------------------------------------

_ATTRIBUTES = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES["*"] = {"class", "id", "title"}
_URL_SCHEMES = set(nh3.ALLOWED_URL_SCHEMES) | {"data"}  # data: images; no javascript:


def clean_html(text) -> str:
    """HTML without script: no <script>, <style>, <iframe>, <svg>, <object>, no event
    handler attributes, no javascript: URLs (nh3, the Rust ``ammonia`` sanitizer, with
    its own allow-list of tags plus class/id, which nbconvert's markup uses).

    nbconvert's templates call this filter (named ``clean_html``, configured in
    grader/nbgrader_config.py) on markdown cells and HTML outputs when
    ``HTMLExporter.sanitize_html`` is on: both feedback and the formgrader render
    through it."""
    text = text.decode() if isinstance(text, bytes) else str(text)
    return nh3.clean(text, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES)


class CleanMarkdown(LoggingConfigurable):
    """The ``markdown2html`` template filter, followed by :func:`clean_html`.

    nbgrader's feedback and formgrade templates render markdown cells with
    ``markdown2html`` and without nbconvert's ``clean_html`` (they replace the block that
    would clean them), so a written answer could carry ``<img onerror=...>`` into both
    pages. Configured in place of ``markdown2html`` (grader/nbgrader_config.py), this
    cleans every markdown cell and markdown output that any template renders. nbconvert
    makes it with the exporter as ``parent``, whose own ``markdown2html`` it calls.
    """

    jinja_pass_arg = pass_context(lambda: None).jinja_pass_arg  # called with the context

    def __call__(self, context, source):
        return clean_html(self.parent.markdown2html(context, source))


class SanitizeOutputs(SanitizeHTML):
    """Outputs and raw cells that cannot run script, stored so in the notebook itself.

    nbconvert's SanitizeHTML keeps only outputs of safe types (text, PNG, JPEG, LaTeX,
    JSON) and cleans HTML; here the cleaning is :func:`clean_html`, and an output left
    without anything to show gets a note saying what was removed. Markdown cells are
    left as written (they are the student's answers): they are cleaned when rendered,
    after markdown is turned into HTML, by the same :func:`clean_html`.
    """

    enabled = Bool(True, help="nbconvert's own preprocessors are off by default").tag(
        config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            return cell, resources
        if cell.cell_type == "code":
            removed = [sorted(set(o.get("data", {})) - self.safe_output_keys
                              - self.sanitized_output_types) for o in cell.outputs]
            cell, resources = super().preprocess_cell(cell, resources, index)
            for output, gone in zip(cell.outputs, removed, strict=True):
                if gone and "data" in output and not output["data"]:
                    output["data"]["text/plain"] = (
                        f"[{', '.join(gone)} output removed by the grader: it can run script]")
            return cell, resources
        return super().preprocess_cell(cell, resources, index)

    def sanitize_html_tags(self, html_str):
        return clean_html(html_str)


# -- feedback ---------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _output_text(output) -> str:
    """Everything readable in an output, as a reader of the page would see it."""
    parts = [output.get("text", ""), output.get("ename", ""), output.get("evalue", ""),
             *output.get("traceback", [])]
    parts += [v for v in output.get("data", {}).values() if isinstance(v, str)]
    text = _ANSI.sub("", "\n".join(parts))
    return _normal(text) + " " + _normal(html.unescape(_TAG.sub("", text)))


class FeedbackOutputs(NbGraderPreprocessor):
    """What a student sees of the outputs in feedback: never a hidden test.

    Student code runs in the kernel that runs the hidden tests, and every cell's source
    is sent to that kernel: from the first hidden-test cell on, code can hold the hidden
    tests and show them, in clear or encoded, in any output. So, in feedback:

    - a test cell shows only its outcome: nothing when it passed (the score says so),
      ``ename: message`` when it failed, the message cut to ``max_message_chars``
      (a traceback would quote the test; captured prints and displays are dropped);
    - any other cell that ran after the first hidden-test cell shows a note instead of
      its outputs (the student ran it themselves and saw them);
    - before that, outputs are kept;
    - anywhere, an output or message that contains a line of a hidden test (at least
      ``min_line_chars`` long, not also written outside the hidden tests) is withheld.

    Runs before ClearHiddenTests, while the hidden tests are still in the notebook. The
    formgrader shows the autograded notebook, not feedback: instructors see everything.
    """

    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end_test_delimeter = Unicode("END HIDDEN TESTS").tag(config=True)
    max_message_chars = Integer(
        1500, help="Characters of a failed test's message shown in feedback.").tag(config=True)
    min_line_chars = Integer(
        16, help="Shortest hidden-test line that is looked for in outputs.").tag(config=True)

    def preprocess(self, nb, resources):
        self._hidden = self._hidden_lines(nb)
        starts = [i for i, c in enumerate(nb.cells)
                  if c.cell_type == "code" and self.begin_test_delimeter in c.source]
        self._first_hidden = starts[0] if starts else len(nb.cells)
        return super().preprocess(nb, resources)

    def _hidden_lines(self, nb) -> list:
        hidden, visible = set(), set()
        for cell in nb.cells:
            inside = False
            for line in cell.source.splitlines():
                if self.begin_test_delimeter in line:
                    inside = True
                elif self.end_test_delimeter in line:
                    inside = False
                else:
                    (hidden if inside else visible).add(_normal(line))
        return sorted(line for line in hidden - visible if len(line) >= self.min_line_chars)

    def _quotes_hidden(self, text: str) -> bool:
        return any(line in text for line in self._hidden)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.get("outputs"):
            return cell, resources
        if is_test(cell) or self.begin_test_delimeter in cell.source:
            cell.outputs = [self._outcome(o) for o in cell.outputs
                            if o.output_type == "error"][-1:]
        elif index > self._first_hidden:
            cell.outputs = [_note("outputs of cells that ran after the hidden tests had "
                                  "started are not shown in feedback; run your notebook "
                                  "to see them")]
        else:
            cell.outputs = [_note("output withheld: it contains a line of a hidden test")
                            if self._quotes_hidden(_output_text(o)) else o
                            for o in cell.outputs]
        return cell, resources

    def _outcome(self, error):
        message = error.get("evalue", "")
        if len(message) > self.max_message_chars:
            message = message[: self.max_message_chars] + " ... [cut]"
        if self._quotes_hidden(_output_text({"evalue": message})):
            message = "(message withheld: it quoted a hidden test)"
        ename = error.get("ename", "Error")
        return nbformat.v4.new_output("error", ename=ename, evalue=message,
                                      traceback=[f"{ename}: {message}"])


def instructor_answer(cell) -> str:
    """The solution region of a source cell: what ``### BEGIN SOLUTION`` and
    ``### END SOLUTION`` enclose, or, without them, the whole cell (nbgrader replaces a
    markdown answer cell whole). Mark scheme delimiters are dropped, their text kept."""
    lines = cell.source.splitlines()
    if any("BEGIN SOLUTION" in line for line in lines):
        kept, inside = [], False
        for line in lines:
            if "BEGIN SOLUTION" in line:
                inside = True
            elif "END SOLUTION" in line:
                inside = False
            elif inside:
                kept.append(line)
        lines = kept
    text = "\n".join(line for line in lines
                     if "BEGIN MARK SCHEME" not in line and "END MARK SCHEME" not in line)
    text = text.strip("\n")
    return f"```python\n{text}\n```" if cell.cell_type == "code" else text


class InstructorAnswers(NbGraderPreprocessor):
    """Feedback shows the instructor's answer after each hand-graded answer cell.

    The answer is the solution region of that cell (same ``grade_id``) in the source
    notebook, found through nbgrader's CourseDirectory (``source_directory``): it is
    never in the released notebook, so a student meets it only with their feedback.
    """

    heading = Unicode("The instructor's answer").tag(config=True)

    def source_path(self, assignment: str, notebook: str) -> Path:
        coursedir = CourseDirectory(parent=self)
        folder = coursedir.format_path(coursedir.source_directory, ".", assignment)
        return Path(folder) / f"{notebook}.ipynb"

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        path = self.source_path(info["assignment"], info["notebook"])
        if not path.is_file():
            raise FileNotFoundError(
                f"feedback shows the instructor's answers from the source notebook {path}, "
                "which is missing: generate feedback where the course's source notebooks "
                "are (CourseDirectory.source_directory in grader/nbgrader_config.py)")
        source = nbformat.read(path, as_version=4)
        answers = {grade_id(c): instructor_answer(c)
                   for c in source.cells if is_written_answer(c)}
        cells = []
        for cell in nb.cells:
            cells.append(cell)
            if is_written_answer(cell) and answers.get(grade_id(cell)):
                cells.append(nbformat.v4.new_markdown_cell(
                    f"**{self.heading}** (shown with your feedback)\n\n{answers[grade_id(cell)]}",
                    metadata={"course_instructor_answer": grade_id(cell)}))
        nb.cells = cells
        return nb, resources


class RecordReasons(NbGraderPreprocessor):
    """Write the reasons recorded while grading (``add_reason``) into the notebook's
    metadata, where grader/autograde.py reads them into the Outcome. Last in the list:
    nothing after it clears notebook metadata."""

    def preprocess(self, nb, resources):
        nb.metadata[REASONS] = list(resources.get(REASONS, []))
        return nb, resources


class OverwriteCellsSafely(OverwriteCells):
    """nbgrader's OverwriteCells, without crashing on cells it has disowned.

    For a cell whose grade id the gradebook does not know (a notebook of another
    assignment, invented metadata), OverwriteCells deletes the ``grade_id`` but keeps the
    rest of the nbgrader metadata; DeduplicateIds leaves ``{}`` on a duplicated cell.
    With ``add_missing_cells`` such a cell then stops the whole submission with
    ``KeyError: 'grade_id'`` (nbgrader 0.9.6). Dropping that leftover metadata makes the
    cell an ordinary one, and the submission is graded. A test or answer cell that a
    student tagged as a demonstration loses that tag: grading would skip it, and a test
    that does not run fails nothing.
    """

    def preprocess_cell(self, cell, resources, index):
        cell, resources = super().preprocess_cell(cell, resources, index)
        if "nbgrader" in cell.metadata and grade_id(cell) is None:
            del cell.metadata["nbgrader"]
        if (is_graded(cell) or is_solution(cell)) and is_demo(cell):
            # grading skips demonstrations: a test or an answer is never one
            cell.metadata["tags"] = [t for t in cell.metadata["tags"] if t != DEMO_TAG]
        return cell, resources
