"""Sample student dev: small slips.

relu forgets `return`; leaky_relu ignores its alpha argument (always 0.01) and never
checks it; the derivative is right; the plot labels do not say which slope is which.
No written answer.
"""


def relu(x):
    x = np.asarray(x, dtype=float)
    np.where(x > 0, x, 0.0)


def leaky_relu(x, alpha=0.01):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, 0.01 * x)


def leaky_relu_grad(x, alpha=0.01):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 1.0, alpha)


def plot_activations(ax, alphas):
    x = np.linspace(-5, 5, 101)
    ax.plot(x, np.maximum(x, 0), label="ReLU")
    for alpha in alphas:
        ax.plot(x, np.where(x > 0, x, alpha * x), label="Leaky ReLU")
    ax.legend()
    return ax
