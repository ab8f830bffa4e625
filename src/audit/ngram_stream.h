// Bytes of one document, in pieces of any size, to the hashes of its word n-grams. A piece may
// end anywhere, even inside a word or a UTF-8 character: the current word and the last n-1
// word hashes carry over to the next piece, so the n-grams are those of the whole document.
// Items and corpora go through this same class, so both sides normalise alike.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace clinbench::audit {

// An n-gram's hash: the polynomial sum(w_i * kNgramBase^(n-1-i)) mod 2^64 of its word hashes w_i
// (XXH3 of each normalised word, core hash64), which a stream updates in O(1) per word, then
// mixed by the murmur3 finalizer so that every bit depends on every word.
inline constexpr uint64_t kNgramBase = 0x9e3779b97f4a7c15ull;  // odd: multiplying is a bijection
inline uint64_t ngram_mix(uint64_t value) {
  value ^= value >> 33;
  value *= 0xff51afd7ed558ccdull;
  value ^= value >> 33;
  value *= 0xc4ceb9fe1a85ec53ull;
  value ^= value >> 33;
  return value;
}

class NgramStream {
 public:
  // Longer words are all the same word: no item holds one, and a corpus's base64 blob must not
  // grow memory.
  static constexpr size_t kMaxWordBytes = 256;

  explicit NgramStream(int32_t n);  // n >= 1

  // Part of the current document.
  void feed(std::string_view bytes);
  // Ends the document: n-grams never join two documents.
  void end_document();

  // Hashes of the n-grams completed so far, in order (repeats kept). The caller empties it.
  std::vector<uint64_t>& hashes() { return hashes_; }

  // Sees every normalised word as it completes (audit_normalize, tests). Costs a call a word.
  void set_word_sink(std::function<void(std::string_view)> sink) { word_sink_ = std::move(sink); }

 private:
  void end_word();
  void push_word(std::string_view word);

  int32_t n_;
  char word_[kMaxWordBytes];
  size_t word_bytes_ = 0;
  bool word_overlong_ = false;
  bool word_non_ascii_ = false;
  // The last n word hashes of the document (a ring) and their rolling polynomial.
  std::vector<uint64_t> ring_;
  uint64_t words_in_document_ = 0;
  size_t ring_at_ = 0;  // where the next word hash goes (the oldest one's place)
  uint64_t rolling_ = 0;
  uint64_t base_power_n_ = 1;  // kNgramBase^n: the weight of the word leaving the window
  std::vector<uint64_t> hashes_;
  std::string normalized_;
  std::function<void(std::string_view)> word_sink_;
};

}  // namespace clinbench::audit
