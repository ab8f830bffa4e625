// Times the statistics a `clinbench compare` runs per task and metric, at the size the brief
// sets: 1,500 items, 10,000 paired bootstrap resamples (target: well under 100 ms).
//
//   bench_stats [repetitions]    prints the best and median wall time of each, in ms
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "clinbench/stats.h"

namespace {

using clinbench::Random;

struct Timing {
  double best_ms;
  double median_ms;
};

Timing time_it(int repetitions, const std::function<double()>& work) {
  std::vector<double> times;
  volatile double sink = 0;  // keeps the result alive so the work is not optimized away
  for (int i = 0; i < repetitions; ++i) {
    const auto start = std::chrono::steady_clock::now();
    sink = sink + work();
    const auto stop = std::chrono::steady_clock::now();
    times.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
  }
  std::sort(times.begin(), times.end());
  return {times.front(), times[times.size() / 2]};
}

void print(const char* what, const Timing& timing) {
  std::printf("%-58s best %8.2f ms   median %8.2f ms\n", what, timing.best_ms, timing.median_ms);
}

}  // namespace

int main(int argc, char** argv) {
  const int repetitions = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
  const size_t items = 1500;

  // Two correlated systems: accuracy about 0.70 and 0.66, continuous scores in [0, 1].
  Random random = clinbench::random_seeded(2024);
  const auto uniform = [&] {
    return static_cast<double>(clinbench::random_next(random) >> 11) * 0x1.0p-53;
  };
  std::vector<double> binary_a, binary_b, rouge_a, rouge_b;
  for (size_t i = 0; i < items; ++i) {
    const double difficulty = uniform();
    binary_a.push_back(difficulty < 0.70 ? 1.0 : 0.0);
    binary_b.push_back(difficulty + 0.1 * (uniform() - 0.3) < 0.66 ? 1.0 : 0.0);
    rouge_a.push_back(std::clamp(1 - difficulty + 0.2 * (uniform() - 0.5), 0.0, 1.0));
    rouge_b.push_back(std::clamp(1 - difficulty + 0.2 * (uniform() - 0.55), 0.0, 1.0));
  }
  std::vector<double> rouge_differences;
  for (size_t i = 0; i < items; ++i) {
    rouge_differences.push_back(rouge_a[i] - rouge_b[i]);
  }
  const std::vector<double> exact_differences(rouge_differences.begin(),
                                              rouge_differences.begin() + 20);

  std::printf("clinbench stats benchmark: %zu items, %d repetitions\n", items, repetitions);
  print("stats_paired_bootstrap 10k resamples, 0/1 scores",
        time_it(repetitions, [&] {
          return clinbench::stats_paired_bootstrap(binary_a, binary_b, {.seed = 1})->ci_low;
        }));
  print("stats_paired_bootstrap 10k resamples, continuous scores",
        time_it(repetitions, [&] {
          return clinbench::stats_paired_bootstrap(rouge_a, rouge_b, {.seed = 1})->ci_low;
        }));
  print("stats_bootstrap_mean 10k resamples",
        time_it(repetitions, [&] {
          return clinbench::stats_bootstrap_mean(rouge_a, {.seed = 1})->ci_low;
        }));
  print("stats_sign_flip_test Monte Carlo 10k sign vectors",
        time_it(repetitions, [&] {
          return clinbench::stats_sign_flip_test(rouge_differences, {.seed = 1}).p_value;
        }));
  print("stats_sign_flip_test exact, 20 differences (2^20)",
        time_it(repetitions, [&] {
          return clinbench::stats_sign_flip_test(exact_differences, {}).p_value;
        }));
  print("stats_paired_compare, 0/1 scores (bootstrap + McNemar)",
        time_it(repetitions, [&] {
          return clinbench::stats_paired_compare(binary_a, binary_b, {.seed = 1})->p_value;
        }));
  print("stats_mcnemar_exact b = 49000, c = 51000",
        time_it(repetitions, [&] { return clinbench::stats_mcnemar_exact(49000, 51000); }));
  return 0;
}
