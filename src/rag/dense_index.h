// The dense half of an index: one vector per passage, the mean of the embedding model's token
// vectors ([CLS] and [SEP] included, as sentence-transformers' mean pooling), L2-normalised, in
// an hnswlib HNSW graph over inner products, so that a hit's score is the cosine similarity.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "clinbench/backends.h"
#include "clinbench/rag.h"

namespace clinbench {

// HNSW settings, recorded in the manifest. hnswlib's own defaults for M and the seed; a wider
// construction and search beam than its defaults, since recall matters more here than speed.
struct DenseGraphSettings {
  int32_t m = 16;
  int32_t ef_construction = 200;
  int32_t ef_search = 200;  // raised to k when k is larger
  uint64_t seed = 100;
};

// Embeds texts (size n) into n * dimension floats, row-major, each row of length 1 (or all zero
// for a text the model gave a zero mean). truncated counts texts longer than the model reads.
// embedder: an embedding backend (open_embedding_backend); embed: how requests reach it (empty =
// embed_all). Each distinct text is requested once, in first-seen order, 512 at a time (token
// vectors of a whole corpus would not fit in memory); a repeated text's row is a copy. progress
// gets (distinct texts done, distinct texts). Throws Error when a text's embedding failed.
std::vector<float> dense_embed(Backend& embedder, const EmbeddingFunction& embed, std::span<const std::string> texts,
                               int64_t& truncated, const ProgressCallback& progress = {});

// Builds the graph over vectors (passages * dimension floats; label i = passage i) and saves it
// to file. progress gets (passages added, total).
void dense_graph_write(const std::filesystem::path& file, std::span<const float> vectors, int32_t dimension,
                       const DenseGraphSettings& settings, const ProgressCallback& progress = {});

// The vector size an embedding backend gives (its details' "dimension").
int32_t dense_dimension(const Backend& embedder);

class DenseGraph {
 public:
  // Loads the graph; throws Error naming the file when it cannot be read or does not hold
  // expected_passages vectors of this dimension.
  DenseGraph(const std::filesystem::path& file, int32_t dimension, int64_t expected_passages,
             const DenseGraphSettings& settings);
  ~DenseGraph();
  // The best k passages for a normalised query vector (dimension floats), best first.
  std::vector<RagHit> search(std::span<const float> query, int32_t k);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace clinbench
