// Log-likelihood of many (context, continuation) requests on one llama.cpp context, computing
// every shared token prefix once.
//
// Requests are tokenised, de-duplicated and sorted by their tokens, so that requests sharing a
// prefix (the options of one question; questions behind the same few-shot block) sit side by
// side. They are cut into rounds that fit the KV cache and the sequence limit. Within a round the
// sorted requests form a prefix tree: each tree node is one token placed once in the batch with
// the sequence ids of every request below it (llama.cpp lets a token belong to many sequences),
// and logits are asked for only where a continuation token is predicted. Batches are filled to
// n_batch across requests. The numbers equal one-request-at-a-time evaluation (tested to 1e-3).
#pragma once

#include <span>

#include "backends/llama/llama_session.h"
#include "clinbench/backends.h"

namespace clinbench {

// Not thread-safe: one evaluation at a time per session.
void evaluate_loglikelihood(LlamaSession& session, std::span<const LoglikelihoodRequest> requests,
                            const LoglikelihoodSink& sink, const ProgressCallback& progress);

}  // namespace clinbench
