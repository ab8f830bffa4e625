// The pairs file: parsing errors name the file, line and field; entries resolve to runs by name
// or folder; names can be overridden.
#include <gtest/gtest.h>

#include "clinbench/compare.h"
#include "run_fixtures.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::string parse_error(const std::string& yaml) {
  try {
    compare_pairs_parse(yaml, "study/pairs.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ComparePairsFile, ParsesAListOrAListUnderPairs) {
  std::vector<ComparePairEntry> entries = compare_pairs_parse(
      "# the study's 8B pair\n"
      "- fine_tune: runs/openbio-8b\n"
      "  base: runs/llama3-8b\n"
      "  fine_tune_name: OpenBioLLM-8B\n"
      "- {fine_tune: BioMistral-7B, base: Mistral-7B-Instruct-v0.1}\n",
      "pairs.yaml");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].fine_tune, "runs/openbio-8b");
  EXPECT_EQ(entries[0].base, "runs/llama3-8b");
  EXPECT_EQ(entries[0].fine_tune_name, "OpenBioLLM-8B");
  EXPECT_EQ(entries[0].base_name, "");
  EXPECT_EQ(entries[0].line, 2);
  EXPECT_EQ(entries[1].line, 5);
  EXPECT_EQ(compare_pairs_parse("pairs:\n  - {fine_tune: a, base: b}\n", "p.yaml").size(), 1u);
}

TEST(ComparePairsFile, ErrorsNameFileLineAndField) {
  EXPECT_EQ(parse_error("- fine_tune: a\n  base: b\n- fine_tune: c\n"),
            "study/pairs.yaml:3: field 'pairs[1].base': missing: every pair names a fine_tune and "
            "a base run");
  EXPECT_EQ(parse_error("- fine_tune: a\n  base: b\n  bsae_name: x\n"),
            "study/pairs.yaml:3: field 'pairs[0].bsae_name': unknown key (known: fine_tune, base, "
            "fine_tune_name, base_name)");
  EXPECT_EQ(
      parse_error("- fine_tune: a\n  base: [b, c]\n"),
      "study/pairs.yaml:2: field 'pairs[0].base': must be a run name or folder, not a list or map");
  EXPECT_EQ(parse_error("- fine_tune: a\n  base: a\n"),
            "study/pairs.yaml:2: field 'pairs[0].base': 'a' is also the fine_tune: a run cannot be "
            "compared with itself");
  EXPECT_EQ(parse_error("- just-a-name\n"),
            "study/pairs.yaml:1: field 'pairs[0]': must be a map {fine_tune: NAME_OR_DIR, base: "
            "NAME_OR_DIR}");
  EXPECT_EQ(parse_error("fine_tune: a\nbase: b\n"),
            "study/pairs.yaml:1: field 'fine_tune': unknown key (a pairs file is a list of pairs, "
            "or that list under `pairs:`)");
  EXPECT_EQ(parse_error(""), "study/pairs.yaml: field 'pairs': missing: no pairs to compare");
  EXPECT_NE(parse_error("- {fine_tune: a, base: b\n").find("study/pairs.yaml:2: YAML syntax"),
            std::string::npos)
      << parse_error("- {fine_tune: a, base: b\n");
}

TEST(ComparePairsFile, ResolvesByNameOrFolderAndRenames) {
  std::filesystem::path dir = testing::work_dir("compare_pairs_resolve");
  testing::fixture_run_write(dir / "llama3-8b", "Meta-Llama-3-8B-Instruct",
                             {testing::fixture_task("medqa", "acc", {1, 0})});
  testing::fixture_run_write(dir / "openbio-8b", "Llama3-OpenBioLLM-8B",
                             {testing::fixture_task("medqa", "acc", {1, 1})});
  testing::fixture_run_write(dir / "aloe-8b", "Llama3-Aloe-8B-Alpha",
                             {testing::fixture_task("medqa", "acc", {0, 1})});
  std::vector<ComparePairEntry> entries = compare_pairs_parse(
      "- {fine_tune: Llama3-OpenBioLLM-8B, base: " + (dir / "llama3-8b").string() +
          ", base_name: Llama-3-8B}\n" + "- {fine_tune: " + (dir / "aloe-8b").string() +
          ", base: Llama-3-8B}\n",
      "pairs.yaml");
  // Two folders on the command line; the third comes from the pairs file itself. The second
  // entry already uses the name the first one gave.
  CompareInput input =
      compare_input_load({dir / "llama3-8b", dir / "openbio-8b"}, entries, "pairs.yaml");
  ASSERT_EQ(input.runs.size(), 3u);
  ASSERT_EQ(input.pairs.size(), 2u);
  EXPECT_EQ(input.runs[0].name, "Llama-3-8B");
  EXPECT_EQ(input.runs[1].name, "Llama3-OpenBioLLM-8B");
  EXPECT_EQ(input.runs[2].name, "Llama3-Aloe-8B-Alpha");
  EXPECT_EQ(input.pairs[0].fine_tune, 1u);
  EXPECT_EQ(input.pairs[0].base, 0u);
  EXPECT_EQ(input.pairs[1].fine_tune, 2u);
  EXPECT_EQ(input.pairs[1].base, 0u);
}

TEST(ComparePairsFile, UnknownRunsAreNamedWithTheChoices) {
  std::filesystem::path dir = testing::work_dir("compare_pairs_unknown");
  testing::fixture_run_write(dir / "a", "Model-A", {testing::fixture_task("medqa", "acc", {1})});
  testing::fixture_run_write(dir / "b", "Model-B", {testing::fixture_task("medqa", "acc", {0})});
  std::vector<ComparePairEntry> entries = compare_pairs_parse(
      "- {fine_tune: Model-A, base: Model-B}\n- {fine_tune: Model-C, base: Model-B}\n", "p.yaml");
  try {
    compare_input_load({dir / "a", dir / "b"}, entries, "p.yaml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "p.yaml:2: field 'pairs[1].fine_tune': 'Model-C' is neither the name of a run nor a "
              "run folder "
              "(a folder with results.json); runs: 'Model-A', 'Model-B'");
  }
}

TEST(ComparePairsFile, SameNamesAreToldApartByFolder) {
  std::filesystem::path dir = testing::work_dir("compare_same_names");
  testing::fixture_run_write(dir / "seed-1", "clinbench test model",
                             {testing::fixture_task("medqa", "acc", {1})});
  testing::fixture_run_write(dir / "seed-2", "clinbench test model",
                             {testing::fixture_task("medqa", "acc", {0})});
  CompareInput input = compare_input_load({dir / "seed-1", dir / "seed-2"}, {}, "");
  EXPECT_EQ(input.runs[0].name, "clinbench test model (seed-1)");
  EXPECT_EQ(input.runs[1].name, "clinbench test model (seed-2)");
  ASSERT_EQ(input.pairs.size(), 1u);
  EXPECT_EQ(input.pairs[0].fine_tune, 1u);
  EXPECT_EQ(input.pairs[0].base, 0u);
}

TEST(ComparePairsFile, BrokenRunFoldersNameTheFile) {
  std::filesystem::path dir = testing::work_dir("compare_broken_run");
  testing::fixture_run_write(dir / "a", "Model-A", {testing::fixture_task("medqa", "acc", {1, 0})});
  write_file_atomic(dir / "a" / "samples" / "medqa.jsonl", "{\"id\": \"q1\"}\n{not json\n");
  try {
    compare_run_load(dir / "a");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("medqa.jsonl:2"), std::string::npos) << e.what();
  }
  try {
    compare_run_load(dir / "missing");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("results.json"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace clinbench
