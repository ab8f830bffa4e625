#!/usr/bin/python3
"""Writes python_random_golden.json with CPython's own `random` module: the reference that
src/core/python_random.cpp reproduces (tests/core/python_random_test.cpp).

Run: /usr/bin/python3 make_python_random_golden.py > python_random_golden.json
"""
import json
import random
import sys

cases = []
for seed in [0, 1, 1234, 2**32 - 1, 2**32, 2**40 + 7, 2**64 - 1, 1234 * 2**32 + (3 << 20) + (7 << 8) + 5]:
    r = random.Random(seed)
    words = [r.getrandbits(32) for _ in range(5)]
    r = random.Random(seed)
    below = [r._randbelow(n) for n in [1, 2, 3, 5, 10, 17, 100, 1000, 2**31 + 1]]
    r = random.Random(seed)
    order = list(range(25))
    r.shuffle(order)
    r = random.Random(seed)
    small = r.sample(range(30), 10)   # the pool branch (n <= 85 for k = 10)
    large = r.sample(range(120), 10)  # the set branch
    few = r.sample(range(7), 7)       # k <= 5 rule does not apply; n <= 21
    cases.append({"seed": str(seed), "uint32": words, "randbelow": below, "shuffle25": order,
                  "sample30_10": small, "then_sample120_10": large, "then_sample7_7": few})

# CLUE's MeDiSumQA: random.seed(1); random.shuffle(data) on the 416 items of the release.
random.seed(1)
items = list(range(416))
random.shuffle(items)
small = {}
for n in range(1, 13):
    random.seed(1)
    order = list(range(n))
    random.shuffle(order)
    small[str(n)] = order
json.dump({"python": sys.version.split()[0], "cases": cases, "medisumqa_seed1_shuffle416": items,
           "seed1_shuffle": small},
          sys.stdout, indent=1)
sys.stdout.write("\n")
