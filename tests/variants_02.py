"""Student answers for assignment 2 that the autograder must grade right.

WRONG[function][name] is a plausible mistake in one graded function (the rest of the
notebook is the reference): it must lose points in that function's test cells.
CORRECT[name] is a whole notebook written in another correct style: full marks.
Each snippet is what a student would type into the solution cell (np, tf, keras and the
student's own dead_unit_fraction come from the notebook).
"""

from textwrap import dedent

ASSIGNMENT = "02-dying-relu"


def _src(text: str) -> str:
    return dedent(text).strip("\n")


WRONG = {
    "dead_unit_fraction": {
        "any_sample": _src("""
            def dead_unit_fraction(activations, tol=0.0):
                a = np.asarray(activations, dtype=float)
                if a.shape[0] == 0:
                    raise ValueError("no samples")
                a = a.reshape(-1, a.shape[-1])
                return float(np.mean(np.any(a <= tol, axis=0)))
        """),
        "strict_less_than": _src("""
            def dead_unit_fraction(activations, tol=0.0):
                a = np.asarray(activations, dtype=float)
                if a.shape[0] == 0:
                    raise ValueError("no samples")
                a = a.reshape(-1, a.shape[-1])
                return float(np.mean(np.all(a < tol, axis=0)))
        """),
        "exact_zeros_only": _src("""
            def dead_unit_fraction(activations, tol=0.0):
                a = np.asarray(activations, dtype=float)
                if a.shape[0] == 0:
                    raise ValueError("no samples")
                a = a.reshape(-1, a.shape[-1])
                return float(np.mean(np.all(a == 0, axis=0)))
        """),
        "sparsity_not_dead_units": _src("""
            def dead_unit_fraction(activations, tol=0.0):
                a = np.asarray(activations, dtype=float)
                if a.shape[0] == 0:
                    raise ValueError("no samples")
                return float(np.mean(a <= tol))
        """),
        "unit_per_position": _src("""
            def dead_unit_fraction(activations, tol=0.0):
                a = np.asarray(activations, dtype=float)
                if a.shape[0] == 0:
                    raise ValueError("no samples")
                return float(np.mean(np.all(a <= tol, axis=0)))
        """),
        "no_empty_check": _src("""
            def dead_unit_fraction(activations, tol=0.0):
                a = np.asarray(activations, dtype=float)
                a = a.reshape(-1, a.shape[-1])
                return float(np.mean(np.all(a <= tol, axis=0)))
        """),
        "numpy_float": _src("""
            def dead_unit_fraction(activations, tol=0.0):
                a = np.asarray(activations, dtype=float)
                if a.shape[0] == 0:
                    raise ValueError("no samples")
                a = a.reshape(-1, a.shape[-1])
                return np.mean(np.all(a <= tol, axis=0))
        """),
        "clips_negatives": _src("""
            def dead_unit_fraction(activations, tol=0.0):
                a = np.asarray(activations, dtype=float)
                if a.shape[0] == 0:
                    raise ValueError("no samples")
                a = np.maximum(a.reshape(-1, a.shape[-1]), 0.0)
                return float(np.mean(np.all(a <= tol, axis=0)))
        """),
    },
    "dead_units_per_layer": {
        "activation_argument_only": _src("""
            def dead_units_per_layer(model, x):
                relus = (keras.activations.relu, keras.activations.leaky_relu,
                         keras.activations.relu6)
                chosen = [l for l in model.layers if getattr(l, "activation", None) in relus]
                if not chosen:
                    return {}
                probe = keras.Model(model.inputs[0], {l.name: l.output for l in chosen})
                outs = probe(x, training=False)
                return {l.name: dead_unit_fraction(np.asarray(outs[l.name])) for l in chosen}
        """),
        "plain_relu_only": _src("""
            def dead_units_per_layer(model, x):
                def is_relu(layer):
                    return (isinstance(layer, keras.layers.ReLU)
                            or getattr(layer, "activation", None) is keras.activations.relu)
                chosen = [l for l in model.layers if is_relu(l)]
                if not chosen:
                    return {}
                probe = keras.Model(model.inputs[0], {l.name: l.output for l in chosen})
                outs = probe(x, training=False)
                return {l.name: dead_unit_fraction(np.asarray(outs[l.name])) for l in chosen}
        """),
        "training_mode": _src("""
            def dead_units_per_layer(model, x):
                kinds = (keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.PReLU)
                funcs = (keras.activations.relu, keras.activations.leaky_relu,
                         keras.activations.relu6)
                def family(layer):
                    act = getattr(layer, "activation", None)
                    return isinstance(layer, kinds) or isinstance(act, kinds) or act in funcs
                chosen = [l for l in model.layers if family(l)]
                if not chosen:
                    return {}
                probe = keras.Model(model.inputs[0], {l.name: l.output for l in chosen})
                outs = probe(x, training=True)
                return {l.name: dead_unit_fraction(np.asarray(outs[l.name])) for l in chosen}
        """),
        "measures_layer_input": _src("""
            def dead_units_per_layer(model, x):
                kinds = (keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.PReLU)
                funcs = (keras.activations.relu, keras.activations.leaky_relu,
                         keras.activations.relu6)
                def family(layer):
                    act = getattr(layer, "activation", None)
                    return isinstance(layer, kinds) or isinstance(act, kinds) or act in funcs
                chosen = [l for l in model.layers if family(l)]
                if not chosen:
                    return {}
                probe = keras.Model(model.inputs[0], {l.name: l.input for l in chosen})
                outs = probe(x, training=False)
                return {l.name: dead_unit_fraction(np.asarray(outs[l.name])) for l in chosen}
        """),
        "elu_substring": _src("""
            def dead_units_per_layer(model, x):
                def family(layer):
                    kind = type(layer).__name__.lower()
                    if "re_lu" in kind or "relu" in kind:
                        return True
                    act = getattr(layer, "activation", None)
                    name = getattr(act, "__name__", type(act).__name__).lower()
                    return "elu" in name or "re_lu" in name or "relu" in name
                chosen = [l for l in model.layers if family(l)]
                if not chosen:
                    return {}
                probe = keras.Model(model.inputs[0], {l.name: l.output for l in chosen})
                outs = probe(x, training=False)
                return {l.name: dead_unit_fraction(np.asarray(outs[l.name])) for l in chosen}
        """),
        "loop_includes_input_layer": _src("""
            def dead_units_per_layer(model, x):
                kinds = (keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.PReLU)
                funcs = (keras.activations.relu, keras.activations.leaky_relu,
                         keras.activations.relu6)
                result = {}
                h = x
                for layer in model.layers:
                    h = layer(h, training=False)
                    act = getattr(layer, "activation", None)
                    if isinstance(layer, kinds) or isinstance(act, kinds) or act in funcs:
                        result[layer.name] = dead_unit_fraction(np.asarray(h))
                return result
        """),
        "list_of_one_output": _src("""
            def dead_units_per_layer(model, x):
                kinds = (keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.PReLU)
                funcs = (keras.activations.relu, keras.activations.leaky_relu,
                         keras.activations.relu6)
                def family(layer):
                    act = getattr(layer, "activation", None)
                    return isinstance(layer, kinds) or isinstance(act, kinds) or act in funcs
                chosen = [l for l in model.layers if family(l)]
                if not chosen:
                    return {}
                probe = keras.Model(model.inputs[0], [l.output for l in chosen])
                outs = probe(x, training=False)
                return {l.name: dead_unit_fraction(np.asarray(o)) for l, o in zip(chosen, outs)}
        """),
        "leaky_object_only": _src("""
            def dead_units_per_layer(model, x):
                kinds = (keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.PReLU)
                funcs = (keras.activations.relu, keras.activations.leaky_relu,
                         keras.activations.relu6)
                def family(layer):
                    act = getattr(layer, "activation", None)
                    return (isinstance(layer, kinds) or isinstance(act, keras.layers.LeakyReLU)
                            or act in funcs)
                chosen = [l for l in model.layers if family(l)]
                if not chosen:
                    return {}
                probe = keras.Model(model.inputs[0], {l.name: l.output for l in chosen})
                outs = probe(x, training=False)
                return {l.name: dead_unit_fraction(np.asarray(outs[l.name])) for l in chosen}
        """),
        "numpy_float_values": _src("""
            def dead_units_per_layer(model, x):
                kinds = (keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.PReLU)
                funcs = (keras.activations.relu, keras.activations.leaky_relu,
                         keras.activations.relu6)
                def family(layer):
                    act = getattr(layer, "activation", None)
                    return isinstance(layer, kinds) or isinstance(act, kinds) or act in funcs
                chosen = [l for l in model.layers if family(l)]
                if not chosen:
                    return {}
                probe = keras.Model(model.inputs[0], {l.name: l.output for l in chosen})
                outs = probe(x, training=False)
                result = {}
                for l in chosen:
                    a = np.asarray(outs[l.name])
                    result[l.name] = np.mean(np.all(a.reshape(-1, a.shape[-1]) <= 0, axis=0))
                return result
        """),
    },
    "is_constant_network": {
        "zero_output": _src("""
            def is_constant_network(model, x, tol=1e-12):
                out = np.asarray(model(x, training=False))
                return bool(np.all(np.abs(out) <= tol))
        """),
        "exact_equality": _src("""
            def is_constant_network(model, x, tol=1e-12):
                out = np.asarray(model(x, training=False))
                return bool(np.all(out == out[0]))
        """),
        "allclose_defaults": _src("""
            def is_constant_network(model, x, tol=1e-12):
                out = np.asarray(model(x, training=False))
                return bool(np.allclose(out, out[0]))
        """),
        "first_output_only": _src("""
            def is_constant_network(model, x, tol=1e-12):
                out = np.asarray(model(x, training=False))
                column = out[:, 0]
                return bool(column.max() - column.min() <= tol)
        """),
        "dead_hidden_layer": _src("""
            def is_constant_network(model, x, tol=1e-12):
                h = np.asarray(x, dtype="float32")
                for layer in model.layers[:-1]:
                    h = np.asarray(layer(h, training=False))
                    if np.all(h == 0):
                        return True
                return False
        """),
        "spread_over_everything": _src("""
            def is_constant_network(model, x, tol=1e-12):
                out = np.asarray(model(x, training=False))
                return bool(np.ptp(out) <= tol)
        """),
        "training_mode": _src("""
            def is_constant_network(model, x, tol=1e-12):
                out = np.asarray(model(x, training=True))
                out = out.reshape(out.shape[0], -1)
                return bool(np.all(out.max(axis=0) - out.min(axis=0) <= tol))
        """),
        "std_within_tol": _src("""
            def is_constant_network(model, x, tol=1e-12):
                out = np.asarray(model(x, training=False))
                return bool(np.all(out.std(axis=0) <= tol))
        """),
        "distance_from_mean": _src("""
            def is_constant_network(model, x, tol=1e-12):
                out = np.asarray(model(x, training=False))
                return bool(np.all(np.abs(out - out.mean(axis=0)) <= tol))
        """),
        "strict_spread": _src("""
            def is_constant_network(model, x, tol=1e-12):
                out = np.asarray(model(x, training=False))
                return bool(np.all(out.max(axis=0) - out.min(axis=0) < tol))
        """),
    },
}

CORRECT = {
    "predict_and_names": {
        "dead_unit_fraction": _src("""
            def dead_unit_fraction(activations, tol=0.0):
                acts = np.asarray(activations)
                if acts.shape[0] == 0:
                    raise ValueError("cannot tell dead units from an empty batch")
                by_unit = np.moveaxis(acts, -1, 0)  # units first
                dead = 0
                for unit in by_unit:
                    if np.all(unit <= tol):
                        dead += 1
                return dead / by_unit.shape[0]
        """),
        "dead_units_per_layer": _src("""
            def dead_units_per_layer(model, x):
                names = {"relu", "leaky_relu", "relu6"}
                kinds = (keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.PReLU)
                chosen = []
                for layer in model.layers:
                    act = getattr(layer, "activation", None)
                    if (isinstance(layer, kinds) or isinstance(act, kinds)
                            or getattr(act, "__name__", None) in names):
                        chosen.append(layer)
                if not chosen:
                    return {}
                probe = keras.Model(model.inputs, [layer.output for layer in chosen])
                outs = probe.predict(x, verbose=0)
                if len(chosen) == 1:
                    outs = [outs]
                return {layer.name: dead_unit_fraction(out) for layer, out in zip(chosen, outs)}
        """),
        "is_constant_network": _src("""
            def is_constant_network(model, x, tol=1e-12):
                out = model.predict(x, verbose=0)
                return bool(np.max(np.abs(out - out[0])) <= tol)
        """),
    },
    "layer_loop": {
        "dead_unit_fraction": _src("""
            def dead_unit_fraction(activations, tol=0.0):
                a = np.array(activations, dtype=float)
                if len(a) == 0:
                    raise ValueError(f"empty batch: activations have shape {a.shape}")
                peak = a.max(axis=tuple(range(a.ndim - 1)))  # largest value of each unit
                return float((peak <= tol).sum() / peak.size)
        """),
        "dead_units_per_layer": _src("""
            def dead_units_per_layer(model, x):
                family_layers = (keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.PReLU)
                family_functions = [keras.activations.get(name)
                                    for name in ("relu", "leaky_relu", "relu6")]
                result = {}
                h = x
                for layer in model.layers:
                    if isinstance(layer, keras.layers.InputLayer):
                        continue
                    h = layer(h, training=False)
                    act = getattr(layer, "activation", None)
                    if (isinstance(layer, family_layers) or isinstance(act, family_layers)
                            or any(act is f for f in family_functions)):
                        result[layer.name] = dead_unit_fraction(keras.ops.convert_to_numpy(h))
                return result
        """),
        "is_constant_network": _src("""
            def is_constant_network(model, x, tol=1e-12):
                out = np.asarray(model(x, training=False))
                return np.all(np.ptp(out, axis=0) <= tol)
        """),
    },
    "tensor_ops": {
        "dead_unit_fraction": _src("""
            def dead_unit_fraction(activations, tol=0.0):
                t = tf.convert_to_tensor(np.asarray(activations, dtype="float64"))
                if t.shape[0] == 0:
                    raise ValueError("dead_unit_fraction needs at least one sample")
                axes = list(range(len(t.shape) - 1))
                dead = tf.reduce_all(t <= tol, axis=axes)
                return float(tf.reduce_mean(tf.cast(dead, tf.float64)))
        """),
        "dead_units_per_layer": _src("""
            def dead_units_per_layer(model, x):
                def in_family(layer):
                    if type(layer).__name__ in ("ReLU", "LeakyReLU", "PReLU"):
                        return True
                    act = getattr(layer, "activation", None)
                    if type(act).__name__ in ("ReLU", "LeakyReLU", "PReLU"):
                        return True
                    return act in (keras.activations.relu, keras.activations.leaky_relu,
                                   keras.activations.relu6)
                chosen = [layer for layer in model.layers if in_family(layer)]
                if not chosen:
                    return {}
                probe = keras.Model(model.inputs[0], {l.name: l.output for l in chosen})
                outs = probe(tf.convert_to_tensor(x), training=False)
                return {l.name: dead_unit_fraction(outs[l.name].numpy()) for l in chosen}
        """),
        "is_constant_network": _src("""
            def is_constant_network(model, x, tol=1e-12):
                out = keras.ops.convert_to_numpy(model(x, training=False))
                return np.allclose(out, out[:1], rtol=0.0, atol=tol)
        """),
    },
}


# What each sample student (grader/sample_class/02-dying-relu/*.py) gets wrong, per its
# docstring: the grade table of `make course` shows exactly these losses.
SAMPLE_MISTAKES = {
    "sample-ada": set(),
    "sample-ben": {"dead_units_per_layer", "is_constant_network"},
    "sample-chloe": {"dead_unit_fraction", "dead_units_per_layer", "is_constant_network"},
    "sample-dev": {"dead_unit_fraction", "dead_units_per_layer"},
}
# dead_units_per_layer reports dead_unit_fraction of each layer (as the notebook asks),
# so a bug in dead_unit_fraction may also cost points there; is_constant_network stands alone.
DEPENDS_ON = {"dead_units_per_layer": {"dead_unit_fraction"}}
# The written answer, graded by hand: its grade id and points.
WRITTEN_ANSWER = ("explain_slope_and_remedies", 4)


# Each mistake that the notebook teaches about (section 2's definition of a dead unit,
# section 3's ReLU family, probe models, InputLayer and inference mode, section 6's
# "constant is not zero"): the planted first attempt that makes it (in WRONG), and words
# the failing visible test's message must contain (tests/test_visible_tests.py).
TAUGHT = {
    "dead on some sample instead of every sample":
        ("dead_unit_fraction", "any_sample", "fires on even ONE sample is alive"),
    "sparsity (zero entries) counted as dead units":
        ("dead_unit_fraction", "sparsity_not_dead_units", "not zero entries"),
    "an activation equal to tol not counted as off":
        ("dead_unit_fraction", "strict_less_than", "not < tol"),
    "only exact zeros count as off (Leaky ReLU outputs are negative)":
        ("dead_unit_fraction", "exact_zeros_only", "not only when it equals 0"),
    "each position of a convolution counted as a unit":
        ("dead_unit_fraction", "unit_per_position", "a unit is a channel"),
    "no ValueError for an empty batch":
        ("dead_unit_fraction", "no_empty_check", "nothing to judge"),
    "Leaky ReLU and PReLU left out of the family":
        ("dead_units_per_layer", "plain_relu_only", "LeakyReLU or PReLU layer object"),
    "separate activation layers left out":
        ("dead_units_per_layer", "activation_argument_only", "AND separate ReLU layers"),
    "ELU counted in the family": ("dead_units_per_layer", "elu_substring", "ELU, GELU"),
    "measured in training mode": ("dead_units_per_layer", "training_mode", "inference mode"),
    "the layer's input measured, not its output":
        ("dead_units_per_layer", "measures_layer_input", "OUTPUT"),
    "a functional model's InputLayer called":
        ("dead_units_per_layer", "loop_includes_input_layer", "starts with its InputLayer"),
    "a probe with a list of one output taken for a list":
        ("dead_units_per_layer", "list_of_one_output", "list of ONE output"),
    "constant taken as zero": ("is_constant_network", "zero_output", "not with 0"),
    "np.allclose instead of tol":
        ("is_constant_network", "allclose_defaults", "np.allclose with its default"),
    "exact equality instead of tol": ("is_constant_network", "exact_equality", "use the tol"),
    "only the first output entry checked":
        ("is_constant_network", "first_output_only", "every output entry"),
    "all output numbers compared with each other":
        ("is_constant_network", "spread_over_everything", "entry by entry over the rows"),
    "constant taken as a dead hidden layer":
        ("is_constant_network", "dead_hidden_layer", "whatever the cause"),
}
