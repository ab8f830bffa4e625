// An opened index: the manifest checked against the files, BM25 always, the dense graph and the
// embedding model loaded the first time a mode needs them, reciprocal rank fusion for hybrid.
#include <algorithm>
#include <map>

#include "clinbench/backends.h"
#include "clinbench/enum_names.h"
#include "clinbench/rag.h"
#include "rag/bm25_index.h"
#include "rag/dense_index.h"
#include "rag/index_layout.h"

namespace clinbench {

namespace {

constexpr EnumName<RagMode> rag_mode_names[] = {
    {RagMode::bm25, "bm25"},
    {RagMode::dense, "dense"},
    {RagMode::hybrid, "hybrid"},
};

}  // namespace

RagMode rag_mode_from_name(std::string_view name) {
  if (std::optional<RagMode> mode = enum_from_name(rag_mode_names, name)) return *mode;
  throw Error("unknown retrieval mode '" + std::string(name) + "' (known: " + enum_names_list(rag_mode_names) + ")");
}

std::string_view rag_mode_name(RagMode mode) { return enum_name(rag_mode_names, mode, "bm25"); }

struct RagIndex::State {
  std::filesystem::path dir;
  RagOpenOptions options;
  nlohmann::json manifest;
  int64_t passages = 0;
  std::unique_ptr<Bm25Searcher> bm25;
  std::unique_ptr<DenseGraph> graph;
  std::unique_ptr<Backend> embedder;  // an embedding backend (open_embedding_backend)
};

RagIndex::RagIndex(const std::filesystem::path& dir, const RagOpenOptions& options)
    : state_(std::make_unique<State>()) {
  state_->dir = dir;
  state_->options = options;
  state_->manifest = rag_manifest_read(dir);
  state_->passages = state_->manifest["passages"].get<int64_t>();
  state_->bm25 = std::make_unique<Bm25Searcher>(dir / kRagBm25Folder);
  if (state_->bm25->passages() != state_->passages) {
    throw_input_error(dir, 0, "",
                      "damaged or mixed index: manifest.json says " + std::to_string(state_->passages) +
                          " passages, the BM25 index holds " + std::to_string(state_->bm25->passages()) +
                          "; build it again");
  }
}

RagIndex::~RagIndex() = default;

const std::filesystem::path& RagIndex::dir() const { return state_->dir; }
const nlohmann::json& RagIndex::manifest() const { return state_->manifest; }
int64_t RagIndex::passages() const { return state_->passages; }
bool RagIndex::has_dense() const { return state_->manifest.contains("dense") && state_->manifest["dense"].is_object(); }

void RagIndex::prepare(RagMode mode) {
  if (mode == RagMode::bm25 || state_->graph) return;
  if (!has_dense()) {
    throw_input_error(state_->dir, 0, "",
                      "has no dense vectors, so --rag-mode " + std::string(rag_mode_name(mode)) +
                          " cannot be served: build the index with --embed-model gguf:PATH, or use bm25");
  }
  const nlohmann::json& dense = state_->manifest["dense"];
  const nlohmann::json& model = dense["model"];
  std::string spec = state_->options.embed_model.empty() ? ModelSpec{"gguf", model.value("path", ""), {}}.format()
                                                         : state_->options.embed_model;
  std::optional<ModelSpec> parsed = model_spec_try_parse(spec);
  std::filesystem::path model_path = parsed && parsed->scheme == "gguf" ? parsed->target : spec;
  std::error_code ec;
  if (!std::filesystem::exists(model_path, ec)) {
    throw_input_error(model_path, 0, "",
                      "the embedding model the index was built with is not here (moved? give its new place with "
                      "--rag-embed-model gguf:PATH)");
  }
  // Same bytes or refuse: another model's query vectors would be compared with these passages.
  std::string fingerprint = file_fingerprint(model_path);
  if (fingerprint != model.value("fingerprint", "")) {
    throw_input_error(model_path, 0, "",
                      "is not the embedding model the index " + state_->dir.string() + " was built with (SHA-256 " +
                          fingerprint.substr(0, 12) + "..., the manifest says " +
                          model.value("fingerprint", "").substr(0, 12) + "...): build the index again with this model");
  }
  EmbeddingOptions embedder_options;
  embedder_options.threads = state_->options.threads;
  embedder_options.gpu_layers = state_->options.gpu_layers;
  state_->embedder = open_embedding_backend(spec, embedder_options);
  int32_t dimension = dense.value("dimension", 0);
  if (dense_dimension(*state_->embedder) != dimension) {
    throw_input_error(model_path, 0, "", "gives vectors of " + std::to_string(dense_dimension(*state_->embedder)) +
                                             " dimensions, the index holds " + std::to_string(dimension));
  }
  DenseGraphSettings settings;
  settings.ef_search = dense["hnsw"].value("ef_search", settings.ef_search);
  state_->graph = std::make_unique<DenseGraph>(state_->dir / kRagDenseFile, dimension, state_->passages, settings);
}

namespace {

// Sum over the rankings of 1 / (kRagFusionK + rank), rank counted from 1; best first, equal
// sums in index order.
std::vector<RagHit> fuse(const std::vector<RagHit>& first, const std::vector<RagHit>& second, int32_t k) {
  std::map<int64_t, RagHit> fused;
  for (const std::vector<RagHit>* ranking : {&first, &second}) {
    for (size_t r = 0; r < ranking->size(); ++r) {
      const RagHit& hit = (*ranking)[r];
      auto [slot, fresh] = fused.try_emplace(hit.passage, hit);
      if (fresh) slot->second.score = 0;
      slot->second.score += 1.0 / double(kRagFusionK + int64_t(r) + 1);
    }
  }
  std::vector<RagHit> hits;
  for (auto& [passage, hit] : fused) hits.push_back(hit);
  std::stable_sort(hits.begin(), hits.end(), [](const RagHit& a, const RagHit& b) { return a.score > b.score; });
  if (hits.size() > size_t(k)) hits.resize(size_t(k));
  return hits;
}

}  // namespace

std::vector<std::vector<RagHit>> RagIndex::search(std::span<const std::string> queries, RagMode mode, int32_t k,
                                                  const ProgressCallback& progress) {
  if (k < 1) throw Error("retrieval needs k >= 1, not " + std::to_string(k));
  prepare(mode);
  std::vector<std::vector<RagHit>> results(queries.size());
  const int32_t depth = mode == RagMode::hybrid ? std::max(k, kRagFusionDepth) : k;
  std::vector<float> query_vectors;
  int32_t dimension = 0;
  if (mode != RagMode::bm25) {
    int64_t truncated = 0;  // a query longer than the model reads is cut; its start decides
    query_vectors = dense_embed(*state_->embedder, state_->options.embed, queries, truncated);
    dimension = dense_dimension(*state_->embedder);
  }
  for (size_t q = 0; q < queries.size(); ++q) {
    std::vector<RagHit> lexical;
    std::vector<RagHit> semantic;
    if (mode != RagMode::dense) lexical = state_->bm25->search(queries[q], depth);
    if (mode != RagMode::bm25) {
      std::span<const float> vector(query_vectors.data() + q * size_t(dimension), size_t(dimension));
      semantic = state_->graph->search(vector, depth);
      for (RagHit& hit : semantic) state_->bm25->identify(hit);
    }
    results[q] = mode == RagMode::bm25    ? std::move(lexical)
                 : mode == RagMode::dense ? std::move(semantic)
                                          : fuse(lexical, semantic, k);
    if (progress) progress(int64_t(q + 1), int64_t(queries.size()));
  }
  return results;
}

RagPassage RagIndex::passage(int64_t ordinal) const { return state_->bm25->passage(ordinal); }

}  // namespace clinbench
