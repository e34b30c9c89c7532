#!/usr/bin/env bash
# Issue 10's targets: the C API and Python's Client, sequential init_payment, beside
# `wrk -t1 -c1`, on the nginx stand-in of ../shared/bench (127.0.0.1:18080, started here unless
# one answers there), alternating, RUNS times. Builds of the shipped profile (PROFILE, see
# bench/blocking_build.sh). Prints one Markdown row per run.
#   bench/blocking_vs_wrk.sh [RUNS] [SECONDS] [ROUNDS]
# With ROUNDS above 1 (default 1), a run is ROUNDS turns of (wrk, C, wrk, Python), SECONDS each,
# and its row gives each one's median (the ratios of medians are the measure) and the range of
# the rounds' own ratios: a burst on the host then spoils one slot, not the run.
# PLACE=none|split|same pins nginx's worker and the clients (bench/blocking_build.sh).
# Needs nginx and wrk (apt-get install nginx-light wrk), and .venv (scripts/test python makes it).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3} secs=${2:-3} rounds=${3:-1}
. bench/blocking_build.sh
echo "| run | wrk µs | C µs | C ÷ wrk | wrk µs | Python µs | Python ÷ wrk | per round: C ÷ wrk | per round: Python ÷ wrk |"
echo "|---|---:|---:|---:|---:|---:|---:|---|---|"
for run in $(seq "$runs"); do
  for _ in $(seq "$rounds"); do
    echo "$(wrk_us) $($on "$work/c_bench" "$url" "$secs") $(wrk_us) $($on .venv/bin/python bench/python_seq.py "$url" "$secs")"
  done | python3 -c '
import statistics, sys
rows = [line.split() for line in sys.stdin]
if not rows or any(len(row) != 4 for row in rows):
    sys.exit(f"run {sys.argv[1]}: a measurement failed (wrk, C or Python printed nothing)")
rows = [list(map(float, row)) for row in rows]
w1, c, w2, p = (statistics.median(column) for column in zip(*rows))
# Beside the ratio of medians (the headline), the range of the ratio within each round: a round
# compares slots a few seconds apart, so it shows how far the host moved within the run.
spread = lambda ratios: f"{min(ratios):.2f} to {max(ratios):.2f}"
c_rounds = spread([row[1] / row[0] for row in rows])
p_rounds = spread([row[3] / row[2] for row in rows])
print(f"| {sys.argv[1]} | {w1:.1f} | {c:.1f} | {c / w1:.2f} | {w2:.1f} | {p:.1f} | {p / w2:.2f} | {c_rounds} | {p_rounds} |")
' "$run"
done
