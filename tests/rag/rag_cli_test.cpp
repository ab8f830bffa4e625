// `clinbench index` and `clinbench run --rag` as a user runs them: the real binary, a corpus and
// tasks written here, a tiny generated llama model.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clinbench/core.h"
#include "rag_fixtures.h"
#include "test_support.h"

namespace clinbench {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char kMultipleChoiceTask[] = R"(name: mc_rag
dataset: {path: qa.jsonl}
mapping: {question: question, options: options, answer: answer}
prompt:
  user: "Question: {question}\n{options}\nAnswer:"
metrics: [acc]
)";

// The same items asked in a chat, the passages in the template's own slot.
const char kGenerateTask[] = R"(name: gen_rag
dataset: {path: qa.jsonl}
mapping: {question: question, options: options, answer: answer}
scoring: generate
prompt:
  system: "Answer with the letter of the correct option."
  user: "Sources:\n{retrieved}\n\n{question}\n{options}"
generation: {max_tokens: 4}
metrics: [acc, extraction_failure]
)";

const char kItems[] =
    R"({"question": "What causes chest pain during exercise?", "options": {"A": "angina", "B": "gout"}, "answer": "A"}
{"question": "Do zebras have stripes?", "options": {"A": "yes", "B": "no"}, "answer": "A"}
{"question": "Which stones cause flank pain?", "options": {"A": "kidney stones", "B": "gallstones"}, "answer": "A"}
)";

class RagCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(testing::work_dir("rag_cli"));
    std::filesystem::create_directories(*dir_ / "data");
    testing::write_corpus(*dir_ / "corpus.jsonl", testing::clinical_fixture());
    write_file_atomic(*dir_ / "data" / "qa.jsonl", kItems);
    write_file_atomic(*dir_ / "mc_rag.yaml", kMultipleChoiceTask);
    write_file_atomic(*dir_ / "gen_rag.yaml", kGenerateTask);
    testing::CommandOutcome built = testing::run_clinbench("index build --corpus " + (*dir_ / "corpus.jsonl").string() +
                                                           " --id-field doc_id --text-field body --out " +
                                                           (*dir_ / "index").string());
    ASSERT_EQ(built.status, 0) << built.output;
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::string run_arguments(const std::string& output, const std::string& extra) {
    return "run --model gguf:" + testing::tiny_model("llama-spm", "mistral").string() + " --tasks " +
           (*dir_ / "mc_rag.yaml").string() + "," + (*dir_ / "gen_rag.yaml").string() + " --data-dir " +
           (*dir_ / "data").string() + " --threads 2 --cache " + (*dir_ / "cache.sqlite").string() +
           " --bootstrap-resamples 100 --output-dir " + (*dir_ / output).string() + " " + extra;
  }

  static std::filesystem::path* dir_;
};

std::filesystem::path* RagCli::dir_ = nullptr;

TEST_F(RagCli, IndexBuildSearchAndEval) {
  testing::CommandOutcome again = testing::run_clinbench("index build --corpus " + (*dir_ / "corpus.jsonl").string() +
                                                         " --id-field doc_id --text-field body --out " +
                                                         (*dir_ / "index").string());
  EXPECT_EQ(again.status, 1);
  EXPECT_THAT(again.output, HasSubstr("already exists (give --overwrite to replace the index there)"));

  testing::CommandOutcome search =
      testing::run_clinbench("index search --index " + (*dir_ / "index").string() + " --query 'chest pain' --k 2");
  ASSERT_EQ(search.status, 0) << search.output;
  EXPECT_THAT(search.output, HasSubstr("1. d0#0"));
  EXPECT_THAT(search.output, HasSubstr("2. d2#0"));
  testing::CommandOutcome nothing =
      testing::run_clinbench("index search --index " + (*dir_ / "index").string() + " --query zebra");
  EXPECT_EQ(nothing.status, 0) << nothing.output;
  EXPECT_THAT(nothing.output, HasSubstr("no passage matches"));

  // Each document's own text as its query: all four found first.
  testing::CommandOutcome eval = testing::run_clinbench(
      "index eval --index " + (*dir_ / "index").string() + " --queries " + (*dir_ / "corpus.jsonl").string() +
      " --query-field body --id-field doc_id --k 1,3 --output " + (*dir_ / "eval.json").string());
  ASSERT_EQ(eval.status, 0) << eval.output;
  EXPECT_THAT(eval.output, HasSubstr("recall@1    1.0000"));
  nlohmann::json report = nlohmann::json::parse(read_file(*dir_ / "eval.json"));
  EXPECT_EQ(report["queries"], 4);
  EXPECT_DOUBLE_EQ(report["mrr"].get<double>(), 1.0);

  testing::CommandOutcome missing = testing::run_clinbench("index search --index " + (*dir_ / "nowhere").string() +
                                                           " --query x");
  EXPECT_EQ(missing.status, 1);
  EXPECT_THAT(missing.output, HasSubstr("no retrieval index here"));
}

TEST_F(RagCli, RunWithRetrievalStoresPassagesAndPairsWithTheRunWithout) {
  testing::CommandOutcome base = testing::run_clinbench(run_arguments("base", ""));
  ASSERT_EQ(base.status, 0) << base.output;
  testing::CommandOutcome rag = testing::run_clinbench(run_arguments("rag", "--rag " + (*dir_ / "index").string() + " --rag-k 2"));
  ASSERT_EQ(rag.status, 0) << rag.output;
  EXPECT_THAT(rag.output, HasSubstr("+rag-bm25 (retrieval-augmented"));

  nlohmann::json results = nlohmann::json::parse(read_file(*dir_ / "rag" / "results.json"));
  EXPECT_EQ(results["config"]["rag"]["mode"], "bm25");
  EXPECT_EQ(results["config"]["rag"]["k"], 2);
  EXPECT_EQ(results["config"]["rag"]["manifest"]["passages"], 4);
  EXPECT_TRUE(nlohmann::json::parse(read_file(*dir_ / "base" / "results.json"))["config"]["rag"].is_null());
  for (const char* task : {"mc_rag", "gen_rag"}) {
    // Different prompts are different cache entries: nothing of the run without came back.
    EXPECT_EQ(results["tasks"][task]["requests"]["from_cache"], 0) << task;
    EXPECT_EQ(results["tasks"][task]["requests"]["computed"], results["tasks"][task]["requests"]["total"]) << task;
  }

  std::vector<nlohmann::json> mc = testing::read_jsonl(*dir_ / "rag" / "samples" / "mc_rag.jsonl");
  ASSERT_EQ(mc.size(), 3u);
  // "What causes chest pain during exercise?" (BM25 by hand, bm25_ranking_test's formula): d2
  // holds chest, pain, exercise: 1.2678; d3 cause (its stem, in 1 of 4) and pain: 1.0303; d0
  // chest and pain: 0.6198.
  ASSERT_EQ(mc[0]["retrieved"].size(), 2u);
  EXPECT_EQ(mc[0]["retrieved"][0]["id"], "d2");
  EXPECT_EQ(mc[0]["retrieved"][0]["chunk"], 0);
  EXPECT_NEAR(mc[0]["retrieved"][0]["score"].get<double>(), 1.26778, 1e-5);
  EXPECT_EQ(mc[0]["retrieved"][1]["id"], "d3");
  EXPECT_NEAR(mc[0]["retrieved"][1]["score"].get<double>(), 1.03025, 1e-5);
  EXPECT_THAT(mc[0]["prompt"].get<std::string>(),
              HasSubstr("Retrieved passages:\n[1] chest pain after exercise can signal angina in adults\n\n[2] kidney "
                        "stones cause severe flank pain\n\nQuestion: What causes chest pain during exercise?"));
  EXPECT_TRUE(mc[1]["retrieved"].is_array());
  EXPECT_TRUE(mc[1]["retrieved"].empty());  // "zebras" is in no document
  EXPECT_THAT(mc[1]["prompt"].get<std::string>(), HasSubstr("Retrieved passages:\n(no passage retrieved)\n\n"));
  EXPECT_EQ(mc[2]["retrieved"][0]["id"], "d3");

  std::vector<nlohmann::json> gen = testing::read_jsonl(*dir_ / "rag" / "samples" / "gen_rag.jsonl");
  ASSERT_EQ(gen.size(), 3u);
  EXPECT_THAT(gen[0]["prompt"].get<std::string>(), HasSubstr("Sources:\n[1] chest pain after exercise"));
  EXPECT_THAT(gen[0]["prompt"].get<std::string>(), Not(HasSubstr("Retrieved passages:")));

  // The same items asked the same way apart from the passages: compare pairs the two runs.
  for (const char* task : {"mc_rag", "gen_rag"}) {
    std::vector<nlohmann::json> with = testing::read_jsonl(*dir_ / "rag" / "samples" / (std::string(task) + ".jsonl"));
    std::vector<nlohmann::json> without = testing::read_jsonl(*dir_ / "base" / "samples" / (std::string(task) + ".jsonl"));
    ASSERT_EQ(with.size(), without.size());
    for (size_t i = 0; i < with.size(); ++i) {
      EXPECT_EQ(with[i]["prompt_key"], without[i]["prompt_key"]) << task << " " << i;
      EXPECT_NE(with[i]["prompt"], without[i]["prompt"]) << task << " " << i;
      EXPECT_FALSE(without[i].contains("retrieved"));
    }
  }
  nlohmann::json base_results = nlohmann::json::parse(read_file(*dir_ / "base" / "results.json"));
  std::string model = base_results["model"]["details"]["name"];
  write_file_atomic(*dir_ / "pairs.yaml", "- {fine_tune: \"" + model + "+rag-bm25\", base: \"" + model + "\"}\n");
  testing::CommandOutcome compare = testing::run_clinbench(
      "compare " + (*dir_ / "base").string() + " " + (*dir_ / "rag").string() + " --pairs " +
      (*dir_ / "pairs.yaml").string() + " --resamples 100 --output-dir " + (*dir_ / "compare").string());
  ASSERT_EQ(compare.status, 0) << compare.output;
  nlohmann::json comparison = nlohmann::json::parse(read_file(*dir_ / "compare" / "compare.json"));
  ASSERT_FALSE(comparison["comparisons"].empty());
  EXPECT_EQ(comparison["comparisons"][0]["fine_tune"], model + "+rag-bm25");
  EXPECT_EQ(comparison["comparisons"][0]["base"], model);
  EXPECT_EQ(comparison["comparisons"][0]["n"], 3);
}

TEST_F(RagCli, PassagesCountAgainstTheContextWindowAndAreNeverCut) {
  std::string tasks_mc = " --tasks " + (*dir_ / "mc_rag.yaml").string();
  std::string common = "run --model gguf:" + testing::tiny_model("llama-spm", "mistral").string() + tasks_mc +
                       " --data-dir " + (*dir_ / "data").string() + " --threads 2 --no-cache --ctx-size 48"
                       " --bootstrap-resamples 100 --output-dir ";
  testing::CommandOutcome base = testing::run_clinbench(common + (*dir_ / "small_base").string());
  ASSERT_EQ(base.status, 0) << base.output;
  testing::CommandOutcome rag =
      testing::run_clinbench(common + (*dir_ / "small_rag").string() + " --rag " + (*dir_ / "index").string() + " --rag-k 3");
  ASSERT_EQ(rag.status, 0) << rag.output;
  std::vector<nlohmann::json> without = testing::read_jsonl(*dir_ / "small_base" / "samples" / "mc_rag.jsonl");
  std::vector<nlohmann::json> with = testing::read_jsonl(*dir_ / "small_rag" / "samples" / "mc_rag.jsonl");
  EXPECT_EQ(without[0]["status"], "ok");
  EXPECT_EQ(with[0]["status"], "context_overflow");
  EXPECT_THAT(with[0]["prompt"].get<std::string>(), HasSubstr("[3] heart attack symptoms chest pain"));
  nlohmann::json results = nlohmann::json::parse(read_file(*dir_ / "small_rag" / "results.json"));
  EXPECT_GE(results["tasks"]["mc_rag"]["statuses"]["context_overflow"].get<int>(), 1);
}

}  // namespace
}  // namespace clinbench
