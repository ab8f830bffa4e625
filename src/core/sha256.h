#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace clinbench {

// Incremental SHA-256. Not thread-safe; one instance per stream.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  // Finishes the stream; the instance must not be updated afterwards.
  std::string hex_digest();

 private:
  void compress(const uint8_t* block);  // block: 64 bytes
  uint32_t state_[8];
  uint8_t buffer_[64] = {};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

}  // namespace clinbench
