// Statistics stage: point estimates with bootstrap confidence intervals, paired comparisons of two
// systems on the same items, exact and permutation p-values, and multiple-comparison correction.
//
// Every function here is pure: no I/O, no global state, no threads. Results depend only on the
// arguments, and the random streams are defined below bit for bit, so the same seed gives the
// same intervals and p-values with any compiler and standard library (std::mt19937 is portable,
// but the std:: distributions are not: libstdc++ and libc++ map the same engine output to
// different integers). tests/data/golden/stats/make_stats_golden.py reimplements the streams in
// Python and is the reference the golden tests compare against.
//
// Contract violations (spans of different lengths, a p-value outside [0, 1], zero resamples) are
// bugs in the caller and abort with a message, in release builds too: a wrong number in a report
// is worse than a crash that names the line.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace clinbench {

// --- random numbers -------------------------------------------------------------------------

// xoshiro256** 1.0 (Blackman and Vigna, https://prng.di.unimi.it/xoshiro256starstar.c), seeded
// by four successive outputs of SplitMix64 started at the seed, as the authors recommend. Not
// cryptographic. A value type: copy it to fork a stream. Not thread-safe; use one per thread.
struct StatsRandom {
  uint64_t state[4];
};

// Any seed is valid, 0 included: SplitMix64's output function is a bijection, so four successive
// outputs are never all zero (the one state xoshiro cannot leave).
inline StatsRandom stats_random_seeded(uint64_t seed) {
  StatsRandom random{};
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
inline uint64_t stats_random_next(StatsRandom& random) {
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
// bits of stats_random_next, so the arithmetic stays in 64 bits on every compiler. Consumes one
// draw, more only on a rejection (probability < bound / 2^32). The reference script repeats
// exactly these steps.
inline uint32_t stats_random_below(StatsRandom& random, uint32_t bound) {
  uint64_t product = (stats_random_next(random) >> 32) * bound;
  uint32_t low = static_cast<uint32_t>(product);
  if (low < bound) {
    const uint32_t threshold = (0u - bound) % bound;  // 2^32 mod bound
    while (low < threshold) {
      product = (stats_random_next(random) >> 32) * bound;
      low = static_cast<uint32_t>(product);
    }
  }
  return static_cast<uint32_t>(product >> 32);
}

// --- bootstrap ------------------------------------------------------------------------------

struct StatsBootstrapOptions {
  uint64_t seed = 0;           // the run's --seed; the same seed gives the same interval
  int64_t resamples = 10000;   // >= 1; 10,000 keeps the 2.5% quantile's Monte Carlo error small
  double confidence = 0.95;    // in (0, 1)
};

// A point value with its percentile bootstrap interval: what results.json stores per metric as
// value, ci_low, ci_high. ci_low <= ci_high always; value usually lies between them but the
// percentile method does not guarantee it for skewed scores.
struct StatsEstimate {
  int64_t n = 0;  // items
  double value = 0;
  double ci_low = 0;
  double ci_high = 0;
};

// Mean of per-item scores with a percentile bootstrap interval over items.
//
// Returns std::nullopt for no items: there is no mean, and the report writes null rather than a
// made-up 0. For one item, or all items equal, the interval is [value, value] exactly.
//
// Algorithm, which the golden file's script repeats: random = stats_random_seeded(seed); for
// each of the resamples, draw n indices in order with stats_random_below(random, n) and take
// the mean (sum in draw order, divided by n); sort the resample means and read the quantiles
// q = (1 - confidence) / 2 and 1 - q with linear interpolation between order statistics
// (numpy.percentile's default, R's quantile type 7): h = (resamples - 1) * q,
// x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
// Contract: every score finite, n < 2^32. Cost: resamples * n draws, one allocation of
// resamples doubles (about 30 ms for 10,000 resamples of 1,500 items).
std::optional<StatsEstimate> stats_bootstrap_mean(std::span<const double> scores,
                                                  const StatsBootstrapOptions& options);

// --- paired comparison ----------------------------------------------------------------------

// Two systems scored on the same items, a[i] and b[i] for item i.
struct StatsPairedBootstrap {
  int64_t n = 0;
  double mean_a = 0;
  double mean_b = 0;
  // Mean of the per-item differences a[i] - b[i]; equals mean_a - mean_b up to rounding, and is
  // exactly 0 with interval [0, 0] for identical runs.
  double difference = 0;
  double ci_low = 0;   // percentile bootstrap interval of the difference
  double ci_high = 0;
};

// Difference of means with a paired bootstrap interval: each resample draws item indices and
// applies them to both systems, so the interval reflects the item-level correlation between the
// systems (much narrower than two independent intervals when the models agree on most items).
// Implemented as stats_bootstrap_mean on the differences a[i] - b[i], with the same stream and
// percentile rule. Contract: a.size() == b.size() (aligning items by id is the caller's job),
// every score finite. std::nullopt for no items. Allocates the differences and the resample
// means once, never per resample: 10,000 resamples of 1,500 items take about 30 ms.
std::optional<StatsPairedBootstrap> stats_paired_bootstrap(std::span<const double> a,
                                                           std::span<const double> b,
                                                           const StatsBootstrapOptions& options);

// Scores closer than this are a tie. Absolute, in score units: scores are fractions in [0, 1]
// (accuracy, ROUGE, F1), where 1e-9 absorbs floating-point noise from summing the same numbers
// in another order but is far below any real difference on one item.
inline constexpr double stats_default_tie_tolerance = 1e-9;

struct StatsWinTieLoss {
  int64_t wins = 0;    // items where a[i] - b[i] >  tie_tolerance
  int64_t ties = 0;    // items where |a[i] - b[i]| <= tie_tolerance
  int64_t losses = 0;  // items where a[i] - b[i] < -tie_tolerance
};

// Contract: a.size() == b.size(), tie_tolerance >= 0. For 0/1 scores wins and losses are the
// discordant counts of McNemar's test.
StatsWinTieLoss stats_win_tie_loss(std::span<const double> a, std::span<const double> b,
                                   double tie_tolerance = stats_default_tie_tolerance);

// --- p-values -------------------------------------------------------------------------------

// P[X <= k] for X ~ Binomial(n, 1/2), 0 <= k, 0 <= n. Accurate to about 1e-13 relative for n up
// to 10^6 and beyond: the term at k comes from Loader's saddle-point expansion (as R's dbinom),
// the rest by the ratio of successive terms, so no factorial or power of 2 overflows. Values
// below about 1e-308 underflow to 0.
double stats_binomial_half_cdf(int64_t n, int64_t k);

// Two-sided exact McNemar test for paired 0/1 outcomes. b: items the first system got right and
// the second wrong; c: the reverse (stats_win_tie_loss's wins and losses). Under no difference
// the discordant items split as Binomial(b + c, 1/2), so p = min(1, 2 * P[X <= min(b, c)]), and
// p = 1 when b + c = 0. Contract: b, c >= 0. Exact, not the chi-squared approximation, because
// clinical test sets are often small and the discordant counts smaller.
double stats_mcnemar_exact(int64_t b, int64_t c);

struct StatsSignFlipOptions {
  uint64_t seed = 0;              // used only by the Monte Carlo branch
  int64_t permutations = 10000;   // Monte Carlo sign vectors, >= 1; smallest p = 1 / 10,001
  int max_exact_differences = 20; // enumerate all 2^m sign vectors up to this m; <= 30
  double tie_tolerance = stats_default_tie_tolerance;  // |d| at or below this counts as zero
};

enum class StatsSignFlipMethod { no_differences, exact, monte_carlo };

struct StatsSignFlipTest {
  double p_value = 1;  // in (0, 1]
  StatsSignFlipMethod method = StatsSignFlipMethod::no_differences;
  int64_t nonzero_differences = 0;  // m
  int64_t sign_vectors = 0;         // 2^m when exact, options.permutations when Monte Carlo
};

// Two-sided paired sign-flip (randomization) test of "mean difference = 0" for continuous
// scores. Under no difference each per-item difference d is as likely as -d, so the statistic
// |sum of d| is compared with its value under every assignment of signs. Differences with
// |d| <= tie_tolerance are dropped (they cannot move the statistic); m is how many remain.
//   m = 0: p = 1 (identical runs).
//   m <= max_exact_differences: exact, p = #{s : |sum s_i d_i| >= |sum d_i|} / 2^m over all 2^m
//     sign vectors, so p >= 2 / 2^m.
//   otherwise Monte Carlo: p = (1 + count) / (permutations + 1), which is never 0 and is a valid
//     p-value (Phipson and Smyth 2010). Stream: random = stats_random_seeded(seed); for each
//     permutation, for i in 0..m-1, take a fresh stats_random_next word when i % 64 == 0, and
//     d_i is negated when bit (i % 64) of the word is 1; the sum runs in item order.
// A sum counts as at least as extreme when |sum| >= |observed| - 1e-9 * sum |d|: sums equal in
// exact arithmetic may differ in the last bits, and this keeps such ties (conservative).
StatsSignFlipTest stats_sign_flip_test(std::span<const double> differences,
                                       const StatsSignFlipOptions& options);

// Holm–Bonferroni step-down adjustment of a whole table of p-values (all tasks and metrics of a
// comparison are one family). Sorted ascending, p_(i) becomes max over j <= i of
// min(1, (m - j + 1) * p_(j)) for i = 1..m, so adjusted values are monotone in the raw ones and
// capped at 1; returned in the input order. Same as R's p.adjust(p, "holm"). Controls the
// family-wise error rate under any dependence between the tests. Contract: every p in [0, 1]
// (NaN is a bug upstream). Empty in, empty out.
std::vector<double> stats_holm_adjust(std::span<const double> p_values);

// --- all of it for one metric ----------------------------------------------------------------

enum class StatsPairedTest { none, mcnemar_exact, sign_flip_exact, sign_flip_monte_carlo };

struct StatsPairedComparison {
  StatsPairedBootstrap bootstrap;
  StatsWinTieLoss counts;
  double p_value = 1;  // before multiple-comparison correction
  StatsPairedTest test = StatsPairedTest::none;
};

// What `clinbench compare` reports per task and metric. The test follows the scores: McNemar
// exact when every score of both systems is exactly 0 or 1, else the sign-flip test on a[i] -
// b[i] (seed = bootstrap.seed, tie tolerance as given). std::nullopt for no items; contract:
// a.size() == b.size(). Apply stats_holm_adjust to the p-values of the whole table afterwards.
std::optional<StatsPairedComparison> stats_paired_compare(
    std::span<const double> a, std::span<const double> b, const StatsBootstrapOptions& bootstrap,
    double tie_tolerance = stats_default_tie_tolerance);

}  // namespace clinbench
