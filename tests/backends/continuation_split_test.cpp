// The (context, continuation) split of lm-evaluation-harness (`_encode_pair`):
//   n_spaces = len(context) - len(context.rstrip())
//   if n_spaces > 0: continuation = context[-n_spaces:] + continuation; context = context[:-n_spaces]
//   whole = encode(context + continuation); context_enc = encode(context)
//   continuation_enc = whole[len(context_enc):]
// Expected strings below are what that Python code gives (str.rstrip strips Unicode whitespace).
#include <gtest/gtest.h>

#include <algorithm>

#include "backends/llama/continuation_split.h"
#include "backends/llama/llama_session.h"
#include "backend_fixtures.h"
#include "test_support.h"

namespace clinbench {
namespace {

struct SplitCase {
  std::string context, continuation, expected_context, expected_continuation;
};

TEST(ContinuationSplit, MovesTrailingWhitespaceLikeTheHarness) {
  const std::vector<SplitCase> cases = {
      {"Answer:", " C", "Answer:", " C"},
      {"Answer: ", "C", "Answer:", " C"},
      {"Answer:\n\n", "C", "Answer:", "\n\nC"},
      {"Answer: \t\n", "C", "Answer:", " \t\nC"},
      {"", "C", "", "C"},
      {"   ", "x", "", "   x"},
      {"Réponse : ", "B", "Réponse :", " B"},
      {"Antwort\u00a0", "A", "Antwort", "\u00a0A"},        // no-break space is whitespace in Python
      {"答案\u3000", "甲", "答案", "\u3000甲"},               // ideographic space
      {"Dose\u200b", " 5 mg", "Dose\u200b", " 5 mg"},      // zero-width space is not
      {"Lead-in", "", "Lead-in", ""},
      {"Q: fever?\nA:", " yes ", "Q: fever?\nA:", " yes "},  // the continuation is never stripped
  };
  for (const SplitCase& c : cases) {
    ContinuationSplit split = split_trailing_whitespace(c.context, c.continuation);
    EXPECT_EQ(split.context, c.expected_context) << "context '" << c.context << "'";
    EXPECT_EQ(split.continuation, c.expected_continuation) << "context '" << c.context << "'";
  }
}

class TokenSplitTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TokenSplitTest, JoinedEncodingSplitAtContextLengthWithOneBos) {
  BackendOptions options;
  options.threads = 1;
  LlamaSession session(testing::tiny_model(GetParam()), options);
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"Question: Which enzyme?\nAnswer:", " Troponin"},
      {"Question: Which enzyme?\nAnswer: ", "Troponin"},
      {"Température: 39,5 °C.", " Fièvre"},
      {"Patient", "'s"},
      {"", "Only a continuation"},
  };
  for (const auto& [context, continuation] : pairs) {
    TokenizedPair pair = tokenize_pair(session, context, continuation);
    ContinuationSplit split = split_trailing_whitespace(context, continuation);
    std::vector<llama_token> whole = session.tokenize(split.context + split.continuation, true);
    int bos = session.adds_bos() || split.context.empty() ? 1 : 0;
    ASSERT_EQ(pair.tokens.size(), whole.size() + size_t(bos));
    EXPECT_TRUE(std::equal(whole.begin(), whole.end(), pair.tokens.begin() + bos));
    size_t context_length = split.context.empty() ? 0 : session.tokenize(split.context, true).size();
    EXPECT_EQ(pair.context_tokens, int32_t(context_length) + bos) << context;
    if (session.adds_bos()) {
      EXPECT_EQ(std::count(pair.tokens.begin(), pair.tokens.end(), session.bos()), 1) << context;
      EXPECT_EQ(pair.tokens.front(), session.bos());
    }
  }
}

// A few-shot run: the options of a question share a long context, tokenised once with the memo;
// every pair's tokens are those tokenised without it, also after the memo forgot a context.
TEST_P(TokenSplitTest, MemoTokenisesEachDistinctTextOnceAndChangesNoToken) {
  BackendOptions options;
  options.threads = 1;
  LlamaSession session(testing::tiny_model(GetParam()), options);
  std::string shots;
  for (int i = 0; i < 5; ++i) {
    shots += "Question: A " + std::to_string(30 + i) + "-year-old with chest pain. Next step?\nAnswer: ECG\n\n";
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int q = 0; q < 6; ++q) {
    std::string context = shots + "Question: Case " + std::to_string(q) + ", fever and rash.\nAnswer:";
    for (const char* option : {" Measles", " Rubella", " Scarlet fever", " Kawasaki disease"}) {
      pairs.emplace_back(context, option);
    }
  }
  pairs.push_back(pairs.front());  // a context seen before, after 5 others

  for (size_t capacity : {size_t(64), size_t(2)}) {
    TokenMemo memo(session, capacity);
    int64_t tokens_without_memo = 0;
    for (const auto& [context, continuation] : pairs) {
      TokenizedPair plain = tokenize_pair(session, context, continuation);
      TokenizedPair memoised = tokenize_pair(session, context, continuation, &memo);
      EXPECT_EQ(memoised.tokens, plain.tokens) << context << continuation;
      EXPECT_EQ(memoised.context_tokens, plain.context_tokens) << context << continuation;
      tokens_without_memo += int64_t(plain.tokens.size()) + plain.context_tokens;
    }
    if (capacity == 64) {
      // 6 contexts and 24 joined texts; the repeated pair costs nothing. Without: 2 per pair.
      EXPECT_EQ(memo.texts_tokenised(), 30);
      EXPECT_LT(memo.tokens_produced() * 10, tokens_without_memo * 7);
    } else {
      EXPECT_EQ(memo.texts_tokenised(), 32);  // the first pair's two texts were forgotten
    }
  }
}

TEST_P(TokenSplitTest, BosAppearsExactlyOnceEvenWhenTheTextCarriesIt) {
  LlamaSession session(testing::tiny_model(GetParam()), BackendOptions{});
  if (!session.adds_bos()) GTEST_SKIP() << "vocab does not add BOS";
  std::string bos_text = session.token_piece(session.bos(), true);
  for (const std::string& text : {std::string("Hello"), bos_text + "Hello"}) {
    std::vector<llama_token> tokens = session.tokenize_with_bos(text, true);
    EXPECT_EQ(std::count(tokens.begin(), tokens.end(), session.bos()), 1) << text;
    EXPECT_EQ(tokens.front(), session.bos());
  }
}

INSTANTIATE_TEST_SUITE_P(Vocabs, TokenSplitTest, ::testing::Values("llama-spm", "llama-bpe", "qwen2"),
                         testing::vocab_test_name);

}  // namespace
}  // namespace clinbench
