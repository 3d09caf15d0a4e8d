#!/usr/bin/env bash
# The one comparison table: why401 against what a support engineer runs instead over the
# same log archives (jq, hl, wiretrail, grep, gzip), on the generated corpus of issue 13.
# Writes bench/results.md and prints it.
#
# Usage: scripts/bench-compare.sh
#   SIZE=200M SEED=1      corpus size per file and seed (gen_corpus.py)
#   RUNS=3                runs per command; the median wall time is reported
#   SLOW_RUNS=RUNS        runs of the jq commands (each takes many times why401's)
#   THREADS="1 2"         thread counts (why401 -j, hl --concurrency)
#   GEN_CORPUS=PATH       the corpus generator (default ../shared/tools/gen_corpus.py)
#   HL=PATH               hl (pamburus/hl; build it with ../shared/tools/build-hl.sh)
#   WORK=DIR              where the corpus is written (default $TMPDIR/why401-bench)
#   BIN=PATH              a why401 binary to measure (default: build target/release/why401)
#   PEERS=0               measure why401 alone (to compare two builds of it)
#   OUT=FILE              where the table goes (default bench/results.md)
# Needs python3, GNU time (/usr/bin/time) and bc; jq, hl, wiretrail and gzip are measured
# when installed.
#
# Rows: tool, input, size, median wall of RUNS runs, MB/s, its CPU time (user+sys: the
# figure to trust on a shared machine), peak RSS (of the median run), and the ratio of the tool's time to why401's on the same input and threads (> 1: why401
# is faster). Files are read once before each run, so the figures are CPU-bound. Before the
# table, the script checks that why401's counts match the generator's truth file and that
# `-j 1` and `-j 2` write byte-identical reports.
set -euo pipefail
cd "$(dirname "$0")/.."

size=${SIZE:-200M}
seed=${SEED:-1}
runs=${RUNS:-3}
slow_runs=${SLOW_RUNS:-$runs}
threads=${THREADS:-1 2}
gen=${GEN_CORPUS:-../shared/tools/gen_corpus.py}
work=${WORK:-${TMPDIR:-/tmp}/why401-bench}
hl=${HL:-$(command -v hl || true)}
out=${OUT:-bench/results.md}
peers=${PEERS:-1}

for tool in python3 /usr/bin/time bc; do
  command -v "$tool" > /dev/null || { echo "bench-compare: needs $tool" >&2; exit 2; }
done
mkdir -p "$work" bench
if [ -n "${BIN:-}" ]; then
  bin=$BIN
else
  cargo build --release --quiet
  bin=$PWD/target/release/why401
fi

base=$work/why401-$size-s$seed
if [ ! -f "$base.truth.json" ]; then
  python3 "$gen" --size "$size" --seed "$seed" --gzip --no-tsv --out "$work" > /dev/null
fi
har=$base.har
jsonl=$base.jsonl
curl=$base.curl.txt
gz=$base.jsonl.gz
# A 401-heavy log: every line of the JSON-lines file that is a 401, repeated to about half
# the size (a gateway under a credential-stuffing attack, a client stuck on an expired key).
heavy=$base.heavy401.jsonl
if [ ! -f "$heavy" ]; then
  grep '"status":401' "$jsonl" > "$heavy.one"
  copies=$(( $(stat -c %s "$jsonl") / 2 / $(stat -c %s "$heavy.one") + 1 ))
  for _ in $(seq "$copies"); do cat "$heavy.one"; done > "$heavy"
  rm -f "$heavy.one"
fi

mb() { echo "scale=1; $(stat -c %s "$1") / 1000000" | bc; }

# measure TOOL INPUT FILE SIZE_FILE COMMAND: runs COMMAND (a shell string; $f is FILE) RUNS
# times and sets $wall (median seconds), $cpu and $rss (MB) of that run; prints nothing.
measure() {
  local f=$1 cmd=$2 lines=() i rc runs=${n:-$runs}
  for i in $(seq "$runs"); do
    cat "$f" > /dev/null
    rc=0
    f=$f /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" bash -c "$cmd" \
      > /dev/null 2> "$work/stderr.txt" || rc=$?
    # why401 exits 1 when it finds 401s, grep 1 when nothing matches; 2+ is a failure.
    if [ "$rc" -ge 2 ]; then
      echo "bench-compare: '$cmd' failed (exit $rc):" >&2
      cat "$work/stderr.txt" >&2
      exit 2
    fi
    lines+=("$(grep -v '^Command' "$work/time.txt" | tail -1)")
  done
  local user sys
  read -r wall rss user sys <<< "$(printf '%s\n' "${lines[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")"
  rss=$(echo "scale=0; $rss / 1024" | bc)
  cpu=$(echo "$user + $sys" | bc)
}

# row TOOL INPUT_LABEL FILE THREADS COMMAND [REFERENCE_WALL]: one table row.
row() {
  local tool=$1 label=$2 f=$3 j=$4 cmd=$5 ref=${6:-}
  measure "$f" "$cmd"
  local size rate ratio=""
  # A compressed input's rate is of the bytes it holds.
  if [[ $f == *.gz && -f ${f%.gz} ]]; then size=$(mb "${f%.gz}"); else size=$(mb "$f"); fi
  rate=$(echo "scale=0; $size / ($wall + 0.001)" | bc)
  [ -n "$ref" ] && ratio="$(printf '%.2f' "$(echo "scale=3; $wall / ($ref + 0.0001)" | bc)")×"
  printf '| %s | %s | %s | %s MB | %.2f s | %s MB/s | %.2f s | %s MB | %s |\n' \
    "$tool" "$label" "$j" "$size" "$wall" "$rate" "$cpu" "$rss" "${ratio:-1.00×}"
}

why() { echo "\"$bin\" analyze --no-progress -f json -j $1 \"\$f\""; }

# Checks first: counts against the generator's truth, and -j 1 against -j 2.
check() {
  local f=$1 name
  name=$(basename "$f")
  "$bin" analyze --no-progress -f json -j 1 "$f" > "$work/j1.json" || [ $? -eq 1 ]
  "$bin" analyze --no-progress -f json -j 2 "$f" > "$work/j2.json" || [ $? -eq 1 ]
  local same=identical
  cmp -s "$work/j1.json" "$work/j2.json" || same="DIFFERENT"
  python3 - "$work/j1.json" "$base.truth.json" "$name" "$same" <<'PY'
import json, sys
report, truth, name, same = sys.argv[1:]
summary = json.load(open(report))["summary"]
files = json.load(open(truth))["files"]
want = files.get(name.removesuffix(".gz"), {}).get("counts", {}).get("status_401")
got = summary["unauthorized"]
verdict = "no truth" if want is None else ("matches" if want == got else f"MISMATCH (truth {want})")
causes = ", ".join(f"{k} {v}" for k, v in sorted(summary["by_cause"].items()))
print(f"- `{name}`: {summary['exchanges']} exchanges, {got} 401s ({verdict}); -j 1 vs -j 2: {same}; causes: {causes}")
PY
}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
{
  echo "# why401 against the tools users run instead"
  echo
  echo "$(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD) (binary \`$bin\`), $(nproc) cores ($cpu),"
  echo "load average at start $(cut -d' ' -f1-3 /proc/loadavg). Corpus: \`gen_corpus.py --size $size --seed $seed\`."
  echo "Median wall time of $runs runs ($slow_runs for jq), files in the page cache; RSS is the peak resident set"
  echo "(/usr/bin/time); ratio = the tool's time / why401's on the same input and threads."
  echo "why401 runs the whole diagnosis: \`why401 analyze --no-progress -f json FILE > /dev/null\`."
  echo
  echo "Checks:"
  for f in "$har" "$jsonl" "$curl" "$gz" "$heavy"; do check "$f"; done
  echo
  echo "| tool | input | threads | size | median | MB/s | CPU | peak RSS | ratio |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  declare -A ref
  for j in $threads; do
    row why401 HAR "$har" "$j" "$(why "$j")"; ref[har$j]=$wall
    row why401 "JSON lines" "$jsonl" "$j" "$(why "$j")"; ref[jsonl$j]=$wall
    row why401 "curl -v" "$curl" "$j" "$(why "$j")"; ref[curl$j]=$wall
    row why401 "JSON lines .gz" "$gz" "$j" "$(why "$j")"; ref[gz$j]=$wall
    row why401 "401-heavy JSON lines" "$heavy" "$j" "$(why "$j")"; ref[heavy$j]=$wall
  done
  if [ "$peers" = 0 ]; then exit 0; fi
  for j in $threads; do
    if [ -n "$hl" ]; then
      row "hl -f status=401" "JSON lines" "$jsonl" "$j" \
        "\"$hl\" -P --color never -r --concurrency $j -f status=401 \"\$f\"" "${ref[jsonl$j]}"
      row "hl -f status=401" "401-heavy JSON lines" "$heavy" "$j" \
        "\"$hl\" -P --color never -r --concurrency $j -f status=401 \"\$f\"" "${ref[heavy$j]}"
    fi
  done
  one=$(echo "$threads" | awk '{print $1}')
  if command -v wiretrail > /dev/null; then
    row "wiretrail auth" HAR "$har" "$one" 'wiretrail auth "$f"' "${ref[har$one]}"
  fi
  if command -v jq > /dev/null; then
    n=$slow_runs row "jq select(.status==401)" HAR "$har" 1 \
      'jq "[.log.entries[] | select(.response.status == 401)] | length" "$f"' "${ref[har1]}"
    n=$slow_runs row "jq select(.status==401)" "JSON lines" "$jsonl" 1 \
      'jq -c "select(.status? == 401)" "$f" | wc -l' "${ref[jsonl1]}"
  fi
  # Piped: GNU grep writing to /dev/null stops at the first match.
  row "grep -c '\"status\":401'" "JSON lines" "$jsonl" 1 'grep -c "\"status\":401" "$f" | cat' "${ref[jsonl1]}"
  row "grep -c '< HTTP.* 401'" "curl -v" "$curl" 1 'grep -c "^< HTTP/[0-9.]* 401" "$f" | cat' "${ref[curl1]}"
  row "gzip -dc" "JSON lines .gz" "$gz" 1 'gzip -dc "$f"' "${ref[gz1]}"
} | tee "$out"
