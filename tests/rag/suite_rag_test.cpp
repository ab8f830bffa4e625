// A suite pairs "X+rag" against "X": two entries of one model, one with an index.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clinbench/suite.h"
#include "test_support.h"

namespace clinbench {
namespace {

using ::testing::HasSubstr;

std::string parse_error(const std::string& yaml, const std::filesystem::path& path) {
  try {
    suite_parse(yaml, path);
  } catch (const Error& e) {
    return e.what();
  }
  return "parsed";
}

TEST(RagSuite, AModelWithAndWithoutRetrieval) {
  std::filesystem::path dir = testing::work_dir("rag_suite");
  write_file_atomic(dir / "model.gguf", "");  // parsing checks that the file exists, nothing more
  std::filesystem::path path = dir / "suite.yaml";
  const std::string yaml = R"(tasks: [medqa]
models:
  - {name: Llama, model: gguf:model.gguf}
  - {name: Llama+rag, model: gguf:model.gguf, rag: indexes/medquad, rag_mode: hybrid, rag_k: 3}
pairs:
  - {fine_tune: Llama+rag, base: Llama}
)";
  Suite suite = suite_parse(yaml, path);
  ASSERT_EQ(suite.models.size(), 2u);
  EXPECT_TRUE(suite.models[0].rag_index.empty());
  EXPECT_EQ(suite.models[1].rag_index, dir / "indexes/medquad");
  ASSERT_EQ(suite.pairs.size(), 1u);
  EXPECT_EQ(suite.pairs[0].fine_tune, "Llama+rag");

  RunSettings defaults;
  defaults.output_dir = dir / "out";
  RunSettings plain = suite_run_settings(suite, suite.models[0], defaults);
  RunSettings augmented = suite_run_settings(suite, suite.models[1], defaults);
  EXPECT_TRUE(plain.rag_index.empty());
  EXPECT_EQ(augmented.rag_index, dir / "indexes/medquad");
  EXPECT_EQ(augmented.rag_mode, "hybrid");
  EXPECT_EQ(augmented.rag_k, 3);
  EXPECT_EQ(augmented.output_dir, dir / "out" / "Llama+rag");
  EXPECT_EQ(augmented.model_spec, plain.model_spec);
}

TEST(RagSuite, MistakesNameLineAndField) {
  std::filesystem::path dir = testing::work_dir("rag_suite_mistakes");
  write_file_atomic(dir / "model.gguf", "");
  std::filesystem::path path = dir / "suite.yaml";
  auto suite_with = [](const std::string& second) {
    return "tasks: [medqa]\nmodels:\n  - {name: A, model: gguf:model.gguf}\n  - " + second + "\n";
  };
  EXPECT_THAT(parse_error(suite_with("{name: B, model: gguf:model.gguf, rag: i, rag_mode: sparse}"), path),
              HasSubstr("suite.yaml:4: field 'models[1].rag_mode': expected bm25, dense or hybrid, got 'sparse'"));
  EXPECT_THAT(parse_error(suite_with("{name: B, model: gguf:model.gguf, rag_k: 3}"), path),
              HasSubstr("field 'models[1].rag': missing: rag_mode and rag_k need an index folder"));
  EXPECT_THAT(parse_error(suite_with("{name: B, model: gguf:model.gguf, rag: i, rag_k: 0}"), path),
              HasSubstr("field 'models[1].rag_k': must be 1 to 100"));
  EXPECT_THAT(parse_error(suite_with("{name: B, model: gguf:model.gguf, rag: ../elsewhere}"), path),
              HasSubstr("field 'models[1].rag'"));
}

}  // namespace
}  // namespace clinbench
