// The exact McNemar test and the binomial tail it needs.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "clinbench/stats.h"
#include "stats/contract.h"

namespace clinbench {

namespace {

// log(n!) - log(sqrt(2 pi n) (n / e)^n), the error of Stirling's formula. Exact values for
// n <= 15 (computed to 50 digits with Python's decimal module), where the series below is not
// yet accurate; beyond that, the asymptotic series with as many terms as R's stirlerr uses.
double stirling_error(double n) {
  static constexpr double exact[16] = {
      0.0,  // n = 0 is never asked for
      8.1061466795327261e-02, 4.1340695955409297e-02, 2.7677925684998338e-02,
      2.0790672103765093e-02, 1.6644691189821193e-02, 1.3876128823070748e-02,
      1.1896709945891770e-02, 1.0411265261972096e-02, 9.2554621827127329e-03,
      8.3305634333628708e-03, 7.5736754879518406e-03, 6.9428401072095299e-03,
      6.4089941880042071e-03, 5.9513701127588475e-03, 5.5547335519628011e-03,
  };
  if (n <= 15) {
    return exact[static_cast<int>(n)];
  }
  constexpr double s0 = 1.0 / 12;
  constexpr double s1 = 1.0 / 360;
  constexpr double s2 = 1.0 / 1260;
  constexpr double s3 = 1.0 / 1680;
  constexpr double s4 = 1.0 / 1188;
  const double nn = n * n;
  if (n > 500) return (s0 - s1 / nn) / n;
  if (n > 80) return (s0 - (s1 - s2 / nn) / nn) / n;
  if (n > 35) return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
  return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
}

// x log(x / mean) + mean - x, the deviance term, without the cancellation the direct formula
// suffers when x is close to mean (Loader 2000).
double deviance_term(double x, double mean) {
  if (std::fabs(x - mean) < 0.1 * (x + mean)) {
    double v = (x - mean) / (x + mean);
    double sum = (x - mean) * v;
    double term = 2 * x * v;
    v = v * v;
    for (int j = 1; j < 1000; ++j) {
      term *= v;
      const double next = sum + term / (2 * j + 1);
      if (next == sum) {
        return next;
      }
      sum = next;
    }
  }
  return x * std::log(x / mean) + mean - x;
}

// P[X = k] for X ~ Binomial(n, 1/2) by Loader's saddle-point formula ("Fast and accurate
// computation of binomial probabilities", 2000; R's dbinom). Relative error near machine
// precision for any n, where C(n, k) / 2^n by logs of factorials loses digits as n grows.
double binomial_half_probability(int64_t n, int64_t k) {
  if (k == 0 || k == n) {
    return std::ldexp(1.0, static_cast<int>(std::max<int64_t>(-n, -2000)));
  }
  const double total = static_cast<double>(n);
  const double x = static_cast<double>(k);
  const double half = total / 2;
  const double log_core = stirling_error(total) - stirling_error(x) - stirling_error(total - x) -
                          deviance_term(x, half) - deviance_term(total - x, half);
  constexpr double log_2pi = 1.8378770664093454835606594728112;
  const double log_factor = log_2pi + std::log(x) + std::log1p(-x / total);
  return std::exp(log_core - 0.5 * log_factor);
}

}  // namespace

double stats_binomial_half_cdf(int64_t n, int64_t k) {
  CLINBENCH_STATS_EXPECT(n >= 0 && k >= 0);
  if (k >= n) {
    return 1;
  }
  // Sum the short side: above the middle, P[X <= k] = 1 - P[X <= n - k - 1] by symmetry.
  if (2 * k >= n) {
    return 1 - stats_binomial_half_cdf(n, n - k - 1);
  }
  // Below the middle the terms fall as j decreases, by the ratio P[j - 1] / P[j] = j / (n - j + 1).
  // Stop once a term is too small to change the sum: the ratios keep shrinking from there, so
  // the rest adds less than a few units in the last place.
  double term = binomial_half_probability(n, k);
  double sum = term;
  for (int64_t j = k; j >= 1; --j) {
    term *= static_cast<double>(j) / static_cast<double>(n - j + 1);
    sum += term;
    if (term <= sum * 1e-17) {
      break;
    }
  }
  return sum;
}

double stats_mcnemar_exact(int64_t b, int64_t c) {
  CLINBENCH_STATS_EXPECT(b >= 0 && c >= 0);
  const int64_t discordant = b + c;
  if (discordant == 0) {
    return 1;
  }
  return std::min(1.0, 2 * stats_binomial_half_cdf(discordant, std::min(b, c)));
}

}  // namespace clinbench
