"""The seed article's MNIST CNN as data: the one specification of assignment 3's network,
and the two ways the course trains it.

The assignment's tests, the benchmark (``benchmarks/cnn_epoch.py``) and the course's own
tests all compare models against :func:`article_layers` and :data:`ARTICLE_PARAMS`, so
the architecture is written down once. Nothing here builds the model (that is the
student's ``build_cnn``): it only describes one and compares descriptions.

Training: the article's recipe (:data:`ARTICLE_TRAINING`, Adam at its constant default
rate) and the course's short one (:data:`SHORT_RECIPE`, :func:`compile_one_cycle`): the
same network, data, Adam and batches for 5 epochs instead of 25, its rate following a
one-cycle schedule. Assignment 3 runs the short one unless told ``FULL_RUN = True``;
``benchmarks/cnn_time_to_accuracy.py`` compares the two.

A model is described as a list of ``(layer kind, settings)`` rows, e.g.
``("Conv2D", {"filters": 32, "kernel_size": (3, 3), ...})``, one per layer after the input.
"""

import math

from course.checks import fail

INPUT_SHAPE = (28, 28, 1)
NUM_CLASSES = 10
ARTICLE_SLOPE = 0.1
ARTICLE_PARAMS = 431_242  # 320 + 18,496 + 409,856 + 2,570
ARTICLE_TRAINING = {"batch_size": 250, "epochs": 25, "validation_split": 0.2}
# Test-set results the article reports (one run each, 25 epochs).
ARTICLE_RESULTS = {
    "Leaky ReLU (0.1)": {"accuracy": 0.9928, "loss": 0.0300},
    "ReLU": {"accuracy": 0.9919, "loss": 0.0286},
}

# The course's short recipe: the learning rate rises linearly over the first epoch from a
# tenth of the peak to the peak, then falls along a cosine to 0 at the last step. Chosen on
# validation accuracy (benchmarks/cnn_time_to_accuracy.py; docs/assignments.md).
SHORT_RECIPE = {"epochs": 5, "peak_rate": 3e-3, "warmup_epochs": 1}

# Which settings of each layer kind the specification fixes.
_SETTINGS = {
    "Conv2D": ("filters", "kernel_size", "strides", "padding", "activation"),
    "LeakyReLU": ("negative_slope",),
    "MaxPooling2D": ("pool_size", "strides", "padding"),
    "Dropout": ("rate",),
    "Flatten": (),
    "Dense": ("units", "activation"),
}


def article_layers(negative_slope: float = ARTICLE_SLOPE) -> list:
    """The article's network, layer by layer, with ``negative_slope`` in every LeakyReLU."""
    def conv(filters):
        return ("Conv2D", {"filters": filters, "kernel_size": (3, 3), "strides": (1, 1),
                           "padding": "valid", "activation": "linear"})

    leak = ("LeakyReLU", {"negative_slope": float(negative_slope)})
    pool = ("MaxPooling2D", {"pool_size": (2, 2), "strides": (2, 2), "padding": "valid"})
    drop = ("Dropout", {"rate": 0.25})
    return [
        conv(32), leak, pool, drop,
        conv(64), leak, pool, drop,
        ("Flatten", {}),
        ("Dense", {"units": 256, "activation": "linear"}), leak,
        ("Dense", {"units": NUM_CLASSES, "activation": "softmax"}),
    ]


def _plain(value):
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, float):
        return round(value, 9)
    return value


def layer_table(model) -> list:
    """Describe a Keras model in the format of :func:`article_layers`.

    The input layer is left out (a Sequential and a functional model describe the same
    way), and a final softmax written as its own layer (``Softmax()`` or
    ``Activation("softmax")``) is folded into the Dense layer before it, since both
    compute the same thing.
    """
    rows = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        config = layer.get_config()
        softmax_layer = kind == "Softmax" or (
            kind == "Activation" and config.get("activation") == "softmax")
        if softmax_layer and rows and rows[-1][0] == "Dense" \
                and rows[-1][1].get("activation") == "linear":
            rows[-1][1]["activation"] = "softmax"
            continue
        keys = _SETTINGS.get(kind, ())
        rows.append((kind, {k: _plain(config.get(k)) for k in keys}))
    return rows


def format_table(rows: list) -> str:
    """One line per layer, numbered, for failure messages and printouts."""
    lines = []
    for i, (kind, settings) in enumerate(rows):
        text = ", ".join(f"{k}={v!r}" for k, v in settings.items())
        lines.append(f"  {i:2d}  {kind}({text})")
    return "\n".join(lines)


_HINTS = {
    ("LeakyReLU", "negative_slope"): (
        "pass negative_slope=negative_slope to every LeakyReLU layer; LeakyReLU() on its own "
        "uses 0.3, and `alpha=` is the old name of the argument."),
    ("Conv2D", "activation"): (
        "leave the convolution linear (no activation=...): the Leaky ReLU is the separate "
        "layer that follows it."),
    ("Dense", "activation"): (
        "the hidden Dense layer is linear, followed by a LeakyReLU layer; only the last Dense "
        "layer has activation='softmax'."),
    ("Conv2D", "padding"): "the article's convolutions use the default padding='valid'.",
    ("Dropout", "rate"): "both Dropout layers drop 25% of their inputs: Dropout(0.25).",
}


def expect_layers(model, expected: list, *, call: str) -> None:
    """Check a model layer by layer against a specification from :func:`article_layers`.

    The message shows both tables and explains the first difference.
    """
    got = layer_table(model)
    both = (f"\nYour model's layers:\n{format_table(got)}\n"
            f"Expected:\n{format_table(expected)}")
    for i, ((kind, settings), (want_kind, want)) in enumerate(zip(got, expected, strict=False)):
        if kind != want_kind:
            hint = ""
            if want_kind == "LeakyReLU":
                hint = ("each Conv2D and the hidden Dense layer are followed by their own "
                        "keras.layers.LeakyReLU(negative_slope=...) layer.")
            fail(f"{call}: layer {i} is {kind}, expected {want_kind}.{both}", hint)
        for key, value in want.items():
            same = (math.isclose(settings.get(key), value, abs_tol=1e-7)
                    if isinstance(value, float) and isinstance(settings.get(key), (int, float))
                    else settings.get(key) == value)
            if not same:
                fail(f"{call}: layer {i} ({kind}) has {key}={settings.get(key)!r}, expected "
                     f"{value!r}.{both}", _HINTS.get((kind, key), ""))
    if len(got) != len(expected):
        fail(f"{call}: the model has {len(got)} layers after the input, expected "
             f"{len(expected)}.{both}")


def expect_input_and_params(model, *, call: str) -> None:
    """Check the input shape (28, 28, 1), the output shape and the parameter count."""
    try:
        input_shape = tuple(model.inputs[0].shape)
    except (AttributeError, IndexError, ValueError, TypeError):
        input_shape = None
    if input_shape is None:
        fail(f"{call}: the model has no defined input.",
             f"start it with keras.Input(shape={INPUT_SHAPE}).")
    if input_shape[1:] != INPUT_SHAPE:
        fail(f"{call}: the model's input shape is {input_shape}, expected (None, 28, 28, 1).",
             "Conv2D needs a channel axis; MNIST images are grey-scale, so one channel: "
             "keras.Input(shape=(28, 28, 1)).")
    output_shape = tuple(model.outputs[0].shape)
    if output_shape[1:] != (NUM_CLASSES,):
        fail(f"{call}: the model's output shape is {output_shape}, expected (None, 10), one "
             "probability per digit.")
    n = model.count_params()
    if n != ARTICLE_PARAMS:
        fail(f"{call}: the model has {n:,} parameters, expected {ARTICLE_PARAMS:,}.",
             "compare model.summary() with the table above: filters, kernel sizes, padding, "
             "pool sizes and the Dense units all change the count.")


def network_name(negative_slope: float) -> str:
    """The name assignment 3 gives the network of a slope: "ReLU" for 0, else
    "Leaky ReLU (0.1)" and so on (the keys of :data:`ARTICLE_RESULTS`)."""
    return "ReLU" if negative_slope == 0 else f"Leaky ReLU ({negative_slope:g})"


def steps_per_epoch(n_images: int, batch_size: int = ARTICLE_TRAINING["batch_size"],
                    validation_split: float = ARTICLE_TRAINING["validation_split"]) -> int:
    """Weight updates per epoch of ``fit(x, y, batch_size, validation_split)`` on
    ``n_images``: Keras trains on the first ``floor(n * (1 - split))`` of them."""
    trained = math.floor(n_images * (1.0 - validation_split))
    return max(1, math.ceil(trained / batch_size))


def one_cycle(steps: int, epochs: int, peak_rate: float = SHORT_RECIPE["peak_rate"],
              warmup_epochs: int = SHORT_RECIPE["warmup_epochs"]):
    """The short recipe's learning rate, step by step, for ``epochs`` epochs of ``steps``
    updates: a Keras schedule (call it with a step number to read the rate)."""
    from course.quiet import import_keras

    keras = import_keras()
    warmup = min(steps * warmup_epochs, steps * epochs - 1)
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=peak_rate / 10, warmup_target=peak_rate, warmup_steps=warmup,
        decay_steps=max(1, steps * epochs - warmup), alpha=0.0)


def compile_one_cycle(model, n_images: int, epochs: int) -> None:
    """Compile ``model`` again, its layers and weights as they are, for the short recipe:
    Adam following :func:`one_cycle` over ``epochs`` epochs of ``fit`` on ``n_images``
    (the article's batch size and validation split), categorical cross-entropy and
    accuracy, as ``build_cnn`` compiles it. ``model.fit`` then trains with the schedule."""
    from course.quiet import import_keras

    keras = import_keras()
    schedule = one_cycle(steps_per_epoch(n_images), epochs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule),
                  loss="categorical_crossentropy", metrics=["accuracy"], jit_compile=False)
