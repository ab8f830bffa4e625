// Loads tests/data/golden/stats/stats_golden.json, written by make_stats_golden.py beside it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace clinbench {

// The section of the golden file named section; fails the test when the file is missing.
inline nlohmann::json stats_golden(const std::string& section) {
  const std::filesystem::path path =
      testing::test_data_dir() / "golden" / "stats" / "stats_golden.json";
  std::ifstream file(path);
  EXPECT_TRUE(file.good()) << "cannot open " << path;
  if (!file.good()) {
    return nlohmann::json::array();
  }
  const nlohmann::json golden = nlohmann::json::parse(file);
  EXPECT_EQ(golden.at("format").get<int>(), 1);
  return golden.at(section);
}

// The section of analysis_golden.json (make_analysis_golden.py: clusters, verdicts, power,
// calibration).
inline nlohmann::json stats_analysis_golden(const std::string& section) {
  const std::filesystem::path path =
      testing::test_data_dir() / "golden" / "stats" / "analysis_golden.json";
  std::ifstream file(path);
  EXPECT_TRUE(file.good()) << "cannot open " << path;
  if (!file.good()) return nlohmann::json::array();
  const nlohmann::json golden = nlohmann::json::parse(file);
  EXPECT_EQ(golden.at("format").get<int>(), 1);
  return golden.at(section);
}

inline std::vector<double> stats_golden_doubles(const nlohmann::json& values) {
  return values.get<std::vector<double>>();
}

// |actual - expected| within relative of expected, or within absolute for values near 0.
inline ::testing::AssertionResult stats_close(double actual, double expected, double relative,
                                              double absolute = 0) {
  const double allowed = std::max(relative * std::fabs(expected), absolute);
  if (std::fabs(actual - expected) <= allowed) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "actual " << std::hexfloat << actual << " (" << std::defaultfloat
         << std::setprecision(17) << actual << ") expected " << expected << ", allowed "
         << allowed;
}

}  // namespace clinbench
