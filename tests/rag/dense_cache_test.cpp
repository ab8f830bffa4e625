// Dense retrieval's embeddings go through the scheduler and the response cache like every other
// request: passages of `index build` (identical texts embedded once, vectors read back from a
// cache give the same index byte for byte) and the queries of a run (a rerun reads them all from
// the cache, identical queries are embedded once, --no-cache still deduplicates). On a generated
// BERT-architecture GGUF and a tiny generated llama model; a real SQLite cache.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "clinbench/engine.h"
#include "clinbench/rag.h"
#include "clinbench/run.h"
#include "rag_fixtures.h"
#include "test_support.h"

namespace clinbench {
namespace {

using ::testing::Contains;

// Two documents say the same thing word for word (no titles): their passages are one text.
const std::vector<testing::FixtureDocument>& corpus_with_repeats() {
  static const std::vector<testing::FixtureDocument> documents = {
      {"gout", "Gout is an inflammatory arthritis caused by uric acid crystals in the joints.", ""},
      {"angina", "Angina is chest pain from reduced blood flow to the heart muscle.", ""},
      {"angina-copy", "Angina is chest pain from reduced blood flow to the heart muscle.", ""},
      {"stones", "Kidney stones cause severe flank pain that comes in waves.", ""},
      {"asthma", "Asthma narrows the airways; salbutamol relieves an attack.", ""},
  };
  return documents;
}

// The first and third items ask the same question: one query, embedded once.
const char kTask[] = R"(name: mc_dense
dataset: {path: qa.jsonl}
mapping: {question: question, options: options, answer: answer}
prompt:
  user: "Question: {question}\n{options}\nAnswer:"
metrics: [acc]
)";

const char kItems[] =
    R"({"question": "What causes chest pain during exercise?", "options": {"A": "angina", "B": "gout"}, "answer": "A"}
{"question": "Which stones cause flank pain?", "options": {"A": "kidney stones", "B": "gallstones"}, "answer": "A"}
{"question": "What causes chest pain during exercise?", "options": {"A": "angina", "B": "asthma"}, "answer": "A"}
{"question": "What relieves an asthma attack?", "options": {"A": "salbutamol", "B": "colchicine"}, "answer": "A"}
)";

class NotesObserver : public RunObserver {
 public:
  void note(const std::string& message) override { notes.push_back(message); }
  std::vector<std::string> notes;
};

// The embedding entries the cache holds for a task, and the model fingerprints they are under.
int64_t embedding_entries(const std::filesystem::path& cache_file, const std::string& task,
                          std::set<std::string>* fingerprints = nullptr) {
  ResponseCache cache(cache_file, CacheOpenMode::must_exist);
  int64_t count = 0;
  for (const CacheGroupCount& group : cache.stats().groups) {
    if (group.task != task) continue;
    count += group.embedding;
    if (fingerprints && group.embedding > 0) fingerprints->insert(group.model_fingerprint);
  }
  return count;
}

// manifest.json without what differs between two builds of the same corpus: when, how long.
nlohmann::json manifest_without_times(const std::filesystem::path& index) {
  nlohmann::json manifest = nlohmann::json::parse(read_file(index / "manifest.json"));
  manifest.erase("created_at");
  manifest.erase("build_seconds");
  return manifest;
}

class DenseCache : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(testing::work_dir("rag_dense_cache"));
    model_ = new std::filesystem::path(*dir_ / "encoder.gguf");
    std::filesystem::copy_file(testing::tiny_bert_model(), *model_);
    corpus_ = new std::filesystem::path(testing::write_corpus(*dir_ / "corpus.jsonl", corpus_with_repeats()));
    std::filesystem::create_directories(*dir_ / "data");
    write_file_atomic(*dir_ / "data" / "qa.jsonl", kItems);
    write_file_atomic(*dir_ / "mc_dense.yaml", kTask);
  }
  static void TearDownTestSuite() {
    delete corpus_;
    delete model_;
    delete dir_;
  }

  static RagBuildOptions build_options() {
    RagBuildOptions options = testing::fixture_build_options(*corpus_);
    options.embed_model = "gguf:" + model_->string();
    options.threads = 2;
    return options;
  }

  // The index every run below searches, built on the default route (embed_all, no cache).
  static std::filesystem::path plain_index() {
    std::filesystem::path index = *dir_ / "index_plain";
    if (!std::filesystem::exists(index)) rag_index_build(build_options(), index);
    return index;
  }

  static RunSettings run_settings(const std::string& output) {
    RunSettings settings;
    settings.model_spec = "gguf:" + testing::tiny_model("llama-spm", "mistral").string();
    settings.tasks = {(*dir_ / "mc_dense.yaml").string()};
    settings.data_dir = *dir_ / "data";
    settings.output_dir = *dir_ / output;
    settings.bootstrap_resamples = 100;
    settings.cache = *dir_ / "runs.sqlite";
    settings.backend.threads = 2;
    settings.rag_index = plain_index();
    settings.rag_mode = "hybrid";
    settings.rag_k = 3;
    return settings;
  }

  static std::vector<nlohmann::json> retrieved(const std::string& output) {
    std::vector<nlohmann::json> passages;
    for (const nlohmann::json& sample : testing::read_jsonl(*dir_ / output / "samples" / "mc_dense.jsonl")) {
      passages.push_back(sample.at("retrieved"));
    }
    return passages;
  }

  static std::filesystem::path* dir_;
  static std::filesystem::path* model_;
  static std::filesystem::path* corpus_;
};

std::filesystem::path* DenseCache::dir_ = nullptr;
std::filesystem::path* DenseCache::model_ = nullptr;
std::filesystem::path* DenseCache::corpus_ = nullptr;

TEST_F(DenseCache, IndexBuildEmbedsEachPassageTextOnceAndACachedBuildIsTheSameIndex) {
  std::filesystem::path plain = plain_index();

  std::filesystem::path cache_file = *dir_ / "build.sqlite";
  ResponseCache cache(cache_file);
  std::vector<std::string> asked;
  ScheduleCounts counts;
  RagBuildOptions options = build_options();
  options.embed = [&](Backend& embedder, std::span<const EmbeddingRequest> requests, const ProgressCallback& progress) {
    for (const EmbeddingRequest& request : requests) asked.push_back(request.text);
    EmbeddingResults results = schedule_embedding(embedder, &cache, "index:test", requests, progress);
    counts.computed += results.counts.computed;
    counts.from_cache += results.counts.from_cache;
    return results.responses;
  };
  nlohmann::json manifest = rag_index_build(options, *dir_ / "index_cached").manifest;
  // Five documents, one passage each, two of them the same text: four texts asked, each once.
  EXPECT_EQ(manifest["passages"], 5);
  EXPECT_EQ(asked.size(), 4u);
  EXPECT_EQ(std::set<std::string>(asked.begin(), asked.end()).size(), 4u);
  EXPECT_EQ(counts.computed, 4);
  EXPECT_EQ(counts.from_cache, 0);
  EXPECT_EQ(embedding_entries(cache_file, "index:test"), 4);

  // Built again from the cache alone: nothing embedded, the same vectors and graph.
  asked.clear();
  counts = {};
  rag_index_build(options, *dir_ / "index_from_cache");
  EXPECT_EQ(counts.computed, 0);
  EXPECT_EQ(counts.from_cache, 4);
  const std::string graph = read_file(plain / "dense.hnsw");
  EXPECT_EQ(read_file(*dir_ / "index_cached" / "dense.hnsw"), graph);
  EXPECT_EQ(read_file(*dir_ / "index_from_cache" / "dense.hnsw"), graph);
  EXPECT_EQ(manifest_without_times(*dir_ / "index_cached"), manifest_without_times(plain));
  EXPECT_EQ(manifest_without_times(*dir_ / "index_from_cache"), manifest_without_times(plain));

  // The two copies got the same vector: the copy's own text finds both with cosine 1.
  RagIndex index(plain, {"", 2, -1});
  std::vector<std::string> queries = {corpus_with_repeats()[1].text};
  std::vector<RagHit> hits = index.search(queries, RagMode::dense, 2)[0];
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(std::set<std::string>({hits[0].document_id, hits[1].document_id}),
            std::set<std::string>({"angina", "angina-copy"}));
  EXPECT_NEAR(hits[0].score, 1.0, 1e-4);
  EXPECT_DOUBLE_EQ(hits[0].score, hits[1].score);
}

TEST_F(DenseCache, ARerunReadsEveryQueryVectorFromTheCache) {
  const std::string note_first = "mc_dense retrieval: 4 queries, 3 embedded, 0 from the cache, 1 repeated";
  const std::string note_again = "mc_dense retrieval: 4 queries, 0 embedded, 3 from the cache, 1 repeated";
  NotesObserver first;
  run_pipeline(run_settings("first"), &first);
  EXPECT_THAT(first.notes, Contains(note_first));
  std::set<std::string> fingerprints;
  EXPECT_EQ(embedding_entries(*dir_ / "runs.sqlite", "rag:mc_dense", &fingerprints), 3);
  // Keyed by the embedding model (its SHA-256 and layer), not the evaluated one.
  ASSERT_EQ(fingerprints.size(), 1u);
  EXPECT_EQ(fingerprints.begin()->substr(0, 64), sha256_file_hex(*model_));

  NotesObserver again;
  run_pipeline(run_settings("again"), &again);
  EXPECT_THAT(again.notes, Contains(note_again));
  EXPECT_EQ(embedding_entries(*dir_ / "runs.sqlite", "rag:mc_dense"), 3);

  // The passages and scores of each item are those a search without any cache gives.
  std::vector<nlohmann::json> from_first = retrieved("first");
  EXPECT_EQ(retrieved("again"), from_first);
  ASSERT_EQ(from_first.size(), 4u);
  RagIndex index(plain_index(), {"", 2, -1});
  std::vector<std::string> queries = {"What causes chest pain during exercise?", "Which stones cause flank pain?",
                                      "What causes chest pain during exercise?", "What relieves an asthma attack?"};
  std::vector<std::vector<RagHit>> direct = index.search(queries, RagMode::hybrid, 3);
  for (size_t q = 0; q < queries.size(); ++q) {
    ASSERT_EQ(from_first[q].size(), direct[q].size()) << q;
    for (size_t h = 0; h < direct[q].size(); ++h) {
      EXPECT_EQ(from_first[q][h]["id"], direct[q][h].document_id) << q << " " << h;
      EXPECT_EQ(from_first[q][h]["chunk"], direct[q][h].chunk) << q << " " << h;
      EXPECT_DOUBLE_EQ(from_first[q][h]["score"].get<double>(), direct[q][h].score) << q << " " << h;
    }
  }
  EXPECT_EQ(from_first[0], from_first[2]);  // the repeated question

  // Without a cache the repeat is still embedded once, and nothing is stored anywhere.
  RunSettings uncached = run_settings("uncached");
  uncached.no_cache = true;
  NotesObserver none;
  run_pipeline(uncached, &none);
  EXPECT_THAT(none.notes, Contains(note_first));
  EXPECT_EQ(retrieved("uncached"), from_first);
  EXPECT_FALSE(std::filesystem::exists(*dir_ / "uncached" / "cache.sqlite"));
  EXPECT_EQ(embedding_entries(*dir_ / "runs.sqlite", "rag:mc_dense"), 3);
}

TEST_F(DenseCache, IndexBuildCacheOptionResumesFromStoredVectors) {
  const std::string common = "index build --corpus " + corpus_->string() +
                             " --id-field doc_id --text-field body --threads 2 --embed-model gguf:" + model_->string() +
                             " --cache " + (*dir_ / "cli.sqlite").string() + " --out ";
  testing::CommandOutcome built = testing::run_clinbench(common + (*dir_ / "cli_index").string());
  ASSERT_EQ(built.status, 0) << built.output;
  EXPECT_NE(built.output.find("passage vectors: 4 distinct texts, 4 embedded, 0 from the cache"), std::string::npos)
      << built.output;
  testing::CommandOutcome again = testing::run_clinbench(common + (*dir_ / "cli_index").string() + " --overwrite");
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_NE(again.output.find("passage vectors: 4 distinct texts, 0 embedded, 4 from the cache"), std::string::npos)
      << again.output;
  EXPECT_EQ(read_file(*dir_ / "cli_index" / "dense.hnsw"), read_file(plain_index() / "dense.hnsw"));
  EXPECT_EQ(embedding_entries(*dir_ / "cli.sqlite", "index:cli_index"), 4);

  testing::CommandOutcome stats = testing::run_clinbench("cache stats --cache " + (*dir_ / "cli.sqlite").string());
  ASSERT_EQ(stats.status, 0) << stats.output;
  EXPECT_NE(stats.output.find("loglikelihood  generation  embedding"), std::string::npos) << stats.output;
}

}  // namespace
}  // namespace clinbench
