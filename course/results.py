"""Results of training runs committed with the assignments: read them, group them, plot
them.

- Assignment 4's grid (``results/grid.csv``) and its long runs of two recipes
  (``results/recipes.csv``): one row per training run, as
  ``solutions/04-relu-vs-leaky/run_grid.py`` writes it: activation, slope, recipe, seed,
  epochs, n_train, val_accuracy (empty in the grid's runs, made before it was recorded),
  test_accuracy, test_loss, wall_time_s and the library versions.
- Assignment 3's record of the article's recipe run in full
  (``results/article_recipe.csv``): one row per network and epoch (:data:`EPOCH_FIELDS`),
  as ``benchmarks/cnn_time_to_accuracy.py --csv`` writes it.

Nothing here computes a summary or a test: that is the student's work, passed in as
arguments.
"""

import csv
from pathlib import Path

import numpy as np

# The committed results: next to the notebook, as released; the student kit's wheel also
# carries a copy inside this package (grader/kit.py), for a notebook opened where the
# released folder is not (Colab's working directory is /content).
GRID = Path("results") / "grid.csv"
RECIPES = Path("results") / "recipes.csv"
ARTICLE_RECIPE = Path("results") / "article_recipe.csv"
KIT_DATA = Path(__file__).parent / "kit_data"
EPOCH_FIELDS = ("recipe", "network", "slope", "seed", "epoch", "seconds", "loss", "accuracy",
                "val_loss", "val_accuracy", "test_loss", "test_accuracy", "tensorflow", "keras")

def _fraction(text: str) -> float:
    """An accuracy from a results file; an empty field (not recorded) is NaN."""
    return float(text) if text.strip() else float("nan")


NUMBERS = {"seed": int, "epochs": int, "n_train": int, "val_accuracy": _fraction,
           "test_accuracy": float, "test_loss": float, "wall_time_s": float}
REQUIRED = ("activation", "slope", "recipe", *NUMBERS)
# A results file's columns, in order, as run_grid.py writes them.
RUN_FIELDS = ("activation", "slope", "recipe", "seed", "epochs", "n_train", "val_accuracy",
              "test_accuracy", "test_loss", "wall_time_s", "tensorflow", "keras", "numpy",
              "python")


def setting_name(activation: str, slope="") -> str:
    """'relu', 'leaky_relu 0.1', ...: the name of a setting in tables and plots."""
    return activation if slope in (None, "") else f"{activation} {float(slope):g}"


def committed_file(assignment: str, relative: Path) -> Path:
    """A results file of ``assignment``: ``relative`` to the working directory (the
    notebook's own folder in Jupyter, nbgrader and run_grid.py; a grid you extend with
    run_grid.py is read from there), else the copy installed with the course package by
    the student kit. Raises FileNotFoundError, saying what to do, when there is neither."""
    kit_copy = KIT_DATA / assignment / relative
    for path in (relative, kit_copy):
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"no results file: neither {relative.resolve()} (next to the notebook) nor the copy "
        f"that the student kit installs ({kit_copy}). Open the notebook in its own folder, "
        "or install the course's student kit (its README.md says how).")


def committed_grid() -> Path:
    """Assignment 4's grid of runs, ``results/grid.csv`` (:func:`committed_file`)."""
    return committed_file("04-relu-vs-leaky", GRID)


def committed_recipes() -> Path:
    """Assignment 4's long runs of the article's and the improved recipe,
    ``results/recipes.csv`` (:func:`committed_file`)."""
    return committed_file("04-relu-vs-leaky", RECIPES)


def committed_article_recipe() -> Path:
    """Assignment 3's record of the article's recipe, ``results/article_recipe.csv``
    (:func:`committed_file`)."""
    return committed_file("03-keras-cnn", ARTICLE_RECIPE)


def read_epochs(path) -> dict:
    """``{network: {field: array over the epochs, ...}}`` from a per-epoch record
    (:data:`EPOCH_FIELDS`), networks in the order of the file, epochs in order, the
    numbers as arrays and ``recipe``, ``seed``, ``slope``, ``tensorflow`` and ``keras`` as
    the run's single values. Each network's dict also works as a Keras
    ``History.history`` (keys ``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``).

    Raises FileNotFoundError or ValueError, naming the file and what is wrong."""
    path = Path(path)
    rows = _read_table(path, EPOCH_FIELDS, "a per-epoch record",
                       f"it comes with the assignment ({ARTICLE_RECIPE} next to the "
                       "notebook).")
    single = ("recipe", "seed", "slope", "tensorflow", "keras")
    networks = {}
    for line, row in enumerate(rows, start=2):
        run = networks.setdefault(row["network"], {"rows": []})
        for field in single:
            if run.setdefault(field, row[field]) != row[field]:
                raise ValueError(f"{path}, line {line}: {field} {row[field]!r} differs from "
                                 f"{run[field]!r} earlier in the run of {row['network']!r}")
        try:
            run["rows"].append({k: float(row[k]) for k in EPOCH_FIELDS if k not in single
                                and k != "network"})
        except ValueError as exc:
            raise ValueError(f"{path}, line {line}: {exc}") from exc
    record = {}
    for name, run in networks.items():
        epochs = sorted(run.pop("rows"), key=lambda r: r["epoch"])
        if [r["epoch"] for r in epochs] != list(range(1, len(epochs) + 1)):
            raise ValueError(f"{path}: the run of {name!r} does not hold epochs 1 to "
                             f"{len(epochs)} once each")
        record[name] = {**run, "seed": int(run["seed"]), "slope": float(run["slope"]),
                        **{k: np.array([r[k] for r in epochs]) for k in epochs[0]}}
        record[name]["epoch"] = record[name]["epoch"].astype(int)
    return record


def read_runs(path) -> list:
    """The runs in a results file, as dicts with numbers converted (slope stays text).

    Raises a ValueError that names the file and the missing columns when the file is not
    a results file, and FileNotFoundError with what to do when it is missing.
    """
    path = Path(path)
    rows = _read_table(path, REQUIRED, "a results file",
                       f"it comes with the assignment (results/{path.name} next to the "
                       "notebook); run "
                       "the notebook from its own folder, or make a new one with `python "
                       "run_grid.py`.")
    runs = []
    for line, row in enumerate(rows, start=2):
        try:
            runs.append({k: NUMBERS[k](v) if k in NUMBERS else v for k, v in row.items()})
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{path}, line {line}: {exc}") from exc
    return runs


def _read_table(path: Path, required, kind: str, where_from: str) -> list:
    """The rows of the CSV file ``path`` as dicts; FileNotFoundError (saying
    ``where_from``) when it is missing, ValueError when it lacks ``required`` columns
    (it is not ``kind``)."""
    if not path.exists():
        raise FileNotFoundError(f"no file at {path}: {where_from}")
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path} is not {kind}: columns {missing} are missing "
                             f"(found {reader.fieldnames})")
        return list(reader)


def by_setting(runs: list, recipe: str = "article", field: str = "test_accuracy",
               epochs: int | None = None) -> dict:
    """``{setting name: array of field values, ordered by seed}`` for one recipe (and,
    when ``epochs`` is given, only its runs of that many epochs).

    Settings keep the order in which they first appear in the file. Raises ValueError
    when a setting has two runs of one seed (two schedules mixed: give ``epochs``).
    """
    chosen = [r for r in runs if r["recipe"] == recipe
              and (epochs is None or r["epochs"] == epochs)]
    grouped = {}
    for run in sorted(chosen, key=lambda r: r["seed"]):
        grouped.setdefault(setting_name(run["activation"], run["slope"]), []).append(run)
    for name, group in grouped.items():
        seeds = [r["seed"] for r in group]
        if len(seeds) != len(set(seeds)):
            raise ValueError(f"{name}, recipe {recipe!r}: more than one run of a seed "
                             f"(epochs {sorted({r['epochs'] for r in group})}); "
                             "choose the schedule with epochs=")
    order = [setting_name(r["activation"], r["slope"]) for r in chosen]
    return {name: np.array([r[field] for r in grouped[name]]) for name in dict.fromkeys(order)}


def plot_runs(ax, values: dict, summaries: dict, *, scale: float = 100.0,
              ylabel: str = "test accuracy (%)"):
    """One column per setting: each run as a dot, and the mean with its interval.

    ``values`` maps setting names to per-run numbers (e.g. from :func:`by_setting`),
    ``summaries`` maps the same names to dicts with ``mean``, ``ci_low`` and ``ci_high``
    (the student's ``summarize``). Values are multiplied by ``scale`` (fractions to %).
    The dots are labelled "runs", the means "mean and 95% interval", so the plot can be
    checked through its data.
    """
    names = list(values)
    for i, name in enumerate(names):
        runs = np.asarray(values[name], dtype=float) * scale
        offsets = np.linspace(-0.15, 0.15, len(runs)) if len(runs) > 1 else np.zeros(1)
        ax.plot(i + offsets, runs, "o", color="tab:blue", alpha=0.6, markersize=5,
                label="runs (one per seed)" if i == 0 else None)
        s = summaries[name]
        mean, low, high = (float(s[k]) * scale for k in ("mean", "ci_low", "ci_high"))
        ax.errorbar([i + 0.3], [mean], yerr=[[mean - low], [high - mean]], fmt="s",
                    color="black", capsize=4,
                    label="mean and 95% interval" if i == 0 else None)
    ax.set_xticks(range(len(names)), names, rotation=20)
    ax.set(ylabel=ylabel, xlim=(-0.6, len(names) - 0.4))
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="lower right")
    return ax
