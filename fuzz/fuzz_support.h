// What the fuzz targets share. A target feeds one input to a parser of outside input and checks
// the parser's contract: it returns a value that satisfies its invariants, or throws
// clinbench::Error whose message names the input file; anything else (a crash, a sanitizer
// report, another exception, a broken invariant) is a finding. A broken invariant prints what
// was expected and aborts, so libFuzzer saves the input and the replay test
// (tests/fuzz/fuzz_replay_test.cpp) fails on it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "clinbench/core.h"
#include "clinbench/utf8.h"

namespace clinbench::fuzz {

inline std::string_view input_text(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

[[noreturn]] inline void invariant_failed(const char* target, const std::string& what) {
  std::fprintf(stderr, "fuzz target %s: invariant broken: %s\n", target, what.c_str());
  std::fflush(stderr);
  std::abort();
}

inline void require(bool holds, const char* target, const std::string& what) {
  if (!holds) invariant_failed(target, what);
}

// An input error names the file it is about, first: "SOURCE:LINE: ..." or "SOURCE: ...".
inline void require_names_source(const Error& error, std::string_view source, const char* target) {
  std::string_view message = error.what();
  bool named = message.size() > source.size() && message.substr(0, source.size()) == source &&
               message[source.size()] == ':';
  require(named, target, "the error does not start with the file's name '" + std::string(source) +
                             "': " + std::string(message));
}

inline bool valid_utf8(std::string_view text) { return utf8_find_invalid(text) == std::string_view::npos; }

}  // namespace clinbench::fuzz
