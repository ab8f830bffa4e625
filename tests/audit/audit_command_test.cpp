// `clinbench audit` as a user runs it: the real binary on MedQA and corpora with planted items.
#include <gtest/gtest.h>
#include <zstd.h>

#include <fstream>

#include "clinbench/audit.h"
#include "clinbench/kinds.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::string zstd_of(const std::string& content) {
  std::string out(ZSTD_compressBound(content.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), content.data(), content.size(), 3));
  return out;
}

class AuditCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::work_dir(std::string("audit_command_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    spec_ = task_spec_find("medqa");
    data_ = task_data_load(spec_, TaskDataOptions{testing::shared_data_dir(), 30, 0, 1234});
  }
  std::string item_text(size_t index) const {
    std::string text;
    for (const std::string& piece : audit_item_texts(spec_, data_, data_.examples[index])) text += piece + "\n";
    return text;
  }
  std::string question(size_t index) const { return data_.examples[index].fields["question"].get<std::string>(); }

  std::filesystem::path dir_;
  TaskSpec spec_;
  TaskData data_;
};

TEST_F(AuditCommand, FlagsThePlantedItemsAndWritesTheirIds) {
  // Items 3 and 7 whole (question and options) in a zstd JSONL corpus; item 13's question alone,
  // upper-cased, in a plain-text one (its options, 28 words, hold 13-grams that stay unfound).
  nlohmann::json line3 = {{"text", "Study notes. " + item_text(3) + " Answer: B."}};
  nlohmann::json line7 = {{"text", item_text(7)}, {"url", "https://example.org/qbank"}};
  std::string jsonl = R"({"text": "unrelated page about gardening and tomatoes in the summer heat"})" "\n" + line3.dump() +
                      "\n" + line7.dump() + "\n";
  std::ofstream(dir_ / "web.jsonl.zst", std::ios::binary) << zstd_of(jsonl);
  std::string upper = question(13);
  for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
  std::ofstream(dir_ / "books.txt") << "Chapter 1.\n" << upper << "\nChapter 2.\n";

  testing::CommandOutcome outcome = testing::run_clinbench(
      "audit --tasks medqa --limit 30 --data-dir " + testing::shared_data_dir().string() + " --corpus " +
      (dir_ / "web.jsonl.zst").string() + " --corpus " + (dir_ / "books.txt").string() + " --output-dir " +
      (dir_ / "out").string());
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("medqa"), std::string::npos) << outcome.output;

  std::vector<nlohmann::json> lines = testing::read_jsonl(dir_ / "out" / "medqa.jsonl");
  ASSERT_EQ(lines.size(), 30u);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i]["id"], data_.examples[i].id);  // positions, as run's samples name them
    if (i == 3 || i == 7) {
      EXPECT_EQ(lines[i]["overlap"], 1.0) << i;
      EXPECT_EQ(lines[i]["flagged"], true) << i;
    } else if (i == 13) {
      // The question's n-grams only: its words minus 12 (its n-grams are distinct).
      std::string words = audit_normalize(question(13));
      int64_t question_ngrams = int64_t(std::count(words.begin(), words.end(), ' ')) + 1 - 12;
      EXPECT_EQ(lines[i]["ngrams_found"], question_ngrams);
      EXPECT_LT(lines[i]["overlap"].get<double>(), 1.0);
      EXPECT_EQ(lines[i]["flagged"], true) << lines[i];
    } else {
      EXPECT_EQ(lines[i]["ngrams_found"], 0) << i;
      EXPECT_EQ(lines[i]["flagged"], false) << i;
    }
  }
  EXPECT_EQ(read_file(dir_ / "out" / "flagged.tsv"), "medqa\t3\nmedqa\t7\nmedqa\t13\n");
  EXPECT_EQ(read_file(dir_ / "out" / "medqa.flagged.tsv"), "medqa\t3\nmedqa\t7\nmedqa\t13\n");

  nlohmann::json summary = nlohmann::json::parse(read_file(dir_ / "out" / "audit.json"));
  EXPECT_EQ(summary["settings"]["ngram"], 13);
  EXPECT_EQ(summary["settings"]["threshold"], 0.5);
  EXPECT_EQ(summary["tasks"]["medqa"]["flagged"], 3);
  EXPECT_EQ(summary["tasks"]["medqa"]["flagged_ids"], nlohmann::json({"3", "7", "13"}));
  ASSERT_EQ(summary["corpora"].size(), 2u);
  EXPECT_EQ(summary["corpora"][0]["kind"], "zstd jsonl");
  EXPECT_EQ(summary["corpora"][0]["documents"], 3);
  EXPECT_EQ(summary["corpora"][0]["text_bytes"], int64_t(jsonl.size()));
  EXPECT_EQ(summary["corpora"][1]["kind"], "text");

  // A stricter threshold keeps only the whole copies.
  outcome = testing::run_clinbench("audit --tasks medqa --limit 30 --data-dir " + testing::shared_data_dir().string() +
                                   " --corpus " + (dir_ / "web.jsonl.zst").string() + " --corpus " +
                                   (dir_ / "books.txt").string() + " --threshold 1 --output-dir " + (dir_ / "strict").string());
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  EXPECT_EQ(read_file(dir_ / "strict" / "flagged.tsv"), "medqa\t3\nmedqa\t7\n");
}

TEST_F(AuditCommand, BadInputIsAClearError) {
  std::ofstream(dir_ / "bad.jsonl") << "{\"text\": \"fine\"}\n{\"text\": [\"not a string\"]}\n";
  testing::CommandOutcome outcome = testing::run_clinbench(
      "audit --tasks medqa --limit 3 --data-dir " + testing::shared_data_dir().string() + " --corpus " +
      (dir_ / "bad.jsonl").string() + " --output-dir " + (dir_ / "out").string());
  EXPECT_EQ(outcome.status, 1) << outcome.output;
  EXPECT_NE(outcome.output.find("error: " + (dir_ / "bad.jsonl").string() + ":2: field 'text': expected a string"),
            std::string::npos)
      << outcome.output;

  outcome = testing::run_clinbench("audit --tasks medqa --data-dir " + testing::shared_data_dir().string());
  EXPECT_EQ(outcome.status, 1) << outcome.output;
  EXPECT_NE(outcome.output.find("audit needs --corpus FILE"), std::string::npos) << outcome.output;
}

}  // namespace
}  // namespace clinbench
