"""course.results: reading a results file, grouping runs, plotting them; assignment 3's
per-epoch record."""

import csv

import matplotlib
import numpy as np
import pytest

from course import cnn, plots, results
from course.results import by_setting, plot_runs, read_epochs, read_runs, setting_name
from grader.paths import REPO

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HEADER = ("activation,slope,recipe,seed,epochs,n_train,val_accuracy,test_accuracy,test_loss,"
          "wall_time_s,tensorflow,keras,numpy,python\n")


def write(tmp_path, rows, header=HEADER):
    path = tmp_path / "grid.csv"
    path.write_text(header + "".join(f"{r}\n" for r in rows))
    return path


def row(activation, slope, seed, accuracy, recipe="article", epochs=5, validation=""):
    return (f"{activation},{slope},{recipe},{seed},{epochs},60000,{validation},{accuracy},0.03,"
            "50.0,2.21.0,3.15.1,2.4.6,3.11.7")


def test_setting_names():
    assert setting_name("relu") == setting_name("relu", "") == setting_name("relu", None) == "relu"
    assert setting_name("leaky_relu", "0.10") == setting_name("leaky_relu", 0.1) == "leaky_relu 0.1"


def test_read_runs_converts_numbers_and_keeps_the_slope_as_text(tmp_path):
    runs = read_runs(write(tmp_path, [row("leaky_relu", "0.1", 3, 0.9912)]))
    assert runs[0]["seed"] == 3 and runs[0]["test_accuracy"] == 0.9912
    assert runs[0]["slope"] == "0.1" and runs[0]["keras"] == "3.15.1"
    assert np.isnan(runs[0]["val_accuracy"])  # not recorded: the grid's runs
    runs = read_runs(write(tmp_path, [row("relu", "", 0, 0.99, validation="0.9912")]))
    assert runs[0]["val_accuracy"] == 0.9912


def test_read_runs_explains_a_missing_file_a_foreign_file_and_a_bad_line(tmp_path):
    with pytest.raises(FileNotFoundError, match="run_grid.py"):
        read_runs(tmp_path / "nothing.csv")
    with pytest.raises(ValueError, match=r"not a results file.*test_accuracy"):
        read_runs(write(tmp_path, ["1,2"], header="a,b\n"))
    with pytest.raises(ValueError, match="line 3"):
        read_runs(write(tmp_path, [row("relu", "", 0, 0.99), row("relu", "", "x", 0.99)]))


def test_by_setting_groups_one_recipe_in_file_order_sorted_by_seed(tmp_path):
    runs = read_runs(write(tmp_path, [
        row("relu", "", 1, 0.991), row("leaky_relu", "0.1", 0, 0.990), row("relu", "", 0, 0.989),
        row("leaky_relu", "0.1", 0, 0.995, recipe="improved")]))
    grouped = by_setting(runs)
    assert list(grouped) == ["relu", "leaky_relu 0.1"]
    np.testing.assert_array_equal(grouped["relu"], [0.989, 0.991])
    assert list(by_setting(runs, "improved")) == ["leaky_relu 0.1"]
    np.testing.assert_array_equal(by_setting(runs, field="seed")["relu"], [0, 1])


def test_by_setting_keeps_schedules_apart(tmp_path):
    runs = read_runs(write(tmp_path, [
        row("leaky_relu", "0.1", 0, 0.990), row("leaky_relu", "0.1", 0, 0.993, epochs=25),
        row("leaky_relu", "0.1", 1, 0.994, epochs=25)]))
    with pytest.raises(ValueError, match=r"more than one run of a seed.*\[5, 25\].*epochs="):
        by_setting(runs)
    np.testing.assert_array_equal(by_setting(runs, epochs=25)["leaky_relu 0.1"], [0.993, 0.994])
    np.testing.assert_array_equal(by_setting(runs, epochs=5)["leaky_relu 0.1"], [0.990])


def test_plot_runs_draws_every_run_and_each_mean_with_its_interval():
    values = {"relu": np.array([0.990, 0.992, 0.991]), "elu": np.array([0.989, 0.993])}
    summaries = {"relu": {"mean": 0.991, "ci_low": 0.989, "ci_high": 0.993},
                 "elu": {"mean": 0.991, "ci_low": 0.980, "ci_high": 1.002}}
    fig, ax = plt.subplots()
    plot_runs(ax, values, summaries)
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert [sorted(np.round(d.get_ydata(), 6)) for d in dots] == [[99.0, 99.1, 99.2], [98.9, 99.3]]
    assert [round(float(np.mean(d.get_xdata()))) for d in dots] == [0, 1]
    bars = ax.containers
    assert len(bars) == 2
    caps = [np.round(sorted(segment[:, 1]), 6)
            for bar in bars for segment in bar.lines[2][0].get_segments()]
    np.testing.assert_allclose(caps, [[98.9, 99.3], [98.0, 100.2]])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["relu", "elu"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "runs (one per seed)", "mean and 95% interval"]
    plt.close(fig)


def epoch_rows(network="ReLU", slope=0.0, epochs=3, seed=42):
    return [{"recipe": "article", "network": network, "slope": slope, "seed": seed,
             "epoch": e, "seconds": 20.0 * e, "loss": 1 / e, "accuracy": 0.9 + e / 100,
             "val_loss": 1.1 / e, "val_accuracy": 0.89 + e / 100, "test_loss": 1.2 / e,
             "test_accuracy": 0.88 + e / 100, "tensorflow": "2.21.0", "keras": "3.15.1"}
            for e in range(1, epochs + 1)]


def write_epochs(tmp_path, rows, fields=results.EPOCH_FIELDS):
    path = tmp_path / "article_recipe.csv"
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_read_epochs_gives_each_network_its_history_in_epoch_order(tmp_path):
    rows = epoch_rows("Leaky ReLU (0.1)", 0.1) + epoch_rows()[::-1]  # epochs out of order
    record = read_epochs(write_epochs(tmp_path, rows))
    assert list(record) == ["Leaky ReLU (0.1)", "ReLU"]
    relu = record["ReLU"]
    assert relu["epoch"].tolist() == [1, 2, 3]
    np.testing.assert_allclose(relu["val_accuracy"], [0.9, 0.91, 0.92])
    assert (relu["recipe"], relu["seed"], relu["slope"], relu["keras"]) == (
        "article", 42, 0.0, "3.15.1")
    # and it plots as a Keras History would, through its data
    fig = plots.plot_history(record)
    np.testing.assert_allclose(fig.axes[1].get_lines()[3].get_ydata(), relu["val_loss"])


def test_read_epochs_says_what_is_wrong_with_a_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="comes with the assignment"):
        read_epochs(tmp_path / "none.csv")
    with pytest.raises(ValueError, match=r"columns \['test_loss'\] are missing"):
        read_epochs(write_epochs(tmp_path, epoch_rows(),
                                 [f for f in results.EPOCH_FIELDS if f != "test_loss"]))
    with pytest.raises(ValueError, match="does not hold epochs 1 to 2"):
        read_epochs(write_epochs(tmp_path, epoch_rows()[1:]))
    with pytest.raises(ValueError, match="seed '7' differs"):
        read_epochs(write_epochs(tmp_path, epoch_rows()[:2] + epoch_rows(seed=7)[2:]))
    with pytest.raises(ValueError, match="line 3"):
        read_epochs(write_epochs(tmp_path, [epoch_rows()[0], {**epoch_rows()[1], "loss": "x"}]))


def test_a_committed_file_is_found_next_to_the_notebook_or_in_the_kit(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(results, "KIT_DATA", tmp_path / "kit_data")
    with pytest.raises(FileNotFoundError, match="install the course's student kit"):
        results.committed_article_recipe()
    kit_copy = tmp_path / "kit_data" / "03-keras-cnn" / results.ARTICLE_RECIPE
    kit_copy.parent.mkdir(parents=True)
    kit_copy.write_text("kit")
    assert results.committed_article_recipe() == kit_copy
    results.ARTICLE_RECIPE.parent.mkdir()
    results.ARTICLE_RECIPE.write_text("here")
    assert results.committed_article_recipe() == results.ARTICLE_RECIPE


def test_the_recorded_article_run_is_complete():
    """Assignment 3's record (section 5.1): both networks of the article, its recipe, one
    seed, every epoch of 25, test set evaluated after each."""
    record = read_epochs(REPO / "solutions" / "03-keras-cnn" / results.ARTICLE_RECIPE)
    assert list(record) == list(cnn.ARTICLE_RESULTS)
    for name, run in record.items():
        assert run["recipe"] == "article" and run["slope"] == (0.1 if "Leaky" in name else 0.0)
        assert run["epoch"].tolist() == list(range(1, cnn.ARTICLE_TRAINING["epochs"] + 1))
        assert np.all(np.diff(run["seconds"]) > 0)
        assert np.all((run["test_accuracy"] > 0.95) & (run["test_accuracy"] < 1))
    assert len({run["seed"] for run in record.values()}) == 1
