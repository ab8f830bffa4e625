#include "engine/cache_codec.h"

#include <xxhash.h>

#include <cmath>
#include <limits>

#include "clinbench/utf8.h"

namespace clinbench {

namespace {

const char* hex_digits = "0123456789abcdef";

std::string hex_encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    out.push_back(hex_digits[byte >> 4]);
    out.push_back(hex_digits[byte & 0xf]);
  }
  return out;
}

int hex_value(char digit) {
  if (digit >= '0' && digit <= '9') return digit - '0';
  if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
  return -1;
}

[[noreturn]] void fail(std::string_view field, std::string_view message) {
  throw Error("field '" + std::string(field) + "': " + std::string(message));
}

const nlohmann::json& member(const nlohmann::json& json, const char* field) {
  auto it = json.find(field);
  if (it == json.end()) fail(field, "missing");
  return *it;
}

template <typename Integer>
Integer integer_from_json(const nlohmann::json& json, std::string_view field) {
  if (!json.is_number_integer()) fail(field, "not an integer");
  if (json.is_number_unsigned()) {
    auto value = json.get<uint64_t>();
    if (value > uint64_t(std::numeric_limits<Integer>::max())) fail(field, "out of range");
    return Integer(value);
  }
  auto value = json.get<int64_t>();
  if (value < int64_t(std::numeric_limits<Integer>::min()) ||
      (value > 0 && uint64_t(value) > uint64_t(std::numeric_limits<Integer>::max()))) {
    fail(field, "out of range");
  }
  return Integer(value);
}

bool bool_from_json(const nlohmann::json& json, std::string_view field) {
  if (!json.is_boolean()) fail(field, "not true or false");
  return json.get<bool>();
}

RequestStatus status_from_json(const nlohmann::json& json) {
  std::string name = text_from_json(json, "status");
  for (RequestStatus status : {RequestStatus::ok, RequestStatus::context_overflow,
                               RequestStatus::empty_continuation, RequestStatus::backend_error}) {
    if (name == request_status_name(status)) return status;
  }
  fail("status", "unknown status '" + name + "'");
}

FinishReason finish_from_json(const nlohmann::json& json) {
  std::string name = text_from_json(json, "finish");
  for (FinishReason reason : {FinishReason::stop, FinishReason::length, FinishReason::error}) {
    if (name == finish_reason_name(reason)) return reason;
  }
  fail("finish", "unknown finish reason '" + name + "'");
}

nlohmann::json texts_to_json(const std::vector<std::string>& texts) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& text : texts) out.push_back(text_to_json(text));
  return out;
}

// Compact, keys sorted (nlohmann::json keeps objects in a std::map), UTF-8 as is. Strict UTF-8
// handling: text_to_json has already hex-encoded anything invalid, so a throw here is a bug.
std::string dump_canonical(const nlohmann::json& json) { return json.dump(); }

}  // namespace

const char* request_kind_name(RequestKind kind) {
  switch (kind) {
    case RequestKind::loglikelihood:
      return "loglikelihood";
    case RequestKind::generation:
      return "generation";
    case RequestKind::embedding:
      return "embedding";
  }
  return "unknown";
}

std::optional<RequestKind> request_kind_from_name(std::string_view name) {
  if (name == "loglikelihood") return RequestKind::loglikelihood;
  if (name == "generation") return RequestKind::generation;
  if (name == "embedding") return RequestKind::embedding;
  return std::nullopt;
}

bool response_is_cacheable(RequestStatus status) { return status != RequestStatus::backend_error; }

// --- lossless encodings -----------------------------------------------------------------------

nlohmann::json text_to_json(std::string_view text) {
  if (utf8_find_invalid(text) == std::string_view::npos) return std::string(text);
  return nlohmann::json{{"hex", hex_encode(text)}};
}

std::string text_from_json(const nlohmann::json& json, std::string_view field) {
  if (json.is_string()) return json.get<std::string>();
  if (json.is_object() && json.size() == 1 && json.contains("hex") && json["hex"].is_string()) {
    const std::string& hex = json["hex"].get_ref<const std::string&>();
    if (hex.size() % 2 != 0) fail(field, "odd number of hex digits");
    std::string out(hex.size() / 2, '\0');
    for (size_t i = 0; i < out.size(); ++i) {
      int high = hex_value(hex[2 * i]);
      int low = hex_value(hex[2 * i + 1]);
      if (high < 0 || low < 0) fail(field, "not lower-case hex digits");
      out[i] = char(high * 16 + low);
    }
    return out;
  }
  fail(field, "not a string or {\"hex\": ...}");
}

nlohmann::json number_to_json(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return value;
}

double number_from_json(const nlohmann::json& json, std::string_view field) {
  if (json.is_number()) return json.get<double>();
  if (json.is_string()) {
    const std::string& name = json.get_ref<const std::string&>();
    if (name == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (name == "inf") return std::numeric_limits<double>::infinity();
    if (name == "-inf") return -std::numeric_limits<double>::infinity();
  }
  fail(field, "not a number");
}

// --- requests ---------------------------------------------------------------------------------

std::string canonical_request_json(std::string_view model_fingerprint,
                                   const LoglikelihoodRequest& request) {
  nlohmann::json json = {
      {"kind", request_kind_name(RequestKind::loglikelihood)},
      {"model", text_to_json(model_fingerprint)},
      {"context", text_to_json(request.context)},
      {"continuation", text_to_json(request.continuation)},
  };
  return dump_canonical(json);
}

std::string canonical_request_json(std::string_view model_fingerprint,
                                   const GenerationRequest& request) {
  nlohmann::json messages = nlohmann::json::array();
  for (const ChatMessage& message : request.chat.messages) {
    messages.push_back(
        {{"role", text_to_json(message.role)}, {"content", text_to_json(message.content)}});
  }
  const SamplingParams& sampling = request.sampling;
  nlohmann::json sampling_json = {
      {"temperature", number_to_json(sampling.temperature)},
      {"top_k", sampling.top_k},
      {"top_p", number_to_json(sampling.top_p)},
      // backends.h: the seed is used only when temperature > 0. Leaving it out otherwise lets a
      // greedy request hit whatever --seed the run had (it may also pick few-shot examples).
      {"seed", sampling.temperature > 0.0f ? nlohmann::json(sampling.seed) : nlohmann::json()},
  };
  nlohmann::json json = {
      {"kind", request_kind_name(RequestKind::generation)},
      {"model", text_to_json(model_fingerprint)},
      {"prompt", text_to_json(request.prompt)},
      {"chat",
       {{"messages", messages}, {"answer_prefix", text_to_json(request.chat.answer_prefix)}}},
      {"stop", texts_to_json(request.stop)},
      {"max_tokens", request.max_tokens},
      {"sampling", sampling_json},
      {"grammar", text_to_json(request.grammar)},
  };
  // Only when set, so the keys of requests without it stay what they were.
  if (request.truncate_prompt_tokens > 0) json["truncate_prompt_tokens"] = request.truncate_prompt_tokens;
  return dump_canonical(json);
}

std::string canonical_request_json(std::string_view model_fingerprint, const EmbeddingRequest& request) {
  nlohmann::json json = {
      {"kind", request_kind_name(RequestKind::embedding)},
      {"model", text_to_json(model_fingerprint)},
      {"text", text_to_json(request.text)},
  };
  return dump_canonical(json);
}

std::string cache_hash_hex(std::string_view canonical_request) {
  XXH128_hash_t hash = XXH3_128bits(canonical_request.data(), canonical_request.size());
  return hex64(hash.high64) + hex64(hash.low64);
}

CacheKey cache_key(const ModelInfo& model, const LoglikelihoodRequest& request) {
  CacheKey key;
  key.kind = RequestKind::loglikelihood;
  key.model_fingerprint = model.fingerprint;
  key.canonical_request = canonical_request_json(model.fingerprint, request);
  key.hash = cache_hash_hex(key.canonical_request);
  key.context_length = model.context_length;
  return key;
}

CacheKey cache_key(const ModelInfo& model, const GenerationRequest& request) {
  CacheKey key;
  key.kind = RequestKind::generation;
  key.model_fingerprint = model.fingerprint;
  key.canonical_request = canonical_request_json(model.fingerprint, request);
  key.hash = cache_hash_hex(key.canonical_request);
  key.context_length = model.context_length;
  return key;
}

CacheKey cache_key(const ModelInfo& model, const EmbeddingRequest& request) {
  CacheKey key;
  key.kind = RequestKind::embedding;
  key.model_fingerprint = model.fingerprint;
  key.canonical_request = canonical_request_json(model.fingerprint, request);
  key.hash = cache_hash_hex(key.canonical_request);
  key.context_length = model.context_length;
  return key;
}

// --- responses --------------------------------------------------------------------------------

nlohmann::json response_to_json(const LoglikelihoodResponse& response) {
  nlohmann::json token_logprobs = nlohmann::json::array();
  for (float logprob : response.token_logprobs) token_logprobs.push_back(number_to_json(logprob));
  return {
      {"status", request_status_name(response.status)},
      {"error", text_to_json(response.error)},
      {"logprob", number_to_json(response.logprob)},
      {"token_logprobs", std::move(token_logprobs)},
      {"is_greedy", response.is_greedy},
      {"context_tokens", response.context_tokens},
      {"continuation_tokens", response.continuation_tokens},
  };
}

nlohmann::json response_to_json(const GenerationResponse& response) {
  nlohmann::json json = {
      {"status", request_status_name(response.status)},
      {"error", text_to_json(response.error)},
      {"text", text_to_json(response.text)},
      {"tokens", response.tokens},
      {"finish", finish_reason_name(response.finish)},
      {"prompt_tokens", response.prompt_tokens},
      {"completion_tokens", response.completion_tokens},
  };
  if (response.prompt_tokens_cut > 0) json["prompt_tokens_cut"] = response.prompt_tokens_cut;
  return json;
}

LoglikelihoodResponse loglikelihood_response_from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw Error("the response is not a JSON object");
  LoglikelihoodResponse response;
  response.status = status_from_json(member(json, "status"));
  response.error = text_from_json(member(json, "error"), "error");
  response.logprob = number_from_json(member(json, "logprob"), "logprob");
  const nlohmann::json& token_logprobs = member(json, "token_logprobs");
  if (!token_logprobs.is_array()) fail("token_logprobs", "not an array");
  response.token_logprobs.reserve(token_logprobs.size());
  for (const nlohmann::json& logprob : token_logprobs) {
    // Stored from a float, so the conversion back is exact.
    response.token_logprobs.push_back(float(number_from_json(logprob, "token_logprobs")));
  }
  response.is_greedy = bool_from_json(member(json, "is_greedy"), "is_greedy");
  response.context_tokens =
      integer_from_json<int32_t>(member(json, "context_tokens"), "context_tokens");
  response.continuation_tokens =
      integer_from_json<int32_t>(member(json, "continuation_tokens"), "continuation_tokens");
  return response;
}

GenerationResponse generation_response_from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw Error("the response is not a JSON object");
  GenerationResponse response;
  response.status = status_from_json(member(json, "status"));
  response.error = text_from_json(member(json, "error"), "error");
  response.text = text_from_json(member(json, "text"), "text");
  const nlohmann::json& tokens = member(json, "tokens");
  if (!tokens.is_array()) fail("tokens", "not an array");
  response.tokens.reserve(tokens.size());
  for (const nlohmann::json& token : tokens) {
    response.tokens.push_back(integer_from_json<int32_t>(token, "tokens"));
  }
  response.finish = finish_from_json(member(json, "finish"));
  response.prompt_tokens =
      integer_from_json<int32_t>(member(json, "prompt_tokens"), "prompt_tokens");
  // Optional: entries written before servers reported it read as 0 (unknown).
  if (json.contains("completion_tokens")) {
    response.completion_tokens = integer_from_json<int32_t>(json["completion_tokens"], "completion_tokens");
  }
  if (json.contains("prompt_tokens_cut")) {
    response.prompt_tokens_cut = integer_from_json<int32_t>(json["prompt_tokens_cut"], "prompt_tokens_cut");
  }
  return response;
}

}  // namespace clinbench

namespace clinbench {

nlohmann::json response_to_json(const EmbeddingResponse& response) {
  nlohmann::json vectors = nlohmann::json::array();
  for (float value : response.vectors) vectors.push_back(number_to_json(value));
  return {
      {"status", request_status_name(response.status)},
      {"error", text_to_json(response.error)},
      {"dimension", response.dimension},
      {"vectors", std::move(vectors)},
      {"tokens", response.tokens},
      {"scored_begin", response.scored_begin},
      {"scored_end", response.scored_end},
      {"truncated", response.truncated},
  };
}

EmbeddingResponse embedding_response_from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw Error("the response is not a JSON object");
  EmbeddingResponse response;
  response.status = status_from_json(member(json, "status"));
  response.error = text_from_json(member(json, "error"), "error");
  response.dimension = integer_from_json<int32_t>(member(json, "dimension"), "dimension");
  const nlohmann::json& vectors = member(json, "vectors");
  if (!vectors.is_array()) fail("vectors", "not an array");
  response.vectors.reserve(vectors.size());
  // Stored from floats, so the conversion back is exact.
  for (const nlohmann::json& value : vectors) response.vectors.push_back(float(number_from_json(value, "vectors")));
  const nlohmann::json& tokens = member(json, "tokens");
  if (!tokens.is_array()) fail("tokens", "not an array");
  for (const nlohmann::json& token : tokens) response.tokens.push_back(integer_from_json<int32_t>(token, "tokens"));
  response.scored_begin = integer_from_json<int32_t>(member(json, "scored_begin"), "scored_begin");
  response.scored_end = integer_from_json<int32_t>(member(json, "scored_end"), "scored_end");
  response.truncated = bool_from_json(member(json, "truncated"), "truncated");
  if (response.dimension < 0 || response.vectors.size() != response.tokens.size() * size_t(response.dimension)) {
    fail("vectors", "not tokens * dimension floats");
  }
  if (response.scored_begin < 0 || response.scored_begin > response.scored_end ||
      size_t(response.scored_end) > response.tokens.size()) {
    fail("scored_end", "not a range of the tokens");
  }
  return response;
}

}  // namespace clinbench
