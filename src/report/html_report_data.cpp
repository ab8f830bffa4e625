// The JSON the HTML report draws from: the comparison, the tasks, and every sample, compacted.
#include <algorithm>
#include <unordered_map>

#include "clinbench/metrics.h"
#include "report/html_report.h"

namespace clinbench {

namespace {

// Strings stored once: the same prompt text recurs across models that share a chat template,
// the same targets across every model.
class StringTable {
 public:
  explicit StringTable(int64_t max_chars) : max_chars_(max_chars) {}

  // Index of the text in the table, or null for a missing value.
  nlohmann::json add(const nlohmann::json& value) {
    if (value.is_null()) return nullptr;
    std::string text = value.is_string()
                           ? value.get<std::string>()
                           : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text = cut(std::move(text));
    auto [it, inserted] = index_.emplace(text, strings_.size());
    if (inserted) strings_.push_back(text);
    return it->second;
  }

  nlohmann::json take() { return std::move(strings_); }

 private:
  // Cut after max_chars_ whole UTF-8 characters, saying how many were left out.
  std::string cut(std::string text) const {
    int64_t characters = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
      if (characters == max_chars_) {
        int64_t rest = 0;
        for (size_t j = i; j < text.size(); ++j)
          rest += (static_cast<unsigned char>(text[j]) & 0xC0) != 0x80;
        return text.substr(0, i) + "\n[… " + std::to_string(rest) +
               " more characters not shown; the full text is in the run's samples/TASK.jsonl]";
      }
      ++characters;
    }
    return text;
  }

  int64_t max_chars_;
  std::vector<std::string> strings_;
  std::unordered_map<std::string, size_t> index_;
};

struct TaskInfo {
  std::string name;
  std::vector<std::string> metrics;
  std::string headline;  // the metric the browser calls correct / incorrect by
  bool binary = true;    // every headline score is exactly 0 or 1
};

std::vector<TaskInfo> task_infos(const std::vector<CompareRun>& runs) {
  std::vector<TaskInfo> infos;
  for (const std::string& task : compare_runs_tasks(runs)) {
    TaskInfo info{task, {}, "", true};
    for (const CompareRun& run : runs) {
      for (const std::string& metric : compare_run_metrics(run, task)) {
        if (std::find(info.metrics.begin(), info.metrics.end(), metric) == info.metrics.end())
          info.metrics.push_back(metric);
      }
    }
    info.headline = compare_headline_metric(info.metrics);
    for (const CompareRun& run : runs) {
      auto samples = run.samples.find(task);
      if (samples == run.samples.end()) continue;
      for (const Sample& sample : samples->second) {
        double score = compare_sample_score(sample, info.headline);
        if (score != 0.0 && score != 1.0) info.binary = false;
      }
    }
    infos.push_back(std::move(info));
  }
  return infos;
}

}  // namespace

nlohmann::json report_data(const std::vector<CompareRun>& runs, const CompareResult& result,
                           const ReportOptions& options) {
  nlohmann::json data;
  data["title"] = options.title;
  data["generated_at"] = options.generated_at;
  data["clinbench_version"] = CLINBENCH_VERSION;
  data["max_text_chars"] = options.max_text_chars;
  data["compare"] = compare_json(runs, result);

  std::vector<TaskInfo> infos = task_infos(runs);
  nlohmann::json tasks = nlohmann::json::array();
  for (const TaskInfo& info : infos) {
    // The metric table's direction, so that the page need not guess it from names.
    std::vector<std::string> lower_is_better;
    for (const std::string& metric : info.metrics) {
      const MetricDefinition* definition = metric_definition_find(metric);
      if (definition && definition->direction == MetricDirection::lower_is_better) lower_is_better.push_back(metric);
    }
    tasks.push_back({{"name", info.name},
                     {"metrics", info.metrics},
                     {"headline", info.headline},
                     {"binary", info.binary},
                     {"lower_is_better", lower_is_better}});
  }
  data["tasks"] = tasks;
  // The page's names of the metrics: the metric table's labels.
  nlohmann::json labels = nlohmann::json::object();
  for (const MetricDefinition& definition : metric_definitions())
    labels[std::string(definition.name)] = std::string(definition.label);
  data["metric_labels"] = labels;
  std::vector<std::string> task_names;
  for (const TaskInfo& info : infos) task_names.push_back(info.name);
  data["context"] = report_context(runs, task_names);

  StringTable strings(options.max_text_chars);
  nlohmann::json samples = nlohmann::json::array();
  for (size_t r = 0; r < runs.size(); ++r) {
    for (size_t t = 0; t < infos.size(); ++t) {
      auto found = runs[r].samples.find(infos[t].name);
      if (found == runs[r].samples.end()) continue;
      for (const Sample& sample : found->second) {
        double score = compare_sample_score(sample, infos[t].headline);
        nlohmann::json row = {
            {"r", r},
            {"t", t},
            {"id", sample.id},
            {"status", sample.status},
            {"score", score},
            {"prompt", strings.add(sample.prompt)},
            {"response", strings.add(sample.generation ? nlohmann::json(sample.generation->response) : nlohmann::json())},
            {"target", strings.add(sample.target)},
            {"extracted", strings.add(sample.extracted)},
            {"scores", sample.scores}};
        if (infos[t].binary) row["outcome"] = score == 1.0 ? "correct" : "incorrect";
        if (sample.generation) row["finish"] = sample.generation->finish_reason;
        if (!sample.details.is_null()) row["details"] = strings.add(sample.details);
        if (sample.options) {
          nlohmann::json options_list = nlohmann::json::array();
          for (const std::string& option : *sample.options) options_list.push_back(strings.add(option));
          row["options"] = options_list;
        }
        if (sample.option_loglikelihoods) {
          nlohmann::json logprobs = nlohmann::json::array();
          for (const SampleOptionLoglikelihood& option : *sample.option_loglikelihoods) logprobs.push_back(option.logprob);
          row["logprobs"] = logprobs;
        }
        samples.push_back(std::move(row));
      }
    }
  }
  data["strings"] = strings.take();
  data["samples"] = samples;
  return data;
}

}  // namespace clinbench
