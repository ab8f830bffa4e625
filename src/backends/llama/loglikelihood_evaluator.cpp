#include "backends/llama/loglikelihood_evaluator.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <unordered_map>

#include "backends/llama/continuation_split.h"

namespace clinbench {

namespace {

// One distinct token sequence to score; several identical requests share it.
struct Item {
  std::vector<llama_token> tokens;
  int32_t context_tokens = 0;
  std::vector<size_t> request_indices;
  LoglikelihoodResponse response;
};

// A logits row wanted by an item: the row at position p predicts tokens[p + 1].
struct Consumer {
  int32_t item;
  int32_t continuation_offset;  // index into response.token_logprobs
  llama_token target;
};

// One token placed in a batch on the sequences [first_sequence, first_sequence + sequences).
struct Placement {
  llama_token token;
  llama_pos position;
  int32_t first_sequence;
  int32_t sequences;
  std::vector<Consumer> consumers;  // empty: no logits needed
};

// Tokens a request must decode: all but the last (its logits would predict nothing we score).
int32_t decoded_length(const Item& item) { return int32_t(item.tokens.size()) - 1; }

// Positions [0, placed_length) that item k of a sorted run must see decoded. When the next item
// extends it (item k is its prefix), item k's last token is needed by that item, and item k,
// being first in sort order, is the one to place it.
int32_t placed_length(const Item& item, int32_t shared_with_next) {
  bool next_extends = shared_with_next >= int32_t(item.tokens.size());
  return decoded_length(item) + (next_extends ? 1 : 0);
}

// The sequence that holds the root: the prefix all requests of a round share, kept in the KV
// cache from round to round while the next round shares it too. Requests use kRootSequence + 1...
constexpr llama_seq_id kRootSequence = 0;

// Builds the prefix tree of one round: items[begin, end) sorted by tokens, on sequence ids
// 1..n. Positions [0, root_length) are the root: [0, root_kept) are already in the KV cache on
// the root sequence; [root_kept, root_length) are placed here on the root sequence and on every
// request's, so that the root grows without a separate pass.
std::vector<Placement> place_round(const std::vector<Item>& items, const std::vector<int32_t>& order,
                                   size_t begin, size_t end, int32_t root_kept, int32_t root_length) {
  const size_t n = end - begin;
  std::vector<Placement> placements;
  const Item& first = items[size_t(order[begin])];
  for (int32_t p = root_kept; p < root_length; ++p) {
    placements.push_back({first.tokens[size_t(p)], p, kRootSequence, int32_t(n) + 1, {}});
  }
  // shared[k]: tokens item k shares with item k-1 (k > 0), within the round; the root for k = 0.
  std::vector<int32_t> shared(n + 1, 0);
  shared[0] = root_length;
  for (size_t k = 1; k < n; ++k) {
    shared[k] = int32_t(token_common_prefix(items[size_t(order[begin + k - 1])].tokens,
                                      items[size_t(order[begin + k])].tokens));
  }
  for (size_t k = 0; k < n; ++k) {
    const Item& item = items[size_t(order[begin + k])];
    int32_t place_end = placed_length(item, shared[k + 1]);
    int32_t first_new = std::min(shared[k], place_end);
    // The run of items that share position p with item k ends where the running minimum of
    // `shared` drops to p or below; it only shrinks as p grows.
    std::vector<int32_t> running_min;  // running_min[r] = min(shared[k+1 .. k+1+r])
    for (size_t r = k + 1; r < n; ++r) {
      int32_t previous = running_min.empty() ? shared[r] : std::min(running_min.back(), shared[r]);
      if (previous <= first_new) break;
      running_min.push_back(previous);
    }
    size_t run_end = k + 1 + running_min.size();
    for (int32_t p = first_new; p < place_end; ++p) {
      while (run_end > k + 1 && running_min[run_end - k - 2] <= p) --run_end;
      Placement placement{item.tokens[size_t(p)], p, int32_t(k) + 1, int32_t(run_end - k), {}};
      for (size_t m = k; m < run_end; ++m) {
        int32_t item_index = order[begin + m];
        const Item& member = items[size_t(item_index)];
        if (p >= member.context_tokens - 1 && p < decoded_length(member)) {
          placement.consumers.push_back(
              {item_index, p - (member.context_tokens - 1), member.tokens[size_t(p) + 1]});
        }
      }
      placements.push_back(std::move(placement));
    }
  }
  return placements;
}

// Scores the consumers of one logits row: log-softmax at each target and the greedy check.
void score_row(const float* row, int32_t vocab_size, const std::vector<Consumer>& consumers,
               std::vector<Item>& items) {
  float max_logit = row[0];
  int32_t argmax = 0;
  for (int32_t v = 1; v < vocab_size; ++v) {
    if (row[v] > max_logit) {
      max_logit = row[v];
      argmax = v;
    }
  }
  double sum = 0.0;
  for (int32_t v = 0; v < vocab_size; ++v) sum += std::exp(double(row[v] - max_logit));
  double log_normalizer = double(max_logit) + std::log(sum);
  for (const Consumer& consumer : consumers) {
    LoglikelihoodResponse& response = items[size_t(consumer.item)].response;
    response.token_logprobs[size_t(consumer.continuation_offset)] =
        float(double(row[consumer.target]) - log_normalizer);
    if (consumer.target != argmax) response.is_greedy = false;
  }
}

class RoundRunner {
 public:
  explicit RoundRunner(LlamaSession& session)
      : session_(session),
        batch_(llama_batch_init(session.batch_size(), 0, session.max_sequences())) {}
  ~RoundRunner() { llama_batch_free(batch_); }
  RoundRunner(const RoundRunner&) = delete;
  RoundRunner& operator=(const RoundRunner&) = delete;

  // Branches the kept root into the round's sequences 1..sequences, decodes the placements in
  // batches of n_batch, scores every logits row, and frees the round's sequences (the root
  // stays). Returns "" or the reason llama_decode failed.
  std::string run(const std::vector<Placement>& placements, int32_t sequences, std::vector<Item>& items) {
    llama_memory_t memory = session_.memory();
    for (llama_seq_id s = 1; s <= sequences; ++s) llama_memory_seq_cp(memory, kRootSequence, s, -1, -1);
    size_t next = 0;
    std::string failure;
    while (next < placements.size() && failure.empty()) {
      size_t count = std::min(placements.size() - next, size_t(session_.batch_size()));
      batch_.n_tokens = int32_t(count);
      for (size_t i = 0; i < count; ++i) {
        const Placement& placement = placements[next + i];
        batch_.token[i] = placement.token;
        batch_.pos[i] = placement.position;
        batch_.n_seq_id[i] = placement.sequences;
        for (int32_t s = 0; s < placement.sequences; ++s) {
          batch_.seq_id[i][s] = placement.first_sequence + s;
        }
        batch_.logits[i] = placement.consumers.empty() ? 0 : 1;
      }
      int32_t status = session_.decode(batch_);
      if (status != 0) {
        failure = "llama_decode failed with status " + std::to_string(status);
        std::string detail = llama_recent_errors();
        if (!detail.empty()) failure += ": " + detail;
        break;
      }
      for (size_t i = 0; i < count; ++i) {
        const Placement& placement = placements[next + i];
        if (placement.consumers.empty()) continue;
        const float* row = llama_get_logits_ith(session_.context(), int32_t(i));
        score_row(row, session_.vocab_size(), placement.consumers, items);
      }
      next += count;
    }
    for (llama_seq_id s = 1; s <= sequences; ++s) llama_memory_seq_rm(memory, s, -1, -1);
    return failure;
  }

  // Shortens the root to its first `length` tokens.
  void trim_root(int32_t length) { llama_memory_seq_rm(session_.memory(), kRootSequence, length, -1); }

  void clear() { llama_memory_clear(session_.memory(), false); }

 private:
  LlamaSession& session_;
  llama_batch batch_;
};

void deliver(Item& item, const LoglikelihoodSink& sink) {
  item.response.logprob = 0.0;
  for (float value : item.response.token_logprobs) item.response.logprob += double(value);
  for (size_t r = 0; r + 1 < item.request_indices.size(); ++r) {
    LoglikelihoodResponse copy = item.response;
    sink(item.request_indices[r], std::move(copy));
  }
  sink(item.request_indices.back(), std::move(item.response));
}

}  // namespace

void evaluate_loglikelihood(LlamaSession& session, std::span<const LoglikelihoodRequest> requests,
                            const LoglikelihoodSink& sink, const ProgressCallback& progress) {
  const int64_t total = int64_t(requests.size());
  int64_t done = 0;

  // Tokenise; refuse what cannot be scored; merge identical token sequences.
  std::vector<Item> items;
  std::unordered_map<std::string, int32_t> item_by_tokens;
  TokenMemo memo(session);  // the options of a question share their context's tokens
  for (size_t r = 0; r < requests.size(); ++r) {
    TokenizedPair pair = tokenize_pair(session, requests[r].context, requests[r].continuation, &memo);
    LoglikelihoodResponse refused;
    refused.context_tokens = pair.context_tokens;
    refused.continuation_tokens = int32_t(pair.tokens.size()) - pair.context_tokens;
    if (refused.continuation_tokens <= 0) {
      refused.status = RequestStatus::empty_continuation;
      refused.error = "the continuation has no tokens";
    } else if (int32_t(pair.tokens.size()) > session.window()) {
      refused.status = RequestStatus::context_overflow;
      refused.error = std::to_string(pair.tokens.size()) + " tokens do not fit the context window of " +
                      std::to_string(session.window());
    }
    if (refused.status != RequestStatus::ok) {
      sink(r, std::move(refused));
      if (progress) progress(++done, total);
      continue;
    }
    std::string key(reinterpret_cast<const char*>(pair.tokens.data()),
                    pair.tokens.size() * sizeof(llama_token));
    key += "|" + std::to_string(pair.context_tokens);
    auto [found, inserted] = item_by_tokens.try_emplace(key, int32_t(items.size()));
    if (!inserted) {
      items[size_t(found->second)].request_indices.push_back(r);
      continue;
    }
    Item item;
    item.tokens = std::move(pair.tokens);
    item.context_tokens = pair.context_tokens;
    item.request_indices.push_back(r);
    item.response.context_tokens = refused.context_tokens;
    item.response.continuation_tokens = refused.continuation_tokens;
    item.response.token_logprobs.assign(size_t(refused.continuation_tokens), 0.0f);
    item.response.is_greedy = true;
    items.push_back(std::move(item));
  }

  // Sorting by tokens puts every shared prefix in one contiguous run.
  std::vector<int32_t> order(items.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return items[size_t(a)].tokens < items[size_t(b)].tokens;
  });

  // Every token of a round attends over all cells the round has filled, so a round larger than a
  // batch costs attention time without saving any prefix work that matters. The
  // root (a few-shot block, a question, a patient's letters) is not counted: it is computed
  // once and kept across the rounds that share it.
  // Measured on a CPU (MedQA, 0- and 5-shot): one batch per round was fastest.
  const int64_t round_cells = std::min<int64_t>(session.kv_size(), std::max(512, session.batch_size()));
  RoundRunner runner(session);
  runner.clear();
  std::vector<llama_token> root;  // the tokens on the root sequence, positions 0..
  size_t begin = 0;
  while (begin < order.size()) {
    // Grow the round while its prefix tree beyond the shared root fits the budget, the whole
    // tree fits the KV cache, and the requests fit the sequence limit (one is the root's).
    // The root is the prefix every request of the round shares, up to the last context token
    // of the shortest context (that token's logits row is scored, so it is placed in the round).
    const Item& first = items[size_t(order[begin])];
    int64_t tree = decoded_length(first);
    int32_t root_length = first.context_tokens - 1;
    size_t end = begin + 1;
    while (end < order.size() && int32_t(end - begin) < session.max_sequences() - 1) {
      const Item& item = items[size_t(order[end])];
      const Item& previous = items[size_t(order[end - 1])];
      int32_t shared = int32_t(token_common_prefix(previous.tokens, item.tokens));
      int64_t added = (placed_length(previous, shared) - decoded_length(previous)) +
                      decoded_length(item) - std::min(shared, decoded_length(item));
      int32_t grown_root = std::min({root_length, shared, item.context_tokens - 1});
      if (tree + added - grown_root > round_cells || tree + added > session.kv_size()) break;
      tree += added;
      root_length = grown_root;
      ++end;
    }
    root_length = std::max(root_length, 0);
    int32_t root_kept = std::min(int32_t(token_common_prefix(root, first.tokens)), root_length);
    runner.trim_root(root_kept);
    root.assign(first.tokens.begin(), first.tokens.begin() + root_length);

    std::vector<Placement> placements = place_round(items, order, begin, end, root_kept, root_length);
    std::string failure = runner.run(placements, int32_t(end - begin), items);
    if (!failure.empty()) {
      runner.clear();  // a failed decode leaves the cache in no known state
      root.clear();
    }
    for (size_t k = begin; k < end; ++k) {
      Item& item = items[size_t(order[k])];
      if (!failure.empty()) {
        item.response.status = RequestStatus::backend_error;
        item.response.error = failure;
      }
      done += int64_t(item.request_indices.size());
      deliver(item, sink);
    }
    if (progress) progress(done, total);
    begin = end;
  }
  runner.clear();
}

}  // namespace clinbench
