"""Student answers for assignment 4 that the autograder must grade right.

WRONG[function][name] is a plausible mistake in one graded function (the rest of the
notebook is the reference): it must lose points in that function's test cells.
CORRECT[name] is a whole notebook written in another correct style: full marks.
Each snippet is what a student would type into the solution cell (np and stats, SciPy's
`scipy.stats`, come from the notebook).
"""

from textwrap import dedent

ASSIGNMENT = "04-relu-vs-leaky"


def _src(text: str) -> str:
    return dedent(text).strip("\n")


def _summarize(center: str, *, std="v.std(ddof=1)", sem="std / np.sqrt(n)",
               check="if n < 2:\n        raise ValueError('need at least two values')") -> str:
    """A summarize that computes the interval as ``mean ± center``, the rest as given."""
    return _src(f"""
def summarize(values):
    v = np.asarray(values, dtype=float)
    n = v.size
    {check}
    mean = v.mean()
    std = {std}
    sem = {sem}
    half = {center}
    return {{"mean": mean, "std": std, "sem": sem, "ci_low": mean - half,
            "ci_high": mean + half}}
""")


def _welch(t_line: str, p_line: str, *, var="var(ddof=1)") -> str:
    return _src(f"""
def welch_t_test(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size < 2 or b.size < 2:
        raise ValueError("each sample needs two or more values")
    va, vb = a.{var} / a.size, b.{var} / b.size
    dof = (va + vb) ** 2 / (va ** 2 / (a.size - 1) + vb ** 2 / (b.size - 1))
    {t_line}
    {p_line}
    return t, p
""")


T_RIGHT = "t = (a.mean() - b.mean()) / np.sqrt(va + vb)"
P_RIGHT = "p = 2 * stats.t.sf(abs(t), dof)"


def _bootstrap(body: str) -> str:
    """A bootstrap_diff_ci whose middle (from the arrays to `low, high`) is ``body``."""
    return _src("""
def bootstrap_diff_ci(a, b, n_resamples=10000, confidence=0.95, seed=0):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    rng = np.random.default_rng(seed)
""") + "\n" + "\n".join("    " + line for line in dedent(body).strip("\n").splitlines()) + \
        "\n    return low, high"


RESAMPLED = """
diffs = (rng.choice(a, (n_resamples, a.size)).mean(axis=1)
         - rng.choice(b, (n_resamples, b.size)).mean(axis=1))
tail = 100 * (1 - confidence) / 2
"""

WRONG = {
    "summarize": {
        "population_std": _summarize("stats.t.ppf(0.975, n - 1) * sem", std="v.std()"),
        "normal_quantile": _summarize("1.96 * sem"),
        "t_with_n_dof": _summarize("stats.t.ppf(0.975, n) * sem"),
        "std_not_sem": _summarize("stats.t.ppf(0.975, n - 1) * std"),
        "one_sided_quantile": _summarize("stats.t.ppf(0.95, n - 1) * sem"),
        "sem_over_n": _summarize("stats.t.ppf(0.975, n - 1) * sem", sem="std / n"),
        "no_error_for_one_value": _summarize("stats.t.ppf(0.975, n - 1) * sem",
                                             check="pass"),
        # the text promises single numbers; each of these is an array of shape (1,)
        "arrays_of_one": _src("""
def summarize(values):
    v = np.asarray(values, dtype=float).reshape(-1, 1)
    n = v.shape[0]
    if n < 2:
        raise ValueError("need at least two values")
    mean, std = v.mean(axis=0), v.std(axis=0, ddof=1)
    sem = std / np.sqrt(n)
    half = stats.t.ppf(0.975, n - 1) * sem
    return {"mean": mean, "std": std, "sem": sem, "ci_low": mean - half,
            "ci_high": mean + half}
"""),
    },
    "welch_t_test": {
        "pooled_student_test": _src("""
            def welch_t_test(a, b):
                if len(a) < 2 or len(b) < 2:
                    raise ValueError("each sample needs two or more values")
                result = stats.ttest_ind(a, b)
                return result.statistic, result.pvalue
        """),
        "one_sided_p": _welch(T_RIGHT, "p = stats.t.sf(abs(t), dof)"),
        "pooled_dof": _welch(T_RIGHT, "p = 2 * stats.t.sf(abs(t), a.size + b.size - 2)"),
        "b_minus_a": _welch("t = (b.mean() - a.mean()) / np.sqrt(va + vb)", P_RIGHT),
        "normal_p": _welch(T_RIGHT, "p = 2 * stats.norm.sf(abs(t))"),
        "population_variance": _welch(T_RIGHT, P_RIGHT, var="var()"),
        "no_size_check": _src("""
            def welch_t_test(a, b):
                result = stats.ttest_ind(a, b, equal_var=False)
                return result.statistic, result.pvalue
        """),
        # the text promises two numbers; these are arrays of shape (1,)
        "arrays_of_one": _welch("t = np.atleast_1d((a.mean() - b.mean()) / np.sqrt(va + vb))",
                                "p = 2 * stats.t.sf(abs(t), dof)"),
    },
    "bootstrap_diff_ci": {
        "normal_approximation": _bootstrap(RESAMPLED + """
z = stats.norm.ppf(1 - (1 - confidence) / 2)
observed = a.mean() - b.mean()
low, high = observed - z * diffs.std(), observed + z * diffs.std()
"""),
        "basic_bootstrap": _bootstrap(RESAMPLED + """
q_low, q_high = np.percentile(diffs, [tail, 100 - tail])
observed = a.mean() - b.mean()
low, high = 2 * observed - q_high, 2 * observed - q_low
"""),
        "always_95": _bootstrap(RESAMPLED + """
low, high = np.percentile(diffs, [2.5, 97.5])
"""),
        "b_minus_a": _bootstrap("""
diffs = (rng.choice(b, (n_resamples, b.size)).mean(axis=1)
         - rng.choice(a, (n_resamples, a.size)).mean(axis=1))
tail = 100 * (1 - confidence) / 2
low, high = np.percentile(diffs, [tail, 100 - tail])
"""),
        "pooled_resampling": _bootstrap("""
pooled = np.concatenate([a, b])
diffs = (rng.choice(pooled, (n_resamples, a.size)).mean(axis=1)
         - rng.choice(pooled, (n_resamples, b.size)).mean(axis=1))
tail = 100 * (1 - confidence) / 2
low, high = np.percentile(diffs, [tail, 100 - tail])
"""),
        "same_indices_for_both": _bootstrap("""
n = min(a.size, b.size)
index = rng.integers(0, n, (n_resamples, n))
diffs = a[index].mean(axis=1) - b[index].mean(axis=1)
tail = 100 * (1 - confidence) / 2
low, high = np.percentile(diffs, [tail, 100 - tail])
"""),
        "global_random_state": _src("""
            def bootstrap_diff_ci(a, b, n_resamples=10000, confidence=0.95, seed=0):
                a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
                diffs = [np.random.choice(a, a.size).mean() - np.random.choice(b, b.size).mean()
                         for _ in range(n_resamples)]
                tail = 100 * (1 - confidence) / 2
                low, high = np.percentile(diffs, [tail, 100 - tail])
                return low, high
        """),
        "fixed_resample_count": _bootstrap("""
diffs = (rng.choice(a, (2000, a.size)).mean(axis=1)
         - rng.choice(b, (2000, b.size)).mean(axis=1))
tail = 100 * (1 - confidence) / 2
low, high = np.percentile(diffs, [tail, 100 - tail])
"""),
        # the text promises two numbers; these are arrays of shape (1,)
        "arrays_of_one": _bootstrap(RESAMPLED + """
low, high = np.percentile(diffs, [[tail], [100 - tail]])
"""),
        "medians": _bootstrap("""
diffs = (np.median(rng.choice(a, (n_resamples, a.size)), axis=1)
         - np.median(rng.choice(b, (n_resamples, b.size)), axis=1))
tail = 100 * (1 - confidence) / 2
low, high = np.percentile(diffs, [tail, 100 - tail])
"""),
    },
}

CORRECT = {
    "scipy_throughout": {
        "summarize": _src("""
            def summarize(values):
                values = np.asarray(values, dtype=float)
                if len(values) < 2:
                    raise ValueError(f"need two or more values, got {len(values)}")
                mean, sem = values.mean(), stats.sem(values)
                low, high = stats.t.interval(0.95, len(values) - 1, loc=mean, scale=sem)
                return dict(mean=mean, std=values.std(ddof=1), sem=sem, ci_low=low,
                            ci_high=high)
        """),
        "welch_t_test": _src("""
            def welch_t_test(a, b):
                if min(len(a), len(b)) < 2:
                    raise ValueError("Welch's test needs two values or more per sample")
                res = stats.ttest_ind(a, b, equal_var=False)
                return float(res.statistic), float(res.pvalue)
        """),
        "bootstrap_diff_ci": _src("""
            def bootstrap_diff_ci(a, b, n_resamples=10000, confidence=0.95, seed=0):
                res = stats.bootstrap(
                    (np.asarray(a, float), np.asarray(b, float)),
                    lambda x, y, axis=-1: x.mean(axis=axis) - y.mean(axis=axis),
                    n_resamples=n_resamples, confidence_level=confidence,
                    method="percentile", rng=np.random.default_rng(seed))
                return res.confidence_interval.low, res.confidence_interval.high
        """),
    },
    "plain_python": {
        "summarize": _src("""
            def summarize(values):
                xs = [float(v) for v in values]
                n = len(xs)
                if n <= 1:
                    raise ValueError("summarize: give at least 2 runs")
                mean = sum(xs) / n
                std = (sum((x - mean) ** 2 for x in xs) / (n - 1)) ** 0.5
                sem = std / n ** 0.5
                t = stats.t.ppf(1 - 0.05 / 2, n - 1)
                return {"mean": mean, "std": std, "sem": sem,
                        "ci_low": mean - t * sem, "ci_high": mean + t * sem}
        """),
        "welch_t_test": _src("""
            def welch_t_test(a, b):
                def mean_var(xs):
                    xs = [float(x) for x in xs]
                    if len(xs) < 2:
                        raise ValueError("a sample with fewer than 2 values has no variance")
                    m = sum(xs) / len(xs)
                    return m, sum((x - m) ** 2 for x in xs) / (len(xs) - 1), len(xs)
                ma, va, na = mean_var(a)
                mb, vb, nb = mean_var(b)
                se2 = va / na + vb / nb
                t = (ma - mb) / se2 ** 0.5
                df = se2 ** 2 / ((va / na) ** 2 / (na - 1) + (vb / nb) ** 2 / (nb - 1))
                return t, 2 * (1 - stats.t.cdf(abs(t), df))
        """),
        "bootstrap_diff_ci": _src("""
            def bootstrap_diff_ci(a, b, n_resamples=10000, confidence=0.95, seed=0):
                import random
                r = random.Random(seed)
                a, b = list(a), list(b)
                diffs = sorted(sum(r.choices(a, k=len(a))) / len(a)
                               - sum(r.choices(b, k=len(b))) / len(b)
                               for _ in range(n_resamples))
                alpha = 1 - confidence
                lo = diffs[int(alpha / 2 * n_resamples)]
                hi = diffs[min(n_resamples - 1, int((1 - alpha / 2) * n_resamples))]
                return lo, hi
        """),
    },
    "legacy_numpy": {
        "summarize": _src("""
            def summarize(values):
                arr = np.array(values, dtype=np.float64)
                if arr.shape[0] < 2:
                    raise ValueError("at least two values are needed for a spread")
                s = np.std(arr, ddof=1)
                se = s / np.sqrt(arr.shape[0])
                q = stats.t.isf(0.025, arr.shape[0] - 1)
                m = np.mean(arr)
                return {"ci_high": m + q * se, "ci_low": m - q * se, "mean": m,
                        "sem": se, "std": s, "n": arr.shape[0]}
        """),
        "welch_t_test": _src("""
            def welch_t_test(a, b):
                a = np.array(a, dtype=float)
                b = np.array(b, dtype=float)
                for name, x in (("a", a), ("b", b)):
                    if len(x) < 2:
                        raise ValueError(f"sample {name} has {len(x)} value(s), needs 2")
                sa, sb = np.var(a, ddof=1), np.var(b, ddof=1)
                na, nb = len(a), len(b)
                t = (np.mean(a) - np.mean(b)) / np.sqrt(sa / na + sb / nb)
                nu = (sa / na + sb / nb) ** 2 / (sa ** 2 / (na ** 2 * (na - 1))
                                                 + sb ** 2 / (nb ** 2 * (nb - 1)))
                p = 2 * stats.t.cdf(-abs(t), nu)
                return (t, p)
        """),
        "bootstrap_diff_ci": _src("""
            def bootstrap_diff_ci(a, b, n_resamples=10000, confidence=0.95, seed=0):
                state = np.random.RandomState(seed)
                a, b = np.asarray(a), np.asarray(b)
                diffs = np.empty(n_resamples)
                for i in range(n_resamples):
                    ra = a[state.randint(0, len(a), len(a))]
                    rb = b[state.randint(0, len(b), len(b))]
                    diffs[i] = ra.mean() - rb.mean()
                edge = (1 - confidence) / 2
                return tuple(np.quantile(diffs, [edge, 1 - edge]))
        """),
    },
}

SAMPLE_MISTAKES = {
    "sample-ada": set(),
    "sample-ben": {"summarize", "welch_t_test"},
    "sample-chloe": {"welch_t_test", "bootstrap_diff_ci"},
    "sample-dev": {"summarize", "bootstrap_diff_ci"},
}
# The three graded functions stand alone: none calls another.
DEPENDS_ON = {}
# The written answer, graded by hand: its grade id and points.
WRITTEN_ANSWER = ("state_conclusion", 4)


# Each mistake that the notebook teaches about (Exercise A's ddof, sem and t quantile,
# Exercise B's Welch test, Exercise C's independent, seeded, percentile bootstrap): the
# planted first attempt that makes it (in WRONG), and words the failing visible test's
# message must contain (tests/test_visible_tests.py).
TAUGHT = {
    "ddof=0": ("summarize", "population_std", "ddof=1"),
    "1.96 instead of Student's t": ("summarize", "normal_quantile", "1.96 is for the normal"),
    "t with n degrees of freedom": ("summarize", "t_with_n_dof", "n - 1 degrees of freedom, not n"),
    "the interval from the std": ("summarize", "std_not_sem", "not t * std"),
    "the 0.95 quantile": ("summarize", "one_sided_quantile", "use the 0.975 quantile"),
    "sem = std / n": ("summarize", "sem_over_n", "not by n"),
    "no ValueError for one value": ("summarize", "no_error_for_one_value",
                                    "one value has no sample standard deviation"),
    "Student's pooled test": ("welch_t_test", "pooled_student_test", "does not pool"),
    "a one-sided p": ("welch_t_test", "one_sided_p", "the test is two-sided"),
    "n_a + n_b - 2 degrees of freedom": ("welch_t_test", "pooled_dof", "not n_a + n_b - 2"),
    "t of b - a": ("welch_t_test", "b_minus_a", "t is negative here"),
    "p from the normal distribution": ("welch_t_test", "normal_p", "normal distribution"),
    "population variances": ("welch_t_test", "population_variance", "with ddof=1"),
    "no ValueError for a sample of one": ("welch_t_test", "no_size_check", "two values or more"),
    "the difference as b - a": ("bootstrap_diff_ci", "b_minus_a", "in that order"),
    "resampling from the pooled values": ("bootstrap_diff_ci", "pooled_resampling",
                                          "resample a from a and b from b"),
    "the same indices for both samples": ("bootstrap_diff_ci", "same_indices_for_both",
                                          "independent"),
    "NumPy's global, unseeded generator": ("bootstrap_diff_ci", "global_random_state",
                                           "with np.random.default_rng(seed)"),
    "confidence ignored": ("bootstrap_diff_ci", "always_95", "use the confidence argument"),
}
# A cell before Exercise A that the visible tests do not need: it trains networks (the
# re-run of part of the grid, ~25 s); tests/test_visible_tests.py leaves it out.
SETUP_NOT_NEEDED = {"245d68b1"}
