// The server backend against a loopback server that fails 30% of requests in every way a real
// one does: the run completes, every sample arrives once, and the results equal a clean run's.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "clinbench/backends.h"
#include "fake_openai_server.h"

namespace clinbench {
namespace {

using testing::FakeOpenaiServer;
using testing::FakeServerOptions;
using testing::Fault;

FakeServerOptions faulty_server(uint64_t seed) {
  FakeServerOptions options;
  options.fault_rate = 0.3;
  options.seed = seed;
  return options;
}

BackendOptions fast_options() {
  BackendOptions options;
  options.model_name = "test";
  options.api_key_env = "CLINBENCH_NETWORK_TEST_NO_KEY";
  options.concurrency = 16;
  options.request_timeout_seconds = 0.5;  // stalls last 1.5 s: each one is a timeout
  options.max_retries = 10;
  options.retry_base_delay_seconds = 0.02;
  return options;
}

std::vector<GenerationRequest> mixed_requests(size_t count) {
  std::vector<GenerationRequest> requests;
  for (size_t i = 0; i < count; ++i) {
    GenerationRequest request;
    std::string question = "Question " + std::to_string(i) + ": which drug reverses heparin?";
    if (i % 2 == 0) {
      request.chat.messages = {{"system", "You are a careful clinician."}, {"user", question}};
      if (i % 4 == 0) request.chat.answer_prefix = "Answer:";
      request.prompt = "(rendered chat " + std::to_string(i) + ")";
    } else {
      request.prompt = question + "\nAnswer:";
    }
    request.max_tokens = 2 + int32_t(i % 7);
    if (i % 5 == 0) request.stop = {" w0", " w1"};
    requests.push_back(request);
  }
  return requests;
}

std::map<size_t, GenerationResponse> run_generation(Backend& backend, const std::vector<GenerationRequest>& requests) {
  std::map<size_t, GenerationResponse> out;
  backend.generate(requests, [&](size_t i, GenerationResponse&& response) {
    EXPECT_FALSE(out.count(i)) << "request " << i << " answered twice";
    out[i] = std::move(response);
  }, {});
  EXPECT_EQ(out.size(), requests.size());
  return out;
}

std::vector<LoglikelihoodRequest> loglikelihood_requests(size_t count) {
  std::vector<LoglikelihoodRequest> requests;
  for (size_t i = 0; i < count; ++i) {
    std::string context = "Question " + std::to_string(i) + ": the first-line treatment of anaphylaxis is\nAnswer:";
    for (const char* option : {"adrenaline", "an antihistamine", "a corticosteroid"}) {
      requests.push_back({context + " ", option});
    }
  }
  return requests;
}

std::map<size_t, LoglikelihoodResponse> run_loglikelihood(Backend& backend,
                                                          const std::vector<LoglikelihoodRequest>& requests) {
  std::map<size_t, LoglikelihoodResponse> out;
  backend.loglikelihood(requests, [&](size_t i, LoglikelihoodResponse&& response) {
    EXPECT_FALSE(out.count(i)) << "request " << i << " answered twice";
    out[i] = std::move(response);
  }, {});
  EXPECT_EQ(out.size(), requests.size());
  return out;
}

// Every kind of fault happened, at about the rate asked for, and each 429's Retry-After (1 s)
// was waited out before that request came back.
void expect_faults_met_and_retry_after_honoured(const FakeOpenaiServer& server) {
  std::vector<testing::SeenRequest> seen = server.seen();
  std::map<Fault, int> kinds;
  int first_attempts = 0, first_attempt_faults = 0;
  std::map<std::string, std::vector<const testing::SeenRequest*>> by_body;
  for (const auto& request : seen) {
    ++kinds[request.fault];
    if (request.attempt == 1) {
      ++first_attempts;
      first_attempt_faults += request.fault != Fault::none;
    }
    by_body[request.body].push_back(&request);
  }
  for (Fault fault : {Fault::too_many_requests, Fault::server_error, Fault::unavailable, Fault::stall,
                      Fault::dropped_connection, Fault::malformed_json}) {
    EXPECT_GT(kinds[fault], 0) << "no " << testing::fault_name(fault) << " was injected";
  }
  double rate = double(first_attempt_faults) / std::max(first_attempts, 1);
  EXPECT_GT(rate, 0.15);  // 0.3 on average; a few hundred draws
  EXPECT_LT(rate, 0.45);
  int waited = 0;
  for (auto& [body, attempts] : by_body) {
    std::sort(attempts.begin(), attempts.end(), [](auto* a, auto* b) { return a->attempt < b->attempt; });
    for (size_t k = 0; k + 1 < attempts.size(); ++k) {
      if (attempts[k]->fault != Fault::too_many_requests) continue;
      double gap = std::chrono::duration<double>(attempts[k + 1]->at - attempts[k]->at).count();
      EXPECT_GE(gap, 0.95) << "retried " << gap << " s after a 429 with Retry-After: 1";
      ++waited;
    }
  }
  EXPECT_GT(waited, 0);
}

TEST(FaultInjection, GenerationsThroughThirtyPercentFaultsEqualTheFaultFreeRun) {
  auto started = std::chrono::steady_clock::now();
  std::vector<GenerationRequest> requests = mixed_requests(240);
  FakeOpenaiServer clean({});
  FakeOpenaiServer faulty(faulty_server(7));
  auto expected = run_generation(*open_backend("openai:" + clean.api_url(), fast_options()), requests);
  auto actual = run_generation(*open_backend("openai:" + faulty.api_url(), fast_options()), requests);

  for (size_t i = 0; i < requests.size(); ++i) {
    ASSERT_EQ(expected[i].status, RequestStatus::ok) << expected[i].error;
    ASSERT_EQ(actual[i].status, RequestStatus::ok) << "request " << i << ": " << actual[i].error;
    EXPECT_EQ(actual[i].text, expected[i].text) << "request " << i;
    EXPECT_EQ(actual[i].finish, expected[i].finish) << "request " << i;
    EXPECT_EQ(actual[i].prompt_tokens, expected[i].prompt_tokens);
    EXPECT_EQ(actual[i].completion_tokens, expected[i].completion_tokens);
  }
  // The clean answers are the server's function of the prompt, stop strings cut off.
  std::string generated = testing::fake_generation(requests[1].prompt, requests[1].max_tokens);
  EXPECT_EQ(expected[1].text, generated);
  bool at_limit = int32_t(testing::fake_tokens(generated).size()) == requests[1].max_tokens;
  EXPECT_EQ(expected[1].finish, at_limit ? FinishReason::length : FinishReason::stop);
  EXPECT_EQ(expected[0].completion_tokens, 2);
  EXPECT_EQ(expected[0].finish, FinishReason::length);

  expect_faults_met_and_retry_after_honoured(faulty);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LT(seconds, 30.0);
}

TEST(FaultInjection, LoglikelihoodsThroughThirtyPercentFaultsEqualTheFaultFreeRun) {
  std::vector<LoglikelihoodRequest> requests = loglikelihood_requests(60);
  FakeOpenaiServer clean({});
  FakeOpenaiServer faulty(faulty_server(11));
  auto expected = run_loglikelihood(*open_backend("openai:" + clean.api_url(), fast_options()), requests);
  auto actual = run_loglikelihood(*open_backend("openai:" + faulty.api_url(), fast_options()), requests);

  for (size_t i = 0; i < requests.size(); ++i) {
    ASSERT_EQ(actual[i].status, RequestStatus::ok) << "request " << i << ": " << actual[i].error;
    EXPECT_EQ(actual[i].logprob, expected[i].logprob);
    EXPECT_EQ(actual[i].token_logprobs, expected[i].token_logprobs);
    EXPECT_EQ(actual[i].is_greedy, expected[i].is_greedy);
    EXPECT_EQ(actual[i].context_tokens, expected[i].context_tokens);
  }
  // The continuation " adrenaline" (its space moved from the context) is one server token.
  ASSERT_EQ(expected[0].continuation_tokens, 1);
  EXPECT_FLOAT_EQ(expected[0].token_logprobs[0], float(testing::fake_token_logprob(" adrenaline")));
  EXPECT_EQ(expected[1].continuation_tokens, 2);  // " an" " antihistamine"
  expect_faults_met_and_retry_after_honoured(faulty);
}

}  // namespace
}  // namespace clinbench
