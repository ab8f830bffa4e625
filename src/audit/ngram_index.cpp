// The items' n-grams: an open-addressing table from n-gram hash to a dense id, a found mark per
// id, and per item the ids of its distinct n-grams. Corpus lookups dominate a scan and nearly all
// of them miss, so a bit filter (32 bits per n-gram, one bit set each: ~3% false hits) that
// stays in cache answers most of them before the table, one flat array probed linearly and at
// most half full, is touched.
#include <algorithm>
#include <unordered_map>

#include "audit/ngram_stream.h"
#include "clinbench/audit.h"

namespace clinbench {

namespace {

struct Slot {
  uint64_t hash = 0;  // 0 = empty; a real hash of 0 is stored as 1 (on both sides)
  uint32_t id = 0;
};

}  // namespace

struct AuditNgramIndex::State {
  int32_t ngram = kAuditDefaultNgram;
  std::vector<Slot> slots = std::vector<Slot>(1024);
  size_t distinct = 0;
  std::vector<uint8_t> found;
  int64_t found_count = 0;
  // Distinct texts of items: their n-gram ids; items point at one.
  std::vector<std::vector<uint32_t>> ngram_lists;
  std::unordered_map<uint64_t, size_t> list_of_texts;
  std::vector<size_t> item_list;
  // Bit (hash >> filter_shift) is set for every item n-gram; rebuilt after inserts.
  std::vector<uint64_t> filter;
  int filter_shift = 64;
  bool filter_current = false;

  static uint64_t stored(uint64_t hash) { return hash == 0 ? 1 : hash; }

  void build_filter() {
    int bits_log2 = 16;
    while ((uint64_t(1) << bits_log2) < uint64_t(distinct) * 32 && bits_log2 < 34) ++bits_log2;
    filter.assign((size_t(1) << bits_log2) / 64, 0);
    filter_shift = 64 - bits_log2;  // the high bits; the table's slots use the low ones
    for (const Slot& slot : slots) {
      if (slot.hash == 0) continue;
      uint64_t bit = slot.hash >> filter_shift;
      filter[bit / 64] |= uint64_t(1) << (bit % 64);
    }
    filter_current = true;
  }

  void grow() {
    std::vector<Slot> old = std::move(slots);
    slots.assign(old.size() * 2, Slot{});
    const size_t mask = slots.size() - 1;
    for (const Slot& slot : old) {
      if (slot.hash == 0) continue;
      size_t at = slot.hash & mask;
      while (slots[at].hash != 0) at = (at + 1) & mask;
      slots[at] = slot;
    }
  }

  uint32_t insert(uint64_t raw_hash) {
    if ((distinct + 1) * 2 > slots.size()) grow();
    const uint64_t hash = stored(raw_hash);
    const size_t mask = slots.size() - 1;
    size_t at = hash & mask;
    while (slots[at].hash != 0) {
      if (slots[at].hash == hash) return slots[at].id;
      at = (at + 1) & mask;
    }
    if (distinct >= UINT32_MAX) throw Error("audit: more than 4 billion distinct item n-grams");
    slots[at] = Slot{hash, uint32_t(distinct)};
    found.push_back(0);
    filter_current = false;
    return uint32_t(distinct++);
  }
};

std::optional<double> AuditItemOverlap::overlap() const {
  if (ngrams == 0) return std::nullopt;
  return double(found) / double(ngrams);
}

AuditNgramIndex::AuditNgramIndex(int32_t ngram) : state_(std::make_unique<State>()) {
  if (ngram < 1) throw Error("--ngram must be at least 1 (got " + std::to_string(ngram) + ")");
  state_->ngram = ngram;
}

AuditNgramIndex::~AuditNgramIndex() = default;

int32_t AuditNgramIndex::ngram() const { return state_->ngram; }

size_t AuditNgramIndex::add_item(const std::vector<std::string>& texts) {
  std::string key;
  for (const std::string& text : texts) key += std::to_string(text.size()) + ":" + text;
  auto [known, inserted] = state_->list_of_texts.emplace(hash64(key), state_->ngram_lists.size());
  if (inserted) {
    audit::NgramStream stream(state_->ngram);
    for (const std::string& text : texts) {
      stream.feed(text);
      stream.end_document();
    }
    std::vector<uint32_t> ids;
    ids.reserve(stream.hashes().size());
    for (uint64_t hash : stream.hashes()) ids.push_back(state_->insert(hash));
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    state_->ngram_lists.push_back(std::move(ids));
  }
  state_->item_list.push_back(known->second);
  return state_->item_list.size() - 1;
}

size_t AuditNgramIndex::item_count() const { return state_->item_list.size(); }

int64_t AuditNgramIndex::distinct_ngrams() const { return int64_t(state_->distinct); }

int64_t AuditNgramIndex::distinct_found() const { return state_->found_count; }

int64_t AuditNgramIndex::mark_found(std::span<const uint64_t> ngram_hashes) {
  State& s = *state_;
  if (!s.filter_current) s.build_filter();
  int64_t matches = 0;
  const Slot* slots = s.slots.data();
  const size_t mask = s.slots.size() - 1;
  const uint64_t* filter = s.filter.data();
  const int shift = s.filter_shift;
  for (uint64_t raw_hash : ngram_hashes) {
    const uint64_t hash = State::stored(raw_hash);
    const uint64_t bit = hash >> shift;
    if ((filter[bit / 64] >> (bit % 64) & 1) == 0) continue;
    for (size_t at = hash & mask; slots[at].hash != 0; at = (at + 1) & mask) {
      if (slots[at].hash != hash) continue;
      uint8_t& mark = s.found[slots[at].id];
      s.found_count += mark == 0;
      mark = 1;
      matches += 1;
      break;
    }
  }
  return matches;
}

AuditItemOverlap AuditNgramIndex::item_overlap(size_t item) const {
  const std::vector<uint32_t>& ids = state_->ngram_lists.at(state_->item_list.at(item));
  AuditItemOverlap overlap;
  overlap.ngrams = int64_t(ids.size());
  for (uint32_t id : ids) overlap.found += state_->found[id];
  return overlap;
}

}  // namespace clinbench
