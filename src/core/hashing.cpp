#include <xxhash.h>

#include "clinbench/core.h"

namespace clinbench {

uint64_t hash64(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

std::string hex64(uint64_t value) {
  static const char* digits = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) out[size_t(i)] = digits[value & 0xf];
  return out;
}

}  // namespace clinbench
