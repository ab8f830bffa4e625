// `clinbench run --allow-absolute-paths`: without it a task file that names its data by absolute
// path stops the run before the model is looked at; with it the data is read (and the run goes
// on to the model, which does not exist here).
#include <gtest/gtest.h>

#include <fstream>

#include "child_process.h"
#include "clinbench/core.h"
#include "test_support.h"

namespace clinbench {
namespace {

TEST(AllowAbsolutePaths, TaskFilesNeedTheFlagForDataOutsideTheDataDirectory) {
  const std::filesystem::path dir = testing::work_dir("cli_allow_absolute_paths");
  std::ofstream(dir / "items.jsonl") << R"({"q": "Which?", "o": {"A": "x", "B": "y"}, "a": "B"})" << "\n";
  const std::filesystem::path task = dir / "outside.yaml";
  std::ofstream(task) << "name: outside\ndataset:\n  path: " << (dir / "items.jsonl").string()
                      << "\nmapping:\n  question: q\n  options: o\n  answer: a\nprompt:\n  user: \"{question}\"\n"
                         "metrics: [acc]\n";
  std::vector<std::string> command = {"run", "--model", "gguf:/nonexistent/model.gguf", "--tasks", task.string(),
                                      "--data-dir", (dir / "data").string(), "--output-dir", (dir / "out").string()};

  testing::ChildOptions refused = testing::child_options(dir, dir / "refused.log");
  EXPECT_EQ(testing::run_clinbench_child(command, refused).exit_status, 1);
  std::string log = read_file(refused.log);
  EXPECT_NE(log.find("error: " + task.string() + ": field 'dataset.path': '" + (dir / "items.jsonl").string() +
                     "' is an absolute path"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("pass --allow-absolute-paths"), std::string::npos) << log;
  EXPECT_EQ(log.find("model"), std::string::npos) << log;

  command.push_back("--allow-absolute-paths");
  testing::ChildOptions allowed = testing::child_options(dir, dir / "allowed.log");
  EXPECT_EQ(testing::run_clinbench_child(command, allowed).exit_status, 1);
  log = read_file(allowed.log);
  EXPECT_EQ(log.find("absolute path"), std::string::npos) << log;
  EXPECT_NE(log.find("/nonexistent/model.gguf"), std::string::npos) << "the data was read, then the model looked for: " << log;
}

}  // namespace
}  // namespace clinbench
