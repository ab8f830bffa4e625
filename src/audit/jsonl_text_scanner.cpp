#include "audit/jsonl_text_scanner.h"

#include "clinbench/core.h"

namespace clinbench::audit {

namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool is_literal_byte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
         c == '+' || c == '.';
}

int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string shown(unsigned char c) {
  if (c == '\n') return "the end of the line";
  if (c < 0x20 || c >= 0x7f) return "byte " + std::to_string(int(c));
  return std::string("'") + char(c) + "'";
}

// Where the plain run of a string ends: the first quote, backslash or control byte.
size_t plain_run(const unsigned char* data, size_t size) {
  size_t i = 0;
  while (i < size && data[i] != '"' && data[i] != '\\' && data[i] >= 0x20) ++i;
  return i;
}

}  // namespace

JsonlTextScanner::JsonlTextScanner(std::filesystem::path path, std::string text_field, NgramStream& stream)
    : path_(std::move(path)), text_field_(std::move(text_field)), stream_(stream) {}

void JsonlTextScanner::fail(const std::string& message) const {
  throw_input_error(path_, line_, "", message);
}

void JsonlTextScanner::append_code_point(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += char(code_point);
  } else if (code_point < 0x800) {
    out += char(0xc0 | (code_point >> 6));
    out += char(0x80 | (code_point & 0x3f));
  } else if (code_point < 0x10000) {
    out += char(0xe0 | (code_point >> 12));
    out += char(0x80 | ((code_point >> 6) & 0x3f));
    out += char(0x80 | (code_point & 0x3f));
  } else {
    out += char(0xf0 | (code_point >> 18));
    out += char(0x80 | ((code_point >> 12) & 0x3f));
    out += char(0x80 | ((code_point >> 6) & 0x3f));
    out += char(0x80 | (code_point & 0x3f));
  }
}

void JsonlTextScanner::escape_byte(unsigned char byte, std::string& out) {
  if (escape_stage_ == 1) {
    if (byte == 'u') {
      escape_stage_ = 2;
      escape_value_ = 0;
      return;
    }
    // A lone high surrogate before another escape is no character: a separator.
    if (high_surrogate_) {
      out += ' ';
      high_surrogate_ = 0;
    }
    escape_stage_ = 0;
    switch (byte) {
      case '"':
      case '\\':
      case '/':
        out += char(byte);
        return;
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        out += ' ';  // control characters separate words
        return;
      default:
        fail("invalid escape '\\" + std::string(1, char(byte)) + "' in a string");
    }
  }
  int digit = hex_value(byte);
  if (digit < 0) fail("invalid \\u escape in a string: " + shown(byte) + " is not a hex digit");
  escape_value_ = escape_value_ * 16 + uint32_t(digit);
  if (++escape_stage_ < 6) return;
  escape_stage_ = 0;
  uint32_t code = escape_value_;
  if (code >= 0xd800 && code < 0xdc00) {
    if (high_surrogate_) out += ' ';
    high_surrogate_ = code;
  } else if (code >= 0xdc00 && code < 0xe000) {
    if (high_surrogate_) {
      append_code_point(0x10000 + ((high_surrogate_ - 0xd800) << 10) + (code - 0xdc00), out);
    } else {
      out += ' ';
    }
    high_surrogate_ = 0;
  } else {
    if (high_surrogate_) {
      out += ' ';
      high_surrogate_ = 0;
    }
    append_code_point(code, out);
  }
}

void JsonlTextScanner::feed(std::string_view bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t size = bytes.size();
  size_t i = 0;
  while (i < size) {
    const unsigned char c = data[i];
    switch (state_) {
      case State::line_start:
        if (c == '{') {
          state_ = State::first_key;
          object_has_text_ = false;
        } else if (c == '\n') {
          ++line_;
        } else if (!is_space(c)) {
          fail("expected a JSON object, found " + shown(c));
        }
        ++i;
        break;

      case State::first_key:
      case State::next_key:
        if (c == '"') {
          state_ = State::key;
          key_.clear();
        } else if (c == '}' && state_ == State::first_key) {
          missing_text_ += 1;
          state_ = State::after_object;
        } else if (!is_space(c)) {
          fail("expected a field name, found " + shown(c));
        }
        ++i;
        break;

      case State::key:
        if (escape_stage_ > 0) {
          escape_byte(c, key_);
        } else if (c == '\\') {
          escape_stage_ = 1;
        } else if (c == '"') {
          if (high_surrogate_) {
            key_ += ' ';
            high_surrogate_ = 0;
          }
          key_matches_ = key_ == text_field_;
          state_ = State::after_key;
        } else if (c < 0x20) {
          fail("field name not closed before " + shown(c));
        } else {
          key_ += char(c);
        }
        // A name longer than the text field's cannot match it; keep memory bounded.
        if (key_.size() > text_field_.size() + 4) key_.resize(text_field_.size() + 4);
        ++i;
        break;

      case State::after_key:
        if (c == ':') {
          state_ = State::value;
        } else if (!is_space(c)) {
          fail("expected ':' after field name \"" + key_ + "\", found " + shown(c));
        }
        ++i;
        break;

      case State::value:
        if (is_space(c)) {
          ++i;
        } else if (key_matches_) {
          if (c == '"') {
            state_ = State::text;
            object_has_text_ = true;
            ++i;
          } else if (c == 'n') {
            state_ = State::literal;  // null: an object without text, counted at its end
          } else {
            throw_input_error(path_, line_, text_field_, "expected a string, found " + shown(c));
          }
        } else if (c == '"') {
          state_ = State::skip_string;
          ++i;
        } else if (c == '{' || c == '[') {
          state_ = State::nested;
          nesting_ = 1;
          ++i;
        } else if (is_literal_byte(c)) {
          state_ = State::literal;
        } else {
          fail("expected a value for field \"" + key_ + "\", found " + shown(c));
        }
        break;

      case State::text: {
        if (escape_stage_ > 0) {
          unescaped_.clear();
          escape_byte(c, unescaped_);
          if (!unescaped_.empty()) stream_.feed(unescaped_);
          ++i;
          break;
        }
        size_t run = plain_run(data + i, size - i);
        if (run > 0) {
          if (high_surrogate_) {
            stream_.feed(" ");
            high_surrogate_ = 0;
          }
          stream_.feed(std::string_view(bytes.data() + i, run));
          i += run;
          break;
        }
        if (c == '"') {
          high_surrogate_ = 0;
          stream_.end_document();
          documents_ += 1;
          state_ = State::after_value;
        } else if (c == '\\') {
          escape_stage_ = 1;
        } else {
          throw_input_error(path_, line_, text_field_, "string not closed before " + shown(c));
        }
        ++i;
        break;
      }

      case State::skip_string:
      case State::nested_string: {
        if (escape_stage_ > 0) {  // skipped strings need no decoding: one byte after '\'
          escape_stage_ = 0;
          ++i;
          break;
        }
        i += plain_run(data + i, size - i);
        if (i == size) break;
        unsigned char end = data[i];
        if (end == '"') {
          state_ = state_ == State::skip_string ? State::after_value : State::nested;
        } else if (end == '\\') {
          escape_stage_ = 1;
        } else {
          fail("string in field \"" + key_ + "\" not closed before " + shown(end));
        }
        ++i;
        break;
      }

      case State::nested:
        if (c == '"') {
          state_ = State::nested_string;
        } else if (c == '{' || c == '[') {
          ++nesting_;
        } else if (c == '}' || c == ']') {
          if (--nesting_ == 0) state_ = State::after_value;
        } else if (c == '\n') {
          fail("the line ends inside the value of field \"" + key_ + "\"");
        }
        ++i;
        break;

      case State::literal:
        if (is_literal_byte(c)) {
          ++i;
        } else {
          state_ = State::after_value;  // this byte is read again there
        }
        break;

      case State::after_value:
        if (c == ',') {
          state_ = State::next_key;
        } else if (c == '}') {
          if (!object_has_text_) missing_text_ += 1;
          state_ = State::after_object;
        } else if (!is_space(c)) {
          fail("expected ',' or '}' after field \"" + key_ + "\", found " + shown(c));
        }
        ++i;
        break;

      case State::after_object:
        if (c == '\n') {
          ++line_;
          state_ = State::line_start;
        } else if (!is_space(c)) {
          fail("more than one JSON value on the line: found " + shown(c) + " after the object");
        }
        ++i;
        break;
    }
  }
}

void JsonlTextScanner::finish() {
  if (state_ == State::line_start || state_ == State::after_object) return;
  fail("the file ends inside a JSON object (truncated?)");
}

}  // namespace clinbench::audit
