// Building an index: read and chunk the corpus, write the BM25 index and (with a model) the dense
// vectors into a temporary folder, the manifest last, then rename the folder into place.
#include <chrono>
#include <ctime>
#include <unordered_map>

#include "clinbench/rag.h"
#include "rag/bm25_index.h"
#include "rag/dense_index.h"
#include "rag/index_layout.h"

namespace clinbench {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// What the embedding model reads for a passage: its title line, then its text.
std::string dense_text(const RagPassage& passage) {
  return passage.title.empty() ? passage.text : passage.title + "\n" + passage.text;
}

// Removes the temporary folder unless the build got as far as publishing it.
struct TemporaryFolder {
  std::filesystem::path path;
  bool published = false;
  ~TemporaryFolder() {
    std::error_code ec;
    if (!published && !path.empty()) std::filesystem::remove_all(path, ec);
  }
};

// The existing folder --overwrite may replace: only an index (never someone's other folder).
void check_replaceable(const std::filesystem::path& out_dir, bool overwrite) {
  std::error_code ec;
  if (!std::filesystem::exists(out_dir, ec)) return;
  if (!overwrite) throw_input_error(out_dir, 0, "", "already exists (give --overwrite to replace the index there)");
  if (!std::filesystem::is_directory(out_dir, ec) || !std::filesystem::exists(out_dir / kRagManifestFile, ec)) {
    throw_input_error(out_dir, 0, "",
                      "exists and is not a retrieval index (no manifest.json): --overwrite replaces only an index; "
                      "choose another --out");
  }
}

}  // namespace

RagBuildResult rag_index_build(const RagBuildOptions& options, const std::filesystem::path& out_dir,
                               const RagBuildProgress& progress) {
  const auto start = std::chrono::steady_clock::now();
  check_replaceable(out_dir, options.overwrite);
  rag_chunking_check(options.chunking);
  std::vector<RagDocument> documents = rag_corpus_read(options.corpus);
  std::string corpus_sha256 = sha256_file_hex(options.corpus.path);

  // The model loads before anything is written: a bad file fails at once.
  std::unique_ptr<Backend> embedder;
  if (!options.embed_model.empty()) {
    EmbeddingOptions embedder_options;
    embedder_options.threads = options.threads;
    embedder_options.gpu_layers = options.gpu_layers;
    embedder = open_embedding_backend(options.embed_model, embedder_options);
  }

  RagWordTokenCounter count_tokens;
  std::unordered_map<std::string, int32_t> word_tokens;  // words repeat: tokenise each once
  if (embedder && options.chunking.tokens > 0) {
    count_tokens = [&](std::string_view word) {
      auto [slot, fresh] = word_tokens.try_emplace(std::string(word), 0);
      if (fresh) slot->second = std::max(embedder->count_tokens(slot->first), 1);
      return slot->second;
    };
  }
  std::vector<RagPassage> passages;
  for (const RagDocument& document : documents) {
    std::vector<RagPassage> pieces = rag_chunk_document(document, options.chunking, count_tokens);
    for (RagPassage& piece : pieces) passages.push_back(std::move(piece));
  }
  const int64_t total = int64_t(passages.size());

  rag_remove_stale_temporary_dirs(out_dir);
  TemporaryFolder temporary{rag_temporary_dir(out_dir)};
  RagBuildResult result;

  auto bm25_start = std::chrono::steady_clock::now();
  Bm25Writer writer(temporary.path / kRagBm25Folder);
  for (int64_t i = 0; i < total; ++i) {
    writer.add(passages[size_t(i)]);
    if (progress && (i % 256 == 255 || i + 1 == total)) progress("bm25", i + 1, total);
  }
  writer.finish();
  result.seconds_bm25 = seconds_since(bm25_start);

  nlohmann::json dense = nullptr;
  if (embedder) {
    auto dense_start = std::chrono::steady_clock::now();
    std::vector<std::string> texts;
    texts.reserve(passages.size());
    for (const RagPassage& passage : passages) texts.push_back(dense_text(passage));
    int64_t truncated = 0;
    std::vector<float> vectors = dense_embed(*embedder, options.embed, texts, truncated, [&](int64_t done, int64_t all) {
      if (progress) progress("embedding", done, all);
    });
    const ModelInfo& info = embedder->info();
    const nlohmann::json& model = info.details;
    const int32_t dimension = dense_dimension(*embedder);
    DenseGraphSettings graph;
    dense_graph_write(temporary.path / kRagDenseFile, vectors, dimension, graph, [&](int64_t done, int64_t all) {
      if (progress) progress("hnsw", done, all);
    });
    result.seconds_dense = seconds_since(dense_start);
    dense = {{"model", {{"spec", info.spec}, {"path", model["path"]}, {"fingerprint", model["sha256"]},
                        {"architecture", model["architecture"]}, {"name", model["name"]},
                        {"layers", model["model_layers"]}, {"max_text_tokens", model["max_text_tokens"]}}},
             {"dimension", dimension},
             {"pooling", "mean over all token vectors ([CLS] and [SEP] included), L2-normalised"},
             {"passage_text", "title line (when there is one), then the text"},
             {"truncated_passages", truncated},
             {"hnsw", {{"library", "hnswlib"}, {"space", "inner product"}, {"M", graph.m},
                       {"ef_construction", graph.ef_construction}, {"ef_search", graph.ef_search},
                       {"seed", graph.seed}}}};
  }

  const bool by_model = embedder && options.chunking.tokens > 0;
  result.manifest = {
      {"format", kRagManifestKind},
      {"format_version", kRagIndexFormatVersion},
      {"clinbench_version", CLINBENCH_VERSION},
      {"created_at", utc_timestamp()},
      {"corpus", {{"path", std::filesystem::absolute(options.corpus.path).lexically_normal().string()},
                  {"sha256", corpus_sha256},
                  {"format", std::string(dataset_format_name(options.corpus.format))},
                  {"documents", int64_t(documents.size())}}},
      {"fields", {{"id", options.corpus.id_field.empty() ? nlohmann::json("(record key)") : nlohmann::json(options.corpus.id_field)},
                  {"text", options.corpus.text_field},
                  {"title", options.corpus.title_field.empty() ? nlohmann::json(nullptr) : nlohmann::json(options.corpus.title_field)}}},
      {"chunking", {{"tokens", options.chunking.tokens},
                    {"overlap", options.chunking.overlap},
                    {"tokenizer", options.chunking.tokens == 0 ? "none (whole documents)"
                                  : by_model ? "the embedding model's word pieces"
                                             : "whitespace words"}}},
      {"passages", total},
      {"bm25", {{"folder", kRagBm25Folder}, {"weighting", bm25_description()}}},
      {"dense", dense}};
  result.seconds_total = seconds_since(start);
  result.manifest["build_seconds"] = {{"total", result.seconds_total}, {"bm25", result.seconds_bm25},
                                      {"dense", result.seconds_dense}};
  write_file_atomic(temporary.path / kRagManifestFile, result.manifest.dump(2) + "\n");
  rag_publish(temporary.path, out_dir, options.overwrite);
  temporary.published = true;
  return result;
}

}  // namespace clinbench
