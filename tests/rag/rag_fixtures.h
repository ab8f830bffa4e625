// Small corpora written by the tests themselves, and indexes built from them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "clinbench/rag.h"

namespace clinbench::testing {

struct FixtureDocument {
  std::string id;
  std::string text;
  std::string title;  // written only when not empty
};

// Writes one JSON object a line: {"doc_id", "body"[, "heading"]}.
std::filesystem::path write_corpus(const std::filesystem::path& file, const std::vector<FixtureDocument>& documents);

// Build options for such a corpus (id doc_id, text body, title heading).
RagBuildOptions fixture_build_options(const std::filesystem::path& corpus);

// Four short clinical sentences whose BM25 weights bm25_ranking_test works out by hand.
const std::vector<FixtureDocument>& clinical_fixture();

}  // namespace clinbench::testing
