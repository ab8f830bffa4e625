#include "rag_fixtures.h"

#include <nlohmann/json.hpp>

namespace clinbench::testing {

std::filesystem::path write_corpus(const std::filesystem::path& file, const std::vector<FixtureDocument>& documents) {
  std::string lines;
  for (const FixtureDocument& document : documents) {
    nlohmann::json row = {{"doc_id", document.id}, {"body", document.text}};
    if (!document.title.empty()) row["heading"] = document.title;
    lines += row.dump() + "\n";
  }
  write_file_atomic(file, lines);
  return file;
}

RagBuildOptions fixture_build_options(const std::filesystem::path& corpus) {
  RagBuildOptions options;
  options.corpus.path = corpus;
  options.corpus.id_field = "doc_id";
  options.corpus.text_field = "body";
  return options;
}

const std::vector<FixtureDocument>& clinical_fixture() {
  static const std::vector<FixtureDocument> documents = {
      {"d0", "heart attack symptoms chest pain", ""},                        // 5 words
      {"d1", "heart heart failure", ""},                                     // 3 words
      {"d2", "chest pain after exercise can signal angina in adults", ""},   // 9 words
      {"d3", "kidney stones cause severe flank pain", ""},                   // 6 words
  };
  return documents;
}

}  // namespace clinbench::testing
