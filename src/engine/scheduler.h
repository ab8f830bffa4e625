// The scheduler's bookkeeping, apart from the backend and cache calls (engine.h declares
// schedule_loglikelihood and schedule_generation): which requests are the same request.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "clinbench/engine.h"

namespace clinbench {

// Requests grouped by identity (equal CacheKey::hash), distinct requests numbered in order of
// first appearance.
struct DistinctRequests {
  std::vector<size_t> distinct_of;    // size n: request index -> distinct index
  std::vector<size_t> first_request;  // per distinct request: its first request index
  std::vector<int64_t> copies;        // per distinct request: how many requests it answers (>= 1)
};

// O(n) expected time; keys has one entry per request.
DistinctRequests group_distinct_requests(std::span<const CacheKey> keys);

}  // namespace clinbench
