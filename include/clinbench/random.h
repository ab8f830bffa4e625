// Seeded random numbers every stage shares: the statistics stage's resamples and permutations,
// the tasks stage's example order, the prompt stage's document order. The stream is defined bit
// for bit, so the same seed gives the same numbers with any compiler and standard library
// (std::mt19937 is portable, but the std:: distributions are not: libstdc++ and libc++ map the
// same engine output to different integers). tests/data/golden/stats/make_stats_golden.py
// reimplements the stream in Python and is the reference the golden tests compare against.
// CPython's own generator, where the reference study relied on it, is in python_random.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace clinbench {

// xoshiro256** 1.0 (Blackman and Vigna, https://prng.di.unimi.it/xoshiro256starstar.c), seeded
// by four successive outputs of SplitMix64 started at the seed, as the authors recommend. Not
// cryptographic. A value type: copy it to fork a stream. Not thread-safe; use one per thread.
struct Random {
  uint64_t state[4];
};

// Any seed is valid, 0 included: SplitMix64's output function is a bijection, so four successive
// outputs are never all zero (the one state xoshiro cannot leave).
inline Random random_seeded(uint64_t seed) {
  Random random{};
  for (uint64_t& word : random.state) {
    seed += 0x9e3779b97f4a7c15ULL;
    uint64_t z = seed;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    word = z ^ (z >> 31);
  }
  return random;
}

// The next 64 uniformly distributed bits.
inline uint64_t random_next(Random& random) {
  uint64_t* s = random.state;
  const uint64_t rotated = s[1] * 5;
  const uint64_t result = ((rotated << 7) | (rotated >> 57)) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = (s[3] << 45) | (s[3] >> 19);
  return result;
}

// A uniformly distributed integer in [0, bound), bound >= 1, without modulo bias: Lemire's
// multiply-and-reject ("Fast random integer generation in an interval", 2019) on the upper 32
// bits of random_next, so the arithmetic stays in 64 bits on every compiler. Consumes one
// draw, more only on a rejection (probability < bound / 2^32). The reference script repeats
// exactly these steps.
inline uint32_t random_below(Random& random, uint32_t bound) {
  uint64_t product = (random_next(random) >> 32) * bound;
  uint32_t low = static_cast<uint32_t>(product);
  if (low < bound) {
    const uint32_t threshold = (0u - bound) % bound;  // 2^32 mod bound
    while (low < threshold) {
      product = (random_next(random) >> 32) * bound;
      low = static_cast<uint32_t>(product);
    }
  }
  return static_cast<uint32_t>(product >> 32);
}

// --- shuffles -------------------------------------------------------------------------------

// Fisher-Yates from the back, the order both CPython's random.shuffle and clinbench's own
// shuffles draw in: for i = n-1 down to 1, swap items[i] with items[draw_below(i + 1)], where
// draw_below(bound) returns an integer in [0, bound). The generator decides the stream; this
// decides which draw moves which item, so one generator gives one order everywhere.
template <typename T, typename DrawBelow>
void shuffle_with(std::vector<T>& items, DrawBelow&& draw_below) {
  for (size_t i = items.size(); i > 1; --i) {
    std::swap(items[i - 1], items[draw_below(uint32_t(i))]);
  }
}

// Seeded shuffle with this file's generator: the same seed and size give the same order on every
// platform. Consumes exactly one random_below per position from the back (n - 1 draws, plus
// rejections). Fewer than 2^32 items.
template <typename T>
void random_shuffle(std::vector<T>& items, Random& random) {
  shuffle_with(items, [&random](uint32_t bound) { return random_below(random, bound); });
}

// random_shuffle with a fresh generator: random_seeded(seed).
template <typename T>
void random_shuffle(std::vector<T>& items, uint64_t seed) {
  Random random = random_seeded(seed);
  random_shuffle(items, random);
}

}  // namespace clinbench
