// The paired tests' names: one row per StatsPairedTest, its compare.json key and its table label.
#include "clinbench/enum_names.h"
#include "clinbench/stats.h"

namespace clinbench {

namespace {

struct PairedTestName {
  StatsPairedTest value;
  std::string_view name;  // compare.json's "test"
  const char* label;      // the column of the Markdown, CSV and HTML tables
};

constexpr PairedTestName paired_test_names[] = {
    {StatsPairedTest::none, "none", "none (no differing items)"},
    {StatsPairedTest::mcnemar_exact, "mcnemar_exact", "McNemar exact"},
    {StatsPairedTest::sign_flip_exact, "sign_flip_exact", "sign-flip exact"},
    {StatsPairedTest::sign_flip_monte_carlo, "sign_flip_monte_carlo", "sign-flip Monte Carlo"},
    {StatsPairedTest::cluster_sign_flip_exact, "cluster_sign_flip_exact", "cluster sign-flip exact"},
    {StatsPairedTest::cluster_sign_flip_monte_carlo, "cluster_sign_flip_monte_carlo", "cluster sign-flip Monte Carlo"},
    {StatsPairedTest::ece_permutation, "ece_permutation", "paired permutation (ECE)"},
};

}  // namespace

std::string_view stats_paired_test_name(StatsPairedTest test) {
  return enum_name(paired_test_names, test, "none");
}

const char* stats_paired_test_label(StatsPairedTest test) {
  const PairedTestName* row = enum_row(paired_test_names, test);
  return row ? row->label : "?";
}

}  // namespace clinbench
