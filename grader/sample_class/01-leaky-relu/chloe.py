"""Sample student chloe: works in place and draws on the wrong Axes.

relu and leaky_relu write into the caller's array (np.asarray does not copy a float
array); the derivative returns alpha * x instead of alpha; plot_activations uses
plt.plot (the current Axes) and forgets to return ax.
"""


def relu(x):
    x = np.asarray(x, dtype=float)
    x[x < 0] = 0
    return x


def leaky_relu(x, alpha=0.01):
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"bad alpha {alpha}")
    x = np.asarray(x, dtype=float)
    x[x < 0] *= alpha
    return x


def leaky_relu_grad(x, alpha=0.01):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, 1.0, alpha * x)


def plot_activations(ax, alphas):
    x = np.linspace(-3, 3, 50)
    plt.plot(x, np.maximum(x, 0), label="ReLU")
    for a in alphas:
        plt.plot(x, np.where(x > 0, x, a * x), label=f"alpha={a}")
    plt.legend()
