// CPython's random module reproduced bit for bit: the golden file is python3's own output
// (tests/data/golden/python_random/make_python_random_golden.py).
#include "clinbench/python_random.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"

namespace clinbench {
namespace {

nlohmann::json golden() {
  std::ifstream in(testing::test_data_dir() / "golden" / "python_random" / "python_random_golden.json");
  return nlohmann::json::parse(in);
}

std::vector<size_t> as_indices(const nlohmann::json& values) { return values.get<std::vector<size_t>>(); }

TEST(PythonRandom, MatchesCPythonForEverySeedAndCall) {
  const nlohmann::json expected = golden();
  ASSERT_GE(expected["cases"].size(), 8u);
  for (const nlohmann::json& c : expected["cases"]) {
    const uint64_t seed = std::stoull(c["seed"].get<std::string>());
    SCOPED_TRACE("seed " + c["seed"].get<std::string>());
    PythonRandom words = PythonRandom::seeded(seed);
    for (const nlohmann::json& word : c["uint32"]) EXPECT_EQ(words.getrandbits(32), word.get<uint32_t>());
    PythonRandom below = PythonRandom::seeded(seed);
    const uint32_t bounds[] = {1, 2, 3, 5, 10, 17, 100, 1000, 2147483649u};
    for (size_t b = 0; b < std::size(bounds); ++b) EXPECT_EQ(below.randbelow(bounds[b]), c["randbelow"][b].get<uint32_t>());
    EXPECT_EQ(PythonRandom::seeded(seed).shuffle_order(25), as_indices(c["shuffle25"]));
    PythonRandom sample = PythonRandom::seeded(seed);
    EXPECT_EQ(sample.sample_indices(30, 10), as_indices(c["sample30_10"]));
    EXPECT_EQ(sample.sample_indices(120, 10), as_indices(c["then_sample120_10"]));
    EXPECT_EQ(sample.sample_indices(7, 7), as_indices(c["then_sample7_7"]));
  }
}

// CLUE's MeDiSumQA order: random.seed(1); random.shuffle(data). Its shot is item 395.
TEST(PythonRandom, CluesMeDiSumQAShuffle) {
  std::vector<size_t> order = PythonRandom::seeded(1).shuffle_order(416);
  EXPECT_EQ(order, as_indices(golden()["medisumqa_seed1_shuffle416"]));
  EXPECT_EQ(order[0], 395u);
}

TEST(PythonRandom, SeedWordsIgnoreLeadingZeros) {
  EXPECT_EQ(PythonRandom({5, 0, 0}).next_uint32(), PythonRandom({5}).next_uint32());
  EXPECT_EQ(PythonRandom(std::vector<uint32_t>{}).next_uint32(), PythonRandom::seeded(0).next_uint32());
}

}  // namespace
}  // namespace clinbench
