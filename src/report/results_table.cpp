#include <cstdio>

#include "clinbench/report.h"

namespace clinbench {

namespace {

std::string format_estimate(const nlohmann::json& metric) {
  if (metric["value"].is_null()) return metric.contains("reason") ? "n/a (" + metric["reason"].get<std::string>() + ")" : "n/a";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3f [%.3f, %.3f]", metric["value"].get<double>(),
                metric["ci_low"].get<double>(), metric["ci_high"].get<double>());
  return buffer;
}

std::string pad(const std::string& text, size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

}  // namespace

std::string results_table(const nlohmann::json& results) {
  std::string out = pad("task", 22) + pad("n", 7) + pad("metric", 20) + pad("value [95% CI]", 26) + "not ok, truncated\n";
  out += std::string(82, '-') + "\n";
  for (const auto& [task, entry] : results["tasks"].items()) {
    std::string statuses;
    if (entry.value("truncated", 0) > 0) statuses = "truncated " + std::to_string(entry["truncated"].get<int64_t>());
    for (const auto& [status, count] : entry["statuses"].items()) {
      if (status == "ok") continue;
      statuses += (statuses.empty() ? "" : ", ") + status + " " + std::to_string(count.get<int64_t>());
    }
    // n is the answered items where some request failed: "47/50" (the metrics cover 47).
    std::string n = std::to_string(entry["n"].get<int64_t>());
    if (entry.contains("answered") && entry["answered"] != entry["n"]) {
      n = std::to_string(entry["answered"].get<int64_t>()) + "/" + n;
    }
    bool first = true;
    for (const auto& [metric, value] : entry["metrics"].items()) {
      out += pad(first ? task : "", 22) + pad(first ? n : "", 7) +
             pad(metric, 20) + pad(format_estimate(value), 26) + (first ? (statuses.empty() ? "0" : statuses) : "") + "\n";
      first = false;
    }
  }
  return out;
}

}  // namespace clinbench
