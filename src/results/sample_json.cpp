// One line of samples/TASK.jsonl: the Sample struct to JSON and back.
#include <set>

#include "clinbench/results.h"
#include "results/json_fields.h"

namespace clinbench {

using results_fields::add_unknown_keys;
using results_fields::FieldReader;

namespace {

const std::set<std::string> kSampleKeys = {
    "id", "line", "prompt", "prompt_key", "target", "options", "option_loglikelihoods", "option_continuations",
    "response", "finish_reason", "prompt_tokens", "generated_tokens", "scored_response", "prompt_tokens_cut",
    "prompt_details", "retrieved", "truncated", "cluster", "extracted", "scores", "status", "details", "excluded"};

}  // namespace

nlohmann::json sample_to_json(const Sample& sample) {
  nlohmann::json json = {{"id", sample.id}, {"line", sample.line}, {"prompt", sample.prompt}, {"prompt_key", sample.prompt_key}};
  json["target"] = sample.target;
  if (sample.options) json["options"] = *sample.options;
  if (sample.option_loglikelihoods) {
    nlohmann::json per_option = nlohmann::json::array();
    for (const SampleOptionLoglikelihood& option : *sample.option_loglikelihoods) {
      per_option.push_back({{"logprob", option.logprob},
                            {"is_greedy", option.is_greedy},
                            {"tokens", option.tokens},
                            {"status", option.status}});
    }
    json["option_loglikelihoods"] = per_option;
  }
  if (sample.option_continuations) json["option_continuations"] = *sample.option_continuations;
  if (sample.generation) {
    const SampleGeneration& generation = *sample.generation;
    json["response"] = generation.response;
    json["finish_reason"] = generation.finish_reason;
    json["prompt_tokens"] = generation.prompt_tokens;
    json["generated_tokens"] = generation.generated_tokens;
    if (generation.scored_response) json["scored_response"] = *generation.scored_response;  // output_cleanup
    if (generation.prompt_tokens_cut > 0) json["prompt_tokens_cut"] = generation.prompt_tokens_cut;
  }
  if (!sample.prompt_details.is_null()) json["prompt_details"] = sample.prompt_details;
  if (sample.retrieved) {
    nlohmann::json retrieved = nlohmann::json::array();
    for (const SampleRetrievedPassage& passage : *sample.retrieved) {
      retrieved.push_back({{"id", passage.id}, {"chunk", passage.chunk}, {"score", passage.score}});
    }
    json["retrieved"] = retrieved;
  }
  if (sample.truncated) {
    json["truncated"] = sample.truncated->side.empty()
                            ? nlohmann::json{{"field", sample.truncated->field}, {"removed_tokens", sample.truncated->removed_tokens}}
                            : nlohmann::json{{"side", sample.truncated->side}, {"removed_tokens", sample.truncated->removed_tokens}};
  }
  if (sample.cluster) json["cluster"] = *sample.cluster;
  json["extracted"] = sample.extracted;
  json["scores"] = sample.scores;
  json["status"] = sample.status;
  if (!sample.details.is_null()) json["details"] = sample.details;
  if (sample.excluded) json["excluded"] = true;
  add_unknown_keys(json, sample.extra);
  return json;
}

void to_json(nlohmann::json& json, const Sample& sample) { json = sample_to_json(sample); }

void from_json(const nlohmann::json& json, Sample& sample) { sample = sample_from_json(json, "", 0); }

Sample sample_from_json(const nlohmann::json& object, const std::filesystem::path& file, int64_t line) {
  FieldReader fields(object, file, line, "");
  fields.require_object();
  Sample sample;
  sample.id = fields.string("id");
  sample.line = fields.integer("line");
  sample.prompt = fields.string("prompt");
  sample.prompt_key = fields.string("prompt_key");
  sample.target = fields.string("target");
  if (fields.array("options")) sample.options = fields.strings("options");
  if (const nlohmann::json* options = fields.array("option_loglikelihoods")) {
    sample.option_loglikelihoods.emplace();
    for (size_t i = 0; i < options->size(); ++i) {
      FieldReader option = fields.nested((*options)[i], "option_loglikelihoods[" + std::to_string(i) + "]");
      sample.option_loglikelihoods->push_back(
          {option.number("logprob"), option.boolean("is_greedy"), option.integer("tokens"), option.string("status", "ok")});
    }
  }
  if (fields.array("option_continuations")) sample.option_continuations = fields.strings("option_continuations");
  if (std::optional<std::string> response = fields.optional_string("response")) {
    SampleGeneration generation;
    generation.response = *response;
    generation.finish_reason = fields.string("finish_reason");
    generation.prompt_tokens = fields.integer("prompt_tokens");
    generation.generated_tokens = fields.integer("generated_tokens");
    generation.scored_response = fields.optional_string("scored_response");
    generation.prompt_tokens_cut = fields.integer("prompt_tokens_cut");
    sample.generation = std::move(generation);
  }
  sample.prompt_details = fields.any("prompt_details");
  if (const nlohmann::json* retrieved = fields.array("retrieved")) {
    sample.retrieved.emplace();
    for (size_t i = 0; i < retrieved->size(); ++i) {
      FieldReader passage = fields.nested((*retrieved)[i], "retrieved[" + std::to_string(i) + "]");
      sample.retrieved->push_back(
          {passage.string("id"), int32_t(passage.integer("chunk")), passage.number("score")});
    }
  }
  if (const nlohmann::json* truncated = fields.object("truncated")) {
    FieldReader cut = fields.nested(*truncated, "truncated");
    sample.truncated = SampleTruncation{cut.string("field"), cut.string("side"), cut.integer("removed_tokens")};
  }
  sample.cluster = fields.optional_string("cluster");
  sample.extracted = fields.string("extracted");
  if (const nlohmann::json* scores = fields.object("scores")) {
    FieldReader values = fields.nested(*scores, "scores");
    for (const auto& [metric, value] : scores->items()) sample.scores[metric] = values.number(metric.c_str());
  }
  sample.status = fields.string("status", "ok");
  sample.details = fields.any("details");
  sample.excluded = fields.boolean("excluded");
  sample.extra = fields.unknown(kSampleKeys);
  return sample;
}

}  // namespace clinbench
