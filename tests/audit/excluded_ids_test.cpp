// The exclude-ids file: plain ids for every task, TASK<TAB>ID for one task.
#include <gtest/gtest.h>

#include "clinbench/audit.h"

namespace clinbench {
namespace {

TEST(AuditExcludedIds, ReadsBothLineForms) {
  AuditExcludedIds ids = audit_excluded_ids_parse(
      "# flagged by clinbench audit\n"
      "medqa\t17\r\n"
      "\n"
      "  pubmedqa\t12345678  \n"
      "P01/q3/draw0\n"
      "   \n",
      "flagged.tsv");
  EXPECT_TRUE(ids.excludes("medqa", "17"));
  EXPECT_FALSE(ids.excludes("mmlu_medical", "17"));  // positions recur across tasks
  EXPECT_TRUE(ids.excludes("pubmedqa", "12345678"));
  EXPECT_TRUE(ids.excludes("longhealth_task1", "P01/q3/draw0"));
  EXPECT_TRUE(ids.excludes("medqa", "P01/q3/draw0"));
  EXPECT_FALSE(ids.excludes("medqa", "18"));
  EXPECT_FALSE(ids.excludes("medqa", "# flagged by clinbench audit"));
  EXPECT_FALSE(ids.empty());
  EXPECT_TRUE(audit_excluded_ids_parse("# nothing\n\n", "x").empty());
}

TEST(AuditExcludedIds, RefusesLinesItCannotRead) {
  try {
    audit_excluded_ids_parse("medqa\t1\nmedqa\t2\textra\n", "ids.tsv");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "ids.tsv:2: more than one tab: expected ID or TASK<TAB>ID");
  }
  EXPECT_THROW(audit_excluded_ids_parse("\t5\n", "ids.tsv"), Error);
  EXPECT_THROW(audit_excluded_ids_parse("medqa\t \n", "ids.tsv"), Error);
  EXPECT_THROW(audit_excluded_ids_read("/nonexistent/ids.tsv"), Error);
}

}  // namespace
}  // namespace clinbench
