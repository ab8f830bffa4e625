#!/usr/bin/env bash
# The retrieval figures of docs/rag.md, reproduced:
#   1. PubMedQA: BM25 recall@k and MRR of each question's own abstract among all 1,000 abstracts
#      of ori_pqal.json (the index build, then `index eval`).
#   2. MedQuAD (16,407 answers, titled by their questions): index build time, and queries per
#      second with every question as a query (recall@k of its own answer comes with it).
#   3. bench_rag_bm25: the same build and search against Xapian used directly, as ratios.
#
#   bench/rag/run.sh                 # BUILD_DIR=build DATA_DIR=../shared/data
# Settings (environment): BUILD_DIR, DATA_DIR, WORK_DIR=BUILD_DIR/bench-work/rag
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
DATA_DIR=${DATA_DIR:-${CLINBENCH_DATA:-$ROOT/../shared/data}}
WORK_DIR=${WORK_DIR:-$BUILD_DIR/bench-work/rag}
CLINBENCH=$BUILD_DIR/clinbench
rm -rf "$WORK_DIR"
mkdir -p "$WORK_DIR"

echo "== PubMedQA: each question's own abstract among the 1,000 (BM25)"
"$CLINBENCH" index build --corpus "$DATA_DIR/pubmedqa/ori_pqal.json" --corpus-format json_object \
  --text-field CONTEXTS --out "$WORK_DIR/pubmedqa" 2>/dev/null
"$CLINBENCH" index eval --index "$WORK_DIR/pubmedqa" --queries "$DATA_DIR/pubmedqa/ori_pqal.json" \
  --queries-format json_object --query-field QUESTION --k 1,5,10,20 --depth 100 \
  --output "$WORK_DIR/pubmedqa_eval.json" 2>/dev/null

echo
echo "== MedQuAD: build (whole answers, titled by their questions)"
/usr/bin/time -f "wall %e s, cpu %U s user + %S s system, peak memory %M KB" \
  "$CLINBENCH" index build --corpus "$DATA_DIR/medquad/medquad.jsonl" --text-field answer \
  --title-field question --out "$WORK_DIR/medquad" 2>&1 | grep -v '^index '
du -sh "$WORK_DIR/medquad"
echo "== MedQuAD: every question as a query, its own answer as the gold (k = 5, as run --rag asks)"
"$CLINBENCH" index eval --index "$WORK_DIR/medquad" --queries "$DATA_DIR/medquad/medquad.jsonl" \
  --query-field question --k 1,5 --depth 5 --output "$WORK_DIR/medquad_eval_k5.json" 2>/dev/null
echo "== MedQuAD: the same, 100 passages read per query (MRR@100)"
"$CLINBENCH" index eval --index "$WORK_DIR/medquad" --queries "$DATA_DIR/medquad/medquad.jsonl" \
  --query-field question --k 1,5,10,20 --depth 100 --output "$WORK_DIR/medquad_eval_k100.json" 2>/dev/null

echo
echo "== against Xapian used directly (one thread)"
"$BUILD_DIR/bench/rag/bench_rag_bm25" "$DATA_DIR/medquad/medquad.jsonl" "$WORK_DIR/peer"
