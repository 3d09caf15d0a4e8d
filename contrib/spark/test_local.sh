#!/usr/bin/env bash
# The Spark recipe in local[2,2] mode (2 threads, a task tried at most twice) over 40 inputs:
# 36 generated logs, a truncated gzip, a missing path, a non-capture and a pipe that hangs.
# Checks: the job succeeds, every bad input is a failed record, and the report equals one
# local `why401 analyze` over the same inputs. Needs pyspark (pip install pyspark) and Java.
# WHY401 names the binary (default: target/debug/why401, built if missing).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
bin="${WHY401:-target/debug/why401}"
[ -x "$bin" ] || cargo build --quiet
bin="$(realpath "$bin")"
work="$(mktemp -d)"
trap 'exec 3>&- || true; rm -rf "$work"' EXIT

python3 "$here/gen_inputs.py" "$work/in" 36 200
printf '\x1f\x8b\x08\x00\x00\x00\x00\x00' > "$work/in/cut.jsonl.gz"  # truncated gzip
head -c 2000 /dev/urandom > "$work/in/noise.bin"                     # not a capture
mkfifo "$work/in/hang.jsonl"
# A writer that never writes: this shell holds the pipe open (read-write never blocks), so a
# reader waits for ever (a pipe with no writer at all would read as empty).
exec 3<>"$work/in/hang.jsonl"
{ ls "$work"/in/* ; echo "$work/in/gone.jsonl"; } > "$work/manifest.txt"
[ "$(wc -l < "$work/manifest.txt")" -eq 40 ]

set +e
"$bin" analyze -q --no-progress -f json --input-timeout 3s \
  --files-from "$work/manifest.txt" > "$work/local.json"
local_status=$?
PYSPARK_PYTHON="$(command -v python3)" spark-submit --master 'local[2,2]' \
  --conf spark.ui.enabled=false --files "$bin" "$here/why401_spark.py" \
  "$work/manifest.txt" "$work/out" --input-timeout 3s --batch 8 --partitions 4 \
  2> "$work/spark.log"
spark_status=$?
set -e
if [ "$spark_status" -ne "$local_status" ]; then
  tail -40 "$work/spark.log" >&2
  echo "spark test: the job exited $spark_status, one local run $local_status" >&2
  exit 1
fi
python3 - "$work" <<'EOF'
import json, sys
work = sys.argv[1]
local = json.load(open(f"{work}/local.json"))
spark = json.load(open(f"{work}/out/report.json"))
records = [json.loads(l) for l in open(f"{work}/out/partials.jsonl")]
by_name = {r["input"]["source"].rsplit("/", 1)[-1]: r for r in records}
assert len(records) == 40, len(records)
for bad in ["cut.jsonl.gz", "noise.bin", "hang.jsonl", "gone.jsonl"]:
    assert by_name[bad]["failed"] is True, by_name[bad]
assert "--input-timeout 3s" in by_name["hang.jsonl"]["input"]["errors"][0]["message"]
assert spark["summary"] == local["summary"], (spark["summary"], local["summary"])
assert spark == local, "the reports differ beyond their summaries"
print(f"spark test: ok, {len(records)} records, {local['summary']['unauthorized']} 401s, "
      "report equal to one local run")
EOF
