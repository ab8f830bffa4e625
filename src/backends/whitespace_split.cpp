#include "backends/whitespace_split.h"

namespace clinbench {

namespace {

// Bytes of the UTF-8 whitespace character ending text[0, end), or 0. The set is Python's
// str.isspace(), which is what the harness's rstrip() removes.
size_t trailing_space_bytes(std::string_view text, size_t end) {
  static const std::string_view multi_byte_spaces[] = {
      "\u0085", "\u00a0", "\u1680", "\u2000", "\u2001", "\u2002", "\u2003", "\u2004",
      "\u2005", "\u2006", "\u2007", "\u2008", "\u2009", "\u200a", "\u2028", "\u2029",
      "\u202f", "\u205f", "\u3000"};
  if (end == 0) return 0;
  char last = text[end - 1];
  if (last == ' ' || (last >= '\t' && last <= '\r') || (last >= '\x1c' && last <= '\x1f')) return 1;
  for (std::string_view space : multi_byte_spaces) {
    if (end >= space.size() && text.substr(end - space.size(), space.size()) == space) return space.size();
  }
  return 0;
}

}  // namespace

ContinuationSplit split_trailing_whitespace(std::string_view context, std::string_view continuation) {
  size_t keep = context.size();
  while (size_t bytes = trailing_space_bytes(context, keep)) keep -= bytes;
  ContinuationSplit split;
  split.context = std::string(context.substr(0, keep));
  split.continuation = std::string(context.substr(keep));
  split.continuation += continuation;
  return split;
}

}  // namespace clinbench
