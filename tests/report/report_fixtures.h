// Runs for the report tests, written by hand: three models on four tasks with scores that give
// significant and non-significant differences, failure and hallucination rates, and the planted
// markup of report_browser.h in the first sample's response, prompt, target and answer.
#pragma once

#include <filesystem>
#include <vector>

namespace clinbench::testing {

// Writes DIR/base, DIR/tuned-a, DIR/tuned-b; returns them in that order.
std::vector<std::filesystem::path> report_fixture_runs(const std::filesystem::path& dir);

}  // namespace clinbench::testing
