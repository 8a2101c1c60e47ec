"""Sample student ben: remembers the formulas from an introductory course.

summarize uses NumPy's default standard deviation (ddof=0) and 1.96 instead of Student's
t; welch_t_test calls scipy's t-test with its default, which pools the variances
(Student's test, not Welch's). His bootstrap is right. He crowns a winner from the means.
"""


def summarize(values):
    values = np.asarray(values, dtype=float)
    if values.size < 2:
        raise ValueError("need at least two values")
    mean = values.mean()
    std = values.std()
    sem = std / np.sqrt(values.size)
    return {"mean": mean, "std": std, "sem": sem,
            "ci_low": mean - 1.96 * sem, "ci_high": mean + 1.96 * sem}


def welch_t_test(a, b):
    if len(a) < 2 or len(b) < 2:
        raise ValueError("need at least two values per sample")
    t, p = stats.ttest_ind(a, b)
    return t, p


def bootstrap_diff_ci(a, b, n_resamples=10000, confidence=0.95, seed=0):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    rng = np.random.default_rng(seed)
    diffs = (rng.choice(a, size=(n_resamples, len(a))).mean(axis=1)
             - rng.choice(b, size=(n_resamples, len(b))).mean(axis=1))
    lower = (1 - confidence) / 2 * 100
    return tuple(np.percentile(diffs, [lower, 100 - lower]))


state_conclusion = """
Leaky ReLU 0.01 had the best mean accuracy of all the slopes, so it is the best
activation for this network, and Leaky ReLU in general is at least as good as ReLU.
"""
