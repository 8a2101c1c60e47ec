"""The experiments of assignment 2 (dying ReLU), shared so that notebook and tests agree.

Everything here is plumbing the student does not write: the data, the network that gets
stuck, training, gradient norms and the "born dead" Monte Carlo. Counting dead units is
the student's work (graded), so nothing in this module does it; the notebook passes the
results of these functions to the student's own functions.

The recipe (measured over 20 seeds before it went into the course):

- data: ``n`` points of 20 standard-normal features; label 1 where ``x0 * x1 > 0`` (the
  sign of a product, an XOR-like problem, balanced);
- network: 4 hidden blocks of ``Dense(64)`` with every bias initialised to -1, each followed
  by a separate activation layer, then ``Dense(1, sigmoid)``;
- training: Adam (learning rate 1e-3), binary cross-entropy, batch 64, 10 epochs.

With ReLU the third and fourth hidden layers are dead from the start, every kernel
gradient is exactly 0 and the loss stays at ln 2; with Leaky ReLU (slope 0.1 to 0.3) the
same network trains.
"""

import math

import numpy as np

from course.quiet import import_tensorflow

LN2 = math.log(2.0)


def _keras():
    tf = import_tensorflow()
    import keras

    return tf, keras


def make_data(n_samples=4000, n_features=20, seed=0):
    """The binary task: ``(X, y)`` with ``X`` standard normal of shape
    ``(n_samples, n_features)`` and ``y = 1`` where ``x0 * x1 > 0``, else 0 (float32).

    Neither feature alone says anything about the label (like XOR), so a network must
    combine them through its non-linear units; the classes are balanced, so a network
    that learns nothing sits at a loss of ln 2 ~ 0.693.
    """
    if n_features < 2:
        raise ValueError(f"n_features must be at least 2 (the label uses x0 and x1), "
                         f"got {n_features}")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features)).astype("float32")
    y = (X[:, 0] * X[:, 1] > 0).astype("float32")
    return X, y


def activation_layer(activation, name=None):
    """A Keras activation layer for ``activation``:

    - ``"relu"`` (or slope 0): ``keras.layers.ReLU``;
    - a number ``a > 0``: ``keras.layers.LeakyReLU(negative_slope=a)``;
    - ``"prelu"``: ``keras.layers.PReLU`` with its slope starting at 0.25 (He et al., 2015;
      Keras itself starts PReLU at 0, which is plain ReLU at initialisation).
    """
    _, keras = _keras()
    if activation == "relu" or (not isinstance(activation, str) and activation == 0):
        return keras.layers.ReLU(name=name)
    if activation == "prelu":
        return keras.layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25), name=name)
    if isinstance(activation, str):
        raise ValueError(f"unknown activation {activation!r}: use 'relu', 'prelu' or a slope")
    slope = float(activation)
    if not math.isfinite(slope) or slope < 0:
        raise ValueError(f"a Leaky ReLU slope must be finite and >= 0, got {activation!r}")
    return keras.layers.LeakyReLU(negative_slope=slope, name=name)


def activation_label(activation) -> str:
    """A short human label: 'ReLU', 'Leaky ReLU (0.3)', 'PReLU'."""
    if activation == "relu" or (not isinstance(activation, str) and activation == 0):
        return "ReLU"
    if activation == "prelu":
        return "PReLU"
    return f"Leaky ReLU ({float(activation):g})"


def build_mlp(activation="relu", *, depth=4, width=64, bias=-1.0, n_features=20,
              kernel_initializer="glorot_uniform"):
    """The network of the experiment, as a ``keras.Sequential`` built with ``keras.Input``.

    ``depth`` hidden blocks, each ``Dense(width)`` named ``dense_i`` (bias initialised to
    ``bias``, no activation of its own) followed by an activation layer named ``act_i``
    (see :func:`activation_layer`), i = 1..depth; then ``Dense(1, sigmoid)`` named
    ``output``. Call ``keras.utils.set_random_seed`` first for reproducible weights.
    """
    _, keras = _keras()
    layers = [keras.Input(shape=(n_features,))]
    for i in range(1, depth + 1):
        layers.append(keras.layers.Dense(
            width, kernel_initializer=kernel_initializer,
            bias_initializer=keras.initializers.Constant(bias), name=f"dense_{i}"))
        layers.append(activation_layer(activation, name=f"act_{i}"))
    layers.append(keras.layers.Dense(1, activation="sigmoid", name="output"))
    return keras.Sequential(layers, name=f"mlp_{activation_label(activation)}".replace(" ", "_")
                            .replace("(", "").replace(")", ""))


# Training steps per call into TensorFlow's graph: the same steps on the same batches in
# the same order (the results are identical), with fewer trips between Python and
# TensorFlow, which cost as much as a step of this small network.
STEPS_PER_CALL = 32


def compile_model(model, *, learning_rate=1e-3, epsilon=1e-7, run_eagerly=False):
    """Compile for the experiment: Adam, binary cross-entropy, accuracy, STEPS_PER_CALL
    steps per execution.

    ``run_eagerly=True`` skips building a TensorFlow graph: slower per step, but it saves
    the second or so of tracing, which is most of the time of a very short run."""
    _, keras = _keras()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, epsilon=epsilon),
                  loss="binary_crossentropy", metrics=["accuracy"], run_eagerly=run_eagerly,
                  steps_per_execution=STEPS_PER_CALL)
    return model


def fit_network(model, X, y, *, epochs=10, batch_size=64, learning_rate=1e-3, epsilon=1e-7,
          verbose=0, run_eagerly=False):
    """Compile ``model`` (see :func:`compile_model`) and fit it; return the history dict
    (``loss`` and ``accuracy`` per epoch, the running averages that ``fit`` reports)."""
    compile_model(model, learning_rate=learning_rate, epsilon=epsilon, run_eagerly=run_eagerly)
    history = model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=verbose)
    return history.history


def evaluate(model, X, y):
    """``(loss, accuracy)`` of ``model`` on the whole of ``X, y``: binary cross-entropy
    and the share of predictions on the right side of 0.5 (computed in one eager pass)."""
    _, keras = _keras()
    p = model(X, training=False)
    loss = keras.losses.BinaryCrossentropy()(np.reshape(y, (-1, 1)), p)
    accuracy = np.mean((keras.ops.convert_to_numpy(p)[:, 0] > 0.5) == (np.asarray(y) > 0.5))
    return float(loss), float(accuracy)


def gradient_norms(model, X, y):
    """``{layer name: L2 norm of d(loss)/d(kernel)}`` for every layer with a kernel, in
    model order, the loss being the binary cross-entropy on the whole batch ``X, y``.

    A norm of exactly 0.0 means that layer's weights receive no learning signal at all.
    """
    tf, keras = _keras()
    loss_fn = keras.losses.BinaryCrossentropy()
    layers = [layer for layer in model.layers if getattr(layer, "kernel", None) is not None]
    with tf.GradientTape() as tape:
        loss = loss_fn(np.reshape(y, (-1, 1)), model(X, training=True))
    grads = tape.gradient(loss, [layer.kernel for layer in layers])
    return {layer.name: float(tf.norm(g)) for layer, g in zip(layers, grads, strict=True)}


def run(activation, *, seed=0, n_samples=4000, epochs=10, learning_rate=1e-3, epsilon=1e-7,
        bias=-1.0, verbose=0, run_eagerly=False):
    """One run of the experiment: seed everything, make the data, build the network,
    train it (``run_eagerly``: see :func:`compile_model`).

    Returns a dict with ``model`` (trained), ``initial`` (an untrained copy with the same
    starting weights, for "at initialisation" measurements), ``X``, ``y``, ``history``
    (per-epoch loss and accuracy), ``loss`` and ``accuracy`` (evaluated on all of ``X``
    after training) and ``label``."""
    _, keras = _keras()
    X, y = make_data(n_samples, seed=seed)
    keras.utils.set_random_seed(seed)
    model = build_mlp(activation, bias=bias)
    initial = build_mlp(activation, bias=bias)
    initial.set_weights(model.get_weights())
    history = fit_network(model, X, y, epochs=epochs, learning_rate=learning_rate, epsilon=epsilon,
                    verbose=verbose, run_eagerly=run_eagerly)
    loss, accuracy = evaluate(model, X, y)
    return {"model": model, "initial": initial, "X": X, "y": y, "history": history,
            "loss": loss, "accuracy": accuracy, "label": activation_label(activation)}


# -- Born dead: a Monte Carlo estimate, in NumPy (thousands of networks per second) ------

def born_dead_probability(widths, depths, *, trials=1000, n_points=100, seed=0):
    """Estimate P(a randomly initialised ReLU network is born dead) for each width and depth.

    The networks map one input to one output through ``depth`` hidden ReLU layers of
    ``width`` units, with He-normal weights (standard deviation sqrt(2 / fan_in)) and zero
    biases, as studied by Lu, Shin, Su and Karniadakis (2020). A network counts as born
    dead when some hidden layer outputs zeros for all ``n_points`` inputs (drawn uniformly
    from [-sqrt(3), sqrt(3)], the same points for every network): from that layer on every
    value is the same for every input, so the network computes a constant.

    Returns an array of shape ``(len(widths), len(depths))`` of estimated probabilities;
    each is a fraction of ``trials`` networks (standard error at most
    ``0.5 / sqrt(trials)``). All trials of one width run at once, through the deepest
    network only: whether it was dead after L layers answers depth L.
    """
    widths, depths = [int(w) for w in widths], [int(d) for d in depths]
    if not widths or not depths or min(widths) < 1 or min(depths) < 1 or trials < 1:
        raise ValueError("widths, depths and trials must be positive")
    rng = np.random.default_rng(seed)
    x = rng.uniform(-math.sqrt(3.0), math.sqrt(3.0), size=(n_points, 1))
    deepest = max(depths)
    result = np.zeros((len(widths), len(depths)))
    for row, width in enumerate(widths):
        h = np.broadcast_to(x, (trials, n_points, 1))
        alive = np.arange(trials)          # networks with no all-zero layer so far
        dead_by_depth = np.zeros((deepest, trials), dtype=bool)
        dead = np.zeros(trials, dtype=bool)
        for layer in range(deepest):
            fan_in = h.shape[-1]
            weights = rng.standard_normal((len(alive), fan_in, width)) * math.sqrt(2.0 / fan_in)
            h = np.maximum(h @ weights, 0.0)
            collapsed = ~h.any(axis=(1, 2))
            dead[alive[collapsed]] = True
            alive, h = alive[~collapsed], h[~collapsed]
            dead_by_depth[layer] = dead
        result[row] = dead_by_depth[np.array(depths) - 1].mean(axis=1)
    return result


def dead_on_a_ray_probability(width, depth):
    """Exact P(a zero-bias ReLU network is dead on one ray {t v : t > 0}): each layer,
    given a non-zero non-negative input, is all zero with probability 2**-width,
    independently, so the answer is 1 - (1 - 2**-width)**depth. Being dead everywhere
    needs more than one ray, so this is an upper bound on being born dead."""
    return 1.0 - (1.0 - 2.0 ** -width) ** depth


def random_relu_network(width, depth):
    """A Keras version of the networks of :func:`born_dead_probability`: one input,
    ``depth`` hidden ``Dense(width, activation="relu")`` layers and a linear
    ``Dense(1)`` output, built with ``keras.Input``. Give it random weights with
    :func:`set_random_weights` (one model, many draws: much faster than many models)."""
    _, keras = _keras()
    layers = [keras.Input(shape=(1,))]
    layers += [keras.layers.Dense(width, activation="relu") for _ in range(depth)]
    layers.append(keras.layers.Dense(1))
    return keras.Sequential(layers)


def set_random_weights(model, rng):
    """Overwrite every Dense kernel of ``model`` with He-normal draws from the NumPy
    generator ``rng`` (standard deviation sqrt(2 / fan_in)) and every bias with 0, the
    initialisation of :func:`born_dead_probability`. Returns ``model``."""
    for layer in model.layers:
        kernel = getattr(layer, "kernel", None)
        if kernel is None:
            continue
        fan_in = kernel.shape[0]
        layer.kernel.assign(rng.standard_normal(tuple(kernel.shape)) * math.sqrt(2.0 / fan_in))
        if getattr(layer, "bias", None) is not None:
            layer.bias.assign(np.zeros(tuple(layer.bias.shape)))
    return model
