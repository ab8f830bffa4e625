#include "data/json_text.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "clinbench/core.h"
#include "clinbench/utf8.h"

namespace clinbench {

namespace {

using json = nlohmann::json;

// Counts lines up to byte offsets that only grow, so a document is scanned for newlines once.
struct LineCounter {
  std::string_view text;
  size_t offset = 0;
  int64_t line = 1;
  size_t line_start = 0;

  void advance_to(size_t target) {
    target = std::min(target, text.size());
    while (offset < target) {
      const void* found = std::memchr(text.data() + offset, '\n', target - offset);
      if (!found) {
        offset = target;
        break;
      }
      offset = size_t(static_cast<const char*>(found) - text.data()) + 1;
      ++line;
      line_start = offset;
    }
  }
  int64_t column() const { return int64_t(offset - line_start) + 1; }
};

// Line and column in the file of byte offset within a piece of text that starts at origin.
void json_origin_position(std::string_view text, const JsonTextOrigin& origin, size_t offset,
                          int64_t& line, int64_t& column) {
  LineCounter counter{text};
  counter.advance_to(offset);
  line = origin.line + counter.line - 1;
  column = counter.line == 1 ? origin.column + int64_t(offset) : counter.column();
}

// The shortest prefix of text of at most limit bytes that ends on a character boundary.
std::string_view utf8_prefix(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1,
// column 5: " prefix (its line and column are relative to the piece it was given, not the
// file) and with the echoed token shortened: an unterminated string echoes the rest of the file.
std::string json_parser_explanation(const std::string& what) {
  std::string message = what;
  if (size_t at = message.find("parse error"); at != std::string::npos) {
    if (size_t colon = message.find(": ", at); colon != std::string::npos) {
      message = message.substr(colon + 2);
    }
  }
  const std::string marker = "last read: '";
  if (size_t begin = message.find(marker); begin != std::string::npos) {
    begin += marker.size();
    size_t end = message.rfind('\'');
    const size_t limit = 60;
    if (end != std::string::npos && end > begin && end - begin > limit) {
      std::string token(utf8_prefix(std::string_view(message).substr(begin, end - begin), limit));
      message = message.substr(0, begin) + token + "..." + message.substr(end);
    }
  }
  return message;
}

// A nlohmann SAX handler that builds the same DOM as json::parse but refuses duplicate keys and
// knows the path of the value being read, for error messages.
class JsonDomBuilder {
 public:
  json root;
  bool parse_failed = false;
  size_t error_position = 0;
  std::string error_message;
  bool duplicate_key = false;

  bool null() { return add(json(nullptr)); }
  bool boolean(bool value) { return add(json(value)); }
  bool number_integer(json::number_integer_t value) { return add(json(value)); }
  bool number_unsigned(json::number_unsigned_t value) { return add(json(value)); }
  bool number_float(json::number_float_t value, const json::string_t&) { return add(json(value)); }
  bool string(json::string_t& value) { return add(json(std::move(value))); }
  bool binary(json::binary_t& value) { return add(json(std::move(value))); }

  bool start_object(std::size_t) { return open(json::object()); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_object() {
    frames_.pop_back();
    return true;
  }
  bool end_array() {
    frames_.pop_back();
    return true;
  }

  bool key(json::string_t& name) {
    Frame& frame = frames_.back();
    frame.key = name;
    if (frame.container->contains(name)) {
      duplicate_key = true;
      return false;
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& error) {
    parse_failed = true;
    error_position = position;
    error_message = json_parser_explanation(error.what());
    return false;
  }

  // "options.A", "CONTEXTS[2]": the member being read when parsing stopped.
  std::string path() const {
    std::string out;
    for (size_t k = 0; k < frames_.size(); ++k) {
      const Frame& frame = frames_[k];
      if (frame.container->is_array()) {
        // A container element in progress is already in the array; a scalar is not yet.
        size_t index = frame.container->size();
        if (k + 1 < frames_.size()) --index;
        out += "[" + std::to_string(index) + "]";
      } else if (!frame.key.empty()) {
        if (!out.empty()) out += ".";
        out += frame.key;
      }
    }
    return out;
  }

 private:
  struct Frame {
    json* container;
    std::string key;  // objects: the key of the member being read
  };
  std::vector<Frame> frames_;

  json* place(json&& value) {
    if (frames_.empty()) {
      root = std::move(value);
      return &root;
    }
    Frame& frame = frames_.back();
    if (frame.container->is_array()) {
      frame.container->push_back(std::move(value));
      return &frame.container->back();
    }
    json& slot = (*frame.container)[frame.key];
    slot = std::move(value);
    return &slot;
  }
  bool add(json&& value) {
    place(std::move(value));
    return true;
  }
  bool open(json&& container) {
    json* placed = place(std::move(container));
    frames_.push_back(Frame{placed, {}});
    return true;
  }
};

// Offset of the bracket that opens a container nested deeper than json_max_depth, or npos.
// Strings are skipped (brackets in them are text); the text may be malformed, json_parse_text
// reports that afterwards.
size_t json_too_deep_at(std::string_view text) {
  int64_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > json_max_depth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::string json_field_path_at(std::string_view text, size_t offset) {
  struct Frame {
    bool object;
    bool expecting_key;
    std::string key;
    int64_t index;
  };
  std::vector<Frame> frames;
  offset = std::min(offset, text.size());
  bool offset_in_key = false;
  size_t i = 0;
  while (i < offset) {
    const char c = text[i];
    if (c == '"') {
      const size_t begin = i + 1;
      size_t end = begin;
      while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
      const bool is_key = !frames.empty() && frames.back().object && frames.back().expecting_key;
      if (end >= offset) {  // the offset lies in this string
        offset_in_key = is_key;
        break;
      }
      if (is_key) {
        frames.back().key = std::string(text.substr(begin, end - begin));
        frames.back().expecting_key = false;
      }
      i = end + 1;
      continue;
    }
    if (c == '{') frames.push_back(Frame{true, true, {}, 0});
    if (c == '[') frames.push_back(Frame{false, false, {}, 0});
    if ((c == '}' || c == ']') && !frames.empty()) frames.pop_back();
    if (c == ',' && !frames.empty()) {
      if (frames.back().object) {
        frames.back().expecting_key = true;
        frames.back().key.clear();
      } else {
        ++frames.back().index;
      }
    }
    ++i;
  }
  std::string out;
  for (size_t k = 0; k < frames.size(); ++k) {
    const Frame& frame = frames[k];
    const bool last = k + 1 == frames.size();
    if (!frame.object) {
      out += "[" + std::to_string(frame.index) + "]";
    } else if (last && offset_in_key) {
      break;  // in a key of this object: the object itself is the field
    } else if (!frame.key.empty()) {
      if (!out.empty()) out += ".";
      out += frame.key;
    }
  }
  return out;
}

json json_parse_text(std::string_view text, const JsonTextOrigin& origin) {
  if (size_t bad = utf8_find_invalid(text); bad != std::string_view::npos) {
    int64_t line = 0;
    int64_t column = 0;
    json_origin_position(text, origin, bad, line, column);
    throw_input_error(origin.path, line, json_field_path_at(text, bad),
                      "invalid UTF-8 (" + utf8_describe_invalid(text, bad) + " at column " +
                          std::to_string(column) + ")");
  }
  // nlohmann parses any depth, but copies, compares and writes values recursively: a value
  // nested thousands deep would overflow the stack far from this file.
  if (size_t deep = json_too_deep_at(text); deep != std::string_view::npos) {
    int64_t line = 0;
    int64_t column = 0;
    json_origin_position(text, origin, deep, line, column);
    std::string field = json_field_path_at(text, deep);
    if (field.size() > 60) field = std::string(utf8_prefix(field, 60)) + "...";
    throw_input_error(origin.path, line, field,
                      "JSON nested deeper than " + std::to_string(json_max_depth) +
                          " levels at column " + std::to_string(column) +
                          " (no data set needs that; the file is damaged or hostile)");
  }
  JsonDomBuilder builder;
  const bool ok = json::sax_parse(text.data(), text.data() + text.size(), &builder);
  if (ok && !builder.parse_failed && !builder.duplicate_key) return std::move(builder.root);
  if (builder.duplicate_key) {
    // The duplicate is found when its key is read; name the line of the object's start instead
    // of guessing where the key was: the path says which key.
    throw_input_error(origin.path, origin.line, builder.path(),
                      "this key appears twice in the same JSON object; nlohmann::json and most "
                      "readers would silently keep only one of the values");
  }
  // position counts the bytes read, the offending one included.
  const size_t offset = builder.error_position > 0 ? builder.error_position - 1 : 0;
  int64_t line = 0;
  int64_t column = 0;
  json_origin_position(text, origin, offset, line, column);
  throw_input_error(
      origin.path, line, builder.path(),
      "malformed JSON at column " + std::to_string(column) + ": " + builder.error_message);
}

namespace {

// Scanner for json_split_top_level: structure only, values are parsed later.
class TopLevelScanner {
 public:
  TopLevelScanner(std::string_view text, const std::filesystem::path& path)
      : text_(text), path_(path), lines_{text} {}

  std::vector<JsonTopLevelMember> split(JsonTopLevel kind) {
    const bool object = kind == JsonTopLevel::object;
    const char open = object ? '{' : '[';
    const char close = object ? '}' : ']';
    const char* what = object ? "object" : "array";
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") i_ = 3;
    skip_whitespace();
    if (i_ == text_.size()) throw_input_error(path_, 0, "", "empty file: no records");
    if (text_[i_] != open) {
      fail(i_, std::string("expected the top-level JSON ") + what + " '" + open +
                   "' (format json_" + what + "), found " + describe(i_));
    }
    const size_t open_offset = i_;
    ++i_;
    skip_whitespace();
    if (i_ < text_.size() && text_[i_] == close) {
      fail(i_, std::string("no records: the top-level ") + what + " is empty");
    }
    std::vector<JsonTopLevelMember> members;
    std::unordered_map<std::string, int64_t> key_lines;
    while (true) {
      JsonTopLevelMember member;
      if (object) {
        if (i_ >= text_.size()) fail_unclosed(open_offset, what);
        if (text_[i_] != '"') fail(i_, "expected a key string, found " + describe(i_));
        const size_t key_begin = i_;
        position(key_begin, member.line, member.column);
        scan_string();
        member.key = decode_key(key_begin, i_);
        auto [it, inserted] = key_lines.emplace(member.key, member.line);
        if (!inserted) {
          throw_input_error(path_, member.line, member.key,
                            "the key appears twice in the top-level object (first at line " +
                                std::to_string(it->second) +
                                "); a JSON reader would silently keep only one record");
        }
        skip_whitespace();
        if (i_ >= text_.size() || text_[i_] != ':') {
          fail(i_, "expected ':' after the key, found " + describe(i_), member.key);
        }
        ++i_;
        skip_whitespace();
      }
      member.begin = i_;
      position(i_, member.value_line, member.value_column);
      if (!object) {
        member.line = member.value_line;
        member.column = member.value_column;
      }
      scan_value(member.key);
      member.end = i_;
      members.push_back(std::move(member));
      skip_whitespace();
      if (i_ >= text_.size()) fail_unclosed(open_offset, what);
      if (text_[i_] == close) {
        ++i_;
        break;
      }
      if (text_[i_] != ',') {
        fail(i_,
             std::string("expected ',' or '") + close + "' after a member, found " + describe(i_));
      }
      const size_t comma = i_;
      ++i_;
      skip_whitespace();
      if (i_ < text_.size() && text_[i_] == close) {
        fail(comma, std::string("trailing comma before '") + close + "' (not allowed in JSON)");
      }
    }
    const size_t close_offset = i_ - 1;
    skip_whitespace();
    if (i_ < text_.size()) {
      int64_t close_line = 0;
      int64_t close_column = 0;
      position(close_offset, close_line, close_column);
      fail(i_, std::string("trailing content after the top-level ") + what +
                   " that closed at line " + std::to_string(close_line) + ": " + describe(i_));
    }
    return members;
  }

 private:
  std::string_view text_;
  const std::filesystem::path& path_;
  LineCounter lines_;
  size_t i_ = 0;

  // Offsets passed here only grow, except in error paths (which end the scan).
  void position(size_t offset, int64_t& line, int64_t& column) {
    if (offset < lines_.offset) lines_ = LineCounter{text_};
    lines_.advance_to(offset);
    line = lines_.line;
    column = lines_.column();
  }

  [[noreturn]] void fail(size_t offset, const std::string& message, std::string_view field = {}) {
    int64_t line = 0;
    int64_t column = 0;
    position(offset, line, column);
    throw_input_error(path_, line, field, message + " (column " + std::to_string(column) + ")");
  }

  [[noreturn]] void fail_unclosed(size_t open_offset, const char* what) {
    int64_t line = 0;
    int64_t column = 0;
    position(open_offset, line, column);
    throw_input_error(path_, line, "",
                      std::string("unexpected end of file: the top-level ") + what +
                          " opened on this line is not closed");
  }

  std::string describe(size_t offset) const {
    if (offset >= text_.size()) return "the end of the file";
    const auto c = static_cast<unsigned char>(text_[offset]);
    if (c >= 0x20 && c < 0x7F) return std::string("'") + char(c) + "'";
    return utf8_describe_invalid(text_, offset);
  }

  void skip_whitespace() {
    while (i_ < text_.size() &&
           (text_[i_] == ' ' || text_[i_] == '\n' || text_[i_] == '\r' || text_[i_] == '\t')) {
      ++i_;
    }
  }

  // i_ at an opening quote; leaves i_ after the closing one.
  void scan_string() {
    const size_t begin = i_;
    ++i_;
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (c == '\\') {
        i_ += 2;
        continue;
      }
      ++i_;
      if (c == '"') return;
    }
    fail(begin, "unterminated string: no closing quote before the end of the file");
  }

  std::string decode_key(size_t begin, size_t end) {
    int64_t line = 0;
    int64_t column = 0;
    position(begin, line, column);
    json key =
        json_parse_text(text_.substr(begin, end - begin), JsonTextOrigin{path_, line, column});
    return key.get<std::string>();
  }

  // Skips one value without validating it (json_parse_text does): a container up to its
  // matching bracket, a string, or a bare literal up to the next delimiter.
  void scan_value(std::string_view key) {
    if (i_ >= text_.size()) fail(i_, "expected a value, found the end of the file", key);
    const char first = text_[i_];
    if (first == '{' || first == '[') {
      const size_t begin = i_;
      int depth = 0;
      while (i_ < text_.size()) {
        const char c = text_[i_];
        if (c == '"') {
          scan_string();
          continue;
        }
        ++i_;
        if (c == '{' || c == '[') ++depth;
        if ((c == '}' || c == ']') && --depth == 0) return;
      }
      int64_t line = 0;
      int64_t column = 0;
      position(begin, line, column);
      throw_input_error(path_, line, key,
                        "unexpected end of file: the member starting here (column " +
                            std::to_string(column) + ") is not closed");
    }
    if (first == '"') {
      scan_string();
      return;
    }
    if (first == ',' || first == ']' || first == '}') {
      fail(i_, "expected a value, found " + describe(i_), key);
    }
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (c == ',' || c == ']' || c == '}' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        break;
      }
      ++i_;
    }
  }
};

}  // namespace

std::vector<JsonTopLevelMember> json_split_top_level(std::string_view text,
                                                     const std::filesystem::path& path,
                                                     JsonTopLevel kind) {
  TopLevelScanner scanner(text, path);
  return scanner.split(kind);
}

}  // namespace clinbench
