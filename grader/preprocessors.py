"""nbgrader preprocessors of this course (named in grader/nbgrader_config.py)."""

import math
import time

import nbformat
from nbgrader.preprocessors import Execute, NbGraderPreprocessor, OverwriteCells
from traitlets import Integer, Unicode


class HideHiddenTestTracebacks(NbGraderPreprocessor):
    """Reduce the error output of a hidden-test cell to its last line.

    A traceback quotes the source lines it passes through, so the feedback of a failed
    hidden test would show the hidden test itself. The student keeps the message
    (``AssertionError: leaky_relu(...) is wrong at ...``), which is written to teach
    without the code. Runs before ``ClearHiddenTests``, while the markers are present.
    """

    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and self.begin_test_delimeter in cell.source:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output['ename']}: {output['evalue']}"]
        return cell, resources


class ExecuteWithTimeLimit(Execute):
    """nbgrader's Execute with a limit for the whole notebook, not only per cell.

    nbgrader bounds each cell (``timeout``) but not the notebook: an infinite loop in a
    graded function would cost the per-cell limit once for every test cell that calls it.
    Here each cell gets at most the time left of ``notebook_timeout``; once it is spent,
    the remaining code cells are not run and carry an error saying why, so their tests
    score 0 and the student is told what happened.
    """

    notebook_timeout = Integer(300, help="Seconds for the whole notebook.").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._per_cell_timeout = self.timeout
        self._deadline = time.monotonic() + self.notebook_timeout
        try:
            return super().preprocess(nb, resources, km)
        finally:
            self.timeout = self._per_cell_timeout

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


class LimitOutputSize(NbGraderPreprocessor):
    """Cut every text output to ``max_chars`` characters.

    nbgrader's LimitOutput counts lines; one line of ten megabytes passes it and would
    bloat the autograded notebook, the feedback page and the formgrader.
    """

    max_chars = Integer(20_000).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and len(output.text) > self.max_chars:
                cut = len(output.text) - self.max_chars
                output.text = (output.text[: self.max_chars]
                               + f"\n... [{cut} more characters cut by the grader]\n")
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/") and isinstance(value, str) \
                        and len(value) > self.max_chars:
                    output["data"][mime] = value[: self.max_chars] + "\n... [cut by the grader]"
        return cell, resources


class OverwriteCellsSafely(OverwriteCells):
    """nbgrader's OverwriteCells, without crashing on cells it has disowned.

    For a cell whose grade id the gradebook does not know (a notebook of another
    assignment, invented metadata), OverwriteCells deletes the ``grade_id`` but keeps the
    rest of the nbgrader metadata; DeduplicateIds leaves ``{}`` on a duplicated cell.
    With ``add_missing_cells`` such a cell then stops the whole submission with
    ``KeyError: 'grade_id'`` (nbgrader 0.9.6). Dropping that leftover metadata makes the
    cell an ordinary one, and the submission is graded.
    """

    def preprocess_cell(self, cell, resources, index):
        cell, resources = super().preprocess_cell(cell, resources, index)
        if "nbgrader" in cell.metadata and "grade_id" not in cell.metadata["nbgrader"]:
            del cell.metadata["nbgrader"]
        return cell, resources
