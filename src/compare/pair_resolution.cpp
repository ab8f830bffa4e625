// Pairs file entries → runs: by display name, else by folder; and the loading of a whole
// comparison's runs.
#include <map>
#include <tuple>

#include "clinbench/compare.h"

namespace clinbench {

namespace {

bool same_folder(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ec;
  bool same = std::filesystem::equivalent(a, b, ec);
  return !ec && same;
}

// The run a pairs-file side names, loading a folder that is not yet among the runs.
size_t side_resolve(const std::string& side, const std::string& field, int64_t line,
                    const std::filesystem::path& path, std::vector<CompareRun>& runs) {
  for (size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].name == side) return i;
  }
  std::filesystem::path folder(side);
  for (size_t i = 0; i < runs.size(); ++i) {
    if (same_folder(runs[i].dir, folder)) return i;
  }
  if (std::filesystem::exists(folder / "results.json")) {
    runs.push_back(compare_run_load(folder));
    compare_runs_name_unique(runs);
    return runs.size() - 1;
  }
  std::string known;
  for (const CompareRun& run : runs) known += (known.empty() ? "" : ", ") + ("'" + run.name + "'");
  throw_input_error(
      path, line, field,
      "'" + side +
          "' is neither the name of a run nor a run folder (a folder with results.json); runs: " +
          (known.empty() ? "none" : known));
}

}  // namespace

std::vector<ComparePair> compare_pairs_resolve(const std::vector<ComparePairEntry>& entries,
                                               const std::filesystem::path& path,
                                               std::vector<CompareRun>& runs) {
  std::vector<ComparePair> pairs;
  std::map<size_t, std::pair<std::string, int64_t>> renames;  // run -> (new name, line that asked)
  for (size_t i = 0; i < entries.size(); ++i) {
    const ComparePairEntry& entry = entries[i];
    const std::string where = "pairs[" + std::to_string(i) + "]";
    ComparePair pair;
    pair.fine_tune = side_resolve(entry.fine_tune, where + ".fine_tune", entry.line, path, runs);
    pair.base = side_resolve(entry.base, where + ".base", entry.line, path, runs);
    if (pair.fine_tune == pair.base) {
      throw_input_error(path, entry.line, where + ".base",
                        "'" + entry.base + "' and '" + entry.fine_tune + "' are the same run (" +
                            runs[pair.base].dir.string() +
                            "): a run cannot be compared with itself");
    }
    for (auto [run, name, field] :
         {std::tuple{pair.fine_tune, entry.fine_tune_name, "fine_tune_name"},
          std::tuple{pair.base, entry.base_name, "base_name"}}) {
      if (name.empty()) continue;
      auto earlier = renames.find(run);
      if (earlier != renames.end() && earlier->second.first != name) {
        throw_input_error(path, entry.line, where + "." + field,
                          "names run " + runs[run].dir.string() + " '" + name + "', but line " +
                              std::to_string(earlier->second.second) + " named it '" +
                              earlier->second.first + "'");
      }
      renames[run] = {name, entry.line};
      runs[run].name = name;  // later entries may already use the new name
    }
    pairs.push_back(pair);
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    for (size_t j = i + 1; j < runs.size(); ++j) {
      if (runs[i].name != runs[j].name) continue;
      auto renamed = renames.count(i) ? renames.find(i) : renames.find(j);
      throw_input_error(path, renamed == renames.end() ? 0 : renamed->second.second, "",
                        "two runs would both be called '" + runs[i].name + "' (" +
                            runs[i].dir.string() + " and " + runs[j].dir.string() +
                            "); choose another name");
    }
  }
  return pairs;
}

std::vector<ComparePair> compare_pairs_default(size_t run_count) {
  std::vector<ComparePair> pairs;
  for (size_t i = 1; i < run_count; ++i) pairs.push_back({i, 0});
  return pairs;
}

CompareInput compare_input_load(const std::vector<std::filesystem::path>& run_dirs,
                                const std::vector<ComparePairEntry>& pair_entries,
                                const std::filesystem::path& pairs_path) {
  CompareInput input;
  for (const std::filesystem::path& dir : run_dirs) {
    for (const CompareRun& earlier : input.runs) {
      if (same_folder(earlier.dir, dir)) {
        throw Error("the run folder " + dir.string() + " is given twice (also as " +
                    earlier.dir.string() + ")");
      }
    }
    input.runs.push_back(compare_run_load(dir));
  }
  compare_runs_name_unique(input.runs);
  if (pair_entries.empty()) {
    if (input.runs.empty()) throw Error("no run folders given (nor a pairs file naming them)");
    input.pairs = compare_pairs_default(input.runs.size());
  } else {
    input.pairs = compare_pairs_resolve(pair_entries, pairs_path, input.runs);
  }
  return input;
}

}  // namespace clinbench
