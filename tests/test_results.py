"""course.results: reading a results file, grouping runs, plotting them."""

import matplotlib
import numpy as np
import pytest

from course.results import by_setting, plot_runs, read_runs, setting_name

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HEADER = ("activation,slope,recipe,seed,epochs,n_train,test_accuracy,test_loss,wall_time_s,"
          "tensorflow,keras,numpy,python\n")


def write(tmp_path, rows, header=HEADER):
    path = tmp_path / "grid.csv"
    path.write_text(header + "".join(f"{r}\n" for r in rows))
    return path


def row(activation, slope, seed, accuracy, recipe="article"):
    return (f"{activation},{slope},{recipe},{seed},5,60000,{accuracy},0.03,50.0,"
            "2.21.0,3.15.1,2.4.6,3.11.7")


def test_setting_names():
    assert setting_name("relu") == setting_name("relu", "") == setting_name("relu", None) == "relu"
    assert setting_name("leaky_relu", "0.10") == setting_name("leaky_relu", 0.1) == "leaky_relu 0.1"


def test_read_runs_converts_numbers_and_keeps_the_slope_as_text(tmp_path):
    runs = read_runs(write(tmp_path, [row("leaky_relu", "0.1", 3, 0.9912)]))
    assert runs[0]["seed"] == 3 and runs[0]["test_accuracy"] == 0.9912
    assert runs[0]["slope"] == "0.1" and runs[0]["keras"] == "3.15.1"


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
