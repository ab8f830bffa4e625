// Records to multiple-choice items: id, question, context, lettered options, answer index.
#include <algorithm>
#include <optional>
#include <unordered_map>

#include "clinbench/core.h"
#include "clinbench/data.h"
#include "clinbench/enum_names.h"

namespace clinbench {

namespace {

constexpr EnumName<AnswerEncoding> answer_encoding_names[] = {
    {AnswerEncoding::letter, "letter"},
    {AnswerEncoding::index0, "index0"},
    {AnswerEncoding::index1, "index1"},
    {AnswerEncoding::text, "text"},
};

constexpr int multiple_choice_max_options = 26;

std::string_view trim_spaces(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return out;
}

std::string letter_range(size_t count) { return "A-" + multiple_choice_letter(int(count) - 1); }

void multiple_choice_check_mapping(const MultipleChoiceMapping& mapping) {
  const int ways = int(!mapping.options_field.empty()) + int(!mapping.option_fields.empty()) +
                   int(!mapping.fixed_options.empty());
  if (ways != 1) {
    throw Error(
        "multiple-choice mapping: set exactly one of options_field, option_fields and "
        "fixed_options (" +
        std::to_string(ways) + " are set)");
  }
  if (mapping.question_field.empty()) throw Error("multiple-choice mapping: no question_field");
  if (mapping.answer_field.empty()) throw Error("multiple-choice mapping: no answer_field");
  const size_t fixed = mapping.fixed_options.size();
  if (fixed == 1 || fixed > size_t(multiple_choice_max_options)) {
    throw Error("multiple-choice mapping: fixed_options must hold 2 to 26 options");
  }
}

std::string multiple_choice_id(const Record& record, const MultipleChoiceMapping& mapping,
                               bool several_sources) {
  if (!mapping.id_field.empty()) return record_field_string(record, mapping.id_field);
  if (!record.key.empty()) return record.key;
  std::string id = std::to_string(record.position);
  if (several_sources) id = std::filesystem::path(record.source).filename().string() + ":" + id;
  return id;
}

std::string multiple_choice_context(const Record& record, const MultipleChoiceMapping& mapping) {
  std::string context;
  bool first = true;
  auto append = [&](const std::string& piece) {
    if (!first) context += "\n";
    context += piece;
    first = false;
  };
  for (const std::string& field : mapping.context_fields) {
    auto found = record.fields.find(field);
    if (found != record.fields.end() && found->is_array()) {
      for (const std::string& piece : record_field_string_list(record, field)) append(piece);
    } else {
      append(record_field_string(record, field));
    }
  }
  return context;
}

// The options of one record; field names the field each came from (for errors).
void multiple_choice_options(const Record& record, const MultipleChoiceMapping& mapping,
                             std::vector<std::string>& options,
                             std::vector<std::string>& option_field_names) {
  options.clear();
  option_field_names.clear();
  // nullopt: missing or null (only allowed at the end when options may vary).
  std::vector<std::optional<std::string>> found;
  if (!mapping.fixed_options.empty()) {
    options = mapping.fixed_options;
    option_field_names.assign(options.size(), "");
    return;
  }
  if (!mapping.options_field.empty()) {
    const std::string& field = mapping.options_field;
    auto value = record.fields.find(field);
    if (value != record.fields.end() && value->is_array()) {
      std::vector<std::string> list = record_field_string_list(record, field);
      for (size_t i = 0; i < list.size(); ++i) {
        found.emplace_back(std::move(list[i]));
        option_field_names.push_back(field + "[" + std::to_string(i) + "]");
      }
    } else {
      std::map<std::string, std::string> by_key = record_field_string_object(record, field);
      size_t i = 0;
      for (auto& [key, text] : by_key) {
        const std::string expected = i < size_t(multiple_choice_max_options)
                                         ? multiple_choice_letter(int(i))
                                         : std::string("(none: at most 26 options)");
        if (key != expected) {
          throw_input_error(record.source, record.line, field + "." + key,
                            "option keys must be the letters A, B, C, ... in order without gaps; "
                            "expected '" +
                                expected + "' here");
        }
        found.emplace_back(std::move(text));
        option_field_names.push_back(field + "." + key);
        ++i;
      }
    }
  } else {
    for (const std::string& field : mapping.option_fields) {
      if (record_field_exists(record, field) || !mapping.options_may_vary) {
        found.emplace_back(record_field_string(record, field));  // throws when missing or null
      } else {
        found.emplace_back(std::nullopt);
      }
      option_field_names.push_back(field);
    }
  }
  auto is_blank = [](const std::optional<std::string>& option) {
    return !option || trim_spaces(*option).empty();
  };
  size_t count = found.size();
  if (mapping.options_may_vary) {
    while (count > 0 && is_blank(found[count - 1])) --count;
  }
  for (size_t i = 0; i < count; ++i) {
    if (is_blank(found[i])) {
      throw_input_error(
          record.source, record.line, option_field_names[i],
          std::string("option ") + multiple_choice_letter(int(i)) + " is empty" +
              (mapping.options_may_vary ? " but a later option is not"
                                        : " (when items have different numbers of options, set "
                                          "options_may_vary to drop empty options at the end)"));
    }
    options.push_back(std::move(*found[i]));
  }
  option_field_names.resize(count);
}

int multiple_choice_answer(const Record& record, const MultipleChoiceMapping& mapping,
                           const std::vector<std::string>& options) {
  const std::string& field = mapping.answer_field;
  const size_t count = options.size();
  auto out_of_range = [&](const std::string& answer) {
    throw_input_error(record.source, record.line, field,
                      "answer '" + answer + "' is not among the " + std::to_string(count) +
                          " options (" + letter_range(count) + ")");
  };
  switch (mapping.answer_encoding) {
    case AnswerEncoding::letter: {
      const std::string answer = record_field_string(record, field);
      const std::string_view letter = trim_spaces(answer);
      if (letter.size() != 1 ||
          !((letter[0] >= 'A' && letter[0] <= 'Z') || (letter[0] >= 'a' && letter[0] <= 'z'))) {
        throw_input_error(
            record.source, record.line, field,
            "expected an answer letter (" + letter_range(count) + "), found '" + answer + "'");
      }
      const int index = letter[0] >= 'a' ? letter[0] - 'a' : letter[0] - 'A';
      if (size_t(index) >= count) out_of_range(answer);
      return index;
    }
    case AnswerEncoding::index0:
    case AnswerEncoding::index1: {
      const int64_t base = mapping.answer_encoding == AnswerEncoding::index1 ? 1 : 0;
      const int64_t number = record_field_integer(record, field);
      if (number < base || number - base >= int64_t(count)) {
        throw_input_error(record.source, record.line, field,
                          "answer index " + std::to_string(number) + " is not among the " +
                              std::to_string(count) + " options (" + std::to_string(base) + " to " +
                              std::to_string(base + int64_t(count) - 1) + ", " +
                              (base == 1 ? "1-based" : "0-based") + ")");
      }
      return int(number - base);
    }
    case AnswerEncoding::text: {
      const std::string answer = record_field_string(record, field);
      std::vector<int> matches;
      for (size_t i = 0; i < count; ++i) {
        if (options[i] == answer) matches.push_back(int(i));
      }
      if (matches.empty()) {
        const std::string wanted = ascii_lower(trim_spaces(answer));
        for (size_t i = 0; i < count; ++i) {
          if (ascii_lower(trim_spaces(options[i])) == wanted) matches.push_back(int(i));
        }
      }
      if (matches.size() == 1) return matches[0];
      if (matches.empty()) {
        throw_input_error(record.source, record.line, field,
                          "answer '" + answer + "' matches none of the options' texts");
      }
      std::string letters;
      for (int index : matches)
        letters += (letters.empty() ? "" : ", ") + multiple_choice_letter(index);
      throw_input_error(record.source, record.line, field,
                        "answer '" + answer + "' matches several options (" + letters +
                            "): the answer is ambiguous");
    }
  }
  throw Error("map_multiple_choice: unknown AnswerEncoding value");
}

}  // namespace

AnswerEncoding answer_encoding_from_name(std::string_view name) {
  if (std::optional<AnswerEncoding> encoding = enum_from_name(answer_encoding_names, name)) return *encoding;
  throw Error("unknown answer encoding '" + std::string(name) + "' (valid: " + enum_names_list(answer_encoding_names) +
              ")");
}

std::string_view answer_encoding_name(AnswerEncoding encoding) { return enum_name(answer_encoding_names, encoding); }

std::string multiple_choice_letter(int index) { return std::string(1, char('A' + index)); }

std::vector<MultipleChoiceItem> map_multiple_choice(const std::vector<Record>& records,
                                                    const MultipleChoiceMapping& mapping) {
  multiple_choice_check_mapping(mapping);
  const bool several_sources =
      std::any_of(records.begin(), records.end(),
                  [&](const Record& record) { return record.source != records.front().source; });

  // Fields the mapping consumes; the rest go to MultipleChoiceItem::extra.
  std::vector<std::string> used = {mapping.question_field, mapping.answer_field};
  if (!mapping.id_field.empty()) used.push_back(mapping.id_field);
  if (!mapping.options_field.empty()) used.push_back(mapping.options_field);
  used.insert(used.end(), mapping.context_fields.begin(), mapping.context_fields.end());
  used.insert(used.end(), mapping.option_fields.begin(), mapping.option_fields.end());

  std::vector<MultipleChoiceItem> items;
  items.reserve(records.size());
  std::unordered_map<std::string, size_t> index_of_id;
  index_of_id.reserve(records.size());
  std::vector<std::string> option_field_names;
  for (const Record& record : records) {
    if (!record.fields.is_object()) {
      throw_input_error(record.source, record.line, "", "the record is not a JSON object");
    }
    MultipleChoiceItem item;
    item.id = multiple_choice_id(record, mapping, several_sources);
    item.line = record.line;
    item.source = record.source;
    item.question = record_field_string(record, mapping.question_field);
    item.context = multiple_choice_context(record, mapping);
    multiple_choice_options(record, mapping, item.options, option_field_names);
    if (item.options.size() < 2 || item.options.size() > size_t(multiple_choice_max_options)) {
      throw_input_error(
          record.source, record.line, mapping.options_field.empty() ? "" : mapping.options_field,
          "an item needs 2 to 26 options, found " + std::to_string(item.options.size()));
    }
    item.answer_index = multiple_choice_answer(record, mapping, item.options);
    item.extra = nlohmann::json::object();
    for (auto it = record.fields.begin(); it != record.fields.end(); ++it) {
      if (std::find(used.begin(), used.end(), it.key()) == used.end()) {
        item.extra[it.key()] = it.value();
      }
    }
    auto [existing, inserted] = index_of_id.emplace(item.id, items.size());
    if (!inserted) {
      const MultipleChoiceItem& first = items[existing->second];
      throw_input_error(record.source, record.line,
                        mapping.id_field.empty() ? "" : mapping.id_field,
                        "duplicate id '" + item.id + "' (first at " + first.source + ":" +
                            std::to_string(first.line) + ")");
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace clinbench
