// Typed access to the fields of a Record, with errors that say where the record came from.
#include <charconv>

#include "clinbench/core.h"
#include "clinbench/data.h"

namespace clinbench {

namespace {

const nlohmann::json& record_field_value(const Record& record, std::string_view field) {
  auto found = record.fields.find(field);
  if (found == record.fields.end()) {
    throw_input_error(record.source, record.line, field, "missing");
  }
  if (found->is_null()) throw_input_error(record.source, record.line, field, "is null");
  return *found;
}

// Strings as they are, numbers as text; false for other types.
bool json_scalar_text(const nlohmann::json& value, std::string& text) {
  if (value.is_string()) {
    text = value.get_ref<const std::string&>();
    return true;
  }
  if (value.is_number_integer()) {  // signed and unsigned
    text = value.dump();
    return true;
  }
  if (value.is_number_float()) {
    text = value.dump();  // shortest form that reads back as the same double
    return true;
  }
  return false;
}

[[noreturn]] void record_field_wrong_type(const Record& record, std::string_view field,
                                          std::string_view expected, const nlohmann::json& value) {
  throw_input_error(record.source, record.line, field,
                    "expected " + std::string(expected) + ", found a JSON " + value.type_name());
}

}  // namespace

bool record_field_exists(const Record& record, std::string_view field) {
  auto found = record.fields.find(field);
  return found != record.fields.end() && !found->is_null();
}

std::string record_field_string(const Record& record, std::string_view field) {
  const nlohmann::json& value = record_field_value(record, field);
  std::string text;
  if (!json_scalar_text(value, text)) {
    record_field_wrong_type(record, field, "a string or a number", value);
  }
  return text;
}

int64_t record_field_integer(const Record& record, std::string_view field) {
  const nlohmann::json& value = record_field_value(record, field);
  if (value.is_number_unsigned()) {
    const auto number = value.get<uint64_t>();
    if (number > uint64_t(INT64_MAX)) {
      throw_input_error(record.source, record.line, field, "integer out of range");
    }
    return int64_t(number);
  }
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    int64_t number = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error == std::errc() && end == text.data() + text.size() && !text.empty()) return number;
    throw_input_error(record.source, record.line, field,
                      "expected an integer, found the text '" + text + "'");
  }
  record_field_wrong_type(record, field, "an integer", value);
}

std::vector<std::string> record_field_string_list(const Record& record, std::string_view field) {
  const nlohmann::json& value = record_field_value(record, field);
  if (!value.is_array()) record_field_wrong_type(record, field, "a list of strings", value);
  std::vector<std::string> out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    std::string text;
    if (!json_scalar_text(value[i], text)) {
      throw_input_error(record.source, record.line,
                        std::string(field) + "[" + std::to_string(i) + "]",
                        std::string("expected a string, found a JSON ") + value[i].type_name());
    }
    out.push_back(std::move(text));
  }
  return out;
}

std::map<std::string, std::string> record_field_string_object(const Record& record,
                                                              std::string_view field) {
  const nlohmann::json& value = record_field_value(record, field);
  if (!value.is_object()) {
    record_field_wrong_type(record, field, "an object of strings", value);
  }
  std::map<std::string, std::string> out;
  for (auto it = value.begin(); it != value.end(); ++it) {
    std::string text;
    if (!json_scalar_text(it.value(), text)) {
      throw_input_error(record.source, record.line, std::string(field) + "." + it.key(),
                        std::string("expected a string, found a JSON ") + it.value().type_name());
    }
    out.emplace(it.key(), std::move(text));
  }
  return out;
}

}  // namespace clinbench
