// ModelSpec: the one parser and printer of model spec strings (SCHEME[K=V,...]:TARGET).
#include <filesystem>

#include "clinbench/backends.h"

namespace clinbench {

namespace {

bool is_name_start(char c) { return c >= 'a' && c <= 'z'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '_' || c == '-'; }

bool is_name(std::string_view text) {
  if (text.empty() || !is_name_start(text[0])) return false;
  for (char c : text) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

// The characters a parameter value may not hold: they end the value or the parameter list.
bool is_value_char(char c) { return c != ',' && c != ']' && c != '='; }

}  // namespace

std::optional<ModelSpec> model_spec_try_parse(std::string_view text, std::string* error) {
  const std::string quoted = "'" + std::string(text) + "': ";
  auto fail = [&](const std::string& why) -> std::optional<ModelSpec> {
    if (error) *error = quoted + why;
    return std::nullopt;
  };
  size_t name_end = 0;
  while (name_end < text.size() && is_name_char(text[name_end])) ++name_end;
  ModelSpec spec;
  spec.scheme = std::string(text.substr(0, name_end));
  const bool has_parameters = name_end < text.size() && text[name_end] == '[';
  if (!is_name(spec.scheme) || name_end == text.size() || (text[name_end] != ':' && !has_parameters)) {
    return fail("expected " + backend_scheme_forms());
  }
  const BackendScheme* row = backend_scheme_find(spec.scheme);
  if (!row) return fail("expected " + backend_scheme_forms());

  size_t at = name_end;
  if (has_parameters) {
    ++at;  // '['
    while (true) {
      size_t key_end = at;
      while (key_end < text.size() && is_name_char(text[key_end])) ++key_end;
      std::string key(text.substr(at, key_end - at));
      if (!is_name(key) || key_end == text.size() || text[key_end] != '=') {
        return fail("parameter " + std::to_string(spec.parameters.size() + 1) +
                    ": expected KEY=VALUE (KEY of a-z, 0-9, '_', '-'), inside [ ] before the ':'");
      }
      size_t value_end = key_end + 1;
      while (value_end < text.size() && is_value_char(text[value_end])) ++value_end;
      if (value_end == key_end + 1) return fail("parameter '" + key + "' has an empty value");
      if (value_end == text.size() || text[value_end] == '=') {
        return fail("parameter '" + key + "': expected ',' or ']' after its value");
      }
      for (const auto& [other, value] : spec.parameters) {
        if (other == key) return fail("parameter '" + key + "' is given twice");
      }
      spec.parameters.emplace_back(key, std::string(text.substr(key_end + 1, value_end - key_end - 1)));
      at = value_end + 1;
      if (text[value_end] == ']') break;
    }
    if (at == text.size() || text[at] != ':') return fail("expected ':' and the target after the parameters");
  }
  spec.target = std::string(text.substr(at + 1));
  if (spec.target.empty()) {
    return fail("expected " + spec.scheme + ":" + row->target + ", with a " + row->target + " after the colon");
  }
  if (!spec.parameters.empty()) {
    std::string accepted = row->parameters ? row->parameters : "";
    for (const auto& [key, value] : spec.parameters) {
      if (("," + accepted + ",").find("," + key + ",") == std::string::npos) {
        return fail("the " + spec.scheme + ": backend takes " +
                    (accepted.empty() ? std::string("no parameters") : "the parameters " + accepted) +
                    ", not '" + key + "'");
      }
    }
  }
  return spec;
}

ModelSpec ModelSpec::parse(std::string_view text) {
  std::string error;
  std::optional<ModelSpec> spec = model_spec_try_parse(text, &error);
  if (!spec) throw Error(error);
  return std::move(*spec);
}

std::string ModelSpec::format() const {
  std::string text = scheme;
  if (!parameters.empty()) {
    text += '[';
    for (size_t i = 0; i < parameters.size(); ++i) {
      if (i) text += ',';
      text += parameters[i].first + "=" + parameters[i].second;
    }
    text += ']';
  }
  return text + ":" + target;
}

std::string model_spec_display_name(const ModelSpec& spec, std::string_view server_model_name) {
  const BackendScheme* row = backend_scheme_find(spec.scheme);
  if (row && row->target_is_file) return std::filesystem::path(spec.target).stem().string();
  return std::string(server_model_name);
}

}  // namespace clinbench
