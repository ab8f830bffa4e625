// Invariants of the data stage's readers, shared by the dataset fuzz targets: what read_dataset
// and map_multiple_choice promise about the values they return (include/clinbench/data.h).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "clinbench/data.h"
#include "data/dataset_text.h"
#include "fuzz_support.h"

namespace clinbench::fuzz {

// Records come in file order, one object each, numbered from 0, on lines that do not go back,
// and serialise as valid UTF-8 (nlohmann::json throws on invalid UTF-8 when dumping).
inline void check_records(const std::vector<Record>& records, std::string_view source,
                          const char* target, bool one_record_a_line) {
  require(!records.empty(), target, "a read that succeeds has records");
  int64_t previous_line = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const Record& record = records[i];
    require(record.fields.is_object(), target, "a record's fields are a JSON object");
    require(record.position == int64_t(i), target, "positions count from 0 in file order");
    require(record.source == source, target, "a record names its file");
    require(record.line >= 1, target, "a record's line is 1-based");
    require(one_record_a_line ? record.line > previous_line : record.line >= previous_line, target,
            "records come in line order");
    previous_line = record.line;
    try {
      std::string dumped = record.fields.dump();
      require(valid_utf8(dumped), target, "a record serialises as valid UTF-8");
    } catch (const nlohmann::json::exception& e) {
      invariant_failed(target, std::string("a record does not serialise: ") + e.what());
    }
  }
}

// Items keep their records' order and identity, have 2 to 26 non-empty options, a valid answer
// and unique ids.
inline void check_items(const std::vector<MultipleChoiceItem>& items,
                        const std::vector<Record>& records, const char* target) {
  require(items.size() == records.size(), target, "one item per record");
  std::set<std::string> ids;
  for (size_t i = 0; i < items.size(); ++i) {
    const MultipleChoiceItem& item = items[i];
    require(item.options.size() >= 2 && item.options.size() <= 26, target, "2 to 26 options");
    require(item.answer_index >= 0 && size_t(item.answer_index) < item.options.size(), target,
            "the answer is one of the options");
    for (const std::string& option : item.options) {
      require(option.find_first_not_of(" \t\r\n") != std::string::npos, target,
              "options are not empty");
    }
    require(ids.insert(item.id).second, target, "ids are unique: '" + item.id + "'");
    require(item.line == records[i].line && item.source == records[i].source, target,
            "an item names its record's line");
  }
}

// Reads text in the given layout, then maps it with mapping; checks both contracts.
inline void read_and_map(std::string_view text, std::string_view source,
                         const DatasetReadOptions& options, const MultipleChoiceMapping& mapping,
                         const char* target, bool one_record_a_line) {
  std::vector<Record> records;
  try {
    records = read_dataset_text(text, std::string(source), options);
  } catch (const Error& e) {
    require_names_source(e, source, target);
    return;
  }
  check_records(records, source, target, one_record_a_line);
  std::vector<MultipleChoiceItem> items;
  try {
    items = map_multiple_choice(records, mapping);
  } catch (const Error& e) {
    require_names_source(e, source, target);
    return;
  }
  check_items(items, records, target);
}

}  // namespace clinbench::fuzz
