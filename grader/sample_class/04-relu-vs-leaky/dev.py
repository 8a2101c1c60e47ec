"""Sample student dev: correct formulas, fragile code.

summarize never checks how many values it got (one value gives NaN and a warning instead
of a ValueError); bootstrap_diff_ci draws from NumPy's global random state and ignores
its seed, so two calls give different intervals. welch_t_test is right.
"""


def summarize(values):
    values = np.asarray(values, dtype=float)
    mean = values.mean()
    std = values.std(ddof=1)
    sem = std / np.sqrt(len(values))
    t = stats.t.ppf(0.975, len(values) - 1)
    return {"mean": mean, "std": std, "sem": sem,
            "ci_low": mean - t * sem, "ci_high": mean + t * sem}


def welch_t_test(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size < 2 or b.size < 2:
        raise ValueError(f"samples of {a.size} and {b.size} values: each needs 2 or more")
    se_a, se_b = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    t = (a.mean() - b.mean()) / np.sqrt(se_a + se_b)
    nu = (se_a + se_b) ** 2 / (se_a ** 2 / (a.size - 1) + se_b ** 2 / (b.size - 1))
    return t, 2 * stats.t.sf(np.abs(t), nu)


def bootstrap_diff_ci(a, b, n_resamples=10000, confidence=0.95, seed=0):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    diffs = (np.random.choice(a, (n_resamples, a.size)).mean(axis=1)
             - np.random.choice(b, (n_resamples, b.size)).mean(axis=1))
    tail = 50 * (1 - confidence)
    return np.percentile(diffs, tail), np.percentile(diffs, 100 - tail)


state_conclusion = """
Leaky ReLU 0.1 and ReLU differ by less than the seed-to-seed noise; the interval for
the difference includes 0, so one run each (as in the article) cannot decide it.
Picking the best of many slopes overfits to the test set.
"""
