"""Run the experiment grid of assignment 4 and append its results to a CSV file.

    python run_grid.py                  # the committed grid, results/grid.csv
    python run_grid.py --epochs 25      # the seed article's schedule (hours on a CPU)
    python run_grid.py --seeds 0 1 --settings relu "leaky_relu 0.1" --epochs 1
    # the committed long runs of Leaky ReLU 0.1, results/recipes.csv (about 100 min):
    python run_grid.py --out results/recipes.csv --settings "leaky_relu 0.1" --epochs 25
    python run_grid.py --out results/recipes.csv --settings "leaky_relu 0.1" \
        --recipe improved --epochs 12 --seeds 0     # a length tried on validation
    python run_grid.py --out results/recipes.csv --settings "leaky_relu 0.1" \
        --recipe improved --epochs 30               # the length chosen

Each run trains assignment 3's network from one seed with one activation and tests it on
the 10,000 test images; one row per run goes to the CSV file (activation, slope, recipe,
seed, epochs, validation accuracy after the last epoch, test accuracy and loss, wall
time, library versions). Runs already in the file are skipped, so an interrupted grid
continues where it stopped.

The network, the data preparation and the training come from the read-only cell
"provided_experiment" of 04-relu-vs-leaky.ipynb next to this script, executed here as it
is, so the notebook and the script cannot drift apart. Run it from the course's
environment (it needs the `course` package for the MNIST file).
"""

import argparse
import csv
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the course package, from a checkout
from course.results import RUN_FIELDS, setting_name  # noqa: E402  (the columns it reads)

NOTEBOOK = HERE / "04-relu-vs-leaky.ipynb"
CELL = "provided_experiment"
KEY = ("activation", "slope", "recipe", "seed", "epochs", "n_train")


def provided_code(notebook: Path = NOTEBOOK) -> dict:
    """Run the notebook's provided cell; return the names it defines."""
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == CELL:
            namespace = {"__name__": "provided_experiment"}
            exec(compile(cell.source, f"{notebook.name}:{CELL}", "exec"), namespace)  # noqa: S102
            return namespace
    raise SystemExit(f"{notebook} has no cell with grade_id {CELL!r}")


def done_runs(path: Path) -> set:
    """The keys of the runs already in the results file. Exits, saying what to do, when
    the file's columns are not this script's (new rows would land in the wrong ones)."""
    if not path.exists():
        return set()
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != list(RUN_FIELDS):
            raise SystemExit(f"{path} has the columns {reader.fieldnames}, not this script's "
                             f"{list(RUN_FIELDS)}: write to a new file with --out")
        return {tuple(str(row[k]) for k in KEY) for row in reader}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--settings", nargs="+", metavar="SETTING",
                        help='which settings of the grid, as labelled: "relu", '
                             '"leaky_relu 0.1", ... (default: all)')
    parser.add_argument("--recipe", choices=["article", "improved"], default="article")
    parser.add_argument("--n-train", type=int, default=None,
                        help="train on the first N training images only (default: all)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "grid.csv")
    args = parser.parse_args(argv)
    done = done_runs(args.out)  # first: a file it cannot extend stops it before any work

    import course
    from course.data import load_mnist

    course.import_tensorflow()  # before the provided cell imports it: keeps TensorFlow quiet
    code = provided_code()
    grid = code["GRID"]
    if args.settings:
        known = {setting_name(a, s): (a, s) for a, s in grid}
        unknown = [s for s in args.settings if s not in known]
        if unknown:
            parser.error(f"unknown setting(s) {unknown}; choose from {sorted(known)}")
        grid = [known[s] for s in args.settings]

    (x_train, y_train), (x_test, y_test) = load_mnist()
    if args.n_train:
        x_train, y_train = x_train[:args.n_train], y_train[:args.n_train]
    data = (code["prepare"](x_train, y_train), code["prepare"](x_test, y_test))

    args.out.parent.mkdir(parents=True, exist_ok=True)
    runs = [(a, s, seed) for seed in args.seeds for a, s in grid]  # seed by seed: any
    for i, (activation, slope, seed) in enumerate(runs, 1):        # prefix is balanced
        key = (activation, "" if slope is None else str(slope), args.recipe, str(seed),
               str(args.epochs), str(len(x_train)))
        name = f"[{i}/{len(runs)}] {setting_name(activation, slope)}, seed {seed}"
        if key in done:
            print(f"{name}: already in {args.out.name}, skipped", flush=True)
            continue
        row = code["train_and_test"](activation, slope, seed, args.epochs, data,
                                     recipe=args.recipe, verbose=2)
        new_file = not args.out.exists()
        with args.out.open("a", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=RUN_FIELDS)
            if new_file:
                writer.writeheader()
            writer.writerow(row)
        print(f"{name}: test accuracy {row['test_accuracy']:.4f}, loss "
              f"{row['test_loss']:.4f}, {row['wall_time_s']:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
