#!/usr/bin/env bash
# The Kotlin library (release build of libcinetpay_uniffi) beside java.net.http.HttpClient and
# wrk, against the nginx stand-in of ../shared/bench (started here on 127.0.0.1:18080 unless one
# already answers there). Prints one Markdown row per run.
#   bench/kotlin_bench.sh [RUNS] [SECONDS]
# Needs nginx and wrk (apt-get install nginx-light wrk), Java 17+ and Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3} secs=${2:-3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
triple=$(rustc -vV | sed -n 's/^host: //p')
cargo build -q --release --target "$triple" -p cinetpay-uniffi
lib="$CARGO_TARGET_DIR/$triple/release"
# The library's jar (its own debug build inside; the release build above is loaded instead).
[ -n "${SKIP_INSTALL:-}" ] || (cd bindings-uniffi/kotlin && mvn -B -ntp -q install -DskipTests)
(cd bench/kotlin && mvn -B -ntp -q package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt)
. bench/standin.sh
trap '[ -z "$standin_pid" ] || kill "$standin_pid" 2>/dev/null' EXIT
java -Djna.library.path="$lib" -cp "bench/kotlin/target/classes:$(cat bench/kotlin/target/classpath.txt)" \
  com.cinetpay.bench.BenchKt "$standin_url" "$secs" "$runs" "$shared/post.lua" "$shared/body.json"
