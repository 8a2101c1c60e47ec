"""Sample student ben: copied the tutorial one-liner.

leaky_relu is np.maximum(alpha * x, x) (wrong for alpha > 1) and lets NaN through the
alpha check; the derivative uses x >= 0 (1 at zero instead of alpha); the plot is built
on the broken leaky_relu. relu is right.
"""


def relu(x):
    return np.maximum(np.asarray(x, dtype=float), 0)


def leaky_relu(x, alpha=0.01):
    if alpha < 0:
        raise ValueError("alpha must be >= 0")
    x = np.asarray(x, dtype=float)
    return np.maximum(alpha * x, x)


def leaky_relu_grad(x, alpha=0.01):
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, 1.0, alpha)


def plot_activations(ax, alphas):
    x = np.linspace(-5, 5, 100)
    ax.plot(x, relu(x), label="ReLU")
    for alpha in alphas:
        ax.plot(x, leaky_relu(x, alpha), label=f"Leaky ReLU {alpha}")
    ax.legend()
    return ax


explain_negative_slope = """
Leaky ReLU is better because it does not have the dying ReLU problem, since negative
values are not zero. It is a bit slower.
"""
