// Retrieval for a task's items: which text each item is searched with, and the passages it gets.
#include <algorithm>
#include <set>

#include "clinbench/rag.h"

namespace clinbench {

namespace {

// Fields that would leak the answer, or are not the item's own words.
const std::set<std::string>& fields_left_out_of_queries() {
  static const std::set<std::string> names = {"retrieved",   "documents",     "reference", "reference_items",
                                              "answer_letter", "answer_text", "letter",    "option",
                                              "options"};
  return names;
}

}  // namespace

std::string rag_query_text(const TaskSpec& spec, const Example& example) {
  if (!spec.retrieval_query.empty()) return task_template_render(spec.retrieval_query, example, spec);
  if (spec.kind != TaskKind::generation) return task_template_render("{question}", example, spec);
  std::string query;
  for (const std::string& name : task_template_fields(spec.user_template)) {
    if (fields_left_out_of_queries().count(name)) continue;
    std::string part = task_template_render("{" + name + "}", example, spec);
    if (part.empty()) continue;
    query += (query.empty() ? "" : "\n") + part;
  }
  return query;
}

void rag_retrieve_for_task(RagIndex& index, RagMode mode, int32_t k, const TaskSpec& spec, TaskData& data,
                           const ProgressCallback& progress) {
  std::vector<std::string> queries;
  queries.reserve(data.examples.size());
  for (const Example& example : data.examples) queries.push_back(rag_query_text(spec, example));
  std::vector<std::vector<RagHit>> hits = index.search(queries, mode, k, progress);
  for (size_t e = 0; e < data.examples.size(); ++e) {
    std::vector<RetrievedPassage> passages;
    for (const RagHit& hit : hits[e]) {
      RagPassage passage = index.passage(hit.passage);
      passages.push_back({passage.document_id, passage.chunk, hit.score, passage.title, passage.text});
    }
    data.examples[e].retrieved = std::move(passages);
  }
}

}  // namespace clinbench
