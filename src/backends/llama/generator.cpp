#include "backends/llama/generator.h"

#include <algorithm>
#include <deque>
#include <memory>

namespace clinbench {

namespace {

using SamplerPtr = std::unique_ptr<llama_sampler, decltype(&llama_sampler_free)>;

// Frees the batch however the loop ends: a sink may throw (a cache write on a full disk).
struct OwnedBatch {
  llama_batch batch;
  OwnedBatch(int32_t tokens, int32_t sequences) : batch(llama_batch_init(tokens, 0, sequences)) {}
  ~OwnedBatch() { llama_batch_free(batch); }
  OwnedBatch(const OwnedBatch&) = delete;
  OwnedBatch& operator=(const OwnedBatch&) = delete;
};

SamplerPtr make_sampler(const LlamaSession& session, const GenerationRequest& request, std::string& error) {
  SamplerPtr chain(llama_sampler_chain_init(llama_sampler_chain_default_params()), llama_sampler_free);
  if (!request.grammar.empty()) {
    llama_sampler* grammar = llama_sampler_init_grammar(session.vocab(), request.grammar.c_str(), "root");
    if (!grammar) {
      error = "the grammar does not parse: " + llama_recent_errors();
      return SamplerPtr(nullptr, llama_sampler_free);
    }
    llama_sampler_chain_add(chain.get(), grammar);
  }
  const SamplingParams& s = request.sampling;
  if (s.temperature <= 0.0f) {
    llama_sampler_chain_add(chain.get(), llama_sampler_init_greedy());
  } else {
    if (s.top_k > 0) llama_sampler_chain_add(chain.get(), llama_sampler_init_top_k(s.top_k));
    if (s.top_p < 1.0f) llama_sampler_chain_add(chain.get(), llama_sampler_init_top_p(s.top_p, 1));
    llama_sampler_chain_add(chain.get(), llama_sampler_init_temp(s.temperature));
    llama_sampler_chain_add(chain.get(), llama_sampler_init_dist(uint32_t(s.seed)));
  }
  return chain;
}

// The earliest stop string in text at or after `from`, or npos.
size_t find_stop(const std::string& text, size_t from, const std::vector<std::string>& stops) {
  size_t best = std::string::npos;
  for (const std::string& stop : stops) {
    if (stop.empty()) continue;
    size_t start = from > stop.size() ? from - stop.size() : 0;
    size_t found = text.find(stop, start);
    if (found != std::string::npos) best = std::min(best, found);
  }
  return best;
}

// The shared-prefix root: the prompt prefix that a run of queued requests (sorted by tokens)
// have in common (a system prompt and few-shot turns; a patient's letters) is decoded once on
// its own sequence and branched into each request's sequence with llama_memory_seq_cp. Its cells
// stay reserved until the root is replaced and every request that branched from it finished.
struct RootGeneration {
  int64_t cells = 0;
  int32_t sharers = 0;
  bool retired = false;
};

// A root pays when at least this many tokens are shared: below it, a separate decode call for
// the root costs more than the tokens it saves.
constexpr int32_t kMinRootTokens = 32;

struct Slot {
  size_t request = 0;
  int32_t root_generation = -1;  // the root this slot branched from, or -1
  int32_t sequence = 0;
  std::vector<llama_token> prompt;
  size_t prompt_decoded = 0;
  llama_pos position = 0;      // next position to decode
  int32_t reserved_cells = 0;  // prompt beyond the root + max_tokens, held until the slot finishes
  SamplerPtr sampler{nullptr, llama_sampler_free};
  int32_t batch_row = -1;      // row of this slot's logits in the current batch, or -1
  llama_token pending = LLAMA_TOKEN_NULL;  // sampled, not yet decoded
  GenerationResponse response;
  bool active = false;
};

}  // namespace

void generate_batched(LlamaSession& session, std::span<const GenerationRequest> requests,
                      int32_t parallel, const GenerationSink& sink, const ProgressCallback& progress,
                      KvLayout layout) {
  const int64_t total = int64_t(requests.size());
  int64_t done = 0;
  auto finish = [&](size_t index, GenerationResponse&& response) {
    sink(index, std::move(response));
    if (progress) progress(++done, total);
  };

  // Tokenise and refuse what cannot fit before any decoding.
  std::deque<std::pair<size_t, std::vector<llama_token>>> queue;
  std::vector<int32_t> cut_tokens(requests.size(), 0);
  for (size_t r = 0; r < requests.size(); ++r) {
    std::vector<llama_token> prompt = session.tokenize_prompt_as_served(requests[r].prompt);
    // TGI's truncate: the prompt's last N tokens, the BOS with the rest of the cut.
    const int32_t keep = requests[r].truncate_prompt_tokens;
    if (keep > 0 && int64_t(prompt.size()) > keep) {
      cut_tokens[r] = int32_t(prompt.size()) - keep;
      prompt.erase(prompt.begin(), prompt.begin() + cut_tokens[r]);
    }
    if (requests[r].max_tokens <= 0) {
      GenerationResponse nothing;
      nothing.finish = FinishReason::length;
      nothing.prompt_tokens = int32_t(prompt.size());
      finish(r, std::move(nothing));
      continue;
    }
    int64_t needed = int64_t(prompt.size()) + requests[r].max_tokens;
    if (prompt.empty() || needed > session.window()) {
      GenerationResponse refused;
      refused.status = prompt.empty() ? RequestStatus::empty_continuation : RequestStatus::context_overflow;
      refused.finish = FinishReason::error;
      refused.prompt_tokens = int32_t(prompt.size());
      refused.prompt_tokens_cut = cut_tokens[r];
      refused.error = prompt.empty() ? "the prompt has no tokens"
                                     : std::to_string(prompt.size()) + " prompt tokens + " +
                                           std::to_string(requests[r].max_tokens) +
                                           " new tokens do not fit the context window of " +
                                           std::to_string(session.window());
      finish(r, std::move(refused));
      continue;
    }
    queue.emplace_back(r, std::move(prompt));
  }
  // Requests that share a prefix become neighbours, so one root serves a whole run of them.
  std::stable_sort(queue.begin(), queue.end(), [](const auto& a, const auto& b) { return a.second < b.second; });

  // Many sequences decode on a cache with a stream each (split_kv_cache.h), sized for the
  // longest request; every stream but the root's is a slot's.
  int64_t longest_request = 0;
  for (const auto& [index, prompt] : queue) {
    longest_request = std::max(longest_request, int64_t(prompt.size()) + requests[index].max_tokens);
  }
  const int32_t wanted_slots = std::clamp(
      std::min<int64_t>(parallel, int64_t(queue.size())), int64_t(1),
      int64_t(std::min(session.max_sequences() - 1, session.batch_size())));
  SplitKvCache split_cache(session, wanted_slots + 1, longest_request, layout);

  // One sequence id is the root's; the others are slots.
  const int32_t slot_count =
      std::clamp(parallel, 1, std::min(session.max_sequences() - 1, session.batch_size()));
  const llama_seq_id root_sequence = slot_count;
  std::vector<Slot> slots(static_cast<size_t>(slot_count));
  for (int32_t s = 0; s < slot_count; ++s) slots[size_t(s)].sequence = s;
  int64_t free_cells = session.kv_size();
  OwnedBatch owned_batch(session.batch_size(), 1);
  llama_batch& batch = owned_batch.batch;
  llama_memory_clear(session.memory(), false);
  std::vector<llama_token> root;
  std::vector<RootGeneration> generations;

  auto drop_generation_if_unused = [&](RootGeneration& generation) {
    if (generation.retired && generation.sharers == 0 && generation.cells > 0) {
      free_cells += generation.cells;
      generation.cells = 0;
    }
  };
  auto release = [&](Slot& slot) {
    llama_memory_seq_rm(session.memory(), slot.sequence, -1, -1);
    free_cells += slot.reserved_cells;
    if (slot.root_generation >= 0) {
      RootGeneration& generation = generations[size_t(slot.root_generation)];
      generation.sharers -= 1;
      drop_generation_if_unused(generation);
    }
    slot.active = false;
    slot.sampler.reset();
    finish(slot.request, std::move(slot.response));
  };
  // Retires the root: its cells come back when the last request that branched from it finishes.
  auto drop_root = [&] {
    if (!generations.empty()) {
      generations.back().retired = true;
      drop_generation_if_unused(generations.back());
    }
    llama_memory_seq_rm(session.memory(), root_sequence, -1, -1);
    root.clear();
  };
  // Replaces the root by `tokens`, decoded on the root sequence alone. Returns false (and leaves
  // no root) when llama.cpp fails; the requests then run unshared.
  auto build_root = [&](std::vector<llama_token> tokens) {
    drop_root();
    for (size_t start = 0; start < tokens.size(); start += size_t(session.batch_size())) {
      size_t count = std::min(tokens.size() - start, size_t(session.batch_size()));
      batch.n_tokens = int32_t(count);
      for (size_t i = 0; i < count; ++i) {
        batch.token[i] = tokens[start + i];
        batch.pos[i] = llama_pos(start + i);
        batch.n_seq_id[i] = 1;
        batch.seq_id[i][0] = root_sequence;
        batch.logits[i] = 0;
      }
      if (session.decode(batch) != 0) {
        llama_memory_seq_rm(session.memory(), root_sequence, -1, -1);
        return false;
      }
    }
    generations.push_back({int64_t(tokens.size()), 0, false});
    free_cells -= int64_t(tokens.size());
    root = std::move(tokens);
    return true;
  };

  while (true) {
    // Admit queued prompts into free slots while their worst case fits the cache.
    for (Slot& slot : slots) {
      if (slot.active || queue.empty()) continue;
      auto& [index, prompt] = queue.front();
      // The last prompt token is always decoded by the slot: its logits give the first token.
      const int32_t shareable = int32_t(prompt.size()) - 1;
      const int64_t whole = int64_t(prompt.size()) + requests[index].max_tokens;
      // With nothing running, only the root holds cells: it gives way to a prompt that needs them.
      const bool any_active = std::any_of(slots.begin(), slots.end(), [](const Slot& other) { return other.active; });
      int32_t shared = std::min(int32_t(token_common_prefix(root, prompt)), shareable);
      if (queue.size() > 1) {
        // A new root when this prompt and the next share clearly more than the current root.
        const std::vector<llama_token>& next = queue[1].second;
        int32_t group = std::min({int32_t(token_common_prefix(prompt, next)), shareable, int32_t(next.size()) - 1});
        if (group >= kMinRootTokens && group >= shared + kMinRootTokens) {
          if (whole > free_cells && !any_active) drop_root();
          // Cells come back as running requests finish: wait for them rather than spend them on
          // an unshared copy.
          if (whole > free_cells) break;
          shared = build_root(std::vector<llama_token>(prompt.begin(), prompt.begin() + group)) ? group : 0;
        }
      }
      if (shared < kMinRootTokens) shared = 0;
      int64_t reserve = whole - shared;
      if (reserve > free_cells && !any_active && !root.empty()) {
        drop_root();
        shared = 0;
        reserve = whole;
      }
      if (reserve > free_cells) break;
      std::string error;
      SamplerPtr sampler = make_sampler(session, requests[index], error);
      if (!sampler) {
        GenerationResponse refused;
        refused.status = RequestStatus::backend_error;
        refused.finish = FinishReason::error;
        refused.error = error;
        finish(index, std::move(refused));
        queue.pop_front();
        continue;
      }
      slot = Slot{};
      slot.sequence = int32_t(&slot - slots.data());
      slot.request = index;
      slot.prompt = std::move(prompt);
      slot.reserved_cells = int32_t(reserve);
      slot.sampler = std::move(sampler);
      slot.response.prompt_tokens = int32_t(slot.prompt.size());
      slot.response.prompt_tokens_cut = cut_tokens[index];
      if (shared > 0) {
        branch_from_root(session.memory(), root_sequence, slot.sequence, shared);
        slot.prompt_decoded = size_t(shared);
        slot.position = shared;
        slot.root_generation = int32_t(generations.size()) - 1;
        generations.back().sharers += 1;
      }
      slot.active = true;
      free_cells -= reserve;
      queue.pop_front();
    }

    // One batch: each generating slot's last token, then prompt chunks.
    batch.n_tokens = 0;
    auto add = [&](Slot& slot, llama_token token, bool logits) {
      int32_t i = batch.n_tokens++;
      batch.token[i] = token;
      batch.pos[i] = slot.position++;
      batch.n_seq_id[i] = 1;
      batch.seq_id[i][0] = slot.sequence;
      batch.logits[i] = logits ? 1 : 0;
      if (logits) slot.batch_row = i;
    };
    for (Slot& slot : slots) {
      slot.batch_row = -1;
      if (slot.active && slot.pending != LLAMA_TOKEN_NULL) {
        add(slot, slot.pending, true);
        slot.pending = LLAMA_TOKEN_NULL;
      }
    }
    for (Slot& slot : slots) {
      if (!slot.active) continue;
      while (slot.prompt_decoded < slot.prompt.size() && batch.n_tokens < session.batch_size()) {
        bool last = slot.prompt_decoded + 1 == slot.prompt.size();
        add(slot, slot.prompt[slot.prompt_decoded++], last);
      }
    }
    if (batch.n_tokens == 0) break;  // nothing active and nothing admissible

    int32_t status = session.decode(batch);
    if (status != 0) {
      std::string error = "llama_decode failed with status " + std::to_string(status) + ": " +
                          llama_recent_errors();
      for (Slot& slot : slots) {
        if (!slot.active) continue;
        slot.response.status = RequestStatus::backend_error;
        slot.response.finish = FinishReason::error;
        slot.response.error = error;
        release(slot);
      }
      continue;
    }

    for (Slot& slot : slots) {
      if (!slot.active || slot.batch_row < 0) continue;
      llama_token token = llama_sampler_sample(slot.sampler.get(), session.context(), slot.batch_row);
      GenerationResponse& response = slot.response;
      if (llama_vocab_is_eog(session.vocab(), token)) {
        response.finish = FinishReason::stop;
        release(slot);
        continue;
      }
      response.tokens.push_back(token);
      size_t before = response.text.size();
      response.text += session.token_piece(token, false);
      size_t stop_at = find_stop(response.text, before, requests[slot.request].stop);
      if (stop_at != std::string::npos) {
        response.text.resize(stop_at);
        response.finish = FinishReason::stop;
        release(slot);
      } else if (int32_t(response.tokens.size()) >= requests[slot.request].max_tokens) {
        response.finish = FinishReason::length;
        release(slot);
      } else {
        slot.pending = token;
      }
    }
  }
  llama_memory_clear(session.memory(), false);
}

}  // namespace clinbench
