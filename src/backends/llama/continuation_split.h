// How a (context, continuation) pair becomes tokens, following lm-evaluation-harness
// (`_encode_pair`): trailing whitespace of the context moves to the front of the continuation;
// the joined string is encoded once and split at the length of the encoded context, so the
// continuation's tokens are the ones the model would really see after that context.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "backends/llama/llama_session.h"

namespace clinbench {

struct ContinuationSplit {
  std::string context;       // after moving trailing whitespace out
  std::string continuation;  // with that whitespace in front
};

// The string part of the rule, independent of any tokenizer.
ContinuationSplit split_trailing_whitespace(std::string_view context, std::string_view continuation);

struct TokenizedPair {
  std::vector<llama_token> tokens;  // BOS (once, when the model asks) + context + continuation
  int32_t context_tokens = 0;       // tokens[0, context_tokens) are the context, BOS included
};

// An empty context becomes BOS alone (or EOS when the model has no BOS), as in the harness.
TokenizedPair tokenize_pair(const LlamaSession& session, std::string_view context,
                            std::string_view continuation);

}  // namespace clinbench
