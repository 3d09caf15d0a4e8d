"""why401 on Apache Spark: a manifest of inputs in, per-input partials and one report out.

    spark-submit --files /path/to/why401 why401_spark.py MANIFEST OUT [options]

MANIFEST is a text file of input paths or URLs, one per line. OUT (a local folder on the
driver) receives `partials.jsonl` (one why401/partial/v1 record per input) and `report.FMT`,
the report one `why401 analyze` over every input would write. The exit status is the
report's (0 no 401, 1 401s found, 2 an input could not be read).

Shape: textFile(MANIFEST) -> mapPartitions -> the binary as a subprocess, shipped with
`--files` and found with SparkFiles.get inside the task; each partition's local paths go to one
process through `--files-from -`. Not RDD.pipe (the child gets an empty environment and a
crash loses records silently) and not binaryFiles (whole files in JVM memory, 2 GiB cap).

Only input problems become records: the binary writes one for an unreadable, truncated or
hung input (--input-timeout), and an input whose record is missing after a batch (the
process died) is re-run alone; if it kills that run too, it gets a failed record. Anything
else (no binary, a usage error, output that is not a record) fails the task, so
infrastructure faults are not hidden. Cluster use: see README.md next to this file.
"""

import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
import threading

SCHEMA = "why401/partial/v1"


def is_url(entry):
    return "://" in entry and not entry.startswith("file://")


def covers(entry, source):
    """The record of `source` came from the input `entry` (a file, an archive, a folder)."""
    return source == entry or source.startswith(entry + ":") or source.startswith(
        entry.rstrip("/") + "/")


def failed_record(source, message):
    """A record as the binary writes one for an input it could not read."""
    error = {"location": "input", "message": message}
    stats = {"source": source, "format": "text", "exchanges": 0, "unauthorized": 0,
             "skipped": 0, "errors_total": 1, "errors": [error], "notes": []}
    return json.dumps({"schema": SCHEMA, "input": stats, "failed": True, "span": None,
                       "findings": [], "timelines": []}, separators=(",", ":"))


def executable(name):
    """The binary shipped with --files (on the driver, else `name` on its PATH or as a path)."""
    from pyspark import SparkFiles
    path = SparkFiles.get(name)
    if not os.path.exists(path):
        path = shutil.which(name) or name
    if not os.access(path, os.X_OK):  # --files does not always keep the mode
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return path


def run(binary, args, settings, stdin=None, feed=None):
    """Runs `why401 analyze --partial`; returns (exit status, record lines). A usage error or
    a line that is not a record raises: that is not an input problem."""
    command = [binary, "analyze", "--partial", "-q", "--no-progress", "-j", "1",
               "--input-timeout", settings.input_timeout, *settings.extra, *args]
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    if feed is not None:
        threading.Thread(target=feed, args=(proc.stdin,), daemon=True).start()
        stdin = None
    out, err = proc.communicate(stdin)
    lines = [line for line in out.decode("utf-8").splitlines() if line.strip()]
    for line in lines:
        if json.loads(line).get("schema") != SCHEMA:
            raise RuntimeError(f"why401 wrote a line that is not a record: {line[:200]}")
    if proc.returncode == 2 and not lines:
        raise RuntimeError(f"why401 {' '.join(args)}: {err.decode('utf-8', 'replace')}")
    return proc.returncode, lines


def batch(binary, entries, settings):
    """One process for many local inputs; an input left without a record is run alone."""
    _, lines = run(binary, ["--files-from", "-"], settings,
                   stdin="".join(e + "\n" for e in entries).encode("utf-8"))
    sources = [json.loads(line)["input"]["source"] for line in lines]
    yield from lines
    for entry in entries:
        if not any(covers(entry, source) for source in sources):
            yield from alone(binary, entry, settings)


def alone(binary, entry, settings):
    code, lines = run(binary, ["--", entry], settings)
    if code not in (0, 2) or not lines:
        yield failed_record(entry, f"why401 stopped on this input (exit status {code})")
    else:
        yield from lines


def streamed(binary, url, settings):
    """An object-store input streams into `why401 - --name URL` (fsspec on the executor)."""
    import fsspec
    try:
        source = fsspec.open(url, "rb").open()
    except (FileNotFoundError, PermissionError) as err:
        yield failed_record(url, f"cannot open: {err}")
        return

    def feed(pipe):
        with source, pipe:
            try:
                shutil.copyfileobj(source, pipe, 1 << 20)
            except BrokenPipeError:  # the binary gave up on it (timeout, not a capture)
                pass

    code, lines = run(binary, ["--name", url, "-"], settings, feed=feed)
    yield from lines or [failed_record(url, f"why401 stopped on this input (exit {code})")]


def analyze_partition(entries, settings):
    binary = executable(settings.binary)
    entries = [e.strip() for e in entries if e.strip()]
    local = [e[len("file://"):] if e.startswith("file://") else e
             for e in entries if not is_url(e)]
    for start in range(0, len(local), settings.batch):
        yield from batch(binary, local[start:start + settings.batch], settings)
    for url in filter(is_url, entries):
        yield from streamed(binary, url, settings)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("manifest")
    parser.add_argument("out")
    parser.add_argument("--binary", default="why401", help="name given to --files")
    parser.add_argument("-f", "--format", default="json", help="the report's format")
    parser.add_argument("--input-timeout", default="10m")
    parser.add_argument("--batch", type=int, default=64, help="inputs per process")
    parser.add_argument("--partitions", type=int, help="default: Spark's")
    parser.add_argument("extra", nargs="*", help="after --: why401 analyze options")
    settings = parser.parse_args(argv)

    from pyspark.sql import SparkSession
    spark = SparkSession.builder.appName("why401").getOrCreate()
    manifest = spark.sparkContext.textFile(settings.manifest, settings.partitions)
    records = manifest.mapPartitions(lambda part: analyze_partition(part, settings))
    os.makedirs(settings.out, exist_ok=True)
    partials = os.path.join(settings.out, "partials.jsonl")
    inputs = failed = 0
    with open(partials, "w", encoding="utf-8") as out:
        for line in records.toLocalIterator():
            out.write(line + "\n")
            inputs += 1
            failed += json.loads(line)["failed"] is True
    if inputs and failed == inputs:
        print(f"why401_spark: WARNING: EVERY INPUT FAILED ({inputs} of {inputs}); "
              f"see {partials}", file=sys.stderr)
    report = os.path.join(settings.out, "report." + settings.format)
    merged = subprocess.run([executable(settings.binary), "merge", "-q", "-f", settings.format,
                             "-o", report, partials])
    spark.stop()
    print(f"why401_spark: {inputs} inputs, {failed} failed; report {report}", file=sys.stderr)
    return merged.returncode


if __name__ == "__main__":
    sys.exit(main())
