// BERTScore with a model: texts through an embedding backend (Backend::embed; the caller may
// route them through the scheduler and the response cache), then
// the pure matching of clinbench/metrics.h (metric_bertscore). Kept out of the public header
// because it runs a model; the sample scorer calls it once for all of a task's generations.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "clinbench/backends.h"
#include "clinbench/metrics.h"

namespace clinbench {

// The view metric_bertscore reads of an embedder's result; borrows `embeddings`.
TokenEmbeddingsView token_embeddings_view(const EmbeddingResponse& embeddings);

// How texts become embeddings: one response per request, in order. The engine passes
// schedule_embedding (deduplicated, cached); embed_texts_directly calls the backend as is.
using EmbedTexts = std::function<std::vector<EmbeddingResponse>(std::span<const EmbeddingRequest>)>;
EmbedTexts embed_texts_directly(Backend& embedder);

// BERTScore of predictions[i] (candidate) against references[i], for every i: one result per
// pair, in order, with the truncation flags and token counts filled in. Texts are embedded in
// batches (identical texts once per chunk of pairs), so that scoring a whole task costs a few
// llama_encode calls, not one per text. progress gets (pairs done, total).
// Contract: predictions.size() == references.size() (else std::invalid_argument).
// Throws Error when the model fails. Not thread-safe (uses the embedder).
// Throws Error when a text's embedding failed (its status is not ok).
std::vector<BertScore> bertscore_pairs(const EmbedTexts& embed,
                                       std::span<const std::string> predictions,
                                       std::span<const std::string> references,
                                       const ProgressCallback& progress = {});

// The metric's settings for results.json: model spec, sha256, architecture, the layer used and
// the layer note, max tokens per text, idf false, baseline rescaling false, and the GELU form
// (llama.cpp's differs from Hugging Face's, so scores differ slightly from bert_score's).
// info: the embedding backend's (open_embedding_backend; its details name the file and layer).
nlohmann::json bertscore_config(const ModelInfo& info);

}  // namespace clinbench
