#include "audit/corpus_reader.h"

#include <cerrno>
#include <cstring>

#include "clinbench/core.h"

namespace clinbench::audit {

CorpusReader::CorpusReader(const std::filesystem::path& path, bool zstd) : path_(path) {
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) throw_input_error(path, 0, "", std::string("cannot open the corpus file: ") + std::strerror(errno));
  if (zstd) {
    zstd_ = ZSTD_createDStream();
    if (!zstd_) throw Error("out of memory for a zstd stream (" + path.string() + ")");
    compressed_.resize(ZSTD_DStreamInSize());
  }
}

CorpusReader::~CorpusReader() {
  if (zstd_) ZSTD_freeDStream(zstd_);
  if (file_) std::fclose(file_);
}

size_t CorpusReader::read_file(char* buffer, size_t capacity) {
  size_t got = std::fread(buffer, 1, capacity, file_);
  if (got < capacity && std::ferror(file_)) {
    throw_input_error(path_, 0, "", std::string("read error: ") + std::strerror(errno));
  }
  file_bytes_read_ += int64_t(got);
  return got;
}

size_t CorpusReader::read(char* buffer, size_t capacity) {
  if (!zstd_) return read_file(buffer, capacity);
  ZSTD_outBuffer output{buffer, capacity, 0};
  while (output.pos == 0) {
    if (input_.pos == input_.size && !input_ended_) {
      input_ = {compressed_.data(), read_file(compressed_.data(), compressed_.size()), 0};
      input_ended_ = input_.size == 0;
    }
    // At the end of the file, a finished frame means the end of the stream; an unfinished one
    // may still hold output for the bytes already given, which one more call flushes.
    if (input_ended_ && frame_remainder_ == 0) break;
    size_t hint = ZSTD_decompressStream(zstd_, &output, &input_);
    if (ZSTD_isError(hint)) {
      throw_input_error(path_, 0, "", std::string("damaged zstd data: ") + ZSTD_getErrorName(hint) +
                                          " (after " + std::to_string(file_bytes_read_) + " compressed bytes)");
    }
    frame_remainder_ = hint;
    if (input_ended_ && output.pos == 0) {
      throw_input_error(path_, 0, "", "the zstd stream ends inside a frame: the file is truncated");
    }
  }
  return output.pos;
}

}  // namespace clinbench::audit
