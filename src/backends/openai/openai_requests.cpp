#include "backends/openai/openai_requests.h"

#include <nlohmann/json.hpp>

namespace clinbench {

namespace {

using nlohmann::json;

// Greedy is temperature 0, which every server maps to argmax; seed only matters when sampling.
void add_generation_fields(json& body, const GenerationRequest& request) {
  const SamplingParams& sampling = request.sampling;
  body["max_tokens"] = request.max_tokens;
  body["temperature"] = sampling.temperature;
  if (sampling.top_p < 1.0f) body["top_p"] = sampling.top_p;
  if (sampling.top_k > 0) body["top_k"] = sampling.top_k;
  if (sampling.temperature > 0.0f) body["seed"] = sampling.seed;
  if (!request.stop.empty()) body["stop"] = request.stop;
  // llama-server's GBNF field; vLLM, TGI and Ollama ignore it (the output is then unconstrained).
  if (!request.grammar.empty()) body["grammar"] = request.grammar;
  body["stream"] = false;
}

// nlohmann throws on invalid UTF-8 while dumping; replacing such bytes keeps one odd prompt
// from ending a run, and the server could not have read them either.
std::string dump(const json& body) { return body.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string chat_completion_body(const std::string& model, const GenerationRequest& request) {
  json messages = json::array();
  for (const ChatMessage& message : request.chat.messages) {
    messages.push_back({{"role", message.role}, {"content", message.content}});
  }
  json body = {{"model", model}};
  if (!request.chat.answer_prefix.empty()) {
    messages.push_back({{"role", "assistant"}, {"content", request.chat.answer_prefix}});
    body["continue_final_message"] = true;
    body["add_generation_prompt"] = false;
  }
  body["messages"] = std::move(messages);
  add_generation_fields(body, request);
  return dump(body);
}

std::string completion_body(const std::string& model, const GenerationRequest& request) {
  json body = {{"model", model}, {"prompt", request.prompt}};
  add_generation_fields(body, request);
  return dump(body);
}

std::string prompt_logprobs_body(const std::string& model, std::string_view prompt) {
  json body = {{"model", model}, {"prompt", prompt}, {"echo", true}, {"logprobs", 1},
               {"max_tokens", 1}, {"temperature", 0}, {"stream", false}};
  return dump(body);
}

std::string first_token_logprobs_body(const std::string& model, std::string_view prompt, int32_t top) {
  json body = {{"model", model}, {"prompt", prompt}, {"logprobs", top},
               {"max_tokens", 1}, {"temperature", 0}, {"stream", false}};
  return dump(body);
}

std::string tokenize_body(const std::string& model, std::string_view text, bool llama_server) {
  if (llama_server) return dump({{"content", text}, {"add_special", false}});
  return dump({{"model", model}, {"prompt", text}, {"add_special_tokens", false}});
}

}  // namespace clinbench
