#!/usr/bin/env python3
"""Writes stats_golden.json, the expected values of tests/stats/*_test.cpp.

Independent of the C++ code: exact rational arithmetic (fractions, math.comb) wherever the
answer has a closed form, and a from-the-spec reimplementation of the documented random streams
(include/clinbench/random.h and stats.h) for the seeded bootstrap and Monte Carlo sign-flip values.
Python 3 standard library only. Run from anywhere:

    python3 tests/data/golden/stats/make_stats_golden.py

It checks its own PRNG against the published reference outputs before writing anything.
"""

import json
import math
import random
from fractions import Fraction
from pathlib import Path

MASK64 = (1 << 64) - 1
OUT = Path(__file__).resolve().parent / "stats_golden.json"


# --- random streams, transcribed from the papers, not from the C++ -------------------------

def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK64


class Xoshiro256StarStar:
    def __init__(self, state):
        self.s = list(state)

    @classmethod
    def seeded(cls, seed):
        # SplitMix64 (Steele, Lea, Flood 2014) fills the state, as Vigna recommends.
        words = []
        x = seed & MASK64
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
            words.append(z ^ (z >> 31))
        return cls(words)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK64, 7) * 9) & MASK64
        t = (s[1] << 17) & MASK64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def below(self, bound):
        # Lemire 2019 on the upper 32 bits of a draw.
        assert 1 <= bound < (1 << 32)
        product = (self.next() >> 32) * bound
        low = product & 0xFFFFFFFF
        if low < bound:
            threshold = (1 << 32) % bound
            while low < threshold:
                product = (self.next() >> 32) * bound
                low = product & 0xFFFFFFFF
        return product >> 32


def check_published_vectors():
    # SplitMix64 from 0: the seed words of xoshiro (Vigna's splitmix64.c).
    assert Xoshiro256StarStar.seeded(0).s == [
        0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F, 0xF88BB8A8724C81EC]
    # xoshiro256** from state {1, 2, 3, 4} (reference implementation's outputs, as quoted by
    # the Rust crate rand_xoshiro's tests).
    g = Xoshiro256StarStar([1, 2, 3, 4])
    assert [g.next() for _ in range(10)] == [
        11520, 0, 1509978240, 1215971899390074240, 1216172134540287360, 607988272756665600,
        16172922978634559625, 8476171486693032832, 10595114339597558777, 2904607092377533576]


def random_cases():
    streams = []
    for seed in [0, 1, 42, MASK64]:
        g = Xoshiro256StarStar.seeded(seed)
        streams.append({"seed": seed, "next": [g.next() for _ in range(8)]})
    bounded = []
    # Large bounds reject often (2^32 mod bound is large), which exercises the loop.
    for seed, bound in [(0, 1), (1, 2), (2, 3), (3, 7), (4, 1500), (5, 2**31 + 1),
                        (6, 3 * 2**30 + 7), (7, 2**32 - 1)]:
        g = Xoshiro256StarStar.seeded(seed)
        bounded.append({"seed": seed, "bound": bound, "draws": [g.below(bound) for _ in range(64)]})
    return {"streams": streams, "below": bounded}


# --- binomial tail and McNemar, exact ------------------------------------------------------

def binomial_half_cdf_exact(n, k):
    """P[X <= k], X ~ Bin(n, 1/2), as an exact Fraction."""
    if k >= n:
        return Fraction(1)
    total = 0
    term = 1  # C(n, 0)
    for j in range(k + 1):
        total += term
        term = term * (n - j) // (j + 1)
    return Fraction(total, 1 << n)


def mcnemar_exact(b, c):
    if b + c == 0:
        return Fraction(1)
    return min(Fraction(1), 2 * binomial_half_cdf_exact(b + c, min(b, c)))


def mcnemar_cases():
    # The brief's worked example first: 2 * sum_{k<=2} C(12, k) / 2^12 = 158 / 4096.
    assert mcnemar_exact(10, 2) == Fraction(2 * (1 + 12 + 66), 4096)
    pairs = [(10, 2), (2, 10), (0, 0), (1, 0), (0, 5), (5, 5), (6, 5), (3, 20), (7, 21),
             (25, 40), (100, 130), (1000, 1100), (5000, 5400), (20000, 20500),
             (49500, 50500), (49000, 51000), (50000, 50000), (0, 60), (1, 200), (0, 2000)]
    return [{"b": b, "c": c, "p": float(mcnemar_exact(b, c))} for b, c in pairs]


def binomial_cases():
    # Both sides of the middle, where the C++ sums the short tail and subtracts from 1.
    cases = [(1, 0), (2, 1), (20, 3), (20, 9), (20, 10), (20, 15), (1001, 400), (1001, 600),
             (100000, 49000), (100000, 50000), (100000, 50100), (100000, 99990)]
    return [{"n": n, "k": k, "p": float(binomial_half_cdf_exact(n, k))} for n, k in cases]


# --- Holm ----------------------------------------------------------------------------------

def holm(p_strings):
    p = [Fraction(s) for s in p_strings]
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    adjusted = [None] * m
    running = Fraction(0)
    for rank, i in enumerate(order):
        running = max(running, min(Fraction(1), (m - rank) * p[i]))
        adjusted[i] = running
    return [float(a) for a in adjusted]


def holm_cases():
    tables = [
        # Wikipedia, "Holm-Bonferroni method", worked example: 0.03, 0.06, 0.06, 0.02.
        ["0.01", "0.04", "0.03", "0.005"],
        # Evenly spaced; the running maximum carries 0.09 to the end.
        ["0.01", "0.02", "0.03", "0.04", "0.05"],
        # Capped at 1.
        ["0.5", "0.7", "0.45"],
        # Ties and the input order restored.
        ["0.02", "0.5", "0.02", "0.001"],
        ["0.03"],
        ["0", "1", "0.2", "0.2", "0.0001", "0.04"],
    ]
    cases = []
    for table in tables:
        cases.append({"p": [float(Fraction(s)) for s in table], "adjusted": holm(table)})
    assert cases[0]["adjusted"] == [0.03, 0.06, 0.06, 0.02]
    return cases


# --- sign-flip test ------------------------------------------------------------------------

def sign_flip_exact(d_strings):
    """Exact two-sided p over all sign vectors, by the distribution of signed sums (a different
    algorithm from the C++ enumeration): differences taken as the decimals written."""
    d = [Fraction(s) for s in d_strings if Fraction(s) != 0]
    m = len(d)
    if m == 0:
        return 1.0, 0, 0
    scale = math.lcm(*[x.denominator for x in d])
    integers = [int(x * scale) for x in d]
    distribution = {0: 1}
    for v in integers:
        nxt = {}
        for s, count in distribution.items():
            nxt[s + v] = nxt.get(s + v, 0) + count
            nxt[s - v] = nxt.get(s - v, 0) + count
        distribution = nxt
    observed = abs(sum(integers))
    extreme = sum(count for s, count in distribution.items() if abs(s) >= observed)
    return float(Fraction(extreme, 1 << m)), m, 1 << m


def sign_flip_exact_cases():
    rng = random.Random(20240601)
    vectors = [
        ["1", "2", "3"],                       # 2 of 8 sign vectors reach |6|: 0.25
        ["0", "1", "0", "2", "3"],             # zeros dropped: same as above
        ["0.5", "0.5", "0.5", "0.5", "0.5"],   # only all-plus and all-minus: 2/32
        ["1", "-2", "3", "4"],
        ["0.1", "0.2", "-0.3", "0.5"],         # ties that binary rounding splits
        ["-0.25", "0.125", "-0.5", "0.0625", "-1"],
        ["1", "-1"],                           # observed 0: p = 1
        ["0.3"],                               # one difference: p = 1
        ["0", "0", "0"],                       # no differences: p = 1
    ]
    vectors.append(["%.4f" % rng.uniform(-0.2, 0.6) for _ in range(12)])
    vectors.append(["%.3f" % rng.uniform(-0.5, 0.5) for _ in range(16)])
    vectors.append(["%.4f" % rng.uniform(-0.3, 0.5) for _ in range(20)])  # 2^20, the limit
    cases = []
    for v in vectors:
        p, m, vectors_count = sign_flip_exact(v)
        cases.append({"differences": [float(Fraction(s)) for s in v], "p": p,
                      "nonzero_differences": m, "sign_vectors": vectors_count})
    assert cases[0]["p"] == 0.25 and cases[2]["p"] == 0.0625
    return cases


def sign_flip_monte_carlo(d, seed, permutations, tie_tolerance=1e-9):
    # Floating-point as the C++ does it, in the same order: this value is a count of random
    # events, so it must be repeated operation for operation.
    nonzero = [x for x in d if abs(x) > tie_tolerance]
    observed = 0.0
    magnitude = 0.0
    for x in nonzero:
        observed += x
        magnitude += abs(x)
    threshold = abs(observed) - 1e-9 * magnitude
    g = Xoshiro256StarStar.seeded(seed)
    extreme = 0
    for _ in range(permutations):
        total = 0.0
        signs = 0
        for i, x in enumerate(nonzero):
            if i % 64 == 0:
                signs = g.next()
            total += -x if (signs >> (i % 64)) & 1 else x
        if abs(total) >= threshold:
            extreme += 1
    return (1 + extreme) / (permutations + 1), len(nonzero)


def sign_flip_monte_carlo_cases():
    rng = random.Random(77)
    cases = []
    for length, shift, seed, permutations in [(40, 0.05, 2024, 5000), (150, 0.0, 9, 2000),
                                              (25, 0.2, 0, 3000)]:
        d = [round(rng.uniform(-0.5, 0.5) + shift, 4) for _ in range(length)]
        if length == 150:
            d[10] = 0.0  # dropped, so the 64-bit sign words straddle a different boundary
        p, m = sign_flip_monte_carlo(d, seed, permutations)
        cases.append({"differences": d, "seed": seed, "permutations": permutations, "p": p,
                      "nonzero_differences": m})
    return cases


# --- bootstrap -----------------------------------------------------------------------------

def quantile_of_sorted(x, q):
    position = (len(x) - 1) * q
    below = math.floor(position)
    if below + 1 >= len(x):
        return x[-1]
    fraction = position - below
    return x[below] + fraction * (x[below + 1] - x[below])


def mean_in_order(values):
    total = 0.0
    for v in values:
        total += v
    return total / len(values)


def bootstrap_interval(values, seed, resamples, confidence):
    g = Xoshiro256StarStar.seeded(seed)
    n = len(values)
    means = []
    for _ in range(resamples):
        total = 0.0
        for _ in range(n):
            total += values[g.below(n)]
        means.append(total / n)
    means.sort()
    tail = (1 - confidence) / 2
    return quantile_of_sorted(means, tail), quantile_of_sorted(means, 1 - tail)


def bootstrap_mean_cases():
    rng = random.Random(5)
    inputs = [
        ([float(rng.random() < 0.7) for _ in range(30)], 1, 10000, 0.95),
        ([round(rng.betavariate(2, 3), 4) for _ in range(120)], 12345, 4000, 0.95),
        ([round(rng.random(), 3) for _ in range(57)], 2**63 + 11, 3000, 0.9),
        ([float(rng.random() < 0.5) for _ in range(200)], 0, 2000, 0.99),
        ([0.0, 1.0], 3, 1000, 0.95),
    ]
    cases = []
    for scores, seed, resamples, confidence in inputs:
        low, high = bootstrap_interval(scores, seed, resamples, confidence)
        cases.append({"scores": scores, "seed": seed, "resamples": resamples,
                      "confidence": confidence, "value": mean_in_order(scores),
                      "ci_low": low, "ci_high": high})
    return cases


def paired_bootstrap_cases():
    rng = random.Random(11)
    cases = []
    for n, binary, seed, resamples in [(100, True, 7, 5000), (80, False, 99, 3000)]:
        if binary:
            a = [float(rng.random() < 0.75) for _ in range(n)]
            b = [x if rng.random() < 0.8 else 1.0 - x for x in a]
        else:
            a = [round(rng.random(), 4) for _ in range(n)]
            b = [round(min(1.0, max(0.0, x + rng.uniform(-0.2, 0.15))), 4) for x in a]
        differences = [x - y for x, y in zip(a, b)]
        low, high = bootstrap_interval(differences, seed, resamples, 0.95)
        wins = sum(1 for x, y in zip(a, b) if Fraction(x) - Fraction(y) > Fraction(1, 10**9))
        losses = sum(1 for x, y in zip(a, b) if Fraction(x) - Fraction(y) < -Fraction(1, 10**9))
        cases.append({"a": a, "b": b, "seed": seed, "resamples": resamples, "confidence": 0.95,
                      "mean_a": mean_in_order(a), "mean_b": mean_in_order(b),
                      "difference": mean_in_order(differences), "ci_low": low, "ci_high": high,
                      "wins": wins, "ties": n - wins - losses, "losses": losses})
    return cases


def main():
    check_published_vectors()
    golden = {
        "format": 1,
        "generator": "tests/data/golden/stats/make_stats_golden.py",
        "random": random_cases(),
        "binomial_half_cdf": binomial_cases(),
        "mcnemar_exact": mcnemar_cases(),
        "holm": holm_cases(),
        "sign_flip_exact": sign_flip_exact_cases(),
        "sign_flip_monte_carlo": sign_flip_monte_carlo_cases(),
        "bootstrap_mean": bootstrap_mean_cases(),
        "paired_bootstrap": paired_bootstrap_cases(),
    }
    OUT.write_text(json.dumps(golden, indent=1) + "\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
