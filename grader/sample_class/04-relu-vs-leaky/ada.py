"""Sample student ada: everything right, in her own style.

She leans on SciPy where it has the exact tool (t quantiles, Welch's test) and writes the
bootstrap as a loop over a seeded generator. Her conclusion weighs the evidence.
"""


def summarize(values):
    x = np.asarray(values, dtype=float)
    if len(x) < 2:
        raise ValueError(f"summarize needs at least 2 values to estimate a spread, got {len(x)}")
    m = x.mean()
    s = x.std(ddof=1)
    se = s / np.sqrt(len(x))
    t = stats.t.ppf(0.975, df=len(x) - 1)
    return {"mean": m, "std": s, "sem": se, "ci_low": m - t * se, "ci_high": m + t * se}


def welch_t_test(a, b):
    if len(a) < 2 or len(b) < 2:
        raise ValueError("Welch's t-test needs at least two values in each sample")
    result = stats.ttest_ind(a, b, equal_var=False)
    return float(result.statistic), float(result.pvalue)


def bootstrap_diff_ci(a, b, n_resamples=10000, confidence=0.95, seed=0):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    rng = np.random.default_rng(seed)
    diffs = np.empty(n_resamples)
    for i in range(n_resamples):
        diffs[i] = rng.choice(a, a.size).mean() - rng.choice(b, b.size).mean()
    alpha = 1 - confidence
    return (float(np.quantile(diffs, alpha / 2)), float(np.quantile(diffs, 1 - alpha / 2)))


state_conclusion = """
Over five seeds each, Leaky ReLU (0.1) and ReLU are indistinguishable: the difference of
the means is a few hundredths of a point, Welch's test gives a large p-value and the
bootstrap interval for the difference contains zero on both sides. So the data do not
support "Leaky ReLU is better" for this network, and they do not prove the two are equal
either: a difference smaller than the interval's width could still exist. Trying five
alternatives and reporting the best one is a multiple comparison: one of them wins by
luck, and its margin is inflated. To claim a best slope I would fix the comparison in
advance, correct the p-values (Holm) and confirm the winner on new seeds. The grid ran
5 epochs, not 25, so longer training might change the picture.
"""
