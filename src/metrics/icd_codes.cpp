// MeDiSumCode scoring, following CLUE's eval/utils.py (parse_icd_codes, compute_icd_f1,
// is_icd10_valid) and eval_MeDiSumCode.py (compute_metrics), which the study used.
#include "metrics/icd_codes.h"

#include <algorithm>

#include "clinbench/core.h"
#include "clinbench/metrics.h"
#include "metrics/python_text.h"

namespace clinbench {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_code_character(char c) { return is_digit(c) || is_upper(c); }

// The regex's [A-TV-Z]: every upper-case letter but U (U codes are WHO emergency codes).
bool is_chapter_letter(char c) { return is_upper(c) && c != 'U'; }

// \b after a code character: the next character is not a word character (or the text ends).
bool boundary_after(std::string_view text, size_t position) {
  return !python_word_at(text, position);
}

// Length of the run of [0-9A-Z] starting at `position`, capped at `cap`.
size_t code_run(std::string_view text, size_t position, size_t cap) {
  size_t length = 0;
  while (length < cap && position + length < text.size() &&
         is_code_character(text[position + length])) {
    ++length;
  }
  return length;
}

// Matches \b[A-TV-Z][0-9]{2}(?:\.?[0-9A-Z]{1,4})?\b at `start` with Python's backtracking order
// (greedy "\.?", then greedy {1,4}, then the group left out). Returns the end of the match.
std::optional<size_t> match_code_at(std::string_view text, size_t start) {
  if (start + 3 > text.size()) return std::nullopt;
  if (!is_chapter_letter(text[start]) || !is_digit(text[start + 1]) || !is_digit(text[start + 2])) {
    return std::nullopt;
  }
  if (python_word_before(text, start)) return std::nullopt;
  const size_t stem_end = start + 3;
  if (stem_end < text.size() && text[stem_end] == '.') {
    for (size_t length = code_run(text, stem_end + 1, 4); length >= 1; --length) {
      if (boundary_after(text, stem_end + 1 + length)) return stem_end + 1 + length;
    }
  }
  for (size_t length = code_run(text, stem_end, 4); length >= 1; --length) {
    if (boundary_after(text, stem_end + length)) return stem_end + length;
  }
  if (boundary_after(text, stem_end)) return stem_end;
  return std::nullopt;
}

std::string without_dots(std::string_view code) {
  std::string result;
  result.reserve(code.size());
  for (char c : code) {
    if (c != '.') result.push_back(c);
  }
  return result;
}

std::vector<std::string> sorted_copy(std::span<const std::string> codes) {
  std::vector<std::string> sorted(codes.begin(), codes.end());
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

bool sorted_contains(const std::vector<std::string>& sorted, const std::string& code) {
  return std::binary_search(sorted.begin(), sorted.end(), code);
}

// CLUE's compute_icd_f1 on lists: each predicted code (duplicates too) is looked up among the
// gold, each gold code among the predicted. An empty side gives 0 instead of dividing by zero.
PrecisionRecallF score_code_lists(std::span<const std::string> predicted,
                                  std::span<const std::string> gold) {
  const std::vector<std::string> sorted_predicted = sorted_copy(predicted);
  const std::vector<std::string> sorted_gold = sorted_copy(gold);
  int64_t predicted_found = 0;
  for (const std::string& code : predicted) predicted_found += sorted_contains(sorted_gold, code);
  int64_t gold_found = 0;
  for (const std::string& code : gold) gold_found += sorted_contains(sorted_predicted, code);
  PrecisionRecallF score;
  if (!predicted.empty()) {
    score.precision = static_cast<double>(predicted_found) / static_cast<double>(predicted.size());
  }
  if (!gold.empty()) {
    score.recall = static_cast<double>(gold_found) / static_cast<double>(gold.size());
  }
  score.f = metric_f_measure(score.precision, score.recall);
  return score;
}

// The set of 3-character categories (Python's code[:3]).
std::vector<std::string> category_set(std::span<const std::string> codes) {
  std::vector<std::string> categories;
  categories.reserve(codes.size());
  for (const std::string& code : codes) categories.push_back(code.substr(0, 3));
  std::sort(categories.begin(), categories.end());
  categories.erase(std::unique(categories.begin(), categories.end()), categories.end());
  return categories;
}

}  // namespace

std::optional<uint64_t> icd_code_pack(std::string_view code) {
  if (code.empty() || code.size() > 7) return std::nullopt;
  uint64_t packed = 0;
  for (size_t i = 0; i < 7; ++i) {
    unsigned char c = 0;
    if (i < code.size()) {
      if (!is_code_character(code[i])) return std::nullopt;
      c = static_cast<unsigned char>(code[i]);
    }
    packed = (packed << 8) | c;
  }
  return packed;
}

IcdCodeSet icd_code_set_parse(std::string_view content, const std::filesystem::path& source) {
  // Columns of the CMS order file (icd10cm_order_*.txt), 0-based.
  constexpr size_t kCodeBegin = 6;
  constexpr size_t kCodeWidth = 7;
  constexpr size_t kFlag = 14;
  constexpr size_t kShortDescriptionEnd = 76;  // the space before the long description
  IcdCodeSet code_set;
  code_set.sorted_codes.reserve(content.size() / 120 + 1);
  int64_t line_number = 0;
  size_t line_begin = 0;
  while (line_begin < content.size()) {
    size_t line_end = content.find('\n', line_begin);
    if (line_end == std::string_view::npos) line_end = content.size();
    std::string_view line = content.substr(line_begin, line_end - line_begin);
    line_begin = line_end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    auto fail = [&](std::string_view field, std::string_view message) {
      throw_input_error(source, line_number, field, message);
    };
    if (line.size() < 6 || !std::all_of(line.begin(), line.begin() + 5, is_digit) ||
        line[5] != ' ') {
      fail("order number", "expected 5 digits and a space at the start of the line");
    }
    if (line.size() < kCodeBegin + kCodeWidth + 1 || line[kCodeBegin + kCodeWidth] != ' ') {
      fail("code", "expected a code left-aligned in columns 7-13 followed by a space");
    }
    std::string_view padded_code = line.substr(kCodeBegin, kCodeWidth);
    std::string_view code = padded_code.substr(0, padded_code.find(' '));
    bool padding_is_blank =
        padded_code.find_first_not_of(' ', code.size()) == std::string_view::npos;
    std::optional<uint64_t> packed = icd_code_pack(code);
    if (!packed || !is_upper(code[0]) || !padding_is_blank) {
      fail("code", "expected 1-7 characters [A-Z0-9] starting with a letter, got '" +
                       std::string(padded_code) + "'");
    }
    if (line.size() < kFlag + 2 || (line[kFlag] != '0' && line[kFlag] != '1') ||
        line[kFlag + 1] != ' ') {
      fail("billable flag", "expected 0 or 1 in column 15 followed by a space");
    }
    if (line.size() < kShortDescriptionEnd + 1 || line[kShortDescriptionEnd] != ' ') {
      fail("short description", "expected a 60-column short description followed by a space");
    }
    if (line.size() <= kShortDescriptionEnd + 1) {
      fail("long description", "expected a long description after column 77");
    }
    code_set.sorted_codes.push_back(*packed);
    if (line[kFlag] == '1') ++code_set.billable_count;
  }
  // An empty set would score every predicted code as hallucinated: a truncated or wrong file
  // must stop the run instead.
  if (code_set.sorted_codes.empty()) {
    throw_input_error(source, 0, "", "no codes: the file is empty (expected the CMS order file, one code a line)");
  }
  std::sort(code_set.sorted_codes.begin(), code_set.sorted_codes.end());
  // A code listed twice is still one code.
  code_set.sorted_codes.erase(
      std::unique(code_set.sorted_codes.begin(), code_set.sorted_codes.end()),
      code_set.sorted_codes.end());
  return code_set;
}

IcdCodeSet icd_code_set_load(const std::filesystem::path& path) {
  return icd_code_set_parse(read_file(path), path);
}

int64_t icd_code_set_size(const IcdCodeSet& code_set) {
  return static_cast<int64_t>(code_set.sorted_codes.size());
}

bool icd_code_set_contains(const IcdCodeSet& code_set, std::string_view code) {
  std::optional<uint64_t> packed = icd_code_pack(code);
  return packed &&
         std::binary_search(code_set.sorted_codes.begin(), code_set.sorted_codes.end(), *packed);
}

std::vector<std::string> icd_codes_extract(std::string_view model_output) {
  std::vector<std::string> codes;
  size_t position = 0;
  while (position + 3 <= model_output.size()) {
    std::optional<size_t> end = match_code_at(model_output, position);
    if (!end) {
      ++position;
      continue;
    }
    codes.push_back(without_dots(model_output.substr(position, *end - position)));
    position = *end;
  }
  return codes;
}

IcdScores metric_icd_codes(std::string_view model_output, std::span<const std::string> gold_codes,
                           const IcdCodeSet& code_set) {
  IcdScores scores;
  scores.predicted_codes = icd_codes_extract(model_output);
  std::vector<std::string> gold;
  gold.reserve(gold_codes.size());
  for (const std::string& code : gold_codes) gold.push_back(without_dots(code));

  scores.exact = score_code_lists(scores.predicted_codes, gold);
  scores.approximate = score_code_lists(category_set(scores.predicted_codes), category_set(gold));

  for (const std::string& code : scores.predicted_codes) {
    if (icd_code_set_contains(code_set, code)) {
      ++scores.valid_count;
    } else {
      scores.invalid_codes.push_back(code);
    }
  }
  if (!scores.predicted_codes.empty()) {
    scores.valid_code_rate = static_cast<double>(scores.valid_count) /
                             static_cast<double>(scores.predicted_codes.size());
  }
  return scores;
}

IcdMeans metric_icd_codes_mean(std::span<const IcdScores> notes) {
  IcdMeans means;
  means.notes = static_cast<int64_t>(notes.size());
  if (notes.empty()) return means;
  for (const IcdScores& note : notes) {
    means.exact.precision += note.exact.precision;
    means.exact.recall += note.exact.recall;
    means.exact.f += note.exact.f;
    means.approximate.precision += note.approximate.precision;
    means.approximate.recall += note.approximate.recall;
    means.approximate.f += note.approximate.f;
    means.valid_code_rate += note.valid_code_rate;
  }
  const double count = static_cast<double>(notes.size());
  for (double* value :
       {&means.exact.precision, &means.exact.recall, &means.exact.f, &means.approximate.precision,
        &means.approximate.recall, &means.approximate.f, &means.valid_code_rate}) {
    *value /= count;
  }
  return means;
}

}  // namespace clinbench
