// The prefix-shared, batched log-likelihood path must give the numbers of the plainest possible
// evaluation: each request alone, its whole token sequence decoded in one go.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "backends/llama/continuation_split.h"
#include "backends/llama/llama_session.h"
#include "clinbench/backends.h"
#include "test_support.h"

namespace clinbench {
namespace {

// Reference: one request, whole sequence, fresh cache, log-softmax by hand in double.
std::vector<double> naive_token_logprobs(LlamaSession& session, const LoglikelihoodRequest& request) {
  TokenizedPair pair = tokenize_pair(session, request.context, request.continuation);
  llama_memory_clear(session.memory(), false);
  const int32_t n = int32_t(pair.tokens.size());
  std::vector<double> out;
  // Decode in chunks of the session's batch size, every row's logits kept.
  for (int32_t start = 0; start < n - 1; start += session.batch_size()) {
    int32_t count = std::min(session.batch_size(), n - 1 - start);
    llama_batch batch = llama_batch_init(count, 0, 1);
    batch.n_tokens = count;
    for (int32_t i = 0; i < count; ++i) {
      batch.token[i] = pair.tokens[size_t(start + i)];
      batch.pos[i] = start + i;
      batch.n_seq_id[i] = 1;
      batch.seq_id[i][0] = 0;
      batch.logits[i] = 1;
    }
    EXPECT_EQ(llama_decode(session.context(), batch), 0);
    for (int32_t i = 0; i < count; ++i) {
      int32_t position = start + i;
      if (position < pair.context_tokens - 1) continue;
      const float* row = llama_get_logits_ith(session.context(), i);
      double max_logit = row[0];
      for (int32_t v = 1; v < session.vocab_size(); ++v) max_logit = std::max(max_logit, double(row[v]));
      double sum = 0;
      for (int32_t v = 0; v < session.vocab_size(); ++v) sum += std::exp(double(row[v]) - max_logit);
      out.push_back(double(row[pair.tokens[size_t(position) + 1]]) - max_logit - std::log(sum));
    }
    llama_batch_free(batch);
  }
  llama_memory_clear(session.memory(), false);
  return out;
}

// Questions with 2 to 8 options of different token lengths, some sharing a few-shot prefix.
std::vector<LoglikelihoodRequest> multiple_choice_requests() {
  const std::vector<std::string> stems = {
      "Question: A 54-year-old man presents with crushing chest pain radiating to the left arm. "
      "Which enzyme rises first?\nAnswer:",
      "Question: Which vitamin deficiency causes scurvy?\nAnswer:",
      "You are a clinician.\n\nQuestion: What is the first-line treatment for anaphylaxis?\nAnswer:",
      "You are a clinician.\n\nQuestion: Which nerve is injured in wrist drop?\nAnswer:",
      "Résumé: température 39,5 °C, pas de toux. Quel diagnostic ?\nRéponse :",
  };
  const std::vector<std::vector<std::string>> options = {
      {" Troponin I", " Troponin", " Myoglobin", " CK-MB", " Lactate dehydrogenase, which peaks late"},
      {" Vitamin C", " Vitamin B12"},
      {" Intramuscular adrenaline 0.5 mg", " Oral antihistamine", " IV steroids", " Salbutamol",
       " Observation", " Fluids", " Oxygen", " Glucagon for patients on beta blockers"},
      {" Radial", " Ulnar", " Median"},
      {" grippe", " méningite bactérienne aiguë", " 肺炎", " rhume"},
  };
  std::vector<LoglikelihoodRequest> requests;
  for (size_t q = 0; q < stems.size(); ++q) {
    for (const auto& option : options[q]) requests.push_back({stems[q], option});
  }
  requests.push_back({"", "An empty context is scored after BOS."});
  requests.push_back({stems[0] + " ", "Troponin I"});  // trailing space moves into the continuation
  requests.push_back(requests[0]);                     // an exact duplicate
  return requests;
}

struct Case {
  std::string vocab;
  int32_t batch_size;
};

class LoglikelihoodBatchingTest : public ::testing::TestWithParam<Case> {};

TEST_P(LoglikelihoodBatchingTest, PrefixSharedBatchedEqualsNaive) {
  const Case& c = GetParam();
  BackendOptions options;
  options.batch_size = c.batch_size;
  options.threads = 2;
  // The reference runs in its own session with a large batch and plain attention: the batched
  // path runs with flash attention where it is on by default (the CPU).
  BackendOptions reference_options;
  reference_options.threads = 2;
  reference_options.flash_attention = FlashAttention::off;
  LlamaSession session(testing::tiny_model(c.vocab), reference_options);
  std::vector<LoglikelihoodRequest> requests = multiple_choice_requests();

  std::map<size_t, LoglikelihoodResponse> responses;
  int64_t last_done = 0;
  // Through the backend interface path (evaluate_loglikelihood is what LlamaBackend calls).
  auto backend = open_backend("gguf:" + testing::tiny_model(c.vocab).string(), options);
  backend->loglikelihood(
      requests,
      [&](size_t index, LoglikelihoodResponse&& response) {
        EXPECT_FALSE(responses.count(index)) << "index " << index << " delivered twice";
        responses[index] = std::move(response);
      },
      [&](int64_t done, int64_t total) {
        EXPECT_GE(done, last_done);
        EXPECT_LE(done, total);
        last_done = done;
      });
  ASSERT_EQ(responses.size(), requests.size());
  EXPECT_EQ(last_done, int64_t(requests.size()));

  for (size_t r = 0; r < requests.size(); ++r) {
    const LoglikelihoodResponse& got = responses[r];
    ASSERT_EQ(got.status, RequestStatus::ok) << got.error;
    std::vector<double> expected = naive_token_logprobs(session, requests[r]);
    ASSERT_EQ(got.token_logprobs.size(), expected.size()) << "request " << r;
    double expected_sum = 0;
    for (size_t t = 0; t < expected.size(); ++t) {
      EXPECT_NEAR(got.token_logprobs[t], expected[t], 1e-3) << "request " << r << " token " << t;
      expected_sum += expected[t];
    }
    EXPECT_NEAR(got.logprob, expected_sum, 1e-3) << "request " << r;
  }
  // The duplicate gets the same answer; the trailing-space variant equals the plain one.
  EXPECT_EQ(responses[requests.size() - 1].logprob, responses[0].logprob);
  // " Troponin" is a token prefix of " Troponin I": the shorter one's last token is shared.
  EXPECT_GT(responses[0].continuation_tokens, responses[1].continuation_tokens);
  EXPECT_NEAR(responses[requests.size() - 2].logprob, responses[0].logprob, 1e-3);
}

INSTANTIATE_TEST_SUITE_P(
    VocabsAndBatchSizes, LoglikelihoodBatchingTest,
    ::testing::Values(Case{"llama-spm", 1}, Case{"llama-spm", 7}, Case{"llama-spm", 64},
                      Case{"llama-spm", 512}, Case{"llama-bpe", 1}, Case{"llama-bpe", 7},
                      Case{"llama-bpe", 64}, Case{"llama-bpe", 512}),
    [](const auto& param_info) {
      std::string name = param_info.param.vocab + "_batch" + std::to_string(param_info.param.batch_size);
      for (char& ch : name) if (ch == '-') ch = '_';
      return name;
    });

// On the CPU with an f32 cache flash attention is on by default, and computes in f32: the same
// requests score as with plain attention to float rounding (llama.cpp rounds K and V to f16
// without clinbench's patch: ~5e-4 nats).
TEST(Loglikelihood, CpuFlashAttentionIsOnByDefaultAndEqualsPlainAttention) {
#ifndef LLAMA_CPU_FLASH_ATTN_KEEPS_F32_KV
  GTEST_SKIP() << "built against a llama.cpp without scripts/llama-patches (flash attention stays off)";
#endif
  BackendOptions options;
  options.threads = 2;
  options.gpu_layers = 0;
  BackendOptions plain = options;
  plain.flash_attention = FlashAttention::off;
  const std::filesystem::path model = testing::tiny_model("llama-spm");
  EXPECT_TRUE(LlamaSession(model, options).flash_attention());
  EXPECT_FALSE(LlamaSession(model, plain).flash_attention());

  std::vector<LoglikelihoodRequest> requests = multiple_choice_requests();
  auto score = [&](const BackendOptions& backend_options) {
    std::vector<LoglikelihoodResponse> out(requests.size());
    open_backend("gguf:" + model.string(), backend_options)
        ->loglikelihood(requests, [&](size_t i, LoglikelihoodResponse&& r) { out[i] = std::move(r); }, {});
    return out;
  };
  std::vector<LoglikelihoodResponse> flash = score(options);
  std::vector<LoglikelihoodResponse> reference = score(plain);
  for (size_t r = 0; r < requests.size(); ++r) {
    ASSERT_EQ(flash[r].status, RequestStatus::ok) << flash[r].error;
    ASSERT_EQ(flash[r].token_logprobs.size(), reference[r].token_logprobs.size());
    for (size_t t = 0; t < flash[r].token_logprobs.size(); ++t) {
      EXPECT_NEAR(flash[r].token_logprobs[t], reference[r].token_logprobs[t], 2e-5)
          << "request " << r << " token " << t;
    }
  }
}

TEST(Loglikelihood, IsGreedyMatchesArgmaxContinuation) {
  BackendOptions options;
  options.threads = 2;
  auto backend = open_backend("gguf:" + testing::tiny_model("llama-spm").string(), options);
  // Generate the greedy continuation, then score it: it must be flagged greedy.
  GenerationRequest request;
  request.prompt = "Question: Which vitamin deficiency causes scurvy?\nAnswer:";
  request.max_tokens = 6;
  std::string greedy_text;
  backend->generate(std::span(&request, 1),
                    [&](size_t, GenerationResponse&& response) { greedy_text = response.text; }, {});
  ASSERT_FALSE(greedy_text.empty());
  std::vector<LoglikelihoodRequest> requests = {{request.prompt, greedy_text},
                                                {request.prompt, greedy_text + " zebra"}};
  std::vector<LoglikelihoodResponse> got(2);
  backend->loglikelihood(requests, [&](size_t i, LoglikelihoodResponse&& r) { got[i] = std::move(r); }, {});
  EXPECT_TRUE(got[0].is_greedy) << "'" << greedy_text << "'";
  EXPECT_FALSE(got[1].is_greedy) << "'" << greedy_text << "' logprobs: " << ::testing::PrintToString(got[1].token_logprobs);
}

TEST(Loglikelihood, ContextThatDoesNotFitIsRefusedNotTruncated) {
  BackendOptions options;
  options.threads = 2;
  options.context_length = 64;
  auto backend = open_backend("gguf:" + testing::tiny_model("llama-spm").string(), options);
  std::string long_context;
  for (int i = 0; i < 100; ++i) long_context += "patient ";
  std::vector<LoglikelihoodRequest> requests = {{long_context, " stable"}, {"Short", " one"}};
  std::vector<LoglikelihoodResponse> got(2);
  backend->loglikelihood(requests, [&](size_t i, LoglikelihoodResponse&& r) { got[i] = std::move(r); }, {});
  EXPECT_EQ(got[0].status, RequestStatus::context_overflow);
  EXPECT_NE(got[0].error.find("do not fit the context window of 64"), std::string::npos) << got[0].error;
  EXPECT_EQ(got[1].status, RequestStatus::ok);
}

// Tokens a one-request-at-a-time engine that shared nothing would decode, and the least any
// engine must: the distinct prefixes of the requests' token sequences (each request decodes all
// its tokens but the last).
struct PrefixWork {
  int64_t unshared = 0;
  int64_t distinct = 0;
};
PrefixWork prefix_work(LlamaSession& session, const std::vector<LoglikelihoodRequest>& requests) {
  std::set<std::vector<llama_token>> prefixes;
  PrefixWork work;
  for (const LoglikelihoodRequest& request : requests) {
    TokenizedPair pair = tokenize_pair(session, request.context, request.continuation);
    work.unshared += int64_t(pair.tokens.size()) - 1;
    for (size_t length = 1; length < pair.tokens.size(); ++length) {
      prefixes.emplace(pair.tokens.begin(), pair.tokens.begin() + std::ptrdiff_t(length));
    }
  }
  work.distinct = int64_t(prefixes.size());
  return work;
}

// A long few-shot block before many questions: far more work than one round holds, so the block
// must be kept across rounds (branched into each round's sequences) and decoded once, and the
// numbers must still equal each request evaluated alone.
TEST(Loglikelihood, FewShotBlockIsComputedOnceAcrossRounds) {
  std::string shots;
  for (int i = 0; i < 12; ++i) {
    shots += "Question: Case " + std::to_string(i) + ": a patient with fever, cough and a rash on the trunk " +
             "for " + std::to_string(i + 2) + " days. Which test comes first?\nAnswer: blood culture\n\n";
  }
  std::vector<LoglikelihoodRequest> requests;
  for (int q = 0; q < 90; ++q) {
    std::string stem = shots + "Question: Patient " + std::to_string(q * 7919 % 1000) +
                       " reports chest pain after exercise. Which drug first?\nAnswer:";
    for (const char* option : {" aspirin", " nitroglycerin spray", " morphine", " oxygen"}) {
      requests.push_back({stem, option});
    }
  }
  BackendOptions options;
  options.threads = 2;
  options.batch_size = 64;  // rounds of 2,048 cells: the questions need many
  LlamaSession reference(testing::tiny_model("llama-spm"), options);
  PrefixWork work = prefix_work(reference, requests);

  auto backend = open_backend("gguf:" + testing::tiny_model("llama-spm").string(), options);
  std::vector<LoglikelihoodResponse> got(requests.size());
  backend->loglikelihood(requests, [&](size_t i, LoglikelihoodResponse&& r) { got[i] = std::move(r); }, {});
  int64_t decoded = backend->compute_counters().tokens_decoded;
  // The block alone is over 400 tokens and 360 requests share it: sharing nothing would decode it
  // 360 times; reusing it across rounds leaves only question stems cut by round ends repeated.
  EXPECT_GT(work.unshared, 20 * work.distinct);
  EXPECT_GE(decoded, work.distinct);
  EXPECT_LE(decoded, work.distinct + work.distinct / 10) << "distinct " << work.distinct;

  for (size_t r = 0; r < requests.size(); r += 11) {
    ASSERT_EQ(got[r].status, RequestStatus::ok) << got[r].error;
    std::vector<double> expected = naive_token_logprobs(reference, requests[r]);
    ASSERT_EQ(got[r].token_logprobs.size(), expected.size()) << "request " << r;
    for (size_t t = 0; t < expected.size(); ++t) {
      EXPECT_NEAR(got[r].token_logprobs[t], expected[t], 1e-3) << "request " << r << " token " << t;
    }
  }
}

}  // namespace
}  // namespace clinbench
