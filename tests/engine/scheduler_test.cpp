// The scheduler's promises, checked against a scripted backend: each distinct request computed
// at most once, in one backend call, every answer committed as it arrives, answers in request
// order whatever order the backend delivers them in.
#include "engine/scheduler.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "clinbench/engine.h"
#include "engine_test_util.h"
#include "test_support.h"

namespace clinbench {
namespace {

// Answers are functions of the request text, so any response can be predicted.
LoglikelihoodResponse scripted_answer(const LoglikelihoodRequest& request) {
  LoglikelihoodResponse response;
  if (request.context.rfind("LONG", 0) == 0) {
    response.status = RequestStatus::context_overflow;
    response.error = "too long";
    return response;
  }
  response.logprob = -double(request.context.size() + request.continuation.size());
  response.token_logprobs = {-float(request.continuation.size()), -0.5f};
  response.is_greedy = request.continuation.size() % 2 == 0;
  response.context_tokens = int32_t(request.context.size());
  response.continuation_tokens = 2;
  return response;
}

GenerationResponse scripted_answer(const GenerationRequest& request) {
  GenerationResponse response;
  response.text = "echo: " + request.prompt;
  response.tokens = {int32_t(request.prompt.size()), request.max_tokens};
  response.finish = FinishReason::length;
  response.prompt_tokens = int32_t(request.prompt.size());
  return response;
}

std::string text_of(const LoglikelihoodRequest& request) {
  return request.context + "|" + request.continuation;
}
std::string text_of(const GenerationRequest& request) { return request.prompt; }

class ScriptedBackend : public Backend {
 public:
  explicit ScriptedBackend(ModelInfo info) : info_(std::move(info)) {}

  int64_t throw_after = -1;    // deliver this many responses, then throw (a server's 401)
  bool reverse = false;        // deliver the last request first
  bool deliver_twice = false;  // contract violation: index 0 twice
  bool skip_last = false;      // contract violation: return without the last response
  std::string fail_marker;     // requests whose text contains it get backend_error
  std::vector<std::vector<std::string>> calls;  // request texts, per call

  const ModelInfo& info() const override { return info_; }
  void loglikelihood(std::span<const LoglikelihoodRequest> requests, const LoglikelihoodSink& sink,
                     const ProgressCallback&) override {
    answer(requests, sink);
  }
  void generate(std::span<const GenerationRequest> requests, const GenerationSink& sink,
                const ProgressCallback&) override {
    answer(requests, sink);
  }
  std::string render_chat(const ChatPrompt&) const override { return ""; }
  ChatFormat chat_format() const override { return ChatFormat::plain_text; }
  int32_t count_tokens(std::string_view text) const override { return int32_t(text.size()); }

 private:
  template <typename Request, typename Sink>
  void answer(std::span<const Request> requests, const Sink& sink) {
    calls.emplace_back();
    for (const Request& request : requests) calls.back().push_back(text_of(request));
    int64_t delivered = 0;
    for (size_t n = 0; n < requests.size(); ++n) {
      if (skip_last && n + 1 == requests.size()) break;
      size_t i = reverse ? requests.size() - 1 - n : n;
      if (throw_after >= 0 && delivered == throw_after)
        throw std::runtime_error("HTTP 401: bad key");
      auto response = scripted_answer(requests[i]);
      if (!fail_marker.empty() && text_of(requests[i]).find(fail_marker) != std::string::npos) {
        response = {};
        response.status = RequestStatus::backend_error;
        response.error = "HTTP 500";
      }
      sink(i, std::move(response));
      ++delivered;
      if (deliver_twice && n == 0) sink(i, scripted_answer(requests[i]));
    }
  }

  ModelInfo info_;
};

std::vector<LoglikelihoodRequest> options_of(int questions, int options) {
  std::vector<LoglikelihoodRequest> requests;
  for (int q = 0; q < questions; ++q) {
    for (int o = 0; o < options; ++o) {
      requests.push_back(
          {"Question " + std::to_string(q) + "?\nAnswer:", " option " + std::to_string(o)});
    }
  }
  return requests;
}

template <typename Request, typename Response>
void expect_scripted(std::span<const Request> requests, const std::vector<Response>& responses) {
  ASSERT_EQ(responses.size(), requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    SCOPED_TRACE("request " + std::to_string(i));
    testing::expect_same_response(scripted_answer(requests[i]), responses[i]);
  }
}

TEST(Scheduler, GroupsIdenticalRequests) {
  ModelInfo model = testing::fake_model("m");
  std::vector<CacheKey> keys;
  for (const char* text : {"a", "b", "a", "c", "b", "a"})
    keys.push_back(cache_key(model, LoglikelihoodRequest{text, "x"}));
  DistinctRequests distinct = group_distinct_requests(keys);
  EXPECT_EQ(distinct.distinct_of, (std::vector<size_t>{0, 1, 0, 2, 1, 0}));
  EXPECT_EQ(distinct.first_request, (std::vector<size_t>{0, 1, 3}));
  EXPECT_EQ(distinct.copies, (std::vector<int64_t>{3, 2, 1}));
}

TEST(Scheduler, DuplicatesAreComputedOnceAndFannedOut) {
  ScriptedBackend backend(testing::fake_model("m"));
  backend.reverse = true;  // answers must still come back in request order
  std::vector<LoglikelihoodRequest> requests = {{"a", " x"}, {"b", " y"}, {"a", " x"},
                                                {"c", " z"}, {"b", " y"}, {"a", " x"}};
  LoglikelihoodResults results = schedule_loglikelihood(backend, nullptr, "t", requests);
  expect_scripted<LoglikelihoodRequest>(requests, results.responses);
  ASSERT_EQ(backend.calls.size(), 1u);
  EXPECT_EQ(backend.calls[0], (std::vector<std::string>{"a| x", "b| y", "c| z"}));
  EXPECT_EQ(results.counts.total, 6);
  EXPECT_EQ(results.counts.deduplicated, 3);
  EXPECT_EQ(results.counts.from_cache, 0);
  EXPECT_EQ(results.counts.computed, 3);
  EXPECT_EQ(results.counts.errors, 0);
}

TEST(Scheduler, SecondRunIsServedFromTheCache) {
  auto path = testing::work_dir("engine_scheduler_second_run") / "cache.sqlite";
  ResponseCache cache(path);
  ScriptedBackend backend(testing::fake_model("m"));
  std::vector<LoglikelihoodRequest> ll = options_of(20, 4);
  ll.push_back(ll[5]);
  std::vector<GenerationRequest> gen(10);
  for (size_t i = 0; i < gen.size(); ++i) gen[i].prompt = "Summarize note " + std::to_string(i);

  LoglikelihoodResults first_ll = schedule_loglikelihood(backend, &cache, "medqa", ll);
  GenerationResults first_gen = schedule_generation(backend, &cache, "meqsum", gen);
  EXPECT_EQ(first_ll.counts.computed, 80);
  EXPECT_EQ(first_gen.counts.computed, 10);
  ASSERT_EQ(backend.calls.size(), 2u);

  LoglikelihoodResults second_ll = schedule_loglikelihood(backend, &cache, "medqa", ll);
  GenerationResults second_gen = schedule_generation(backend, &cache, "meqsum", gen);
  EXPECT_EQ(backend.calls.size(), 2u) << "the backend was called again";
  EXPECT_EQ(second_ll.counts.from_cache, 80);
  EXPECT_EQ(second_ll.counts.deduplicated, 1);
  EXPECT_EQ(second_ll.counts.computed, 0);
  EXPECT_EQ(second_gen.counts.from_cache, 10);
  expect_scripted<LoglikelihoodRequest>(ll, second_ll.responses);
  expect_scripted<GenerationRequest>(gen, second_gen.responses);
}

TEST(Scheduler, OnlyMissesReachTheBackendInOneCall) {
  auto path = testing::work_dir("engine_scheduler_misses") / "cache.sqlite";
  ResponseCache cache(path);
  ScriptedBackend backend(testing::fake_model("m"));
  std::vector<LoglikelihoodRequest> all = options_of(10, 4);
  std::vector<LoglikelihoodRequest> even;
  for (size_t i = 0; i < all.size(); i += 2) even.push_back(all[i]);
  schedule_loglikelihood(backend, &cache, "medqa", even);

  LoglikelihoodResults results = schedule_loglikelihood(backend, &cache, "medqa", all);
  ASSERT_EQ(backend.calls.size(), 2u);
  std::vector<std::string> odd_texts;
  for (size_t i = 1; i < all.size(); i += 2) odd_texts.push_back(text_of(all[i]));
  EXPECT_EQ(backend.calls[1], odd_texts);
  EXPECT_EQ(results.counts.from_cache, 20);
  EXPECT_EQ(results.counts.computed, 20);
  expect_scripted<LoglikelihoodRequest>(all, results.responses);
}

TEST(Scheduler, ABackendThrowingMidwayKeepsWhatItDelivered) {
  auto path = testing::work_dir("engine_scheduler_throw") / "cache.sqlite";
  std::vector<GenerationRequest> requests(12);
  for (size_t i = 0; i < requests.size(); ++i) requests[i].prompt = "prompt " + std::to_string(i);
  {
    ResponseCache cache(path);
    ScriptedBackend failing(testing::fake_model("m"));
    failing.throw_after = 5;
    failing.reverse = true;
    EXPECT_THROW(schedule_generation(failing, &cache, "meqsum", requests), std::runtime_error);
    EXPECT_EQ(cache.stats().entries, 5);
  }
  // A new process, say: the five delivered are not computed again.
  ResponseCache cache(path);
  ScriptedBackend healthy(testing::fake_model("m"));
  GenerationResults results = schedule_generation(healthy, &cache, "meqsum", requests);
  EXPECT_EQ(results.counts.from_cache, 5);
  EXPECT_EQ(results.counts.computed, 7);
  ASSERT_EQ(healthy.calls.size(), 1u);
  EXPECT_EQ(healthy.calls[0].size(), 7u);
  for (const std::string& text : healthy.calls[0]) {
    int index = std::stoi(text.substr(7));
    EXPECT_LT(index, 7) << "delivered before the throw (the last five) yet computed again";
  }
  expect_scripted<GenerationRequest>(requests, results.responses);
}

TEST(Scheduler, BackendErrorsAreCountedAndNeverCached) {
  auto path = testing::work_dir("engine_scheduler_errors") / "cache.sqlite";
  ResponseCache cache(path);
  ScriptedBackend backend(testing::fake_model("m"));
  backend.fail_marker = "Question 3?";
  std::vector<LoglikelihoodRequest> requests = options_of(5, 2);
  requests.push_back(requests[6]);  // a duplicate of a failing one
  LoglikelihoodResults first = schedule_loglikelihood(backend, &cache, "medqa", requests);
  EXPECT_EQ(first.counts.errors, 2);
  EXPECT_EQ(first.responses[6].status, RequestStatus::backend_error);
  EXPECT_EQ(first.responses[10].status, RequestStatus::backend_error);
  EXPECT_EQ(cache.stats().entries, 8);

  backend.fail_marker.clear();
  LoglikelihoodResults second = schedule_loglikelihood(backend, &cache, "medqa", requests);
  EXPECT_EQ(second.counts.from_cache, 8);
  EXPECT_EQ(second.counts.computed, 2);
  EXPECT_EQ(second.counts.errors, 0);
  EXPECT_EQ(backend.calls.back(),
            (std::vector<std::string>{text_of(requests[6]), text_of(requests[7])}));
  expect_scripted<LoglikelihoodRequest>(requests, second.responses);
}

TEST(Scheduler, ContextOverflowIsRecomputedUnderAnotherWindow) {
  auto path = testing::work_dir("engine_scheduler_overflow") / "cache.sqlite";
  ResponseCache cache(path);
  std::vector<LoglikelihoodRequest> requests = {{"LONG context", " a"}, {"short", " b"}};
  ScriptedBackend small(testing::fake_model("m", 512));
  schedule_loglikelihood(small, &cache, "t", requests);
  EXPECT_EQ(schedule_loglikelihood(small, &cache, "t", requests).counts.from_cache, 2);
  ScriptedBackend large(testing::fake_model("m", 8192));
  LoglikelihoodResults results = schedule_loglikelihood(large, &cache, "t", requests);
  EXPECT_EQ(results.counts.from_cache, 1);
  EXPECT_EQ(results.counts.computed, 1);
  EXPECT_EQ(large.calls.at(0), (std::vector<std::string>{"LONG context| a"}));
}

TEST(Scheduler, ProgressCoversCachedAndDuplicateRequests) {
  auto path = testing::work_dir("engine_scheduler_progress") / "cache.sqlite";
  ResponseCache cache(path);
  ScriptedBackend backend(testing::fake_model("m"));
  std::vector<LoglikelihoodRequest> all = options_of(6, 4);
  std::vector<LoglikelihoodRequest> first_half(all.begin(), all.begin() + 12);
  schedule_loglikelihood(backend, &cache, "t", first_half);
  all.push_back(all[20]);
  all.push_back(all[20]);

  std::vector<std::pair<int64_t, int64_t>> reports;
  schedule_loglikelihood(backend, &cache, "t", all,
                         [&](int64_t done, int64_t total) { reports.emplace_back(done, total); });
  ASSERT_FALSE(reports.empty());
  EXPECT_EQ(reports.front(), std::make_pair(int64_t(12), int64_t(26)));  // the cache's share first
  EXPECT_EQ(reports.back(), std::make_pair(int64_t(26), int64_t(26)));
  for (size_t i = 1; i < reports.size(); ++i) {
    EXPECT_GE(reports[i].first, reports[i - 1].first);
    EXPECT_EQ(reports[i].second, 26);
  }
  EXPECT_EQ(reports.size(), 1u + 12u);  // one report per computed request

  std::vector<std::pair<int64_t, int64_t>> empty_reports;
  LoglikelihoodResults none = schedule_loglikelihood(
      backend, &cache, "t", {},
      [&](int64_t done, int64_t total) { empty_reports.emplace_back(done, total); });
  EXPECT_TRUE(none.responses.empty());
  EXPECT_EQ(empty_reports, (std::vector<std::pair<int64_t, int64_t>>{{0, 0}}));
}

TEST(Scheduler, BackendContractViolationsAreLogicErrors) {
  std::vector<LoglikelihoodRequest> requests = options_of(2, 2);
  ScriptedBackend twice(testing::fake_model("m"));
  twice.deliver_twice = true;
  EXPECT_THROW(schedule_loglikelihood(twice, nullptr, "t", requests), std::logic_error);
  ScriptedBackend short_of_one(testing::fake_model("m"));
  short_of_one.skip_last = true;
  EXPECT_THROW(schedule_loglikelihood(short_of_one, nullptr, "t", requests), std::logic_error);
}

}  // namespace
}  // namespace clinbench
