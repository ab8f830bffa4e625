// Enum <-> name tables: one constexpr array per enum, read both ways, so the names an enum is
// written as (results.json, task files, flags) and the names it is read back from cannot drift
// apart. A table is an array of rows with a `value` and a `name` (EnumName, or a struct with
// more columns, such as a display label); its order is the order names are listed in messages.
//
//   constexpr EnumName<RagMode> kRagModeNames[] = {{RagMode::bm25, "bm25"}, {RagMode::dense, "dense"}};
//   enum_name(kRagModeNames, RagMode::dense)  -> "dense"
//   enum_from_name(kRagModeNames, "bm25")     -> RagMode::bm25; "bm26" -> std::nullopt
//   enum_names_list(kRagModeNames)            -> "bm25, dense"
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace clinbench {

template <typename Enum>
struct EnumName {
  Enum value;
  std::string_view name;
};

// The row of value, or nullptr when the table has none (a bug in the table: every enumerator
// should have a row; the enum_names test of each table checks it).
template <typename Row, size_t N>
constexpr const Row* enum_row(const Row (&table)[N], decltype(Row::value) value) {
  for (const Row& row : table) {
    if (row.value == value) return &row;
  }
  return nullptr;
}

// The name of value; fallback for a value the table lacks.
template <typename Row, size_t N>
constexpr std::string_view enum_name(const Row (&table)[N], decltype(Row::value) value,
                                     std::string_view fallback = "unknown") {
  const Row* row = enum_row(table, value);
  return row ? row->name : fallback;
}

// The value named name (exact, case-sensitive), or std::nullopt.
template <typename Row, size_t N>
constexpr std::optional<decltype(Row::value)> enum_from_name(const Row (&table)[N], std::string_view name) {
  for (const Row& row : table) {
    if (row.name == name) return row.value;
  }
  return std::nullopt;
}

// The names in table order, comma-separated: the "(valid: ...)" of an error message.
template <typename Row, size_t N>
std::string enum_names_list(const Row (&table)[N]) {
  std::string names;
  for (const Row& row : table) {
    if (!names.empty()) names += ", ";
    names += row.name;
  }
  return names;
}

}  // namespace clinbench
