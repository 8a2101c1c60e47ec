"""Time to accuracy on MNIST: the seed article's training recipe against a shorter one.

    .venv/bin/python benchmarks/cnn_time_to_accuracy.py                 # both recipes, seed 42
    .venv/bin/python benchmarks/cnn_time_to_accuracy.py --recipes short --seeds 1 2 3
    .venv/bin/python benchmarks/cnn_time_to_accuracy.py --csv runs.csv  # every epoch, too
    # assignment 3's record of the article's recipe (both networks, 17 min on 2 cores):
    .venv/bin/python benchmarks/cnn_time_to_accuracy.py --recipes article --slopes 0.1 0 \
        --csv solutions/03-keras-cnn/results/article_recipe.csv
    .venv/bin/python benchmarks/cnn_time_to_accuracy.py --samples 3000 --short-epochs 2  # a look

Both recipes train assignment 3's network (``preprocess``, ``build_cnn`` and ``train``
as the solutions notebook defines them, read from solutions/03-keras-cnn/ as
benchmarks/cnn_epoch.py reads them), Leaky ReLU 0.1 unless ``--slopes`` says otherwise,
on the 60,000 training images with 20% held out for validation, batch 250, from the
same seed:

- **article**: Adam at its constant default rate 0.001, 25 epochs (the article's);
- **short**: the same network and Adam, its rate warming up linearly from 0.0003 to
  0.003 over the first epoch, then falling along a cosine to 0 by the end of
  ``--short-epochs`` (default 5): ``course.cnn.compile_one_cycle``, as assignment 3
  runs it. A rate that rises, then falls to nothing, lets the first epochs take large
  steps and the last ones settle (a "one-cycle" schedule).

After each epoch the whole test set (10,000 images) is evaluated with the clock
stopped: the seconds reported are training time only (``fit``, its validation
included). For each recipe and seed it prints the seconds of training until the test
accuracy first reached 99.0%, 99.2% and 99.28% (the article's Leaky ReLU result), or
"never", and the validation and test accuracy after the last epoch, side by side. The
recipe was chosen on validation accuracy, never on the test set; the test set is only
reported.

This is a benchmark, not a test: seconds depend on the machine and its load (run it on
an idle one; the recipes alternate seed by seed so that a change of load hits both).
"""

import argparse
import csv
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import course  # noqa: E402
from course import cnn  # noqa: E402
from course.data import load_mnist  # noqa: E402
from course.results import EPOCH_FIELDS  # noqa: E402

tf = course.import_tensorflow()
import keras  # noqa: E402
from cnn_epoch import course_functions  # noqa: E402  (this folder: the same reading)

TARGETS = (0.990, 0.992, cnn.ARTICLE_RESULTS["Leaky ReLU (0.1)"]["accuracy"])


class TestEachEpoch(keras.callbacks.Callback):
    """Evaluate on the test set after each epoch, outside the training clock."""

    def __init__(self, x_test, y_test):
        super().__init__()
        self.x_test, self.y_test = x_test, y_test
        self.rows, self.trained, self.started = [], 0.0, None

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.trained += time.perf_counter() - self.started
        loss, accuracy = self.model.evaluate(self.x_test, self.y_test, verbose=0)
        row = {"epoch": epoch + 1, "seconds": round(self.trained, 2)}
        row.update({k: round(float(logs[k]), 6)
                    for k in ("loss", "accuracy", "val_loss", "val_accuracy")})
        row.update({"test_loss": round(float(loss), 6), "test_accuracy": round(float(accuracy), 6)})
        self.rows.append(row)
        print(f"    epoch {epoch + 1:2d}: {self.trained:7.1f} s trained, validation "
              f"{logs['val_accuracy']:.4f}, test {accuracy:.4f}", flush=True)


def run(recipe: str, seed: int, slope: float, data, short_epochs: int, ours) -> list:
    (x_train, y_train), (x_test, y_test) = data
    keras.utils.set_random_seed(seed)
    model = ours["build_cnn"](negative_slope=slope)
    epochs = cnn.ARTICLE_TRAINING["epochs"]
    if recipe == "short":
        epochs = short_epochs
        cnn.compile_one_cycle(model, len(x_train), epochs)
    tested = TestEachEpoch(x_test, y_test)
    model.fit(x_train, y_train, epochs=epochs, verbose=0, callbacks=[tested],
              batch_size=cnn.ARTICLE_TRAINING["batch_size"],
              validation_split=cnn.ARTICLE_TRAINING["validation_split"])
    return tested.rows


def first_reached(rows: list, target: float):
    return next((r["seconds"] for r in rows if r["test_accuracy"] >= target), None)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipes", nargs="+", choices=["article", "short"],
                        default=["article", "short"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[42])
    parser.add_argument("--slopes", nargs="+", type=float, default=[cnn.ARTICLE_SLOPE],
                        help="negative slopes to train (0: the ReLU network)")
    parser.add_argument("--short-epochs", type=int, default=5)
    parser.add_argument("--samples", type=int, default=60_000,
                        help="training images (before the 20%% validation split): fewer "
                             "for a quick look")
    parser.add_argument("--csv", type=Path, help="also write every epoch's row here "
                        "(the format of course.results.EPOCH_FIELDS)")
    args = parser.parse_args(argv)

    ours = course_functions()
    (x_raw, y_raw), (xt_raw, yt_raw) = load_mnist()
    data = (ours["preprocess"](x_raw[:args.samples], y_raw[:args.samples]),
            ours["preprocess"](xt_raw, yt_raw))
    threads = (os.environ.get("TF_NUM_INTRAOP_THREADS", "default"),
               os.environ.get("TF_NUM_INTEROP_THREADS", "default"))
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
          f"TensorFlow {tf.__version__}, Keras {keras.__version__}; TF threads intra/inter "
          f"{threads[0]}/{threads[1]}; slopes {args.slopes}; short recipe: "
          f"{args.short_epochs} epochs, peak rate {cnn.SHORT_RECIPE['peak_rate']}")
    versions = {"tensorflow": tf.__version__, "keras": keras.__version__}
    results = []
    for seed in args.seeds:
        for recipe in args.recipes:
            for slope in args.slopes:
                network = cnn.network_name(slope)
                print(f"  {recipe}, {network}, seed {seed}", flush=True)
                rows = run(recipe, seed, slope, data, args.short_epochs, ours)
                results += [{"recipe": recipe, "network": network, "slope": slope,
                             "seed": seed, **r, **versions} for r in rows]
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=EPOCH_FIELDS)
            writer.writeheader()
            writer.writerows(results)

    header = " ".join(f"{100 * t:>8.2f}%" for t in TARGETS)
    print(f"\nseconds of training until the test accuracy first reached\n"
          f"  {'recipe':8s} {'network':18s} {'seed':>4s} {header}   last epoch: "
          "validation / test")
    for seed in args.seeds:
        for recipe in args.recipes:
            for slope in args.slopes:
                network = cnn.network_name(slope)
                rows = [r for r in results if (r["recipe"], r["network"], r["seed"])
                        == (recipe, network, seed)]
                cells = []
                for target in TARGETS:
                    seconds = first_reached(rows, target)
                    cells.append(f"{'never':>9s}" if seconds is None else f"{seconds:8.0f}s")
                print(f"  {recipe:8s} {network:18s} {seed:4d} {' '.join(cells)}   epoch "
                      f"{rows[-1]['epoch']}: {rows[-1]['val_accuracy']:.4f} / "
                      f"{rows[-1]['test_accuracy']:.4f} ({rows[-1]['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
