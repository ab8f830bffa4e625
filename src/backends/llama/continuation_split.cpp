#include "backends/llama/continuation_split.h"

#include <algorithm>

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
