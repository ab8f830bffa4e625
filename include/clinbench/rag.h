// Retrieval augmentation (docs/rag.md): an index over a corpus of documents, searched per item so
// that the top passages go into the prompt, and retrieval quality where the gold document is
// known.
//
// An index is a folder written by rag_index_build: a BM25 index (Xapian) that also stores every
// passage, optionally dense vectors of the passages (mean-pooled, L2-normalised embeddings of a
// BERT-style GGUF on llama.cpp) in an HNSW graph (hnswlib), and manifest.json, which says what
// was indexed and how. A build writes into a temporary sibling folder and renames it into place
// only when complete, so a killed build never leaves a folder that opens as an index.
//
// Everything here throws Error for input that cannot be used (a corpus record without its text
// field, an index folder without a manifest, a manifest that disagrees with the files beside it),
// naming the file, line and field where there is one. Nothing prints.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "clinbench/backends.h"
#include "clinbench/core.h"
#include "clinbench/data.h"
#include "clinbench/tasks.h"

namespace clinbench {

// --- corpus ---------------------------------------------------------------------------------

struct RagCorpusOptions {
  std::filesystem::path path;
  DatasetFormat format = DatasetFormat::jsonl;
  // The document id: a string or integer field, unique. Empty = the record's key (json_object,
  // e.g. PubMedQA's PMIDs), else its 0-based position in the file ("0", "1", ...; MedQuAD's own
  // ids repeat).
  std::string id_field;
  std::string text_field;   // a string, or a list of strings joined with "\n" (PubMedQA CONTEXTS)
  // Optional: a string, indexed and shown with the text. A document without it has no title;
  // a field that no document has is an error (a misspelt name).
  std::string title_field;
};

struct RagDocument {
  std::string id;
  std::string title;  // empty without a title field
  std::string text;
};

// Reads every document of the corpus in file order (data.h readers). Throws Error naming the
// file, line and field for a missing or ill-typed field, an empty id or text, and for a duplicate
// id (naming the earlier line too).
std::vector<RagDocument> rag_corpus_read(const RagCorpusOptions& options);

// --- passages -------------------------------------------------------------------------------

struct RagChunking {
  int32_t tokens = 0;   // tokens a passage holds at most; 0 = one passage per whole document
  int32_t overlap = 0;  // tokens consecutive passages of a document share; 0 <= overlap < tokens
};

struct RagPassage {
  std::string document_id;
  int32_t chunk = 0;  // 0-based position among its document's passages
  std::string title;  // its document's title
  std::string text;   // an exact substring of the document's text, cut between words
};

// Throws Error for tokens < 0, or tokens > 0 with an overlap outside [0, tokens).
void rag_chunking_check(const RagChunking& chunking);

// How many tokens one word (a run of non-whitespace bytes) is. Empty = 1 per word.
using RagWordTokenCounter = std::function<int32_t(std::string_view word)>;

// Cuts a document into passages of whole words: each holds words while their tokens fit
// chunking.tokens (a single longer word makes a passage of its own), the next starts where its
// first chunking.overlap tokens repeat the end of the previous one (at least one word later).
// Throws Error as rag_chunking_check does.
std::vector<RagPassage> rag_chunk_document(const RagDocument& document, const RagChunking& chunking,
                                           const RagWordTokenCounter& count_tokens = {});

// --- building -------------------------------------------------------------------------------

inline constexpr int kRagIndexFormatVersion = 1;

struct RagBuildOptions {
  RagCorpusOptions corpus;
  RagChunking chunking;
  // "" = BM25 only. "gguf:PATH" = also dense vectors from this embedding GGUF (a bidirectional
  // encoder, e.g. a BERT-architecture model); passages are then cut in its word pieces.
  std::string embed_model;
  int32_t threads = 0;      // embedding: 0 = all cores
  int32_t gpu_layers = -1;  // embedding: -1 = all that fit (only with a GPU build)
  bool overwrite = false;   // replace an existing index at the output folder
  // How the passages reach the embedding model (backends.h); unset = embed_all. The CLI passes
  // the engine's schedule_embedding, with a response cache when given one (a killed build then
  // resumes from the vectors already stored). Identical passage texts are sent once either way.
  EmbeddingFunction embed = {};
};

// Called with the stage ("bm25", "embedding", "hnsw") and its (done, total) passages.
using RagBuildProgress = std::function<void(std::string_view stage, int64_t done, int64_t total)>;

struct RagBuildResult {
  nlohmann::json manifest;     // what manifest.json holds
  double seconds_total = 0;    // wall time of the whole build
  double seconds_bm25 = 0;     // tokenising and writing the Xapian index
  double seconds_dense = 0;    // embedding and the HNSW graph (0 without a model)
};

// Builds an index of the corpus into out_dir: into a new sibling folder OUT.tmp-PID-RANDOM, then
// renamed to out_dir (with overwrite, swapped with the old index in one rename, which is then
// removed). Leftover OUT.tmp-* folders of builds whose process is gone are removed first. Throws
// Error before any work when out_dir exists and overwrite is false, and for anything the corpus
// reader, the chunker or the embedding model refuses; the temporary folder is removed then.
RagBuildResult rag_index_build(const RagBuildOptions& options, const std::filesystem::path& out_dir,
                               const RagBuildProgress& progress = {});

// --- searching ------------------------------------------------------------------------------

enum class RagMode {
  bm25,    // Xapian BM25 (k1 = 1, k2 = 0, k3 = 1, b = 0.5, min_normlen = 0.5; Xapian's defaults)
  dense,   // inner product of normalised embeddings (cosine), from the HNSW graph
  hybrid,  // reciprocal rank fusion of both: sum of 1 / (60 + rank) over the two rankings
};

// "bm25" | "dense" | "hybrid"; throws Error naming the valid ones. Names round-trip.
RagMode rag_mode_from_name(std::string_view name);
std::string_view rag_mode_name(RagMode mode);

// RRF's constant (Cormack et al. 2009) and how deep each ranking is read before fusing.
inline constexpr int kRagFusionK = 60;
inline constexpr int kRagFusionDepth = 100;

struct RagHit {
  int64_t passage = 0;      // 0-based ordinal of the passage in the index
  std::string document_id;
  int32_t chunk = 0;
  double score = 0;         // by mode: BM25 weight, cosine, or fused 1/(60+rank) sum
};

struct RagOpenOptions {
  // Dense and hybrid search embed queries with the model the index was built with: the
  // manifest's path, or this "gguf:PATH" when the file has moved. Either way its SHA-256 must
  // equal the manifest's.
  std::string embed_model;
  int32_t threads = 0;
  int32_t gpu_layers = -1;
  // How the queries reach that model (backends.h), called from search with the model prepare
  // opened; unset = embed_all. A run passes the engine's schedule_embedding with its response
  // cache, so a rerun reads its query vectors back. Identical queries are sent once either way.
  EmbeddingFunction embed = {};
};

// An opened index. Not thread-safe (one Xapian reader, one llama.cpp context).
class RagIndex {
 public:
  // Opens out_dir as rag_index_build wrote it. Throws Error when the folder is missing, has no
  // manifest.json (a leftover temporary folder of a killed build has none), holds a manifest of
  // another kind or a newer format version, or when the files disagree with the manifest
  // (passage count, vector dimension): the message says what differs and to rebuild.
  explicit RagIndex(const std::filesystem::path& dir, const RagOpenOptions& options = {});
  ~RagIndex();
  RagIndex(const RagIndex&) = delete;
  RagIndex& operator=(const RagIndex&) = delete;

  const std::filesystem::path& dir() const;
  const nlohmann::json& manifest() const;
  int64_t passages() const;
  bool has_dense() const;

  // Readies a mode: dense and hybrid need dense vectors and load the embedding model, checking
  // its fingerprint. Throws Error saying why the mode cannot be served. search calls it too.
  void prepare(RagMode mode);

  // The best k hits of each query, best first; ties keep index order. A query that matches
  // nothing (BM25: no indexed word in it) gets no hits, which is not an error. Dense queries are
  // embedded together (one model pass for many), each distinct text once, through the options'
  // embed. progress gets (queries done, total).
  std::vector<std::vector<RagHit>> search(std::span<const std::string> queries, RagMode mode,
                                          int32_t k, const ProgressCallback& progress = {});

  // A passage by ordinal; throws std::out_of_range outside [0, passages()).
  RagPassage passage(int64_t ordinal) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// --- retrieval in runs ------------------------------------------------------------------------

// Retrieves the k best passages for every item of data (not the shots) and stores them, with
// their texts, in Example::retrieved. queries: the text each item is searched with, one per
// item in order (its task kind's, kinds.h task_retrieval_queries). progress gets (items done,
// total).
void rag_retrieve_for_task(RagIndex& index, RagMode mode, int32_t k, std::span<const std::string> queries,
                           TaskData& data, const ProgressCallback& progress = {});

// --- retrieval quality ------------------------------------------------------------------------

// Recall@k and MRR of known gold documents. Rankings are over documents: each query's hits
// reduced to the first (best) passage of every document.
struct RagQualityResult {
  int64_t queries = 0;
  std::vector<int32_t> ks;
  std::vector<double> recall;  // per k: fraction of queries whose gold is among the first k
  double mrr = 0;              // mean of 1 / rank of the gold (0 when not within depth)
  int32_t depth = 0;           // documents read per query for MRR
};

// Pure: ranked_documents[q] are the document ids of query q in rank order (duplicates allowed,
// the first counts), gold[q] its gold id. ks positive; depth >= 1. Throws Error for sizes that
// differ, an empty ks or a k or depth below 1.
RagQualityResult rag_quality(const std::vector<std::vector<std::string>>& ranked_documents,
                             const std::vector<std::string>& gold, const std::vector<int32_t>& ks,
                             int32_t depth);

}  // namespace clinbench
