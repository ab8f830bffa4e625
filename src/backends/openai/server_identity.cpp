#include "backends/openai/server_identity.h"

#include "clinbench/core.h"

namespace clinbench {

namespace {

using nlohmann::json;

json stable_model_entry(const json& entry) {
  json stable = json::object();
  for (const char* key : {"id", "owned_by", "root", "parent", "max_model_len", "meta"}) {
    if (entry.contains(key) && !entry[key].is_null()) stable[key] = entry[key];
  }
  return stable;
}

// The /props fields that identify what computes the answers; slot counts, UI settings and
// sleep state do not change an answer and stay out.
json stable_properties(const json& props) {
  json stable = json::object();
  for (const char* key : {"model_path", "model_alias", "model_ftype", "build_info", "bos_token", "eos_token"}) {
    if (props.contains(key) && !props[key].is_null()) stable[key] = props[key];
  }
  if (props.contains("default_generation_settings") && props["default_generation_settings"].is_object() &&
      props["default_generation_settings"].contains("n_ctx")) {
    stable["n_ctx"] = props["default_generation_settings"]["n_ctx"];
  }
  if (props.contains("chat_template") && props["chat_template"].is_string()) {
    stable["chat_template_sha256"] = sha256_hex(props["chat_template"].get<std::string>());
  }
  return stable;
}

int32_t integer_at(const json& object, std::initializer_list<const char*> path) {
  const json* at = &object;
  for (const char* key : path) {
    if (!at->is_object() || !at->contains(key)) return 0;
    at = &(*at)[key];
  }
  return at->is_number_integer() ? at->get<int32_t>() : 0;
}

std::string id_of(const json& entry) {
  return entry.is_object() && entry.contains("id") && entry["id"].is_string() ? entry["id"].get<std::string>() : "";
}

std::string listed_names(const json& models) {
  std::string names;
  for (const json& entry : models) {
    if (id_of(entry).empty()) continue;
    names += (names.empty() ? "" : ", ") + id_of(entry);
  }
  return names.empty() ? "(none)" : names;
}

}  // namespace

std::string server_root_url(const std::string& api_url) {
  std::string root = api_url;
  if (root.size() >= 3 && root.compare(root.size() - 3, 3, "/v1") == 0) root.resize(root.size() - 3);
  return root;
}

ServerIdentity probe_server_identity(HttpClient& client, const std::string& api_url,
                                     const std::string& requested_model, const std::string& api_key_env) {
  HttpCall list_call{.url = api_url + "/models", .body = {}, .max_attempts = 0, .refusal_ends_run = false};
  HttpReply listed = client.call(list_call);
  if (listed.status == 401 || listed.status == 403) {
    throw Error("the server at " + api_url + " refused the API key (" + listed.failure +
                "); clinbench sends the key held in the environment variable " + api_key_env +
                " (--api-key-env names another)");
  }
  if (listed.status == 404) {
    throw Error("no OpenAI-compatible API at " + api_url + ": " + listed.failure +
                "; the URL is the API base, which usually ends in /v1");
  }
  if (!listed.ok()) throw Error("cannot reach the server at " + api_url + ": " + listed.failure);
  json models = json::parse(listed.body, nullptr, false);
  if (models.is_object() && models.contains("data")) models = models["data"];
  if (!models.is_array()) {
    throw Error("the server at " + api_url + " answered GET /models with something that is not a "
                "model list: " + listed.body.substr(0, 200));
  }

  ServerIdentity identity;
  identity.model_name = requested_model;
  const json* entry = nullptr;
  for (const json& candidate : models) {
    if (!requested_model.empty() && id_of(candidate) == requested_model) entry = &candidate;
  }
  if (requested_model.empty() || !entry) {
    // A single-model server (llama-server, TGI) answers to any name; its one entry is the model.
    if (models.size() == 1 && models[0].is_object()) {
      entry = &models[0];
      if (requested_model.empty()) identity.model_name = id_of(*entry);
    } else if (requested_model.empty()) {
      throw Error("the server at " + api_url + " serves several models; name one with --model-name: " +
                  listed_names(models));
    } else {
      throw Error("the server at " + api_url + " does not serve the model '" + requested_model +
                  "'; it serves: " + listed_names(models));
    }
  }
  identity.model_entry = stable_model_entry(*entry);

  HttpCall props_call{.url = server_root_url(api_url) + "/props", .body = {}, .max_attempts = 2,
                      .refusal_ends_run = false};
  HttpReply props = client.call(props_call);
  json properties = props.ok() ? json::parse(props.body, nullptr, false) : json();
  if (properties.is_object() && (properties.contains("model_path") || properties.contains("build_info"))) {
    identity.server_properties = stable_properties(properties);
    identity.slots = integer_at(properties, {"total_slots"});
  }

  identity.context_length = integer_at(identity.model_entry, {"max_model_len"});
  if (identity.context_length == 0) identity.context_length = integer_at(identity.model_entry, {"meta", "n_ctx"});
  if (identity.context_length == 0) identity.context_length = integer_at(identity.server_properties, {"n_ctx"});
  return identity;
}

std::string server_fingerprint(const std::string& api_url, const ServerIdentity& identity) {
  json described = {{"url", api_url},
                    {"model", identity.model_name},
                    {"model_entry", identity.model_entry},
                    {"server_properties", identity.server_properties}};
  return sha256_hex(described.dump());
}

}  // namespace clinbench
