// Shape of the tables and JSON compare writes: every CSV row has the header's fields, every
// Markdown row the header's cells, names with commas and pipes survive, numbers read back.
#include <gtest/gtest.h>

#include <sstream>

#include "clinbench/compare.h"
#include "run_fixtures.h"
#include "test_support.h"

namespace clinbench {
namespace {

using testing::fixture_binary_pair;
using testing::fixture_run;
using testing::fixture_task;

// RFC 4180 records: fields split on commas outside quotes, records on CRLF outside quotes.
std::vector<std::vector<std::string>> csv_parse(const std::string& text) {
  std::vector<std::vector<std::string>> records(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        records.back().back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        records.back().back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      records.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      records.emplace_back(1);
      ++i;
    } else {
      records.back().back() += c;
    }
  }
  if (records.back().size() == 1 && records.back()[0].empty()) records.pop_back();
  return records;
}

size_t markdown_cells(const std::string& row) {
  size_t cells = 0;
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\') {
      ++i;
    } else if (row[i] == '|') {
      ++cells;
    }
  }
  return cells - 1;
}

struct Tables {
  std::vector<CompareRun> runs;
  CompareResult result;
};

Tables tables() {
  auto [tuned, base] = fixture_binary_pair(20, 2, 9, 9);
  testing::FixtureTask tuned_gen = fixture_task("medqa_gen", "acc", tuned);
  testing::FixtureTask base_gen = fixture_task("medqa_gen", "acc", base);
  for (size_t i = 0; i < tuned.size(); ++i) {
    tuned_gen.samples[i].scores["extraction_failure"] = i % 4 == 0 ? 1 : 0;
    base_gen.samples[i].scores["extraction_failure"] = i % 8 == 0 ? 1 : 0;
  }
  tuned_gen.metrics.push_back("extraction_failure");
  base_gen.metrics.push_back("extraction_failure");
  Tables t;
  t.runs = {
      fixture_run("Llama-3-8B, Instruct", {fixture_task("medqa", "acc", base), base_gen,
                                           fixture_task("meqsum", "rougeL", {0.1, 0.2, 0.3})}),
      fixture_run("Open|Bio \"8B\"", {fixture_task("medqa", "acc", tuned), tuned_gen,
                                      fixture_task("meqsum", "rougeL", {0.2, 0.2, 0.35})})};
  CompareOptions options;
  options.resamples = 1000;
  t.result = compare_runs(t.runs, compare_pairs_default(2), options);
  return t;
}

TEST(CompareOutputs, PairsCsvHasOneRowPerComparison) {
  Tables t = tables();
  std::vector<std::vector<std::string>> records = csv_parse(compare_csv_pairs(t.runs, t.result));
  ASSERT_EQ(records.size(), 1 + t.result.rows.size());
  ASSERT_EQ(t.result.rows.size(),
            4u);  // medqa acc, medqa_gen acc + extraction_failure, meqsum rougeL
  const std::vector<std::string>& header = records[0];
  EXPECT_EQ(header.size(), 18u);
  EXPECT_EQ(header[0], "task");
  EXPECT_EQ(header[16], "p_holm");
  for (const auto& record : records) EXPECT_EQ(record.size(), header.size());
  EXPECT_EQ(records[1][0], "medqa");
  EXPECT_EQ(records[1][2], "Open|Bio \"8B\"");
  EXPECT_EQ(records[1][3], "Llama-3-8B, Instruct");
  EXPECT_EQ(std::stod(records[1][15]), t.result.rows[0].stats.p_value);  // reads back exactly
  EXPECT_DOUBLE_EQ(std::stod(records[1][15]), 134.0 / 2048.0);
  EXPECT_EQ(records[1][14], "McNemar exact");
  EXPECT_EQ(records[3][1], "extraction_failure");
  EXPECT_EQ(records[3][4], "false");  // lower is better
}

TEST(CompareOutputs, ScoresCsvIsModelTimesTaskTimesMetric) {
  Tables t = tables();
  std::vector<std::vector<std::string>> records = csv_parse(compare_csv_scores(t.runs));
  ASSERT_EQ(records.size(), 1u + 2 * 4);  // 2 models x (acc, acc + extraction_failure, rougeL)
  EXPECT_EQ(records[0], (std::vector<std::string>{"model", "run_dir", "task", "metric", "n",
                                                  "value", "ci_low", "ci_high"}));
  for (const auto& record : records) EXPECT_EQ(record.size(), 8u);
  EXPECT_EQ(records[1][0], "Llama-3-8B, Instruct");
  EXPECT_EQ(records[1][2], "medqa");
  EXPECT_EQ(std::stod(records[1][5]), 29.0 / 40.0);
}

TEST(CompareOutputs, MarkdownTablesAreRectangular) {
  Tables t = tables();
  std::string markdown = compare_markdown(t.runs, t.result);
  std::istringstream lines(markdown);
  std::string line;
  size_t header_cells = 0;
  int tables_seen = 0;
  int rows = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] != '|') {
      header_cells = 0;
      continue;
    }
    if (header_cells == 0) {
      header_cells = markdown_cells(line);
      ++tables_seen;
      continue;
    }
    EXPECT_EQ(markdown_cells(line), header_cells) << line;
    ++rows;
  }
  // three tasks, the pair table, the verdicts, medqa's flip causes, format versus knowledge
  EXPECT_EQ(tables_seen, 7);
  // separator + 2 models per task; separator + 4 comparisons, twice; separator + 2 flip causes;
  // separator + 3 effects (knowledge, generation, format of medqa / medqa_gen)
  EXPECT_EQ(rows, 3 * (1 + 2) + (1 + 4) + (1 + 4) + (1 + 2) + (1 + 3));
  EXPECT_NE(markdown.find("| Open\\|Bio \"8B\" |"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("| medqa | acc | Open\\|Bio \"8B\" | Llama-3-8B, Instruct | 40 | 0.550 | "
                          "0.725 | -0.175 ["),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("| 2 / 29 / 9 | McNemar exact | 0.065 | "), std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("extraction_failure (lower is better)"), std::string::npos);
  EXPECT_NE(markdown.find("1,000 resamples, seed 1234"), std::string::npos) << markdown;
}

TEST(CompareOutputs, JsonCarriesEverythingVersioned) {
  Tables t = tables();
  nlohmann::json json = compare_json(t.runs, t.result);
  EXPECT_EQ(json["format_version"], kCompareFormatVersion);
  EXPECT_EQ(json["settings"]["resamples"], 1000);
  EXPECT_EQ(json["runs"].size(), 2u);
  EXPECT_EQ(json["scores"].size(), 8u);
  ASSERT_EQ(json["comparisons"].size(), 4u);
  const nlohmann::json& first = json["comparisons"][0];
  EXPECT_EQ(first["fine_tune"], "Open|Bio \"8B\"");
  EXPECT_EQ(first["test"], "mcnemar_exact");
  EXPECT_EQ(first["wins"], 2);
  EXPECT_EQ(first["losses"], 9);
  EXPECT_DOUBLE_EQ(first["p_value"].get<double>(), 134.0 / 2048.0);
}

TEST(CompareOutputs, WritesTheFourFiles) {
  Tables t = tables();
  std::filesystem::path dir = testing::work_dir("compare_outputs_files") / "out";
  compare_write(dir, t.runs, t.result);
  for (const char* name :
       {"compare.md", "compare.json", "compare_scores.csv", "compare_pairs.csv"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / name)) << name;
  }
  EXPECT_EQ(nlohmann::json::parse(read_file(dir / "compare.json"))["comparisons"].size(), 4u);
}

}  // namespace
}  // namespace clinbench
