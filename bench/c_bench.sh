#!/usr/bin/env bash
# The C API's sequential init_payment beside `wrk -t1 -c1` on one local server, alternating,
# RUNS times (default 3). Prints µs per call and the ratio for each run.
#   bench/c_bench.sh [RUNS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3} secs=${2:-3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
triple=$(rustc -vV | sed -n 's/^host: //p')
# The library as scripts/package ships it (PROFILE=release for the quicker build).
. bench/profile.sh
cargo build -q --release --target "$triple" -p cinetpay-bench
cargo build -q --profile "$profile" --target "$triple" -p cinetpay-c
lib="$CARGO_TARGET_DIR/$triple/$profile"
server_bin="$CARGO_TARGET_DIR/$triple/release/cinetpay-bench"
work=$(mktemp -d)
gcc -std=c11 -O2 -Wall -Iinclude bench/c_bench.c -L"$lib" -lcinetpay -Wl,-rpath,"$lib" -o "$work/c_bench"
"$server_bin" --serve >"$work/server.out" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -s "$work/server.out" ] && break; sleep 0.05; done
url=$(awk '{ print $NF; exit }' "$work/server.out")
echo "| run | C API µs/call | wrk -t1 -c1 µs/request | C ÷ wrk |"
echo "|---|---:|---:|---:|"
for run in $(seq "$runs"); do
  c=$("$work/c_bench" "$url" "$secs")
  rate=$("$server_bin" --wrk "${url#http://}" 1 "$secs")
  awk -v run="$run" -v c="$c" -v rate="$rate" 'BEGIN { w = 1e6 / rate; printf "| %d | %.1f | %.1f | %.2f |\n", run, c, w, c / w }'
done
