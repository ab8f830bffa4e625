// Replays fuzz/corpus/TARGET/* and fuzz/regressions/TARGET/* through each fuzz target's entry
// point (fuzz/TARGET_fuzz.cpp, compiled here without libFuzzer). A target checks its parser's
// contract and aborts on a broken invariant; an exception other than clinbench::Error escapes
// the entry point and fails the test here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "clinbench/core.h"
#include "test_support.h"

#define CLINBENCH_DECLARE_FUZZ_TARGET(name) \
  extern "C" int clinbench_fuzz_##name(const uint8_t* data, size_t size);
CLINBENCH_DECLARE_FUZZ_TARGET(dataset_jsonl)
CLINBENCH_DECLARE_FUZZ_TARGET(dataset_json)
CLINBENCH_DECLARE_FUZZ_TARGET(dataset_csv)
CLINBENCH_DECLARE_FUZZ_TARGET(task_yaml)
CLINBENCH_DECLARE_FUZZ_TARGET(suite_yaml)
CLINBENCH_DECLARE_FUZZ_TARGET(openai_replies)
CLINBENCH_DECLARE_FUZZ_TARGET(answer_extraction)
CLINBENCH_DECLARE_FUZZ_TARGET(icd_codes)
CLINBENCH_DECLARE_FUZZ_TARGET(data_manifest)

namespace clinbench {
namespace {

using FuzzEntry = int (*)(const uint8_t*, size_t);

struct FuzzTarget {
  std::string name;
  FuzzEntry entry;
};

// Every target of fuzz/fuzz_targets.cmake; a target missing here fails TargetsMatchTheBuildList.
const std::vector<FuzzTarget>& fuzz_targets() {
  static const std::vector<FuzzTarget> targets = {
      {"dataset_jsonl", clinbench_fuzz_dataset_jsonl},
      {"dataset_json", clinbench_fuzz_dataset_json},
      {"dataset_csv", clinbench_fuzz_dataset_csv},
      {"task_yaml", clinbench_fuzz_task_yaml},
      {"suite_yaml", clinbench_fuzz_suite_yaml},
      {"openai_replies", clinbench_fuzz_openai_replies},
      {"answer_extraction", clinbench_fuzz_answer_extraction},
      {"icd_codes", clinbench_fuzz_icd_codes},
      {"data_manifest", clinbench_fuzz_data_manifest},
  };
  return targets;
}

std::filesystem::path fuzz_dir() { return testing::source_dir() / "fuzz"; }

// The files of fuzz/KIND/TARGET/, sorted so failures name the same file every run.
std::vector<std::filesystem::path> inputs_of(const std::string& kind, const std::string& target) {
  std::vector<std::filesystem::path> files;
  std::filesystem::path dir = fuzz_dir() / kind / target;
  if (!std::filesystem::is_directory(dir)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class FuzzReplay : public ::testing::TestWithParam<FuzzTarget> {};

TEST_P(FuzzReplay, CorpusAndRegressionsKeepTheContract) {
  const FuzzTarget& target = GetParam();
  std::vector<std::filesystem::path> files = inputs_of("corpus", target.name);
  ASSERT_FALSE(files.empty()) << "fuzz/corpus/" << target.name << "/ needs seed files";
  for (const std::filesystem::path& file : inputs_of("regressions", target.name)) files.push_back(file);
  for (const std::filesystem::path& file : files) {
    std::string bytes = read_file(file);
    // Printed first: a broken invariant aborts the process, and this line says which input.
    std::fprintf(stderr, "replaying %s\n", file.c_str());
    SCOPED_TRACE(file.string());
    EXPECT_NO_THROW(target.entry(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay, ::testing::ValuesIn(fuzz_targets()),
                         [](const ::testing::TestParamInfo<FuzzTarget>& param) { return param.param.name; });

TEST(FuzzReplayList, TargetsMatchTheBuildList) {
  std::set<std::string> built;
  std::stringstream list(CLINBENCH_FUZZ_TARGET_LIST);
  for (std::string name; std::getline(list, name, ',');) built.insert(name);
  std::set<std::string> replayed;
  for (const FuzzTarget& target : fuzz_targets()) replayed.insert(target.name);
  EXPECT_EQ(built, replayed) << "fuzz/fuzz_targets.cmake and fuzz_replay_test.cpp list different targets";
  // Every seed or regression folder belongs to a target, so none is silently skipped.
  for (const char* kind : {"corpus", "regressions"}) {
    if (!std::filesystem::is_directory(fuzz_dir() / kind)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(fuzz_dir() / kind)) {
      EXPECT_TRUE(replayed.count(entry.path().filename().string()))
          << "fuzz/" << kind << "/" << entry.path().filename().string() << " names no target";
    }
  }
}

}  // namespace
}  // namespace clinbench
