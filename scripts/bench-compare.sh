#!/usr/bin/env bash
# Compares why401 with what a support engineer would otherwise run over the same files:
# jq counting the 401 entries of a HAR, and jq / grep over JSON-lines logs. Also checks
# why401's peak memory on a large HAR. Writes bench/results.md.
#
# Usage: scripts/bench-compare.sh [HAR_MB] [JSONL_MB] [BIG_HAR_MB]   (defaults 200 200 1024)
#        RUNS=N (default 5) runs per command; the median is reported.
# Needs jq and GNU time (/usr/bin/time): apt-get install jq time.
#
# Every run reads its file from the page cache (the file is read once just before), so the
# figures are CPU-bound. Wall times on a shared machine vary: the load average at the start
# is recorded with the results.
set -euo pipefail
cd "$(dirname "$0")/.."

har_mb=${1:-200}
jsonl_mb=${2:-200}
big_mb=${3:-1024}
runs=${RUNS:-5}
work=${TMPDIR:-/tmp}/why401-bench
out=bench/results.md

for tool in jq /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "bench-compare: needs $tool" >&2; exit 2; }
done
mkdir -p "$work" bench
cargo build --release --quiet --examples
cargo build --release --quiet
bin=target/release/why401

har=$work/har-$har_mb.har
big=$work/har-$big_mb.har
jsonl=$work/jsonl-$jsonl_mb.jsonl
[ -f "$har" ] || target/release/examples/gen_har "$har_mb" "$har"
[ -f "$big" ] || target/release/examples/gen_har "$big_mb" "$big"
[ -f "$jsonl" ] || target/release/examples/gen_jsonl "$jsonl_mb" "$jsonl"

mb() { echo "scale=1; $(stat -c %s "$1") / 1048576" | bc; }

# measure LABEL FILE RUNS COMMAND...: runs COMMAND (a shell string, FILE as $f) RUNS times
# and prints a table row: median wall, its CPU (user+sys), peak RSS, MB/s. Sets $wall.
measure() {
  local label=$1 f=$2 n=$3 cmd=$4 times=() i line rc
  for i in $(seq "$n"); do
    cat "$f" > /dev/null
    rc=0
    f=$f /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" bash -c "$cmd" \
      > /dev/null 2> "$work/stderr.txt" || rc=$?
    # why401 exits 1 when it finds 401s; 2 means an input could not be read.
    if [ "$rc" -ge 2 ]; then
      echo "bench-compare: '$label' failed (exit $rc):" >&2
      cat "$work/stderr.txt" >&2
      exit 2
    fi
    line=$(grep -v '^Command' "$work/time.txt" | tail -1)
    times+=("$line")
  done
  # Median by wall time.
  line=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (n + 1) / 2 ))p")
  read -r wall user sys rss <<< "$line"
  local cpu peak rate
  cpu=$(echo "$user + $sys" | bc)
  peak=$(echo "scale=1; $rss / 1024" | bc)
  rate=$(echo "scale=0; $(mb "$f") / ($wall + 0.005)" | bc)
  printf '| `%s` | %.2f s | %.2f s | %.1f MB | %d MB/s |\n' "$label" "$wall" "$cpu" "$peak" "$rate"
}

header() {
  echo "| command | wall | CPU | peak RSS | throughput |"
  echo "|---|---:|---:|---:|---:|"
}

ratio() { printf '%.1f' "$(echo "scale=2; $1 / ($2 + 0.005)" | bc)"; }

{
  echo "# why401 vs the alternatives"
  echo
  echo "$(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average at start $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Median of $runs runs (1 for the large HAR), files in the page cache; CPU is user+sys; RSS is the peak resident set (/usr/bin/time)."
  echo
  echo "## HAR, $(mb "$har") MB ($("$bin" analyze -f json -q "$har" | jq -r '.summary | "\(.exchanges) exchanges, \(.unauthorized) 401s"'))"
  echo
  header
  measure "why401 analyze -f json" "$har" "$runs" '"'"$bin"'" analyze -f json -q "$f"'
  w_default=$wall
  measure "why401 analyze -f json -j 1" "$har" "$runs" '"'"$bin"'" analyze -f json -q -j 1 "$f"'
  measure "jq '[.log.entries[] \\| select(.response.status == 401)] \\| length'" "$har" "$runs" \
    'jq "[.log.entries[] | select(.response.status == 401)] | length" "$f"'
  w_jq=$wall
  echo
  echo "why401 / jq: **$(ratio "$w_jq" "$w_default")×** faster."
  echo
  echo "## Large HAR, $(mb "$big") MB"
  echo
  header
  measure "why401 analyze -f json" "$big" 1 '"'"$bin"'" analyze -f json -q "$f"'
  w_default=$wall
  measure "jq (as above)" "$big" 1 'jq "[.log.entries[] | select(.response.status == 401)] | length" "$f"'
  w_jq=$wall
  echo
  echo "why401 / jq: **$(ratio "$w_jq" "$w_default")×** faster."
  echo
  echo "## JSON lines, $(mb "$jsonl") MB"
  echo
  header
  measure "why401 analyze -f json" "$jsonl" "$runs" '"'"$bin"'" analyze -f json -q "$f"'
  w_default=$wall
  measure "jq -R 'fromjson? \\| select(.status == 401)' \\| wc -l" "$jsonl" "$runs" \
    'jq -R -c "fromjson? | select(.status? == 401)" "$f" | wc -l'
  w_jq=$wall
  measure "grep -c '\"status\":401'" "$jsonl" "$runs" 'grep -c "\"status\":401" "$f"'
  echo
  echo "why401 / jq: **$(ratio "$w_jq" "$w_default")×** faster (jq and grep only count lines with a top-level \`status\` of 401; why401 reads every producer's fields and judges each 401)."
} | tee "$out"
