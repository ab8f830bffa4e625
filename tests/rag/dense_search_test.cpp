// Dense and hybrid retrieval on a generated BERT-architecture GGUF (random weights, the real
// WordPiece vocab). Its vectors mean nothing, so the checks are ones that hold for any encoder:
// a passage's own text finds it with cosine 1; scores are the cosines of mean-pooled, normalised
// token vectors computed here from the embedder itself; hybrid scores are the reciprocal rank
// fusion of the two rankings, recomputed here from them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "backends/llama/token_embedder.h"
#include "clinbench/rag.h"
#include "rag_fixtures.h"
#include "test_support.h"

namespace clinbench {
namespace {

using ::testing::HasSubstr;

const std::vector<testing::FixtureDocument>& corpus_documents() {
  static const std::vector<testing::FixtureDocument> documents = {
      {"gout", "Gout is an inflammatory arthritis caused by uric acid crystals in the joints. Flares are treated "
               "with colchicine, NSAIDs or corticosteroids.", "Gout"},
      {"angina", "Angina is chest pain from reduced blood flow to the heart muscle, often brought on by exercise.", ""},
      {"asthma", "Asthma narrows the airways; inhaled corticosteroids prevent attacks and salbutamol relieves them.", "Asthma"},
      {"stones", "Kidney stones cause severe flank pain that comes in waves and may spread to the groin.", ""},
      {"anemia", "Iron deficiency anemia causes tiredness and pale skin; ferritin is low.", "Anemia"},
  };
  return documents;
}

std::vector<float> mean_normalised(const TokenEmbeddings& embedded) {
  std::vector<double> mean(size_t(embedded.dimension), 0.0);
  for (size_t row = 0; row < embedded.tokens.size(); ++row) {
    for (size_t d = 0; d < mean.size(); ++d) mean[d] += embedded.vectors[row * mean.size() + d];
  }
  double norm = 0;
  for (double value : mean) norm += value * value;
  std::vector<float> out;
  for (double value : mean) out.push_back(float(value / std::sqrt(norm)));
  return out;
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += double(a[i]) * double(b[i]);
  return sum;
}

class DenseSearch : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(testing::work_dir("rag_dense"));
    model_ = new std::filesystem::path(*dir_ / "encoder.gguf");
    std::filesystem::copy_file(testing::tiny_bert_model(), *model_);
    std::filesystem::path corpus = testing::write_corpus(*dir_ / "corpus.jsonl", corpus_documents());
    RagBuildOptions options = testing::fixture_build_options(corpus);
    options.corpus.title_field = "heading";
    options.embed_model = "gguf:" + model_->string();
    options.threads = 2;
    options.chunking = {12, 3};
    manifest_ = new nlohmann::json(rag_index_build(options, *dir_ / "index").manifest);
    index_ = new RagIndex(*dir_ / "index", {"", 2, -1});
  }
  static void TearDownTestSuite() {
    delete index_;
    delete manifest_;
    delete model_;
    delete dir_;
  }

  static std::vector<RagHit> search(const std::string& query, RagMode mode, int32_t k) {
    std::vector<std::string> queries = {query};
    return index_->search(queries, mode, k)[0];
  }

  static std::filesystem::path* dir_;
  static std::filesystem::path* model_;
  static nlohmann::json* manifest_;
  static RagIndex* index_;
};

std::filesystem::path* DenseSearch::dir_ = nullptr;
std::filesystem::path* DenseSearch::model_ = nullptr;
nlohmann::json* DenseSearch::manifest_ = nullptr;
RagIndex* DenseSearch::index_ = nullptr;

TEST_F(DenseSearch, TheManifestDescribesTheVectors) {
  const nlohmann::json& dense = (*manifest_)["dense"];
  ASSERT_TRUE(dense.is_object());
  EXPECT_EQ(dense["dimension"], 64);
  EXPECT_EQ(dense["model"]["architecture"], "bert");
  EXPECT_EQ(dense["model"]["fingerprint"], sha256_file_hex(*model_));
  EXPECT_EQ(dense["truncated_passages"], 0);
  EXPECT_EQ((*manifest_)["chunking"]["tokenizer"], "the embedding model's word pieces");
  EXPECT_TRUE(index_->has_dense());
  EXPECT_TRUE(std::filesystem::exists(*dir_ / "index" / "dense.hnsw"));
}

TEST_F(DenseSearch, PassagesHoldAtMostTheChunkSizeInWordPieces) {
  TokenEmbedderOptions options;
  options.threads = 2;
  auto embedder = open_token_embedder("gguf:" + model_->string(), options);
  EXPECT_GT(index_->passages(), int64_t(corpus_documents().size()));  // the longer ones were cut
  for (int64_t p = 0; p < index_->passages(); ++p) {
    RagPassage passage = index_->passage(p);
    EXPECT_LE(embedder->count_tokens(passage.text), 12) << passage.text;
  }
}

TEST_F(DenseSearch, APassagesOwnTextFindsItWithCosineOne) {
  for (int64_t p : {int64_t(0), index_->passages() - 1}) {
    RagPassage passage = index_->passage(p);
    // The text the passage was embedded from: title line, then text.
    std::string own = passage.title.empty() ? passage.text : passage.title + "\n" + passage.text;
    std::vector<RagHit> hits = search(own, RagMode::dense, 3);
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0].passage, p);
    EXPECT_EQ(hits[0].document_id, passage.document_id);
    EXPECT_EQ(hits[0].chunk, passage.chunk);
    EXPECT_NEAR(hits[0].score, 1.0, 1e-4);
  }
}

TEST_F(DenseSearch, ScoresAreCosinesOfMeanPooledVectors) {
  TokenEmbedderOptions options;
  options.threads = 2;
  auto embedder = open_token_embedder("gguf:" + model_->string(), options);
  const std::string query = "What relieves an asthma attack?";
  std::vector<RagHit> hits = search(query, RagMode::dense, 100);
  ASSERT_EQ(int64_t(hits.size()), index_->passages());  // k above the count: every passage
  std::vector<std::string> texts = {query};
  for (const RagHit& hit : hits) {
    RagPassage passage = index_->passage(hit.passage);
    texts.push_back(passage.title.empty() ? passage.text : passage.title + "\n" + passage.text);
  }
  std::vector<TokenEmbeddings> embedded = embedder->embed(texts);
  std::vector<float> query_vector = mean_normalised(embedded[0]);
  for (size_t h = 0; h < hits.size(); ++h) {
    EXPECT_NEAR(hits[h].score, dot(query_vector, mean_normalised(embedded[h + 1])), 1e-4) << h;
    if (h > 0) {
      EXPECT_GE(hits[h - 1].score, hits[h].score);
    }
  }
}

TEST_F(DenseSearch, HybridIsReciprocalRankFusionOfBothRankings) {
  const std::string query = "chest pain during exercise";
  std::vector<RagHit> lexical = search(query, RagMode::bm25, kRagFusionDepth);
  std::vector<RagHit> semantic = search(query, RagMode::dense, kRagFusionDepth);
  std::map<int64_t, double> expected;
  for (size_t r = 0; r < lexical.size(); ++r) expected[lexical[r].passage] += 1.0 / (60.0 + double(r + 1));
  for (size_t r = 0; r < semantic.size(); ++r) expected[semantic[r].passage] += 1.0 / (60.0 + double(r + 1));
  std::vector<RagHit> fused = search(query, RagMode::hybrid, 4);
  ASSERT_EQ(fused.size(), 4u);
  for (size_t h = 0; h < fused.size(); ++h) {
    EXPECT_NEAR(fused[h].score, expected[fused[h].passage], 1e-12);
    if (h > 0) {
      EXPECT_GE(fused[h - 1].score, fused[h].score);
    }
  }
  // Nothing outside the four fused hits scores higher than the fourth.
  for (const auto& [passage, score] : expected) {
    bool taken = false;
    for (const RagHit& hit : fused) taken = taken || hit.passage == passage;
    if (!taken) {
      EXPECT_LE(score, fused.back().score);
    }
  }
  // The passage first in both rankings is first here: 2 / 61.
  if (lexical[0].passage == semantic[0].passage) {
    EXPECT_NEAR(fused[0].score, 2.0 / 61.0, 1e-12);
  }
}

TEST_F(DenseSearch, AnotherModelIsRefusedAndAMovedOneAccepted) {
  std::filesystem::path moved = *dir_ / "moved.gguf";
  std::filesystem::copy_file(*model_, moved, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::path index_dir = *dir_ / "index";
  RagIndex via_moved(index_dir, {"gguf:" + moved.string(), 2, -1});
  std::vector<std::string> queries = {"gout flares"};
  EXPECT_EQ(via_moved.search(queries, RagMode::dense, 2)[0].size(), 2u);

  testing::TinyModelShape other;
  other.seed = 7;
  RagIndex via_other(index_dir, {"gguf:" + testing::tiny_bert_model(other).string(), 2, -1});
  try {
    via_other.prepare(RagMode::hybrid);
    ADD_FAILURE() << "a different model was accepted";
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("is not the embedding model the index"));
  }
  EXPECT_NO_THROW(via_other.prepare(RagMode::bm25));  // BM25 needs no model
}

}  // namespace
}  // namespace clinbench
