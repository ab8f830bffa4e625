#include "rag/dense_index.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace clinbench {

int32_t dense_dimension(const Backend& embedder) { return embedder.info().details.value("dimension", 0); }

std::vector<float> dense_embed(Backend& embedder, const EmbeddingFunction& embed, std::span<const std::string> texts,
                               int64_t& truncated, const ProgressCallback& progress) {
  const size_t dimension = size_t(dense_dimension(embedder));
  // first_of_distinct[d]: where distinct text d first occurs; distinct_of[i]: text i's distinct text.
  std::vector<size_t> first_of_distinct;
  std::vector<size_t> distinct_of(texts.size());
  {
    std::unordered_map<std::string_view, size_t> seen;
    seen.reserve(texts.size());
    for (size_t i = 0; i < texts.size(); ++i) {
      auto [slot, fresh] = seen.try_emplace(texts[i], first_of_distinct.size());
      if (fresh) first_of_distinct.push_back(i);
      distinct_of[i] = slot->second;
    }
  }
  const size_t distinct = first_of_distinct.size();
  std::vector<float> distinct_vectors(distinct * dimension, 0.0f);
  std::vector<char> distinct_truncated(distinct, 0);
  // A bounded slice at a time: token vectors of a whole corpus would not fit in memory.
  const size_t slice = 512;
  for (size_t first = 0; first < distinct; first += slice) {
    size_t count = std::min(slice, distinct - first);
    std::vector<EmbeddingRequest> requests;
    requests.reserve(count);
    for (size_t d = first; d < first + count; ++d) requests.push_back({texts[first_of_distinct[d]]});
    std::vector<EmbeddingResponse> embedded = embed ? embed(embedder, requests, {}) : embed_all(embedder, requests);
    if (embedded.size() != count) {
      throw std::logic_error("dense_embed: " + std::to_string(embedded.size()) + " responses to " +
                             std::to_string(count) + " requests");
    }
    for (size_t t = 0; t < count; ++t) {
      const EmbeddingResponse& tokens = embedded[t];
      if (tokens.status != RequestStatus::ok) throw Error("embedding a passage failed: " + tokens.error);
      distinct_truncated[first + t] = tokens.truncated ? 1 : 0;
      float* row = distinct_vectors.data() + (first + t) * dimension;
      size_t rows = tokens.tokens.size();
      std::vector<double> mean(dimension, 0.0);
      for (size_t r = 0; r < rows; ++r) {
        for (size_t d = 0; d < dimension; ++d) mean[d] += tokens.vectors[r * dimension + d];
      }
      double norm = 0;
      for (double value : mean) norm += value * value;
      norm = std::sqrt(norm);
      if (norm == 0) continue;  // left zero: it scores 0 against everything
      for (size_t d = 0; d < dimension; ++d) row[d] = float(mean[d] / norm);
    }
    if (progress) progress(int64_t(first + count), int64_t(distinct));
  }
  for (size_t i = 0; i < texts.size(); ++i) truncated += distinct_truncated[distinct_of[i]];
  if (distinct == texts.size()) return distinct_vectors;  // no repeats: already in text order
  std::vector<float> vectors(texts.size() * dimension);
  for (size_t i = 0; i < texts.size(); ++i) {
    std::copy_n(distinct_vectors.data() + distinct_of[i] * dimension, dimension, vectors.data() + i * dimension);
  }
  return vectors;
}

void dense_graph_write(const std::filesystem::path& file, std::span<const float> vectors, int32_t dimension,
                       const DenseGraphSettings& settings, const ProgressCallback& progress) {
  const size_t count = vectors.size() / size_t(dimension);
  hnswlib::InnerProductSpace space{size_t(dimension)};
  try {
    hnswlib::HierarchicalNSW<float> graph(&space, std::max<size_t>(count, 1), size_t(settings.m),
                                          size_t(settings.ef_construction), settings.seed);
    // One thread, in order: the same corpus gives the same graph (and the same approximate hits).
    for (size_t i = 0; i < count; ++i) {
      graph.addPoint(vectors.data() + i * size_t(dimension), hnswlib::labeltype(i));
      if (progress && (i % 256 == 255 || i + 1 == count)) progress(int64_t(i + 1), int64_t(count));
    }
    graph.saveIndex(file.string());
  } catch (const std::runtime_error& e) {
    throw_input_error(file, 0, "", std::string("cannot build the HNSW graph: ") + e.what());
  }
}

struct DenseGraph::State {
  explicit State(int32_t dimension) : space(size_t(dimension)) {}
  hnswlib::InnerProductSpace space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
  int32_t ef_search = 0;
};

DenseGraph::DenseGraph(const std::filesystem::path& file, int32_t dimension, int64_t expected_passages,
                       const DenseGraphSettings& settings)
    : state_(std::make_unique<State>(dimension)) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    throw_input_error(file, 0, "", "the dense vectors are missing: a damaged index; build it again");
  }
  try {
    state_->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(&state_->space, file.string());
  } catch (const std::runtime_error& e) {
    throw_input_error(file, 0, "", std::string("cannot read the HNSW graph (damaged? build the index again): ") +
                                       e.what());
  }
  int64_t held = int64_t(state_->graph->cur_element_count);
  // The file's own vector size (hnswlib takes the caller's space for granted).
  size_t held_dimension = (state_->graph->label_offset_ - state_->graph->offsetData_) / sizeof(float);
  if (held != expected_passages || held_dimension != size_t(dimension)) {
    throw_input_error(file, 0, "",
                      "holds " + std::to_string(held) + " vectors of " + std::to_string(held_dimension) +
                          " dimensions, the manifest says " +
                          std::to_string(expected_passages) + " of " + std::to_string(dimension) +
                          ": a damaged or mixed index; build it again");
  }
  state_->ef_search = settings.ef_search;
}

DenseGraph::~DenseGraph() = default;

std::vector<RagHit> DenseGraph::search(std::span<const float> query, int32_t k) {
  std::vector<RagHit> hits;
  int64_t available = int64_t(state_->graph->cur_element_count);
  size_t wanted = size_t(std::min<int64_t>(k, available));
  if (wanted == 0) return hits;
  state_->graph->setEf(size_t(std::max<int64_t>(state_->ef_search, int64_t(wanted))));
  auto queue = state_->graph->searchKnn(query.data(), wanted);
  // A max-heap on distance (1 - inner product): popped worst first.
  while (!queue.empty()) {
    hits.push_back({int64_t(queue.top().second), "", 0, 1.0 - double(queue.top().first)});
    queue.pop();
  }
  std::reverse(hits.begin(), hits.end());
  // Equal scores in index order, as BM25 ties are.
  std::stable_sort(hits.begin(), hits.end(), [](const RagHit& a, const RagHit& b) {
    return a.score != b.score ? a.score > b.score : a.passage < b.passage;
  });
  return hits;
}

}  // namespace clinbench
