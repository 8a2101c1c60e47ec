"""The slope widget of assignment 1: a plot of the student's own activation with a slider."""

import matplotlib.pyplot as plt
import numpy as np

from course.grading import grading_mode


def slope_explorer(activation, x_range=(-5.0, 5.0), initial=0.1, max_slope=1.5):
    """Plot ``activation(x, alpha)`` with a slider for ``alpha``.

    ``activation`` is the student's own function, so the picture shows their code at
    work. While nbgrader grades (no one can move a slider) it draws one static plot at
    ``initial`` instead of creating widgets, so grading never waits on a frontend.
    """
    x = np.linspace(*x_range, 401)

    def draw(alpha=initial):
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot(x, activation(x, alpha=0.0), color="0.6", linestyle="--",
                label="ReLU (alpha = 0)")
        ax.plot(x, activation(x, alpha=alpha), linewidth=2, label=f"Leaky ReLU, alpha = {alpha:g}")
        ax.axhline(0, color="0.85", zorder=0)
        ax.axvline(0, color="0.85", zorder=0)
        ax.set(xlabel="x", ylabel="f(x)", ylim=(x_range[0] * max_slope, x_range[1]),
               title="Move the slider: the slope left of zero is alpha")
        ax.legend(loc="upper left")
        plt.show()

    if grading_mode():
        draw()
        return
    import ipywidgets as widgets

    slider = widgets.FloatSlider(value=initial, min=0.0, max=max_slope, step=0.01,
                                 description="alpha", continuous_update=True)
    widgets.interact(draw, alpha=slider)
