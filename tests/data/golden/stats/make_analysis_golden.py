#!/usr/bin/python3
"""Writes analysis_golden.json, the expected values of tests/stats/{cluster_bootstrap,
paired_analysis,power,calibration}_test.cpp: clustered intervals, the equivalence verdict (TOST),
the minimum detectable difference and calibration (ECE, Brier).

Independent of the C++ code: numpy and scipy (Debian's python3-numpy and python3-scipy; run
with /usr/bin/python3) for quantiles, the normal distribution, root finding, softmax and the
calibration sums; the seeded resampling stream is make_stats_golden.py's transcription of
include/clinbench/random.h (xoshiro256** with Lemire's bounded draw), because a bootstrap
interval can only be checked against the same random draws.

Every section holds a case that a naive implementation fails: draws of one question treated
as independent items give intervals at least 1.5 times too narrow (asserted below), a verdict
of "equivalent" where the clustered analysis says "inconclusive", and a minimum detectable
difference 1.5 times too small; equal-width bins give another ECE than equal-mass ones.

    /usr/bin/python3 tests/data/golden/stats/make_analysis_golden.py
"""

import json
import sys
from pathlib import Path

import numpy as np
from scipy import optimize, special, stats

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_stats_golden import Xoshiro256StarStar, check_published_vectors, sign_flip_monte_carlo  # noqa: E402

OUT = Path(__file__).resolve().parent / "analysis_golden.json"


# --- the cluster bootstrap ------------------------------------------------------------------

def dense_clusters(keys):
    numbers = {}
    return [numbers.setdefault(k, len(numbers)) for k in keys]


def cluster_bootstrap_means(values, clusters, seed, resamples):
    """Resample means: k clusters drawn with replacement, the drawn clusters' totals (each summed
    in item order, added in draw order) over the items drawn."""
    k = max(clusters) + 1
    totals = [0.0] * k
    sizes = [0.0] * k
    for v, c in zip(values, clusters):
        totals[c] += v
        sizes[c] += 1
    g = Xoshiro256StarStar.seeded(seed)
    means = []
    for _ in range(resamples):
        s = 0.0
        m = 0.0
        for _ in range(k):
            c = g.below(k)
            s += totals[c]
            m += sizes[c]
        means.append(s / m)
    return np.sort(np.array(means))


def interval(means, confidence):
    tail = (1 - confidence) / 2
    # numpy's default percentile is type 7, the rule stats.h documents.
    return float(np.percentile(means, 100 * tail)), float(np.percentile(means, 100 * (1 - tail)))


def question_draws(rng, questions, draws, p_consistent, accuracy):
    """0/1 outcomes of `draws` draws of each question: with probability p_consistent a question's
    draws all agree (the model knows the answer or does not), else each draw is a coin."""
    values, keys = [], []
    for q in range(questions):
        knows = rng.random() < accuracy
        consistent = rng.random() < p_consistent
        for d in range(draws):
            outcome = knows if consistent else rng.random() < accuracy
            values.append(1.0 if outcome else 0.0)
            keys.append("patient_%02d/q%d" % (q // 20, q % 20))
    return values, keys


def cluster_bootstrap_cases():
    rng = np.random.default_rng(2024)
    cases = []
    values, keys = question_draws(rng, 40, 5, 0.9, 0.6)
    clusters = dense_clusters(keys)
    seed, resamples = 7, 4000
    means = cluster_bootstrap_means(values, clusters, seed, resamples)
    low, high = interval(means, 0.95)
    naive = cluster_bootstrap_means(values, list(range(len(values))), seed, resamples)
    naive_low, naive_high = interval(naive, 0.95)
    # The point of clustering: five draws of a question are about one observation.
    assert (high - low) >= 1.5 * (naive_high - naive_low), (high - low, naive_high - naive_low)
    cases.append({"name": "longhealth_like_draws", "scores": values, "cluster_keys": keys, "seed": seed,
                  "resamples": resamples, "confidence": 0.95, "value": float(np.mean(values)),
                  "ci_low": low, "ci_high": high, "naive_ci_low": naive_low, "naive_ci_high": naive_high})
    # Clusters of unequal size, continuous scores: the ratio estimator weighs clusters by size.
    sizes = [1, 3, 2, 7, 1, 4, 2, 5, 3, 1, 6, 2]
    values, keys = [], []
    for c, size in enumerate(sizes):
        centre = rng.uniform(0.1, 0.9)
        for _ in range(size):
            values.append(round(float(np.clip(centre + rng.normal(0, 0.05), 0, 1)), 4))
            keys.append("letter-%d" % (c * 7 % 12))
    clusters = dense_clusters(keys)
    means = cluster_bootstrap_means(values, clusters, 99, 3000)
    low, high = interval(means, 0.9)
    cases.append({"name": "unequal_sizes", "scores": values, "cluster_keys": keys, "seed": 99, "resamples": 3000,
                  "confidence": 0.9, "value": float(np.mean(values)), "ci_low": low, "ci_high": high})
    return cases


# --- the paired analysis: TOST verdict, cluster sign-flip, power ------------------------------

def verdict(difference, low90, high90, significant, margin):
    if margin is not None and -margin < low90 and high90 < margin:
        return "equivalent"
    if significant and difference > 0:
        return "better"
    if significant and difference < 0:
        return "worse"
    if margin is not None and low90 > -margin:
        return "non-inferior"
    return "inconclusive"


Z = lambda p: float(stats.norm.ppf(p))  # noqa: E731


def mcnemar_mdd(n, share, alpha, power):
    """Connor (1987): n D^2 = (z_a sqrt(share) + z_b sqrt(share - D^2))^2, solved for D."""
    za, zb = Z(1 - alpha / 2), Z(power)
    f = lambda d: np.sqrt(n) * d - za * np.sqrt(share) - zb * np.sqrt(max(0.0, share - d * d))  # noqa: E731
    if share <= 0 or f(np.sqrt(share)) <= 0:
        return None
    return float(optimize.brentq(f, 0.0, np.sqrt(share), xtol=1e-14))


def mcnemar_items(share, target, alpha, power):
    za, zb = Z(1 - alpha / 2), Z(power)
    root = za * np.sqrt(share) + zb * np.sqrt(max(0.0, share - target ** 2))
    return int(np.ceil(root ** 2 / target ** 2))


def cluster_se(d, clusters):
    """Cluster-robust (CR1-style, k/(k-1)) standard error of a mean, with numpy."""
    d = np.asarray(d, dtype=float)
    clusters = np.asarray(clusters)
    residual = d - d.mean()
    totals = np.bincount(clusters, weights=residual)
    k = len(totals)
    return float(np.sqrt(k / (k - 1) * np.sum(totals ** 2)) / len(d))


def paired_case(name, a, b, keys, seed, resamples, margin, alpha=0.05, power=0.8, target=0.05):
    n = len(a)
    d = [x - y for x, y in zip(a, b)]
    clusters = dense_clusters(keys) if keys else list(range(n))
    clustered = len(set(clusters)) < n
    means = cluster_bootstrap_means(d, clusters, seed, resamples)
    low95, high95 = interval(means, 0.95)
    low90, high90 = interval(means, 0.90)
    binary = all(x in (0.0, 1.0) for x in a + b)
    if clustered:
        totals = [0.0] * (max(clusters) + 1)
        for x, c in zip(d, clusters):
            totals[c] += x
        nonzero = sum(1 for t in totals if abs(t) > 1e-9)
        assert nonzero > 20  # Monte Carlo branch, which the stream makes reproducible
        p, _ = sign_flip_monte_carlo(totals, seed, 10000)
        test = "cluster_sign_flip_monte_carlo"
    else:
        assert binary
        b10 = sum(1 for x, y in zip(a, b) if x > y)
        c01 = sum(1 for x, y in zip(a, b) if x < y)
        p = float(min(1.0, 2 * stats.binom.cdf(min(b10, c01), b10 + c01, 0.5))) if b10 + c01 else 1.0
        test = "mcnemar_exact"
    share = sum(1 for x in d if x != 0) / n
    if binary and not clustered:
        mdd = mcnemar_mdd(n, share, alpha, power)
        items = mcnemar_items(share, target, alpha, power)
        method = "mcnemar"
    else:
        se = cluster_se(d, clusters)
        mdd = (Z(1 - alpha / 2) + Z(power)) * se
        items = int(np.ceil(n * (mdd / target) ** 2))
        method = "standard_error"
    difference = float(np.mean(d))
    return {"name": name, "a": a, "b": b, "cluster_keys": keys, "seed": seed, "resamples": resamples,
            "margin": margin, "alpha": alpha, "power": power, "target_difference": target,
            "difference": difference, "ci_low": low95, "ci_high": high95, "ci90_low": low90, "ci90_high": high90,
            "smallest_equivalence_margin": max(abs(low90), abs(high90)), "test": test, "p_value": p,
            "verdict": verdict(difference, low90, high90, p < alpha, margin), "power_method": method,
            "discordant_share": share, "minimum_detectable_difference": mdd, "items_needed": items}


def paired_cases():
    rng = np.random.default_rng(18)
    cases = []
    # 60 questions x 5 draws; the fine-tune and the base agree on most questions, and a
    # question's draws mostly agree with each other. Margin 0.06.
    a, b, keys = [], [], []
    for q in range(60):
        knows_a = rng.random() < 0.6
        flip = rng.random()
        knows_b = (not knows_a) if flip < 0.2 else knows_a
        for _ in range(5):
            a.append(1.0 if (knows_a if rng.random() < 0.95 else not knows_a) else 0.0)
            b.append(1.0 if (knows_b if rng.random() < 0.95 else not knows_b) else 0.0)
            keys.append("p%02d/q%d" % (q // 20, q % 20))
    # The margin lies between the smallest margins of the two analyses (rounded to 0.005).
    first = paired_case("draws_as_items", a, b, [], 5, 4000, None)
    second = paired_case("draws_clustered", a, b, keys, 5, 4000, None)
    margin = round((first["smallest_equivalence_margin"] + second["smallest_equivalence_margin"]) / 2 / 0.005) * 0.005
    clustered = paired_case("draws_clustered", a, b, keys, 5, 4000, margin)
    naive = paired_case("draws_as_items", a, b, [], 5, 4000, margin)
    # Naive: equivalent within the margin; clustered: the interval is too wide to say so.
    assert naive["verdict"] == "equivalent", naive["verdict"]
    assert clustered["verdict"] == "inconclusive", clustered["verdict"]
    assert (clustered["ci_high"] - clustered["ci_low"]) >= 1.5 * (naive["ci_high"] - naive["ci_low"])
    assert clustered["minimum_detectable_difference"] >= 1.5 * naive["minimum_detectable_difference"]
    cases += [clustered, naive]
    # Independent 0/1 items: a clear improvement (better), and a near tie that is non-inferior.
    a = [float(rng.random() < 0.70) for _ in range(300)]
    b = [x if rng.random() < 0.8 else float(rng.random() < 0.4) for x in a]
    cases.append(paired_case("better", a, b, [], 11, 3000, 0.02))
    a = [float(rng.random() < 0.6) for _ in range(400)]
    b = [x if rng.random() < 0.9 else 1.0 - x for x in a]
    cases.append(paired_case("near_tie", a, b, [], 12, 3000, 0.025))
    # Continuous scores (ROUGE-like): power from the standard deviation of the differences.
    a = [round(float(rng.uniform(0.1, 0.6)), 4) for _ in range(120)]
    b = [round(float(np.clip(x + rng.normal(-0.01, 0.05), 0, 1)), 4) for x in a]
    keys = ["doc-%d" % (i // 2) for i in range(120)]
    cases.append(paired_case("continuous_clustered", a, b, keys, 13, 3000, 0.03))
    # docs/compare.md's worked example: 140 case challenges, 39 both right, 20 only the
    # fine-tune, 22 only the base, 59 neither; margin 5 points.
    a = [1.0] * 39 + [1.0] * 20 + [0.0] * 22 + [0.0] * 59
    b = [1.0] * 39 + [0.0] * 20 + [1.0] * 22 + [0.0] * 59
    worked = paired_case("worked_example", a, b, [], 1234, 10000, 0.05)
    assert worked["verdict"] == "inconclusive" and worked["items_needed"] == 940
    cases.append(worked)
    for case in cases:
        print(case["name"], case["verdict"], case["ci90_low"], case["ci90_high"], case["p_value"],
              case["minimum_detectable_difference"])
    return cases


def power_cases():
    quantiles = [{"p": p, "z": Z(p)} for p in [1e-300, 1e-10, 0.001, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999999]]
    mcnemar = []
    for n, share, alpha, power in [(140, 0.2, 0.05, 0.8), (1273, 0.15, 0.05, 0.8), (50, 0.4, 0.01, 0.9),
                                   (10, 0.3, 0.05, 0.8), (3, 0.5, 0.05, 0.8)]:
        mcnemar.append({"n": n, "share": share, "alpha": alpha, "power": power,
                        "minimum_detectable_difference": mcnemar_mdd(n, share, alpha, power),
                        "items_needed_for_0.05": mcnemar_items(share, 0.05, alpha, power)})
    return {"normal_quantile": quantiles, "mcnemar": mcnemar}


# --- calibration ------------------------------------------------------------------------------

def calibration_items(loglikelihoods, gold):
    p = special.softmax(np.array(loglikelihoods, dtype=float), axis=1)
    chosen = np.argmax(np.array(loglikelihoods), axis=1)  # first maximum, as the C++
    confidence = p[np.arange(len(p)), chosen]
    correct = (chosen == np.array(gold)).astype(float)
    onehot = np.zeros_like(p)
    onehot[np.arange(len(p)), gold] = 1
    brier = np.sum((p - onehot) ** 2, axis=1)
    return confidence, correct, brier


def ece_equal_mass(confidence, correct, bins=15):
    n = len(confidence)
    order = np.argsort(confidence, kind="stable")
    b = min(bins, n)
    ece = 0.0
    for i in range(b):
        lo, hi = i * n // b, (i + 1) * n // b
        sel = order[lo:hi]
        ece += (hi - lo) / n * abs(correct[sel].mean() - confidence[sel].mean())
    return float(ece)


def ece_equal_width(confidence, correct, bins=15):
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (confidence > lo) & (confidence <= hi)
        if sel.any():
            ece += sel.mean() * abs(correct[sel].mean() - confidence[sel].mean())
    return float(ece)


def resample_orders(clusters, seed, resamples):
    k = max(clusters) + 1
    members = [[i for i, c in enumerate(clusters) if c == j] for j in range(k)]
    g = Xoshiro256StarStar.seeded(seed)
    for _ in range(resamples):
        order = []
        for _ in range(k):
            order += members[g.below(k)]
        yield np.array(order)


def calibration_case(name, loglikelihoods, gold, keys, seed, resamples):
    confidence, correct, brier = calibration_items(loglikelihoods, gold)
    clusters = dense_clusters(keys) if keys else list(range(len(gold)))
    eces = np.sort([ece_equal_mass(confidence[o], correct[o]) for o in resample_orders(clusters, seed, resamples)])
    low, high = interval(eces, 0.95)
    return {"name": name, "option_loglikelihoods": loglikelihoods, "gold": gold, "cluster_keys": keys, "seed": seed,
            "resamples": resamples, "chosen_probability": confidence.tolist(), "correct": correct.tolist(),
            "brier": brier.tolist(), "ece": ece_equal_mass(confidence, correct), "ece_ci_low": low,
            "ece_ci_high": high, "ece_equal_width": ece_equal_width(confidence, correct),
            "brier_mean": float(brier.mean()), "chosen_probability_mean": float(confidence.mean())}


def paired_ece_case(a, b, seed, resamples):
    ca, ka, _ = calibration_items(a["option_loglikelihoods"], a["gold"])
    cb, kb, _ = calibration_items(b["option_loglikelihoods"], b["gold"])
    n = len(ca)
    clusters = list(range(n))
    diffs = np.sort([ece_equal_mass(ca[o], ka[o]) - ece_equal_mass(cb[o], kb[o])
                     for o in resample_orders(clusters, seed, resamples)])
    observed = ece_equal_mass(ca, ka) - ece_equal_mass(cb, kb)
    g = Xoshiro256StarStar.seeded(seed + 1)
    extreme = 0
    for _ in range(resamples):
        swap = np.zeros(n, dtype=bool)
        bits = 0
        for c in range(n):
            if c % 64 == 0:
                bits = g.next()
            swap[c] = (bits >> (c % 64)) & 1
        la, lk = np.where(swap, cb, ca), np.where(swap, kb, ka)
        ra, rk = np.where(swap, ca, cb), np.where(swap, ka, kb)
        if abs(ece_equal_mass(la, lk) - ece_equal_mass(ra, rk)) >= abs(observed) - 1e-12:
            extreme += 1
    return {"seed": seed, "resamples": resamples, "difference": observed,
            "ci_low": interval(diffs, 0.95)[0], "ci_high": interval(diffs, 0.95)[1],
            "ci90_low": interval(diffs, 0.9)[0], "ci90_high": interval(diffs, 0.9)[1],
            "p_value": (1 + extreme) / (resamples + 1)}


def calibration_cases():
    rng = np.random.default_rng(15)
    cases = []
    # An over-confident model: sharp log-likelihoods, 55% right.
    n = 97
    gold = [int(g) for g in rng.integers(0, 4, n)]
    lls = []
    for i in range(n):
        row = [round(float(x), 4) for x in rng.normal(-8, 1.0, 4)]
        if rng.random() < 0.55:
            row[gold[i]] = round(max(row) + float(rng.uniform(0.5, 4)), 4)
        lls.append(row)
    over = calibration_case("overconfident", lls, gold, [], 3, 2000)
    # Equal-width bins would give another number: a binning that is not the documented one fails.
    assert abs(over["ece"] - over["ece_equal_width"]) > 0.01, (over["ece"], over["ece_equal_width"])
    cases.append(over)
    # A milder model on the same items, with ties in the chosen probability (equal rows).
    lls2 = []
    for i in range(n):
        row = [round(float(x), 3) for x in rng.normal(-8, 0.4, 4)]
        if i % 10 == 0:
            row = [-5.0, -6.0, -7.0, -8.0]
        lls2.append(row)
    mild = calibration_case("mild_with_ties", lls2, gold, [], 4, 2000)
    cases.append(mild)
    # Clustered: 30 questions asked 3 times with the same options scored alike.
    keys, lls3, gold3 = [], [], []
    for q in range(30):
        row = [round(float(x), 3) for x in rng.normal(-6, 1.5, 5)]
        g = int(rng.integers(0, 5))
        for r in range(3):
            lls3.append([round(x + float(rng.normal(0, 0.05)), 3) for x in row])
            gold3.append(g)
            keys.append("q%d" % q)
    cases.append(calibration_case("clustered", lls3, gold3, keys, 5, 2000))
    paired = paired_ece_case(over, mild, 21, 1000)
    return {"items": cases, "paired_ece": dict(paired, a=0, b=1)}


# --- the fine-tuning x retrieval interaction ---------------------------------------------------

def factorial_case():
    """Four systems on 40 questions x 5 draws: retrieval helps the base a lot and the fine-tune
    little (a negative interaction); a question's draws mostly agree."""
    rng = np.random.default_rng(66)
    arms = {"base": [], "base_rag": [], "fine_tune": [], "fine_tune_rag": []}
    keys, ids = [], []
    for q in range(40):
        knows = {"base": rng.random() < 0.4, "fine_tune": rng.random() < 0.5}
        knows["base_rag"] = knows["base"] or rng.random() < 0.5
        knows["fine_tune_rag"] = knows["fine_tune"] or rng.random() < 0.15
        for draw in range(5):
            for arm in arms:
                outcome = knows[arm] if rng.random() < 0.97 else not knows[arm]
                arms[arm].append(1.0 if outcome else 0.0)
            keys.append("p%02d/q%d" % (q // 20, q % 20))
            ids.append("p%02d/q%d/draw%d" % (q // 20, q % 20, draw))
    tuned_gain = [x - y for x, y in zip(arms["fine_tune_rag"], arms["fine_tune"])]
    base_gain = [x - y for x, y in zip(arms["base_rag"], arms["base"])]
    clustered = paired_case("interaction", tuned_gain, base_gain, keys, 1234, 3000, None)
    d = [x - y for x, y in zip(tuned_gain, base_gain)]
    naive_means = cluster_bootstrap_means(d, list(range(len(d))), 1234, 3000)
    naive_low, naive_high = interval(naive_means, 0.95)
    assert (clustered["ci_high"] - clustered["ci_low"]) >= 1.5 * (naive_high - naive_low)
    print("interaction", clustered["difference"], clustered["ci_low"], clustered["ci_high"], clustered["p_value"],
          naive_low, naive_high)
    return {"ids": ids, "cluster_keys": keys, "scores": arms, "seed": 1234, "resamples": 3000,
            "interaction": {k: clustered[k] for k in ["difference", "ci_low", "ci_high", "ci90_low", "ci90_high",
                                                      "p_value", "test"]},
            "naive_ci_low": naive_low, "naive_ci_high": naive_high}


def main():
    check_published_vectors()
    golden = {
        "format": 1,
        "generator": "tests/data/golden/stats/make_analysis_golden.py",
        "cluster_bootstrap": cluster_bootstrap_cases(),
        "paired_analysis": paired_cases(),
        "power": power_cases(),
        "calibration": calibration_cases(),
        "factorial": factorial_case(),
    }
    OUT.write_text(json.dumps(golden, indent=1) + "\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
