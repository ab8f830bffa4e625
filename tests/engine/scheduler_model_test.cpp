// The scheduler in front of the real embedded backend (a tiny generated GGUF): a rerun is
// answered entirely by the cache with identical responses, duplicates cost one evaluation, and
// a backend that dies mid-way leaves its finished work in the cache.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "clinbench/engine.h"
#include "engine_test_util.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::unique_ptr<Backend> tiny_backend() {
  BackendOptions options;
  options.threads = 2;
  return open_backend("gguf:" + testing::tiny_model("llama-spm").string(), options);
}

std::vector<LoglikelihoodRequest> multiple_choice_requests() {
  const std::vector<std::string> stems = {
      "Question: A 54-year-old man presents with crushing chest pain. Which enzyme rises "
      "first?\nAnswer:",
      "You are a clinician.\n\nQuestion: Which vitamin deficiency causes scurvy?\nAnswer:",
      "You are a clinician.\n\nQuestion: Which nerve is injured in wrist drop?\nAnswer:",
  };
  const std::vector<std::vector<std::string>> options = {
      {" Troponin I", " Myoglobin", " CK-MB"},
      {" Vitamin C", " Vitamin B12", " Vitamin D", " Niacin"},
      {" Radial", " Ulnar"},
  };
  std::vector<LoglikelihoodRequest> requests;
  for (size_t q = 0; q < stems.size(); ++q) {
    for (const auto& option : options[q]) requests.push_back({stems[q], option});
  }
  requests.push_back(requests[0]);  // the same question asked by two prompts of a task
  requests.push_back(requests[4]);
  return requests;
}

std::vector<GenerationRequest> generation_requests() {
  std::vector<GenerationRequest> requests;
  for (const char* prompt :
       {"Summarize: patient with fever and productive cough for three days.",
        "Q: Which drug reverses heparin?\nA:", "The discharge letter states that the patient",
        "Q: Which drug reverses heparin?\nA:"}) {
    GenerationRequest request;
    request.prompt = prompt;
    request.max_tokens = 12;
    request.stop = {"\n\n"};
    requests.push_back(request);
  }
  return requests;
}

// Forwards to a real backend and records what reaches it.
class CountingBackend : public Backend {
 public:
  explicit CountingBackend(Backend& inner) : inner_(inner) {}
  int64_t calls = 0;
  int64_t requests_seen = 0;
  // >= 0: the whole batch is computed, then only this many responses are delivered before the
  // call throws, as a server does when it starts refusing mid-run.
  int64_t throw_after = -1;

  const ModelInfo& info() const override { return inner_.info(); }
  void loglikelihood(std::span<const LoglikelihoodRequest> requests, const LoglikelihoodSink& sink,
                     const ProgressCallback& progress) override {
    ++calls;
    requests_seen += int64_t(requests.size());
    std::vector<std::pair<size_t, LoglikelihoodResponse>> done;
    inner_.loglikelihood(
        requests, [&](size_t i, LoglikelihoodResponse&& r) { done.emplace_back(i, std::move(r)); },
        progress);
    deliver(done, sink);
  }
  void generate(std::span<const GenerationRequest> requests, const GenerationSink& sink,
                const ProgressCallback& progress) override {
    ++calls;
    requests_seen += int64_t(requests.size());
    std::vector<std::pair<size_t, GenerationResponse>> done;
    inner_.generate(
        requests, [&](size_t i, GenerationResponse&& r) { done.emplace_back(i, std::move(r)); },
        progress);
    deliver(done, sink);
  }
  std::string render_chat(const ChatPrompt& chat) const override {
    return inner_.render_chat(chat);
  }
  ChatFormat chat_format() const override { return inner_.chat_format(); }
  int32_t count_tokens(std::string_view text) const override { return inner_.count_tokens(text); }

 private:
  template <typename Response, typename Sink>
  void deliver(std::vector<std::pair<size_t, Response>>& done, const Sink& sink) {
    for (size_t n = 0; n < done.size(); ++n) {
      if (throw_after >= 0 && int64_t(n) == throw_after)
        throw std::runtime_error("HTTP 401: invalid API key");
      sink(done[n].first, std::move(done[n].second));
    }
  }
  Backend& inner_;
};

TEST(SchedulerWithModel, SecondRunComesEntirelyFromTheCache) {
  auto path = testing::work_dir("engine_scheduler_model_rerun") / "cache.sqlite";
  auto real = tiny_backend();
  CountingBackend backend(*real);
  std::vector<LoglikelihoodRequest> ll = multiple_choice_requests();
  std::vector<GenerationRequest> gen = generation_requests();

  LoglikelihoodResults first_ll;
  GenerationResults first_gen;
  {
    ResponseCache cache(path);
    first_ll = schedule_loglikelihood(backend, &cache, "medqa", ll);
    first_gen = schedule_generation(backend, &cache, "meqsum", gen);
  }
  EXPECT_EQ(backend.calls, 2);
  EXPECT_EQ(backend.requests_seen, 9 + 3) << "duplicates reached the backend";
  EXPECT_EQ(first_ll.counts.computed, 9);
  EXPECT_EQ(first_ll.counts.deduplicated, 2);
  for (const auto& response : first_ll.responses) {
    ASSERT_EQ(response.status, RequestStatus::ok) << response.error;
    EXPECT_TRUE(std::isfinite(response.logprob));
  }
  for (const auto& response : first_gen.responses)
    ASSERT_EQ(response.status, RequestStatus::ok) << response.error;
  testing::expect_same_response(first_ll.responses[0], first_ll.responses[9]);
  testing::expect_same_response(first_gen.responses[1], first_gen.responses[3]);

  ResponseCache cache(path);  // reopened, as by a second run
  LoglikelihoodResults second_ll = schedule_loglikelihood(backend, &cache, "medqa", ll);
  GenerationResults second_gen = schedule_generation(backend, &cache, "meqsum", gen);
  EXPECT_EQ(backend.calls, 2) << "the second run reached the model";
  EXPECT_EQ(second_ll.counts.from_cache, 9);
  EXPECT_EQ(second_ll.counts.computed, 0);
  EXPECT_EQ(second_gen.counts.from_cache, 3);
  ASSERT_EQ(second_ll.responses.size(), ll.size());
  for (size_t i = 0; i < ll.size(); ++i) {
    SCOPED_TRACE("loglikelihood request " + std::to_string(i));
    testing::expect_same_response(first_ll.responses[i], second_ll.responses[i]);
  }
  for (size_t i = 0; i < gen.size(); ++i) {
    SCOPED_TRACE("generation request " + std::to_string(i));
    testing::expect_same_response(first_gen.responses[i], second_gen.responses[i]);
  }
  EXPECT_TRUE(cache.verify().ok());
}

TEST(SchedulerWithModel, DeduplicatedAnswersEqualTheBackendsOwn) {
  auto real = tiny_backend();
  std::vector<LoglikelihoodRequest> ll = multiple_choice_requests();
  LoglikelihoodResults scheduled = schedule_loglikelihood(*real, nullptr, "medqa", ll);
  std::vector<LoglikelihoodResponse> direct(ll.size());
  real->loglikelihood(ll, [&](size_t i, LoglikelihoodResponse&& r) { direct[i] = std::move(r); },
                      {});
  for (size_t i = 0; i < ll.size(); ++i) {
    // The backend's batches differ (9 distinct vs 11 requests); its own test bounds the effect.
    EXPECT_NEAR(scheduled.responses[i].logprob, direct[i].logprob, 1e-3) << i;
    EXPECT_EQ(scheduled.responses[i].continuation_tokens, direct[i].continuation_tokens) << i;
    EXPECT_EQ(scheduled.responses[i].context_tokens, direct[i].context_tokens) << i;
  }
}

TEST(SchedulerWithModel, ABackendFailingMidwayLeavesItsFinishedWorkCached) {
  auto path = testing::work_dir("engine_scheduler_model_throw") / "cache.sqlite";
  auto real = tiny_backend();
  std::vector<GenerationRequest> gen = generation_requests();
  std::vector<LoglikelihoodRequest> ll = multiple_choice_requests();
  {
    ResponseCache cache(path);
    CountingBackend failing(*real);
    failing.throw_after = 4;
    EXPECT_THROW(schedule_loglikelihood(failing, &cache, "medqa", ll), std::runtime_error);
    failing.throw_after = 1;
    EXPECT_THROW(schedule_generation(failing, &cache, "meqsum", gen), std::runtime_error);
    EXPECT_EQ(cache.stats().entries, 4 + 1);
  }
  ResponseCache cache(path);
  CountingBackend healthy(*real);
  LoglikelihoodResults ll_results = schedule_loglikelihood(healthy, &cache, "medqa", ll);
  GenerationResults gen_results = schedule_generation(healthy, &cache, "meqsum", gen);
  EXPECT_EQ(ll_results.counts.from_cache, 4);
  EXPECT_EQ(ll_results.counts.computed, 5);
  EXPECT_EQ(gen_results.counts.from_cache, 1);
  EXPECT_EQ(gen_results.counts.computed, 2);
  EXPECT_EQ(healthy.requests_seen, 5 + 2);

  // The resumed answers are the uninterrupted ones: greedy text exactly, scores within the
  // batching tolerance of the backend.
  GenerationResults uninterrupted_gen = schedule_generation(*real, nullptr, "meqsum", gen);
  LoglikelihoodResults uninterrupted_ll = schedule_loglikelihood(*real, nullptr, "medqa", ll);
  for (size_t i = 0; i < gen.size(); ++i) {
    EXPECT_EQ(gen_results.responses[i].tokens, uninterrupted_gen.responses[i].tokens) << i;
    EXPECT_EQ(gen_results.responses[i].text, uninterrupted_gen.responses[i].text) << i;
  }
  for (size_t i = 0; i < ll.size(); ++i) {
    EXPECT_NEAR(ll_results.responses[i].logprob, uninterrupted_ll.responses[i].logprob, 1e-3) << i;
  }
}

}  // namespace
}  // namespace clinbench
