#include "results/json_fields.h"

#include <limits>

#include "clinbench/stats.h"

namespace clinbench::results_fields {

namespace {

const char* type_name(const nlohmann::json& value) { return value.type_name(); }

}  // namespace

FieldReader::FieldReader(const nlohmann::json& object, const std::filesystem::path& file, int64_t line,
                         std::string prefix)
    : object_(object), file_(file), line_(line), prefix_(std::move(prefix)) {}

std::string FieldReader::path_of(const std::string& key) const {
  if (prefix_.empty()) return key;
  return key.empty() ? prefix_ : prefix_ + "." + key;
}

void FieldReader::fail(const std::string& key, const std::string& message) const {
  throw_input_error(file_, line_, path_of(key), message);
}

void FieldReader::require_object() const {
  if (!object_.is_object()) fail("", std::string("expected an object, found ") + type_name(object_));
}

const nlohmann::json* FieldReader::find(const char* key) const {
  auto found = object_.find(key);
  if (found == object_.end() || found->is_null()) return nullptr;
  return &*found;
}

const nlohmann::json* FieldReader::object(const char* key) const {
  const nlohmann::json* value = find(key);
  if (value && !value->is_object()) fail(key, std::string("expected an object, found ") + type_name(*value));
  return value;
}

const nlohmann::json* FieldReader::array(const char* key) const {
  const nlohmann::json* value = find(key);
  if (value && !value->is_array()) fail(key, std::string("expected an array, found ") + type_name(*value));
  return value;
}

std::string FieldReader::string(const char* key, const std::string& fallback) const {
  std::optional<std::string> value = optional_string(key);
  return value ? *value : fallback;
}

std::optional<std::string> FieldReader::optional_string(const char* key) const {
  const nlohmann::json* value = find(key);
  if (!value) return std::nullopt;
  if (!value->is_string()) fail(key, std::string("expected a string, found ") + type_name(*value));
  return value->get<std::string>();
}

int64_t FieldReader::integer(const char* key, int64_t fallback) const {
  const nlohmann::json* value = find(key);
  if (!value) return fallback;
  if (value->is_number_unsigned() && value->get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
    fail(key, "too large");
  if (!value->is_number_integer()) fail(key, std::string("expected an integer, found ") + type_name(*value));
  return value->get<int64_t>();
}

uint64_t FieldReader::unsigned_integer(const char* key, uint64_t fallback) const {
  const nlohmann::json* value = find(key);
  if (!value) return fallback;
  if (!value->is_number_unsigned()) fail(key, std::string("expected a non-negative integer, found ") + value->dump());
  return value->get<uint64_t>();
}

double FieldReader::number(const char* key, double fallback) const {
  auto found = object_.find(key);
  if (found == object_.end()) return fallback;
  if (found->is_null()) return std::numeric_limits<double>::quiet_NaN();  // NaN is written as null
  if (!found->is_number()) fail(key, std::string("expected a number, found ") + type_name(*found));
  return found->get<double>();
}

std::optional<double> FieldReader::optional_number(const char* key) const {
  const nlohmann::json* value = find(key);
  if (!value) return std::nullopt;
  if (!value->is_number()) fail(key, std::string("expected a number, found ") + type_name(*value));
  return value->get<double>();
}

bool FieldReader::boolean(const char* key, bool fallback) const {
  const nlohmann::json* value = find(key);
  if (!value) return fallback;
  if (!value->is_boolean()) fail(key, std::string("expected true or false, found ") + type_name(*value));
  return value->get<bool>();
}

std::vector<std::string> FieldReader::strings(const char* key) const {
  std::vector<std::string> values;
  const nlohmann::json* list = array(key);
  if (!list) return values;
  for (size_t i = 0; i < list->size(); ++i) {
    const nlohmann::json& item = (*list)[i];
    if (!item.is_string()) fail(std::string(key) + "[" + std::to_string(i) + "]", "expected a string");
    values.push_back(item.get<std::string>());
  }
  return values;
}

std::map<std::string, int64_t> FieldReader::counts(const char* key) const {
  std::map<std::string, int64_t> values;
  const nlohmann::json* counted = object(key);
  if (!counted) return values;
  FieldReader inner = nested(*counted, key);
  for (const auto& [name, count] : counted->items()) values[name] = inner.integer(name.c_str());
  return values;
}

nlohmann::json FieldReader::any(const char* key) const {
  auto found = object_.find(key);
  return found == object_.end() ? nlohmann::json() : *found;
}

FieldReader FieldReader::nested(const nlohmann::json& child, const std::string& name) const {
  FieldReader reader(child, file_, line_, path_of(name));
  reader.require_object();
  return reader;
}

nlohmann::json FieldReader::unknown(const std::set<std::string>& known) const {
  nlohmann::json extra = nlohmann::json::object();
  for (const auto& [key, value] : object_.items()) {
    if (!known.count(key)) extra[key] = value;
  }
  return extra;
}

nlohmann::json estimate_to_json(const std::optional<StatsEstimate>& estimate) {
  if (!estimate) return {{"value", nullptr}, {"ci_low", nullptr}, {"ci_high", nullptr}};
  return {{"value", estimate->value}, {"ci_low", estimate->ci_low}, {"ci_high", estimate->ci_high}};
}

std::optional<StatsEstimate> estimate_from_json(const FieldReader& metric) {
  std::optional<double> value = metric.optional_number("value");
  if (!value) return std::nullopt;
  StatsEstimate estimate;
  estimate.value = *value;
  estimate.ci_low = metric.optional_number("ci_low").value_or(*value);
  estimate.ci_high = metric.optional_number("ci_high").value_or(*value);
  return estimate;
}

void add_unknown_keys(nlohmann::json& json, const nlohmann::json& extra) {
  for (const auto& [key, value] : extra.items()) {
    if (!json.contains(key)) json[key] = value;
  }
}

}  // namespace clinbench::results_fields
