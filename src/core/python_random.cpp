#include "clinbench/python_random.h"

#include <bit>
#include <cmath>
#include <numeric>
#include <set>

namespace clinbench {

namespace {

constexpr size_t kN = 624;
constexpr size_t kM = 397;

}  // namespace

// _randommodule.c: init_genrand(19650218) then init_by_array(key).
PythonRandom::PythonRandom(std::vector<uint32_t> words) {
  while (words.size() > 1 && words.back() == 0) words.pop_back();
  if (words.empty()) words.push_back(0);
  state_[0] = 19650218u;
  for (size_t i = 1; i < kN; ++i) {
    state_[i] = 1812433253u * (state_[i - 1] ^ (state_[i - 1] >> 30)) + uint32_t(i);
  }
  size_t i = 1, j = 0;
  for (size_t k = std::max(kN, words.size()); k > 0; --k) {
    state_[i] = (state_[i] ^ ((state_[i - 1] ^ (state_[i - 1] >> 30)) * 1664525u)) + words[j] + uint32_t(j);
    ++i;
    ++j;
    if (i >= kN) {
      state_[0] = state_[kN - 1];
      i = 1;
    }
    if (j >= words.size()) j = 0;
  }
  for (size_t k = kN - 1; k > 0; --k) {
    state_[i] = (state_[i] ^ ((state_[i - 1] ^ (state_[i - 1] >> 30)) * 1566083941u)) - uint32_t(i);
    ++i;
    if (i >= kN) {
      state_[0] = state_[kN - 1];
      i = 1;
    }
  }
  state_[0] = 0x80000000u;
  index_ = kN;
}

PythonRandom PythonRandom::seeded(uint64_t n) { return PythonRandom({uint32_t(n), uint32_t(n >> 32)}); }

uint32_t PythonRandom::next_uint32() {
  if (index_ >= kN) {
    for (size_t k = 0; k < kN; ++k) {
      uint32_t y = (state_[k] & 0x80000000u) | (state_[(k + 1) % kN] & 0x7fffffffu);
      state_[k] = state_[(k + kM) % kN] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    index_ = 0;
  }
  uint32_t y = state_[index_++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

uint32_t PythonRandom::getrandbits(int bits) { return next_uint32() >> (32 - bits); }

uint32_t PythonRandom::randbelow(uint32_t n) {
  const int bits = int(std::bit_width(n));
  uint32_t r = getrandbits(bits);
  while (r >= n) r = getrandbits(bits);
  return r;
}

std::vector<size_t> PythonRandom::shuffle_order(size_t n) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t(0));
  shuffle(order);
  return order;
}

// Lib/random.py Random.sample: a pool for small populations, else rejection against a set.
std::vector<size_t> PythonRandom::sample_indices(size_t n, size_t k) {
  std::vector<size_t> result(k);
  size_t setsize = 21;
  if (k > 5) setsize += size_t(std::pow(4.0, std::ceil(std::log(double(k * 3)) / std::log(4.0))));
  if (n <= setsize) {
    std::vector<size_t> pool(n);
    std::iota(pool.begin(), pool.end(), size_t(0));
    for (size_t i = 0; i < k; ++i) {
      size_t j = randbelow(uint32_t(n - i));
      result[i] = pool[j];
      pool[j] = pool[n - i - 1];
    }
  } else {
    std::set<size_t> selected;
    for (size_t i = 0; i < k; ++i) {
      size_t j = randbelow(uint32_t(n));
      while (selected.count(j)) j = randbelow(uint32_t(n));
      selected.insert(j);
      result[i] = j;
    }
  }
  return result;
}

}  // namespace clinbench
