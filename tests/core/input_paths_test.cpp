// Paths written in task and suite files stay under their base folder unless the user allows
// otherwise (--allow-absolute-paths).
#include <gtest/gtest.h>

#include <unistd.h>

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

namespace clinbench {
namespace {

// A symbolic link inside the base that leads out of it is refused like "../" (it used to be
// followed: a task could read /etc/passwd through data/link.gguf); one that stays inside is fine.
TEST(InputPaths, SymbolicLinksAreResolvedBeforeTheCheck) {
  std::filesystem::path base = std::filesystem::temp_directory_path() / ("clinbench-links-" + std::to_string(getpid()));
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base / "medqa");
  write_file_atomic(base / "medqa" / "test.jsonl", "{}\n");
  std::filesystem::create_symlink("/etc/passwd", base / "link.gguf");
  std::filesystem::create_directory_symlink("/etc", base / "etc");
  std::filesystem::create_symlink(base / "medqa" / "test.jsonl", base / "inside.jsonl");
  auto refusal_in = [&base](std::string_view written) -> std::string {
    try {
      input_path_resolve(base, "the data directory", written, false, "task.yaml", 3, "dataset.path");
    } catch (const Error& e) {
      return e.what();
    }
    return "accepted";
  };
  EXPECT_EQ(refusal_in("link.gguf"),
            "task.yaml:3: field 'dataset.path': 'link.gguf' leads out of the data directory (" + base.string() +
                ") through a symbolic link; pass --allow-absolute-paths to let task and suite files name files "
                "anywhere");
  EXPECT_NE(refusal_in("etc/passwd").find("through a symbolic link"), std::string::npos);
  EXPECT_NE(refusal_in("etc/no-such-file").find("through a symbolic link"), std::string::npos);
  EXPECT_EQ(refusal_in("inside.jsonl"), "accepted");
  EXPECT_EQ(refusal_in("medqa/test.jsonl"), "accepted");
  EXPECT_EQ(refusal_in("medqa/not-yet.jsonl"), "accepted");  // a missing file is the reader's error
  // The way out stays: the user allows files anywhere.
  EXPECT_EQ(input_path_resolve(base, "the data directory", "link.gguf", true, "task.yaml", 3, "dataset.path"),
            base / "link.gguf");
  std::filesystem::remove_all(base);
}

}  // namespace
}  // namespace clinbench
