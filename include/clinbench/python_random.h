// CPython's `random` module, reproduced exactly where the reference study relied on it: the
// Mersenne Twister (MT19937) seeded as `random.seed(int)` seeds it (init_by_array over the
// integer's 32-bit words, least significant first), `getrandbits(k)` for k <= 32,
// `_randbelow(n)` by rejection on getrandbits(n.bit_length()), `random.shuffle` and
// `random.sample` (CPython 3.2-3.13 algorithms, both branches of sample). CLUE shuffles
// MeDiSumQA with random.seed(1); random.shuffle(data), and draws LongHealth's letters with
// random.sample and random.shuffle; a golden test compares this with python3's own output.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "clinbench/random.h"

namespace clinbench {

class PythonRandom {
 public:
  // random.seed(n) for the non-negative integer whose 32-bit words, least significant first,
  // are `words` (leading zero words are ignored, as CPython's bit length does).
  explicit PythonRandom(std::vector<uint32_t> words);
  // random.seed(n) for a 64-bit n.
  static PythonRandom seeded(uint64_t n);

  uint32_t next_uint32();               // genrand_uint32
  uint32_t getrandbits(int bits);       // 1 <= bits <= 32
  uint32_t randbelow(uint32_t n);       // n >= 1: Random._randbelow_with_getrandbits

  // The permutation random.shuffle(list(range(n))) leaves: element i of the result is the index
  // of the item that ends at position i.
  std::vector<size_t> shuffle_order(size_t n);
  // The indices random.sample(range(n), k) returns, in order (k <= n).
  std::vector<size_t> sample_indices(size_t n, size_t k);

  // random.shuffle(items): Fisher-Yates from the back with randbelow (random.h's shuffle_with).
  template <typename T>
  void shuffle(std::vector<T>& items) {
    shuffle_with(items, [this](uint32_t bound) { return randbelow(bound); });
  }

 private:
  std::array<uint32_t, 624> state_{};
  size_t index_ = 624;
};

}  // namespace clinbench
