// One corpus file through the item n-gram index: read (and decompress) a buffer, cut it into
// n-grams (jsonl: only the text field's value), look each up, repeat. Memory: the buffer, the
// n-grams of one buffer, zstd's window.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <vector>

#include "audit/corpus_reader.h"
#include "audit/jsonl_text_scanner.h"
#include "audit/ngram_stream.h"
#include "clinbench/audit.h"

namespace clinbench {

namespace {

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool has_zstd_magic(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_input_error(path, 0, "", "cannot open the corpus file");
  unsigned char magic[4] = {0, 0, 0, 0};
  in.read(reinterpret_cast<char*>(magic), 4);
  return in.gcount() == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd;
}

}  // namespace

AuditCorpusKind audit_corpus_kind(const std::filesystem::path& path) {
  AuditCorpusKind kind;
  kind.zstd = has_zstd_magic(path);
  std::string name = path.filename().string();
  for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view suffix : {".zst", ".zstd"}) {
    if (ends_with(name, suffix)) name.resize(name.size() - suffix.size());
  }
  for (std::string_view suffix : {".jsonl", ".ndjson", ".json"}) {
    if (ends_with(name, suffix)) kind.format = AuditCorpusFormat::jsonl;
  }
  return kind;
}

AuditCorpusStats audit_corpus_scan(const std::filesystem::path& path, AuditNgramIndex& index,
                                   const AuditCorpusOptions& options, const ProgressCallback& progress) {
  AuditCorpusStats stats;
  stats.path = path;
  stats.kind = audit_corpus_kind(path);
  std::error_code ec;
  stats.file_bytes = int64_t(std::filesystem::file_size(path, ec));
  if (ec) throw_input_error(path, 0, "", "cannot read the corpus file: " + ec.message());

  audit::CorpusReader reader(path, stats.kind.zstd);
  audit::NgramStream stream(index.ngram());
  audit::JsonlTextScanner jsonl(path, options.text_field, stream);
  const bool is_jsonl = stats.kind.format == AuditCorpusFormat::jsonl;
  std::vector<char> buffer(std::max<size_t>(options.read_buffer_bytes, 1));
  while (size_t got = reader.read(buffer.data(), buffer.size())) {
    stats.text_bytes += int64_t(got);
    std::string_view piece(buffer.data(), got);
    if (is_jsonl) {
      jsonl.feed(piece);
    } else {
      stream.feed(piece);
    }
    std::vector<uint64_t>& hashes = stream.hashes();
    stats.ngrams += int64_t(hashes.size());
    stats.matches += index.mark_found(hashes);
    hashes.clear();
    if (progress) progress(reader.file_bytes_read(), stats.file_bytes);
  }
  if (is_jsonl) {
    jsonl.finish();
    stats.documents = jsonl.documents();
    stats.missing_text_field = jsonl.missing_text_field();
  } else {
    stream.end_document();
    stats.documents = 1;
  }
  std::vector<uint64_t>& hashes = stream.hashes();
  stats.ngrams += int64_t(hashes.size());
  stats.matches += index.mark_found(hashes);
  hashes.clear();
  if (progress) progress(stats.file_bytes, stats.file_bytes);
  return stats;
}

}  // namespace clinbench
