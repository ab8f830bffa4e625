// The audit's word rule (clinbench/audit.h): Unicode NFKC, case folded, words are runs of
// letters, marks and digits; everything else separates words. ASCII takes a table lookup per
// byte (ngram_stream.cpp); runs holding other bytes go through utf8proc here.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace clinbench::audit {

// ASCII bytes: the lower-cased byte for a letter or digit, 0 for a separator. Bytes >= 0x80:
// the byte itself (part of a run that normalize_run must see).
constexpr std::array<unsigned char, 256> make_word_byte_table() {
  std::array<unsigned char, 256> table{};
  for (int c = 0; c < 256; ++c) {
    int value = 0;
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c >= 0x80) value = c;
    if (c >= 'A' && c <= 'Z') value = c - 'A' + 'a';
    table[size_t(c)] = static_cast<unsigned char>(value);
  }
  return table;
}
inline constexpr std::array<unsigned char, 256> kWordByte = make_word_byte_table();

// Normalises a run of bytes that holds no ASCII separator (it may still hold Unicode
// punctuation or spaces): writes its words to `words`, separated by single ASCII spaces, with
// no leading or trailing space. Bytes that are not valid UTF-8 act as separators.
void normalize_run(std::string_view run, std::string& words);

}  // namespace clinbench::audit
