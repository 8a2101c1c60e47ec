"""Pictures of a graded class."""

import matplotlib

matplotlib.use("Agg")  # files only: the pipeline runs without a screen
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

BINS = np.linspace(0, 100, 11)


def autograded_percentages(course, assignment: str) -> dict:
    """``{student: autograded score in % of the autograded maximum}``."""
    result = {}
    for student, cells in course.autograded_scores(assignment).items():
        top = sum(m for _, m in cells.values())
        result[student] = 100.0 * sum(s for s, _ in cells.values()) / top if top else 0.0
    return result


def plot_grade_distribution(course, names: list, path):
    """One histogram of autograded percentages per assignment, saved to ``path``."""
    fig, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 3.5), squeeze=False)
    for ax, assignment in zip(axes[0], names, strict=True):
        values = list(autograded_percentages(course, assignment).values())
        ax.hist(values, bins=BINS, color="tab:blue", edgecolor="white")
        ax.set(title=f"{assignment} ({len(values)} students)", xlabel="autograded score (%)",
               ylabel="students", xlim=(0, 100))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    return fig
