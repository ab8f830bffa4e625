// Retrieval for a task's items: the passages each item gets for the text it is searched with
// (which text is its task kind's: kinds.h task_retrieval_query).
#include <cassert>

#include "clinbench/rag.h"

namespace clinbench {

void rag_retrieve_for_task(RagIndex& index, RagMode mode, int32_t k, std::span<const std::string> queries,
                           TaskData& data, const ProgressCallback& progress) {
  assert(queries.size() == data.examples.size());
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
