"""Time one training epoch: the course's training against the seed article's script.

    .venv/bin/python benchmarks/cnn_epoch.py              # all 60,000 images, 3 timed epochs each
    .venv/bin/python benchmarks/cnn_epoch.py --samples 6000 --repeats 1   # a quick look

"Course" is `preprocess`, `build_cnn` and `train` exactly as the solutions notebook of
assignment 3 defines them (read from solutions/03-keras-cnn/, not copied). "Article" is
the seed article's script written out plainly, with its mistakes fixed so that it runs
in Keras 3 (keras.Input instead of the undefined `input_shape`, the channel axis added,
`negative_slope` instead of `alpha`). Both train the same network (checked against
course.cnn, the one specification) on the same images, from the same seed, with batch
250 and a 20% validation split, in one process on this machine.

Each contestant first runs one epoch that includes tracing the training step (reported
as "first epoch"); then the steady epochs are timed, alternating between the two so that
a change in machine load hits both alike. The ratio course / article of the fastest
epochs is printed (load from other processes only adds time): 1.00 or less means the
course's training is at least as fast. `--jit` adds the course's network
compiled with XLA (jit_compile=True), to measure what it costs on a CPU.

This is a benchmark, not a test: timings depend on the machine and its load.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

import course  # noqa: E402
from course import cnn  # noqa: E402
from course.data import load_mnist  # noqa: E402

tf = course.import_tensorflow()
import keras  # noqa: E402

ASSIGNMENT = "03-keras-cnn"


def course_functions() -> dict:
    """preprocess, build_cnn and train as the solutions notebook defines them."""
    from grader.paths import source_notebook
    from grader.submissions import reference_answers

    answers = reference_answers(source_notebook(ASSIGNMENT))
    namespace = {"np": np, "tf": tf, "keras": keras, "VERBOSE": 0}
    for name in ("preprocess", "build_cnn", "train"):
        exec(answers[name], namespace)  # noqa: S102  (the course's own reference code)
    return namespace


# --- the seed article's script, fixed, as plain code -------------------------------------
def article_data(images, labels):
    """The article's preparation, plus the channel axis it forgot."""
    inputs = images.reshape((len(images), 28, 28, 1)).astype("float32")
    inputs = inputs / 255  # a rescaling to [0, 1] (the article calls it "black or white")
    targets = keras.utils.to_categorical(labels, 10)
    return inputs, targets


def article_model(slope=0.1):
    """The article's network, in the Keras 3 API."""
    from keras.layers import Conv2D, Dense, Dropout, Flatten, LeakyReLU, MaxPooling2D

    model = keras.models.Sequential()
    model.add(keras.Input(shape=(28, 28, 1)))  # the article: input_shape=input_shape (undefined)
    model.add(Conv2D(32, kernel_size=(3, 3)))
    model.add(LeakyReLU(negative_slope=slope))  # the article: alpha=...
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.25))
    model.add(Conv2D(64, kernel_size=(3, 3)))
    model.add(LeakyReLU(negative_slope=slope))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.25))
    model.add(Flatten())
    model.add(Dense(256))
    model.add(LeakyReLU(negative_slope=slope))
    model.add(Dense(10, activation="softmax"))
    model.compile(loss=keras.losses.categorical_crossentropy,
                  optimizer=keras.optimizers.Adam(), metrics=["accuracy"])
    return model


def article_epoch(model, inputs, targets):
    return model.fit(inputs, targets, batch_size=250, epochs=1, verbose=0,
                     validation_split=0.2)


# --- timing -----------------------------------------------------------------------------
def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=60_000,
                        help="training images (before the 20%% validation split)")
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per contestant")
    parser.add_argument("--jit", action="store_true",
                        help="also time the course's network with jit_compile=True")
    args = parser.parse_args(argv)

    (x_raw, y_raw), _ = load_mnist()
    x_raw, y_raw = x_raw[: args.samples], y_raw[: args.samples]
    ours = course_functions()
    x_course, y_course = ours["preprocess"](x_raw, y_raw)
    x_article, y_article = article_data(x_raw, y_raw)
    assert np.array_equal(x_course, x_article) and np.array_equal(y_course, y_article)

    def make_course():
        return ours["build_cnn"](0.1)

    def make_article():
        return article_model(0.1)

    contestants = {
        "course": (make_course, lambda m: ours["train"](m, x_course, y_course, epochs=1)),
        "article": (make_article, lambda m: article_epoch(m, x_article, y_article)),
    }
    if args.jit:
        def make_jit():
            model = ours["build_cnn"](0.1)
            model.compile(optimizer=keras.optimizers.Adam(), loss="categorical_crossentropy",
                          metrics=["accuracy"], jit_compile=True)
            return model
        contestants["course + jit_compile"] = (
            make_jit, lambda m: ours["train"](m, x_course, y_course, epochs=1))

    models, first, steady = {}, {}, {name: [] for name in contestants}
    for name, (make, _) in contestants.items():
        keras.utils.set_random_seed(0)
        models[name] = make()
        cnn.expect_layers(models[name], cnn.article_layers(0.1), call=f"{name} model")
        cnn.expect_input_and_params(models[name], call=f"{name} model")

    threads = (tf.config.threading.get_intra_op_parallelism_threads(),
               tf.config.threading.get_inter_op_parallelism_threads())
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
          f"TensorFlow {tf.__version__}, Keras {keras.__version__}; TF threads intra/inter "
          f"{threads[0]}/{threads[1]} (0 = TensorFlow's default: all cores)")
    print(f"data: {len(x_raw)} images, {int(np.ceil(len(x_raw) * 0.8))} trained on per epoch, "
          f"batch 250; {cnn.ARTICLE_PARAMS:,} parameters; {args.repeats} timed epoch(s) each")
    for name, (_, epoch) in contestants.items():
        first[name] = timed(lambda: epoch(models[name]))  # noqa: B023
        print(f"  {name:22s} first epoch (with tracing) {first[name]:7.2f} s", flush=True)
    for _ in range(args.repeats):
        for name, (_, epoch) in contestants.items():
            steady[name].append(timed(lambda: epoch(models[name])))  # noqa: B023
            print(f"  {name:22s} epoch {steady[name][-1]:7.2f} s", flush=True)

    # Other processes only ever add time, so the fastest epoch is the least disturbed
    # estimate of what the code costs; the median shows how noisy the machine was.
    best = {name: min(times) for name, times in steady.items()}
    print("\nepoch time after the first: best / median")
    for name, times in steady.items():
        print(f"  {name:22s} {best[name]:7.2f} s / {statistics.median(times):7.2f} s")
    ratio = best["course"] / best["article"]
    print(f"ratio course / article (best epochs): {ratio:.2f} "
          f"({'at least as fast' if ratio <= 1.0 else 'slower'}); medians "
          f"{statistics.median(steady['course']) / statistics.median(steady['article']):.2f}, "
          f"first epochs {first['course'] / first['article']:.2f}")
    if args.jit:
        slower = best["course + jit_compile"] / best["course"]
        print(f"ratio jit_compile / course: {slower:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
