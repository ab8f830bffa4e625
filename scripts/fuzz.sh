#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*_fuzz.cpp) with clang into build-fuzz/ and runs each for
# SECONDS, then prints executions, executions per second, coverage and findings per target.
#
#   scripts/fuzz.sh SECONDS [TARGET...]     every target (or the ones named), SECONDS each
#
# Seeds: fuzz/corpus/TARGET/ and fuzz/regressions/TARGET/ (read only). What the fuzzer adds goes
# to build-fuzz/corpus/TARGET/, crashes, leaks and timeouts to build-fuzz/findings/TARGET/,
# logs to build-fuzz/logs/TARGET.log; nothing in the source tree changes. A finding becomes a
# regression: copy its file into fuzz/regressions/TARGET/ (tests/fuzz replays it in every test
# run) and fix the parser.
# Environment: CLINBENCH_FUZZ_JOBS targets at once (default 2), CLINBENCH_JOBS build jobs
# (default: all cores). Run it under `nice -n 19` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh SECONDS [TARGET...]" >&2
  exit 2
fi
seconds=$1
shift
parallel=${CLINBENCH_FUZZ_JOBS:-2}
build=build-fuzz

# llama.cpp is only found, not linked (the fuzzers link the parsing stages alone); its prefix is
# looked up before CC/CXX point at clang, so the gcc build in the cache is the one found.
prefix=$(scripts/build-llama.sh)
export CCACHE_BASEDIR="$PWD"
echo "[fuzz] build ($build, clang, libFuzzer + ASan + UBSan)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_PREFIX_PATH="$prefix" \
  -DCLINBENCH_BUILD_TESTS=OFF -DCLINBENCH_BUILD_BENCH=OFF -DCLINBENCH_BUILD_FUZZ=ON \
  -DCLINBENCH_WERROR=ON >/dev/null
cmake --build "$build" --target clinbench_fuzzers -j "${CLINBENCH_JOBS:-$(nproc)}"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for source in fuzz/*_fuzz.cpp; do
    name=$(basename "$source" _fuzz.cpp)
    targets+=("$name")
  done
fi

run_target() {
  local target=$1 seconds=$2 build=$3
  local binary=$build/fuzz/fuzz_$target
  local work=$build/corpus/$target findings=$build/findings/$target log=$build/logs/$target.log
  mkdir -p "$work" "$findings" "$build/logs"
  local seeds=()
  for dir in fuzz/corpus/$target fuzz/regressions/$target; do
    [ -d "$dir" ] && seeds+=("$dir")
  done
  local dictionary=()
  [ -f "fuzz/dictionaries/$target.dict" ] && dictionary=(-dict="fuzz/dictionaries/$target.dict")
  # The first corpus folder is the one libFuzzer writes to: the build folder, not the tree.
  "$binary" "$work" "${seeds[@]}" "${dictionary[@]}" -max_total_time="$seconds" \
    -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -artifact_prefix="$findings/" >"$log" 2>&1 || true
}
export -f run_target

echo "[fuzz] ${#targets[@]} targets, ${seconds}s each, $parallel at a time; logs in $build/logs/"
started=$(date +%s)
declare -A findings_before
for target in "${targets[@]}"; do
  if [ ! -x "$build/fuzz/fuzz_$target" ]; then
    echo "[fuzz] unknown target '$target' (no $build/fuzz/fuzz_$target)" >&2
    exit 2
  fi
  mkdir -p "$build/findings/$target"
  findings_before[$target]=$(find "$build/findings/$target" -type f | wc -l)
done
printf '%s\n' "${targets[@]}" | xargs -P "$parallel" -I{} bash -c 'run_target "$@"' _ {} "$seconds" "$build"

# The table goes to the terminal and is appended to build-fuzz/logs/summary.txt (each run's
# figures stay; the per-target logs are overwritten by the next run).
summary=$build/logs/summary.txt
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) ${seconds}s per target, $parallel at a time" >>"$summary"
row() { printf "$@" | tee -a "$summary"; }
echo
row '%-18s %12s %9s %7s %8s %7s %9s\n' target executions exec/s cov features corpus findings
status=0
for target in "${targets[@]}"; do
  log=$build/logs/$target.log
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  # The last status line: "#N  ... cov: C ft: F corp: U/SIZE ..."
  line=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$line")
  features=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$line")
  corpus=$(sed -n 's/.*corp: \([0-9]*\).*/\1/p' <<<"$line")
  after=$(find "$build/findings/$target" -type f | wc -l)
  found=$((after - ${findings_before[$target]}))
  row '%-18s %12s %9s %7s %8s %7s %9s\n' "$target" "${executions:-?}" "${rate:-?}" "${cov:-?}" \
    "${features:-?}" "${corpus:-?}" "$found"
  if [ -z "$executions" ]; then
    status=1
    echo "    did not run to the end:" && tail -3 "$log" | sed 's/^/    /'
  elif [ "$found" -gt 0 ] || grep -q -E '^(==[0-9]+==ERROR|SUMMARY: |fuzz target .* invariant broken)' "$log"; then
    status=1
    grep -E 'ERROR|SUMMARY|invariant broken|Test unit written' "$log" | sed 's/^/    /' | head -5
  fi
done
echo "[fuzz] $(( $(date +%s) - started ))s; findings in $build/findings/"
exit $status
