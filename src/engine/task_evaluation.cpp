#include "engine/task_evaluation.h"

#include "clinbench/prompt.h"
#include "metrics/sample_scoring.h"

namespace clinbench {

namespace {

nlohmann::json loglikelihood_json(const LoglikelihoodResponse& response) {
  return {{"logprob", response.logprob},
          {"is_greedy", response.is_greedy},
          {"tokens", response.continuation_tokens},
          {"status", request_status_name(response.status)}};
}

}  // namespace

TaskResult task_evaluate(Backend& backend, const TaskSpec& spec, const TaskData& data,
                         const EvaluationOptions& options, const ProgressCallback& progress) {
  TaskResult result;
  result.task = spec.name;
  result.dataset_items = data.dataset_items;
  result.shots = int64_t(data.shots.size());
  result.metric_order = spec.metrics;
  std::vector<PromptedExample> prompts = prompt_build(spec, data, backend);
  std::vector<SampleScore> scores(prompts.size());
  std::vector<nlohmann::json> raw(prompts.size());

  if (spec.scoring == TaskScoring::loglikelihood) {
    std::vector<LoglikelihoodRequest> requests;
    std::vector<size_t> first_request;
    for (const PromptedExample& prompted : prompts) {
      first_request.push_back(requests.size());
      requests.insert(requests.end(), prompted.option_requests.begin(), prompted.option_requests.end());
    }
    std::vector<LoglikelihoodResponse> responses(requests.size());
    backend.loglikelihood(requests, [&](size_t i, LoglikelihoodResponse&& r) { responses[i] = std::move(r); },
                          progress);
    for (size_t e = 0; e < prompts.size(); ++e) {
      std::span<const LoglikelihoodResponse> options_span(responses.data() + first_request[e],
                                                          prompts[e].option_requests.size());
      scores[e] = score_loglikelihood_choice(spec, data.examples[e], options_span, prompts[e].option_continuations);
      nlohmann::json per_option = nlohmann::json::array();
      for (const auto& response : options_span) per_option.push_back(loglikelihood_json(response));
      raw[e] = {{"option_loglikelihoods", per_option}, {"option_continuations", prompts[e].option_continuations}};
    }
  } else {
    std::vector<GenerationRequest> requests;
    for (const PromptedExample& prompted : prompts) requests.push_back(prompted.generation);
    std::vector<GenerationResponse> responses(requests.size());
    backend.generate(requests, [&](size_t i, GenerationResponse&& r) { responses[i] = std::move(r); }, progress);
    for (size_t e = 0; e < prompts.size(); ++e) {
      scores[e] = score_generation(spec, data.examples[e], responses[e]);
      raw[e] = {{"response", responses[e].text},
                {"finish_reason", finish_reason_name(responses[e].finish)},
                {"prompt_tokens", responses[e].prompt_tokens},
                {"generated_tokens", responses[e].tokens.size()}};
    }
  }

  std::string all_prompts;
  for (size_t e = 0; e < prompts.size(); ++e) {
    const Example& example = data.examples[e];
    const SampleScore& score = scores[e];
    all_prompts += example.id + '\x1f' + prompts[e].prompt + '\x1e';
    nlohmann::json sample = {{"id", example.id}, {"line", example.line}, {"prompt", prompts[e].prompt}};
    if (spec.kind == TaskKind::multiple_choice) {
      sample["target"] = multiple_choice_letter(example.answer_index);
      sample["options"] = example.options;
    } else {
      sample["target"] = example.reference;
    }
    sample.update(raw[e]);
    sample["extracted"] = score.extracted;
    sample["scores"] = score.values;
    sample["status"] = score.status;
    if (!score.details.empty()) sample["details"] = score.details;
    result.samples.push_back(std::move(sample));
    result.statuses[score.status] += 1;
    for (const std::string& metric : spec.metrics) {
      auto found = score.values.find(metric);
      result.per_sample[metric].push_back(found == score.values.end() ? 0.0 : found->second);
    }
  }
  result.n = int64_t(prompts.size());
  result.prompt_sha256 = sha256_hex(all_prompts);
  StatsBootstrapOptions bootstrap{options.seed, options.bootstrap_resamples, 0.95};
  for (const std::string& metric : spec.metrics) {
    result.metrics[metric] = stats_bootstrap_mean(result.per_sample[metric], bootstrap);
  }
  return result;
}

}  // namespace clinbench
