// Enum <-> name tables (clinbench/enum_names.h) and the tables that use them.
#include "clinbench/enum_names.h"

#include <gtest/gtest.h>

#include "clinbench/data.h"
#include "clinbench/rag.h"
#include "clinbench/stats.h"

namespace clinbench {
namespace {

enum class Colour { red, green, blue };

struct ColourRow {
  Colour value;
  std::string_view name;
  const char* label;
};

constexpr EnumName<Colour> colour_names[] = {{Colour::red, "red"}, {Colour::green, "green"}};
constexpr ColourRow colour_rows[] = {{Colour::blue, "blue", "Blue"}, {Colour::red, "red", "Red"}};

// Usable at compile time: a table error can be a static_assert.
static_assert(enum_name(colour_names, Colour::green) == "green");
static_assert(*enum_from_name(colour_names, "red") == Colour::red);

TEST(EnumNames, ReadsTheTableBothWays) {
  EXPECT_EQ(enum_name(colour_names, Colour::red), "red");
  EXPECT_EQ(enum_name(colour_names, Colour::blue), "unknown");
  EXPECT_EQ(enum_name(colour_names, Colour::blue, "none"), "none");
  EXPECT_EQ(enum_from_name(colour_names, "green"), Colour::green);
  EXPECT_EQ(enum_from_name(colour_names, "Green"), std::nullopt);
  EXPECT_EQ(enum_from_name(colour_names, ""), std::nullopt);
  EXPECT_EQ(enum_names_list(colour_names), "red, green");
}

TEST(EnumNames, RowsMayCarryMoreColumns) {
  EXPECT_EQ(enum_names_list(colour_rows), "blue, red");
  ASSERT_NE(enum_row(colour_rows, Colour::red), nullptr);
  EXPECT_STREQ(enum_row(colour_rows, Colour::red)->label, "Red");
  EXPECT_EQ(enum_row(colour_rows, Colour::green), nullptr);
}

TEST(EnumNames, DatasetFormatsAndAnswerEncodingsRoundTrip) {
  for (DatasetFormat format : {DatasetFormat::jsonl, DatasetFormat::json_array, DatasetFormat::json_object,
                               DatasetFormat::csv, DatasetFormat::csv_headerless, DatasetFormat::jsonl_or_json_array}) {
    EXPECT_EQ(dataset_format_from_name(dataset_format_name(format)), format);
  }
  try {
    dataset_format_from_name("yaml");
    ADD_FAILURE() << "yaml is not a data set format";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "unknown data set format 'yaml' (valid: jsonl, json_array, json_object, csv, csv_headerless, "
                 "jsonl_or_json_array)");
  }
  for (AnswerEncoding encoding : {AnswerEncoding::letter, AnswerEncoding::index0, AnswerEncoding::index1,
                                  AnswerEncoding::text}) {
    EXPECT_EQ(answer_encoding_from_name(answer_encoding_name(encoding)), encoding);
  }
  for (RagMode mode : {RagMode::bm25, RagMode::dense, RagMode::hybrid}) {
    EXPECT_EQ(rag_mode_from_name(rag_mode_name(mode)), mode);
  }
  try {
    rag_mode_from_name("sparse");
    ADD_FAILURE() << "sparse is not a retrieval mode";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "unknown retrieval mode 'sparse' (known: bm25, dense, hybrid)");
  }
}

// One table gives compare.json's key and the tables' label; both were switch statements in
// compare/ and report/ before.
TEST(EnumNames, PairedTestsHaveAKeyAndALabel) {
  EXPECT_EQ(stats_paired_test_name(StatsPairedTest::none), "none");
  EXPECT_STREQ(stats_paired_test_label(StatsPairedTest::none), "none (no differing items)");
  EXPECT_EQ(stats_paired_test_name(StatsPairedTest::mcnemar_exact), "mcnemar_exact");
  EXPECT_STREQ(stats_paired_test_label(StatsPairedTest::mcnemar_exact), "McNemar exact");
  EXPECT_EQ(stats_paired_test_name(StatsPairedTest::sign_flip_monte_carlo), "sign_flip_monte_carlo");
  EXPECT_STREQ(stats_paired_test_label(StatsPairedTest::sign_flip_monte_carlo), "sign-flip Monte Carlo");
  EXPECT_EQ(stats_paired_test_name(StatsPairedTest::cluster_sign_flip_exact), "cluster_sign_flip_exact");
  EXPECT_STREQ(stats_paired_test_label(StatsPairedTest::cluster_sign_flip_monte_carlo), "cluster sign-flip Monte Carlo");
  EXPECT_EQ(stats_paired_test_name(StatsPairedTest::ece_permutation), "ece_permutation");
  EXPECT_STREQ(stats_paired_test_label(StatsPairedTest::ece_permutation), "paired permutation (ECE)");
}

}  // namespace
}  // namespace clinbench
