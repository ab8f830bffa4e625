#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run): set-up (idempotent), a build with warnings as
# errors, every CTest test, then the unit and golden tests again under ASan + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."

# Compiler cache hits across clones of the repository at different paths (NOHASHDIR: also for
# objects with debug info, the sanitizer build's, which then name the first clone's paths).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
scripts/setup.sh --test
prefix=$(scripts/build-llama.sh --tools)   # llama-server, llama-perplexity, llama-bench: peers
jobs=$(nproc)

echo "[test] build (warnings are errors)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  -DCLINBENCH_WERROR=ON -DCLINBENCH_TEST_ONLY= >/dev/null
cmake --build build -j "$jobs"

echo "[test] all tests"
(cd build && ctest --output-on-failure -j "$jobs")

echo "[test] unit and golden tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_PREFIX_PATH="$prefix" \
  -DCLINBENCH_WERROR=ON -DCLINBENCH_SANITIZE=ON -DCLINBENCH_BUILD_BENCH=OFF -DCLINBENCH_TEST_ONLY= >/dev/null
cmake --build build-sanitize -j "$jobs"
# Leak checking is off: llama.cpp keeps process-lifetime allocations (backend registry) by design.
(cd build-sanitize && ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j "$jobs" -L "unit|golden")
