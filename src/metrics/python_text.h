// Python 3 string semantics that the reference scripts rely on, for UTF-8 text: what re's \w
// and \b call a word character, and str.upper(). Metrics that must agree with a published Python
// implementation (CLUE's regexes, its label matching) use these instead of <cctype>, which knows
// nothing of UTF-8. Invalid UTF-8 bytes (which a Python str cannot hold) count as non-word
// characters and are copied unchanged.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace clinbench {

// re's \w for str patterns: "_" and every letter or number (Unicode categories L* and N*,
// which is what str.isalnum() accepts, up to differences between Unicode versions).
bool python_is_word_code_point(char32_t code_point);

// Whether the character starting at byte `position` is a word character; false at the end.
// When it is, `*length` (if given) receives its length in bytes.
bool python_word_at(std::string_view text, size_t position, size_t* length = nullptr);

// Whether the character ending just before byte `position` is a word character; false at 0.
bool python_word_before(std::string_view text, size_t position);

// str.upper(): ASCII, plus the full (one-to-many) mappings whose result holds ASCII letters
// (ß -> SS, ı -> I, ſ -> S, ﬁ -> FI, ...), plus Unicode simple upper-case mapping for the rest.
std::string python_upper(std::string_view text);

// str.isspace() for one code point: the characters Python's str.strip() and str.split() remove
// (Unicode White_Space plus the information separators U+001C..U+001F).
bool python_is_space_code_point(char32_t code_point);

// str.strip() with no argument: the text without leading and trailing python_is_space
// characters. Invalid UTF-8 bytes are not whitespace (they stop the stripping).
std::string_view python_strip(std::string_view text);

}  // namespace clinbench
