// Finding the runs below a folder, and the metric that sums a task up.
#include <algorithm>

#include "clinbench/compare.h"
#include "clinbench/metrics.h"

namespace clinbench {

std::vector<std::filesystem::path> compare_find_runs(const std::filesystem::path& root) {
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) throw Error(root.string() + ": not a folder");
  std::vector<std::filesystem::path> runs;
  if (std::filesystem::exists(root / "results.json", ec)) return {root};
  std::filesystem::recursive_directory_iterator it(root, std::filesystem::directory_options::none, ec);
  if (ec) throw Error(root.string() + ": cannot be read: " + ec.message());
  for (; it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) throw Error(root.string() + ": cannot be read: " + ec.message());
    if (!it->is_directory(ec) || it->is_symlink(ec)) {
      if (it->is_symlink(ec)) it.disable_recursion_pending();
      continue;
    }
    if (std::filesystem::exists(it->path() / "results.json", ec)) {
      runs.push_back(it->path());
      it.disable_recursion_pending();  // samples/ and the cache are the run's own
    }
  }
  std::sort(runs.begin(), runs.end());
  return runs;
}

std::string compare_headline_metric(const std::vector<std::string>& metrics) { return metric_headline(metrics); }

}  // namespace clinbench
