// BM25 rankings on a small corpus, against Xapian's published BM25 formula (xapian-core 1.4,
// weight/bm25weight.cc) worked out by hand with its defaults k1 = 1, k2 = 0, k3 = 1, b = 0.5,
// min_normlen = 0.5:
//   idf  = (N - n + 0.5) / (n + 0.5), raised to idf / 2 + 1 when below 2 (Xapian's guard
//          against negative weights), then log
//   term = log(idf) * (k3 + 1) * wqf / (k3 + wqf) * (k1 + 1)
//   part = term * wdf / (k1 * (max(len / avglen, min_normlen) * b + 1 - b) + wdf)
// summed over the query's words. N documents, n of them holding the word, wdf its count in the
// document, wqf in the query, len the document's word count.
#include <gtest/gtest.h>

#include <cmath>

#include "clinbench/rag.h"
#include "rag_fixtures.h"
#include "test_support.h"

namespace clinbench {
namespace {

double bm25_part(double documents, double holding, double wdf, double length, double average_length,
                 double wqf = 1) {
  double idf = (documents - holding + 0.5) / (holding + 0.5);
  if (idf < 2) idf = idf * 0.5 + 1;
  double term = std::log(idf) * (1 + 1) * wqf / (1 + wqf) * (1 + 1);
  double normlen = std::max(length / average_length, 0.5);
  return term * wdf / (1 * (normlen * 0.5 + 1 - 0.5) + wdf);
}

class Bm25Ranking : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::filesystem::path dir = testing::work_dir("rag_bm25");
    std::filesystem::path corpus = testing::write_corpus(dir / "corpus.jsonl", testing::clinical_fixture());
    rag_index_build(testing::fixture_build_options(corpus), dir / "index");
    index_ = new RagIndex(dir / "index");
  }
  static void TearDownTestSuite() { delete index_; }

  static std::vector<RagHit> search(const std::string& query, int32_t k = 10) {
    std::vector<std::string> queries = {query};
    return index_->search(queries, RagMode::bm25, k)[0];
  }
  static std::vector<std::string> ids(const std::vector<RagHit>& hits) {
    std::vector<std::string> out;
    for (const RagHit& hit : hits) out.push_back(hit.document_id);
    return out;
  }

  static RagIndex* index_;
  static constexpr double kAverageLength = (5 + 3 + 9 + 6) / 4.0;  // 5.75 words
};

RagIndex* Bm25Ranking::index_ = nullptr;

TEST_F(Bm25Ranking, OneWordFavoursTheShortDocumentThatRepeatsIt) {
  // "heart": n = 2 of N = 4, idf 2.5 / 2.5 = 1 -> 1.5, term = 2 ln 1.5 = 0.81093.
  // d1 (3 words, wdf 2): normlen 0.52174, 0.81093 * 2 / (0.76087 + 2) = 0.58745
  // d0 (5 words, wdf 1): normlen 0.86957, 0.81093 * 1 / (0.93478 + 1) = 0.41913
  std::vector<RagHit> hits = search("heart");
  ASSERT_EQ(ids(hits), (std::vector<std::string>{"d1", "d0"}));
  EXPECT_NEAR(hits[0].score, 0.587445, 1e-6);
  EXPECT_NEAR(hits[1].score, 0.419132, 1e-6);
  EXPECT_NEAR(hits[0].score, bm25_part(4, 2, 2, 3, kAverageLength), 1e-9);
  EXPECT_NEAR(hits[1].score, bm25_part(4, 2, 1, 5, kAverageLength), 1e-9);
}

TEST_F(Bm25Ranking, TwoWordsAddUpAndRarerWordsWeighMore) {
  // "chest" (n = 2) weighs 0.81093 per unit, "pain" (n = 3: idf 3/7 -> 1.21429) 0.38831.
  // d0 both (5 words): 0.419132 + 0.200701 = 0.619833; d2 both (9 words, longer): 0.355264 +
  // 0.170118 = 0.525382; d3 pain only (6 words): 0.192068; d1 neither.
  std::vector<RagHit> hits = search("chest pain");
  ASSERT_EQ(ids(hits), (std::vector<std::string>{"d0", "d2", "d3"}));
  EXPECT_NEAR(hits[0].score, 0.619833, 1e-6);
  EXPECT_NEAR(hits[1].score, 0.525382, 1e-6);
  EXPECT_NEAR(hits[2].score, 0.192068, 1e-6);
  EXPECT_NEAR(hits[1].score, bm25_part(4, 2, 1, 9, kAverageLength) + bm25_part(4, 3, 1, 9, kAverageLength), 1e-9);
  EXPECT_EQ(hits[0].chunk, 0);
  EXPECT_EQ(index_->passage(hits[0].passage).text, "heart attack symptoms chest pain");
}

TEST_F(Bm25Ranking, AWordRepeatedInTheQueryCountsThroughK3) {
  // wqf 2: term * (k3 + 1) * 2 / (k3 + 2) = 4/3 of the single word's weight.
  std::vector<RagHit> hits = search("heart heart");
  ASSERT_EQ(ids(hits), (std::vector<std::string>{"d1", "d0"}));
  EXPECT_NEAR(hits[0].score, 0.587445 * 4 / 3, 1e-6);
  EXPECT_NEAR(hits[0].score, bm25_part(4, 2, 2, 3, kAverageLength, 2), 1e-9);
}

TEST_F(Bm25Ranking, WordsMatchTheirStemAndCase) {
  // "Pains" and "PAIN" stem to "pain": the same ranking as "pain" alone.
  EXPECT_EQ(ids(search("Pains")), (std::vector<std::string>{"d0", "d3", "d2"}));
  EXPECT_EQ(ids(search("PAIN")), ids(search("pain")));
}

TEST_F(Bm25Ranking, KLimitsTheHitsBestFirst) {
  EXPECT_EQ(ids(search("chest pain", 2)), (std::vector<std::string>{"d0", "d2"}));
  EXPECT_EQ(ids(search("chest pain", 1)), (std::vector<std::string>{"d0"}));
}

TEST_F(Bm25Ranking, AQueryWithNoIndexedWordFindsNothingWithoutError) {
  EXPECT_TRUE(search("zebra giraffe").empty());
  EXPECT_TRUE(search("").empty());
  EXPECT_TRUE(search("  ?! ... ").empty());
  std::vector<std::string> queries = {"zebra", "heart", ""};
  std::vector<std::vector<RagHit>> hits = index_->search(queries, RagMode::bm25, 3);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_TRUE(hits[0].empty());
  EXPECT_EQ(hits[1].size(), 2u);
  EXPECT_TRUE(hits[2].empty());
}

TEST_F(Bm25Ranking, EqualScoresKeepIndexOrder) {
  std::filesystem::path dir = testing::work_dir("rag_bm25_ties");
  std::filesystem::path corpus = testing::write_corpus(
      dir / "corpus.jsonl", {{"b", "fever cough", ""}, {"a", "cough fever", ""}, {"c", "rash", ""}});
  rag_index_build(testing::fixture_build_options(corpus), dir / "index");
  RagIndex index(dir / "index");
  std::vector<std::string> queries = {"cough"};
  std::vector<RagHit> hits = index.search(queries, RagMode::bm25, 5)[0];
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].document_id, "b");  // first in the corpus
  EXPECT_EQ(hits[1].document_id, "a");
  EXPECT_DOUBLE_EQ(hits[0].score, hits[1].score);
}

TEST_F(Bm25Ranking, TitlesAreSearchedAndCountInTheLength) {
  std::filesystem::path dir = testing::work_dir("rag_bm25_titles");
  std::filesystem::path corpus = testing::write_corpus(
      dir / "corpus.jsonl", {{"t", "treated with rest", "Gout"}, {"u", "uric acid crystals in joints", ""}});
  RagBuildOptions options = testing::fixture_build_options(corpus);
  options.corpus.title_field = "heading";
  rag_index_build(options, dir / "index");
  RagIndex index(dir / "index");
  std::vector<std::string> queries = {"gout"};
  std::vector<RagHit> hits = index.search(queries, RagMode::bm25, 5)[0];
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].document_id, "t");
  // N = 2, n = 1: idf 1.5 / 1.5 = 1 -> 1.5; t has 4 words (title + text), average (4 + 5) / 2.
  EXPECT_NEAR(hits[0].score, bm25_part(2, 1, 1, 4, 4.5), 1e-9);
  EXPECT_EQ(index.passage(hits[0].passage).title, "Gout");
}

}  // namespace
}  // namespace clinbench
