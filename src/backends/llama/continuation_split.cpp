#include "backends/llama/continuation_split.h"

#include <algorithm>

namespace clinbench {

const std::vector<llama_token>& TokenMemo::tokenize(const std::string& text) {
  auto found = by_text_.find(text);
  if (found != by_text_.end()) {
    entries_.splice(entries_.begin(), entries_, found->second);
    return found->second->tokens;
  }
  if (entries_.size() >= capacity_ && !entries_.empty()) {
    by_text_.erase(entries_.back().text);
    entries_.pop_back();
  }
  entries_.push_front({text, session_.tokenize(text, true)});
  by_text_.emplace(entries_.front().text, entries_.begin());
  texts_tokenised_ += 1;
  tokens_produced_ += int64_t(entries_.front().tokens.size());
  return entries_.front().tokens;
}

TokenizedPair tokenize_pair(const LlamaSession& session, std::string_view context,
                            std::string_view continuation, TokenMemo* memo) {
  ContinuationSplit split = split_trailing_whitespace(context, continuation);
  std::string joined = split.context + split.continuation;
  std::vector<llama_token> whole = memo ? memo->tokenize(joined) : session.tokenize(joined, true);
  size_t context_length = 0;
  if (!split.context.empty()) {
    context_length = memo ? memo->tokenize(split.context).size() : session.tokenize(split.context, true).size();
  }
  context_length = std::min(context_length, whole.size());

  TokenizedPair pair;
  bool has_bos = !whole.empty() && whole.front() == session.bos();
  bool prepend = (session.adds_bos() && !has_bos && session.bos() != LLAMA_TOKEN_NULL) ||
                 (context_length == 0 && !has_bos);
  if (prepend) {
    llama_token first = session.bos();
    if (first == LLAMA_TOKEN_NULL) first = llama_vocab_eos(session.vocab());
    pair.tokens.push_back(first);
  }
  pair.tokens.insert(pair.tokens.end(), whole.begin(), whole.end());
  pair.context_tokens = int32_t(context_length + (prepend ? 1 : 0));
  return pair;
}

}  // namespace clinbench
