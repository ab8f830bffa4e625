// Issue 18's "done when", end to end with real models: a "base" and a "fine-tune" (two generated
// test models), each run on medqa and medqa_gen without and with retrieval (a BM25 index over
// MedQuAD), then `compare` with a margin and the fine-tuning x retrieval design prints the verdict
// column, the power columns, the flip causes and the factorial table, and the HTML report draws
// those sections in headless Chromium.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "clinbench/core.h"
#include "report_browser.h"
#include "test_support.h"

namespace clinbench {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The first documents of MedQuAD as the retrieval corpus (the whole file takes a minute to index
// on two cores; the design, not the corpus, is under test).
std::filesystem::path medquad_head(const std::filesystem::path& dir, int documents) {
  std::ifstream in(testing::shared_data_dir() / "medquad" / "medquad.jsonl");
  std::filesystem::path corpus = dir / "medquad_head.jsonl";
  std::string text, line;
  for (int i = 0; i < documents && std::getline(in, line); ++i) text += line + "\n";
  write_file_atomic(corpus, text);
  return corpus;
}

// The text of the element with this id, up to the next section (plain finds: the page inlines
// megabytes of script, too much for std::regex).
std::string section_text(const std::string& dom, const std::string& id) {
  size_t start = dom.find("id=\"" + id + "\"");
  if (start == std::string::npos) return "";
  size_t end = dom.find("<section", start);
  return dom.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

TEST(StudyDesignModel, FourRunsGiveVerdictsPowerFlipsAndTheFactorialTableInCompareAndReport) {
  std::filesystem::path dir = testing::work_dir("study_design_model");
  std::filesystem::path corpus = medquad_head(dir, 1500);
  testing::CommandOutcome built = testing::run_clinbench(
      "index build --corpus " + corpus.string() + " --text-field answer --title-field question --chunk-tokens 60 --out " +
      (dir / "index").string() + " --overwrite");
  ASSERT_EQ(built.status, 0) << built.output;

  testing::TinyModelShape base_shape;
  base_shape.seed = 1;
  testing::TinyModelShape tuned_shape;
  tuned_shape.seed = 2;
  const std::string common = " --tasks medqa,medqa_gen --limit 24 --threads 2 --parallel 24 --bootstrap-resamples 200"
                             " --data-dir " + testing::shared_data_dir().string();
  const std::string retrieval = " --rag " + (dir / "index").string() + " --rag-k 2";
  struct Arm {
    const char* folder;
    const testing::TinyModelShape* shape;
    bool rag;
  };
  for (const Arm& arm : {Arm{"base", &base_shape, false}, Arm{"base_rag", &base_shape, true},
                         Arm{"tuned", &tuned_shape, false}, Arm{"tuned_rag", &tuned_shape, true}}) {
    std::string model = testing::tiny_model("llama-spm", "mistral", *arm.shape).string();
    testing::CommandOutcome ran = testing::run_clinbench("run --model gguf:" + model + common +
                                                         (arm.rag ? retrieval : "") + " --output-dir " +
                                                         (dir / arm.folder).string());
    ASSERT_EQ(ran.status, 0) << arm.folder << "\n" << ran.output;
  }
  std::vector<nlohmann::json> retrieved = testing::read_jsonl(dir / "base_rag" / "samples" / "medqa.jsonl");
  ASSERT_EQ(retrieved.size(), 24u);
  EXPECT_EQ(retrieved[0]["retrieved"].size(), 2u) << retrieved[0];

  const std::string runs = (dir / "base").string() + " " + (dir / "base_rag").string() + " " +
                           (dir / "tuned").string() + " " + (dir / "tuned_rag").string();
  const std::string design = " --factorial " + (dir / "base").string() + "," + (dir / "base_rag").string() + "," +
                             (dir / "tuned").string() + "," + (dir / "tuned_rag").string() +
                             " --margin acc=0.1 --resamples 500";
  testing::CommandOutcome compared =
      testing::run_clinbench("compare " + runs + design + " --output-dir " + (dir / "compare").string());
  ASSERT_EQ(compared.status, 0) << compared.output;
  std::string markdown = read_file(dir / "compare" / "compare.md");
  // The verdict column and the power columns, one row per task x metric x pair.
  EXPECT_THAT(markdown, HasSubstr("## Verdicts: better, worse, equivalent, non-inferior or inconclusive"));
  EXPECT_THAT(markdown, HasSubstr("| verdict | minimum detectable difference | items for ±"));
  EXPECT_THAT(markdown, HasSubstr("| medqa | acc |"));
  // The flip table with its causes (medqa_gen's tiny models mostly fail to give a letter).
  EXPECT_THAT(markdown, HasSubstr("## Flips: items one model got right and the other wrong, and why"));
  // The factorial table: retrieval, fine-tuning, their interaction, fine-tune against base+RAG.
  EXPECT_THAT(markdown, HasSubstr("## Fine-tuning × retrieval"));
  EXPECT_THAT(markdown, HasSubstr("| interaction | (clinbench test model+rag-bm25 (tuned_rag) − without RAG) − "
                                  "(clinbench test model+rag-bm25 (base_rag) − without RAG) |"));
  for (const char* effect : {"retrieval on the base", "retrieval on the fine-tune", "fine-tuning without retrieval",
                             "fine-tuning with retrieval", "interaction", "fine-tune vs base+RAG"}) {
    EXPECT_THAT(markdown, HasSubstr(effect)) << effect;
  }
  nlohmann::json json = nlohmann::json::parse(read_file(dir / "compare" / "compare.json"));
  std::set<std::string> verdicts;
  for (const nlohmann::json& row : json["comparisons"]) verdicts.insert(row["verdict"].get<std::string>());
  for (const std::string& verdict : verdicts) {
    EXPECT_THAT((std::vector<std::string>{"better", "worse", "equivalent", "non-inferior", "inconclusive"}),
                ::testing::Contains(verdict));
  }
  ASSERT_FALSE(json["factorial"].empty());
  std::set<std::string> factorial_tasks;
  for (const nlohmann::json& row : json["factorial"]) factorial_tasks.insert(row["task"].get<std::string>());
  EXPECT_EQ(factorial_tasks, (std::set<std::string>{"medqa", "medqa_gen"}));
  EXPECT_TRUE(json.contains("flips"));
  // Format versus knowledge: both forms of the same items in every run.
  EXPECT_FALSE(json["format_knowledge"].empty());

  // Gold documents: for half the items, the passage base+RAG retrieved first (so it found the
  // gold passage there); for the other half a document no run retrieved.
  std::string gold;
  for (size_t i = 0; i < retrieved.size(); ++i) {
    gold += "medqa\t" + retrieved[i]["id"].get<std::string>() + "\t" +
            (i % 2 == 0 ? retrieved[i]["retrieved"][0]["id"].get<std::string>() : std::string("no-such-document")) + "\n";
  }
  write_file_atomic(dir / "gold.tsv", gold);
  testing::CommandOutcome conditional = testing::run_clinbench("compare " + runs + design + " --gold-documents " +
                                                               (dir / "gold.tsv").string() + " --output-dir " +
                                                               (dir / "compare_gold").string());
  ASSERT_EQ(conditional.status, 0) << conditional.output;
  std::string gold_markdown = read_file(dir / "compare_gold" / "compare.md");
  EXPECT_THAT(gold_markdown, HasSubstr("| medqa | acc | retrieval on the base, gold passage retrieved | "));
  EXPECT_THAT(gold_markdown, HasSubstr("| medqa | acc | retrieval on the base, gold passage not retrieved | "));
  EXPECT_THAT(gold_markdown, HasSubstr("| 12 | "));  // half the 24 items each way
  EXPECT_THAT(gold_markdown, Not(HasSubstr("medqa_gen | acc | retrieval on the base, gold")));  // no gold listed there

  testing::CommandOutcome reported = testing::run_clinbench("report " + runs + design + " -o " +
                                                            (dir / "report.html").string());
  ASSERT_EQ(reported.status, 0) << reported.output;
  testing::ChromiumPage page = testing::chromium_dump_dom(dir / "report.html", dir, 1280, 1600);
  ASSERT_FALSE(page.dom.empty()) << page.log;
  for (const std::string& line : page.console) ADD_FAILURE() << "console: " << line;
  std::string verdict_section = section_text(page.dom, "verdicts");
  EXPECT_THAT(verdict_section, HasSubstr("medqa"));
  EXPECT_TRUE(verdict_section.find("inconclusive") != std::string::npos ||
              verdict_section.find("equivalent") != std::string::npos ||
              verdict_section.find("better") != std::string::npos || verdict_section.find("worse") != std::string::npos)
      << verdict_section.substr(0, 3000);
  EXPECT_THAT(section_text(page.dom, "flips"), HasSubstr("<table"));
  std::string effects = section_text(page.dom, "effects");
  EXPECT_THAT(effects, HasSubstr("interaction"));
  EXPECT_THAT(effects, HasSubstr("retrieval on the base"));
}

}  // namespace
}  // namespace clinbench
