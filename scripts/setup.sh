#!/usr/bin/env bash
# Sets clinbench up on Debian 12 and builds build/clinbench.
#
#   scripts/setup.sh          system packages, the pinned llama.cpp (built once into
#                             ~/.cache/clinbench), then clinbench itself
#   scripts/setup.sh --test   also what the test suite needs (Chromium, clang for fuzzing), and
#                             no build of clinbench: scripts/test.sh builds it next, warnings as errors
#
# Idempotent: installed packages and a built llama.cpp are reused. Environment:
#   LLAMA_CPP_DIR=/path/to/llama.cpp   build against that source tree instead of the pinned one
#   CLINBENCH_CUDA=1                   build llama.cpp with CUDA (GPU machines)
#   CLINBENCH_CACHE_DIR                where llama.cpp is built (default ~/.cache/clinbench)
set -euo pipefail
cd "$(dirname "$0")/.."
# Compiler cache hits across clones of the repository at different paths (NOHASHDIR: also for
# objects with debug info, the sanitizer build's, which then name the first clone's paths).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

packages=(build-essential cmake ninja-build ccache git pkg-config ca-certificates
  libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libsqlite3-dev sqlite3 libcurl4-openssl-dev
  libcpp-httplib-dev libutf8proc-dev libxxhash-dev libxapian-dev libhnswlib-dev
  libgtest-dev libgmock-dev libbenchmark-dev libzstd-dev zstd)
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium clang libclang-rt-14-dev valgrind)
fi
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "[setup] installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake_args=(-G Ninja -DCMAKE_BUILD_TYPE=Release)
if [ -n "${LLAMA_CPP_DIR:-}" ]; then
  cmake_args+=(-DLLAMA_CPP_DIR="$LLAMA_CPP_DIR")
else
  cmake_args+=(-DCMAKE_PREFIX_PATH="$(scripts/build-llama.sh)")
fi
# Vega-Lite and vega-embed (npm), inlined by `clinbench report` so reports open offline.
scripts/fetch-vega.sh >/dev/null
[ "${1:-}" = "--test" ] && exit 0

cmake -S . -B build "${cmake_args[@]}" >/dev/null
cmake --build build --target clinbench
echo "[setup] built build/clinbench; try: build/clinbench demo"
