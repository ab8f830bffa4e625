#include "clinbench/task_evaluation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "clinbench/kinds.h"
#include "clinbench/prompt.h"
#include "clinbench/sample_scoring.h"

namespace clinbench {

namespace {

SampleOptionLoglikelihood sample_option(const LoglikelihoodResponse& response) {
  return {response.logprob, response.is_greedy, int64_t(response.continuation_tokens),
          request_status_name(response.status)};
}

// results.json's request counts from the scheduler's.
TaskRequestCounts request_counts(const ScheduleCounts& counts) {
  return {counts.total, counts.deduplicated, counts.from_cache, counts.computed, counts.errors};
}

// What the prompt says, apart from the model's chat template: the plain text of a log-likelihood
// prompt with its scored continuations, or the chat turns and answer prefix. Two models asked the
// same thing share it, so `compare` can refuse runs that asked different things.
// Retrieved passages are left out (they come last into the item's turn): the same model with and
// without retrieval, or with two indexes, was asked the same thing, so compare pairs them.
std::string prompt_identity(const TaskSpec& spec, const PromptedExample& prompted) {
  auto without_retrieval = [&prompted](std::string text) {
    size_t at = prompted.retrieval_text.empty() ? std::string::npos : text.rfind(prompted.retrieval_text);
    if (at != std::string::npos) text.erase(at, prompted.retrieval_text.size());
    return text;
  };
  nlohmann::json content;
  if (spec.scoring == TaskScoring::loglikelihood) {
    content = {{"text", without_retrieval(prompted.prompt)}, {"continuations", prompted.option_continuations}};
  } else {
    nlohmann::json turns = nlohmann::json::array();
    const std::vector<ChatMessage>& messages = prompted.generation.chat.messages;
    for (size_t m = 0; m < messages.size(); ++m) {
      bool item_turn = m + 1 == messages.size();
      turns.push_back({messages[m].role, item_turn ? without_retrieval(messages[m].content) : messages[m].content});
    }
    content = {{"chat", turns},
               {"answer_prefix", prompted.generation.chat.answer_prefix},
               {"max_tokens", prompted.generation.max_tokens},
               {"stop", prompted.generation.stop},
               {"grammar", prompted.generation.grammar}};
  }
  return sha256_hex(content.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// The sample's cluster key (TaskSpec::cluster_by): the item's id, or the example field's text.
std::string sample_cluster_key(const TaskSpec& spec, const Example& example) {
  if (spec.cluster_by == "id") return example.id;
  auto found = example.fields.find(spec.cluster_by);
  if (found == example.fields.end() || found->is_null()) {
    throw_input_error(example.source, example.line, spec.cluster_by,
                      "missing: task '" + spec.name + "' clusters items by this field (cluster_by)");
  }
  return task_field_text(*found);
}

}  // namespace

TaskResult task_evaluate(Backend& backend, ResponseCache* cache, const TaskSpec& spec, const TaskData& data,
                         const EvaluationOptions& options, const ScoringResources& resources,
                         const ProgressCallback& progress) {
  const auto started = std::chrono::steady_clock::now();
  const ComputeCounters counters_before = backend.compute_counters();
  TaskResult result;
  result.task = spec.name;
  result.dataset_items = data.dataset_items;
  result.shots = int64_t(data.shots.size());
  result.metric_order = spec.metrics;
  result.data_notes = data.notes;
  const TaskKindDefinition& kind = task_kind_definition(spec.kind);
  std::vector<PromptedExample> prompts = kind.build_requests(spec, data, backend);
  std::vector<SampleScore> scores(prompts.size());
  std::vector<Sample> samples(prompts.size());  // what the requests gave; the rest is added below

  if (spec.scoring == TaskScoring::loglikelihood) {
    std::vector<LoglikelihoodRequest> requests;
    std::vector<size_t> first_request;
    for (const PromptedExample& prompted : prompts) {
      first_request.push_back(requests.size());
      requests.insert(requests.end(), prompted.option_requests.begin(), prompted.option_requests.end());
    }
    LoglikelihoodResults answered = schedule_loglikelihood(backend, cache, spec.name, requests, progress);
    const std::vector<LoglikelihoodResponse>& responses = answered.responses;
    result.requests = request_counts(answered.counts);
    for (size_t e = 0; e < prompts.size(); ++e) {
      std::span<const LoglikelihoodResponse> options_span(responses.data() + first_request[e],
                                                          prompts[e].option_requests.size());
      scores[e] = score_loglikelihood_choice(spec, data.examples[e], options_span, prompts[e].option_continuations);
      samples[e].option_loglikelihoods.emplace();
      for (const auto& response : options_span) samples[e].option_loglikelihoods->push_back(sample_option(response));
      samples[e].option_continuations = prompts[e].option_continuations;
    }
  } else {
    std::vector<GenerationRequest> requests;
    for (const PromptedExample& prompted : prompts) requests.push_back(prompted.generation);
    GenerationResults answered = schedule_generation(backend, cache, spec.name, requests, progress);
    const std::vector<GenerationResponse>& responses = answered.responses;
    result.requests = request_counts(answered.counts);
    for (size_t e = 0; e < prompts.size(); ++e) {
      scores[e] = kind.score_generated(spec, data.examples[e], responses[e], resources);
      SampleGeneration& generation = samples[e].generation.emplace();
      generation.response = responses[e].text;
      generation.finish_reason = finish_reason_name(responses[e].finish);
      generation.prompt_tokens = responses[e].prompt_tokens;
      generation.generated_tokens = responses[e].tokens.empty() ? int64_t(responses[e].completion_tokens)
                                                                : int64_t(responses[e].tokens.size());
      generation.scored_response = scores[e].scored_response;  // output_cleanup
      generation.prompt_tokens_cut = responses[e].prompt_tokens_cut;
    }
    if (scoring_wants_bertscore(spec, resources)) {
      // BERTScore's texts go through the scheduler and the cache like the task's own requests.
      ScoringResources through_cache = resources;
      if (resources.bertscore) {
        through_cache.bertscore_embed = [&](Backend& embedder, std::span<const EmbeddingRequest> texts,
                                            const ProgressCallback& embedding_progress) {
          return schedule_embedding(embedder, cache, spec.name, texts, embedding_progress).responses;
        };
      }
      result.bertscore = score_bertscore(through_cache, data.examples, responses, scores);
      for (const std::string& name : bertscore_metric_names()) {
        if (std::find(result.metric_order.begin(), result.metric_order.end(), name) == result.metric_order.end()) {
          result.metric_order.push_back(name);
        }
      }
    }
  }

  std::string all_prompt_keys;
  std::vector<std::string> cluster_keys;
  for (size_t e = 0; e < prompts.size(); ++e) {
    const Example& example = data.examples[e];
    const SampleScore& score = scores[e];
    std::string prompt_key = prompt_identity(spec, prompts[e]);
    all_prompt_keys += example.id + '\x1f' + prompt_key + '\x1e';
    Sample& sample = samples[e];
    sample.id = example.id;
    sample.line = example.line;
    sample.prompt = prompts[e].prompt;
    sample.prompt_key = prompt_key;
    if (kind.has_options) {
      sample.target = multiple_choice_letter(example.answer_index);
      sample.options = example.options;
    } else {
      sample.target = example.reference;
    }
    if (!prompts[e].details.empty()) sample.prompt_details = prompts[e].details;
    if (example.retrieved) {
      sample.retrieved.emplace();
      for (const RetrievedPassage& passage : *example.retrieved) {
        sample.retrieved->push_back({passage.id, passage.chunk, passage.score});
      }
    }
    if (prompts[e].truncated_tokens > 0) {
      sample.truncated = SampleTruncation{spec.truncate_field, "", prompts[e].truncated_tokens};
      result.truncated += 1;
    } else if (sample.generation && sample.generation->prompt_tokens_cut > 0) {
      sample.truncated = SampleTruncation{"", "left", sample.generation->prompt_tokens_cut};
      result.truncated += 1;
    }
    if (!spec.cluster_by.empty()) {
      sample.cluster = sample_cluster_key(spec, example);
      cluster_keys.push_back(*sample.cluster);
    }
    sample.extracted = score.extracted;
    sample.scores = score.values;
    sample.status = score.status;
    if (!score.details.empty()) sample.details = score.details;
    result.samples.push_back(std::move(sample));
    result.statuses[score.status] += 1;
    const bool answered = scoring_status_answered(score.status);
    if (answered) {
      result.answered += 1;
    } else {
      result.failed[score.status] += 1;
    }
    for (const std::string& metric : result.metric_order) {
      auto found = score.values.find(metric);
      double value = found == score.values.end() ? 0.0 : found->second;
      result.per_sample[metric].push_back(answered ? value : std::numeric_limits<double>::quiet_NaN());
    }
  }
  result.n = int64_t(prompts.size());
  const ComputeCounters counters_after = backend.compute_counters();
  result.compute.tokens_decoded = counters_after.tokens_decoded - counters_before.tokens_decoded;
  result.compute.decode_calls = counters_after.decode_calls - counters_before.decode_calls;
  result.prompt_sha256 = sha256_hex(all_prompt_keys);
  StatsBootstrapOptions bootstrap{options.seed, options.bootstrap_resamples, 0.95};
  result.cluster_of_sample = stats_cluster_index(cluster_keys);
  result.clusters = result.cluster_of_sample.empty()
                        ? 0 : int64_t(*std::max_element(result.cluster_of_sample.begin(), result.cluster_of_sample.end())) + 1;
  for (const std::string& metric : result.metric_order) {
    result.metrics[metric] = task_answered_estimate(result.per_sample[metric], result.cluster_of_sample, bootstrap);
  }
  if (result.answered == 0 && result.n > 0) {
    result.no_value_reason = "no answered item:";
    for (const auto& [status, count] : result.failed) {
      result.no_value_reason += " " + std::to_string(count) + " " + status;
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace clinbench
