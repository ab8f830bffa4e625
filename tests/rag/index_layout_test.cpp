// An index folder appears whole or not at all: builds go to a temporary sibling that is renamed
// into place, a leftover temporary folder is never taken for an index, and a manifest that
// disagrees with its files (or comes from a newer clinbench) is refused with a clear message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "clinbench/rag.h"
#include "rag/index_layout.h"
#include "rag_fixtures.h"
#include "test_support.h"

namespace clinbench {
namespace {

using ::testing::HasSubstr;

std::string open_error(const std::filesystem::path& dir) {
  try {
    RagIndex index(dir);
  } catch (const Error& e) {
    return e.what();
  }
  return "opened";
}

std::vector<std::string> entries(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class IndexLayout : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::work_dir(std::string("rag_layout_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    corpus_ = testing::write_corpus(dir_ / "corpus.jsonl", testing::clinical_fixture());
  }
  std::filesystem::path dir_;
  std::filesystem::path corpus_;
};

TEST_F(IndexLayout, ABuildLeavesTheIndexAndNoTemporaryFolder) {
  RagBuildResult result = rag_index_build(testing::fixture_build_options(corpus_), dir_ / "index");
  EXPECT_EQ(entries(dir_), (std::vector<std::string>{"corpus.jsonl", "index"}));
  EXPECT_EQ(entries(dir_ / "index"), (std::vector<std::string>{"bm25", "manifest.json"}));
  const nlohmann::json& manifest = result.manifest;
  EXPECT_EQ(manifest["format"], "clinbench-rag-index");
  EXPECT_EQ(manifest["format_version"], kRagIndexFormatVersion);
  EXPECT_EQ(manifest["passages"], 4);
  EXPECT_EQ(manifest["corpus"]["documents"], 4);
  EXPECT_EQ(manifest["corpus"]["sha256"], sha256_file_hex(corpus_));
  EXPECT_EQ(manifest["fields"]["id"], "doc_id");
  EXPECT_EQ(manifest["fields"]["text"], "body");
  EXPECT_TRUE(manifest["fields"]["title"].is_null());
  EXPECT_EQ(manifest["chunking"]["tokens"], 0);
  EXPECT_TRUE(manifest["dense"].is_null());
  EXPECT_EQ(nlohmann::json::parse(read_file(dir_ / "index" / "manifest.json")), manifest);
  RagIndex index(dir_ / "index");
  EXPECT_EQ(index.passages(), 4);
  EXPECT_FALSE(index.has_dense());
}

TEST_F(IndexLayout, AnInterruptedBuildIsNotAnIndex) {
  // What a build killed before its manifest leaves: OUT.tmp-PID-X with a BM25 index but no
  // manifest, and no OUT.
  std::filesystem::path temporary = rag_temporary_dir(dir_ / "index");
  EXPECT_EQ(temporary.parent_path(), dir_);
  EXPECT_EQ(temporary.filename().string().rfind("index.tmp-" + std::to_string(::getpid()) + "-", 0), 0u);
  rag_index_build(testing::fixture_build_options(corpus_), dir_ / "whole");
  std::filesystem::copy(dir_ / "whole" / "bm25", temporary / "bm25");
  EXPECT_THAT(open_error(dir_ / "index"), HasSubstr("no retrieval index here"));
  EXPECT_THAT(open_error(temporary), HasSubstr("not a complete retrieval index: it has no manifest.json (this is the "
                                               "temporary folder of a build that did not finish"));
  // A build does not take an interrupted one's folder for its own.
  rag_index_build(testing::fixture_build_options(corpus_), dir_ / "index");
  EXPECT_EQ(RagIndex(dir_ / "index").passages(), 4);
}

TEST_F(IndexLayout, LeftoversOfDeadBuildsAreRemovedAndLiveOnesKept) {
  std::filesystem::create_directories(dir_ / "index.tmp-999999999-deadbeef" / "bm25");  // no such process
  std::filesystem::path live = rag_temporary_dir(dir_ / "index");                      // this process
  std::filesystem::create_directories(dir_ / "other.tmp-999999999-0");                  // another index's
  EXPECT_EQ(rag_remove_stale_temporary_dirs(dir_ / "index"), 1);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "index.tmp-999999999-deadbeef"));
  EXPECT_TRUE(std::filesystem::exists(live));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "other.tmp-999999999-0"));
}

TEST_F(IndexLayout, AManifestThatDisagreesWithItsFilesIsRefused) {
  rag_index_build(testing::fixture_build_options(corpus_), dir_ / "index");
  std::filesystem::path file = dir_ / "index" / "manifest.json";
  nlohmann::json manifest = nlohmann::json::parse(read_file(file));

  nlohmann::json more = manifest;
  more["passages"] = 5;
  write_file_atomic(file, more.dump());
  EXPECT_THAT(open_error(dir_ / "index"),
              HasSubstr("damaged or mixed index: manifest.json says 5 passages, the BM25 index holds 4; build it again"));

  nlohmann::json newer = manifest;
  newer["format_version"] = kRagIndexFormatVersion + 1;
  write_file_atomic(file, newer.dump());
  EXPECT_THAT(open_error(dir_ / "index"), HasSubstr("field 'format_version': written by a newer clinbench"));

  nlohmann::json other = manifest;
  other["format"] = "something-else";
  write_file_atomic(file, other.dump());
  EXPECT_THAT(open_error(dir_ / "index"), HasSubstr("not a clinbench retrieval index manifest"));

  write_file_atomic(file, "{\"format\": ");
  EXPECT_THAT(open_error(dir_ / "index"), HasSubstr("manifest.json: not valid JSON"));

  // Dense vectors the manifest promises but the folder lacks.
  nlohmann::json dense = manifest;
  dense["dense"] = {{"model", {{"path", "/nonexistent.gguf"}, {"fingerprint", "0"}}}, {"dimension", 64},
                    {"hnsw", nlohmann::json::object()}};
  write_file_atomic(file, dense.dump());
  RagIndex index(dir_ / "index");
  try {
    index.prepare(RagMode::dense);
    ADD_FAILURE() << "dense search on a model that is not there";
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("the embedding model the index was built with is not here"));
  }
}

TEST_F(IndexLayout, DenseModesNeedDenseVectors) {
  rag_index_build(testing::fixture_build_options(corpus_), dir_ / "index");
  RagIndex index(dir_ / "index");
  std::vector<std::string> queries = {"heart"};
  try {
    index.search(queries, RagMode::hybrid, 3);
    ADD_FAILURE() << "hybrid search without dense vectors";
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("has no dense vectors, so --rag-mode hybrid cannot be served"));
  }
}

TEST_F(IndexLayout, AnExistingIndexIsReplacedOnlyWhenAsked) {
  rag_index_build(testing::fixture_build_options(corpus_), dir_ / "index");
  std::filesystem::path smaller = testing::write_corpus(dir_ / "smaller.jsonl", {{"only", "one document", ""}});
  try {
    rag_index_build(testing::fixture_build_options(smaller), dir_ / "index");
    ADD_FAILURE() << "overwrote without --overwrite";
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("already exists (give --overwrite"));
  }
  EXPECT_EQ(RagIndex(dir_ / "index").passages(), 4);
  RagBuildOptions replace = testing::fixture_build_options(smaller);
  replace.overwrite = true;
  rag_index_build(replace, dir_ / "index/");  // a trailing slash names the same folder
  EXPECT_EQ(RagIndex(dir_ / "index").passages(), 1);
  EXPECT_EQ(entries(dir_), (std::vector<std::string>{"corpus.jsonl", "index", "smaller.jsonl"}));

  // --overwrite never deletes a folder that is not an index.
  std::filesystem::create_directories(dir_ / "papers");
  write_file_atomic(dir_ / "papers" / "draft.txt", "mine");
  try {
    rag_index_build(replace, dir_ / "papers");
    ADD_FAILURE() << "replaced a folder that is not an index";
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("is not a retrieval index (no manifest.json)"));
  }
  EXPECT_EQ(read_file(dir_ / "papers" / "draft.txt"), "mine");
}

TEST_F(IndexLayout, AFailedBuildLeavesNothingBehind) {
  write_file_atomic(dir_ / "bad.jsonl", "{\"doc_id\": \"a\", \"body\": \"x\"}\n{\"doc_id\": \"a\", \"body\": \"y\"}\n");
  EXPECT_THROW(rag_index_build(testing::fixture_build_options(dir_ / "bad.jsonl"), dir_ / "index"), Error);
  RagBuildOptions bad_model = testing::fixture_build_options(corpus_);
  bad_model.embed_model = "gguf:" + (dir_ / "missing.gguf").string();
  EXPECT_THROW(rag_index_build(bad_model, dir_ / "index"), Error);
  EXPECT_EQ(entries(dir_), (std::vector<std::string>{"bad.jsonl", "corpus.jsonl"}));
}

}  // namespace
}  // namespace clinbench
