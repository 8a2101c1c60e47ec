"""Tables and pictures of a graded class (the end of ``make course``)."""

import matplotlib

matplotlib.use("Agg")  # files only: the pipeline runs without a screen
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

BINS = np.linspace(0, 100, 11)


def autograded_percentages(area, assignment: str) -> dict:
    """``{student: autograded score in % of the autograded maximum}``."""
    result = {}
    for student, cells in area.autograded_scores(assignment).items():
        top = sum(m for _, m in cells.values())
        result[student] = 100.0 * sum(s for s, _ in cells.values()) / top if top else 0.0
    return result


def plot_grade_distribution(area, names: list, path):
    """One histogram of autograded percentages per assignment, saved to ``path``."""
    fig, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 3.5), squeeze=False)
    for ax, assignment in zip(axes[0], names, strict=True):
        values = list(autograded_percentages(area, assignment).values())
        ax.hist(values, bins=BINS, color="tab:blue", edgecolor="white")
        ax.set(title=f"{assignment} ({len(values)} students)", xlabel="autograded score (%)",
               ylabel="students", xlim=(0, 100))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    return fig


def grade_table(area, names: list) -> str:
    """Autograded points per student and assignment, and what each lost, test by test."""
    scores = {a: area.autograded_scores(a) for a in names}
    students = sorted({s for per_student in scores.values() for s in per_student})
    width = max([len(s) for s in students] + [7])
    lines = ["Autograded points (written answers are graded by hand in the formgrader):", ""]
    lines.append(f"{'student':{width}}  " + "  ".join(f"{a:>20}" for a in names))
    details = []
    for student in students:
        row = []
        for a in names:
            cells = scores[a].get(student)
            if cells is None:
                row.append(f"{'-':>20}")
                continue
            got = sum(s for s, _ in cells.values())
            top = sum(m for _, m in cells.values())
            row.append(f"{got:>9g} / {top:<8g}")
            lost = [f"{k} ({m - s:g})" for k, (s, m) in cells.items() if s < m]
            if lost and 0 < got:
                details.append(f"  {student}, {a}: lost {', '.join(lost)}")
        lines.append(f"{student:{width}}  " + "  ".join(row))
    if details:
        lines += ["", "Points lost, by test cell (students with some points):"] + details
    return "\n".join(lines)
