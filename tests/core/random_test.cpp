// The seeded shuffle every stage shares (include/clinbench/random.h). The golden orders come from
// tests/data/golden/random/make_shuffle_golden.py, a Python reimplementation of the generator
// and of the shuffle the tasks and prompt stages wrote out by hand before it became one function.
#include "clinbench/random.h"

#include <gtest/gtest.h>

#include <fstream>
#include <numeric>
#include <string>

#include "test_support.h"

namespace clinbench {
namespace {

std::vector<size_t> identity(size_t n) {
  std::vector<size_t> items(n);
  std::iota(items.begin(), items.end(), size_t(0));
  return items;
}

TEST(RandomShuffle, MatchesThePythonReferenceForEverySeedAndSize) {
  std::ifstream in(testing::test_data_dir() / "golden" / "random" / "shuffle_golden.json");
  nlohmann::json golden = nlohmann::json::parse(in);
  ASSERT_EQ(golden["shuffle"].size(), 30u);
  for (const nlohmann::json& c : golden["shuffle"]) {
    const uint64_t seed = std::stoull(c["seed"].get<std::string>());
    std::vector<size_t> items = identity(c["n"].get<size_t>());
    random_shuffle(items, seed);
    EXPECT_EQ(items, c["order"].get<std::vector<size_t>>()) << "seed " << seed << ", n " << c["n"];
  }
}

// Pinned from the hand-written loop the tasks stage used for --seed before the move, so a
// change to the draw order fails here even if the golden script were regenerated with it.
TEST(RandomShuffle, KeepsTheOrderTheTasksStageUsedBefore) {
  std::vector<size_t> items = identity(5);
  random_shuffle(items, uint64_t(0));
  EXPECT_EQ(items, (std::vector<size_t>{1, 4, 0, 2, 3}));
}

TEST(RandomShuffle, DrawsOnePositionFromTheBackAtATime) {
  // The same stream by hand: for i = n down to 2, swap items[i - 1] with items[below(i)].
  std::vector<std::string> by_hand = {"a", "b", "c", "d", "e", "f", "g"};
  Random manual = random_seeded(2024);
  for (size_t i = by_hand.size(); i > 1; --i) std::swap(by_hand[i - 1], by_hand[random_below(manual, uint32_t(i))]);

  std::vector<std::string> shuffled = {"a", "b", "c", "d", "e", "f", "g"};
  Random shared = random_seeded(2024);
  random_shuffle(shuffled, shared);
  EXPECT_EQ(shuffled, by_hand);
  // The caller's generator advanced by exactly the draws the shuffle made.
  EXPECT_EQ(random_next(shared), random_next(manual));
}

TEST(RandomShuffle, ShuffleWithTakesAnyGenerator) {
  // A generator that always answers 0 moves the first item to the back, one step at a time.
  std::vector<int> items = {0, 1, 2, 3};
  shuffle_with(items, [](uint32_t) { return uint32_t(0); });
  EXPECT_EQ(items, (std::vector<int>{1, 2, 3, 0}));
  std::vector<int> empty;
  shuffle_with(empty, [](uint32_t) -> uint32_t { ADD_FAILURE() << "no draw for an empty list"; return 0; });
}

}  // namespace
}  // namespace clinbench
