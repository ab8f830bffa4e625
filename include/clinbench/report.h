// Reports: the tables printed from a run's results (results.h reads and writes the files).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinbench/audit.h"
#include "clinbench/backends.h"
#include "clinbench/stats.h"

namespace clinbench {

// A fixed-width table: task, n, each metric with its 95% interval, failures.
std::string results_table(const nlohmann::json& results);

}  // namespace clinbench
