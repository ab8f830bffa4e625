#!/usr/bin/env bash
# The GPU benchmark of record (issue 19): clinbench on one NVIDIA GPU against llama.cpp's own
# programs built there from the same pinned, patched source, on 1B- and 8B-shaped random-weight
# models with the Llama-3 vocabulary. docs/benchmarks.md ("GPU") says how to run it and holds
# its figures.
#
#   bench/gpu.sh pack                  # here, after a build: the payload for a GPU machine that
#                                      # has CUDA, a compiler, CMake and ninja but no package
#                                      # registry and none of clinbench's libraries
#   bench/gpu.sh run                   # there, from the repository root, the payload carried
#   GPU_BENCH_CPU=1 bench/gpu.sh run   # the rehearsal here: no CUDA, tiny models, the local
#                                      # build and tools instead of the payload
#
# pack (build/gpu-payload/, about 40 MB; carry it to the GPU machine beside the tree):
#   llama.cpp's libraries built as shared CPU libraries (AVX2 baseline) from the patched source;
#   clinbench and bench_export_perplexity_mc relinked against them from this build's objects (same
#   source, same API: on the GPU machine the CUDA-enabled libraries load in their place through
#   LD_LIBRARY_PATH); every shared library they need but glibc's and the GCC runtime's; the
#   patched source without its models and tests, xz-compressed; MedQA's first 305 items; the
#   Llama-3 vocab GGUF.
# run, steps, each under a timeout within DEADLINE_S (a failed step leaves "-" and the next runs):
#   1. the machine (nvidia-smi, nvcc, compilers, cores, memory) into OUT/machine.txt;
#   2. GPU: llama.cpp with CUDA (sm_90 by default, CUDA_ARCH) as shared libraries, with
#      llama-bench, llama-perplexity and llama-server, -j$(nproc); meanwhile on the CPU libraries
#      the models (make-test-model) and llama-perplexity's request files (the exporter);
#   3. per model (SMALL, then LARGE while time is left): llama-bench pp512/tg128 with flash
#      attention off and on; clinbench MedQA 0- and 5-shot (LIMIT items) at its defaults (f32 KV
#      cache, plain attention on a GPU), with --flash-attn, and with --flash-attn --kv-f16 (the
#      peer's numerics); llama-perplexity --multiple-choice on the same requests; generation
#      (bench/llama/medqa_gen_bench.yaml, GEN_PROMPTS x GEN_TOKENS) with clinbench --parallel
#      GEN_PARALLEL against llama-server -np GEN_PARALLEL driven by clinbench's client;
#   4. OUT/summary.txt, rewritten after every step (a killed run still leaves one).
# Settings (environment): OUT (build/gpu-bench), WORK (/tmp/clinbench-gpu-bench; kept between
# calls: an unchanged payload reuses its build and models), PAYLOAD (build/gpu-payload),
# DEADLINE_S (540; rehearsal 3600), LIMIT (300; rehearsal 12), SMALL/LARGE (1b 8b; rehearsal
# tiny tiny2), GEN_PROMPTS (64; rehearsal 8), GEN_TOKENS (128; rehearsal 16), GEN_PARALLEL (8),
# CUDA_ARCH (90), JOBS (nproc), PREFIX (rehearsal: scripts/build-llama.sh --tools).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODE=${1:-}
CPU_MODE=${GPU_BENCH_CPU:-0}
PAYLOAD=${PAYLOAD:-$ROOT/build/gpu-payload}
OUT=${OUT:-$ROOT/build/gpu-bench}
WORK=${WORK:-/tmp/clinbench-gpu-bench}
JOBS=${JOBS:-$(nproc)}
CUDA_ARCH=${CUDA_ARCH:-90}
GEN_PARALLEL=${GEN_PARALLEL:-8}
SHOTS=5
if [[ $CPU_MODE == 1 ]]; then
  DEADLINE_S=${DEADLINE_S:-3600} LIMIT=${LIMIT:-12} SMALL=${SMALL:-tiny} LARGE=${LARGE:-tiny2}
  GEN_PROMPTS=${GEN_PROMPTS:-8} GEN_TOKENS=${GEN_TOKENS:-16}
else
  DEADLINE_S=${DEADLINE_S:-540} LIMIT=${LIMIT:-300} SMALL=${SMALL:-1b} LARGE=${LARGE:-8b}
  GEN_PROMPTS=${GEN_PROMPTS:-64} GEN_TOKENS=${GEN_TOKENS:-128}
fi
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}  # as bench/run.sh, for every program alike

shape() {  # name -> embd layers heads kv_heads ff
  case $1 in
    tiny) echo 128 2 4 2 256 ;;
    tiny2) echo 256 2 8 4 512 ;;
    1b) echo 2048 16 32 8 8192 ;;   # Llama-3.2-1B's shape: 1.5 B parameters with the 128k vocab
    8b) echo 4096 32 32 8 14336 ;;  # Llama-3-8B's shape: 8.0 B parameters, 16 GB in f16
    *) return 1 ;;
  esac
}
say() { printf '[gpu.sh %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { say "$*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# pack: the payload, made on the development machine after `ninja -C build`
# ---------------------------------------------------------------------------------------------
pack() {
  local build=$ROOT/build patch_id src shared payload=$PAYLOAD
  [[ -f $build/build.ninja ]] || die "configure and build clinbench first (HACKING.md)"
  ninja -C "$build" clinbench bench_export_perplexity_mc >/dev/null || die "ninja -C $build failed"
  patch_id=$(cat "$ROOT"/scripts/llama-patches/*.patch | sha256sum | cut -c1-8)
  "$ROOT/scripts/build-llama.sh" >/dev/null || die "scripts/build-llama.sh failed"
  src=$(find "${CLINBENCH_CACHE_DIR:-$HOME/.cache/clinbench}" -maxdepth 1 -type d -name "llama.cpp-src-*-p$patch_id" | head -n 1)
  [[ -d $src ]] || die "no patched llama.cpp source for patches $patch_id"
  shared=$ROOT/build/gpu-pack-llama  # llama.cpp as shared CPU libraries, AVX2 baseline
  if [[ ! -f $shared/.complete ]]; then
    say "building llama.cpp's shared CPU libraries into $shared"
    if ! { cmake -S "$src" -B "$shared" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
      -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAMA_BUILD_TESTS=OFF \
      -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_OPENSSL=OFF \
      -DLLAMA_BUILD_APP=OFF && cmake --build "$shared" --target llama ggml -j "$JOBS"; } >"$shared.log" 2>&1; then
      die "the shared llama.cpp build failed (see $shared.log)"
    fi
    touch "$shared/.complete"
  fi
  rm -rf "$payload" && mkdir -p "$payload"/{bin,lib,cpulib,data/medqa,src}
  cp -L "$shared"/bin/lib*.so.0 "$payload/cpulib/"  # the names the binaries ask for
  # Relink: the link lines of this build, with the static llama.cpp libraries replaced by the
  # shared ones (llama-common stays static: it only calls llama.cpp's API).
  local target line
  for target in clinbench bench/llama/bench_export_perplexity_mc; do
    line=$(ninja -C "$build" -t commands "$target" | tail -n 1)
    [[ $line == *" -o $target "* ]] || die "no link line for $target in $build"
    line=$(sed -E -e "s# -o $target # -o $payload/bin/$(basename "$target") #" \
      -e 's#[^ ]*/lib(llama|ggml|ggml-base|ggml-cpu)\.a#__LLAMA__#g' <<<"$line")
    line=${line/__LLAMA__/-L$shared/bin -lllama -lggml -lggml-base -lggml-cpu}
    line=${line//__LLAMA__/}
    (cd "$build" && eval "$line") || die "relinking $target failed"
  done
  # Every library they need, but glibc's, the GCC runtime's and llama.cpp's own.
  LD_LIBRARY_PATH=$shared/bin ldd "$payload/bin/clinbench" "$payload/bin/bench_export_perplexity_mc" |
    awk '/=> \// { print $3 }' | sort -u |
    grep -Ev '/(libc|libm|libpthread|libdl|librt|libresolv|libstdc\+\+|libgcc_s|ld-linux[^/]*)\.so|/lib(llama|ggml)' |
    xargs -r cp -L -t "$payload/lib/"
  head -n 305 "$ROOT/../shared/data/medqa/US_4_options_test.jsonl" >"$payload/data/medqa/US_4_options_test.jsonl"
  cp -L "$src/models/ggml-vocab-llama-bpe.gguf" "$payload/data/"
  tar -C "$src/.." --exclude=.git --exclude="$(basename "$src")/models" --exclude="$(basename "$src")/tests" \
    --exclude="$(basename "$src")/docs" --exclude="$(basename "$src")/media" --exclude="$(basename "$src")/examples" \
    --transform "s#^$(basename "$src")#llama.cpp#" -cJf "$payload/src/llama.cpp.tar.xz" "$(basename "$src")"
  (cd "$payload" && find . -type f -print0 | sort -z | xargs -0 sha256sum >"$WORK.payload.sha256" &&
    mv "$WORK.payload.sha256" payload.sha256)
  say "payload: $payload ($(du -sh "$payload" | cut -f1)); carry it with the tree and run bench/gpu.sh run there"
}

# ---------------------------------------------------------------------------------------------
# run
# ---------------------------------------------------------------------------------------------
T0=$(date +%s)
left() { echo $((DEADLINE_S - ($(date +%s) - T0))); }
declare -A SECS RC
STEPS=()
# step NAME CAP -- COMMAND...: output to OUT/NAME.log; timeout CAP or what is left (less 20 s for
# the summary); skipped below 15 s. SECS and RC hold wall seconds and exit status.
step() {
  local name=$1 cap=$2 budget start
  shift 3
  budget=$(($(left) - 20))
  ((budget < cap)) && cap=$budget
  STEPS+=("$name")
  if ((cap < 15)); then
    RC[$name]=skipped
    say "skip $name (${budget} s left)"
    return 1
  fi
  say "$name (timeout ${cap} s)"
  start=$(date +%s.%N)
  timeout -k 10 "$cap" "$@" >"$OUT/$name.log" 2>&1
  RC[$name]=$?
  SECS[$name]=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  ((RC[$name] == 0)) || tail -n 5 "$OUT/$name.log" | sed 's/^/    | /' >&2
  write_summary
  [[ ${RC[$name]} == 0 ]]
}
ok() { [[ ${RC[$1]:-} == 0 ]]; }

# Parsing with sed and awk only: the GPU machine may have no Python.
kv() { [[ -f $1 ]] && sed -n "s/^$2=//p" "$1" | head -n 1; }
json_after() {  # file, object key, numeric key: the first KEY2 after the line opening KEY1
  [[ -f $1 ]] && awk -v k1="\"$2\": {" -v k2="\"$3\":" 'index($0, k1) { f = 1 }
    f && index($0, k2) { v = $0; sub(/.*": */, "", v); sub(/,.*/, "", v); print v; exit }' "$1"
}
# The last "KEY": value in a file: results.json gives the options first, the model as used last.
json_text() { [[ -f $1 ]] && sed -n "s/.*\"$2\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$1" | tail -n 1; }
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf f, a / b }'; }
dash() { [[ -n ${1:-} ]] && echo "$1" || echo -; }
bench_ts() {  # llama-bench jsonl log, n_prompt, n_gen, flash attention 0/1 -> tokens/s
  [[ -f $1 ]] || return 0
  grep '^{"' "$1" | awk -v p="$2" -v g="$3" -v fa="$4" '
    { np = $0; sub(/.*"n_prompt": /, "", np); sub(/,.*/, "", np)
      ng = $0; sub(/.*"n_gen": /, "", ng); sub(/,.*/, "", ng)
      f = $0; sub(/.*"flash_attn": /, "", f); sub(/,.*/, "", f); gsub(/"/, "", f)
      ts = $0; sub(/.*"avg_ts": /, "", ts); sub(/,.*/, "", ts)
      on = (f == "true" || f == "1" || f == "enabled" || f == "on") ? 1 : 0
      if (np + 0 == p && ng + 0 == g && on == fa) { printf "%.0f", ts; exit } }'
}
generated_tokens() {  # samples file -> the sum of generated_tokens
  [[ -f $1 ]] && sed -n 's/.*"generated_tokens": *\([0-9]*\).*/\1/p' "$1" | awk '{ s += $1 } END { print s + 0 }'
}

summary_model() {  # tag, shape
  local m=$1 shp=$2 v name shots res
  [[ -n ${RC[bench-$m]:-}${RC[cb0-$m]:-} ]] || return 0
  # shellcheck disable=SC2046,SC2183  # shape prints five numbers
  printf '\n== %s: embd %s, layers %s, heads %s, KV heads %s, FFN %s; f16, Llama-3 vocab\n' "$shp" $(shape "$shp")
  printf 'llama-bench -ngl 99 (tokens/s)   pp512 %s / %s, tg128 %s / %s (flash attention off / on)\n' \
    "$(dash "$(bench_ts "$OUT/bench-$m.log" 512 0 0)")" "$(dash "$(bench_ts "$OUT/bench-$m.log" 512 0 1)")" \
    "$(dash "$(bench_ts "$OUT/bench-$m.log" 0 128 0)")" "$(dash "$(bench_ts "$OUT/bench-$m.log" 0 128 1)")"
  printf '%-14s %-34s %8s %7s %12s %11s\n' run settings "wall s" acc tok_decoded "uniq tok/s"
  for v in 0 5 0_fa 5_fa 0_fa16 5_fa16; do
    name=cb$v-$m
    [[ -n ${RC[$name]:-} ]] || continue
    shots=${v:0:1} res=$WORK/runs/$name/results.json
    printf '%-14s %-34s %8s %7s %12s %11s\n' "$name" \
      "$shots-shot fa=$(dash "$(json_text "$res" flash_attention)") kv=$(dash "$(json_text "$res" kv_cache_type)")" \
      "$(dash "${SECS[$name]:-}")$(ok "$name" || echo "!${RC[$name]}")" "$(div "$(json_after "$res" acc value)" 1 %.4f)" \
      "$(dash "$(json_after "$res" compute tokens_decoded)")" \
      "$(div "$(kv "$WORK/export-$shots.txt" unique_tokens)" "${SECS[$name]:-}" %.0f)"
  done
  for shots in 0 "$SHOTS"; do
    name=pp$shots-$m
    [[ -n ${RC[$name]:-} ]] || continue
    printf '%-14s %-34s %8s %7s %12s %11s\n' "$name" "$shots-shot llama-perplexity -c $(dash "$(cat "$WORK/ctx-$shots" 2>/dev/null)")" \
      "$(dash "${SECS[$name]:-}")$(ok "$name" || echo "!${RC[$name]}")" \
      "$(div "$(sed -n 's/.*Final result: \([0-9.]*\).*/\1/p' "$OUT/$name.log" 2>/dev/null)" 100 %.4f)" \
      "$(dash "$(kv "$WORK/export-$shots.txt" peer_tokens)")" \
      "$(div "$(kv "$WORK/export-$shots.txt" unique_tokens)" "${SECS[$name]:-}" %.0f)"
  done
  for shots in 0 "$SHOTS"; do
    for v in "" _fa _fa16; do
      ok "cb$shots$v-$m" && ok "pp$shots-$m" &&
        printf '  llama-perplexity / clinbench%-6s %s-shot: %s\n' "$v" "$shots" "$(div "${SECS[pp$shots-$m]}" "${SECS[cb$shots$v-$m]}")"
    done
  done
  if ok "gen-$m" || ok "server-$m"; then
    local ours theirs
    ours=$(div "$(generated_tokens "$WORK/runs/gen-$m/samples/medqa_gen_bench.jsonl")" "${SECS[gen-$m]:-}" %.1f)
    theirs=$(div "$(generated_tokens "$WORK/runs/server-$m/samples/medqa_gen_bench.jsonl")" "${SECS[server-$m]:-}" %.1f)
    printf '  generation %s prompts x %s tokens: clinbench --parallel %s %s tok/s, llama-server -np %s %s tok/s, ratio %s\n' \
      "$GEN_PROMPTS" "$GEN_TOKENS" "$GEN_PARALLEL" "$ours" "$GEN_PARALLEL" "$theirs" "$(div "$ours" "$theirs")"
  fi
}
write_summary() {
  {
    echo "clinbench GPU benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(($(date +%s) - T0)) s since start)"
    echo "mode: $([[ $CPU_MODE == 1 ]] && echo "CPU rehearsal (no CUDA)" || echo "CUDA sm_$CUDA_ARCH"); MedQA --limit $LIMIT"
    [[ -f $OUT/gpu.txt ]] && echo "gpu: $(cat "$OUT/gpu.txt")"
    echo "steps (wall s, exit status):"
    local s
    for s in "${STEPS[@]}"; do printf '  %-14s %8s  %s\n' "$s" "${SECS[$s]:--}" "${RC[$s]:--}"; done
    summary_model s "$SMALL"
    summary_model l "$LARGE"
  } >"$OUT/summary.txt" 2>/dev/null
}

model_path() {
  local e l h k f
  read -r e l h k f < <(shape "$1")
  echo "$WORK/models/llama3-${e}x${l}-h${h}kv${k}-ff${f}-f16.gguf"
}
make_model() {  # shape
  local e l h k f out
  out=$(model_path "$1")
  [[ -s $out ]] && return 0
  read -r e l h k f < <(shape "$1")
  LD_LIBRARY_PATH=$CPU_LIBS "$CLINBENCH" make-test-model --vocab "$VOCAB" --out "$out.tmp" --embd "$e" \
    --layers "$l" --heads "$h" --kv-heads "$k" --ff "$f" --type f16 --chat-template llama3 && mv "$out.tmp" "$out"
}
make_export() {  # shots: the llama-perplexity request file and its context size
  local peer_max context
  LD_LIBRARY_PATH=$CPU_LIBS "$EXPORT" --model "$(model_path "$SMALL")" --task medqa --data-dir "$DATA" \
    --limit "$LIMIT" --num-fewshot "$1" --out "$WORK/mc-$1.bin" >"$WORK/export-$1.txt" || return 1
  peer_max=$(kv "$WORK/export-$1.txt" peer_max_question_tokens)
  context=$((128 * ((peer_max + 4 * 128 - 1) / (4 * 128))))  # 4 sequences x -c (bench/run.sh)
  ((context >= 512)) || context=512
  echo "$context" >"$WORK/ctx-$1"
}
prepare_small() { make_model "$SMALL" && make_export 0 && make_export "$SHOTS"; }

# GPU_LAYERS is empty or "--gpu-layers -1": word splitting wanted.
# shellcheck disable=SC2086
cb_run() {  # name, model, shots, options...
  local name=$1 model=$2 shots=$3
  shift 3
  step "$name" 300 -- env LD_LIBRARY_PATH="$RUN_LIBS" "$CLINBENCH" run --model "gguf:$model" --tasks medqa \
    --data-dir "$DATA" --limit "$LIMIT" --num-fewshot "$shots" --no-cache $GPU_LAYERS \
    --output-dir "$WORK/runs/$name" "$@"
}
server_generation() {  # model, log: llama-server -np N driven by clinbench's client
  local port=$((20000 + RANDOM % 20000)) waited
  LD_LIBRARY_PATH=$PEER_LIBS "$TOOLS/llama-server" -m "$1" --alias test --host 127.0.0.1 --port "$port" \
    --parallel "$GEN_PARALLEL" -c $((GEN_PARALLEL * 1024)) -ngl 99 --no-webui >"$2" 2>&1 &
  SERVER_PID=$!  # global: the EXIT trap runs after this function's locals are gone
  trap 'kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null' EXIT
  trap 'exit 143' TERM
  for ((waited = 0; waited < 2400; ++waited)); do
    grep -q "listening on" "$2" && break
    kill -0 "$SERVER_PID" 2>/dev/null || return 1
    sleep 0.25
  done
  LD_LIBRARY_PATH=$RUN_LIBS "$CLINBENCH" run --model "openai:http://127.0.0.1:$port/v1" --model-name test \
    --data-dir "$DATA" --no-cache --concurrency "$GEN_PARALLEL" --output-dir "$WORK/runs/server-$M" \
    --tasks "$WORK/medqa_gen_bench.yaml" --limit "$GEN_PROMPTS"
}
# shellcheck disable=SC2086
measure() {  # tag, shape
  local model
  M=$1 model=$(model_path "$2")
  [[ -s $model ]] || { say "no model $2"; return 1; }
  step "bench-$M" 240 -- env LD_LIBRARY_PATH="$PEER_LIBS" "$TOOLS/llama-bench" -m "$model" -ngl 99 \
    -p 512 -n 128 -fa 0,1 -r 3 -o jsonl
  cb_run "cb0-$M" "$model" 0
  step "pp0-$M" 300 -- env LD_LIBRARY_PATH="$PEER_LIBS" "$TOOLS/llama-perplexity" -m "$model" --multiple-choice \
    -bf "$WORK/mc-0.bin" -c "$(cat "$WORK/ctx-0")" -ngl 99
  cb_run "cb$SHOTS-$M" "$model" "$SHOTS"
  step "pp$SHOTS-$M" 300 -- env LD_LIBRARY_PATH="$PEER_LIBS" "$TOOLS/llama-perplexity" -m "$model" --multiple-choice \
    -bf "$WORK/mc-$SHOTS.bin" -c "$(cat "$WORK/ctx-$SHOTS")" -ngl 99
  cb_run "cb0_fa-$M" "$model" 0 --flash-attn
  cb_run "cb${SHOTS}_fa-$M" "$model" "$SHOTS" --flash-attn
  cb_run "cb0_fa16-$M" "$model" 0 --flash-attn --kv-f16
  cb_run "cb${SHOTS}_fa16-$M" "$model" "$SHOTS" --flash-attn --kv-f16
  step "gen-$M" 300 -- env LD_LIBRARY_PATH="$RUN_LIBS" "$CLINBENCH" run --model "gguf:$model" \
    --tasks "$WORK/medqa_gen_bench.yaml" --data-dir "$DATA" --limit "$GEN_PROMPTS" --parallel "$GEN_PARALLEL" \
    --no-cache $GPU_LAYERS --output-dir "$WORK/runs/gen-$M"
  export -f server_generation
  export PEER_LIBS RUN_LIBS TOOLS CLINBENCH DATA WORK M GEN_PARALLEL GEN_PROMPTS
  step "server-$M" 300 -- bash -c 'server_generation "$@"' _ "$model" "$OUT/llama-server-$M.log"
}

run() {
  mkdir -p "$OUT" "$WORK/models"
  OUT=$(cd "$OUT" && pwd)
  rm -rf "$WORK/runs" "$WORK"/mc-*.bin "$WORK"/export-*.txt "$WORK"/ctx-*
  mkdir -p "$WORK/runs"
  {
    for c in "nvidia-smi" "nvcc --version" "g++ --version" "cmake --version" "nproc" "free -g" "df -h $WORK"; do
      echo "\$ $c"
      # shellcheck disable=SC2086  # a command line in one string
      timeout 20 $c 2>&1 | head -n 30
    done
  } >"$OUT/machine.txt" 2>&1
  if [[ $CPU_MODE == 1 ]]; then
    # The rehearsal: this machine's build and tools; the pack and the CUDA build are not rehearsed.
    local prefix
    prefix=${PREFIX:-$("$ROOT/scripts/build-llama.sh" --tools)}
    CLINBENCH=$ROOT/build/clinbench EXPORT=$ROOT/build/bench/llama/bench_export_perplexity_mc
    TOOLS=$prefix/bin VOCAB=$prefix/models/ggml-vocab-llama-bpe.gguf
    DATA=${DATA_DIR:-$ROOT/../shared/data}
    CPU_LIBS="" RUN_LIBS="" PEER_LIBS="" GPU_LAYERS=""
  else
    command -v nvcc >/dev/null || export PATH=/usr/local/cuda/bin:$PATH
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >"$OUT/gpu.txt" 2>&1
    [[ -f $PAYLOAD/payload.sha256 ]] || die "no payload at $PAYLOAD: run bench/gpu.sh pack on the development machine"
    if ! cmp -s "$PAYLOAD/payload.sha256" "$WORK/.payload.sha256"; then
      rm -rf "$WORK/src" "$WORK/build" "$WORK/models" && mkdir -p "$WORK/src" "$WORK/models"
      tar -C "$WORK/src" -xJf "$PAYLOAD/src/llama.cpp.tar.xz" || die "unpacking the llama.cpp source failed"
      cp "$PAYLOAD/payload.sha256" "$WORK/.payload.sha256"
    fi
    CLINBENCH=$PAYLOAD/bin/clinbench EXPORT=$PAYLOAD/bin/bench_export_perplexity_mc
    VOCAB=$PAYLOAD/data/ggml-vocab-llama-bpe.gguf DATA=$PAYLOAD/data
    TOOLS=$WORK/build/bin
    local cuda_libs
    cuda_libs=$(dirname "$(readlink -f "$(command -v nvcc)")")/../lib64
    CPU_LIBS=$PAYLOAD/cpulib:$PAYLOAD/lib
    RUN_LIBS=$TOOLS:$PAYLOAD/lib:$cuda_libs PEER_LIBS=$TOOLS:$cuda_libs GPU_LAYERS="--gpu-layers -1"
  fi
  sed "s/^  max_tokens: 128$/  max_tokens: $GEN_TOKENS/" "$ROOT/bench/llama/medqa_gen_bench.yaml" >"$WORK/medqa_gen_bench.yaml"
  [[ -f $DATA/medqa/US_4_options_test.jsonl ]] || die "no MedQA data under $DATA"

  # The models and exports on the CPU libraries while llama.cpp builds (the large model on its own).
  prepare_small >"$OUT/prepare-small.log" 2>&1 &
  local small_pid=$!
  make_model "$LARGE" >"$OUT/prepare-large.log" 2>&1 &
  local large_pid=$!
  if [[ $CPU_MODE != 1 ]]; then
    step configure 180 -- cmake -S "$WORK/src/llama.cpp" -B "$WORK/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DBUILD_SHARED_LIBS=ON -DGGML_NATIVE=ON -DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="$CUDA_ARCH" \
      -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON \
      -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_APP=OFF "-DCMAKE_EXE_LINKER_FLAGS=-Wl,--allow-shlib-undefined" &&
      step build 420 -- cmake --build "$WORK/build" --target llama-bench llama-perplexity llama-server -j "$JOBS"
  fi
  wait "$small_pid" || say "the $SMALL model or the exports failed (see $OUT/prepare-small.log)"
  measure s "$SMALL"
  wait "$large_pid" || say "the $LARGE model failed (see $OUT/prepare-large.log)"
  measure l "$LARGE"
  write_summary
  cat "$OUT/summary.txt"
}

case $MODE in
  pack) pack ;;
  run) run ;;
  *) die "usage: bench/gpu.sh pack|run (GPU_BENCH_CPU=1 for the CPU rehearsal of run)" ;;
esac
