// The random streams that every seeded interval and p-value depends on.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "clinbench/stats.h"
#include "stats_golden.h"

namespace clinbench {
namespace {

// Published reference outputs, not values from this code: SplitMix64 from 0 (Vigna's
// splitmix64.c) is the seeded state for seed 0, and xoshiro256** from the state {1, 2, 3, 4}
// (the reference implementation, as quoted by rand_xoshiro's tests).
TEST(Random, MatchesPublishedReferenceOutputs) {
  const Random seeded = random_seeded(0);
  EXPECT_EQ(seeded.state[0], 0xe220a8397b1dcdafULL);
  EXPECT_EQ(seeded.state[1], 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(seeded.state[2], 0x06c45d188009454fULL);
  EXPECT_EQ(seeded.state[3], 0xf88bb8a8724c81ecULL);

  Random random{{1, 2, 3, 4}};
  const uint64_t expected[] = {11520ULL,
                               0ULL,
                               1509978240ULL,
                               1215971899390074240ULL,
                               1216172134540287360ULL,
                               607988272756665600ULL,
                               16172922978634559625ULL,
                               8476171486693032832ULL,
                               10595114339597558777ULL,
                               2904607092377533576ULL};
  for (const uint64_t value : expected) {
    EXPECT_EQ(random_next(random), value);
  }
}

TEST(Random, SeededStreamsMatchGolden) {
  const nlohmann::json golden = stats_golden("random");  // named: .at() of a temporary dangles
  for (const auto& stream : golden.at("streams")) {
    Random random = random_seeded(stream.at("seed").get<uint64_t>());
    for (const auto& expected : stream.at("next")) {
      EXPECT_EQ(random_next(random), expected.get<uint64_t>())
          << "seed " << stream.at("seed");
    }
  }
}

// Covers bounds whose rejection threshold is large, so the retry loop runs.
TEST(Random, BoundedDrawsMatchGolden) {
  const nlohmann::json golden = stats_golden("random");
  for (const auto& stream : golden.at("below")) {
    Random random = random_seeded(stream.at("seed").get<uint64_t>());
    const uint32_t bound = stream.at("bound").get<uint32_t>();
    for (const auto& expected : stream.at("draws")) {
      EXPECT_EQ(random_below(random, bound), expected.get<uint32_t>()) << "bound " << bound;
    }
  }
}

TEST(Random, BoundedDrawsAreInRangeAndRoughlyUniform) {
  Random random = random_seeded(99);
  std::vector<int64_t> counts(7, 0);
  const int64_t draws = 700000;
  for (int64_t i = 0; i < draws; ++i) {
    const uint32_t value = random_below(random, 7);
    ASSERT_LT(value, 7u);
    ++counts[value];
  }
  for (const int64_t count : counts) {
    // Expected 100,000 each, standard deviation about 293: 6 sigma.
    EXPECT_NEAR(static_cast<double>(count), 100000.0, 1800.0);
  }
  EXPECT_EQ(random_below(random, 1), 0u);
}

TEST(Random, CopiesForkTheStream) {
  Random first = random_seeded(5);
  Random second = first;
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(random_next(first), random_next(second));
  }
  Random other_seed = random_seeded(6);
  EXPECT_NE(random_next(first), random_next(other_seed));
}

}  // namespace
}  // namespace clinbench
