"""course.checks: the messages students read when a test fails."""

import matplotlib

matplotlib.use("Agg")
import re  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course import checks  # noqa: E402


def message(fn, *args, **kwargs) -> str:
    """The failure message of ``fn(*args, **kwargs)``, its line breaks read as spaces."""
    with pytest.raises(AssertionError) as info:
        fn(*args, **kwargs)
    return " ".join(str(info.value).split())


def test_none_result_asks_about_return():
    text = message(checks.expect_array, None, [1.0], call="relu(x)")
    assert "relu(x) returned None" in text and "`return`" in text


def test_shape_mismatch_names_both_shapes():
    text = message(checks.expect_array, np.zeros(3), np.zeros((2, 3)), call="f(x)")
    assert "(3,)" in text and "(2, 3)" in text


def test_wrong_values_show_input_got_expected_and_hint():
    x = np.array([-3.0, 1.0, 3.0])
    text = message(checks.expect_array, [-6.0, 2.0, 3.0], [-0.6, 1.0, 3.0],
                   call="leaky_relu(x, alpha=0.2)", x=x, hint="choose by the sign of x")
    assert "wrong at 2 of 3" in text
    assert "x = -3.0: got -6.0, expected -0.6" in text
    assert "x = 1.0: got 2.0, expected 1.0" in text
    assert "Hint: choose by the sign of x" in text


def test_a_wrong_single_number_shows_got_expected_and_hint():
    text = message(checks.expect_array, 1.0, 0.5, call="dead_unit_fraction(acts)",
                   hint="count units, not entries")
    assert text.startswith("dead_unit_fraction(acts) returned 1.0, expected 0.5.")
    assert text.endswith("Hint: count units, not entries")


def test_many_wrong_values_are_abbreviated():
    text = message(checks.expect_array, np.ones(20), np.zeros(20), call="f(x)")
    assert "wrong at 20 of 20" in text and "and 15 more" in text


def test_close_values_pass_and_nan_equals_nan():
    checks.expect_array(np.float32(0.1) * np.ones(3), [0.1, 0.1, 0.1], call="f")
    checks.expect_array([np.nan, 1.0], [np.nan, 1.0], call="f")


def test_non_numeric_result_is_reported():
    text = message(checks.expect_array, "abc", [1.0], call="f(x)")
    assert "returned 'abc'" in text


def test_call_names_the_input_that_raised():
    def leaky_relu(x, alpha=0.01):
        raise TypeError("bad operand")

    text = message(checks.call, leaky_relu, np.array([1.0, -2.0]), alpha=0.5)
    assert "leaky_relu([ 1., -2.], alpha=0.5) raised TypeError: bad operand" in text


def test_call_explains_not_implemented():
    def relu(x):
        raise NotImplementedError()

    assert "replace `raise NotImplementedError()`" in message(checks.call, relu, 1.0)


def test_expect_raises_reports_a_missing_exception_and_the_wrong_type():
    def returns(x, alpha):
        return x

    def wrong_type(x, alpha):
        raise TypeError("nope")

    def silent(x, alpha):
        raise ValueError()

    def good(x, alpha):
        raise ValueError("alpha must be >= 0")

    assert "expected it to raise ValueError" in message(checks.expect_raises, ValueError,
                                                        returns, 1.0, alpha=-1)
    assert "raised TypeError (nope), expected ValueError" in message(
        checks.expect_raises, ValueError, wrong_type, 1.0, alpha=-1)
    assert "without a message" in message(checks.expect_raises, ValueError, silent, 1.0, alpha=-1)
    assert checks.expect_raises(ValueError, good, 1.0, alpha=-1) is None


def test_unchanged_and_new_array():
    x = np.array([1.0, -1.0])
    checks.expect_unchanged(x, x.copy(), call="f(x)")
    assert "modified its input" in message(checks.expect_unchanged, x, np.array([1.0, 0.0]),
                                           call="f(x)")
    assert "not a new array" in message(checks.expect_new_array, x[:], x, call="f(x)")
    checks.expect_new_array(x.copy(), x, call="f(x)")


def test_float_dtype():
    checks.expect_float_dtype(np.zeros(2, np.float32), call="f")
    assert "dtype int64" in message(checks.expect_float_dtype, np.zeros(2, np.int64), call="f")


@pytest.mark.parametrize(("label", "value", "named"), [
    ("Leaky ReLU, alpha = 0.1", 0.1, True),
    ("Leaky ReLU, alpha = 0.1", 0.01, False),
    ("leaky (α=0.30)", 0.3, True),
    ("Leaky ReLU (α = 5.0e-02)", 0.05, True),
    ("negative_slope=1.5", 1.5, True),
    ("ReLU", 0.1, False),
])
def test_label_names(label, value, named):
    assert checks.label_names(label, value) is named


def test_line_data_skips_unlabelled_decoration():
    fig, ax = plt.subplots()
    ax.plot([-1, 0, 1], [0, 0, 1], label="ReLU")
    ax.axhline(0)
    ax.plot([0, 1], [0, 1])
    curves = checks.line_data(ax)
    plt.close(fig)
    assert [label for label, _, _ in curves] == ["ReLU"]
    np.testing.assert_array_equal(curves[0][2], [0.0, 0.0, 1.0])


def test_expect_number_accepts_close_numbers_of_any_numeric_type():
    checks.expect_number(np.float32(0.1), 0.1, call="f()", rtol=1e-6)
    checks.expect_number(np.array([2.0]), 2.0, call="f()")  # one value in an array is fine
    checks.expect_number(3, 3.0, call="f()")


def test_expect_number_names_the_known_mistake_it_recognises():
    with pytest.raises(AssertionError) as failure:
        checks.expect_number(1.63, 2.0, call="std(x)", hint="general hint",
                             mistakes={"use ddof=1": 1.63, "other": 5.0})
    assert str(failure.value) == "std(x) gave 1.63, expected 2.0.\nHint: use ddof=1"
    with pytest.raises(AssertionError, match="general hint"):
        checks.expect_number(1.7, 2.0, call="std(x)", hint="general hint",
                             mistakes={"use ddof=1": 1.63})


@pytest.mark.parametrize(("got", "problem"), [
    (None, "returned None"), ("abc", "expected a number close to 2.0"),
    (np.array([1.0, 2.0]), "shape (2,)")])
def test_expect_number_explains_results_that_are_not_one_number(got, problem):
    with pytest.raises(AssertionError, match=re.escape(problem)):
        checks.expect_number(got, 2.0, call="f()")


def test_long_messages_come_in_lines_that_nbgrader_validate_shows_whole():
    """validate cuts a traceback line after 87 characters, 4 of them indent, and the
    first line follows "AssertionError: "."""
    x = np.linspace(-5.0, 5.0, 11)
    with pytest.raises(AssertionError) as info:
        checks.expect_array(x * 2, x, call="leaky_relu(x, alpha=2.0) for an eleven-value x", x=x,
                            hint="np.maximum(alpha * x, x) equals Leaky ReLU only when alpha "
                            "<= 1; for alpha = 2 it returns 2x for positive x. Choose by the "
                            "sign of x instead.")
    lines = str(info.value).split("\n")
    assert len("    AssertionError: " + lines[0]) <= 87
    assert all(len("    " + line) <= 87 for line in lines), lines
    hint_at = next(i for i, line in enumerate(lines) if line.startswith("Hint: "))
    assert " ".join(" ".join(lines[hint_at:]).split()) == (
        "Hint: np.maximum(alpha * x, x) equals Leaky ReLU only when alpha <= 1; for alpha = 2 "
        "it returns 2x for positive x. Choose by the sign of x instead.")


def test_fail_keeps_short_lines_and_indented_lines_as_they_are():
    with pytest.raises(AssertionError) as info:
        checks.fail("f(x) is wrong:\n  at x = 1.0: got 2.0, expected 1.0", "use ax.legend().")
    assert str(info.value) == (
        "f(x) is wrong:\n  at x = 1.0: got 2.0, expected 1.0\nHint: use ax.legend().")


def test_passed_prints_one_short_line(capsys):
    checks.passed(2, "numbers, lists and 2-D arrays, and an unchanged input.")
    out = capsys.readouterr()
    assert out.err == ""
    assert out.out == ("Passed. Hidden tests (2 points) check numbers, lists and 2-D arrays, "
                       "and an unchanged input.\n")


def test_expect_array_names_the_known_mistake_it_recognises():
    x = np.array([-2.0, 3.0])
    text = message(checks.expect_array, [-2.0, 6.0], [-4.0, 3.0], call="leaky_relu(x, alpha=2)",
                   x=x, hint="general", mistakes={"the max trick": np.maximum(2 * x, x)})
    assert text.endswith("Hint: the max trick")


def test_call_adds_the_hint_of_the_test_cell():
    def relu(x):
        raise IndexError("index 0 is out of bounds")

    text = message(checks.call, relu, 1.0, hint="a probe with ONE output returns it bare")
    assert "relu(1.0) raised IndexError" in text and text.endswith("returns it bare")


def test_expect_numpy_rejects_lists_and_python_numbers_and_wrong_shapes():
    checks.expect_numpy(np.zeros((2, 3)), (2, 3), call="f(x)")
    checks.expect_numpy(np.float64(1.5), (), call="f(1.5)")
    checks.expect_numpy(np.array(1.5), (), call="f(1.5)")
    assert "returned a list, expected a NumPy array" in message(
        checks.expect_numpy, [1.0, 2.0], (2,), call="f(x)")
    assert "f(1.5) returned a float, expected a NumPy array" in message(
        checks.expect_numpy, 1.5, (), call="f(1.5)")
    assert "(3,)" in message(checks.expect_numpy, np.zeros(3), (1, 3), call="f(x)")
