// The string half of lm-evaluation-harness's (context, continuation) rule (`_encode_pair`):
// trailing whitespace of the context moves to the front of the continuation. Backend-neutral:
// the embedded engine then tokenises the pair (backends/llama/continuation_split.h), a server
// backend sends the two strings as they come out of here.
#pragma once

#include <string>
#include <string_view>

namespace clinbench {

struct ContinuationSplit {
  std::string context;       // after moving trailing whitespace out
  std::string continuation;  // with that whitespace in front
};

// The whitespace is Python's str.isspace() set, which is what the harness's rstrip() removes.
ContinuationSplit split_trailing_whitespace(std::string_view context, std::string_view continuation);

}  // namespace clinbench
