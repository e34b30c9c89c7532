#!/usr/bin/env bash
# Issue 10's targets: the C API and Python's Client, sequential init_payment, beside
# `wrk -t1 -c1`, on the nginx stand-in of ../shared/bench (127.0.0.1:18080, started here unless
# one answers there), alternating, RUNS times. Release builds. Prints one Markdown row per run.
#   bench/blocking_vs_wrk.sh [RUNS] [SECONDS]
# Needs nginx and wrk (apt-get install nginx-light wrk), and .venv (scripts/test python makes it).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3} secs=${2:-3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
triple=$(rustc -vV | sed -n 's/^host: //p')
cargo build -q --release --target "$triple" -p cinetpay-c
lib="$CARGO_TARGET_DIR/$triple/release"
work=$(mktemp -d)
gcc -std=c11 -O2 -Wall -Iinclude bench/c_bench.c -L"$lib" -lcinetpay -Wl,-rpath,"$lib" -o "$work/c_bench"
(. .venv/bin/activate && CARGO_BUILD_TARGET="$triple" maturin develop -q --release -m bindings-python/Cargo.toml >/dev/null)
. bench/standin.sh
cleanup() { rm -rf "$work"; [ -z "$standin_pid" ] || kill "$standin_pid" 2>/dev/null; true; }
trap cleanup EXIT
url=$standin_url
wrk_us() {
  BODY="$shared/body.json" wrk -t1 -c1 -d"${secs}s" -s "$shared/post.lua" "$url/v2/payment" |
    awk '/Requests\/sec/ { printf "%.1f", 1e6 / $2 }'
}
echo "| run | wrk µs | C µs | C ÷ wrk | wrk µs | Python µs | Python ÷ wrk |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for run in $(seq "$runs"); do
  w1=$(wrk_us); c=$("$work/c_bench" "$url" "$secs")
  w2=$(wrk_us); p=$(.venv/bin/python bench/python_seq.py "$url" "$secs")
  awk -v r="$run" -v w1="$w1" -v c="$c" -v w2="$w2" -v p="$p" \
    'BEGIN { printf "| %d | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f |\n", r, w1, c, c / w1, w2, p, p / w2 }'
done
