#!/usr/bin/python3
"""Writes shuffle_golden.json, the expected orders of random_shuffle (include/clinbench/random.h;
tests/core/random_test.cpp).

Independent of the C++ code: the generator is make_stats_golden.py's from-the-spec xoshiro256**
(checked there against the published reference outputs), and the shuffle is the one the tasks
stage (example order, --seed) and the prompt stage (LongHealth letters, draw_seed + 1) have
always used: for i = n down to 2, swap items[i - 1] with items[below(i)].
Python 3 standard library only. Run from anywhere:

    python3 tests/data/golden/random/make_shuffle_golden.py
"""

import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "shuffle_golden.json"

spec = importlib.util.spec_from_file_location("make_stats_golden", HERE.parent / "stats" / "make_stats_golden.py")
stats_golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(stats_golden)


def shuffle(n, seed):
    rng = stats_golden.Xoshiro256StarStar.seeded(seed)
    items = list(range(n))
    for i in range(n, 1, -1):
        j = rng.below(i)
        items[i - 1], items[j] = items[j], items[i - 1]
    return items


def main():
    stats_golden.check_published_vectors()
    cases = []
    for seed in [0, 1, 42, 1234, 2**64 - 1]:
        for n in [0, 1, 2, 5, 17, 100]:
            cases.append({"seed": str(seed), "n": n, "order": shuffle(n, seed)})
    lines = ",\n".join("  " + json.dumps(case) for case in cases)
    OUT.write_text('{"shuffle": [\n' + lines + "\n]}\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
