#!/usr/bin/env bash
# Issue 10's targets: the C API and Python's Client, sequential init_payment, beside
# `wrk -t1 -c1`, on the nginx stand-in of ../shared/bench (127.0.0.1:18080, started here unless
# one answers there), alternating, RUNS times. Release builds. Prints one Markdown row per run.
#   bench/blocking_vs_wrk.sh [RUNS] [SECONDS]
# Needs nginx and wrk (apt-get install nginx-light wrk), and .venv (scripts/test python makes it).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3} secs=${2:-3}
. bench/blocking_build.sh
echo "| run | wrk µs | C µs | C ÷ wrk | wrk µs | Python µs | Python ÷ wrk |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for run in $(seq "$runs"); do
  w1=$(wrk_us); c=$("$work/c_bench" "$url" "$secs")
  w2=$(wrk_us); p=$(.venv/bin/python bench/python_seq.py "$url" "$secs")
  awk -v r="$run" -v w1="$w1" -v c="$c" -v w2="$w2" -v p="$p" \
    'BEGIN { printf "| %d | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f |\n", r, w1, c, c / w1, w2, p, p / w2 }'
done
