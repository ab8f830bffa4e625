// How requests and responses are written into the response cache: the canonical request JSON
// that cache keys hash, and the response JSON that keeps every field a metric may need later.
//
// Both are lossless: text that is not valid UTF-8 (a generation cut inside a multi-byte
// character, for one) is kept byte for byte as {"hex": "..."} instead of a JSON string, and
// non-finite numbers as the strings "nan", "inf", "-inf". Pure functions, safe from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "clinbench/backends.h"
#include "clinbench/engine.h"

namespace clinbench {

// The canonical request: {"kind", "model", and the request's fields}, keys sorted, no
// whitespace. Equal strings exactly when cache_key() must give equal keys.
std::string canonical_request_json(std::string_view model_fingerprint,
                                   const LoglikelihoodRequest& request);
std::string canonical_request_json(std::string_view model_fingerprint,
                                   const GenerationRequest& request);
std::string canonical_request_json(std::string_view model_fingerprint, const EmbeddingRequest& request);

// 32 lower-case hex digits of XXH3-128 of canonical_request (high half first).
std::string cache_hash_hex(std::string_view canonical_request);

// "loglikelihood" | "generation" | "embedding" -> kind; nullopt for anything else.
std::optional<RequestKind> request_kind_from_name(std::string_view name);

// Every field of the response.
nlohmann::json response_to_json(const LoglikelihoodResponse& response);
nlohmann::json response_to_json(const GenerationResponse& response);
nlohmann::json response_to_json(const EmbeddingResponse& response);

// The inverse of response_to_json. Throws Error (a sentence naming the field) when the JSON is
// not such a response; the caller adds where it came from.
LoglikelihoodResponse loglikelihood_response_from_json(const nlohmann::json& json);
GenerationResponse generation_response_from_json(const nlohmann::json& json);
EmbeddingResponse embedding_response_from_json(const nlohmann::json& json);

// The lossless encodings used above, exposed for tests.
nlohmann::json text_to_json(std::string_view text);
std::string text_from_json(const nlohmann::json& json, std::string_view field);
nlohmann::json number_to_json(double value);
double number_from_json(const nlohmann::json& json, std::string_view field);

}  // namespace clinbench
