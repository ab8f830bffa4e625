// Statistics stage: point estimates with bootstrap confidence intervals, paired comparisons of two
// systems on the same items, exact and permutation p-values, and multiple-comparison correction.
//
// Every function here is pure: no I/O, no global state, no threads. Results depend only on the
// arguments, and the random streams are defined below bit for bit over core's generator
// (clinbench/random.h: random_seeded, random_next, random_below), so the same seed gives the
// same intervals and p-values with any compiler and standard library.
// tests/data/golden/stats/make_stats_golden.py reimplements the streams in Python and is the
// reference the golden tests compare against.
//
// Contract violations (spans of different lengths, a p-value outside [0, 1], zero resamples) are
// bugs in the caller and abort with a message, in release builds too: a wrong number in a report
// is worse than a crash that names the line.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "clinbench/random.h"

namespace clinbench {

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
// Algorithm, which the golden file's script repeats: random = random_seeded(seed); for
// each of the resamples, draw n indices in order with random_below(random, n) and take
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
//     p-value (Phipson and Smyth 2010). Stream: random = random_seeded(seed); for each
//     permutation, for i in 0..m-1, take a fresh random_next word when i % 64 == 0, and
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

enum class StatsPairedTest {
  none,
  mcnemar_exact,
  sign_flip_exact,
  sign_flip_monte_carlo,
  cluster_sign_flip_exact,        // stats_paired_analyse with clusters: whole clusters flipped
  cluster_sign_flip_monte_carlo,
  ece_permutation,  // compare's ECE row: stats_paired_ece's paired permutation test
};

// The test's key in compare.json ("mcnemar_exact") and its label in tables ("McNemar exact"),
// both from one table (src/stats/paired_test_names.cpp).
std::string_view stats_paired_test_name(StatsPairedTest test);
const char* stats_paired_test_label(StatsPairedTest test);

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

// --- clustered items ------------------------------------------------------------------------
//
// Items that share a cluster (the 5 or 10 draws of one LongHealth question, the repeats of a
// sampled item) are not independent: a model that knows the answer gets most draws right. The
// functions below resample and permute whole clusters. cluster_of_item[i] is item i's cluster,
// numbered densely 0..k-1 (stats_cluster_index numbers string keys so); an empty span means every
// item is its own cluster, and then every result equals the unclustered function's bit for bit.

// Dense cluster numbers of keys, in order of first appearance. The number of clusters is
// max + 1 (0 for no keys).
std::vector<uint32_t> stats_cluster_index(std::span<const std::string> keys);

// The sorted resample means of the cluster bootstrap. Stream: random =
// random_seeded(seed); for each resample, draw k cluster numbers in order with
// random_below(random, k); the resample mean is the sum of the drawn clusters' totals (each
// total summed in item order, added in draw order) divided by the number of items drawn (a ratio
// estimator: clusters of unequal size weigh by their size). With one item a cluster this is
// stats_bootstrap_mean's stream exactly. Contract: values not empty, finite; cluster_of_item
// empty or of values' size with dense numbers; options valid.
std::vector<double> stats_cluster_bootstrap_means(std::span<const double> values,
                                                  std::span<const uint32_t> cluster_of_item,
                                                  const StatsBootstrapOptions& options);

// Quantile q in [0, 1] of ascending values, type 7 (stats_bootstrap_mean's rule). Not empty.
double stats_quantile_of_sorted(std::span<const double> sorted, double q);

// stats_bootstrap_mean with whole clusters resampled. std::nullopt for no items.
std::optional<StatsEstimate> stats_bootstrap_mean_clustered(std::span<const double> scores,
                                                            std::span<const uint32_t> cluster_of_item,
                                                            const StatsBootstrapOptions& options);

enum class StatsVerdict { better, worse, equivalent, non_inferior, inconclusive };

// The paired comparison of two systems on clustered items, with what the reader needs to say
// "not better": the 90% interval (TOST), the smallest margin equivalence could be claimed at,
// and the power figures.
struct StatsPairedAnalysis {
  StatsPairedComparison comparison;  // 95% interval, counts, p-value (test below)
  int64_t clusters = 0;              // k; equals n without clusters
  double ci90_low = 0;               // 90% interval of the difference, same resamples as the 95%
  double ci90_high = 0;
  // max(|ci90_low|, |ci90_high|): the smallest margin within which the two one-sided tests at
  // 5% each would call the systems equivalent.
  double smallest_equivalence_margin = 0;
  // Minimum detectable difference at 80% power and two-sided alpha (absolute, score units), and
  // the items a target difference would need; nullopt where the data cannot say (no discordant
  // items, no variation, one cluster, or too few items for any difference).
  std::optional<double> minimum_detectable_difference;
  std::optional<int64_t> items_needed;
  // How the power figures were computed: "mcnemar" (0/1 scores, no clusters: Connor 1987 with
  // the observed discordant share) or "standard_error" (the cluster-robust standard error of
  // the mean difference).
  const char* power_method = "";
  double discordant_share = 0;  // (b + c) / n for 0/1 scores
  double standard_error = 0;    // cluster-robust standard error of the mean difference
};

struct StatsAnalysisOptions {
  StatsBootstrapOptions bootstrap;
  double alpha = 0.05;              // two-sided, for the power figures
  double power = 0.8;
  double target_difference = 0.05;  // > 0, score units (0.05 = 5 points of accuracy)
  double tie_tolerance = stats_default_tie_tolerance;
};

// stats_paired_compare with whole clusters: the bootstrap resamples clusters; the test is
// McNemar exact for 0/1 scores without clusters (as stats_paired_compare), otherwise the
// sign-flip test on the clusters' totals of a[i] - b[i] (a randomization test that flips whole
// clusters, the clustered counterpart of McNemar and of the item sign-flip), reported as
// cluster_sign_flip_*. Adds the 90% interval and the power figures. std::nullopt for no items.
std::optional<StatsPairedAnalysis> stats_paired_analyse(std::span<const double> a,
                                                        std::span<const double> b,
                                                        std::span<const uint32_t> cluster_of_item,
                                                        const StatsAnalysisOptions& options);

// The verdict of one row. difference and the 90% interval are oriented so that positive means
// the first system (the fine-tune) is better; significant is the row's (Holm-adjusted) test at
// alpha. With a margin > 0: equivalent when the 90% interval lies inside (-margin, margin) (two
// one-sided tests at 5%, Schuirmann 1987); else better or worse when significant; else
// non-inferior when the interval's lower bound lies above -margin; else inconclusive. Without a
// margin: better, worse, or inconclusive.
StatsVerdict stats_verdict(double difference, double ci90_low, double ci90_high, bool significant,
                           std::optional<double> margin);

const char* stats_verdict_name(StatsVerdict verdict);  // "better", "equivalent", ...

// --- power ----------------------------------------------------------------------------------

// Phi^-1(p) for p in (0, 1): Wichura's AS 241 (PPND16), relative error about 1e-16.
double stats_normal_quantile(double p);

// Minimum detectable paired difference of 0/1 outcomes with McNemar's test (Connor 1987): the
// Delta in (0, sqrt(share)] solving n Delta^2 = (z_{1-alpha/2} sqrt(share) + z_power sqrt(share -
// Delta^2))^2, by bisection to 1e-12. nullopt when share <= 0 or n <= z_{1-alpha/2}^2 (no Delta
// can be detected).
std::optional<double> stats_mcnemar_minimum_detectable(int64_t n, double discordant_share,
                                                       double alpha, double power);

// Items McNemar's test needs to detect target with the discordant share: ceil((z_{1-alpha/2}
// sqrt(share) + z_power sqrt(max(0, share - target^2)))^2 / target^2). nullopt for share <= 0.
std::optional<int64_t> stats_mcnemar_items_needed(double discordant_share, double target,
                                                  double alpha, double power);

// Cluster-robust standard error of the mean of values: sqrt(k / (k - 1) * sum_c (T_c - m_c *
// mean)^2) / n, T_c and m_c a cluster's total and size (the sample standard deviation over
// sqrt(n) without clusters). nullopt for fewer than two clusters.
std::optional<double> stats_cluster_standard_error(std::span<const double> values,
                                                   std::span<const uint32_t> cluster_of_item);

// --- calibration ----------------------------------------------------------------------------

// One multiple-choice item scored by log-likelihood: the model's probabilities over the options
// (softmax of the options' log-likelihoods) and the gold option.
struct StatsCalibrationItem {
  double chosen_probability = 0;  // the largest probability (the option acc counts as chosen)
  bool correct = false;           // the chosen option is the gold one (first maximum wins)
  double brier = 0;               // sum over options of (p_k - [k is gold])^2, in [0, 2]
};

// From per-option log-likelihoods (finite) and the gold index (< size). Softmax with the
// maximum subtracted, so no log-likelihood underflows.
StatsCalibrationItem stats_calibration_item(std::span<const double> option_loglikelihoods,
                                            size_t gold);

inline constexpr int stats_calibration_bins = 15;

// Expected calibration error with equal-mass bins: items sorted by chosen probability (stable:
// equal probabilities keep item order), bin b of B = min(15, n) holding sorted items
// [floor(b n / B), floor((b + 1) n / B)); ECE = sum_b (n_b / n) |accuracy_b - mean
// probability_b|. 0 for no items.
double stats_expected_calibration_error(std::span<const StatsCalibrationItem> items);

struct StatsCalibrationEstimates {
  StatsEstimate ece;
  StatsEstimate brier;               // mean Brier score
  StatsEstimate chosen_probability;  // mean probability of the chosen option
};

// The three with cluster-bootstrap 95% intervals (the ECE resample is the drawn clusters' items
// in draw order, binned afresh). std::nullopt for no items.
std::optional<StatsCalibrationEstimates> stats_calibration(
    std::span<const StatsCalibrationItem> items, std::span<const uint32_t> cluster_of_item,
    const StatsBootstrapOptions& options);

// ECE of a minus ECE of b on the same items: the cluster-bootstrap 95% and 90% intervals (both
// systems on the same drawn clusters) and a paired permutation p-value (each cluster's two
// systems swapped with probability 1/2, p = (1 + #{|stat| >= |observed| - 1e-12}) /
// (permutations + 1), permutations = options.resamples; stream: a second generator seeded
// with seed + 1, one random_next word per 64 clusters, bit c % 64 swaps cluster c).
struct StatsPairedCalibration {
  double ece_a = 0;
  double ece_b = 0;
  double difference = 0;
  double ci_low = 0, ci_high = 0;
  double ci90_low = 0, ci90_high = 0;
  double p_value = 1;
};
std::optional<StatsPairedCalibration> stats_paired_ece(std::span<const StatsCalibrationItem> a,
                                                       std::span<const StatsCalibrationItem> b,
                                                       std::span<const uint32_t> cluster_of_item,
                                                       const StatsBootstrapOptions& options);


}  // namespace clinbench
