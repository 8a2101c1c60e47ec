"""Sample student dev: thinks of every number of a conv output as its own unit.

dead_unit_fraction reduces over the samples only, so a convolution's positions count as
separate units. dead_units_per_layer loops over model.layers and calls the InputLayer
of a functional model (a TypeError). is_constant_network is right.
"""


def dead_unit_fraction(activations, tol=0.0):
    a = np.asarray(activations, dtype=float)
    if a.shape[0] == 0:
        raise ValueError("need at least one sample")
    return float(np.mean(np.all(a <= tol, axis=0)))


def dead_units_per_layer(model, x):
    kinds = (keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.PReLU)
    funcs = (keras.activations.relu, keras.activations.leaky_relu, keras.activations.relu6)
    result = {}
    h = x
    for layer in model.layers:
        h = layer(h, training=False)
        act = getattr(layer, "activation", None)
        if isinstance(layer, kinds) or isinstance(act, kinds) or act in funcs:
            result[layer.name] = dead_unit_fraction(np.asarray(h))
    return result


def is_constant_network(model, x, tol=1e-12):
    out = np.asarray(model(x, training=False))
    return bool(np.all(np.ptp(out, axis=0) <= tol))


explain_slope_and_remedies = """
The gradient with slope 0.01 is about 1e-8, which is smaller than Adam's epsilon, so the
update is tiny. Remedies: slope 0.3 (no more sparsity), PReLU (more parameters).
"""
