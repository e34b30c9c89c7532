# Sourced by bench/blocking_vs_wrk.sh and bench/floors.sh, from the repository's root: release
# builds of the C library (and bench/c_bench.c against it, in `$work`) and of the Python
# extension into .venv, then the nginx stand-in (bench/standin.sh). Sets `work` and `url`, and
# cleans both up on exit. `wrk_us` prints `wrk -t1 -c1`'s µs per request over `$secs` seconds.
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
