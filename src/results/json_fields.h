// Reading the typed results back: each field of a JSON object by its expected type, with an
// error naming file, line and the field's path when the type is wrong. An absent key (or null,
// where the writer writes null for "none") gives the default: files written by earlier versions
// and by hand (tests) leave keys out.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinbench/core.h"
#include "clinbench/stats.h"

namespace clinbench::results_fields {

class FieldReader {
 public:
  // prefix names the object in errors ("tasks.medqa"); empty at the top level.
  FieldReader(const nlohmann::json& object, const std::filesystem::path& file, int64_t line, std::string prefix);

  // The object itself must be a JSON object.
  void require_object() const;

  // nullptr when the key is absent or null; throws when it is not an object (array).
  const nlohmann::json* object(const char* key) const;
  const nlohmann::json* array(const char* key) const;

  std::string string(const char* key, const std::string& fallback = "") const;
  std::optional<std::string> optional_string(const char* key) const;
  int64_t integer(const char* key, int64_t fallback = 0) const;
  uint64_t unsigned_integer(const char* key, uint64_t fallback = 0) const;
  double number(const char* key, double fallback = 0) const;        // null -> NaN
  std::optional<double> optional_number(const char* key) const;     // absent or null -> nullopt
  bool boolean(const char* key, bool fallback = false) const;
  std::vector<std::string> strings(const char* key) const;
  std::map<std::string, int64_t> counts(const char* key) const;
  // The value under key as it is (null when absent).
  nlohmann::json any(const char* key) const;

  // A reader of a nested object (which must be an object).
  FieldReader nested(const nlohmann::json& child, const std::string& name) const;

  // Every key of the object not in known, with its value: what this version does not read.
  nlohmann::json unknown(const std::set<std::string>& known) const;

  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  std::string path_of(const std::string& key) const;

  const std::filesystem::path& file() const { return file_; }
  int64_t line() const { return line_; }

 private:
  const nlohmann::json* find(const char* key) const;

  const nlohmann::json& object_;
  const std::filesystem::path& file_;
  int64_t line_;
  std::string prefix_;
};

// Writes back the keys a reader kept in `extra` (FieldReader::unknown) that `json` does not
// already hold: a file from a newer version keeps what this one does not know.
void add_unknown_keys(nlohmann::json& json, const nlohmann::json& extra);

// {"value", "ci_low", "ci_high"} with nulls for none, as results.json writes an estimate.
nlohmann::json estimate_to_json(const std::optional<StatsEstimate>& estimate);
std::optional<StatsEstimate> estimate_from_json(const FieldReader& metric);

}  // namespace clinbench::results_fields
