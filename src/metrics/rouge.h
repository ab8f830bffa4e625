// ROUGE internals: the rouge_score tokenizer on reusable buffers, and the counting kernels.
// The public entry points are metric_rouge() and rouge_tokenize() in clinbench/metrics.h.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace clinbench {

// One token: `length` lower-case ASCII characters at `begin` in a character buffer.
struct RougeTokenSpan {
  uint32_t begin = 0;
  uint32_t length = 0;
};

// Appends the tokens of `text` (rouge_score's tokenize without stemming) to `tokens`, their
// characters to `characters`. Texts must be shorter than 4 GiB.
void rouge_tokenize_into(std::string_view text, std::string& characters,
                         std::vector<RougeTokenSpan>& tokens);

// Size of the multiset intersection of two sorted sequences (sum over values of the smaller
// count): the clipped n-gram overlap of rouge_score's _score_ngrams.
int64_t rouge_sorted_overlap(std::span<const uint64_t> sorted_a,
                             std::span<const uint64_t> sorted_b);

// Length of the longest common subsequence, with one rolling row of min(|a|, |b|) + 1 cells
// held in `row` (reused between calls). O(|a| * |b|) time.
int64_t rouge_lcs_length(std::span<const uint32_t> a, std::span<const uint32_t> b,
                         std::vector<uint32_t>& row);

}  // namespace clinbench
