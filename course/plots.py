"""Pictures of a trained classifier: learning curves, confusion matrix, misclassified digits.

Shared by the notebooks; none of it is graded. Each function returns what it drew
(a Figure, or the matrix), so tests can check the data rather than the picture.
"""

import matplotlib.pyplot as plt
import numpy as np


def plot_history(histories: dict, title: str = "Training and validation"):
    """Accuracy and loss per epoch for one or more Keras ``History`` objects.

    ``histories`` maps a name (e.g. "Leaky ReLU (0.1)") to the History that ``fit``
    returned, or to a dict of its ``history`` (a recorded run, ``course.results.
    read_epochs``). Training curves are solid, validation curves dashed, one colour per
    name.
    """
    fig, (ax_acc, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
    for i, (name, history) in enumerate(histories.items()):
        h = getattr(history, "history", history)
        epochs = np.arange(1, len(h["loss"]) + 1)
        color = f"C{i}"
        for ax, key in ((ax_acc, "accuracy"), (ax_loss, "loss")):
            if key in h:
                ax.plot(epochs, h[key], color=color, label=f"{name}, training")
            if f"val_{key}" in h:
                ax.plot(epochs, h[f"val_{key}"], color=color, linestyle="--",
                        label=f"{name}, validation")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title=f"{title}: accuracy")
    ax_loss.set(xlabel="epoch", ylabel="categorical cross-entropy", title=f"{title}: loss")
    for ax in (ax_acc, ax_loss):
        ax.legend(fontsize="small")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def confusion_matrix(y_true, y_pred, num_classes: int = 10) -> np.ndarray:
    """Counts: row = true class, column = predicted class."""
    y_true = np.asarray(y_true, dtype=int)
    y_pred = np.asarray(y_pred, dtype=int)
    matrix = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def plot_confusion_matrix(matrix: np.ndarray, title: str = "Confusion matrix (test set)"):
    """Draw a confusion matrix with its counts; the diagonal (correct answers) is greyed
    out of the colour scale so the mistakes stand out."""
    n = matrix.shape[0]
    off_diagonal = matrix.astype(float).copy()
    np.fill_diagonal(off_diagonal, np.nan)
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    image = ax.imshow(off_diagonal, cmap="Reds")
    fig.colorbar(image, ax=ax, label="misclassified images")
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=8,
                    color="black" if i != j else "0.3")
    ax.set(xticks=range(n), yticks=range(n), xlabel="predicted digit", ylabel="true digit",
           title=title)
    fig.tight_layout()
    return fig


def plot_misclassified(images, y_true, y_pred, probabilities=None, max_images: int = 24):
    """A gallery of the misclassified images: true digit, predicted digit and confidence.

    The most confident mistakes come first when ``probabilities`` (n, 10) is given.
    Returns the Figure, or None when nothing was misclassified.
    """
    images = np.asarray(images).reshape(len(images), 28, 28)
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    wrong = np.flatnonzero(y_true != y_pred)
    if wrong.size == 0:
        print("No misclassified images.")
        return None
    if probabilities is not None:
        confidence = np.asarray(probabilities)[wrong, y_pred[wrong]]
        wrong = wrong[np.argsort(-confidence)]
    total = wrong.size
    wrong = wrong[:max_images]
    cols = 8
    rows = int(np.ceil(len(wrong) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.4, rows * 1.7), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, wrong, strict=False):
        ax.imshow(images[i], cmap="gray_r")
        text = f"true {y_true[i]}, said {y_pred[i]}"
        if probabilities is not None:
            text += f"\n{np.asarray(probabilities)[i, y_pred[i]]:.0%} sure"
        ax.set_title(text, fontsize=8)
    order = "most confident " if probabilities is not None else ""
    fig.suptitle(f"Misclassified test images: the {len(wrong)} {order}of {total} mistakes")
    fig.tight_layout()
    return fig
