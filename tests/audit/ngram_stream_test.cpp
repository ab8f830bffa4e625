// N-grams of a document do not depend on how its bytes are cut into pieces.
#include <gtest/gtest.h>

#include <random>

#include "audit/ngram_stream.h"
#include "clinbench/core.h"

namespace clinbench {
namespace {

std::vector<uint64_t> ngrams_in_pieces(std::string_view text, int32_t n, const std::vector<size_t>& cuts) {
  audit::NgramStream stream(n);
  size_t at = 0;
  for (size_t cut : cuts) {
    stream.feed(text.substr(at, cut - at));
    at = cut;
  }
  stream.feed(text.substr(at));
  stream.end_document();
  return stream.hashes();
}

const std::string kText =
    "A 23-year-old pregnant woman at 22 weeks gestation presents with burning upon urination. "
    "She states it started 1 day ago and has been worsening despite drinking more water and "
    "taking cranberry extract. Na\xc3\xafve caf\xc3\xa9 \xef\xac\x81" "brosis \xe2\x80\x9cquoted\xe2\x80\x9d end.";

TEST(AuditNgramStream, OneNgramPerWordAfterTheFirstNMinusOne) {
  audit::NgramStream stream(3);
  stream.feed("one two three four five");
  stream.end_document();
  ASSERT_EQ(stream.hashes().size(), 3u);
  // The n-gram hash is the mixed polynomial of the word hashes (XXH3 of each word's bytes).
  const uint64_t b = audit::kNgramBase;
  EXPECT_EQ(stream.hashes()[0], audit::ngram_mix(hash64("one") * b * b + hash64("two") * b + hash64("three")));
  EXPECT_EQ(stream.hashes()[2], audit::ngram_mix(hash64("three") * b * b + hash64("four") * b + hash64("five")));
}

TEST(AuditNgramStream, EveryCutPointGivesTheSameNgrams) {
  const std::vector<uint64_t> whole = ngrams_in_pieces(kText, 5, {});
  ASSERT_GT(whole.size(), 30u);
  // One cut at every byte, inside words and inside UTF-8 characters included.
  for (size_t cut = 0; cut <= kText.size(); ++cut) {
    ASSERT_EQ(ngrams_in_pieces(kText, 5, {cut}), whole) << "cut at byte " << cut;
  }
  // One byte at a time.
  std::vector<size_t> every_byte;
  for (size_t cut = 1; cut < kText.size(); ++cut) every_byte.push_back(cut);
  EXPECT_EQ(ngrams_in_pieces(kText, 5, every_byte), whole);
}

TEST(AuditNgramStream, LongDocumentsKeepTheirNgramsAsTheWindowRolls) {
  // Many more words than n: each n-gram equals the n-gram of the same words at the start of a
  // fresh stream (what leaves the rolling hash leaves it exactly).
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "w" + std::to_string(i % 97) + " ";
  std::vector<uint64_t> all = ngrams_in_pieces(text, 4, {});
  ASSERT_EQ(all.size(), 2000u - 3);
  for (size_t start : {0u, 250u, 1500u, 1996u}) {
    std::string four;
    for (size_t k = start; k < start + 4; ++k) four += "w" + std::to_string(k % 97) + " ";
    EXPECT_EQ(ngrams_in_pieces(four, 4, {}).at(0), all[start]) << start;
  }
}

TEST(AuditNgramStream, NgramsNeverJoinTwoDocuments) {
  audit::NgramStream stream(3);
  stream.feed("alpha beta");
  stream.end_document();
  stream.feed("gamma delta");
  stream.end_document();
  EXPECT_TRUE(stream.hashes().empty());
  stream.feed("alpha beta gamma");
  stream.end_document();
  EXPECT_EQ(stream.hashes().size(), 1u);
}

TEST(AuditNgramStream, OverlongWordsAreOneWordWhateverTheirLength) {
  std::vector<std::string> seen;
  audit::NgramStream stream(1);
  stream.set_word_sink([&seen](std::string_view word) { seen.emplace_back(word); });
  stream.feed(std::string(300, 'x') + " y " + std::string(5000, 'z'));
  stream.end_document();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[1], "y");
  EXPECT_EQ(seen[0], seen[2]);
  EXPECT_EQ(stream.hashes()[0], stream.hashes()[2]);
}

}  // namespace
}  // namespace clinbench
