// What an OpenAI-compatible server says about itself and the model it serves: the ingredients
// of the model fingerprint (cache keys, results) and the context window.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "backends/openai/http_client.h"

namespace clinbench {

struct ServerIdentity {
  std::string model_name;  // the name requests carry (the one asked for, or the only one listed)
  // The model's /models entry, stable fields only (id, owned_by, root, parent, max_model_len,
  // llama-server's meta); "created" and vLLM's per-call permission ids are left out so that the
  // fingerprint does not change between calls. Null when the server does not list the model.
  nlohmann::json model_entry;
  // llama-server's GET /props (model_path, n_ctx, build_info, chat template hash); null for
  // servers without /props (vLLM, TGI, Ollama, OpenAI).
  nlohmann::json server_properties;
  int32_t context_length = 0;  // vLLM max_model_len, llama-server's per-slot n_ctx; 0 = unknown
  // Requests the server computes at once (llama-server's total_slots, its --parallel); 0 = not
  // reported. Not part of the fingerprint: it changes speed, not answers.
  int32_t slots = 0;
};

// The server's root for endpoints outside the OpenAI API (/props, /tokenize): the API base
// without a trailing "/v1".
std::string server_root_url(const std::string& api_url);

// Asks GET {api_url}/models and GET {root}/props. Throws Error when the server refuses (401/403:
// the key, naming api_key_env; 404: not an OpenAI API at that URL), cannot be reached, or does
// not serve the requested model (the Error lists what it serves); an empty requested_model
// takes the only model listed.
ServerIdentity probe_server_identity(HttpClient& client, const std::string& api_url,
                                     const std::string& requested_model, const std::string& api_key_env);

// sha256 of the URL, the model name and what the server reported (a canonical JSON dump).
std::string server_fingerprint(const std::string& api_url, const ServerIdentity& identity);

}  // namespace clinbench
