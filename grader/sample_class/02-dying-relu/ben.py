"""Sample student ben: counts dead units right, but finds only half of the ReLU layers.

dead_unit_fraction is right. dead_units_per_layer only looks at the `activation=`
argument, so separate ReLU / LeakyReLU / PReLU layers are missed. is_constant_network
believes a dead network outputs zero, so a dead network with an output bias looks alive.
"""


def dead_unit_fraction(activations, tol=0.0):
    acts = np.asarray(activations, dtype=float)
    if len(acts) == 0:
        raise ValueError("activations is empty")
    acts = acts.reshape(-1, acts.shape[-1])
    return float(np.mean(np.all(acts <= tol, axis=0)))


def dead_units_per_layer(model, x):
    result = {}
    for layer in model.layers:
        act = getattr(layer, "activation", None)
        if act in (keras.activations.relu, keras.activations.leaky_relu):
            probe = keras.Model(model.inputs[0], layer.output)
            result[layer.name] = dead_unit_fraction(np.asarray(probe(x)))
    return result


def is_constant_network(model, x, tol=1e-12):
    out = model.predict(x, verbose=0)
    return bool(np.all(np.abs(out) <= tol))


explain_slope_and_remedies = """
Slope 0.01 is too small so the units are dead like with ReLU. Use a bigger slope or a
lower learning rate.
"""
