// Reading an option letter out of free text. The rules are ordered from the most explicit
// statement to the weakest evidence (see answer_letter_extract in clinbench/metrics.h), and each
// refuses rather than guesses: a wrong "answered" credits a model with a choice it did not make,
// while a "no answer" is counted and reported as an extraction failure.
#include "metrics/answer_extraction.h"

#include <algorithm>
#include <array>
#include <optional>

#include "clinbench/metrics.h"
#include "metrics/python_text.h"

namespace clinbench {
namespace {

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_alphanumeric(char c) { return is_ascii_letter(c) || (c >= '0' && c <= '9'); }
bool is_horizontal_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool is_space(char c) { return is_horizontal_space(c) || c == '\n' || c == '\f' || c == '\v'; }

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

std::string ascii_lower_copy(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = ascii_lower(c);
  return lower;
}

// Punctuation that closes a stated letter: "C.", "C)", "C:", "C," ... A period, hyphen or quote
// joined to a following letter or digit continues a word instead ("e.g.", "C-reactive").
bool is_letter_terminator(char c, char next) {
  switch (c) {
    case ',':
    case ';':
    case ':':
    case '!':
    case '?':
    case ')':
    case ']':
    case '}':
      return true;
    case '.':
    case '-':
    case '"':
    case '\'':
      return !is_ascii_alphanumeric(next);
    default:
      return false;
  }
}

// Words that may follow a stated letter in a sentence ("C because ...", "B is correct"). "A" and
// "I" are English words too, so "the answer is A patient ..." must not read as option A. "or"
// and "and" are here so that "A or B" is read, then rejected as conflicting letters.
constexpr std::array<std::string_view, 12> kLetterContinuations = {
    "because", "since",  "as",    "is",      "was", "which",
    "would",   "should", "seems", "appears", "or",  "and"};

// The text as scanned: markdown removed, plus an ASCII-lower-cased copy of the same length for
// case-insensitive keyword search.
struct Scan {
  std::string text;
  std::string lower;

  char at(size_t position) const { return position < text.size() ? text[position] : '\0'; }
  bool ends_at(size_t position) const { return position >= text.size(); }

  size_t skip_spaces(size_t position, bool across_lines) const {
    while (position < text.size() &&
           (across_lines ? is_space(text[position]) : is_horizontal_space(text[position]))) {
      ++position;
    }
    return position;
  }

  // Whether the whole word `word` (lower case) starts at `position`.
  bool word_at(size_t position, std::string_view word) const {
    if (position > lower.size() || lower.compare(position, word.size(), word) != 0) return false;
    if (position > 0 && is_ascii_alphanumeric(text[position - 1])) return false;
    return !is_ascii_alphanumeric(at(position + word.size()));
  }

  bool continuation_word_at(size_t position) const {
    return std::any_of(kLetterContinuations.begin(), kLetterContinuations.end(),
                       [&](std::string_view word) { return word_at(position, word); });
  }
};

enum class FollowRule {
  any_word,          // answer phrases: "answer is C because ...", "answer is C fits" ("A", "I"
                     // and lower-case letters still need punctuation or a continuation word)
  continuation_word  // leading letters: only punctuation, a line end or a continuation word
};

struct Letter {
  char letter = '\0';  // upper case
  size_t end = 0;      // position after the letter and its closing bracket
};

// Reads a stated letter at `position`: "(C)", "[c]", "C", "c." ... Nothing when the letter is
// part of a word ("Calcium", "I'm") or reads as an English word ("a rare case").
std::optional<Letter> read_letter(const Scan& scan, size_t position, FollowRule rule) {
  char open = scan.at(position);
  if (open == '(' || open == '[') {
    char letter = scan.at(position + 1);
    char close = scan.at(position + 2);
    if (is_ascii_letter(letter) && (close == ')' || close == ']')) {
      return Letter{ascii_upper(letter), position + 3};
    }
    return std::nullopt;
  }
  char letter = scan.at(position);
  if (!is_ascii_letter(letter)) return std::nullopt;
  const size_t after = position + 1;
  if (python_word_at(scan.text, after)) return std::nullopt;
  // "I'm", "A's": an apostrophe joined to a letter continues the word.
  if ((scan.at(after) == '\'' && is_ascii_letter(scan.at(after + 1))) ||
      (scan.text.compare(after, 3, "\u2019") == 0 && is_ascii_letter(scan.at(after + 3)))) {
    return std::nullopt;
  }
  const Letter found{ascii_upper(letter), after};
  const size_t next = scan.skip_spaces(after, false);
  if (scan.ends_at(next) || scan.at(next) == '\n' ||
      is_letter_terminator(scan.at(next), scan.at(next + 1))) {
    return found;
  }
  if (scan.continuation_word_at(next)) return found;
  const bool reads_as_word = letter == 'A' || letter == 'I' || (letter >= 'a' && letter <= 'z');
  // A word after the letter must be a separate word: "C-reactive" is not C.
  if (rule == FollowRule::any_word && !reads_as_word && next > after) return found;
  return std::nullopt;
}

// Whether another letter is asserted right after a stated one: "A or B", "A, B", "A/B", "A & B".
bool another_letter_follows(const Scan& scan, const Letter& stated) {
  size_t position = scan.skip_spaces(stated.end, false);
  bool separated = false;
  if (scan.at(position) == ',' || scan.at(position) == '/' || scan.at(position) == '&') {
    position = scan.skip_spaces(position + 1, false);
    separated = true;
  }
  for (std::string_view word : {"or", "and"}) {
    if (scan.word_at(position, word)) {
      position = scan.skip_spaces(position + word.size(), false);
      separated = true;
      break;
    }
  }
  if (!separated) return false;
  for (std::string_view noun : {"option", "choice"}) {
    if (scan.word_at(position, noun)) {
      position = scan.skip_spaces(position + noun.size(), false);
      break;
    }
  }
  std::optional<Letter> other = read_letter(scan, position, FollowRule::any_word);
  return other && other->letter != stated.letter;
}

struct Found {
  std::vector<char> letters;  // every stated letter, in and out of the option set
  bool conflicting = false;
};

// Rule 1: "answer/option/choice" + "is"/"would be"/":"/"="/"-" + optional "option/choice/letter" +
// the letter; also LaTeX "\boxed{C}".
Found find_answer_phrases(const Scan& scan) {
  Found found;
  auto add = [&](const Letter& letter) {
    found.letters.push_back(letter.letter);
    if (another_letter_follows(scan, letter)) found.conflicting = true;
  };
  for (std::string_view keyword : {"answer", "option", "choice"}) {
    for (size_t at = scan.lower.find(keyword); at != std::string::npos;
         at = scan.lower.find(keyword, at + 1)) {
      if (!scan.word_at(at, keyword)) continue;
      size_t position = scan.skip_spaces(at + keyword.size(), false);
      bool connected = false;
      for (std::string_view verb : {"is", "would be", "should be", "will be", "must be"}) {
        if (scan.word_at(position, verb)) {
          position = scan.skip_spaces(position + verb.size(), false);
          connected = true;
          break;
        }
      }
      if (scan.at(position) == ':' || scan.at(position) == '=' || scan.at(position) == '-') {
        position += 1;
        connected = true;
      }
      if (!connected) continue;
      position = scan.skip_spaces(position, true);
      for (std::string_view noun : {"option", "choice", "letter"}) {
        if (scan.word_at(position, noun)) {
          position = scan.skip_spaces(position + noun.size(), false);
          if (scan.at(position) == ':') position = scan.skip_spaces(position + 1, false);
          break;
        }
      }
      if (std::optional<Letter> letter = read_letter(scan, position, FollowRule::any_word)) {
        add(*letter);
      }
    }
  }
  for (size_t at = scan.lower.find("boxed{"); at != std::string::npos;
       at = scan.lower.find("boxed{", at + 1)) {
    char letter = scan.at(at + 6);
    if (is_ascii_letter(letter) && scan.at(at + 7) == '}') {
      add(Letter{ascii_upper(letter), at + 8});
    }
  }
  return found;
}

// Rule 2: the output starts with the letter, possibly after a quote or "Option"/"Choice"/"Answer".
std::optional<Letter> find_leading_letter(const Scan& scan, bool& conflicting) {
  size_t position = 0;
  while (!scan.ends_at(position) && (is_space(scan.at(position)) || scan.at(position) == '"' ||
                                     scan.at(position) == '\'' || scan.at(position) == '>')) {
    ++position;
  }
  for (std::string_view word : {"option", "choice", "answer", "letter"}) {
    if (scan.word_at(position, word)) {
      position = scan.skip_spaces(position + word.size(), true);
      if (scan.at(position) == ':') position = scan.skip_spaces(position + 1, true);
      break;
    }
  }
  std::optional<Letter> letter = read_letter(scan, position, FollowRule::continuation_word);
  if (letter && another_letter_follows(scan, *letter)) conflicting = true;
  return letter;
}

// For the option-text rule: lower case, whitespace runs collapsed, ends trimmed, one final
// period dropped ("Acute bronchitis." equals "acute bronchitis").
std::string normalized_option_text(std::string_view text) {
  std::string result;
  for (char c : text) {
    if (is_space(c)) {
      if (!result.empty() && result.back() != ' ') result.push_back(' ');
    } else {
      result.push_back(ascii_lower(c));
    }
  }
  while (!result.empty() && result.back() == ' ') result.pop_back();
  if (!result.empty() && result.back() == '.') result.pop_back();
  while (!result.empty() && result.back() == ' ') result.pop_back();
  return result;
}

AnswerExtraction answered(char letter, AnswerReason reason) {
  return AnswerExtraction{AnswerStatus::answered, letter, reason};
}

AnswerExtraction no_answer(AnswerReason reason) {
  return AnswerExtraction{AnswerStatus::no_answer, '\0', reason};
}

}  // namespace

std::string answer_text_strip_markdown(std::string_view model_output) {
  std::string text;
  text.reserve(model_output.size());
  for (char c : model_output) {
    if (c == '*' || c == '_' || c == '`' || c == '#') continue;
    if (text.empty() && is_space(c)) continue;
    text.push_back(c);
  }
  return text;
}

bool answer_text_is_refusal(std::string_view model_output) {
  std::string lower = ascii_lower_copy(model_output);
  // Curly apostrophes are common in chat output; compare with straight ones.
  for (size_t at = lower.find("\u2019"); at != std::string::npos; at = lower.find("\u2019", at)) {
    lower.replace(at, 3, "'");
  }
  constexpr std::array<std::string_view, 14> kRefusals = {
      "i'm sorry", "i am sorry",     "i apologize",   "i cannot",         "i can't",
      "i can not", "i'm unable",     "i am unable",   "unable to answer", "unable to determine",
      "as an ai",  "cannot provide", "can't provide", "i will not"};
  return std::any_of(kRefusals.begin(), kRefusals.end(), [&](std::string_view phrase) {
    return lower.find(phrase) != std::string::npos;
  });
}

AnswerExtraction answer_letter_extract(std::string_view model_output,
                                       std::string_view option_letters,
                                       std::span<const std::string> option_texts) {
  Scan scan;
  scan.text = answer_text_strip_markdown(model_output);
  scan.lower = ascii_lower_copy(scan.text);
  if (scan.skip_spaces(0, true) == scan.text.size()) return no_answer(AnswerReason::empty_output);

  auto is_option = [&](char letter) {
    return option_letters.find(letter) != std::string_view::npos;
  };
  bool saw_letter_outside_options = false;

  // 1. Explicit answer phrases; all in-range letters must agree.
  Found phrases = find_answer_phrases(scan);
  std::vector<char> chosen;
  for (char letter : phrases.letters) {
    if (!is_option(letter)) {
      saw_letter_outside_options = true;
    } else if (std::find(chosen.begin(), chosen.end(), letter) == chosen.end()) {
      chosen.push_back(letter);
    }
  }
  if (phrases.conflicting || chosen.size() > 1) return no_answer(AnswerReason::conflicting_letters);
  if (chosen.size() == 1) return answered(chosen[0], AnswerReason::answer_phrase);

  // 2. A leading letter.
  bool leading_conflict = false;
  if (std::optional<Letter> leading = find_leading_letter(scan, leading_conflict)) {
    if (leading_conflict) return no_answer(AnswerReason::conflicting_letters);
    if (is_option(leading->letter)) return answered(leading->letter, AnswerReason::leading_letter);
    saw_letter_outside_options = true;
  }

  // 3. The output is one option's text.
  const std::string output_text = normalized_option_text(scan.text);
  int matches = 0;
  char matched_letter = '\0';
  for (size_t i = 0; i < option_texts.size() && i < option_letters.size(); ++i) {
    const std::string option_text = normalized_option_text(option_texts[i]);
    if (!option_text.empty() && option_text == output_text) {
      ++matches;
      matched_letter = option_letters[i];
    }
  }
  if (matches == 1) return answered(matched_letter, AnswerReason::option_text);
  if (matches > 1) return no_answer(AnswerReason::conflicting_letters);

  if (answer_text_is_refusal(scan.text)) return no_answer(AnswerReason::refusal);
  if (saw_letter_outside_options) return no_answer(AnswerReason::letter_not_an_option);
  return no_answer(AnswerReason::nothing_found);
}

std::string_view answer_reason_name(AnswerReason reason) {
  switch (reason) {
    case AnswerReason::answer_phrase:
      return "answer_phrase";
    case AnswerReason::leading_letter:
      return "leading_letter";
    case AnswerReason::option_text:
      return "option_text";
    case AnswerReason::empty_output:
      return "empty_output";
    case AnswerReason::refusal:
      return "refusal";
    case AnswerReason::conflicting_letters:
      return "conflicting_letters";
    case AnswerReason::letter_not_an_option:
      return "letter_not_an_option";
    case AnswerReason::nothing_found:
      return "nothing_found";
  }
  return "unknown";
}

std::optional<std::string> answer_letter_longhealth(std::string_view model_output) {
  // re.findall(r"The correct answer is (\w):", output)[0]: the earliest position where the
  // literal, one word character and a colon follow each other.
  constexpr std::string_view kPrefix = "The correct answer is ";
  for (size_t at = model_output.find(kPrefix); at != std::string_view::npos;
       at = model_output.find(kPrefix, at + 1)) {
    const size_t letter_at = at + kPrefix.size();
    size_t length = 0;
    if (python_word_at(model_output, letter_at, &length) &&
        letter_at + length < model_output.size() && model_output[letter_at + length] == ':') {
      return std::string(model_output.substr(letter_at, length));
    }
  }
  return std::nullopt;
}

bool metric_longhealth_correct(std::string_view model_output, std::string_view gold_letter) {
  std::optional<std::string> letter = answer_letter_longhealth(model_output);
  return letter && *letter == gold_letter;
}

}  // namespace clinbench
