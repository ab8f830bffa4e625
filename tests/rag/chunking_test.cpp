// Passages of whole words, sized in tokens, with overlap: worked out by hand.
#include <gtest/gtest.h>

#include "clinbench/rag.h"

namespace clinbench {
namespace {

std::vector<std::string> texts(const std::vector<RagPassage>& passages) {
  std::vector<std::string> out;
  for (const RagPassage& passage : passages) out.push_back(passage.text);
  return out;
}

const RagDocument kDocument{"doc", "Title", "one two  three\nfour five six seven"};

TEST(RagChunking, ZeroTokensKeepsTheWholeDocument) {
  std::vector<RagPassage> passages = rag_chunk_document(kDocument, {0, 0});
  ASSERT_EQ(passages.size(), 1u);
  EXPECT_EQ(passages[0].text, kDocument.text);
  EXPECT_EQ(passages[0].document_id, "doc");
  EXPECT_EQ(passages[0].title, "Title");
  EXPECT_EQ(passages[0].chunk, 0);
}

TEST(RagChunking, PassagesAreExactSubstringsOfWholeWords) {
  // 7 words, 3 a passage, no overlap: [one two three] [four five six] [seven].
  std::vector<RagPassage> passages = rag_chunk_document(kDocument, {3, 0});
  EXPECT_EQ(texts(passages), (std::vector<std::string>{"one two  three", "four five six", "seven"}));
  for (size_t i = 0; i < passages.size(); ++i) {
    EXPECT_EQ(passages[i].chunk, int32_t(i));
    EXPECT_EQ(passages[i].title, "Title");
  }
}

TEST(RagChunking, OverlapRepeatsTheEndOfThePreviousPassage) {
  // 3 words, 1 shared: [one two three] [three four five] [five six seven] (ends at the last word).
  EXPECT_EQ(texts(rag_chunk_document(kDocument, {3, 1})),
            (std::vector<std::string>{"one two  three", "three\nfour five", "five six seven"}));
  // 4 words, 2 shared: [one..four] [three..six] [five six seven].
  EXPECT_EQ(texts(rag_chunk_document(kDocument, {4, 2})),
            (std::vector<std::string>{"one two  three\nfour", "three\nfour five six", "five six seven"}));
}

TEST(RagChunking, TokenCountsPerWordDecideWhereToCut) {
  // A made-up tokenizer: one token per 2 letters, rounded up. 4 tokens a passage.
  auto tokens = [](std::string_view word) { return int32_t((word.size() + 1) / 2); };
  RagDocument document{"d", "", "on twoo three four five six seven"};
  // on 1, twoo 2, three 3, four 2, five 2, six 2, seven 3: [on twoo](3) [three](3, four would
  // make 5) [four five](4) [six](2, seven would make 5) [seven](3).
  EXPECT_EQ(texts(rag_chunk_document(document, {4, 0}, tokens)),
            (std::vector<std::string>{"on twoo", "three", "four five", "six", "seven"}));
}

TEST(RagChunking, AWordLongerThanAPassageStandsAlone) {
  auto tokens = [](std::string_view word) { return word == "pneumonoultramicroscopic" ? 9 : 1; };
  RagDocument document{"d", "", "a pneumonoultramicroscopic b c"};
  EXPECT_EQ(texts(rag_chunk_document(document, {2, 1}, tokens)),
            (std::vector<std::string>{"a", "pneumonoultramicroscopic", "b c"}));
}

TEST(RagChunking, AnOverlapThatWouldNotAdvanceStillMovesOneWord) {
  auto tokens = [](std::string_view) { return 3; };
  RagDocument document{"d", "", "w1 w2 w3"};
  // 3 tokens a passage holds one word; an overlap of 2 cannot hold a 3-token word: no repeat.
  EXPECT_EQ(texts(rag_chunk_document(document, {3, 2}, tokens)), (std::vector<std::string>{"w1", "w2", "w3"}));
}

TEST(RagChunking, InvalidSettingsAreRefused) {
  EXPECT_THROW(rag_chunk_document(kDocument, {-1, 0}), Error);
  EXPECT_THROW(rag_chunk_document(kDocument, {3, 3}), Error);
  EXPECT_THROW(rag_chunk_document(kDocument, {3, -1}), Error);
  EXPECT_NO_THROW(rag_chunking_check({0, 5}));  // overlap means nothing without chunks
}

}  // namespace
}  // namespace clinbench
