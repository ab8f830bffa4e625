#include "engine/scheduler.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace clinbench {

DistinctRequests group_distinct_requests(std::span<const CacheKey> keys) {
  DistinctRequests out;
  out.distinct_of.resize(keys.size());
  std::unordered_map<std::string_view, size_t> index_of_hash;
  index_of_hash.reserve(keys.size());
  for (size_t r = 0; r < keys.size(); ++r) {
    auto [it, inserted] = index_of_hash.emplace(keys[r].hash, out.first_request.size());
    if (inserted) {
      out.first_request.push_back(r);
      out.copies.push_back(0);
    }
    out.distinct_of[r] = it->second;
    ++out.copies[it->second];
  }
  return out;
}

namespace {

std::optional<LoglikelihoodResponse> find_in(ResponseCache& cache, const CacheKey& key,
                                             const LoglikelihoodRequest&) {
  return cache.find_loglikelihood(key);
}

std::optional<GenerationResponse> find_in(ResponseCache& cache, const CacheKey& key,
                                          const GenerationRequest&) {
  return cache.find_generation(key);
}

std::optional<EmbeddingResponse> find_in(ResponseCache& cache, const CacheKey& key, const EmbeddingRequest&) {
  return cache.find_embedding(key);
}

void call_backend(Backend& backend, std::span<const EmbeddingRequest> requests,
                  const std::function<void(size_t, EmbeddingResponse&&)>& sink) {
  backend.embed(requests, sink, {});
}

void call_backend(Backend& backend, std::span<const LoglikelihoodRequest> requests,
                  const std::function<void(size_t, LoglikelihoodResponse&&)>& sink) {
  backend.loglikelihood(requests, sink, {});
}

void call_backend(Backend& backend, std::span<const GenerationRequest> requests,
                  const std::function<void(size_t, GenerationResponse&&)>& sink) {
  backend.generate(requests, sink, {});
}

// One body for every request kind; the overloads above are the only differences.
template <typename Request, typename Response>
void schedule(Backend& backend, ResponseCache* cache, std::string_view task,
              std::span<const Request> requests, const ProgressCallback& progress,
              std::vector<Response>& responses, ScheduleCounts& counts) {
  const ModelInfo& model = backend.info();
  const int64_t total = int64_t(requests.size());
  counts = {};
  counts.total = total;

  std::vector<CacheKey> keys;
  keys.reserve(requests.size());
  for (const Request& request : requests) keys.push_back(cache_key(model, request));
  const DistinctRequests distinct = group_distinct_requests(keys);
  const size_t distinct_count = distinct.first_request.size();
  counts.deduplicated = total - int64_t(distinct_count);

  std::vector<std::optional<Response>> answers(distinct_count);
  int64_t done = 0;
  std::vector<size_t> misses;  // distinct indexes the backend must compute
  for (size_t d = 0; d < distinct_count; ++d) {
    if (cache) {
      answers[d] =
          find_in(*cache, keys[distinct.first_request[d]], requests[distinct.first_request[d]]);
    }
    if (answers[d]) {
      ++counts.from_cache;
      done += distinct.copies[d];
    } else {
      misses.push_back(d);
    }
  }
  counts.computed = int64_t(misses.size());
  if (progress) progress(done, total);

  if (!misses.empty()) {
    // Without duplicates or hits the backend gets the caller's span as is (no copy of the text).
    std::vector<Request> miss_requests;
    std::span<const Request> to_compute = requests;
    if (misses.size() != requests.size()) {
      miss_requests.reserve(misses.size());
      for (size_t d : misses) miss_requests.push_back(requests[distinct.first_request[d]]);
      to_compute = miss_requests;
    }
    auto sink = [&](size_t index, Response&& response) {
      if (index >= misses.size() || answers[misses[index]]) {
        throw std::logic_error("backend " + model.spec + " delivered request " +
                               std::to_string(index) + " of " + std::to_string(misses.size()) +
                               (index >= misses.size() ? ", which does not exist" : " twice"));
      }
      const size_t d = misses[index];
      // Committed before the next response arrives: a kill after this line loses nothing here.
      if (cache) cache->store(keys[distinct.first_request[d]], task, response);
      if (response.status == RequestStatus::backend_error) ++counts.errors;
      answers[d] = std::move(response);
      done += distinct.copies[d];
      if (progress) progress(done, total);
    };
    call_backend(backend, to_compute, sink);
    for (size_t d : misses) {
      if (!answers[d]) {
        throw std::logic_error("backend " + model.spec + " returned without answering request " +
                               std::to_string(distinct.first_request[d]));
      }
    }
  }

  // Fan out: copies for all but the last request of each distinct one, which takes the original.
  std::vector<int64_t> remaining = distinct.copies;
  responses.clear();
  responses.reserve(requests.size());
  for (size_t r = 0; r < requests.size(); ++r) {
    const size_t d = distinct.distinct_of[r];
    if (--remaining[d] == 0) {
      responses.push_back(std::move(*answers[d]));
    } else {
      responses.push_back(*answers[d]);
    }
  }
}

}  // namespace

LoglikelihoodResults schedule_loglikelihood(Backend& backend, ResponseCache* cache,
                                            std::string_view task,
                                            std::span<const LoglikelihoodRequest> requests,
                                            const ProgressCallback& progress) {
  LoglikelihoodResults results;
  schedule(backend, cache, task, requests, progress, results.responses, results.counts);
  return results;
}

GenerationResults schedule_generation(Backend& backend, ResponseCache* cache, std::string_view task,
                                      std::span<const GenerationRequest> requests,
                                      const ProgressCallback& progress) {
  GenerationResults results;
  schedule(backend, cache, task, requests, progress, results.responses, results.counts);
  return results;
}

EmbeddingResults schedule_embedding(Backend& backend, ResponseCache* cache, std::string_view task,
                                    std::span<const EmbeddingRequest> requests, const ProgressCallback& progress) {
  EmbeddingResults results;
  schedule(backend, cache, task, requests, progress, results.responses, results.counts);
  return results;
}

}  // namespace clinbench
