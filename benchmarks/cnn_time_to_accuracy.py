"""Time to accuracy on MNIST: the seed article's training recipe against a shorter one.

    .venv/bin/python benchmarks/cnn_time_to_accuracy.py                 # both recipes, seed 42
    .venv/bin/python benchmarks/cnn_time_to_accuracy.py --recipes short --seeds 1 2 3
    .venv/bin/python benchmarks/cnn_time_to_accuracy.py --csv runs.csv  # every epoch, too
    .venv/bin/python benchmarks/cnn_time_to_accuracy.py --samples 3000 --short-epochs 2  # a look

Both recipes train assignment 3's network (``preprocess``, ``build_cnn`` and ``train``
as the solutions notebook defines them, read from solutions/03-keras-cnn/ as
benchmarks/cnn_epoch.py reads them), Leaky ReLU 0.1 unless ``--slope`` says otherwise,
on the 60,000 training images with 20% held out for validation, batch 250, from the
same seed:

- **article**: Adam at its constant default rate 0.001, 25 epochs (the article's);
- **short**: the same network and Adam, its rate warming up linearly from 0.0003 to
  0.003 over the first epoch, then falling along a cosine to 0 by the end of
  ``--short-epochs`` (default 5). A rate that rises, then falls to nothing, lets the
  first epochs take large steps and the last ones settle (a "one-cycle" schedule).

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
import math
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

tf = course.import_tensorflow()
import keras  # noqa: E402
from cnn_epoch import course_functions  # noqa: E402  (this folder: the same reading)

TARGETS = (0.990, 0.992, cnn.ARTICLE_RESULTS["Leaky ReLU (0.1)"]["accuracy"])
PEAK_RATE = 3e-3  # the short recipe's highest learning rate (Adam's default: 1e-3)


def one_cycle(steps_per_epoch: int, epochs: int):
    """The short recipe's learning rate: a linear warm-up over the first epoch from a
    tenth of PEAK_RATE to PEAK_RATE, then a cosine down to 0 at the last step."""
    warmup = steps_per_epoch
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=PEAK_RATE / 10, warmup_target=PEAK_RATE, warmup_steps=warmup,
        decay_steps=max(1, steps_per_epoch * epochs - warmup), alpha=0.0)


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
        _, accuracy = self.model.evaluate(self.x_test, self.y_test, verbose=0)
        self.rows.append({"epoch": epoch + 1, "seconds": round(self.trained, 2),
                          "val_accuracy": round(float(logs["val_accuracy"]), 4),
                          "test_accuracy": round(float(accuracy), 4)})
        print(f"    epoch {epoch + 1:2d}: {self.trained:7.1f} s trained, validation "
              f"{logs['val_accuracy']:.4f}, test {accuracy:.4f}", flush=True)


def run(recipe: str, seed: int, slope: float, data, short_epochs: int, ours) -> list:
    (x_train, y_train), (x_test, y_test) = data
    keras.utils.set_random_seed(seed)
    model = ours["build_cnn"](negative_slope=slope)
    epochs = cnn.ARTICLE_TRAINING["epochs"]
    if recipe == "short":
        epochs = short_epochs
        steps = math.ceil(len(x_train) * (1 - cnn.ARTICLE_TRAINING["validation_split"])
                          / cnn.ARTICLE_TRAINING["batch_size"])
        model.compile(optimizer=keras.optimizers.Adam(one_cycle(steps, epochs)),
                      loss="categorical_crossentropy", metrics=["accuracy"])
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
    parser.add_argument("--slope", type=float, default=cnn.ARTICLE_SLOPE)
    parser.add_argument("--short-epochs", type=int, default=5)
    parser.add_argument("--samples", type=int, default=60_000,
                        help="training images (before the 20%% validation split): fewer "
                             "for a quick look")
    parser.add_argument("--csv", type=Path, help="also write every epoch's row here")
    args = parser.parse_args(argv)

    ours = course_functions()
    (x_raw, y_raw), (xt_raw, yt_raw) = load_mnist()
    data = (ours["preprocess"](x_raw[:args.samples], y_raw[:args.samples]),
            ours["preprocess"](xt_raw, yt_raw))
    threads = (os.environ.get("TF_NUM_INTRAOP_THREADS", "default"),
               os.environ.get("TF_NUM_INTEROP_THREADS", "default"))
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
          f"TensorFlow {tf.__version__}, Keras {keras.__version__}; TF threads intra/inter "
          f"{threads[0]}/{threads[1]}; slope {args.slope}; short recipe: "
          f"{args.short_epochs} epochs, peak rate {PEAK_RATE}")
    results = []
    for seed in args.seeds:
        for recipe in args.recipes:
            print(f"  {recipe}, seed {seed}", flush=True)
            rows = run(recipe, seed, args.slope, data, args.short_epochs, ours)
            results += [{"recipe": recipe, "seed": seed, "slope": args.slope, **r}
                        for r in rows]
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(results[0]))
            writer.writeheader()
            writer.writerows(results)

    header = " ".join(f"{100 * t:>8.2f}%" for t in TARGETS)
    print(f"\nseconds of training until the test accuracy first reached\n"
          f"  {'recipe':8s} {'seed':>4s} {header}   last epoch: validation / test")
    for seed in args.seeds:
        for recipe in args.recipes:
            rows = [r for r in results if r["recipe"] == recipe and r["seed"] == seed]
            cells = []
            for target in TARGETS:
                seconds = first_reached(rows, target)
                cells.append(f"{'never':>9s}" if seconds is None else f"{seconds:8.0f}s")
            print(f"  {recipe:8s} {seed:4d} {' '.join(cells)}   epoch {rows[-1]['epoch']}: "
                  f"{rows[-1]['val_accuracy']:.4f} / {rows[-1]['test_accuracy']:.4f} "
                  f"({rows[-1]['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
