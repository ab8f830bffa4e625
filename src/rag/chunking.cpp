// Passages of whole words, sized in tokens: words (runs of non-whitespace) are never split, so a
// passage is an exact substring of its document and reads naturally in a prompt.
#include "clinbench/rag.h"

namespace clinbench {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

struct Word {
  size_t begin = 0;
  size_t end = 0;
  int32_t tokens = 1;
};

std::vector<Word> split_words(const std::string& text, const RagWordTokenCounter& count_tokens) {
  std::vector<Word> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    if (i == text.size()) break;
    size_t begin = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    Word word{begin, i, 1};
    if (count_tokens) word.tokens = count_tokens(std::string_view(text).substr(begin, i - begin));
    words.push_back(word);
  }
  return words;
}

}  // namespace

void rag_chunking_check(const RagChunking& chunking) {
  if (chunking.tokens < 0) {
    throw Error("chunk size must be 0 (whole documents) or positive, not " + std::to_string(chunking.tokens));
  }
  if (chunking.tokens > 0 && (chunking.overlap < 0 || chunking.overlap >= chunking.tokens)) {
    throw Error("chunk overlap must be at least 0 and below the chunk size (" + std::to_string(chunking.tokens) +
                "), not " + std::to_string(chunking.overlap));
  }
}

std::vector<RagPassage> rag_chunk_document(const RagDocument& document, const RagChunking& chunking,
                                           const RagWordTokenCounter& count_tokens) {
  rag_chunking_check(chunking);
  if (chunking.tokens == 0) return {{document.id, 0, document.title, document.text}};

  std::vector<Word> words = split_words(document.text, count_tokens);
  std::vector<RagPassage> passages;
  size_t start = 0;
  while (start < words.size()) {
    size_t end = start;
    int64_t used = 0;
    while (end < words.size() && (end == start || used + words[end].tokens <= chunking.tokens)) {
      used += words[end].tokens;
      ++end;
    }
    size_t from = words[start].begin;
    passages.push_back({document.id, int32_t(passages.size()), document.title,
                        document.text.substr(from, words[end - 1].end - from)});
    if (end == words.size()) break;
    // The next passage starts as far back as the overlap allows, but always after this start.
    size_t next = end;
    int64_t shared = 0;
    while (next - 1 > start && shared + words[next - 1].tokens <= chunking.overlap) {
      shared += words[next - 1].tokens;
      --next;
    }
    start = next;
  }
  return passages;
}

}  // namespace clinbench
