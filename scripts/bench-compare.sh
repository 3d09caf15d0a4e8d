#!/usr/bin/env bash
# Compares why401 with what a support engineer would otherwise run over the same files:
# jq selecting the 401 entries of a HAR, and jq / grep over JSON-lines logs.
# Usage: scripts/bench-compare.sh [HAR_MB] [JSONL_MB]    (defaults 200 and 1000)
# Needs hyperfine and jq (apt-get install hyperfine jq). Writes bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
har_mb=${1:-200}
jsonl_mb=${2:-1000}
work=${TMPDIR:-/tmp}/why401-bench
mkdir -p "$work" bench
cargo build --release --quiet --examples
cargo build --release --quiet
bin=target/release/why401
[ -f "$work/big.har" ] || target/release/examples/gen_har "$har_mb" "$work/big.har"
[ -f "$work/big.jsonl" ] || target/release/examples/gen_jsonl "$jsonl_mb" "$work/big.jsonl"

{
  echo "# why401 vs the alternatives ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "## ${har_mb} MB HAR"
  hyperfine --warmup 1 --runs 3 --export-markdown /dev/stdout --style none \
    "$bin analyze -f json -q $work/big.har > /dev/null" \
    "jq '[.log.entries[] | select(.response.status == 401)] | length' $work/big.har"
  echo
  echo "## ${jsonl_mb} MB JSON lines"
  hyperfine --warmup 1 --runs 3 --export-markdown /dev/stdout --style none \
    "$bin analyze -f json -q $work/big.jsonl > /dev/null" \
    "jq -c 'select(.status == 401)' $work/big.jsonl | wc -l" \
    "grep -c '\"status\":401' $work/big.jsonl"
  echo
  echo "## Peak RSS (/usr/bin/time -v)"
  for f in big.har big.jsonl; do
    rss=$( { /usr/bin/time -v "$bin" analyze -f json -q "$work/$f" > /dev/null; } 2>&1 \
      | awk -F: '/Maximum resident/ {gsub(/ /, "", $2); print $2}')
    echo "- $f: ${rss} KB"
  done
} | tee bench/results.md
