// Paths written in task and suite files stay under their base folder unless the user allows
// otherwise (--allow-absolute-paths).
#include <gtest/gtest.h>

#include "clinbench/core.h"

namespace clinbench {
namespace {

std::filesystem::path resolve(std::string_view written, bool allow_outside) {
  return input_path_resolve("/data", "the data directory", written, allow_outside, "task.yaml", 7,
                            "dataset.path");
}

std::string refusal(std::string_view written) {
  try {
    resolve(written, false);
  } catch (const Error& e) {
    return e.what();
  }
  return "accepted";
}

TEST(InputPaths, RelativePathsStayUnderTheBase) {
  EXPECT_EQ(resolve("medqa/test.jsonl", false), "/data/medqa/test.jsonl");
  EXPECT_EQ(resolve("./medqa/../medqa/test.jsonl", false), "/data/medqa/test.jsonl");
  EXPECT_EQ(resolve("mmlu/*_test.csv", false), "/data/mmlu/*_test.csv");
  EXPECT_EQ(resolve("a/b/../../c.json", false), "/data/c.json");
}

TEST(InputPaths, EscapesAreRefusedNamingFileLineFieldAndTheFlag) {
  EXPECT_EQ(refusal("../secrets.csv"),
            "task.yaml:7: field 'dataset.path': '../secrets.csv' leaves the data directory (/data); "
            "pass --allow-absolute-paths to let task and suite files name files anywhere");
  EXPECT_EQ(refusal("a/../../etc/passwd"),
            "task.yaml:7: field 'dataset.path': 'a/../../etc/passwd' leaves the data directory (/data); "
            "pass --allow-absolute-paths to let task and suite files name files anywhere");
  EXPECT_EQ(refusal("/etc/passwd"),
            "task.yaml:7: field 'dataset.path': '/etc/passwd' is an absolute path; paths here are "
            "relative to the data directory (/data); pass --allow-absolute-paths to let task and "
            "suite files name files anywhere");
  EXPECT_EQ(refusal(""), "task.yaml:7: field 'dataset.path': empty path");
}

TEST(InputPaths, AllowedEscapesResolve) {
  EXPECT_EQ(resolve("/srv/medqa/test.jsonl", true), "/srv/medqa/test.jsonl");
  EXPECT_EQ(resolve("/srv/medqa/../x.json", true), "/srv/x.json");
  EXPECT_EQ(resolve("../shared/medqa.jsonl", true), "/shared/medqa.jsonl");
  EXPECT_THROW(resolve("", true), Error);
}

}  // namespace
}  // namespace clinbench
