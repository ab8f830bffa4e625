// Contract checks of the statistics stage that stay on in release builds. A violated contract is
// a bug in the caller (spans of different lengths, a NaN p-value); carrying on would put a wrong
// interval or p-value into a report that people read as evidence, so the process stops and names
// the line, as assert does in a debug build.
#pragma once

namespace clinbench {

// Writes "FILE:LINE: contract violated: CONDITION" to stderr and aborts.
[[noreturn]] void stats_contract_violated(const char* condition, const char* file, int line);

}  // namespace clinbench

#define CLINBENCH_STATS_EXPECT(condition) \
  ((condition) ? static_cast<void>(0)     \
               : ::clinbench::stats_contract_violated(#condition, __FILE__, __LINE__))
