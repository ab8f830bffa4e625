// BERTScore: greedy cosine matching (bert_score's greedy_cos_idf with idf=False) and the driver
// that embeds prediction/reference pairs with a model.
#include "metrics/bertscore.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_map>

namespace clinbench {

namespace {

int32_t checked_rows(const TokenEmbeddingsView& text, const char* which) {
  if (text.dimension <= 0 || text.vectors.size() % size_t(text.dimension) != 0) {
    throw std::invalid_argument(std::string("metric_bertscore: ") + which +
                                " vectors are not a whole number of rows of the dimension");
  }
  int32_t rows = int32_t(text.vectors.size() / size_t(text.dimension));
  if (text.scored_begin < 0 || text.scored_begin > text.scored_end || text.scored_end > rows) {
    throw std::invalid_argument(std::string("metric_bertscore: ") + which +
                                " scored rows lie outside its vectors");
  }
  return rows;
}

double dot(const float* a, const float* b, int32_t dimension) {
  // Four partial sums: independent additions the compiler can overlap; double against
  // cancellation when nearly opposite vectors meet.
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int32_t k = 0;
  for (; k + 4 <= dimension; k += 4) {
    s0 += double(a[k]) * double(b[k]);
    s1 += double(a[k + 1]) * double(b[k + 1]);
    s2 += double(a[k + 2]) * double(b[k + 2]);
    s3 += double(a[k + 3]) * double(b[k + 3]);
  }
  for (; k < dimension; ++k) s0 += double(a[k]) * double(b[k]);
  return (s0 + s1) + (s2 + s3);
}

// 1 / |row| for every row; 0 for a zero row, so its cosines come out 0 instead of NaN.
std::vector<double> inverse_norms(const TokenEmbeddingsView& text, int32_t rows) {
  std::vector<double> inverse(size_t(rows), 0.0);
  for (int32_t i = 0; i < rows; ++i) {
    const float* row = text.vectors.data() + size_t(i) * size_t(text.dimension);
    double norm = std::sqrt(dot(row, row, text.dimension));
    if (norm > 0) inverse[size_t(i)] = 1.0 / norm;
  }
  return inverse;
}

}  // namespace

BertScore metric_bertscore(const TokenEmbeddingsView& candidate, const TokenEmbeddingsView& reference) {
  int32_t candidate_rows = checked_rows(candidate, "candidate");
  int32_t reference_rows = checked_rows(reference, "reference");
  if (candidate.dimension != reference.dimension) {
    throw std::invalid_argument("metric_bertscore: candidate and reference dimensions differ");
  }
  BertScore score;
  score.candidate_tokens = candidate.scored_end - candidate.scored_begin;
  score.reference_tokens = reference.scored_end - reference.scored_begin;
  score.empty_candidate = score.candidate_tokens == 0;
  score.empty_reference = score.reference_tokens == 0;
  if (score.empty_candidate || score.empty_reference) return score;  // bert_score: all 0

  const int32_t dimension = candidate.dimension;
  std::vector<double> candidate_inverse = inverse_norms(candidate, candidate_rows);
  std::vector<double> reference_inverse = inverse_norms(reference, reference_rows);
  const double lowest = -std::numeric_limits<double>::infinity();
  std::vector<double> best_for_candidate(size_t(candidate_rows), lowest);
  std::vector<double> best_for_reference(size_t(reference_rows), lowest);
  for (int32_t i = 0; i < candidate_rows; ++i) {
    const float* c = candidate.vectors.data() + size_t(i) * size_t(dimension);
    for (int32_t j = 0; j < reference_rows; ++j) {
      const float* r = reference.vectors.data() + size_t(j) * size_t(dimension);
      // The product of the inverse norms first: the same value whichever text is the candidate,
      // so that swapping the texts swaps P and R exactly.
      double cosine = dot(c, r, dimension) * (candidate_inverse[size_t(i)] * reference_inverse[size_t(j)]);
      best_for_candidate[size_t(i)] = std::max(best_for_candidate[size_t(i)], cosine);
      best_for_reference[size_t(j)] = std::max(best_for_reference[size_t(j)], cosine);
    }
  }
  double precision_sum = 0.0;
  for (int32_t i = candidate.scored_begin; i < candidate.scored_end; ++i) {
    precision_sum += best_for_candidate[size_t(i)];
  }
  double recall_sum = 0.0;
  for (int32_t j = reference.scored_begin; j < reference.scored_end; ++j) {
    recall_sum += best_for_reference[size_t(j)];
  }
  score.precision = precision_sum / double(score.candidate_tokens);
  score.recall = recall_sum / double(score.reference_tokens);
  // bert_score: F = 2PR / (P + R), NaN (P + R == 0) set to 0; no clamping of negative sums.
  double sum = score.precision + score.recall;
  score.f = sum == 0.0 ? 0.0 : 2.0 * score.precision * score.recall / sum;
  return score;
}

BertScoreMean metric_bertscore_mean(std::span<const BertScore> items) {
  BertScoreMean mean;
  if (items.empty()) return mean;
  for (const BertScore& item : items) {
    mean.precision += item.precision;
    mean.recall += item.recall;
    mean.f += item.f;
    mean.empty_candidates += item.empty_candidate ? 1 : 0;
    mean.empty_references += item.empty_reference ? 1 : 0;
    mean.truncated_candidates += item.candidate_truncated ? 1 : 0;
    mean.truncated_references += item.reference_truncated ? 1 : 0;
  }
  mean.items = int64_t(items.size());
  mean.precision /= double(items.size());
  mean.recall /= double(items.size());
  mean.f /= double(items.size());
  return mean;
}

EmbedTexts embed_texts_directly(Backend& embedder) {
  return [&embedder](std::span<const EmbeddingRequest> requests) { return embed_all(embedder, requests); };
}

TokenEmbeddingsView token_embeddings_view(const EmbeddingResponse& embeddings) {
  return TokenEmbeddingsView{
      .vectors = embeddings.vectors,
      .dimension = embeddings.dimension,
      .scored_begin = embeddings.scored_begin,
      .scored_end = embeddings.scored_end,
  };
}

std::vector<BertScore> bertscore_pairs(const EmbedTexts& embed,
                                       std::span<const std::string> predictions,
                                       std::span<const std::string> references,
                                       const ProgressCallback& progress) {
  if (predictions.size() != references.size()) {
    throw std::invalid_argument("bertscore_pairs: " + std::to_string(predictions.size()) +
                                " predictions but " + std::to_string(references.size()) +
                                " references");
  }
  // Chunks bound the memory held in embeddings (tokens * dimension floats per text) while
  // keeping each chunk's llama_encode batches full.
  constexpr size_t kPairsPerChunk = 512;
  std::vector<BertScore> scores;
  scores.reserve(predictions.size());
  for (size_t start = 0; start < predictions.size(); start += kPairsPerChunk) {
    size_t end = std::min(predictions.size(), start + kPairsPerChunk);
    std::vector<EmbeddingRequest> texts;
    std::unordered_map<std::string_view, size_t> index_of;
    auto add = [&](const std::string& text) {
      auto [it, inserted] = index_of.try_emplace(text, texts.size());
      if (inserted) texts.push_back({text});
      return it->second;
    };
    std::vector<std::pair<size_t, size_t>> pairs;
    for (size_t i = start; i < end; ++i) pairs.emplace_back(add(predictions[i]), add(references[i]));
    std::vector<EmbeddingResponse> embedded = embed(texts);
    for (const EmbeddingResponse& response : embedded) {
      if (response.status != RequestStatus::ok) throw Error("BERTScore embedding failed: " + response.error);
    }
    for (const auto& [candidate, reference] : pairs) {
      BertScore score = metric_bertscore(token_embeddings_view(embedded[candidate]),
                                         token_embeddings_view(embedded[reference]));
      score.candidate_truncated = embedded[candidate].truncated;
      score.reference_truncated = embedded[reference].truncated;
      scores.push_back(score);
    }
    if (progress) progress(int64_t(end), int64_t(predictions.size()));
  }
  return scores;
}

nlohmann::json bertscore_config(const ModelInfo& info) {
  const nlohmann::json& model = info.details;
  return {
      {"model", info.spec},
      {"sha256", model.value("sha256", "")},
      {"architecture", model.value("architecture", "")},
      {"name", model.value("name", "")},
      {"layer", model.value("layer", 0)},
      {"model_layers", model.value("model_layers", 0)},
      {"layer_note", model.value("layer_note", "")},
      {"max_tokens_per_text", model.value("max_text_tokens", 0)},
      {"idf", false},
      {"rescale_with_baseline", false},
      {"special_tokens", "[CLS]/[SEP] matched against, not averaged (bert_score)"},
      // Why scores can differ from the bert_score package at the same layer: llama.cpp's BERT
      // graph uses the tanh form of GELU (read from an f16 table on the CPU); Hugging Face's
      // BERT uses the exact erf form.
      {"gelu", "llama.cpp tanh approximation (f16 table on CPU); Hugging Face BERT uses erf"},
  };
}

}  // namespace clinbench
