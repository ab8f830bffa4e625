// Recall@k and mean reciprocal rank of known gold documents.
#include <set>

#include "clinbench/rag.h"

namespace clinbench {

RagQualityResult rag_quality(const std::vector<std::vector<std::string>>& ranked_documents,
                             const std::vector<std::string>& gold, const std::vector<int32_t>& ks, int32_t depth) {
  if (ranked_documents.size() != gold.size()) {
    throw Error("retrieval quality: " + std::to_string(ranked_documents.size()) + " rankings for " +
                std::to_string(gold.size()) + " gold documents");
  }
  if (ks.empty()) throw Error("retrieval quality: give at least one k");
  for (int32_t k : ks) {
    if (k < 1) throw Error("retrieval quality: k must be at least 1, not " + std::to_string(k));
  }
  if (depth < 1) throw Error("retrieval quality: depth must be at least 1, not " + std::to_string(depth));
  RagQualityResult result;
  result.queries = int64_t(gold.size());
  result.ks = ks;
  result.recall.assign(ks.size(), 0.0);
  result.depth = depth;
  if (gold.empty()) return result;
  double reciprocal_ranks = 0;
  for (size_t q = 0; q < gold.size(); ++q) {
    // The rank of the gold among distinct documents, 1-based; 0 = not within depth.
    int64_t rank = 0;
    std::set<std::string> seen;
    for (const std::string& document : ranked_documents[q]) {
      if (!seen.insert(document).second) continue;
      if (int64_t(seen.size()) > depth) break;
      if (document == gold[q]) {
        rank = int64_t(seen.size());
        break;
      }
    }
    if (rank == 0) continue;
    reciprocal_ranks += 1.0 / double(rank);
    for (size_t i = 0; i < ks.size(); ++i) {
      if (rank <= ks[i]) result.recall[i] += 1;
    }
  }
  for (double& recall : result.recall) recall /= double(gold.size());
  result.mrr = reciprocal_ranks / double(gold.size());
  return result;
}

}  // namespace clinbench
