// ROUGE-1/2/L as Google's rouge_score computes them (rouge/tokenize.py, rouge/rouge_scorer.py,
// rouge/scoring.py; golden values from tests/data/golden/metrics/make_rouge_golden.py).
//
// Speed matters because a run scores every item of every model and sweeps re-score whole
// result sets; the cost is dominated by tokenizing and the LCS table. Tokens are
// interned to dense integer ids once per call (an exact string comparison, no hash collisions
// can merge two words), after which unigrams, bigrams and the LCS work on integers. All buffers
// are thread-local and reused, so a warm call does no heap allocation.
#include "metrics/rouge.h"

#include <algorithm>

#include "clinbench/metrics.h"

namespace clinbench {
namespace {

bool is_ascii_alphanumeric(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char ascii_lower(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
}

// Dense ids for the distinct tokens of one call: open addressing keyed by the token's text
// (compared in full, so distinct words never share an id). Reset per call by clearing only the slot
// array (a few hundred entries).
struct TokenInterner {
  std::vector<uint32_t> slots;        // 0 = empty, else the token id + 1
  std::vector<uint64_t> slot_hashes;  // full hash of the token in each occupied slot, to skip
                                      // most string comparisons on probe collisions
  uint32_t next_id = 0;

  void reset(size_t token_count) {
    size_t capacity = 16;
    while (capacity < token_count * 2) capacity *= 2;
    slots.assign(capacity, 0);
    slot_hashes.resize(capacity);
    next_id = 0;
  }
};

uint64_t fnv1a(std::string_view bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

struct RougeScratch {
  std::string characters;
  std::vector<RougeTokenSpan> prediction_tokens;
  std::vector<RougeTokenSpan> reference_tokens;
  std::vector<uint32_t> prediction_ids;
  std::vector<uint32_t> reference_ids;
  std::vector<RougeTokenSpan> representatives;  // first token seen for each id, indexed by id
  TokenInterner interner;
  std::vector<uint32_t> prediction_counts;
  std::vector<uint64_t> prediction_grams;
  std::vector<uint64_t> reference_grams;
  std::vector<uint32_t> lcs_row;
};

void intern_tokens(RougeScratch& scratch, std::span<const RougeTokenSpan> tokens,
                   std::vector<uint32_t>& ids) {
  TokenInterner& interner = scratch.interner;
  const size_t mask = interner.slots.size() - 1;
  ids.clear();
  for (const RougeTokenSpan& token : tokens) {
    std::string_view text(scratch.characters.data() + token.begin, token.length);
    uint64_t hash = fnv1a(text);
    size_t slot = static_cast<size_t>(hash) & mask;
    while (true) {
      uint32_t occupant = interner.slots[slot];
      if (occupant == 0) {
        interner.slots[slot] = interner.next_id + 1;
        interner.slot_hashes[slot] = hash;
        scratch.representatives.push_back(token);
        ids.push_back(interner.next_id++);
        break;
      }
      const RougeTokenSpan& other = scratch.representatives[occupant - 1];
      if (interner.slot_hashes[slot] == hash &&
          std::string_view(scratch.characters.data() + other.begin, other.length) == text) {
        ids.push_back(occupant - 1);
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
}

// Sorted bigram keys. Ids are < id_count <= 2^32, so a bigram packs exactly into 64 bits.
void fill_bigrams(std::span<const uint32_t> ids, uint64_t id_count, std::vector<uint64_t>& grams) {
  grams.clear();
  for (size_t i = 0; i + 1 < ids.size(); ++i) grams.push_back(ids[i] * id_count + ids[i + 1]);
  std::sort(grams.begin(), grams.end());
}

// rouge_score's _score_ngrams: overlap over max(count, 1), so empty sides give 0, not NaN.
PrecisionRecallF score_counts(int64_t overlap, size_t prediction_count, size_t reference_count) {
  PrecisionRecallF score;
  score.precision =
      static_cast<double>(overlap) / static_cast<double>(std::max<size_t>(prediction_count, 1));
  score.recall =
      static_cast<double>(overlap) / static_cast<double>(std::max<size_t>(reference_count, 1));
  score.f = metric_f_measure(score.precision, score.recall);
  return score;
}

// Unigrams: ids are dense, so count them in arrays instead of sorting.
PrecisionRecallF score_unigrams(RougeScratch& scratch, uint32_t id_count) {
  scratch.prediction_counts.assign(id_count, 0);
  for (uint32_t id : scratch.prediction_ids) ++scratch.prediction_counts[id];
  int64_t overlap = 0;
  for (uint32_t id : scratch.reference_ids) {
    // Each reference token takes one unused matching prediction token: sum of min(counts).
    if (scratch.prediction_counts[id] > 0) {
      --scratch.prediction_counts[id];
      ++overlap;
    }
  }
  return score_counts(overlap, scratch.prediction_ids.size(), scratch.reference_ids.size());
}

PrecisionRecallF score_bigrams(RougeScratch& scratch, uint32_t id_count) {
  fill_bigrams(scratch.prediction_ids, id_count, scratch.prediction_grams);
  fill_bigrams(scratch.reference_ids, id_count, scratch.reference_grams);
  int64_t overlap = rouge_sorted_overlap(scratch.prediction_grams, scratch.reference_grams);
  return score_counts(overlap, scratch.prediction_grams.size(), scratch.reference_grams.size());
}

}  // namespace

void rouge_tokenize_into(std::string_view text, std::string& characters,
                         std::vector<RougeTokenSpan>& tokens) {
  size_t token_begin = characters.size();
  auto close_token = [&] {
    if (characters.size() > token_begin) {
      tokens.push_back({static_cast<uint32_t>(token_begin),
                        static_cast<uint32_t>(characters.size() - token_begin)});
    }
    token_begin = characters.size();
  };
  const size_t size = text.size();
  for (size_t i = 0; i < size; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (is_ascii_alphanumeric(c)) {
        characters.push_back(ascii_lower(c));
      } else {
        close_token();
      }
      continue;
    }
    // Python's str.lower() maps exactly two non-ASCII characters to ASCII letters:
    // U+0130 (İ) -> "i" + U+0307 (a separator follows), U+212A (Kelvin sign) -> "k".
    if (c == 0xC4 && i + 1 < size && static_cast<unsigned char>(text[i + 1]) == 0xB0) {
      characters.push_back('i');
      close_token();
      i += 1;
      continue;
    }
    if (c == 0xE2 && i + 2 < size && static_cast<unsigned char>(text[i + 1]) == 0x84 &&
        static_cast<unsigned char>(text[i + 2]) == 0xAA) {
      characters.push_back('k');
      i += 2;
      continue;
    }
    // Every other non-ASCII byte belongs to a character outside [a-z0-9] after lower-casing.
    close_token();
  }
  close_token();
}

int64_t rouge_sorted_overlap(std::span<const uint64_t> sorted_a,
                             std::span<const uint64_t> sorted_b) {
  int64_t overlap = 0;
  size_t i = 0;
  size_t j = 0;
  while (i < sorted_a.size() && j < sorted_b.size()) {
    if (sorted_a[i] == sorted_b[j]) {
      ++overlap;
      ++i;
      ++j;
    } else if (sorted_a[i] < sorted_b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return overlap;
}

int64_t rouge_lcs_length(std::span<const uint32_t> a, std::span<const uint32_t> b,
                         std::vector<uint32_t>& row) {
  // The row spans the shorter sequence; LCS length is symmetric.
  if (a.size() < b.size()) std::swap(a, b);
  row.assign(b.size() + 1, 0);
  for (uint32_t a_id : a) {
    uint32_t diagonal = 0;  // row[j - 1] of the previous a token
    for (size_t j = 1; j <= b.size(); ++j) {
      uint32_t above = row[j];
      row[j] = (a_id == b[j - 1]) ? diagonal + 1 : std::max(above, row[j - 1]);
      diagonal = above;
    }
  }
  return row[b.size()];
}

RougeScores metric_rouge(std::string_view prediction, std::string_view reference) {
  thread_local RougeScratch scratch;
  scratch.characters.clear();
  scratch.prediction_tokens.clear();
  scratch.reference_tokens.clear();
  scratch.representatives.clear();
  rouge_tokenize_into(prediction, scratch.characters, scratch.prediction_tokens);
  rouge_tokenize_into(reference, scratch.characters, scratch.reference_tokens);

  scratch.interner.reset(scratch.prediction_tokens.size() + scratch.reference_tokens.size());
  intern_tokens(scratch, scratch.prediction_tokens, scratch.prediction_ids);
  intern_tokens(scratch, scratch.reference_tokens, scratch.reference_ids);
  const uint32_t id_count = scratch.interner.next_id;

  RougeScores scores;
  scores.rouge1 = score_unigrams(scratch, id_count);
  scores.rouge2 = score_bigrams(scratch, id_count);
  // rouge_score's _score_lcs returns all zeros when either side has no tokens.
  if (!scratch.prediction_ids.empty() && !scratch.reference_ids.empty()) {
    int64_t lcs = rouge_lcs_length(scratch.prediction_ids, scratch.reference_ids, scratch.lcs_row);
    scores.rouge_l.precision =
        static_cast<double>(lcs) / static_cast<double>(scratch.prediction_ids.size());
    scores.rouge_l.recall =
        static_cast<double>(lcs) / static_cast<double>(scratch.reference_ids.size());
    scores.rouge_l.f = metric_f_measure(scores.rouge_l.precision, scores.rouge_l.recall);
  }
  return scores;
}

std::vector<std::string> rouge_tokenize(std::string_view text) {
  std::string characters;
  std::vector<RougeTokenSpan> tokens;
  rouge_tokenize_into(text, characters, tokens);
  std::vector<std::string> result;
  result.reserve(tokens.size());
  for (const RougeTokenSpan& token : tokens)
    result.emplace_back(characters, token.begin, token.length);
  return result;
}

RougeScores metric_rouge_mean(std::span<const RougeScores> items) {
  RougeScores sum;
  if (items.empty()) return sum;
  auto add = [](PrecisionRecallF& total, const PrecisionRecallF& item) {
    total.precision += item.precision;
    total.recall += item.recall;
    total.f += item.f;
  };
  for (const RougeScores& item : items) {
    add(sum.rouge1, item.rouge1);
    add(sum.rouge2, item.rouge2);
    add(sum.rouge_l, item.rouge_l);
  }
  const double count = static_cast<double>(items.size());
  for (PrecisionRecallF* score : {&sum.rouge1, &sum.rouge2, &sum.rouge_l}) {
    score->precision /= count;
    score->recall /= count;
    score->f /= count;
  }
  return sum;
}

}  // namespace clinbench
