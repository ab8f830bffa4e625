// JSON Lines, streamed: the string value of one top-level field of each line's object goes to an
// n-gram stream as one document, unescaped, in whatever pieces the reads deliver. Nothing is
// parsed into memory: a line of any length costs the same few bytes of state, and a document
// spanning many reads keeps its n-grams whole.
//
// The scanner walks the structure (objects, arrays, strings and their escapes) and refuses
// what it cannot walk, naming file and line: a line that is not one JSON object, a line that
// ends inside its object, a control character inside a string, a text field that is neither a
// string nor null. Numbers and literals of other fields are skipped unread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "audit/ngram_stream.h"

namespace clinbench::audit {

class JsonlTextScanner {
 public:
  JsonlTextScanner(std::filesystem::path path, std::string text_field, NgramStream& stream);

  // The next bytes of the file; may end anywhere.
  void feed(std::string_view bytes);
  // The end of the file: throws Error when it ends inside an object.
  void finish();

  int64_t documents() const { return documents_; }            // text values sent to the stream
  int64_t missing_text_field() const { return missing_text_; }  // objects without a string text

 private:
  enum class State {
    line_start,
    first_key,     // after '{'
    next_key,      // after ','
    key,           // inside a field name
    after_key,     // expecting ':'
    value,         // expecting a value
    text,          // inside the text field's string
    skip_string,   // inside another string at the top level
    nested,        // inside an object or array value
    nested_string, // inside a string within one
    literal,       // a number, true, false or null
    after_value,   // expecting ',' or '}'
    after_object,  // expecting the end of the line
  };

  [[noreturn]] void fail(const std::string& message) const;
  // The next byte of an escape sequence (after its '\'); the decoded character's UTF-8 bytes
  // go to `out` once the sequence is complete.
  void escape_byte(unsigned char byte, std::string& out);
  void append_code_point(uint32_t code_point, std::string& out);

  std::filesystem::path path_;
  std::string text_field_;
  NgramStream& stream_;
  State state_ = State::line_start;
  int64_t line_ = 1;
  std::string key_;
  bool key_matches_ = false;
  bool object_has_text_ = false;
  int64_t nesting_ = 0;
  // Escape state: 0 none, 1 after '\', 2..5 reading the 4 hex digits of \u.
  int escape_stage_ = 0;
  uint32_t escape_value_ = 0;
  uint32_t high_surrogate_ = 0;  // a \uD8xx waiting for its low half
  std::string unescaped_;
  int64_t documents_ = 0;
  int64_t missing_text_ = 0;
};

}  // namespace clinbench::audit
