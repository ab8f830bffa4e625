// A task's output_cleanup end to end through task_evaluate: the metrics read the cleaned answer,
// the sample keeps the raw one beside it (CLUE cleans before scoring; clue-differences.md D12).
#include <gtest/gtest.h>

#include "clinbench/kinds.h"
#include "clinbench/metrics.h"
#include "clinbench/tasks.h"
#include "clinbench/task_evaluation.h"
#include "clinbench/sample_scoring.h"
#include "test_support.h"

namespace clinbench {
namespace {

// Answers every generation with the same text.
class FixedAnswerBackend : public Backend {
 public:
  explicit FixedAnswerBackend(std::string answer) : answer_(std::move(answer)) { info_.spec = "fixed"; }
  const ModelInfo& info() const override { return info_; }
  void loglikelihood(std::span<const LoglikelihoodRequest>, const LoglikelihoodSink&, const ProgressCallback&) override {}
  void generate(std::span<const GenerationRequest> requests, const GenerationSink& sink,
                const ProgressCallback&) override {
    for (size_t i = 0; i < requests.size(); ++i) {
      GenerationResponse response;
      response.text = answer_;
      sink(i, std::move(response));
    }
  }
  std::string render_chat(const ChatPrompt& chat) const override { return chat.messages.back().content; }
  ChatFormat chat_format() const override { return ChatFormat::plain_text; }
  int32_t count_tokens(std::string_view text) const override { return int32_t(text.size() / 4); }

 private:
  std::string answer_;
  ModelInfo info_;
};

TaskResult evaluate(const std::string& task, const std::string& answer) {
  TaskSpec spec = task_spec_find(task);
  TaskData data = task_data_load(spec, TaskDataOptions{testing::test_data_dir() / "fixtures" / "clinical", -1, -1, 1234});
  FixedAnswerBackend backend(answer);
  return task_evaluate(backend, nullptr, spec, data, EvaluationOptions{1234, 100}, ScoringResources{}, {});
}

TEST(OutputCleanupScoring, MednliLabelIsReadFromTheCleanedAnswer) {
  // Raw, the answer holds ENTAILMENT once (acc 1 on the entailment items); CLUE's regex cuts the
  // self-prompted tail, leaving CONTRADICTION only.
  const std::string raw = "CONTRADICTION [INST] ENTAILMENT";
  TaskResult result = evaluate("mednli", raw);
  ASSERT_FALSE(result.samples.empty());
  for (const nlohmann::json sample : result.samples) {  // each typed Sample as its JSON line
    EXPECT_EQ(sample["response"], raw);
    EXPECT_EQ(sample["scored_response"], "CONTRADICTION ");
    double expected = sample["target"] == "contradiction" ? 1.0 : 0.0;
    EXPECT_EQ(sample["scores"]["acc"].get<double>(), expected) << sample;
  }
}

TEST(OutputCleanupScoring, MedisumqaStripsThenSplitsAtPhisEndMarker) {
  const std::string raw = "\n  He was treated for pneumonia. <|end|> You are an AI assistant\n";
  TaskResult result = evaluate("medisumqa", raw);
  ASSERT_FALSE(result.samples.empty());
  for (const nlohmann::json sample : result.samples) {  // each typed Sample as its JSON line
    EXPECT_EQ(sample["response"], raw);
    EXPECT_EQ(sample["scored_response"], "He was treated for pneumonia.");
    RougeScores rouge = metric_rouge("He was treated for pneumonia.", sample["target"].get<std::string>());
    EXPECT_DOUBLE_EQ(sample["scores"]["rouge1"].get<double>(), rouge.rouge1.f) << sample;
  }
}

TEST(OutputCleanupScoring, TasksWithoutCleanupScoreTheRawAnswer) {
  TaskSpec spec = task_spec_find("medisumqa");
  spec.output_cleanup.clear();
  TaskData data = task_data_load(spec, TaskDataOptions{testing::test_data_dir() / "fixtures" / "clinical", -1, -1, 1234});
  const std::string raw = "Pneumonia. <|end|> antibiotics";
  FixedAnswerBackend backend(raw);
  TaskResult result = task_evaluate(backend, nullptr, spec, data, EvaluationOptions{1234, 100}, ScoringResources{}, {});
  for (const nlohmann::json sample : result.samples) {  // each typed Sample as its JSON line
    EXPECT_FALSE(sample.contains("scored_response"));
    RougeScores rouge = metric_rouge(raw, sample["target"].get<std::string>());
    EXPECT_DOUBLE_EQ(sample["scores"]["rouge1"].get<double>(), rouge.rouge1.f);
  }
}

}  // namespace
}  // namespace clinbench
