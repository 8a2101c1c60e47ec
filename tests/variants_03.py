"""Student answers for assignment 3 that the autograder must grade right.

WRONG[function][name] is a plausible mistake in one graded function: it must lose points
in that function's test cells. CORRECT[name] is a whole notebook written in another
correct style: full marks. Snippets are what a student types into the solution cell
(np, tf, keras, VERBOSE come from the notebook).

Every submission of this notebook trains networks for several seconds, so the wrong
answers are graded in bundles (:func:`bundle_of`): bundle i holds the i-th wrong answer
of every graded function (more than tests/helpers.py packs by default, which leaves one
function right in each bundle). That is sound because each function's test cells call only
that function: the tests of `train` build their own small model and prepare their own
data, and the tests of `build_cnn` never train.
"""

from textwrap import dedent

ASSIGNMENT = "03-keras-cnn"


def _src(text: str) -> str:
    return dedent(text).strip("\n")


_CHECKS = """
    x = np.asarray(x)
    y = np.asarray(y)
    if x.ndim != 3 or x.shape[1:] != (28, 28):
        raise ValueError(f"x must be (n, 28, 28), got {x.shape}")
    if y.shape != (len(x),):
        raise ValueError(f"y must be ({len(x)},), got {y.shape}")
    if y.size and (y.min() < 0 or y.max() > 9):
        raise ValueError("labels must be 0..9")
"""


def _preprocess(body: str) -> str:
    """A preprocess with the shape and label checks, then ``body``."""
    lines = ["def preprocess(x, y):"]
    for part in (_CHECKS, body):
        lines += ["    " + line for line in dedent(part).strip("\n").splitlines()]
    return "\n".join(lines)


def _cnn(conv1="layers.Conv2D(32, (3, 3))", conv2="layers.Conv2D(64, (3, 3))",
         leak="layers.LeakyReLU(negative_slope=negative_slope)", drop="layers.Dropout(0.25),",
         dense="layers.Dense(256)", out='layers.Dense(10, activation="softmax")',
         start="keras.Input(shape=(28, 28, 1)),",
         compile_args='optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"]',
         extra_leaks=True) -> str:
    leak_line = f"{leak}," if extra_leaks else ""
    return _src(f"""
        def build_cnn(negative_slope=0.1):
            layers = keras.layers
            model = keras.Sequential([
                {start}
                {conv1}, {leak_line}
                layers.MaxPooling2D((2, 2)), {drop}
                {conv2}, {leak_line}
                layers.MaxPooling2D((2, 2)), {drop}
                layers.Flatten(),
                {dense}, {leak_line}
                {out},
            ])
            model.compile({compile_args})
            return model
    """)


WRONG = {
    "preprocess": {
        "black_or_white": _preprocess("""
            images = (x > 127).astype("float32")[..., None]
            return images, np.eye(10, dtype="float32")[y]
        """),
        "float64_images": _preprocess("""
            return (x / 255)[..., None], np.eye(10, dtype="float32")[y]
        """),
        "no_channel_axis": _preprocess("""
            return x.astype("float32") / 255, np.eye(10, dtype="float32")[y]
        """),
        "divide_by_max": _preprocess("""
            images = x.astype("float32") / x.max()
            return images[..., None], np.eye(10, dtype="float32")[y]
        """),
        "to_categorical_float64": _preprocess("""
            images = x.astype("float32")[..., None] / 255
            return images, keras.utils.to_categorical(y, 10)
        """),
        "no_validation": _src("""
            def preprocess(x, y):
                images = np.asarray(x, dtype="float32").reshape(-1, 28, 28, 1) / 255
                return images, np.eye(10, dtype="float32")[np.asarray(y)]
        """),
    },
    "build_cnn": {
        "default_slope": _cnn(leak="layers.LeakyReLU()"),
        "string_activation": _cnn(conv1='layers.Conv2D(32, (3, 3), activation="leaky_relu")',
                                  conv2='layers.Conv2D(64, (3, 3), activation="leaky_relu")',
                                  dense='layers.Dense(256, activation="leaky_relu")',
                                  extra_leaks=False),
        "same_padding": _cnn(conv1='layers.Conv2D(32, (3, 3), padding="same")',
                             conv2='layers.Conv2D(64, (3, 3), padding="same")'),
        "no_dropout": _cnn(drop=""),
        "sparse_loss": _cnn(compile_args='optimizer="adam", '
                            'loss="sparse_categorical_crossentropy", metrics=["accuracy"]'),
        "deprecated_alpha_and_input_shape": _cnn(
            start="", leak="layers.LeakyReLU(alpha=negative_slope)",
            conv1="layers.Conv2D(32, (3, 3), input_shape=(28, 28, 1))"),
        # One model per slope, kept and handed out again: a second run with the same slope
        # would start from the first run's trained weights (the text asks for a new model
        # on every call).
        "cached_per_slope": "import functools\n\n\n@functools.lru_cache(maxsize=None)\n" + _cnn(),
    },
    "train": {
        "ignores_epochs": _src("""
            def train(model, x, y, epochs, batch_size=250, validation_split=0.2):
                return model.fit(x, y, batch_size=batch_size, epochs=1,
                                 validation_split=validation_split, verbose=VERBOSE)
        """),
        "default_batch_size": _src("""
            def train(model, x, y, epochs, batch_size=250, validation_split=0.2):
                return model.fit(x, y, epochs=epochs, validation_split=validation_split,
                                 verbose=VERBOSE)
        """),
        "no_validation": _src("""
            def train(model, x, y, epochs, batch_size=250, validation_split=0.2):
                return model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=VERBOSE)
        """),
        "validates_on_training_data": _src("""
            def train(model, x, y, epochs, batch_size=250, validation_split=0.2):
                return model.fit(x, y, batch_size=batch_size, epochs=epochs,
                                 validation_data=(x, y), verbose=VERBOSE)
        """),
        "returns_model": _src("""
            def train(model, x, y, epochs, batch_size=250, validation_split=0.2):
                model.fit(x, y, batch_size=batch_size, epochs=epochs,
                          validation_split=validation_split, verbose=VERBOSE)
                return model
        """),
        "shuffles_images_only": _src("""
            def train(model, x, y, epochs, batch_size=250, validation_split=0.2):
                order = np.random.default_rng(0).permutation(len(x))
                return model.fit(x[order], y, batch_size=batch_size, epochs=epochs,
                                 validation_split=validation_split, verbose=VERBOSE)
        """),
    },
}

CORRECT = {
    "functional_to_categorical": {
        "preprocess": _src("""
            def preprocess(x, y):
                x, y = np.asarray(x), np.asarray(y)
                if x.ndim != 3 or x.shape[1] != 28 or x.shape[2] != 28:
                    raise ValueError("expected images of shape (n, 28, 28), got " + str(x.shape))
                if y.ndim != 1 or len(y) != len(x):
                    raise ValueError("expected one label per image")
                if np.any((y < 0) | (y > 9)):
                    raise ValueError("every label must be a digit from 0 to 9")
                images = np.expand_dims(x, -1).astype(np.float32) / np.float32(255)
                labels = keras.utils.to_categorical(y, num_classes=10).astype(np.float32)
                return images, labels
        """),
        "build_cnn": _src("""
            def build_cnn(negative_slope=0.1):
                inputs = keras.Input(shape=(28, 28, 1))
                h = keras.layers.Conv2D(32, kernel_size=3)(inputs)
                h = keras.layers.LeakyReLU(negative_slope=negative_slope)(h)
                h = keras.layers.MaxPooling2D(2)(h)
                h = keras.layers.Dropout(rate=0.25)(h)
                h = keras.layers.Conv2D(64, kernel_size=3)(h)
                h = keras.layers.LeakyReLU(negative_slope=negative_slope)(h)
                h = keras.layers.MaxPooling2D(2)(h)
                h = keras.layers.Dropout(rate=0.25)(h)
                h = keras.layers.Flatten()(h)
                h = keras.layers.Dense(256)(h)
                h = keras.layers.LeakyReLU(negative_slope=negative_slope)(h)
                outputs = keras.layers.Dense(10, activation="softmax")(h)
                model = keras.Model(inputs, outputs)
                model.compile(optimizer=keras.optimizers.Adam(),
                              loss=keras.losses.categorical_crossentropy,
                              metrics=["accuracy"])
                return model
        """),
        "train": _src("""
            def train(model, x, y, epochs, batch_size=250, validation_split=0.2):
                history = model.fit(x=x, y=y, epochs=epochs, batch_size=batch_size,
                                    validation_split=validation_split, shuffle=True,
                                    verbose=VERBOSE)
                return history
        """),
    },
    "tensorflow_ops_tf_data": {
        "preprocess": _src("""
            def preprocess(x, y):
                if np.ndim(x) != 3 or tuple(np.shape(x)[1:]) != (28, 28):
                    raise ValueError(f"bad image shape {np.shape(x)}")
                if np.shape(y) != (np.shape(x)[0],):
                    raise ValueError(f"bad label shape {np.shape(y)}")
                if not np.all(np.isin(y, np.arange(10))):
                    raise ValueError("labels outside 0..9")
                images = tf.cast(tf.reshape(x, (-1, 28, 28, 1)), tf.float32) / 255.0
                labels = tf.one_hot(np.asarray(y, dtype=np.int64), depth=10, dtype=tf.float32)
                return images.numpy(), labels.numpy()
        """),
        "build_cnn": _src("""
            def build_cnn(negative_slope=0.1):
                model = keras.Sequential()
                model.add(keras.Input(shape=(28, 28, 1)))
                for filters in (32, 64):
                    model.add(keras.layers.Conv2D(filters, (3, 3), padding="valid"))
                    model.add(keras.layers.LeakyReLU(negative_slope=negative_slope))
                    model.add(keras.layers.MaxPooling2D(pool_size=(2, 2)))
                    model.add(keras.layers.Dropout(0.25))
                model.add(keras.layers.Flatten())
                model.add(keras.layers.Dense(256))
                model.add(keras.layers.LeakyReLU(negative_slope=negative_slope))
                model.add(keras.layers.Dense(10))
                model.add(keras.layers.Softmax())
                model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(),
                              metrics=[keras.metrics.CategoricalAccuracy()])
                return model
        """),
        "train": _src("""
            import math

            def train(model, x, y, epochs, batch_size=250, validation_split=0.2):
                n_fit = int(math.ceil(len(x) * (1 - validation_split)))
                fit_data = (tf.data.Dataset.from_tensor_slices((x[:n_fit], y[:n_fit]))
                            .shuffle(n_fit, seed=0).batch(batch_size)
                            .prefetch(tf.data.AUTOTUNE))
                val_data = (tf.data.Dataset.from_tensor_slices((x[n_fit:], y[n_fit:]))
                            .batch(batch_size))
                return model.fit(fit_data, validation_data=val_data, epochs=epochs,
                                 shuffle=False, verbose=VERBOSE)
        """),
    },
    "reshape_and_loops": {
        "preprocess": _src("""
            def preprocess(x, y):
                x = np.array(x)
                y = np.array(y).astype(int)
                if x.shape != (len(x), 28, 28):
                    raise ValueError("preprocess needs images of 28 x 28 pixels in an (n, 28, 28)"
                                     f" array, not {x.shape}")
                if y.shape != (len(x),):
                    raise ValueError(f"{len(x)} images need {len(x)} labels, y has shape {y.shape}")
                onehot = np.zeros((len(y), 10), dtype=np.float32)
                for i, label in enumerate(y):
                    if not 0 <= label <= 9:
                        raise ValueError(f"label {label} at index {i} is not a digit")
                    onehot[i, label] = 1.0
                scaled = (x.reshape(len(x), 28, 28, 1) * (1.0 / 255.0)).astype(np.float32)
                return scaled, onehot
        """),
        "build_cnn": _src("""
            def build_cnn(negative_slope=0.1):
                def leak():
                    return keras.layers.LeakyReLU(negative_slope=negative_slope)

                stack = [keras.layers.InputLayer(shape=(28, 28, 1))]
                stack += [keras.layers.Conv2D(filters=32, kernel_size=(3, 3), strides=1),
                          leak(), keras.layers.MaxPool2D(), keras.layers.Dropout(0.25)]
                stack += [keras.layers.Conv2D(filters=64, kernel_size=(3, 3), strides=1),
                          leak(), keras.layers.MaxPool2D(), keras.layers.Dropout(0.25)]
                stack += [keras.layers.Flatten(), keras.layers.Dense(units=256), leak(),
                          keras.layers.Dense(units=10, activation=keras.activations.softmax)]
                model = keras.Sequential(stack, name="mnist_cnn")
                model.compile(keras.optimizers.Adam(learning_rate=0.001),
                              keras.losses.CategoricalCrossentropy(from_logits=False),
                              metrics=["acc"])
                return model
        """),
        "train": _src("""
            def train(model, x, y, epochs, batch_size=250, validation_split=0.2):
                settings = dict(epochs=int(epochs), batch_size=batch_size,
                                validation_split=validation_split, verbose=VERBOSE)
                return model.fit(np.asarray(x), np.asarray(y), **settings)
        """),
    },
}


def bundle_of(function: str, name: str) -> str:
    """The student id whose submission holds the wrong answer ``name`` of ``function``."""
    return f"wrong-bundle-{sorted(WRONG[function]).index(name) + 1}"


# What each sample student (grader/sample_class/03-keras-cnn/*.py) gets wrong, per its
# docstring: the grade table of `make course` shows exactly these losses.
SAMPLE_MISTAKES = {
    "sample-ada": set(),
    "sample-ben": {"preprocess", "build_cnn"},
    "sample-chloe": {"build_cnn", "train"},
}
# The written answer, graded by hand: its grade id and points.
WRITTEN_ANSWER = ("explain_comparison", 3)


# Each mistake that the notebook teaches about (the seed article's errors in its table:
# "black or white", no channel axis, `alpha=` and `input_shape=`; Part 1's default slopes
# and string activations; the specification's dtypes and checks): the planted first
# attempt that makes it (in WRONG), and words the failing visible test's message must
# contain (tests/test_visible_tests.py).
TAUGHT = {
    "/ 255 read as black or white": ("preprocess", "black_or_white", "black or white"),
    "images divided by their own maximum": ("preprocess", "divide_by_max", "not by x.max()"),
    "no channel axis": ("preprocess", "no_channel_axis", "channel axis"),
    "float64 images": ("preprocess", "float64_images", "uint8 / 255 gives float64"),
    "float64 one-hot labels": ("preprocess", "to_categorical_float64", "to_categorical"),
    "labels outside 0..9 accepted": ("preprocess", "no_validation", "label range"),
    "LeakyReLU() with its default slope": ("build_cnn", "default_slope", "alone uses 0.3"),
    "activation='leaky_relu' for a slope": ("build_cnn", "string_activation",
                                           "cannot carry a slope"),
    "Keras 2's alpha= and input_shape=": ("build_cnn", "deprecated_alpha_and_input_shape",
                                          "(not alpha=)"),
    "epochs ignored": ("train", "ignores_epochs", "pass epochs to fit"),
    "no validation split": ("train", "no_validation", "pass validation_split to fit"),
    "fit's own batch size": ("train", "default_batch_size", "its own defaults are 32 and 0"),
    "validation on the training data": ("train", "validates_on_training_data",
                                        "held-out part only"),
    "the model returned instead of its History": ("train", "returns_model",
                                                  "what model.fit(...) returns"),
}
