#include "audit/ngram_stream.h"

#include <stdexcept>

#include "audit/text_normalization.h"
#include "clinbench/core.h"

namespace clinbench::audit {

NgramStream::NgramStream(int32_t n) : n_(n) {
  if (n < 1) throw std::logic_error("NgramStream: n must be at least 1");
  ring_.resize(size_t(n));
  for (int32_t i = 0; i < n; ++i) base_power_n_ *= kNgramBase;
}

void NgramStream::feed(std::string_view bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t size = bytes.size();
  for (size_t i = 0; i < size; ++i) {
    unsigned char byte = kWordByte[data[i]];
    if (byte == 0) {
      if (word_bytes_ > 0) end_word();
      continue;
    }
    word_non_ascii_ |= byte >= 0x80;
    if (word_bytes_ < kMaxWordBytes) {
      word_[word_bytes_++] = char(byte);
    } else {
      word_overlong_ = true;
    }
  }
}

void NgramStream::end_document() {
  if (word_bytes_ > 0) end_word();
  words_in_document_ = 0;
  ring_at_ = 0;
  rolling_ = 0;
}

void NgramStream::end_word() {
  std::string_view word(word_, word_bytes_);
  if (word_overlong_) {
    push_word("\x01overlong");
  } else if (!word_non_ascii_) {
    push_word(word);
  } else {
    normalize_run(word, normalized_);
    std::string_view rest = normalized_;
    while (!rest.empty()) {
      size_t space = rest.find(' ');
      push_word(rest.substr(0, space));
      if (space == std::string_view::npos) break;
      rest.remove_prefix(space + 1);
    }
  }
  word_bytes_ = 0;
  word_overlong_ = false;
  word_non_ascii_ = false;
}

void NgramStream::push_word(std::string_view word) {
  if (word_sink_) word_sink_(word);
  const uint64_t word_hash = hash64(word);
  uint64_t& slot = ring_[ring_at_];
  if (++ring_at_ == ring_.size()) ring_at_ = 0;
  // After the multiplication the oldest word's weight is base^n; it leaves the window.
  rolling_ = rolling_ * kNgramBase + word_hash - (words_in_document_ >= ring_.size() ? slot * base_power_n_ : 0);
  slot = word_hash;
  if (++words_in_document_ >= ring_.size()) hashes_.push_back(ngram_mix(rolling_));
}

}  // namespace clinbench::audit
