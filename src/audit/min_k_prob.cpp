// Min-K% Prob (Shi et al. 2023, arXiv:2310.16789): a text the model was trained on holds few
// tokens the model finds very unlikely, so the mean of its lowest K% token log-probabilities is
// higher (nearer 0) than for unseen text. The paper's code: sort the log-probs, take the first
// int(len * K/100), average (and negate; here the sign is kept: higher = more familiar).
#include <algorithm>
#include <stdexcept>

#include "clinbench/audit.h"

namespace clinbench {

std::optional<double> audit_min_k_prob(std::span<const float> token_logprobs, double k_percent) {
  if (!(k_percent > 0 && k_percent <= 100)) throw std::logic_error("audit_min_k_prob: k_percent must be in (0, 100]");
  if (token_logprobs.empty()) return std::nullopt;
  std::vector<float> sorted(token_logprobs.begin(), token_logprobs.end());
  size_t count = std::max<size_t>(1, size_t(double(sorted.size()) * k_percent / 100.0));
  std::partial_sort(sorted.begin(), sorted.begin() + ptrdiff_t(count), sorted.end());
  double sum = 0;
  for (size_t i = 0; i < count; ++i) sum += sorted[i];
  return sum / double(count);
}

std::vector<AuditMinK> audit_min_k_scores(Backend& backend, ResponseCache* cache, std::string_view task,
                                          const std::vector<std::string>& texts, double k_percent,
                                          const ProgressCallback& progress) {
  if (!(k_percent > 0 && k_percent <= 100)) {
    throw Error("--min-k must be a percentage in (0, 100] (got " + std::to_string(k_percent) + ")");
  }
  // BOS and a token of slack: the engine's own split may tokenise the start differently.
  const int32_t budget = backend.info().context_length > 0 ? backend.info().context_length - 2 : 0;
  std::vector<AuditMinK> scores(texts.size());
  std::vector<LoglikelihoodRequest> requests(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    requests[i].continuation = texts[i];
    if (budget > 0 && backend.count_tokens(texts[i]) > budget) {
      requests[i].continuation = backend.truncate_to_tokens(texts[i], budget);
      scores[i].truncated = true;
    }
  }
  LoglikelihoodResults results = schedule_loglikelihood(backend, cache, task, requests, progress);
  for (size_t i = 0; i < texts.size(); ++i) {
    const LoglikelihoodResponse& response = results.responses[i];
    scores[i].status = response.status;
    scores[i].tokens = int32_t(response.token_logprobs.size());
    if (response.status == RequestStatus::ok) scores[i].min_k_prob = audit_min_k_prob(response.token_logprobs, k_percent);
  }
  return scores;
}

}  // namespace clinbench
