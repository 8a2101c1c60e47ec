"""The shared package: grading mode, quiet TensorFlow, the slope widget, and no solutions."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import nbformat
import pytest

import course
from grader import cells
from grader.paths import assignments, source_notebook

matplotlib.use("Agg")


@pytest.mark.parametrize(("value", "expected"), [
    ("autograde", True), ("validate", True), ("", False), (None, False), ("other", False),
])
def test_grading_mode_follows_nbgrader_execution(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    else:
        monkeypatch.setenv("NBGRADER_EXECUTION", value)
    assert course.grading_mode() is expected


def test_import_tensorflow_writes_nothing_to_stderr():
    code = "import course; tf = course.import_tensorflow(); print(tf.constant(2.0).numpy())"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2.0"
    assert done.stderr == "", f"TensorFlow wrote to stderr: {done.stderr!r}"


def test_while_grading_tensorflow_and_keras_are_imported_on_first_use_and_quietly():
    """In grading mode nothing is imported until a stand-in is used; then the real
    modules answer (an answer written with tf or keras works), a later plain import
    of tensorflow is quiet too, and nothing reaches stderr."""
    code = "\n".join([
        "import sys, course",
        "tf, keras = course.import_tensorflow(), course.import_keras()",
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)",
        "print(float(keras.ops.relu(-1.0)), isinstance(tf.constant(1.0), tf.Tensor))",
        "import tensorflow",
        "print(tensorflow is sys.modules['tensorflow'],",
        "      keras.layers is sys.modules['keras'].layers)",
    ])
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env["NBGRADER_EXECUTION"] = "autograde"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["False False", "0.0 True", "True True"]
    assert done.stderr == "", f"TensorFlow wrote to stderr: {done.stderr!r}"


def test_slope_explorer_draws_the_students_function_once_while_grading(monkeypatch):
    import matplotlib.pyplot as plt
    import numpy as np

    from course import widgets

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    calls = []

    def students_leaky_relu(x, alpha=0.01):
        calls.append(alpha)
        return np.where(x > 0, x, alpha * x)

    monkeypatch.setattr(plt, "show", lambda: None)
    plt.close("all")
    widgets.slope_explorer(students_leaky_relu, initial=0.25)
    assert calls == [0.0, 0.25]  # the ReLU reference (alpha 0), then the slider's start
    ax = plt.gcf().axes[0]
    labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert labels == ["ReLU (alpha = 0)", "Leaky ReLU, alpha = 0.25"]
    x, y = ax.get_lines()[1].get_data()
    np.testing.assert_allclose(y, np.where(x > 0, x, 0.25 * x))
    plt.close("all")


def graded_function_names() -> set:
    names = set()
    for assignment in assignments():
        for cell in nbformat.read(source_notebook(assignment), as_version=4).cells:
            if cells.is_answer_code(cell):
                names.add(cells.grade_id(cell))
    return names


def test_the_package_defines_no_graded_function():
    graded = graded_function_names()
    assert "leaky_relu" in graded
    package = Path(course.__file__).parent
    for path in package.glob("*.py"):
        defined = {n.name for n in ast.walk(ast.parse(path.read_text()))
                   if isinstance(n, ast.FunctionDef)}
        assert not defined & graded, f"{path.name} defines graded function(s) {defined & graded}"
