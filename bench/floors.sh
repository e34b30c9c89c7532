#!/usr/bin/env bash
# Where a blocking call's time goes: wrk, a raw C client and a raw Python client
# (bench/raw_seq.*: one socket, a fixed POST, no SDK), and the SDK through C and Python, on the
# nginx stand-in of ../shared/bench, ROUNDS rounds of SECONDS each (whole seconds: wrk takes no
# fractions), alternating. Prints the median, lowest and highest µs per call of each: the SDK's
# share is its time minus the raw client's in the same language.
#   bench/floors.sh [ROUNDS] [SECONDS]
# Needs what bench/blocking_vs_wrk.sh needs; PLACE as there.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-6} secs=${2:-2}
. bench/blocking_build.sh
gcc -std=c11 -O2 -Wall -D_GNU_SOURCE bench/raw_seq.c -o "$work/raw_seq"
port=${url##*:}
for _ in $(seq "$rounds"); do
  echo "wrk $(wrk_us)"
  echo "raw-C $($on "$work/raw_seq" "$port" "$secs")"
  echo "SDK-C $($on "$work/c_bench" "$url" "$secs")"
  echo "raw-Python $($on .venv/bin/python bench/raw_seq.py "$port" "$secs")"
  echo "SDK-Python $($on .venv/bin/python bench/python_seq.py "$url" "$secs")"
done | python3 -c '
import statistics, sys
runs = {}
for line in sys.stdin:
    name, *value = line.split()
    if not value:
        print(f"{name}: no measurement in one round", file=sys.stderr)
        continue
    runs.setdefault(name, []).append(float(value[0]))
print("| client | median µs | lowest | highest |")
print("|---|---:|---:|---:|")
for name, v in runs.items():
    print(f"| {name} | {statistics.median(v):.1f} | {min(v):.1f} | {max(v):.1f} |")
'
