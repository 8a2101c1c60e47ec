"""course.cnn (the one description of assignment 3's network), course.plots, and the
benchmark's re-implementation of the article: they must agree with each other."""

import importlib.util

import matplotlib
import numpy as np
import pytest

import course
from course import cnn, plots
from grader.paths import source_notebook
from grader.submissions import reference_answers

matplotlib.use("Agg")
tf = course.import_tensorflow()
import keras  # noqa: E402

BENCHMARK = cnn.__file__.rsplit("/course/", 1)[0] + "/benchmarks/cnn_epoch.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("cnn_epoch", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference_build_cnn():
    namespace = {"np": np, "tf": tf, "keras": keras, "VERBOSE": 0}
    exec(reference_answers(source_notebook("03-keras-cnn"))["build_cnn"], namespace)
    return namespace["build_cnn"]


def test_the_specification_adds_up_to_the_articles_parameter_count():
    layers = cnn.article_layers()
    assert [kind for kind, _ in layers] == [
        "Conv2D", "LeakyReLU", "MaxPooling2D", "Dropout", "Conv2D", "LeakyReLU",
        "MaxPooling2D", "Dropout", "Flatten", "Dense", "LeakyReLU", "Dense"]
    conv1 = 3 * 3 * 1 * 32 + 32
    conv2 = 3 * 3 * 32 * 64 + 64
    flat = 5 * 5 * 64  # 28 -> 26 -> 13 -> 11 -> 5
    assert conv1 + conv2 + (flat * 256 + 256) + (256 * 10 + 10) == cnn.ARTICLE_PARAMS == 431_242


def test_the_benchmarks_article_model_matches_the_specification():
    bench = load_benchmark()
    model = bench.article_model(0.1)
    cnn.expect_layers(model, cnn.article_layers(0.1), call="article_model(0.1)")
    cnn.expect_input_and_params(model, call="article_model(0.1)")


@pytest.mark.parametrize("slope", [0.1, 0.0, 0.3])
def test_the_reference_solution_matches_the_specification(slope):
    model = reference_build_cnn()(negative_slope=slope)
    cnn.expect_layers(model, cnn.article_layers(slope), call="build_cnn")
    cnn.expect_input_and_params(model, call="build_cnn")
    assert model.jit_compile is False  # the specification asks for XLA off


def test_a_wrong_slope_is_named_with_its_layer_and_a_hint():
    model = reference_build_cnn()(negative_slope=0.3)
    with pytest.raises(AssertionError) as err:
        cnn.expect_layers(model, cnn.article_layers(0.1), call="build_cnn(0.1)")
    text = " ".join(str(err.value).split())  # read as one line: long lines are wrapped
    assert "layer 1 (LeakyReLU) has negative_slope=0.3, expected 0.1" in text
    assert "Hint:" in text and "Expected:" in text


def test_a_separate_softmax_layer_counts_as_a_softmax_dense_layer():
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3),
                              keras.layers.Softmax()])
    assert cnn.layer_table(model) == [("Dense", {"units": 3, "activation": "softmax"})]
    functional_in = keras.Input(shape=(4,))
    functional = keras.Model(functional_in, keras.layers.Dense(3)(functional_in))
    assert cnn.layer_table(functional) == [("Dense", {"units": 3, "activation": "linear"})]


def test_a_model_without_input_is_reported_as_such():
    with pytest.raises(AssertionError, match="keras.Input"):
        cnn.expect_input_and_params(keras.Sequential([keras.layers.Dense(3)]), call="m")


def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    matrix = plots.confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0], num_classes=3)
    assert matrix.tolist() == [[1, 0, 0], [0, 1, 1], [1, 0, 2]]
    assert matrix.sum() == 6


def test_history_plot_draws_training_and_validation_curves():
    class FakeHistory:
        history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.6, 0.8],
                   "val_accuracy": [0.5, 0.75]}

    fig = plots.plot_history({"Leaky": FakeHistory(), "ReLU": FakeHistory()})
    acc_ax, loss_ax = fig.axes
    labels = [line.get_label() for line in loss_ax.get_lines()]
    assert labels == ["Leaky, training", "Leaky, validation", "ReLU, training",
                      "ReLU, validation"]
    np.testing.assert_allclose(loss_ax.get_lines()[1].get_ydata(), [1.1, 0.7])
    np.testing.assert_allclose(acc_ax.get_lines()[0].get_xdata(), [1, 2])


def test_misclassified_gallery_shows_the_most_confident_mistakes_first():
    images = np.zeros((4, 28, 28, 1), dtype=np.float32)
    probabilities = np.full((4, 10), 0.05)
    probabilities[1, 7], probabilities[3, 2] = 0.6, 0.9
    fig = plots.plot_misclassified(images, [0, 1, 2, 3], [0, 7, 2, 2], probabilities)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["true 3, said 2\n90% sure", "true 1, said 7\n60% sure"]
    assert plots.plot_misclassified(images, [1, 2, 3, 4], [1, 2, 3, 4]) is None


def tiny_classifier():
    model = keras.Sequential([keras.Input(shape=(4,)),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.parametrize("n_images", [1000, 1001, 1250, 60_000])
def test_steps_per_epoch_counts_the_updates_keras_makes(n_images):
    """cnn.steps_per_epoch agrees with what fit does (the article's batch size and split)."""
    if n_images == 60_000:  # too many to fit here: the count the docs give
        assert cnn.steps_per_epoch(n_images) == 192
        return
    x = np.zeros((n_images, 4), dtype="float32")
    y = np.eye(10, dtype="float32")[np.arange(n_images) % 10]
    history = tiny_classifier().fit(x, y, epochs=1, verbose=0,
                                    batch_size=cnn.ARTICLE_TRAINING["batch_size"],
                                    validation_split=cnn.ARTICLE_TRAINING["validation_split"])
    assert history.params["steps"] == cnn.steps_per_epoch(n_images)


def test_the_one_cycle_rate_rises_over_the_first_epoch_then_falls_to_zero():
    steps, epochs = 192, cnn.SHORT_RECIPE["epochs"]
    schedule = cnn.one_cycle(steps, epochs)
    rates = np.array([float(schedule(step)) for step in range(steps * epochs + 1)])
    peak = cnn.SHORT_RECIPE["peak_rate"]
    assert rates[0] == pytest.approx(peak / 10)
    assert rates.argmax() == steps and rates.max() == pytest.approx(peak)
    assert np.all(np.diff(rates[:steps + 1]) > 0) and np.all(np.diff(rates[steps:]) <= 0)
    assert rates[-1] == pytest.approx(0.0, abs=1e-12)


def test_compile_one_cycle_keeps_the_model_and_trains_it_on_the_schedule():
    keras.utils.set_random_seed(0)
    model = tiny_classifier()
    weights = [w.copy() for w in model.get_weights()]
    n, epochs = 1000, 2
    cnn.compile_one_cycle(model, n, epochs)
    assert all(np.array_equal(a, b) for a, b in zip(weights, model.get_weights(), strict=True))
    assert isinstance(model.optimizer, keras.optimizers.Adam) and model.jit_compile is False
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, n)]
    history = model.fit(x, y, epochs=epochs, verbose=0, batch_size=250, validation_split=0.2)
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert int(model.optimizer.iterations) == cnn.steps_per_epoch(n) * epochs
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0, abs=1e-12)  # at the end
    assert cnn.network_name(0.0) == "ReLU" and cnn.network_name(0.1) == "Leaky ReLU (0.1)"
