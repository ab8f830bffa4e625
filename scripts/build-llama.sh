#!/usr/bin/env bash
# Builds the pinned llama.cpp once into a cache outside the repo and prints its install prefix.
#
#   scripts/build-llama.sh            libraries only (what clinbench links); prints the prefix
#   scripts/build-llama.sh --tools    also the peers that tests and benchmarks run side by side
#                                     (llama-server, llama-perplexity, llama-bench) into PREFIX/bin
#
# Source: the npm package node-llama-cpp@3.22.1 ships llama.cpp as llama/gitRelease.bundle.
# clinbench's patches in scripts/llama-patches/ are applied first (each file says why).
# The cache folder is keyed by the source commit, the patches, the variant (cpu/cuda) and the compiler, and
# marked complete only after a successful install, so a killed build is redone, never half-used.
# Environment: CLINBENCH_CACHE_DIR (default ~/.cache/clinbench), CLINBENCH_CUDA=1 for a CUDA build,
# CLINBENCH_JOBS (default: all cores).
set -euo pipefail

NODE_LLAMA_CPP_VERSION=3.22.1
cache=${CLINBENCH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/clinbench}
jobs=${CLINBENCH_JOBS:-$(nproc)}
want_tools=0
[ "${1:-}" = "--tools" ] && want_tools=1

log() { echo "[build-llama] $*" >&2; }
mkdir -p "$cache"

# 1. Source: unpack the bundle from the npm package once.
source_dir="$cache/llama.cpp-src-$NODE_LLAMA_CPP_VERSION"
if [ ! -f "$source_dir/.complete" ]; then
  log "fetching node-llama-cpp@$NODE_LLAMA_CPP_VERSION from npm for its llama.cpp source"
  work=$(mktemp -d "$cache/fetch.XXXXXX")
  (cd "$work" && npm pack --silent "node-llama-cpp@$NODE_LLAMA_CPP_VERSION" >/dev/null)
  tar -xzf "$work"/node-llama-cpp-*.tgz -C "$work" package/llama/gitRelease.bundle
  rm -rf "$source_dir"
  git clone --quiet "$work/package/llama/gitRelease.bundle" "$source_dir" 2>/dev/null
  rm -rf "$work"
  touch "$source_dir/.complete"
fi
commit=$(git -C "$source_dir" rev-parse --short=12 HEAD)

# 2. clinbench's patches (scripts/llama-patches/, applied in name order; each says why) go onto a
# copy of the source keyed by their content, so a changed patch builds afresh.
patch_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/llama-patches"
patches=("$patch_dir"/*.patch)
patch_id=$(cat "${patches[@]}" | sha256sum | cut -c1-8)
patched_dir="$cache/llama.cpp-src-$NODE_LLAMA_CPP_VERSION-p$patch_id"
if [ ! -f "$patched_dir/.complete" ]; then
  log "applying ${#patches[@]} patch(es) from $patch_dir"
  rm -rf "$patched_dir"
  git clone --quiet "$source_dir" "$patched_dir" 2>/dev/null
  git -C "$patched_dir" -c advice.detachedHead=false checkout --quiet "$(git -C "$source_dir" rev-parse HEAD)"
  for patch in "${patches[@]}"; do git -C "$patched_dir" apply "$patch"; done
  touch "$patched_dir/.complete"
fi

variant=cpu
cmake_variant_flags=(-DGGML_NATIVE=ON)
if [ "${CLINBENCH_CUDA:-0}" = "1" ]; then
  variant=cuda
  cmake_variant_flags+=(-DGGML_CUDA=ON)
fi
compiler=$(c++ -dumpfullversion 2>/dev/null || echo unknown)
prefix="$cache/llama-$commit-p$patch_id-$variant-gcc$compiler"

common_flags=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF
  -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF "${cmake_variant_flags[@]}")

# 3. Libraries, installed (headers, static libs, CMake package config) into the prefix.
if [ ! -f "$prefix/.complete" ]; then
  log "building llama.cpp $commit ($variant) libraries into $prefix"
  rm -rf "$prefix"
  cmake -S "$patched_dir" -B "$prefix/build-libs" "${common_flags[@]}" \
    -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_COMMON=OFF \
    -DCMAKE_INSTALL_PREFIX="$prefix" >&2
  cmake --build "$prefix/build-libs" --target llama ggml -j "$jobs" >&2
  cmake --install "$prefix/build-libs" >&2
  touch "$prefix/.complete"
fi

# 3b. llama.cpp's common library, whose Jinja engine (common/jinja, what `llama-server --jinja`
# uses) renders chat templates. Built in the libraries' build folder, so llama and ggml are not
# rebuilt in a prefix built before it existed, and marked complete on its own. Installed as
# PREFIX/lib/libllama-common*.a and PREFIX/include/llama-common/ holding only jinja/*.h: the rest
# of common/ (its json.h, log.h, vendored nlohmann) stays out of clinbench's include path. The
# cpp-httplib common links privately (for model downloads) is left out: clinbench's tests use
# Debian's cpp-httplib, another version, and must not link two.
if [ ! -f "$prefix/.common-complete" ]; then
  log "building llama.cpp's common library (Jinja chat templates) into $prefix"
  cmake -S "$patched_dir" -B "$prefix/build-libs" -DLLAMA_BUILD_COMMON=ON >&2
  cmake --build "$prefix/build-libs" --target llama-common -j "$jobs" >&2
  rm -rf "$prefix/include/llama-common"
  mkdir -p "$prefix/include/llama-common/jinja"
  cp "$patched_dir"/common/jinja/*.h "$prefix/include/llama-common/jinja/"
  cp "$prefix/build-libs/common/libllama-common.a" "$prefix/build-libs/common/libllama-common-base.a" \
    "$prefix/lib/"
  touch "$prefix/.common-complete"
fi

# 4. Peer tools for tests and benchmarks, built from the same source.
if [ "$want_tools" = 1 ] && [ ! -f "$prefix/.tools-complete" ]; then
  log "building llama-server, llama-perplexity, llama-bench into $prefix/bin"
  cmake -S "$patched_dir" -B "$prefix/build-tools" "${common_flags[@]}" \
    -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_COMMON=ON >&2
  cmake --build "$prefix/build-tools" --target llama-server llama-perplexity llama-bench -j "$jobs" >&2
  mkdir -p "$prefix/bin"
  cp "$prefix/build-tools/bin/llama-server" "$prefix/build-tools/bin/llama-perplexity" \
    "$prefix/build-tools/bin/llama-bench" "$prefix/bin/"
  touch "$prefix/.tools-complete"
fi

# The vocab-only GGUFs (real tokenizers) that tests build their models on.
[ -e "$prefix/models" ] || ln -s "$source_dir/models" "$prefix/models"
echo "$prefix"
