"""Assignment 4's experiment: the provided network, the grid script, the committed results
and the instructor's stated conclusions (the model answer of the hand-graded cell, which
students see with their feedback), which must agree with those results."""

import csv
import importlib.util
import re

import nbformat
import numpy as np
import pytest
from scipy import stats

import course
from course import cnn
from course.results import RUN_FIELDS, by_setting, read_runs
from grader import cells
from grader.paths import RELEASE, SOLUTIONS, notebook_name, source_notebook

tf = course.import_tensorflow()
import keras  # noqa: E402

ASSIGNMENT = "04-relu-vs-leaky"
FOLDER = SOLUTIONS / ASSIGNMENT
RESULTS = FOLDER / "results" / "grid.csv"
LONG_RUNS = FOLDER / "results" / "recipes.csv"
SETTINGS = ["relu", "leaky_relu 0.01", "leaky_relu 0.1", "leaky_relu 0.3", "prelu", "elu"]


def load_script():
    spec = importlib.util.spec_from_file_location("run_grid", FOLDER / "run_grid.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def provided():
    return load_script().provided_code()


def cell(grade_id: str):
    for found in nbformat.read(source_notebook(ASSIGNMENT), as_version=4).cells:
        if cells.grade_id(found) == grade_id:
            return found
    raise AssertionError(f"no cell {grade_id!r} in {ASSIGNMENT}")


# --- the provided network is assignment 3's, with the activation swapped ----------------
@pytest.mark.parametrize("slope", [0.01, 0.1, 0.3])
def test_provided_leaky_network_is_the_article_network(provided, slope):
    model = provided["build_model"]("leaky_relu", slope)
    cnn.expect_layers(model, cnn.article_layers(slope), call=f"build_model('leaky_relu', {slope})")
    assert model.count_params() == cnn.ARTICLE_PARAMS


@pytest.mark.parametrize(("activation", "kind", "extra"), [
    ("relu", "ReLU", 0), ("elu", "ELU", 0), ("prelu", "PReLU", 32 + 64 + 256)])
def test_other_activations_replace_only_the_activation_layers(provided, activation, kind, extra):
    model = provided["build_model"](activation, None)
    got = [k for k, _ in cnn.layer_table(model)]
    want = [kind if k == "LeakyReLU" else k for k, _ in cnn.article_layers()]
    assert got == want
    # PReLU learns one slope per channel (32, 64) and per hidden unit (256), from 0.25
    assert model.count_params() == cnn.ARTICLE_PARAMS + extra
    if activation == "prelu":
        slopes = [layer.get_weights()[0] for layer in model.layers if type(layer).__name__ == kind]
        assert [s.size for s in slopes] == [32, 64, 256]
        assert all(np.all(s == 0.25) for s in slopes)


def test_unknown_activation_is_refused_with_the_choices(provided):
    with pytest.raises(ValueError, match="relu, leaky_relu, prelu or elu"):
        provided["build_model"]("gelu", None)


def test_provided_cell_is_read_only_and_defines_no_graded_function():
    provided_cell = cell("provided_experiment")
    for name in ("summarize", "welch_t_test", "bootstrap_diff_ci"):
        assert f"def {name}" not in provided_cell.source
    assert cells.is_locked(provided_cell)
    assert not cells.is_solution(provided_cell) and not cells.is_graded(provided_cell)


# --- the grid script -------------------------------------------------------------------
@pytest.mark.slow
def test_grid_script_writes_rows_and_resumes(tmp_path, capsys):
    script = load_script()
    out = tmp_path / "grid.csv"
    args = ["--epochs", "1", "--seeds", "0", "--n-train", "300", "--settings", "relu",
            "leaky_relu 0.3", "--out", str(out)]
    assert script.main(args) == 0
    with out.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["activation"], r["slope"]) for r in rows] == [("relu", ""), ("leaky_relu", "0.3")]
    assert tuple(rows[0]) == RUN_FIELDS
    assert all(0.0 <= float(r["test_accuracy"]) <= 1.0 for r in rows)
    assert rows[0]["keras"] == keras.__version__ and rows[0]["n_train"] == "300"
    capsys.readouterr()
    assert script.main(args) == 0  # a second run finds both rows and trains nothing
    assert capsys.readouterr().out.count("skipped") == 2
    assert len(read_runs(out)) == 2


def test_grid_script_will_not_append_to_a_file_with_other_columns(tmp_path):
    old = tmp_path / "grid.csv"
    old.write_text("activation,slope,recipe,seed,epochs,n_train,test_accuracy\n")
    with pytest.raises(SystemExit, match="val_accuracy.*write to a new file with --out"):
        load_script().main(["--settings", "relu", "--out", str(old)])
    assert old.read_text().count("\n") == 1, "the file is left as it was"


def test_grid_script_rejects_an_unknown_setting(capsys):
    with pytest.raises(SystemExit):
        load_script().main(["--settings", "leaky 0.3", "--out", "/nonexistent/x.csv"])
    assert "choose from" in capsys.readouterr().err


# --- the committed results -------------------------------------------------------------
@pytest.fixture(scope="module")
def runs():
    return read_runs(RESULTS)


def test_committed_grid_is_complete_and_balanced(runs):
    article = [r for r in runs if r["recipe"] == "article"]
    accuracy = by_setting(runs, "article")
    assert list(accuracy) == SETTINGS
    seeds = by_setting(runs, "article", field="seed")
    assert all(list(s) == [0, 1, 2, 3, 4] for s in seeds.values()), seeds
    assert len({r["epochs"] for r in article}) == 1, "the whole grid uses one schedule"
    assert {r["n_train"] for r in article} == {60_000}
    keys = [(r["activation"], r["slope"], r["recipe"], r["seed"], r["epochs"]) for r in runs]
    assert len(keys) == len(set(keys)), "a run appears twice"
    for r in runs:
        assert 0.95 < r["test_accuracy"] < 1.0 and r["test_loss"] > 0 and r["wall_time_s"] > 0
        assert r["tensorflow"] and r["keras"] and r["numpy"] and r["python"]


@pytest.fixture(scope="module")
def long_runs():
    return read_runs(LONG_RUNS)


def chosen_length(long_runs) -> int:
    """The improved recipe's epochs as section 7 chooses them: of the lengths tried on
    seed 0, the one with the best validation accuracy (the test set plays no part)."""
    tried = {r["epochs"]: r["val_accuracy"] for r in long_runs
             if r["recipe"] == "improved" and r["seed"] == 0}
    return max(tried, key=tried.get)


def test_committed_long_runs_cover_both_recipes_and_the_same_seeds(long_runs):
    assert {(r["activation"], r["slope"]) for r in long_runs} == {("leaky_relu", "0.1")}
    article = by_setting(long_runs, "article", "seed", epochs=25)
    assert list(article["leaky_relu 0.1"]) == [0, 1, 2, 3, 4]
    assert {r["epochs"] for r in long_runs if r["recipe"] == "article"} == {25}
    tried = sorted(r["epochs"] for r in long_runs if r["recipe"] == "improved" and r["seed"] == 0)
    assert len(tried) >= 2, "the improved recipe's length is chosen among at least two"
    chosen = chosen_length(long_runs)
    improved = by_setting(long_runs, "improved", "seed", epochs=chosen)
    assert list(improved["leaky_relu 0.1"]) == [0, 1, 2, 3, 4]
    others = [r for r in long_runs if r["recipe"] == "improved" and r["epochs"] != chosen]
    assert all(r["seed"] == 0 for r in others), "only the chosen length runs on every seed"
    for r in long_runs:
        assert r["n_train"] == 60_000 and r["wall_time_s"] > 0
        assert 0.98 < r["val_accuracy"] < 1.0 and 0.98 < r["test_accuracy"] < 1.0


# --- the stated conclusions agree with the committed results --------------------------
def number(text: str) -> float:
    return float(text.replace("−", "-").replace("+", ""))


def holm(p_values: np.ndarray) -> np.ndarray:
    order = np.argsort(p_values)
    adjusted, running = np.empty_like(p_values), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


@pytest.fixture(scope="module")
def stated():
    """The instructor's conclusions: the solution of the hand-graded cell."""
    return cell("state_conclusion").source


def test_the_release_does_not_give_the_stated_conclusions_away(stated):
    released = " ".join((RELEASE / ASSIGNMENT / notebook_name(ASSIGNMENT)).read_text().split())
    for line in stated.splitlines():
        words = " ".join(line.replace("**", "").split()[:8])
        if len(words) > 30:
            assert words not in released, words


def interval(values: np.ndarray) -> tuple:
    """Mean and 95% t-interval, in percent."""
    half = stats.t.ppf(0.975, values.size - 1) * stats.sem(values)
    return 100 * values.mean(), 100 * (values.mean() - half), 100 * (values.mean() + half)


def test_stated_table_matches_the_results(runs, stated):
    accuracy = by_setting(runs, "article")
    relu = accuracy["relu"]
    others = [n for n in SETTINGS if n != "relu"]
    p_values = np.array([stats.ttest_ind(accuracy[n], relu, equal_var=False).pvalue
                         for n in others])
    adjusted = dict(zip(others, holm(p_values), strict=True))
    raw = dict(zip(others, p_values, strict=True))
    rows = {}
    for line in stated.splitlines():
        fields = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(fields) == 7 and fields[0] in SETTINGS:
            rows[fields[0]] = fields
    assert list(rows) == SETTINGS, "the table must have one row per setting, in grid order"
    for name, (_, n_runs, mean, stated_interval, diff, p, p_holm) in rows.items():
        values = accuracy[name]
        assert int(n_runs) == len(values)
        low, high = (number(x) for x in stated_interval.split(" to "))
        for got, want in zip((number(mean), low, high), interval(values), strict=True):
            assert abs(got - want) <= 0.0051, (name, mean, stated_interval)
        if name == "relu":
            assert (diff, p, p_holm) == ("", "", "")
            continue
        assert abs(number(diff) - 100 * (values.mean() - relu.mean())) <= 0.0051, (name, diff)
        assert abs(number(p) - raw[name]) <= 0.0051, (name, p)
        assert abs(number(p_holm) - adjusted[name]) <= 0.0051, (name, p_holm)


def test_stated_verdict_follows_from_the_corrected_p_values(runs, stated):
    accuracy = by_setting(runs, "article")
    others = [n for n in SETTINGS if n != "relu"]
    adjusted = holm(np.array([stats.ttest_ind(accuracy[n], accuracy["relu"],
                                              equal_var=False).pvalue for n in others]))
    detected = [n for n, p in zip(others, adjusted, strict=True) if p < 0.05]
    if detected:
        assert f"differ detectably from ReLU: {', '.join(detected)}" in stated
    else:
        assert "No setting differs detectably from ReLU" in stated


def test_stated_relu_vs_leaky_comparison_matches_the_results(runs, stated):
    accuracy = by_setting(runs, "article")
    leaky, relu = accuracy["leaky_relu 0.1"], accuracy["relu"]
    found = re.search(r"Leaky ReLU 0\.1 − ReLU: ([+−]\d+\.\d+) points, 95% bootstrap interval "
                      r"([+−]?\d+\.\d+) to ([+−]?\d+\.\d+) points, Welch p = (\d\.\d+)", stated)
    assert found, "the ReLU / Leaky ReLU 0.1 sentence is missing or reworded"
    diff, low, high, p = (number(g) for g in found.groups())
    assert abs(diff - 100 * (leaky.mean() - relu.mean())) <= 0.0051
    assert abs(p - stats.ttest_ind(leaky, relu, equal_var=False).pvalue) <= 0.0051
    rng = np.random.default_rng(0)
    diffs = (rng.choice(leaky, (200_000, leaky.size)).mean(axis=1)
             - rng.choice(relu, (200_000, relu.size)).mean(axis=1))
    want_low, want_high = 100 * np.percentile(diffs, [2.5, 97.5])
    assert abs(low - want_low) <= 0.011 and abs(high - want_high) <= 0.011
    contains_zero = low <= 0 <= high
    assert ("contains 0" in stated) == contains_zero


def test_stated_long_runs_match_the_results(long_runs, stated):
    text = " ".join(stated.split())
    article = by_setting(long_runs, "article", epochs=25)["leaky_relu 0.1"]
    found = re.search(r"the article's recipe at its 25 epochs: mean (\d+\.\d+)% \(95% interval "
                      r"(\d+\.\d+) to (\d+\.\d+)\), (\d) of (\d) runs at 99\.28% or more", text)
    assert found, "the sentence on the article's recipe at 25 epochs is missing or reworded"
    *stated_interval, hits, n = found.groups()
    for got, want in zip(map(number, stated_interval), interval(article), strict=True):
        assert abs(got - want) <= 0.0051
    assert (int(hits), int(n)) == (int(np.sum(article >= 0.9928)), article.size)
    above = interval(article)[2] < 99.28
    assert ("the article's 99.28% lies above the interval" in text) == above
    assert ("the article's 99.28% lies within the interval" in text) == (not above)

    chosen = chosen_length(long_runs)
    improved = by_setting(long_runs, "improved", epochs=chosen)["leaky_relu 0.1"]
    found = re.search(r"the improved recipe \((\d+) epochs, chosen on validation\): mean "
                      r"(\d+\.\d+)% \(95% interval (\d+\.\d+) to (\d+\.\d+)\), (\d) of (\d) runs "
                      r"at 99\.6% or more, ([+−]\d+\.\d+) points over the article's recipe", text)
    assert found, "the improved-recipe sentence is missing or reworded"
    n_epochs, *stated_interval, hits, n, gain = found.groups()
    assert int(n_epochs) == chosen
    for got, want in zip(map(number, stated_interval), interval(improved), strict=True):
        assert abs(got - want) <= 0.0051
    assert (int(hits), int(n)) == (int(np.sum(improved >= 0.996)), improved.size)
    assert abs(number(gain) - 100 * (improved.mean() - article.mean())) <= 0.0051


def test_stated_schedule_matches_the_results(runs, stated):
    epochs = {r["epochs"] for r in runs if r["recipe"] == "article"}
    assert f"**{epochs.pop()} epochs**" in stated


def test_stated_seed_spread_power_and_article_comparison_match_the_results(runs, stated):
    accuracy = by_setting(runs, "article")
    leaky, relu = accuracy["leaky_relu 0.1"], accuracy["relu"]
    text = " ".join(stated.split())
    span = re.search(r"ReLU's own five seeds span (\d\.\d+) points", text)
    assert span and abs(number(span.group(1)) - 100 * np.ptp(relu)) <= 0.0051
    assert f"beats ReLU on {int(np.sum(leaky > relu))} of the {leaky.size} seeds" in text
    # the power rule of thumb for the article's gap (0.09 points), as the notebook computes it
    pooled = np.sqrt((leaky.var(ddof=1) + relu.var(ddof=1)) / 2)
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    needed = int(np.ceil(2 * z ** 2 * pooled ** 2 / (0.9928 - 0.9919) ** 2))
    assert f"(0.09 points) with 80% power would take about {needed} runs per setting" in text
