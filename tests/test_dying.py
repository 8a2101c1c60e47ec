"""course.dying: the data, the network, the gradients and the born-dead Monte Carlo of
assignment 2, and the experiment's conclusion over several seeds."""

import math
import time

import numpy as np
import pytest

import course
from course import dying

tf = course.import_tensorflow()
import keras  # noqa: E402  (after the quiet TensorFlow import)


def dead_fractions(model, x):
    """Dead fraction of each act_i layer's output: <= 0 on every sample (this test's own
    count, independent of the course package and of the notebook's graded functions)."""
    acts = [layer for layer in model.layers if layer.name.startswith("act_")]
    probe = keras.Model(model.inputs[0], {layer.name: layer.output for layer in acts})
    outputs = probe(x, training=False)
    return [float(np.mean(np.all(np.asarray(outputs[layer.name]) <= 0, axis=0)))
            for layer in acts]


def test_make_data_is_balanced_seeded_and_labelled_by_the_sign_of_x0_x1():
    X, y = dying.make_data(2000, seed=3)
    assert X.shape == (2000, 20) and y.shape == (2000,)
    assert X.dtype == np.float32 and y.dtype == np.float32
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype("float32"))
    assert 0.45 < y.mean() < 0.55
    X2, y2 = dying.make_data(2000, seed=3)
    np.testing.assert_array_equal(X, X2)
    assert not np.array_equal(X, dying.make_data(2000, seed=4)[0])
    with pytest.raises(ValueError):
        dying.make_data(10, n_features=1)


@pytest.mark.parametrize(("activation", "kind", "slope"), [
    ("relu", keras.layers.ReLU, None), (0.0, keras.layers.ReLU, None),
    (0.3, keras.layers.LeakyReLU, 0.3), (0.01, keras.layers.LeakyReLU, 0.01),
    ("prelu", keras.layers.PReLU, None),
])
def test_build_mlp_has_the_recipes_layers(activation, kind, slope):
    model = dying.build_mlp(activation)
    names = [layer.name for layer in model.layers]
    assert names == ["dense_1", "act_1", "dense_2", "act_2", "dense_3", "act_3",
                     "dense_4", "act_4", "output"]
    for i in range(1, 5):
        dense = model.get_layer(f"dense_{i}")
        assert dense.units == 64 and dense.activation is keras.activations.linear
        np.testing.assert_array_equal(dense.bias.numpy(), -np.ones(64))
        assert isinstance(model.get_layer(f"act_{i}"), kind)
        if slope is not None:
            assert model.get_layer(f"act_{i}").negative_slope == pytest.approx(slope)
    assert model.get_layer("output").activation is keras.activations.sigmoid
    assert model.inputs[0].shape == (None, 20)


def test_prelu_starts_at_the_papers_slope():
    model = dying.build_mlp("prelu")
    np.testing.assert_allclose(model.get_layer("act_1").alpha.numpy(), 0.25)


@pytest.mark.parametrize("bad", [-0.1, float("nan"), "gelu"])
def test_activation_layer_rejects_what_it_cannot_build(bad):
    with pytest.raises(ValueError):
        dying.activation_layer(bad)


def test_activation_labels():
    assert dying.activation_label("relu") == "ReLU"
    assert dying.activation_label(0.0) == "ReLU"
    assert dying.activation_label(0.3) == "Leaky ReLU (0.3)"
    assert dying.activation_label("prelu") == "PReLU"


def test_relu_gradients_are_exactly_zero_at_initialisation_and_leaky_ones_are_not():
    X, y = dying.make_data(1000, seed=0)
    keras.utils.set_random_seed(0)
    relu = dying.gradient_norms(dying.build_mlp("relu"), X, y)
    keras.utils.set_random_seed(0)
    leaky = dying.gradient_norms(dying.build_mlp(0.3), X, y)
    assert list(relu) == ["dense_1", "dense_2", "dense_3", "dense_4", "output"]
    assert all(value == 0.0 for value in relu.values()), relu
    assert all(value > 1e-5 for value in leaky.values()), leaky


def test_run_keeps_an_untrained_copy_with_the_same_starting_weights():
    result = dying.run(0.3, seed=1, n_samples=256, epochs=1)
    keras.utils.set_random_seed(1)
    fresh = dying.build_mlp(0.3)
    for a, b in zip(result["initial"].get_weights(), fresh.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert len(result["history"]["loss"]) == 1
    assert 0.0 <= result["accuracy"] <= 1.0 and result["loss"] > 0
    assert result["label"] == "Leaky ReLU (0.3)"


def test_several_steps_per_call_train_exactly_as_one_step_per_call(monkeypatch):
    # 300 samples in batches of 64: 5 steps an epoch, the last one short
    runs = []
    for steps in (dying.STEPS_PER_CALL, 1):
        monkeypatch.setattr(dying, "STEPS_PER_CALL", steps)
        run = dying.run(0.1, seed=2, n_samples=300, epochs=2)
        runs.append((run["history"], [w.tolist() for w in run["model"].get_weights()]))
    assert runs[0] == runs[1]


def test_born_dead_probability_grows_with_depth_and_shrinks_with_width():
    start = time.perf_counter()
    widths, depths = [2, 3, 5, 10], [1, 2, 5, 10, 30]
    p = dying.born_dead_probability(widths, depths, trials=1000, seed=0)
    assert time.perf_counter() - start < 5.0, "the Monte Carlo must run in seconds"
    assert p.shape == (4, 5)
    assert np.all(p[:, 0] == 0.0)  # one hidden layer on inputs of both signs never dies
    assert np.all(np.diff(p, axis=1) >= 0)  # deeper: never less likely (same trials)
    assert np.all(p[:-1, -1] > p[1:, -1])   # wider: less likely, at depth 30
    assert p[0, 3] > 0.8 and p[-1, 3] < 0.02  # width 2 vs 10 at depth 10
    np.testing.assert_array_equal(p, dying.born_dead_probability(widths, depths,
                                                                 trials=1000, seed=0))


def test_born_dead_probability_stays_below_the_exact_one_ray_bound():
    p = dying.born_dead_probability([2, 4], [3, 10], trials=4000, seed=1)
    for i, width in enumerate([2, 4]):
        for j, depth in enumerate([3, 10]):
            bound = dying.dead_on_a_ray_probability(width, depth)
            assert p[i, j] <= bound + 3 * math.sqrt(bound * (1 - bound) / 4000) + 1e-9
    assert dying.dead_on_a_ray_probability(2, 1) == pytest.approx(0.25)


def test_keras_networks_match_the_numpy_simulation():
    x = np.linspace(-math.sqrt(3), math.sqrt(3), 100).reshape(-1, 1).astype("float32")
    net = dying.random_relu_network(2, 10)
    rng = np.random.default_rng(0)
    constant = []
    for _ in range(150):
        out = np.asarray(dying.set_random_weights(net, rng)(x))
        constant.append(np.ptp(out) == 0)
    keras_estimate = np.mean(constant)
    numpy_estimate = dying.born_dead_probability([2], [10], trials=2000, seed=0)[0, 0]
    assert abs(keras_estimate - numpy_estimate) < 0.1
    weights = net.layers[0].kernel.numpy()
    assert weights.shape == (1, 2) and np.all(net.layers[0].bias.numpy() == 0)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(5))
def test_relu_stays_stuck_and_leaky_relu_trains_on_every_seed(seed):
    """The notebook's conclusion, with the full recipe: 4000 samples, 10 epochs."""
    relu = dying.run("relu", seed=seed)
    leaky = dying.run(0.3, seed=seed)
    assert relu["loss"] > math.log(2) - 0.01, f"ReLU escaped on seed {seed}: {relu['loss']}"
    assert relu["accuracy"] < 0.55
    relu_dead = dead_fractions(relu["model"], relu["X"])
    assert relu_dead[2:] == [1.0, 1.0], relu_dead   # layers 3 and 4 dead, for good
    assert leaky["loss"] < 0.25 and leaky["accuracy"] > 0.9, (seed, leaky["loss"])
    assert dead_fractions(leaky["initial"], leaky["X"])[3] > 0.9  # it started as dead...
    assert max(dead_fractions(leaky["model"], leaky["X"])) < 0.15  # ...and came back
