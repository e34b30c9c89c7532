# Sourced by bench/blocking_vs_wrk.sh and bench/floors.sh, from the repository's root: builds
# of the C library (and bench/c_bench.c against it, in `$work`) and of the Python extension into
# .venv, then the nginx stand-in (bench/standin.sh). Sets `work` and `url`, and cleans both up
# on exit. `wrk_us` prints `wrk -t1 -c1`'s µs per request over `$secs` seconds.
#
# PROFILE is the cargo profile built (bench/profile.sh: `dist` by default, or `release`).
#
# PLACE chooses where the processes run (taskset), the same for wrk and every client:
#   PLACE=none  (default) where the scheduler puts them;
#   PLACE=split nginx's worker on CPU 0, the client on CPU 1: each round trip wakes an idle CPU,
#               which on these VMs is what makes loopback latency swing;
#   PLACE=same  nginx's worker and the client on CPU 0: no CPU idles between request and answer,
#               so a round trip is the two sides' CPU time (the "busy host" regime), and the
#               steadiest measure of a client's own cost.
# `$on` is the prefix that places a client. The worker is found through the stand-in's pid file
# (../shared/bench/nginx.conf), and its former CPU set is given back on exit.
case ${PLACE:=none} in
  none | split | same) ;;
  *) echo "PLACE must be none, split or same" >&2; exit 2 ;;
esac
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
triple=$(rustc -vV | sed -n 's/^host: //p')
. bench/profile.sh
cargo build -q --profile "$profile" --target "$triple" -p cinetpay-c
lib="$CARGO_TARGET_DIR/$triple/$profile"
work=$(mktemp -d)
standin_pid= worker= worker_cpus= on=
cleanup() {
  rm -rf "$work"
  [ -z "$worker_cpus" ] || taskset -pc "$worker_cpus" "$worker" >/dev/null 2>&1
  [ -z "$standin_pid" ] || kill "$standin_pid" 2>/dev/null
  true
}
trap cleanup EXIT
gcc -std=c11 -O2 -Wall -Iinclude bench/c_bench.c -L"$lib" -lcinetpay -Wl,-rpath,"$lib" -o "$work/c_bench"
(. .venv/bin/activate && CARGO_BUILD_TARGET="$triple" maturin develop -q --profile "$profile" -m bindings-python/Cargo.toml >/dev/null)
. bench/standin.sh
if [ "$PLACE" != none ]; then
  worker=$(pgrep -P "$(cat /tmp/cinetpay-bench-nginx.pid 2>/dev/null || echo 0)" | head -1 || true)
  if [ -z "$worker" ]; then
    echo "PLACE=$PLACE: no worker of the stand-in's nginx (/tmp/cinetpay-bench-nginx.pid)" >&2
    exit 2
  fi
  worker_cpus=$(taskset -pc "$worker" | sed 's/.*: //')
  taskset -pc 0 "$worker" >/dev/null
  if [ "$PLACE" = split ]; then on="taskset -c 1"; else on="taskset -c 0"; fi
fi
url=$standin_url
wrk_us() {
  BODY="$shared/body.json" $on wrk -t1 -c1 -d"${secs}s" -s "$shared/post.lua" "$url/v2/payment" |
    awk '/Requests\/sec/ { printf "%.1f", 1e6 / $2 }'
}
