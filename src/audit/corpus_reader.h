// The bytes of a corpus file, decompressed when it is zstd, in buffer-sized pieces: memory is
// the caller's buffer plus zstd's window, whatever the file's size.
#pragma once

#include <zstd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <vector>

namespace clinbench::audit {

class CorpusReader {
 public:
  // Throws Error naming the file when it cannot be opened.
  CorpusReader(const std::filesystem::path& path, bool zstd);
  ~CorpusReader();
  CorpusReader(const CorpusReader&) = delete;
  CorpusReader& operator=(const CorpusReader&) = delete;

  // Fills buffer[0, capacity) with the next decompressed bytes; returns how many, 0 at the end.
  // Throws Error naming the file for a read error, a damaged zstd frame or a zstd stream that
  // ends inside a frame (a truncated download).
  size_t read(char* buffer, size_t capacity);

  int64_t file_bytes_read() const { return file_bytes_read_; }

 private:
  size_t read_file(char* buffer, size_t capacity);

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  int64_t file_bytes_read_ = 0;
  ZSTD_DStream* zstd_ = nullptr;
  std::vector<char> compressed_;
  ZSTD_inBuffer input_{nullptr, 0, 0};
  bool input_ended_ = false;
  size_t frame_remainder_ = 0;  // ZSTD_decompressStream's last hint: 0 = between frames
};

}  // namespace clinbench::audit
