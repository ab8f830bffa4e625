// Recall@k and MRR on rankings small enough to check by hand.
#include <gtest/gtest.h>

#include "clinbench/rag.h"

namespace clinbench {
namespace {

TEST(RagQuality, RecallAndReciprocalRanksByHand) {
  // Gold ranks: 1, 3, not found, 2 (the repeated "b" is one document: c is third).
  std::vector<std::vector<std::string>> ranked = {{"g", "x"}, {"a", "b", "b", "g"}, {"a", "b"}, {"a", "g", "c"}};
  std::vector<std::string> gold = {"g", "g", "g", "g"};
  RagQualityResult result = rag_quality(ranked, gold, {1, 2, 5}, 100);
  EXPECT_EQ(result.queries, 4);
  ASSERT_EQ(result.recall.size(), 3u);
  EXPECT_DOUBLE_EQ(result.recall[0], 1.0 / 4);  // rank 1 only
  EXPECT_DOUBLE_EQ(result.recall[1], 2.0 / 4);  // ranks 1 and 2
  EXPECT_DOUBLE_EQ(result.recall[2], 3.0 / 4);  // ranks 1, 3 and 2
  EXPECT_DOUBLE_EQ(result.mrr, (1.0 + 1.0 / 3 + 0 + 1.0 / 2) / 4);
}

TEST(RagQuality, DepthCutsTheReciprocalRank) {
  std::vector<std::vector<std::string>> ranked = {{"a", "b", "g"}};
  EXPECT_DOUBLE_EQ(rag_quality(ranked, {"g"}, {5}, 3).mrr, 1.0 / 3);
  RagQualityResult shallow = rag_quality(ranked, {"g"}, {5}, 2);
  EXPECT_DOUBLE_EQ(shallow.mrr, 0.0);
  EXPECT_DOUBLE_EQ(shallow.recall[0], 0.0);  // beyond the depth read, not found
}

TEST(RagQuality, BadArgumentsAreRefused) {
  EXPECT_THROW(rag_quality({{"a"}}, {}, {1}, 10), Error);
  EXPECT_THROW(rag_quality({{"a"}}, {"a"}, {}, 10), Error);
  EXPECT_THROW(rag_quality({{"a"}}, {"a"}, {0}, 10), Error);
  EXPECT_THROW(rag_quality({{"a"}}, {"a"}, {1}, 0), Error);
  RagQualityResult none = rag_quality({}, {}, {1}, 10);
  EXPECT_EQ(none.queries, 0);
  EXPECT_DOUBLE_EQ(none.mrr, 0.0);
}

}  // namespace
}  // namespace clinbench
