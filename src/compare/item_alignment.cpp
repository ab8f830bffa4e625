// Lining up the items of two runs of one task, and saying where they first differ.
#include <map>

#include "clinbench/compare.h"

namespace clinbench {

namespace {

std::string text_at(const nlohmann::json& sample, const char* key) {
  auto found = sample.find(key);
  if (found == sample.end() || found->is_null()) return "";
  return found->is_string() ? found->get<std::string>() : found->dump();
}

// The k-th occurrence of an id is one item: LongHealth asks a question several times.
std::vector<std::string> item_keys(const std::vector<nlohmann::json>& samples) {
  std::map<std::string, int64_t> seen;
  std::vector<std::string> keys;
  keys.reserve(samples.size());
  for (const nlohmann::json& sample : samples) {
    std::string id = text_at(sample, "id");
    int64_t occurrence = seen[id]++;
    keys.push_back(occurrence == 0 ? id : id + "#" + std::to_string(occurrence + 1));
  }
  return keys;
}

std::string quoted(const std::string& id) { return "'" + id + "'"; }

}  // namespace

double compare_sample_score(const nlohmann::json& sample, const std::string& metric) {
  auto scores = sample.find("scores");
  if (scores == sample.end() || !scores->is_object()) return 0.0;
  auto value = scores->find(metric);
  return value != scores->end() && value->is_number() ? value->get<double>() : 0.0;
}

CompareAlignment compare_align(const std::vector<nlohmann::json>& fine_tune,
                               const std::vector<nlohmann::json>& base) {
  CompareAlignment alignment;
  alignment.fine_tune_items = int64_t(fine_tune.size());
  alignment.base_items = int64_t(base.size());
  std::vector<std::string> fine_tune_keys = item_keys(fine_tune);
  std::vector<std::string> base_keys = item_keys(base);

  // The first difference in file order, which is what a user checks by hand.
  size_t common_prefix = std::min(fine_tune.size(), base.size());
  for (size_t i = 0; i < common_prefix && alignment.first_difference.empty(); ++i) {
    if (fine_tune_keys[i] != base_keys[i]) {
      alignment.first_difference =
          "item " + std::to_string(i + 1) + " is id " + quoted(text_at(fine_tune[i], "id")) +
          " in the fine-tune run but id " + quoted(text_at(base[i], "id")) + " in the base run";
    } else if (text_at(fine_tune[i], "prompt_key") != text_at(base[i], "prompt_key")) {
      alignment.first_difference =
          "item id " + quoted(text_at(fine_tune[i], "id")) +
          " was asked with a different prompt (prompt_key differs: other shots, "
          "template text, limit or seed)";
    }
  }
  if (alignment.first_difference.empty() && fine_tune.size() != base.size()) {
    bool fine_tune_longer = fine_tune.size() > base.size();
    const nlohmann::json& extra = fine_tune_longer ? fine_tune[common_prefix] : base[common_prefix];
    alignment.first_difference =
        "the fine-tune run has " + std::to_string(fine_tune.size()) + " items and the base run " +
        std::to_string(base.size()) + "; the first item only in the " +
        (fine_tune_longer ? "fine-tune" : "base") + " run is id " + quoted(text_at(extra, "id"));
  }

  std::map<std::string, size_t> base_rows;
  for (size_t i = 0; i < base_keys.size(); ++i) base_rows.emplace(base_keys[i], i);
  for (size_t i = 0; i < fine_tune_keys.size(); ++i) {
    auto found = base_rows.find(fine_tune_keys[i]);
    if (found == base_rows.end()) continue;
    alignment.fine_tune_rows.push_back(i);
    alignment.base_rows.push_back(found->second);
    if (text_at(fine_tune[i], "prompt_key") != text_at(base[found->second], "prompt_key")) {
      alignment.prompt_differences += 1;
    }
  }
  return alignment;
}

}  // namespace clinbench
