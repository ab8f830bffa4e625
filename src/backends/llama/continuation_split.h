// How a (context, continuation) pair becomes tokens, following lm-evaluation-harness
// (`_encode_pair`): trailing whitespace of the context moves to the front of the continuation;
// the joined string is encoded once and split at the length of the encoded context, so the
// continuation's tokens are the ones the model would really see after that context.
#pragma once

#include <algorithm>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "backends/llama/llama_session.h"
#include "backends/whitespace_split.h"

namespace clinbench {

struct TokenizedPair {
  std::vector<llama_token> tokens;  // BOS (once, when the model asks) + context + continuation
  int32_t context_tokens = 0;       // tokens[0, context_tokens) are the context, BOS included
};

// The tokens of recent distinct texts (session.tokenize(text, true)), so that the context the
// options of one question share is tokenised once, not once per option (a 5-shot context is
// ~1,700 tokens). Bounded (least recently used texts go): the requests that share a context
// arrive together.
class TokenMemo {
 public:
  explicit TokenMemo(const LlamaSession& session, size_t capacity = 64)
      : session_(session), capacity_(std::max<size_t>(capacity, 1)) {}
  const std::vector<llama_token>& tokenize(const std::string& text);
  int64_t texts_tokenised() const { return texts_tokenised_; }
  int64_t tokens_produced() const { return tokens_produced_; }

 private:
  const LlamaSession& session_;
  size_t capacity_;
  struct Entry {
    std::string text;
    std::vector<llama_token> tokens;
  };
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> by_text_;
  int64_t texts_tokenised_ = 0;
  int64_t tokens_produced_ = 0;
};

// An empty context becomes BOS alone (or EOS when the model has no BOS), as in the harness.
// With a memo, texts seen recently are not tokenised again (same tokens).
TokenizedPair tokenize_pair(const LlamaSession& session, std::string_view context,
                            std::string_view continuation, TokenMemo* memo = nullptr);

}  // namespace clinbench
