#include "backends/llama/split_kv_cache.h"

#include <algorithm>

namespace clinbench {

namespace {

// llama.cpp rounds each stream up to a multiple of 256 cells.
constexpr int64_t kStreamGranularity = 256;

}  // namespace

SplitKvCache::SplitKvCache(LlamaSession& session, int32_t sequences, int64_t longest_request, KvLayout layout)
    : session_(session) {
  if (layout == KvLayout::unified || sequences < 2 || longest_request <= 0) return;
  const int64_t cells = (longest_request + kStreamGranularity - 1) / kStreamGranularity * kStreamGranularity;
  // The root's stream comes on top of the slots' streams: it holds only a prefix of theirs.
  int64_t slots = sequences - 1;
  if (layout == KvLayout::automatic) {
    // As many slots as streams fit in the unified cache's cells: fewer sequences on their own
    // streams generate faster than more that read each other's cells.
    slots = std::min(slots, int64_t(session.kv_size()) / cells);
    if (slots < 2) return;
  }
  sequences = int32_t(slots + 1);
  if (sequences > int32_t(llama_max_parallel_sequences())) return;

  llama_context_params params = session.context_params();
  params.kv_unified = false;
  params.n_seq_max = uint32_t(sequences);
  params.n_ctx = uint32_t(cells * sequences);
  params.n_outputs_max = uint32_t(std::max<int64_t>(session.batch_size(), sequences));
  context_ = session.create_context(params);
  if (!context_) {
    llama_recent_errors();  // out of memory, say: the unified cache serves instead
    return;
  }
  session_.use_context(context_);
}

SplitKvCache::~SplitKvCache() {
  if (!context_) return;
  session_.restore_own_context();
  llama_free(context_);
}

void branch_from_root(llama_memory_t memory, llama_seq_id root, llama_seq_id sequence, llama_pos shared) {
  llama_memory_seq_cp(memory, root, sequence, -1, -1);
  llama_memory_seq_rm(memory, sequence, shared, -1);
}

}  // namespace clinbench
