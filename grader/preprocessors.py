"""nbgrader preprocessors of this course."""

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode


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
