#include "clinbench/sample_scoring.h"

#include <algorithm>
#include <optional>

#include "clinbench/metrics.h"
#include "metrics/bertscore.h"
#include "metrics/output_cleanup.h"

namespace clinbench {

namespace {

// Python's len(): code points, counted as UTF-8 lead bytes.
double code_points(const std::string& text) {
  double count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

std::string status_of(RequestStatus status) { return request_status_name(status); }

bool lists_metric_needing(const TaskSpec& spec, MetricNeeds needs) {
  return std::any_of(spec.metrics.begin(), spec.metrics.end(), [needs](const std::string& metric) {
    const MetricDefinition* definition = metric_definition_find(metric);
    return definition && metric_needs_has(definition->needs, needs);
  });
}

}  // namespace

bool scoring_status_answered(std::string_view status) {
  return status == "ok" || status == "extraction_failed";
}

MetricSource scoring_metric_source(const TaskSpec& spec) {
  // The same order as the scoring functions below take their branches.
  const bool options = spec.answer_form == TaskAnswerForm::option_letter;
  if (options && spec.scoring == TaskScoring::loglikelihood) return MetricSource::loglikelihood_choice;
  if (spec.answer_rule == AnswerRule::longhealth) return MetricSource::longhealth;
  return options ? MetricSource::generated_choice : MetricSource::generation;
}

const std::vector<std::string>& bertscore_metric_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> found;
    for (const MetricDefinition& definition : metric_definitions()) {
      if (definition.batch_scorer == score_bertscore) found.emplace_back(definition.name);
    }
    return found;
  }();
  return names;
}

bool scoring_lists_bertscore(const TaskSpec& spec) { return lists_metric_needing(spec, MetricNeeds::embedder); }

bool scoring_wants_bertscore(const TaskSpec& spec, const ScoringResources& resources) {
  if (spec.answer_form != TaskAnswerForm::free_text) return false;
  // A summary task (it reports ROUGE-1) gets BERTScore too when a model was given.
  const bool summary = std::find(spec.metrics.begin(), spec.metrics.end(), "rouge1") != spec.metrics.end();
  return scoring_lists_bertscore(spec) || (resources.bertscore && summary);
}

bool scoring_needs_icd_codes(const TaskSpec& spec) {
  return spec.answer_form == TaskAnswerForm::free_text && lists_metric_needing(spec, MetricNeeds::icd_code_set);
}

void scoring_check_metrics(const TaskSpec& spec) {
  const MetricSource source = scoring_metric_source(spec);
  for (const std::string& metric : spec.metrics) {
    const MetricDefinition* definition = metric_definition_find(metric);
    if (definition && metric_source_has(definition->sources, source)) continue;
    std::string list;
    for (const MetricDefinition& known : metric_definitions()) {
      if (metric_source_has(known.sources, source)) list += (list.empty() ? "" : ", ") + std::string(known.name);
    }
    throw_input_error(spec.source, spec.metrics_line, "metrics",
                      "'" + metric + "' is not a metric of this kind of task (available: " + list + ")");
  }
}

SampleScore score_loglikelihood_choice(const TaskSpec& spec, const Example& example,
                                       std::span<const LoglikelihoodResponse> options,
                                       std::span<const std::string> continuations) {
  SampleScore score;
  for (const LoglikelihoodResponse& option : options) {
    if (option.status != RequestStatus::ok) {
      // No answer: the sample is missing, not wrong (no values; aggregation leaves it out).
      score.status = status_of(option.status);
      score.details["error"] = option.error;
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

namespace {

// A generated answer: read as an option letter (has_options) or compared with the reference.
SampleScore score_generation(const TaskSpec& spec, const Example& example, const GenerationResponse& response,
                             const ScoringResources& resources, bool has_options) {
  SampleScore score;
  if (response.status != RequestStatus::ok) {
    // No answer: the sample is missing, not wrong (no values; aggregation leaves it out).
    score.status = status_of(response.status);
    score.details["error"] = response.error;
    return score;
  }
  // CLUE cleans the answer before scoring it; the raw text stays in the sample.
  const std::string text = output_cleanup_apply(spec.output_cleanup, response.text);
  if (!spec.output_cleanup.empty()) score.scored_response = text;
  if (spec.answer_rule == AnswerRule::longhealth) {
    // The study's rule: the first "The correct answer is X:"; anything else is wrong.
    std::optional<std::string> letter = answer_letter_longhealth(text);
    std::string gold = multiple_choice_letter(example.answer_index);
    std::string unanswerable = multiple_choice_letter(int(example.options.size()) - 1);
    // LongHealth's setting (a spec of another kind that reads answers this way is setting 1).
    const int32_t setting = spec.longhealth ? spec.longhealth->task : 1;
    bool offers_unanswerable = setting != 1;
    score.extracted = letter.value_or("");
    if (!letter) score.status = "extraction_failed";
    score.values["acc"] = letter && *letter == gold ? 1.0 : 0.0;
    score.values["extraction_failure"] = letter ? 0.0 : 1.0;
    score.values["chose_unanswerable"] = offers_unanswerable && letter && *letter == unanswerable ? 1.0 : 0.0;
    // Task 3 holds no answer: any answer other than F is one the documents do not support.
    score.values["hallucination_rate"] =
        setting == 3 && letter && *letter != unanswerable ? 1.0 : 0.0;
    return score;
  }
  if (has_options) {
    std::string letters;
    for (size_t o = 0; o < example.options.size(); ++o) letters += multiple_choice_letter(int(o));
    AnswerExtraction answer = answer_letter_extract(text, letters, example.options);
    score.details["extraction"] = std::string(answer_reason_name(answer.reason));
    bool answered = answer.status == AnswerStatus::answered;
    if (answered) score.extracted = std::string(1, answer.letter);
    if (!answered) score.status = "extraction_failed";
    score.values["acc"] = answered && answer.letter == multiple_choice_letter(example.answer_index)[0] ? 1.0 : 0.0;
    score.values["extraction_failure"] = answered ? 0.0 : 1.0;
    return score;
  }
  // Generation: each listed metric's scorer from the table, each scorer once (one ROUGE pass
  // gives rouge1, rouge2 and rougeL).
  const MetricSampleInput input{spec, example, text, resources};
  std::vector<MetricSampleScorer> called;
  for (const std::string& metric : spec.metrics) {
    const MetricDefinition* definition = metric_definition_find(metric);
    if (!definition || !definition->sample_scorer) continue;
    if (std::find(called.begin(), called.end(), definition->sample_scorer) != called.end()) continue;
    called.push_back(definition->sample_scorer);
    definition->sample_scorer(input, score);
  }
  return score;
}

}  // namespace

SampleScore score_generated_choice(const TaskSpec& spec, const Example& example, const GenerationResponse& response,
                                   const ScoringResources& resources) {
  return score_generation(spec, example, response, resources, true);
}

SampleScore score_generated_reference(const TaskSpec& spec, const Example& example,
                                      const GenerationResponse& response, const ScoringResources& resources) {
  return score_generation(spec, example, response, resources, false);
}

nlohmann::json score_bertscore(const ScoringResources& resources, std::span<const Example> examples,
                               std::span<const GenerationResponse> responses, std::span<SampleScore> scores) {
  if (!resources.bertscore) throw Error("BERTScore needs a model: give --bertscore-model gguf:PATH");
  std::vector<std::string> predictions, references;
  std::vector<size_t> scored;
  for (size_t i = 0; i < responses.size(); ++i) {
    if (responses[i].status != RequestStatus::ok) continue;
    scored.push_back(i);
    predictions.push_back(scores[i].scored_response.value_or(responses[i].text));
    references.push_back(examples[i].reference);
  }
  EmbedTexts embed = embed_texts_directly(*resources.bertscore);
  if (resources.bertscore_embed) {
    embed = [&resources](std::span<const EmbeddingRequest> texts) {
      return resources.bertscore_embed(*resources.bertscore, texts, {});
    };
  }
  std::vector<BertScore> pairs = bertscore_pairs(embed, predictions, references,
                                                 resources.bertscore_progress);
  for (size_t k = 0; k < scored.size(); ++k) {
    SampleScore& score = scores[scored[k]];
    const BertScore& pair = pairs[k];
    score.values["bertscore_precision"] = pair.precision;
    score.values["bertscore_recall"] = pair.recall;
    score.values["bertscore_f1"] = pair.f;
    score.details["bertscore"] = {{"candidate_tokens", pair.candidate_tokens},
                                  {"reference_tokens", pair.reference_tokens},
                                  {"candidate_truncated", pair.candidate_truncated},
                                  {"reference_truncated", pair.reference_truncated}};
  }
  BertScoreMean totals = metric_bertscore_mean(pairs);
  nlohmann::json summary = bertscore_config(resources.bertscore->info());
  if (resources.bertscore_choice.is_object()) summary.update(resources.bertscore_choice);
  summary["pairs_scored"] = totals.items;
  summary["empty_outputs"] = totals.empty_candidates;
  summary["empty_references"] = totals.empty_references;
  summary["truncated_outputs"] = totals.truncated_candidates;
  summary["truncated_references"] = totals.truncated_references;
  return summary;
}

}  // namespace clinbench
