// Paths in a suite stay inside the suite file's folder unless the user passes
// --allow-absolute-paths: a suite someone sends cannot point the run at arbitrary files (a data
// folder of secrets read into prompts, any file loaded as a model).
#include <gtest/gtest.h>

#include <cstdlib>

#include "clinbench/suite.h"
#include "clinbench/core.h"
#include "test_support.h"

namespace clinbench {
namespace {

const char* kServerModels =
    "models:\n"
    "  - {name: base, model: openai:http://127.0.0.1:9/v1}\n"
    "  - {name: tuned, model: openai:http://127.0.0.1:9/v1}\n";

std::string suite_error(const std::string& yaml, const std::filesystem::path& path) {
  try {
    suite_parse(yaml, path);
  } catch (const Error& e) {
    return e.what();
  }
  return "accepted";
}

TEST(SuitePaths, InsideTheSuitesFolderIsAccepted) {
  std::filesystem::path dir = testing::work_dir("suite_paths_inside");
  std::filesystem::create_directories(dir / "models");
  write_file_atomic(dir / "models" / "base.gguf", "not read by the parser");
  Suite suite = suite_parse(
      "tasks: [medqa, tasks/mine.yaml]\ndata_dir: data\nmodels:\n"
      "  - {name: base, model: gguf:models/base.gguf}\n"
      "  - {name: tuned, model: openai:http://127.0.0.1:9/v1}\n",
      dir / "suite.yaml");
  EXPECT_EQ(suite.tasks[1], (dir / "tasks" / "mine.yaml").string());
  EXPECT_EQ(*suite.data_dir, dir / "data");
  EXPECT_EQ(suite.models[0].spec, "gguf:" + (dir / "models" / "base.gguf").string());
}

TEST(SuitePaths, EscapesAreRefusedNamingLineFieldAndTheFlag) {
  const std::filesystem::path suite = "/study/suites/suite.yaml";
  const std::string allow = "; pass --allow-absolute-paths to let task and suite files name files anywhere";
  EXPECT_EQ(suite_error(std::string("tasks: [medqa]\ndata_dir: /home/someone/.ssh\n") + kServerModels, suite),
            "/study/suites/suite.yaml:2: field 'data_dir': '/home/someone/.ssh' is an absolute path; paths "
            "here are relative to the suite's folder (/study/suites)" + allow);
  EXPECT_EQ(suite_error(std::string("tasks: [medqa]\ndata_dir: ../../etc\n") + kServerModels, suite),
            "/study/suites/suite.yaml:2: field 'data_dir': '../../etc' leaves the suite's folder "
            "(/study/suites)" + allow);
  EXPECT_EQ(suite_error(std::string("tasks: [medqa, ../tasks/evil.yaml]\n") + kServerModels, suite),
            "/study/suites/suite.yaml:1: field 'tasks[1]': '../tasks/evil.yaml' leaves the suite's folder "
            "(/study/suites)" + allow);
  EXPECT_EQ(suite_error("tasks: [medqa]\nmodels:\n  - {name: a, model: gguf:/etc/passwd}\n"
                        "  - {name: b, model: openai:http://x/v1}\n",
                        suite),
            "/study/suites/suite.yaml:3: field 'models[0].model': '/etc/passwd' is an absolute path; paths "
            "here are relative to the suite's folder (/study/suites)" + allow);
}

TEST(SuitePaths, VariablesThatExpandToAbsolutePathsNeedTheFlagToo) {
  std::filesystem::path dir = testing::work_dir("suite_paths_variables");
  write_file_atomic(dir / "base.gguf", "x");
  setenv("CLINBENCH_TEST_MODELS", dir.c_str(), 1);
  const std::string yaml =
      "tasks: [medqa]\nmodels:\n  - {name: base, model: \"gguf:${CLINBENCH_TEST_MODELS}/base.gguf\"}\n"
      "  - {name: tuned, model: openai:http://127.0.0.1:9/v1}\n";
  EXPECT_NE(suite_error(yaml, "/study/suite.yaml").find("is an absolute path"), std::string::npos);
  Suite suite = suite_parse(yaml, "/study/suite.yaml", true);
  EXPECT_EQ(suite.models[0].spec, "gguf:" + (dir / "base.gguf").string());
  unsetenv("CLINBENCH_TEST_MODELS");
}

TEST(SuitePaths, AllowedEscapesResolve) {
  Suite suite = suite_parse(
      std::string("tasks: [medqa, ../tasks/mine.yaml, /opt/tasks/x.yaml]\ndata_dir: ../data\n") + kServerModels,
      "/study/suites/suite.yaml", true);
  EXPECT_EQ(suite.tasks[1], "/study/tasks/mine.yaml");
  EXPECT_EQ(suite.tasks[2], "/opt/tasks/x.yaml");
  EXPECT_EQ(*suite.data_dir, std::filesystem::path("/study/data"));
}

// Found while checking suite_parse's contract for fuzz/suite_yaml_fuzz.cpp
// (fuzz/regressions/suite_yaml/long_model_file_name.yaml): a model file name longer than the
// system allows made std::filesystem::exists throw filesystem_error out of the parser.
TEST(SuitePaths, ModelFileNamesTheSystemRefusesAreErrors) {
  const std::string name(300, 'a');
  std::string message = "accepted";
  try {
    suite_parse("tasks: [medqa]\nmodels:\n  - {name: a, model: \"gguf:/" + name + ".gguf\"}\n"
                     "  - {name: b, model: openai:http://x/v1}\n",
                     "/study/suite.yaml", true);
  } catch (const Error& e) {
    message = e.what();
  }
  EXPECT_EQ(message, "/study/suite.yaml:3: field 'models[0].model': model file not found: /" + name +
                         ".gguf (File name too long)");
}

}  // namespace
}  // namespace clinbench
