// Numeric options outside their range stop the command as it is parsed, before any file is read
// or model loaded, with a message that names the option and the allowed range.
#include <gtest/gtest.h>

#include "test_support.h"

namespace clinbench {
namespace {

TEST(OptionRanges, EveryNumericOptionOfRunIsCheckedBeforeAnythingLoads) {
  const std::string run = "run --model gguf:/nonexistent/model.gguf --tasks medqa --data-dir /nonexistent ";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--parallel 0", "--parallel: must be at least 1 (got 0)"},
      {"--batch-size 0", "--batch-size: must be at least 1 (got 0)"},
      {"--num-fewshot -5", "--num-fewshot: must be at least 0 (or -1: the task's own) (got -5)"},
      {"--bootstrap-resamples 0", "--bootstrap-resamples: must be from 1 to 100000000 (got 0)"},
      {"--threads -1", "--threads: must be at least 0 (got -1)"},
      {"--ctx-size -16", "--ctx-size: must be at least 0 (got -16)"},
      {"--kv-size -1", "--kv-size: must be at least 0 (got -1)"},
      {"--gpu-layers -2", "--gpu-layers: must be at least 0 (or -1: all) (got -2)"},
      {"--concurrency 0", "--concurrency: must be at least 1 (got 0)"},
      {"--request-timeout 0", "--request-timeout: must be more than 0 (got 0)"},
      {"--max-retries -1", "--max-retries: must be at least 0 (got -1)"},
      {"--bertscore-layer -1", "--bertscore-layer: must be at least 0 (got -1)"},
      {"--rag-k 0", "--rag-k"},
  };
  for (const auto& [arguments, message] : cases) {
    testing::CommandOutcome outcome = testing::run_clinbench(run + arguments);
    EXPECT_NE(outcome.status, 0) << arguments;
    EXPECT_NE(outcome.output.find(message), std::string::npos) << arguments << "\n" << outcome.output;
    EXPECT_EQ(outcome.output.find("loading"), std::string::npos) << outcome.output;
    EXPECT_EQ(outcome.output.find("expects its data"), std::string::npos) << "checked before the data: " << outcome.output;
  }
  // The edges are allowed: the run gets as far as the (missing) data.
  for (const char* arguments : {"--num-fewshot -1", "--num-fewshot 0", "--gpu-layers -1", "--parallel 1",
                                "--bootstrap-resamples 1", "--request-timeout 0.5", "--max-retries 0"}) {
    testing::CommandOutcome outcome = testing::run_clinbench(run + arguments);
    EXPECT_EQ(outcome.status, 1) << arguments;
    EXPECT_NE(outcome.output.find("expects its data"), std::string::npos) << arguments << "\n" << outcome.output;
  }
}

TEST(OptionRanges, OtherCommandsToo) {
  testing::CommandOutcome audit = testing::run_clinbench("audit --tasks medqa --min-k 0");
  EXPECT_NE(audit.output.find("--min-k: must be more than 0 and at most 100 (got 0)"), std::string::npos) << audit.output;
  testing::CommandOutcome threshold = testing::run_clinbench("audit --tasks medqa --threshold 1.5");
  EXPECT_NE(threshold.output.find("--threshold: must be from 0 to 1 (got 1.5)"), std::string::npos) << threshold.output;
  testing::CommandOutcome layers =
      testing::run_clinbench("make-test-model --vocab /nonexistent.gguf --out /tmp/x.gguf --layers 0");
  EXPECT_NE(layers.output.find("--layers: must be at least 1 (got 0)"), std::string::npos) << layers.output;
}

}  // namespace
}  // namespace clinbench
