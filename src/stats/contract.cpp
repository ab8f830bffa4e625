#include "stats/contract.h"

#include <cstdio>
#include <cstdlib>

namespace clinbench {

void stats_contract_violated(const char* condition, const char* file, int line) {
  // The one place the library writes: the process is about to abort, as assert would.
  std::fprintf(stderr, "%s:%d: contract violated: %s\n", file, line, condition);
  std::abort();
}

}  // namespace clinbench
