"""Sample student chloe: gets the summary right, then cuts two corners.

welch_t_test reports a one-sided p-value (no factor 2); bootstrap_diff_ci builds a
normal interval from the bootstrap's standard deviation instead of taking percentiles,
which is symmetric where the percentile interval is not.
"""


def summarize(values):
    v = np.array(values, dtype=float)
    if len(v) < 2:
        raise ValueError("one value has no spread; give two or more")
    n = len(v)
    std = np.std(v, ddof=1)
    sem = std / np.sqrt(n)
    low, high = stats.t.interval(0.95, n - 1, loc=v.mean(), scale=sem)
    return {"mean": v.mean(), "std": std, "sem": sem, "ci_low": low, "ci_high": high}


def welch_t_test(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2 or len(b) < 2:
        raise ValueError("each sample needs two values")
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    t = (a.mean() - b.mean()) / np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    return t, stats.t.sf(abs(t), df)


def bootstrap_diff_ci(a, b, n_resamples=10000, confidence=0.95, seed=0):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    rng = np.random.default_rng(seed)
    diffs = [rng.choice(a, len(a)).mean() - rng.choice(b, len(b)).mean()
             for _ in range(n_resamples)]
    z = stats.norm.ppf(0.5 + confidence / 2)
    center = a.mean() - b.mean()
    return center - z * np.std(diffs), center + z * np.std(diffs)


state_conclusion = """
The p-value for Leaky ReLU against ReLU is not below 0.05, so there is no significant
difference and the two activations are the same.
"""
