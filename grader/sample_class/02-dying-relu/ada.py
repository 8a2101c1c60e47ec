"""Sample student ada: everything right, in her own style.

She takes the largest activation of each unit over all samples and positions, passes
the batch through the layers one by one (skipping a functional model's InputLayer), and
compares every row's output with the first row's.
"""


def dead_unit_fraction(activations, tol=0.0):
    a = np.asarray(activations, dtype=float)
    if a.shape[0] == 0:
        raise ValueError("no samples in the batch, so no unit can be judged")
    peak = a.max(axis=tuple(range(a.ndim - 1)))
    return float(np.mean(peak <= tol))


def dead_units_per_layer(model, x):
    family = (keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.PReLU)
    functions = (keras.activations.relu, keras.activations.leaky_relu, keras.activations.relu6)
    fractions = {}
    h = x
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        h = layer(h, training=False)
        act = getattr(layer, "activation", None)
        if isinstance(layer, family) or isinstance(act, family) or act in functions:
            fractions[layer.name] = dead_unit_fraction(np.asarray(h))
    return fractions


def is_constant_network(model, x, tol=1e-12):
    out = np.asarray(model(x, training=False))
    return bool(np.abs(out - out[0]).max() <= tol)


explain_slope_and_remedies = """
The 0.01 network is not dead: its units still pass a gradient, but only 1% of it per
dead layer, so after layers 3 and 4 the first layers get gradients around 1e-9 per
weight. Adam divides by sqrt(v) + 1e-7, and with gradients that small the epsilon
dominates, so each step is about 100 times too small and 10 epochs are not enough.
A slope of 0.3 trains within a few epochs, but the outputs are no longer sparse and the
slope is another hyperparameter. Initialising the biases at 0 lets plain ReLU train,
but units can still die later, for example with learning rate 0.1.
"""
