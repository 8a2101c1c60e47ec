"""Assertions for test cells whose failure messages teach.

Every message names the call that failed, what came back, what was expected and, where
the test cell gives one, the likely misconception. The expected values always come from
the test cell: nothing here knows the answer to an exercise.

Typical use in a test cell::

    x = np.array([-2.0, 0.0, 3.0])
    got = checks.call(leaky_relu, x, alpha=0.1)
    checks.expect_array(got, [-0.2, 0.0, 3.0], call="leaky_relu(x, alpha=0.1)", x=x,
                        hint="negative inputs are multiplied by alpha")
"""

import math
import re
import textwrap

import numpy as np

_MAX_SHOWN = 5
# `nbgrader validate` indents each line of a traceback by 4 and cuts it after 87
# characters; the first line of a message follows "AssertionError: " (16 more). Lines of
# at most this width reach the student whole.
WIDTH = 66


def show(value) -> str:
    """A short, readable text for a value in a message (arrays are abbreviated)."""
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=6, threshold=12, separator=", ")
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def describe_call(name: str, *args, **kwargs) -> str:
    """``name(arg, key=value)`` with each value shortened by :func:`show`."""
    parts = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def call(fn, *args, hint: str = "", **kwargs):
    """Call a student's function and return its result.

    Any exception becomes an AssertionError that names the call, so the student sees
    which input broke their code, with ``hint`` (the likely cause) when the test cell
    gives one; the original exception stays chained below it.
    """
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise AssertionError(message(
            f"{describe_call(fn.__name__, *args, **kwargs)} raised NotImplementedError: "
            "replace `raise NotImplementedError()` with your code.")) from None
    except Exception as exc:  # the student's bug, reported with the input that caused it
        raise AssertionError(message(
            f"{describe_call(fn.__name__, *args, **kwargs)} raised "
            f"{type(exc).__name__}: {exc}", hint)) from exc


def _wrap(text: str, indent: str = "") -> list:
    """Lines of at most WIDTH characters; a long line continues indented by two."""
    lines = []
    for line in text.split("\n"):
        lead = indent + " " * (len(line) - len(line.lstrip(" ")))
        if len(indent + line) <= WIDTH:
            lines.append(indent + line)
            continue
        lines += textwrap.wrap(line.strip(), WIDTH, initial_indent=lead,
                               subsequent_indent=lead + "  ", break_on_hyphens=False)
    return lines


def message(problem: str, hint: str = "") -> str:
    """A failure message in lines short enough for `nbgrader validate` to show whole:
    the problem, then ``Hint:`` and the hint on lines of their own."""
    lines = _wrap(problem)
    if hint:
        lines += _wrap("Hint: " + hint.strip())
    return "\n".join(lines)


def fail(problem: str, hint: str = "") -> None:
    """Fail a test with :func:`message` (for checks written in a test cell)."""
    raise AssertionError(message(problem, hint))


def passed(hidden_points: int, hidden_checks: str) -> None:
    """The one line a visible test cell prints when it passes: what is left to the hidden
    tests of its function, so that "passed" is not read as "full marks"."""
    print(f"Passed. Hidden tests ({hidden_points} points) check {hidden_checks}")


def _fail(call_text: str, problem: str, hint: str = "") -> None:
    fail(f"{call_text} {problem}", hint)


def as_array(got, *, call: str) -> np.ndarray:
    """Convert a returned value to an array, failing with a clear message for None."""
    if got is None:
        _fail(call, "returned None.", "did you forget the `return` statement?")
    try:
        return np.asarray(got, dtype=float)
    except (TypeError, ValueError) as exc:
        _fail(call, f"returned {show(got)}, which is not a number or an array of numbers ({exc}).")


def expect_array(got, expected, *, call: str, x=None, hint: str = "", mistakes: dict | None = None,
                 rtol=1e-6, atol=1e-12):
    """Check shape and values of ``got`` against ``expected``.

    ``x`` (the input, same shape as ``expected``) lets the message show the input at
    each wrong position, which is what a student needs to find the faulty branch.
    ``mistakes`` maps a hint to what a known mistake returns (computed in the test cell);
    when ``got`` is that, the message shows that hint instead of the general one.
    """
    got_arr = as_array(got, call=call)
    expected = np.asarray(expected, dtype=float)
    if got_arr.shape != expected.shape:
        _fail(
            call,
            f"returned shape {got_arr.shape}, expected shape {expected.shape}.",
            hint or "the output must have the same shape as the input (element-wise).",
        )
    wrong = ~np.isclose(got_arr, expected, rtol=rtol, atol=atol, equal_nan=True)
    if not wrong.any():
        return
    for text, wrong_values in (mistakes or {}).items():
        wrong_values = np.asarray(wrong_values, dtype=float)
        if wrong_values.shape == got_arr.shape and np.allclose(got_arr, wrong_values, rtol=rtol,
                                                               atol=atol, equal_nan=True):
            hint = text
            break
    if expected.ndim == 0:  # a single number: np.nonzero has no positions to give
        _fail(call, f"returned {show(got_arr.item())}, expected {show(expected.item())}.", hint)
    positions = list(zip(*np.nonzero(wrong), strict=True))
    lines = []
    for pos in positions[:_MAX_SHOWN]:
        where = f"x = {show(np.asarray(x)[pos].item())}" if x is not None else f"index {pos}"
        lines.append(
            f"  at {where}: got {show(got_arr[pos].item())}, "
            f"expected {show(expected[pos].item())}"
        )
    if len(positions) > _MAX_SHOWN:
        lines.append(f"  ... and {len(positions) - _MAX_SHOWN} more")
    _fail(
        call,
        f"is wrong at {len(positions)} of {expected.size} position(s):\n" + "\n".join(lines),
        hint,
    )


def expect_number(got, expected, *, call: str, hint: str = "", mistakes: dict | None = None,
                  rtol=1e-6, atol=1e-12) -> None:
    """Check that ``got`` is one real number close to ``expected``.

    ``mistakes`` maps a hint to the value that a known mistake gives (computed in the
    test cell); when ``got`` matches one of them, the message shows that hint instead of
    the general one, so the student learns which misconception it was.
    """
    if got is None:
        _fail(call, "returned None.", "did you forget the `return` statement?")
    try:
        array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        _fail(call, f"gave {show(got)}, expected a number close to {float(expected)!r}.", hint)
    if array.size != 1:
        _fail(call, f"gave {show(got)} (shape {array.shape}), expected one number close to "
              f"{float(expected)!r}.", hint or "reduce the values to a single number.")
    value = float(array.reshape(-1)[0])
    if math.isclose(value, expected, rel_tol=rtol, abs_tol=atol):
        return
    for text, wrong in (mistakes or {}).items():
        if math.isclose(value, wrong, rel_tol=rtol, abs_tol=atol):
            hint = text
            break
    _fail(call, f"gave {value!r}, expected {float(expected)!r}.", hint)


def expect_numpy(got, shape, *, call: str, hint: str = "") -> None:
    """Check that ``got`` is a NumPy array of ``shape``, or a NumPy scalar when ``shape``
    is ``()``: not a list, nor a Python number, which :func:`expect_array` accepts."""
    if not isinstance(got, (np.ndarray, np.generic)):
        _fail(call, f"returned a {type(got).__name__}, expected a NumPy array.",
              hint or "return an array, e.g. np.asarray(...) or np.where(...), not a list "
              "or a Python number (.tolist(), float(...) and max(...) give those).")
    if np.shape(got) != tuple(shape):
        _fail(call, f"returned shape {np.shape(got)}, expected shape {tuple(shape)}.",
              hint or "the output must have the same shape as the input (element-wise).")


def expect_float_dtype(got, *, call: str, hint: str = "") -> None:
    """Check that the result holds floating-point numbers."""
    dtype = np.asarray(got).dtype
    if not np.issubdtype(dtype, np.floating):
        _fail(call, f"returned an array of dtype {dtype}, expected a float dtype.", hint)


def expect_new_array(got, original, *, call: str, hint: str = "") -> None:
    """Check that ``got`` is not the input array nor a view of its memory."""
    if isinstance(got, np.ndarray) and np.shares_memory(got, original):
        _fail(
            call,
            "returned the input array itself (or a view of it), not a new array.",
            hint or "work on a copy, e.g. np.array(x, dtype=float), or build a new array.",
        )


def expect_unchanged(original, snapshot, *, call: str, hint: str = "") -> None:
    """Check that the caller's input still equals the copy taken before the call."""
    if not np.array_equal(np.asarray(original), np.asarray(snapshot), equal_nan=True):
        _fail(
            call,
            f"modified its input: it was {show(np.asarray(snapshot))}, "
            f"now it is {show(np.asarray(original))}.",
            hint or "never write into the argument (x[...] = ..., *=, out=x); use a copy.",
        )


def expect_raises(exc_type, fn, *args, hint: str = "", **kwargs) -> None:
    """Check that ``fn(*args, **kwargs)`` raises ``exc_type`` with a non-empty message.

    Returns nothing on purpose: nbgrader reads a value left by a test cell's last line
    as partial credit.
    """
    text = describe_call(fn.__name__, *args, **kwargs)
    try:
        result = fn(*args, **kwargs)
    except exc_type as exc:
        if not str(exc).strip():
            _fail(text, f"raised {exc_type.__name__} without a message.",
                  "say what is wrong and what to do, e.g. "
                  f"raise {exc_type.__name__}('alpha must be >= 0, got -1').")
        return
    except Exception as exc:
        _fail(text, f"raised {type(exc).__name__} ({exc}), expected {exc_type.__name__}.", hint)
    _fail(text, f"returned {show(result)}, expected it to raise {exc_type.__name__}.", hint)


def numbers_in(text: str) -> list:
    """All numbers written in a text label, e.g. 'Leaky ReLU (α=0.1)' -> [0.1]."""
    found = re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", text)
    return [float(f) for f in found]


def label_names(label: str, value: float) -> bool:
    """Whether a legend label names ``value`` (as 0.1, 0.10, 1e-01, ...)."""
    return any(math.isclose(n, value, rel_tol=1e-9, abs_tol=1e-12) for n in numbers_in(label))


def line_data(ax) -> list:
    """The labelled curves on a matplotlib Axes as ``(label, x, y)`` float arrays.

    Lines without a label (matplotlib names them ``_child0`` ...; ``axhline`` and
    friends) are decoration, not curves, and are left out.
    """
    return [
        (line.get_label(), np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float))
        for line in ax.get_lines()
        if not line.get_label().startswith("_")
    ]
