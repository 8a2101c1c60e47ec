"""Sample student ada: everything right, written differently from the reference.

Boolean masks on a copy, np.piecewise for the derivative, a validation that names the
problem. Expected: full autograded marks.
"""


def relu(x):
    out = np.array(x, dtype=float)  # np.array copies, so the caller's x is safe
    out[out < 0] = 0.0
    return out


def leaky_relu(x, alpha=0.01):
    if np.isnan(alpha) or np.isinf(alpha):
        raise ValueError("alpha must be a finite number")
    if alpha < 0:
        raise ValueError(f"alpha must not be negative, got {alpha}")
    out = np.array(x, dtype=float)
    negative = out <= 0
    out[negative] = alpha * out[negative]
    return out


def leaky_relu_grad(x, alpha=0.01):
    x = np.asarray(x, dtype=float)
    return np.piecewise(x, [x > 0, x <= 0], [1.0, alpha])


def plot_activations(ax, alphas):
    xs = np.linspace(-4, 4, 81)
    ax.plot(xs, relu(xs), "k--", label="ReLU")
    for a in alphas:
        ax.plot(xs, leaky_relu(xs, alpha=a), label=f"leaky (α={a})")
    ax.legend(loc="best")
    return ax


explain_negative_slope = """
Gradient descent changes a weight by the gradient of the loss, and backpropagation
multiplies that gradient by the slope of the activation. If a ReLU unit only ever sees
negative inputs, its slope is 0 for every example, so its weights get no update and its
input never becomes positive again: it is dead forever. Leaky ReLU has slope alpha > 0
there, so a small gradient still flows and the weights can move the unit back. The
downside is that outputs are no longer exactly zero, so we lose sparsity.
"""
