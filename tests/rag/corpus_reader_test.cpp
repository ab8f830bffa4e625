// Reading a retrieval corpus: ids, texts and titles, and errors that name file, line and field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clinbench/rag.h"
#include "rag_fixtures.h"
#include "test_support.h"

namespace clinbench {
namespace {

using ::testing::HasSubstr;

std::string read_error(const RagCorpusOptions& options) {
  try {
    rag_corpus_read(options);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

RagCorpusOptions jsonl(const std::filesystem::path& file) {
  RagCorpusOptions options;
  options.path = file;
  options.id_field = "doc_id";
  options.text_field = "body";
  return options;
}

TEST(RagCorpus, ReadsIdsTextsAndTitlesInFileOrder) {
  std::filesystem::path dir = testing::work_dir("rag_corpus_order");
  std::filesystem::path file = testing::write_corpus(dir / "c.jsonl", {{"x9", "first text", "First"}, {"a1", "second", ""}});
  RagCorpusOptions options = jsonl(file);
  options.title_field = "heading";
  std::vector<RagDocument> documents = rag_corpus_read(options);
  ASSERT_EQ(documents.size(), 2u);
  EXPECT_EQ(documents[0].id, "x9");
  EXPECT_EQ(documents[0].text, "first text");
  EXPECT_EQ(documents[0].title, "First");
  EXPECT_EQ(documents[1].id, "a1");
  EXPECT_EQ(documents[1].title, "");  // the second has none
  options.title_field = "headline";
  EXPECT_THAT(read_error(options), HasSubstr("c.jsonl: field 'headline': no document has this title field"));
}

TEST(RagCorpus, ListTextsAreJoinedAndObjectKeysAreIds) {
  std::filesystem::path dir = testing::work_dir("rag_corpus_pubmedqa");
  // PubMedQA's layout: a JSON object keyed by PMID, CONTEXTS a list of paragraphs.
  write_file_atomic(dir / "ori.json",
                    R"({"111": {"QUESTION": "q?", "CONTEXTS": ["Background.", "Results."]},
                        "222": {"QUESTION": "r?", "CONTEXTS": ["Only one."]}})");
  RagCorpusOptions options;
  options.path = dir / "ori.json";
  options.format = DatasetFormat::json_object;
  options.text_field = "CONTEXTS";
  std::vector<RagDocument> documents = rag_corpus_read(options);
  ASSERT_EQ(documents.size(), 2u);
  EXPECT_EQ(documents[0].id, "111");
  EXPECT_EQ(documents[0].text, "Background.\nResults.");
  EXPECT_EQ(documents[1].id, "222");
}

TEST(RagCorpus, WithoutAnIdFieldDocumentsAreNumberedByPosition) {
  std::filesystem::path dir = testing::work_dir("rag_corpus_positions");
  // MedQuAD's own ids repeat; positions do not.
  write_file_atomic(dir / "c.jsonl", "{\"id\": \"7\", \"body\": \"a\"}\n\n{\"id\": \"7\", \"body\": \"b\"}\n");
  RagCorpusOptions options;
  options.path = dir / "c.jsonl";
  options.text_field = "body";
  std::vector<RagDocument> documents = rag_corpus_read(options);
  ASSERT_EQ(documents.size(), 2u);
  EXPECT_EQ(documents[0].id, "0");
  EXPECT_EQ(documents[1].id, "1");
  options.id_field = "id";
  EXPECT_THAT(read_error(options), HasSubstr("c.jsonl:3: field 'id': duplicate document id '7' (also on line 1)"));
}

TEST(RagCorpus, BadRecordsNameFileLineAndField) {
  std::filesystem::path dir = testing::work_dir("rag_corpus_errors");
  auto error_for = [&](const std::string& lines) {
    write_file_atomic(dir / "c.jsonl", lines);
    return read_error(jsonl(dir / "c.jsonl"));
  };
  EXPECT_THAT(error_for("{\"doc_id\": \"a\", \"body\": \"x\"}\n{\"doc_id\": \"b\"}\n"), HasSubstr("c.jsonl:2: field 'body'"));
  EXPECT_THAT(error_for("{\"doc_id\": \"a\", \"body\": \"  \"}\n"), HasSubstr("c.jsonl:1: field 'body': empty text"));
  EXPECT_THAT(error_for("{\"doc_id\": \"a\", \"body\": {\"no\": 1}}\n"), HasSubstr("c.jsonl:1: field 'body'"));
  EXPECT_THAT(error_for("{\"doc_id\": \"\", \"body\": \"x\"}\n"), HasSubstr("c.jsonl:1: field 'doc_id': empty document id"));
  EXPECT_THAT(error_for("{\"doc_id\": \"a\", \"body\": \"x\"}\n{\"doc_id\": 3, \"body\": \"y\"\n"), HasSubstr("c.jsonl:2"));
  RagCorpusOptions no_text = jsonl(dir / "c.jsonl");
  no_text.text_field.clear();
  EXPECT_THAT(read_error(no_text), HasSubstr("--text-field"));
}

}  // namespace
}  // namespace clinbench
