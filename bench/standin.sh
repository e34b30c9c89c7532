# Sourced by the bench scripts that measure against the nginx stand-in of ../shared/bench:
# sets `shared` and `standin_url`, and starts nginx on 127.0.0.1:18080 unless one already
# answers there (`standin_pid` is then set; the caller stops it on exit).
shared=${CINETPAY_SHARED_BENCH:-$PWD/../shared/bench}
standin_url=http://127.0.0.1:18080
standin_pid=
if ! curl -s -o /dev/null -X POST "$standin_url/v2/payment"; then
  nginx -c "$shared/nginx.conf" -p /tmp &
  standin_pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null -X POST "$standin_url/v2/payment" && break; sleep 0.1; done
fi
