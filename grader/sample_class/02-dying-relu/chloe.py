"""Sample student chloe: a dead unit "outputs exactly zero".

dead_unit_fraction tests `== 0`, so Leaky ReLU units (negative outputs) never count as
dead and tol is ignored; dead_units_per_layer is written right but inherits that.
is_constant_network asks for exact equality and ignores tol.
"""


def dead_unit_fraction(activations, tol=0.0):
    a = np.asarray(activations, dtype=float)
    if a.shape[0] == 0:
        raise ValueError("empty batch")
    a = a.reshape(-1, a.shape[-1])
    return float(np.mean(np.all(a == 0, axis=0)))


def dead_units_per_layer(model, x):
    kinds = (keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.PReLU)
    funcs = (keras.activations.relu, keras.activations.leaky_relu, keras.activations.relu6)
    chosen = [layer for layer in model.layers
              if isinstance(layer, kinds) or isinstance(getattr(layer, "activation", None), kinds)
              or getattr(layer, "activation", None) in funcs]
    if not chosen:
        return {}
    probe = keras.Model(model.inputs[0], {layer.name: layer.output for layer in chosen})
    outs = probe.predict(x, verbose=0)
    return {name: dead_unit_fraction(out) for name, out in outs.items()}


def is_constant_network(model, x, tol=1e-12):
    out = model.predict(x, verbose=0)
    return bool((out == out[0]).all())


explain_slope_and_remedies = """
With slope 0.01 the gradient is multiplied by 0.01 in every dead layer, so it becomes
tiny and the network learns extremely slowly. PReLU learns the slope, which costs extra
parameters. Bias 0 instead of -1 also works.
"""
