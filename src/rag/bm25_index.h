// The BM25 half of an index: a Xapian database holding every passage (its text in the document
// data, its document id and chunk in value slots) and the stemmed words it is searched by.
// Documents and queries are tokenised by the same Xapian TermGenerator (Unicode words, lower
// case, English Snowball stems, no stop words), so a query word matches exactly the passages
// that hold a word with the same stem.
#pragma once

#include <xapian.h>

#include <filesystem>
#include <string>
#include <vector>

#include "clinbench/rag.h"

namespace clinbench {

// "Xapian::BM25Weight(k1=1, k2=0, k3=1, b=0.5, min_normlen=0.5), english stems (STEM_ALL_Z)":
// what the manifest records.
std::string bm25_description();

// Writes passages in order: the i-th added is ordinal i (Xapian document id i + 1).
class Bm25Writer {
 public:
  explicit Bm25Writer(const std::filesystem::path& dir);  // creates the database
  void add(const RagPassage& passage);
  void finish();  // commits and closes; throws Error when the write fails

 private:
  std::filesystem::path dir_;
  Xapian::WritableDatabase database_;
  Xapian::TermGenerator generator_;
};

class Bm25Searcher {
 public:
  explicit Bm25Searcher(const std::filesystem::path& dir);
  int64_t passages() const;
  // The best k passages for the query's words, best first, ties in index order. Empty when no
  // word of the query is in the index.
  std::vector<RagHit> search(const std::string& query, int32_t k);
  RagPassage passage(int64_t ordinal) const;
  // A passage's document id and chunk only (value slots, without reading its text).
  void identify(RagHit& hit) const;

 private:
  std::filesystem::path dir_;
  Xapian::Database database_;
  Xapian::TermGenerator generator_;
};

}  // namespace clinbench
