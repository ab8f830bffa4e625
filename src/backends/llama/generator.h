// Generation with continuous batching: up to `parallel` sequences decode together in one
// llama.cpp context; a finished sequence frees its slot (and KV cells) for the next prompt at
// once, and prompt tokens of newly admitted requests fill the rest of each batch.
#pragma once

#include <span>

#include "backends/llama/llama_session.h"
#include "backends/llama/split_kv_cache.h"
#include "clinbench/backends.h"

namespace clinbench {

// Not thread-safe: one call at a time per session. parallel is capped at the session's limit.
// layout: where the sequences' KV cells live (split_kv_cache.h); tokens do not depend on it.
void generate_batched(LlamaSession& session, std::span<const GenerationRequest> requests,
                      int32_t parallel, const GenerationSink& sink, const ProgressCallback& progress,
                      KvLayout layout = KvLayout::automatic);

}  // namespace clinbench
