// Generation on a KV cache split into one stream per sequence (llama.cpp's kv_unified = false).
//
// In the session's unified cache the cells of every sequence lie in one pool, and each generated
// token's attention walks the mask over every cell in use, its own sequence's or not: a step
// costs sequences x cells, so past 16 sequences more parallelism generated fewer tokens per
// second (docs/benchmarks.md). With a stream per sequence a token reads its own stream only.
// The price is memory: each stream holds the longest request instead of a share of one pool;
// and a shared root is copied into each sequence's stream instead of shared in place.
#pragma once

#include <cstdint>

#include "backends/llama/llama_session.h"

namespace clinbench {

enum class KvLayout {
  automatic,  // split, with as many slots as streams fit the unified cache's cells (2 at least)
  unified,    // the session's own cache
  split,      // split whenever a split context can be created
};

// While alive, `session` decodes on a context with one stream per sequence (`sequences`: the
// slots and the root), each of at least `longest_request` cells (prompt + new tokens), when the
// layout asks for it. For `automatic` the slots' streams hold no more cells than the unified
// cache (the memory the user allowed for it): fewer slots when they would, the unified cache
// when not even two fit. session.max_sequences() then tells the slots. The layout changes
// speed, never tokens. The split context is freed at the end.
class SplitKvCache {
 public:
  SplitKvCache(LlamaSession& session, int32_t sequences, int64_t longest_request, KvLayout layout);
  ~SplitKvCache();
  SplitKvCache(const SplitKvCache&) = delete;
  SplitKvCache& operator=(const SplitKvCache&) = delete;

  bool active() const { return context_ != nullptr; }

 private:
  LlamaSession& session_;
  llama_context* context_ = nullptr;
};

// Gives `sequence` the root's first `shared` positions. In one stream the cells are shared; across
// streams llama.cpp copies only whole streams, so the root's stream is copied (at the next decode)
// and the positions past `shared` removed. The copy reads the root stream's buffer at that next
// decode: a root replaced before it is still copied as it was (its data stays until overwritten
// by a decode, which applies pending copies first).
void branch_from_root(llama_memory_t memory, llama_seq_id root, llama_seq_id sequence, llama_pos shared);

}  // namespace clinbench
