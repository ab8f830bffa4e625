// UTF-8 validation for every stage that reads text from outside: the data stage's readers, the
// response cache's codec. nlohmann::json accepts some invalid UTF-8 when it is handed a
// std::string directly (CSV cells) and throws only when the value is dumped, far from the file
// that held it; validating at read time lets the error name the line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace clinbench {

// Offset of the first byte that does not start or continue a well-formed UTF-8 sequence
// (Unicode 15, table 3-7: no overlong forms, no surrogates U+D800..U+DFFF, nothing above
// U+10FFFF), or std::string_view::npos when all of text is valid. A sequence cut off by the end
// of text is invalid at its first byte. Linear time; ASCII runs are checked eight bytes at a time.
size_t utf8_find_invalid(std::string_view text);

// "byte 0xC3": the byte at offset, for error messages.
std::string utf8_describe_invalid(std::string_view text, size_t offset);

}  // namespace clinbench
