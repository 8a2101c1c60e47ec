"""Student answers for assignment 1 that the autograder must grade right.

WRONG[function][name] is a plausible mistake in one graded function (the rest of the
notebook is the reference): it must lose points in that function's test cells.
CORRECT[name] is a whole notebook written in another correct style: full marks.
Each snippet is what a student would type into the solution cell (np, plt, tf and
keras come from the notebook).
"""

from textwrap import dedent

ASSIGNMENT = "01-leaky-relu"


def _src(text: str) -> str:
    return dedent(text).strip("\n")


WRONG = {
    "relu": {
        "absolute_value": _src("""
            def relu(x):
                return np.abs(np.asarray(x, dtype=float))
        """),
        "clipped_to_one": _src("""
            def relu(x):
                return np.clip(np.asarray(x, dtype=float), 0.0, 1.0)
        """),
        "modifies_input": _src("""
            def relu(x):
                x = np.asarray(x, dtype=float)
                x[x < 0] = 0.0
                return x
        """),
        "returns_mask": _src("""
            def relu(x):
                return np.asarray(x) > 0
        """),
        "builtin_max": _src("""
            def relu(x):
                return max(0.0, x)
        """),
        "first_axis_loop": _src("""
            def relu(x):
                return np.array([max(0.0, v) for v in x])
        """),
        # The text promises a NumPy array (a NumPy scalar for a number): not a list...
        "returns_list": _src("""
            def relu(x):
                return np.maximum(np.asarray(x, dtype=float), 0.0).tolist()
        """),
        # ... nor a Python float.
        "python_float_for_numbers": _src("""
            def relu(x):
                if np.isscalar(x):
                    return max(0.0, float(x))
                return np.maximum(np.asarray(x, dtype=float), 0.0)
        """),
    },
    "leaky_relu": {
        "max_trick": _src("""
            def leaky_relu(x, alpha=0.01):
                if not np.isfinite(alpha) or alpha < 0:
                    raise ValueError(f"alpha must be finite and >= 0, got {alpha}")
                x = np.asarray(x, dtype=float)
                return np.maximum(alpha * x, x)
        """),
        "nan_slips_through": _src("""
            def leaky_relu(x, alpha=0.01):
                if alpha < 0:
                    raise ValueError("alpha must be >= 0")
                x = np.asarray(x, dtype=float)
                return np.where(x > 0, x, alpha * x)
        """),
        "no_validation": _src("""
            def leaky_relu(x, alpha=0.01):
                x = np.asarray(x, dtype=float)
                return np.where(x > 0, x, alpha * x)
        """),
        "modifies_input": _src("""
            def leaky_relu(x, alpha=0.01):
                if not np.isfinite(alpha) or alpha < 0:
                    raise ValueError(f"alpha must be finite and >= 0, got {alpha}")
                x = np.asarray(x, dtype=float)
                x[x < 0] *= alpha
                return x
        """),
        "ignores_alpha": _src("""
            def leaky_relu(x, alpha=0.01):
                if not np.isfinite(alpha) or alpha < 0:
                    raise ValueError(f"alpha must be finite and >= 0, got {alpha}")
                x = np.asarray(x, dtype=float)
                return np.where(x > 0, x, 0.01 * x)
        """),
        "integer_buffer": _src("""
            def leaky_relu(x, alpha=0.01):
                if not np.isfinite(alpha) or alpha < 0:
                    raise ValueError(f"alpha must be finite and >= 0, got {alpha}")
                x = np.asarray(x)
                out = np.empty_like(x)
                for i, v in enumerate(x.flat):
                    out.flat[i] = v if v > 0 else alpha * v
                return out
        """),
        "branches_swapped": _src("""
            def leaky_relu(x, alpha=0.01):
                if not np.isfinite(alpha) or alpha < 0:
                    raise ValueError(f"alpha must be finite and >= 0, got {alpha}")
                x = np.asarray(x, dtype=float)
                return np.where(x > 0, alpha * x, x)
        """),
        "first_axis_loop": _src("""
            def leaky_relu(x, alpha=0.01):
                if not np.isfinite(alpha) or alpha < 0:
                    raise ValueError(f"alpha must be finite and >= 0, got {alpha}")
                return np.array([float(v) if v > 0 else alpha * v for v in x])
        """),
        # alpha = 1 is the identity, but the text promises a new array for every alpha.
        "returns_input_when_alpha_is_one": _src("""
            def leaky_relu(x, alpha=0.01):
                if not np.isfinite(alpha) or alpha < 0:
                    raise ValueError(f"alpha must be finite and >= 0, got {alpha}")
                if alpha == 1:
                    return x
                x = np.asarray(x, dtype=float)
                return np.where(x > 0, x, alpha * x)
        """),
        "python_float_for_numbers": _src("""
            def leaky_relu(x, alpha=0.01):
                if not np.isfinite(alpha) or alpha < 0:
                    raise ValueError(f"alpha must be finite and >= 0, got {alpha}")
                if np.isscalar(x):
                    return float(x) if x > 0 else alpha * float(x)
                x = np.asarray(x, dtype=float)
                return np.where(x > 0, x, alpha * x)
        """),
    },
    "leaky_relu_grad": {
        "one_at_zero": _src("""
            def leaky_relu_grad(x, alpha=0.01):
                x = np.asarray(x, dtype=float)
                return np.where(x >= 0, 1.0, alpha)
        """),
        "relu_derivative": _src("""
            def leaky_relu_grad(x, alpha=0.01):
                x = np.asarray(x, dtype=float)
                return np.where(x > 0, 1.0, 0.0)
        """),
        "alpha_times_x": _src("""
            def leaky_relu_grad(x, alpha=0.01):
                x = np.asarray(x, dtype=float)
                return np.where(x > 0, 1.0, alpha * x)
        """),
        "ignores_alpha": _src("""
            def leaky_relu_grad(x, alpha=0.01):
                x = np.asarray(x, dtype=float)
                return np.where(x > 0, 1.0, 0.01)
        """),
        "returns_the_value": _src("""
            def leaky_relu_grad(x, alpha=0.01):
                x = np.asarray(x, dtype=float)
                return np.where(x > 0, x, alpha * x)
        """),
        "average_at_zero": _src("""
            def leaky_relu_grad(x, alpha=0.01):
                x = np.asarray(x, dtype=float)
                return np.where(x > 0, 1.0, np.where(x < 0, alpha, (1 + alpha) / 2))
        """),
        "scalars_only": _src("""
            def leaky_relu_grad(x, alpha=0.01):
                return 1.0 if x > 0 else alpha
        """),
        "modifies_input": _src("""
            def leaky_relu_grad(x, alpha=0.01):
                x = np.asarray(x, dtype=float)
                positive = x > 0
                x[positive] = 1.0
                x[~positive] = alpha
                return x
        """),
        "returns_list": _src("""
            def leaky_relu_grad(x, alpha=0.01):
                return np.where(np.asarray(x) > 0, 1.0, float(alpha)).tolist()
        """),
    },
    "plot_activations": {
        "forgets_return": _src("""
            def plot_activations(ax, alphas):
                x = np.linspace(-5, 5, 101)
                ax.plot(x, relu(x), label="ReLU")
                for a in alphas:
                    ax.plot(x, leaky_relu(x, a), label=f"Leaky ReLU, alpha = {a}")
                ax.legend()
        """),
        "draws_on_current_axes": _src("""
            def plot_activations(ax, alphas):
                x = np.linspace(-5, 5, 101)
                plt.plot(x, relu(x), label="ReLU")
                for a in alphas:
                    plt.plot(x, leaky_relu(x, a), label=f"Leaky ReLU, alpha = {a}")
                plt.legend()
                return ax
        """),
        "no_relu_curve": _src("""
            def plot_activations(ax, alphas):
                x = np.linspace(-5, 5, 101)
                for a in alphas:
                    ax.plot(x, leaky_relu(x, a), label=f"Leaky ReLU, alpha = {a}")
                ax.legend()
                return ax
        """),
        "labels_without_slope": _src("""
            def plot_activations(ax, alphas):
                x = np.linspace(-5, 5, 101)
                ax.plot(x, relu(x), label="ReLU")
                for a in alphas:
                    ax.plot(x, leaky_relu(x, a), label="Leaky ReLU")
                ax.legend()
                return ax
        """),
        "positive_x_only": _src("""
            def plot_activations(ax, alphas):
                x = np.linspace(0, 5, 101)
                ax.plot(x, relu(x), label="ReLU")
                for a in alphas:
                    ax.plot(x, leaky_relu(x, a), label=f"Leaky ReLU, alpha = {a}")
                ax.legend()
                return ax
        """),
        "max_trick_curves": _src("""
            def plot_activations(ax, alphas):
                x = np.linspace(-5, 5, 101)
                ax.plot(x, np.maximum(x, 0), label="ReLU")
                for a in alphas:
                    ax.plot(x, np.maximum(a * x, x), label=f"Leaky ReLU, alpha = {a}")
                ax.legend()
                return ax
        """),
        "no_legend": _src("""
            def plot_activations(ax, alphas):
                x = np.linspace(-5, 5, 101)
                ax.plot(x, relu(x), label="ReLU")
                for a in alphas:
                    ax.plot(x, leaky_relu(x, a), label=f"Leaky ReLU, alpha = {a}")
                return ax
        """),
        "first_alpha_only": _src("""
            def plot_activations(ax, alphas):
                x = np.linspace(-5, 5, 101)
                ax.plot(x, relu(x), label="ReLU")
                if alphas:
                    a = alphas[0]
                    ax.plot(x, leaky_relu(x, a), label=f"Leaky ReLU, alpha = {a}")
                ax.legend()
                return ax
        """),
        # A legend made before the loop lists ReLU alone.
        "legend_before_curves": _src("""
            def plot_activations(ax, alphas):
                x = np.linspace(-5, 5, 101)
                ax.plot(x, relu(x), label="ReLU")
                ax.legend()
                for a in alphas:
                    ax.plot(x, leaky_relu(x, a), label=f"Leaky ReLU, alpha = {a}")
                return ax
        """),
    },
}

CORRECT = {
    "boolean_masks": {
        "relu": _src("""
            def relu(x):
                out = np.array(x, dtype=float)
                out[out < 0] = 0.0
                return out
        """),
        "leaky_relu": _src("""
            def leaky_relu(x, alpha=0.01):
                if np.isnan(alpha) or np.isinf(alpha) or alpha < 0:
                    raise ValueError(f"alpha must be a finite non-negative number, not {alpha}")
                out = np.array(x, dtype=float)
                negative = out <= 0
                out[negative] *= alpha
                return out
        """),
        "leaky_relu_grad": _src("""
            def leaky_relu_grad(x, alpha=0.01):
                grad = np.ones(np.shape(x))
                grad[np.asarray(x) <= 0] = alpha
                return grad
        """),
        "plot_activations": _src("""
            def plot_activations(ax, alphas):
                xs = np.linspace(-4, 4, 81)
                ax.plot(xs, relu(xs), "k--", label="ReLU")
                for a in alphas:
                    ax.plot(xs, leaky_relu(xs, alpha=a), label=f"leaky (α={a})")
                ax.legend(loc="best")
                return ax
        """),
    },
    "piecewise_loop": {
        "relu": _src("""
            def relu(x):
                arr = np.asarray(x, dtype=float)
                out = np.zeros(arr.shape)
                for index, value in np.ndenumerate(arr):
                    if value > 0:
                        out[index] = value
                return out
        """),
        "leaky_relu": _src("""
            import math

            def leaky_relu(x, alpha=0.01):
                if not math.isfinite(alpha) or alpha < 0:
                    raise ValueError("alpha has to be finite and at least 0")
                arr = np.asarray(x, dtype=float)
                out = np.empty(arr.shape)
                for index, value in np.ndenumerate(arr):
                    if value > 0:
                        out[index] = value
                    else:
                        out[index] = alpha * value
                return out
        """),
        "leaky_relu_grad": _src("""
            def leaky_relu_grad(x, alpha=0.01):
                arr = np.asarray(x, dtype=float)
                out = np.empty(arr.shape)
                for index, value in np.ndenumerate(arr):
                    out[index] = 1.0 if value > 0 else alpha
                return out
        """),
        "plot_activations": _src("""
            def plot_activations(ax, alphas):
                grid = np.arange(-6.0, 6.01, 0.5)
                ax.plot(grid, relu(grid), label="relu")
                for slope in alphas:
                    ax.plot(grid, leaky_relu(grid, slope), label="LReLU, alpha=%s" % slope)
                ax.axhline(0, color="grey", linewidth=0.5)
                ax.legend()
                return ax
        """),
    },
    "tensorflow_ops": {
        "relu": _src("""
            def relu(x):
                return tf.nn.relu(tf.constant(np.asarray(x, dtype=float))).numpy()
        """),
        "leaky_relu": _src("""
            def leaky_relu(x, alpha=0.01):
                if not np.isfinite(alpha) or alpha < 0:
                    raise ValueError(f"negative_slope must be finite and >= 0, got {alpha}")
                tensor = tf.constant(np.asarray(x, dtype=float))
                return tf.nn.leaky_relu(tensor, alpha=alpha).numpy()
        """),
        "leaky_relu_grad": _src("""
            def leaky_relu_grad(x, alpha=0.01):
                tensor = tf.constant(np.asarray(x, dtype=float))
                with tf.GradientTape() as tape:
                    tape.watch(tensor)
                    y = tf.nn.leaky_relu(tensor, alpha=alpha)
                return tape.gradient(y, tensor).numpy()
        """),
        "plot_activations": _src("""
            def plot_activations(ax, alphas):
                x = np.linspace(-3, 3, 61)
                ax.plot(x, relu(x), label="ReLU")
                for a in alphas:
                    ax.plot(x, leaky_relu(x, a), label=f"Leaky ReLU ({a:.2f})")
                ax.legend()
                return ax
        """),
    },
    "keras_ops": {
        "relu": _src("""
            def relu(x):
                return keras.ops.convert_to_numpy(keras.ops.relu(np.asarray(x, dtype=float)))
        """),
        "leaky_relu": _src("""
            def leaky_relu(x, alpha=0.01):
                if not np.isfinite(alpha) or alpha < 0:
                    raise ValueError(f"alpha must be finite and >= 0, got {alpha}")
                y = keras.ops.leaky_relu(np.asarray(x, dtype=float), negative_slope=alpha)
                return keras.ops.convert_to_numpy(y)
        """),
        "leaky_relu_grad": _src("""
            def leaky_relu_grad(x, alpha=0.01):
                x = np.asarray(x, dtype=float)
                return (x > 0).astype(float) + alpha * (x <= 0)
        """),
        "plot_activations": _src("""
            def plot_activations(ax, alphas):
                x = np.linspace(-5, 5, 11)
                ax.plot(x, relu(x), label="ReLU")
                for a in alphas:
                    ax.plot(x, leaky_relu(x, a), label=f"negative_slope={a:g}")
                ax.legend()
                return ax
        """),
    },
    "closed_form": {
        "relu": _src("""
            def relu(x):
                x = np.asarray(x, dtype=float)
                return (x + np.abs(x)) / 2
        """),
        "leaky_relu": _src("""
            def leaky_relu(x, alpha=0.01):
                if not (np.isfinite(alpha) and alpha >= 0):
                    raise ValueError(f"alpha={alpha} is invalid: use a finite value >= 0")
                x = np.asarray(x, dtype=float)
                return (1 + alpha) / 2 * x + (1 - alpha) / 2 * np.abs(x)
        """),
        "leaky_relu_grad": _src("""
            def leaky_relu_grad(x, alpha=0.01):
                x = np.asarray(x, dtype=float)
                return np.piecewise(x, [x > 0, x <= 0], [1.0, alpha])
        """),
        "plot_activations": _src("""
            def plot_activations(ax, alphas):
                x = np.linspace(-2, 2, 401)
                ax.plot(x, np.maximum(0, x), label="ReLU")
                for alpha in alphas:
                    ax.plot(x, leaky_relu(x, alpha), label=f"Leaky ReLU (α = {alpha:.1e})")
                ax.legend(title="activation")
                ax.grid(True)
                return ax
        """),
    },
}


# What each sample student (grader/sample_class/01-leaky-relu/*.py) gets wrong, per its
# docstring: the grade table of `make course` shows exactly these losses.
SAMPLE_MISTAKES = {
    "sample-ada": set(),
    "sample-ben": {"leaky_relu", "leaky_relu_grad", "plot_activations"},
    "sample-chloe": {"relu", "leaky_relu", "leaky_relu_grad", "plot_activations"},
    "sample-dev": {"relu", "leaky_relu", "plot_activations"},
}
# The reference plot_activations calls relu and leaky_relu: a bug in those may cost
# points in its tests too.
DEPENDS_ON = {"plot_activations": {"relu", "leaky_relu"}}
# The written answer, graded by hand: its grade id and points.
WRITTEN_ANSWER = ("explain_negative_slope", 3)


# Each mistake that the notebook teaches about (its specification, section 7's max trick,
# section 4's convention at 0, section 5's plt.plot warning): the planted first attempt
# that makes it (in WRONG), and words the failing visible test's message must contain
# (tests/test_visible_tests.py).
TAUGHT = {
    "relu changes its input in place": ("relu", "modifies_input", "in place"),
    "relu returns a list, not a NumPy array": ("relu", "returns_list", "expected a NumPy array"),
    "leaky_relu as np.maximum(alpha * x, x), wrong for alpha > 1":
        ("leaky_relu", "max_trick", "np.maximum(alpha * x, x) is Leaky ReLU only when alpha <= 1"),
    "a NaN or infinite alpha accepted": ("leaky_relu", "nan_slips_through", "is False for NaN"),
    "leaky_relu changes its input in place": ("leaky_relu", "modifies_input", "in place"),
    "leaky_relu ignores alpha": ("leaky_relu", "ignores_alpha", "not a fixed 0.01"),
    "the derivative at 0 taken as 1": ("leaky_relu_grad", "one_at_zero", "at exactly 0 take alpha"),
    "the derivative as alpha * x": ("leaky_relu_grad", "alpha_times_x", "a slope, not a value"),
    "leaky_relu_grad ignores alpha": ("leaky_relu_grad", "ignores_alpha", "not a fixed 0.01"),
    "plot_activations draws with plt.plot, not on ax":
        ("plot_activations", "draws_on_current_axes", "use ax.plot, not plt.plot"),
    "plot_activations forgets to return ax": ("plot_activations", "forgets_return", "return ax"),
    "plot_activations without a legend": ("plot_activations", "no_legend", "ax.legend()"),
    "labels that do not name the slope":
        ("plot_activations", "labels_without_slope", "put the slope in the label"),
    "curves drawn with the max trick":
        ("plot_activations", "max_trick_curves", "np.maximum(alpha * x, x) is Leaky ReLU only"),
}
