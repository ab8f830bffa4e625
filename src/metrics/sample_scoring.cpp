#include "metrics/sample_scoring.h"

#include <set>

#include "clinbench/metrics.h"

namespace clinbench {

namespace {

// Python's len(): code points, counted as UTF-8 lead bytes.
double code_points(const std::string& text) {
  double count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

const std::set<std::string>& known_metrics(const TaskSpec& spec) {
  static const std::set<std::string> loglikelihood = {"acc", "acc_norm"};
  static const std::set<std::string> generated_choice = {"acc", "extraction_failure"};
  static const std::set<std::string> generation = {"rouge1", "rouge2", "rougeL"};
  if (spec.kind == TaskKind::generation) return generation;
  return spec.scoring == TaskScoring::loglikelihood ? loglikelihood : generated_choice;
}

std::string status_of(RequestStatus status) { return request_status_name(status); }

}  // namespace

void scoring_check_metrics(const TaskSpec& spec) {
  const std::set<std::string>& known = known_metrics(spec);
  for (const std::string& metric : spec.metrics) {
    if (known.count(metric)) continue;
    std::string list;
    for (const auto& name : known) list += (list.empty() ? "" : ", ") + name;
    throw_input_error(spec.source, 0, "metrics",
                      "'" + metric + "' is not a metric of this kind of task (available: " + list + ")");
  }
}

SampleScore score_loglikelihood_choice(const TaskSpec& spec, const Example& example,
                                       std::span<const LoglikelihoodResponse> options,
                                       std::span<const std::string> continuations) {
  SampleScore score;
  for (const LoglikelihoodResponse& option : options) {
    if (option.status != RequestStatus::ok) {
      score.status = status_of(option.status);
      score.details["error"] = option.error;
      for (const std::string& metric : spec.metrics) score.values[metric] = 0.0;
      return score;
    }
  }
  size_t best = 0, best_normalized = 0;
  std::vector<double> normalized(options.size());
  for (size_t o = 0; o < options.size(); ++o) {
    std::string text = continuations[o];
    if (text.starts_with(spec.target_delimiter)) text = text.substr(spec.target_delimiter.size());
    normalized[o] = options[o].logprob / std::max(code_points(text), 1.0);
    if (options[o].logprob > options[best].logprob) best = o;
    if (normalized[o] > normalized[best_normalized]) best_normalized = o;
  }
  score.extracted = multiple_choice_letter(int(best));
  score.values["acc"] = best == size_t(example.answer_index) ? 1.0 : 0.0;
  score.values["acc_norm"] = best_normalized == size_t(example.answer_index) ? 1.0 : 0.0;
  score.details["acc_norm_choice"] = multiple_choice_letter(int(best_normalized));
  return score;
}

SampleScore score_generation(const TaskSpec& spec, const Example& example, const GenerationResponse& response) {
  SampleScore score;
  if (response.status != RequestStatus::ok) {
    score.status = status_of(response.status);
    score.details["error"] = response.error;
    for (const std::string& metric : spec.metrics) score.values[metric] = 0.0;
    if (spec.kind == TaskKind::multiple_choice) score.values["extraction_failure"] = 1.0;
    return score;
  }
  if (spec.kind == TaskKind::multiple_choice) {
    std::string letters;
    for (size_t o = 0; o < example.options.size(); ++o) letters += multiple_choice_letter(int(o));
    AnswerExtraction answer = answer_letter_extract(response.text, letters, example.options);
    score.details["extraction"] = std::string(answer_reason_name(answer.reason));
    bool answered = answer.status == AnswerStatus::answered;
    if (answered) score.extracted = std::string(1, answer.letter);
    if (!answered) score.status = "extraction_failed";
    score.values["acc"] = answered && answer.letter == multiple_choice_letter(example.answer_index)[0] ? 1.0 : 0.0;
    score.values["extraction_failure"] = answered ? 0.0 : 1.0;
    return score;
  }
  RougeScores rouge = metric_rouge(response.text, example.reference);
  score.values["rouge1"] = rouge.rouge1.f;
  score.values["rouge2"] = rouge.rouge2.f;
  score.values["rougeL"] = rouge.rouge_l.f;
  return score;
}

}  // namespace clinbench
