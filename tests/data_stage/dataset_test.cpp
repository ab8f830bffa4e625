#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clinbench/data.h"
#include "data_test_util.h"

namespace clinbench {
namespace {

using ::testing::ElementsAre;
using testing::error_message;
using testing::error_prefix;
using ::testing::HasSubstr;
using testing::write_data_file;

DatasetReadOptions format(DatasetFormat value) {
  DatasetReadOptions options;
  options.format = value;
  return options;
}

DatasetReadOptions headerless(std::vector<std::string> columns) {
  DatasetReadOptions options;
  options.format = DatasetFormat::csv_headerless;
  options.columns = std::move(columns);
  return options;
}

TEST(DatasetFormat, NamesRoundTrip) {
  for (DatasetFormat value :
       {DatasetFormat::jsonl, DatasetFormat::json_array, DatasetFormat::json_object,
        DatasetFormat::csv, DatasetFormat::csv_headerless}) {
    EXPECT_EQ(dataset_format_from_name(dataset_format_name(value)), value);
  }
  EXPECT_THAT(error_message([] { dataset_format_from_name("xlsx"); }),
              HasSubstr("unknown data set format 'xlsx' (valid: jsonl, json_array"));
}

// --- JSONL -----------------------------------------------------------------------------------

TEST(ReadDatasetJsonl, RecordsWithLinesPositionsAndSource) {
  auto path = write_data_file("d.jsonl",
                              "\xEF\xBB\xBF{\"q\": \"one\"}\r\n"
                              "\n"
                              "   \t\r\n"
                              "{\"q\": \"two\", \"n\": 2}\n"
                              "{\"q\": \"three\"}");  // no newline at the end
  auto records = read_dataset(path, format(DatasetFormat::jsonl));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields["q"], "one");
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].line, 4);  // blank lines skipped but counted
  EXPECT_EQ(records[1].position, 1);
  EXPECT_EQ(records[1].fields["n"], 2);
  EXPECT_EQ(records[2].line, 5);
  EXPECT_EQ(records[2].position, 2);
  EXPECT_EQ(records[2].source, path.string());
  EXPECT_TRUE(records[2].key.empty());
}

TEST(ReadDatasetJsonl, MalformedLineNamesLineFieldAndParserMessage) {
  auto path = write_data_file("bad.jsonl",
                              "{\"question\": \"a\", \"answer\": \"A\"}\n"
                              "{\"question\": \"b\", \"answer\": \"B\"}\n"
                              "{\"question\": \"c\", \"answer\": \"C}\n");
  std::string message = error_message([&] { read_dataset(path, format(DatasetFormat::jsonl)); });
  EXPECT_THAT(message, HasSubstr(error_prefix(path, 3, "answer") + "malformed JSON at column"));
  EXPECT_THAT(message, HasSubstr("missing closing quote"));
}

TEST(ReadDatasetJsonl, LineThatIsNotAnObjectIsAnError) {
  auto path = write_data_file("array.jsonl", "{\"q\": 1}\n[1, 2]\n");
  EXPECT_THAT(error_message([&] { read_dataset(path, format(DatasetFormat::jsonl)); }),
              HasSubstr(error_prefix(path, 2, "") +
                        "each JSONL line must be a JSON object (a record), found a JSON array"));
}

TEST(ReadDatasetJsonl, DuplicateKeyIsAnError) {
  auto path = write_data_file("dup.jsonl",
                              "{\"q\": 1}\n{\"q\": 1, \"answer\": \"A\", \"answer\": \"B\"}\n");
  EXPECT_THAT(error_message([&] { read_dataset(path, format(DatasetFormat::jsonl)); }),
              HasSubstr(error_prefix(path, 2, "answer") + "this key appears twice"));
}

TEST(ReadDatasetJsonl, InvalidUtf8NamesLineAndField) {
  auto path = write_data_file("latin1.jsonl",
                              "{\"q\": \"fine\", \"options\": {\"A\": \"ok\"}}\n"
                              "{\"q\": \"fine\", \"options\": {\"A\": \"caf\xE9\"}}\n");
  EXPECT_THAT(error_message([&] { read_dataset(path, format(DatasetFormat::jsonl)); }),
              HasSubstr(error_prefix(path, 2, "options.A") + "invalid UTF-8 (byte 0xE9"));
}

TEST(ReadDatasetJsonl, EmptyFileAndBlankFileAreErrors) {
  auto empty = write_data_file("empty.jsonl", "");
  EXPECT_THAT(error_message([&] { read_dataset(empty, format(DatasetFormat::jsonl)); }),
              HasSubstr(empty.string() + ": empty file: no records"));
  auto blank = write_data_file("blank.jsonl", "\n  \n\r\n");
  EXPECT_THAT(error_message([&] { read_dataset(blank, format(DatasetFormat::jsonl)); }),
              HasSubstr(blank.string() + ": no records: the file holds only blank lines"));
}

TEST(ReadDataset, MissingFileAndFolderAreErrors) {
  auto missing = testing::data_test_dir() / "nope.jsonl";
  EXPECT_THAT(error_message([&] { read_dataset(missing, format(DatasetFormat::jsonl)); }),
              HasSubstr(missing.string() + ": cannot open"));
  EXPECT_THAT(
      error_message([&] { read_dataset(testing::data_test_dir(), format(DatasetFormat::jsonl)); }),
      HasSubstr("is a folder"));
}

// --- JSON array and object ---------------------------------------------------------------------

TEST(ReadDatasetJsonArray, RecordsStartWhereTheirObjectStarts) {
  auto path = write_data_file("cases.json",
                              "[\n"
                              "  {\n"
                              "    \"case\": \"one\"\n"
                              "  },\n"
                              "  {\"case\": \"two\"}\n"
                              "]\n");
  auto records = read_dataset(path, format(DatasetFormat::json_array));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].line, 2);
  EXPECT_EQ(records[1].line, 5);
  EXPECT_EQ(records[1].fields["case"], "two");
  EXPECT_EQ(records[1].position, 1);
}

TEST(ReadDatasetJsonArray, ErrorInsideARecordNamesTheFileLine) {
  auto path = write_data_file("cases.json",
                              "[\n"
                              "  {\"case\": \"one\"},\n"
                              "  {\n"
                              "    \"case\": \"two\",\n"
                              "    \"options\": {\"A\": \"x\" \"B\": \"y\"}\n"
                              "  }\n"
                              "]\n");
  EXPECT_THAT(error_message([&] { read_dataset(path, format(DatasetFormat::json_array)); }),
              HasSubstr(error_prefix(path, 5, "options.A") +
                        "malformed JSON at column 28: syntax error while parsing object - "
                        "unexpected string literal; expected '}'"));
}

TEST(ReadDatasetJsonArray, TrailingGarbageIsAnError) {
  auto path = write_data_file("garbage.json", "[{\"a\": 1}]\n\n]");
  EXPECT_THAT(error_message([&] { read_dataset(path, format(DatasetFormat::json_array)); }),
              HasSubstr(error_prefix(path, 3, "") + "trailing content after the top-level array"));
}

TEST(ReadDatasetJsonArray, ElementThatIsNotAnObjectIsAnError) {
  auto path = write_data_file("strings.json", "[{\"a\": 1},\n \"b\"]");
  EXPECT_THAT(
      error_message([&] { read_dataset(path, format(DatasetFormat::json_array)); }),
      HasSubstr(error_prefix(path, 2, "") + "each element of the top-level array must be "
                                            "a JSON object (a record), found a JSON string"));
}

TEST(ReadDatasetJsonObject, KeysBecomeRecordKeys) {
  auto path = write_data_file("pqal.json",
                              "{\n"
                              "    \"21645374\": {\n"
                              "        \"QUESTION\": \"q1\",\n"
                              "        \"CONTEXTS\": [\"c1\", \"c2\"]\n"
                              "    },\n"
                              "    \"16418930\": {\"QUESTION\": \"q2\", \"CONTEXTS\": []}\n"
                              "}");
  auto records = read_dataset(path, format(DatasetFormat::json_object));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].key, "21645374");  // file order, not sorted
  EXPECT_EQ(records[0].line, 2);
  EXPECT_EQ(records[1].key, "16418930");
  EXPECT_EQ(records[1].line, 6);
  EXPECT_EQ(records[1].fields["QUESTION"], "q2");
}

TEST(ReadDatasetJsonObject, DuplicateKeyNamesBothLines) {
  auto path = write_data_file("dup.json", "{\n \"1\": {},\n \"2\": {},\n \"1\": {}\n}");
  EXPECT_THAT(error_message([&] { read_dataset(path, format(DatasetFormat::json_object)); }),
              HasSubstr(error_prefix(path, 4, "1") +
                        "the key appears twice in the top-level object (first at line 2)"));
}

TEST(ReadDatasetJsonObject, ValueThatIsNotAnObjectIsAnError) {
  auto path = write_data_file("answers.json", "{\n \"1\": \"yes\"\n}");
  EXPECT_THAT(error_message([&] { read_dataset(path, format(DatasetFormat::json_object)); }),
              HasSubstr(error_prefix(path, 2, "1") + "each value of the top-level object must be "
                                                     "a JSON object"));
}

TEST(ReadDatasetJsonObject, InvalidUtf8DeepInARecordNamesItsLine) {
  auto path = write_data_file("pqal.json",
                              "{\n"
                              " \"1\": {\n"
                              "   \"QUESTION\": \"q\",\n"
                              "   \"CONTEXTS\": [\"a\",\n"
                              "                \"\xFF\"]\n"
                              " }\n"
                              "}\n");
  EXPECT_THAT(error_message([&] { read_dataset(path, format(DatasetFormat::json_object)); }),
              HasSubstr(error_prefix(path, 5, "CONTEXTS[1]") + "invalid UTF-8 (byte 0xFF at "
                                                               "column 18)"));
}

// --- CSV -------------------------------------------------------------------------------------

TEST(ReadDatasetCsv, HeaderNamesTheFields) {
  auto path = write_data_file("mb.csv",
                              "\xEF\xBB\xBFquestion,opa,answer_idx\r\n"
                              "\"A man, 45,\nhas \"\"pain\"\"\",aspirin,A\r\n"
                              "second,x,B\r\n");
  auto records = read_dataset(path, format(DatasetFormat::csv));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields["question"], "A man, 45,\nhas \"pain\"");
  EXPECT_EQ(records[0].line, 2);
  EXPECT_EQ(records[1].line, 4);
  EXPECT_EQ(records[1].position, 1);
  EXPECT_EQ(records[1].fields["answer_idx"], "B");
}

TEST(ReadDatasetCsv, CellsStayText) {
  auto path = write_data_file("n.csv", "id,score\n007,1.50\n");
  auto records = read_dataset(path, format(DatasetFormat::csv));
  EXPECT_EQ(records[0].fields["id"], "007");
  EXPECT_EQ(records[0].fields["score"], "1.50");
}

TEST(ReadDatasetCsv, RowWithTooFewCellsNamesTheMissingColumn) {
  auto path = write_data_file("short.csv", "question,opa,opb,answer_idx\nq,a,b,A\nq2,a,b\n");
  EXPECT_THAT(
      error_message([&] { read_dataset(path, format(DatasetFormat::csv)); }),
      HasSubstr(error_prefix(path, 3, "answer_idx") +
                "the row has 3 cells, expected 4 (one per column of the header on line 1)"));
}

TEST(ReadDatasetCsv, RowWithTooManyCellsIsAnError) {
  auto path = write_data_file("long.csv", "q,a\nx,y\n\"1,2\",3,4\n");
  EXPECT_THAT(error_message([&] { read_dataset(path, format(DatasetFormat::csv)); }),
              HasSubstr(error_prefix(path, 3, "a") + "the row has 3 cells, expected 2"));
}

TEST(ReadDatasetCsv, UnterminatedQuoteNamesLineAndColumn) {
  auto path = write_data_file("open.csv", "q,a\nx,y\n\"never closed,z\nmore,rows\n");
  EXPECT_THAT(error_message([&] { read_dataset(path, format(DatasetFormat::csv)); }),
              HasSubstr(error_prefix(path, 3, "q") + "unterminated quoted field"));
}

TEST(ReadDatasetCsv, DuplicateColumnNameIsAnError) {
  auto path = write_data_file("dupcol.csv", "q,a,q\n1,2,3\n");
  EXPECT_THAT(error_message([&] { read_dataset(path, format(DatasetFormat::csv)); }),
              HasSubstr(error_prefix(path, 1, "q") + "column name used twice (columns 1 and 3)"));
}

TEST(ReadDatasetCsv, HeaderOnlyAndEmptyFilesAreErrors) {
  auto header_only = write_data_file("header.csv", "q,a\n");
  EXPECT_THAT(error_message([&] { read_dataset(header_only, format(DatasetFormat::csv)); }),
              HasSubstr(error_prefix(header_only, 1, "") + "no records"));
  auto empty = write_data_file("empty.csv", "");
  EXPECT_THAT(error_message([&] { read_dataset(empty, format(DatasetFormat::csv)); }),
              HasSubstr(empty.string() + ": empty file"));
  EXPECT_THAT(error_message([&] { read_dataset(empty, headerless({"q"})); }),
              HasSubstr(empty.string() + ": empty file"));
}

TEST(ReadDatasetCsv, InvalidUtf8NamesLineAndColumnName) {
  auto path = write_data_file("latin1.csv", "q,a\nok,fine\nx,caf\xE9\n");
  EXPECT_THAT(error_message([&] { read_dataset(path, format(DatasetFormat::csv)); }),
              HasSubstr(error_prefix(path, 3, "a") + "invalid UTF-8 (byte 0xE9)"));
}

TEST(ReadDatasetCsvHeaderless, ColumnsComeFromTheOptions) {
  auto path = write_data_file("anatomy_test.csv", "Q1,a,b,c,d,A\n\"Q2, again\",a,b,c,d,D\n");
  auto records = read_dataset(path, headerless({"question", "A", "B", "C", "D", "answer"}));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].fields["question"], "Q2, again");
  EXPECT_EQ(records[1].fields["answer"], "D");
}

TEST(ReadDatasetCsvHeaderless, WrongCellCountNamesTheOptionsColumns) {
  auto path = write_data_file("t.csv", "Q1,a,b,c,d,A\nQ2,a,b,c,d\n");
  EXPECT_THAT(error_message([&] {
                read_dataset(path, headerless({"question", "A", "B", "C", "D", "answer"}));
              }),
              HasSubstr(error_prefix(path, 2, "answer") + "the row has 5 cells, expected 6"));
}

TEST(ReadDatasetCsvHeaderless, ColumnsAreRequiredAndOnlyForThisFormat) {
  auto path = write_data_file("t.csv", "a,b\n");
  EXPECT_THAT(error_message([&] { read_dataset(path, format(DatasetFormat::csv_headerless)); }),
              HasSubstr("needs the column names"));
  DatasetReadOptions options = format(DatasetFormat::csv);
  options.columns = {"a", "b"};
  EXPECT_THAT(error_message([&] { read_dataset(path, options); }),
              HasSubstr("column names are only given for format csv_headerless, not csv"));
  EXPECT_THAT(error_message([&] {
                read_dataset(path, headerless({"a", "a"}));
              }),
              HasSubstr("field 'a': column name used twice"));
}

// --- glob --------------------------------------------------------------------------------------

TEST(ReadDatasetGlob, FilesSortedByNameAndToldApartBySource) {
  write_data_file("mmlu/zoology_test.csv", "z1,a,b,A\n");
  write_data_file("mmlu/anatomy_test.csv", "a1,a,b,A\na2,a,b,B\n");
  write_data_file("mmlu/anatomy_dev.csv", "dev,a,b,A\n");
  write_data_file("mmlu/.hidden_test.csv", "h,a,b,A\n");
  auto pattern = testing::data_test_dir() / "mmlu" / "*_test.csv";
  auto files = dataset_glob_files(pattern);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].filename(), "anatomy_test.csv");
  EXPECT_EQ(files[1].filename(), "zoology_test.csv");
  auto records = read_dataset_glob(pattern, headerless({"question", "A", "B", "answer"}));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields["question"], "a1");
  EXPECT_EQ(records[2].fields["question"], "z1");
  EXPECT_EQ(records[2].position, 0);  // positions restart per file
  EXPECT_EQ(records[2].source, files[1].string());
}

TEST(ReadDatasetGlob, PatternWithoutWildcardNamesOneFile) {
  auto path = write_data_file("one.jsonl", "{\"a\": 1}\n");
  EXPECT_EQ(dataset_glob_files(path), std::vector<std::filesystem::path>{path});
  // An existing file is taken literally, even when its name looks like a pattern.
  auto bracketed = write_data_file("data[1].jsonl", "{\"a\": 1}\n");
  write_data_file("data1.jsonl", "{\"a\": 1}\n");
  EXPECT_EQ(dataset_glob_files(bracketed), std::vector<std::filesystem::path>{bracketed});
  EXPECT_EQ(read_dataset_glob(path, format(DatasetFormat::jsonl)).size(), 1u);
}

TEST(ReadDatasetGlob, NoMatchAndWildcardFoldersAreErrors) {
  write_data_file("x/a.csv", "q\n1\n");
  auto dir = testing::data_test_dir();
  EXPECT_THAT(error_message([&] { dataset_glob_files(dir / "x" / "*.jsonl"); }),
              HasSubstr("no file matches the pattern"));
  EXPECT_THAT(error_message([&] { dataset_glob_files(dir / "*" / "a.csv"); }),
              HasSubstr("wildcards are only allowed in the file name"));
  EXPECT_THAT(error_message([&] { dataset_glob_files(dir / "missing" / "*.csv"); }),
              HasSubstr("cannot list the folder"));
}

TEST(ReadDatasetGlob, AnErrorInOneFileNamesThatFile) {
  write_data_file("g/a_test.csv", "q,a,b,A\n");
  auto bad = write_data_file("g/b_test.csv", "q,a,b,A\nq,a,b\n");
  EXPECT_THAT(error_message([&] {
                read_dataset_glob(testing::data_test_dir() / "g" / "*_test.csv",
                                  headerless({"question", "A", "B", "answer"}));
              }),
              HasSubstr(error_prefix(bad, 2, "answer")));
}

// --- selecting by a key file -------------------------------------------------------------------

std::vector<Record> pubmedqa_like_records() {
  auto path = write_data_file("pqal.json",
                              "{\"30\": {\"QUESTION\": \"c\"},\n"
                              " \"10\": {\"QUESTION\": \"a\"},\n"
                              " \"20\": {\"QUESTION\": \"b\"}}\n");
  return read_dataset(path, format(DatasetFormat::json_object));
}

TEST(SelectRecordsByKeyFile, KeepsTheKeyedRecordsInRecordOrder) {
  auto keys = write_data_file("truth.json", "{\n  \"20\": \"yes\",\n  \"30\": \"no\"\n}\n");
  auto selected = select_records_by_key_file(pubmedqa_like_records(), keys);
  ASSERT_EQ(selected.size(), 2u);
  EXPECT_EQ(selected[0].key, "30");
  EXPECT_EQ(selected[1].key, "20");
  EXPECT_EQ(selected[1].line, 3);  // lines and positions of the original file are kept
  EXPECT_EQ(selected[1].position, 2);
}

TEST(SelectRecordsByKeyFile, KeyWithoutRecordNamesKeysFileLine) {
  auto keys = write_data_file("truth.json", "{\n  \"20\": \"yes\",\n  \"99\": \"no\"\n}\n");
  EXPECT_THAT(error_message([&] { select_records_by_key_file(pubmedqa_like_records(), keys); }),
              HasSubstr(error_prefix(keys, 3, "99") + "key not found among the 3 records"));
}

TEST(SelectRecordsByKeyFile, MalformedKeysFileIsAnError) {
  auto duplicate = write_data_file("dup.json", "{\"20\": 1,\n \"20\": 2}");
  EXPECT_THAT(
      error_message([&] { select_records_by_key_file(pubmedqa_like_records(), duplicate); }),
      HasSubstr(error_prefix(duplicate, 2, "20") + "the key appears twice"));
  auto bad_value = write_data_file("bad.json", "{\"20\": yes}");
  EXPECT_THAT(
      error_message([&] { select_records_by_key_file(pubmedqa_like_records(), bad_value); }),
      HasSubstr(error_prefix(bad_value, 1, "") + "malformed JSON"));
  auto empty = write_data_file("empty.json", "{}");
  EXPECT_THAT(error_message([&] { select_records_by_key_file(pubmedqa_like_records(), empty); }),
              HasSubstr("no records: the top-level object is empty"));
}

TEST(SelectRecordsByKeyFile, ByIdField) {
  auto path = write_data_file("dev.jsonl",
                              "{\"id\": \"a\", \"q\": 1}\n{\"id\": \"b\", \"q\": 2}\n"
                              "{\"id\": 7, \"q\": 3}\n");
  auto records = read_dataset(path, format(DatasetFormat::jsonl));
  auto keys = write_data_file("keys.json", "{\"7\": true, \"a\": true}");
  auto selected = select_records_by_key_file(records, keys, "id");
  ASSERT_EQ(selected.size(), 2u);
  EXPECT_EQ(selected[0].fields["q"], 1);
  EXPECT_EQ(selected[1].fields["q"], 3);
  // Records without a key cannot be selected without an id field.
  EXPECT_THAT(error_message([&] { select_records_by_key_file(records, keys); }),
              HasSubstr(error_prefix(path, 1, "") + "the record has no key"));
}

TEST(SelectRecordsByKeyFile, DuplicateIdsNameBothRecords) {
  auto path = write_data_file("dev.jsonl", "{\"id\": \"a\"}\n{\"id\": \"b\"}\n{\"id\": \"a\"}\n");
  auto records = read_dataset(path, format(DatasetFormat::jsonl));
  auto keys = write_data_file("keys.json", "{\"a\": 1}");
  EXPECT_THAT(error_message([&] { select_records_by_key_file(records, keys, "id"); }),
              HasSubstr(error_prefix(path, 3, "id") + "id 'a' used by two records (first at " +
                        path.string() + ":1)"));
}

}  // namespace
}  // namespace clinbench
