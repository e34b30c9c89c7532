/* Sequential init_payment calls through the C API for a few seconds; prints µs per call.
 *
 *   c_bench BASE_URL SECONDS
 *
 * Built and run by bench/c_bench.sh beside `wrk -t1 -c1` on the same server. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cinetpay.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  char config[512], *out = NULL;
  snprintf(config, sizeof config, "{\"api_key\":\"bench-apikey-000000000000\",\"site_id\":\"445160\",\"base_url\":\"%s\"}",
           argv[1]);
  CinetPayClient *client = cinetpay_client_new(config, &out);
  if (!client) {
    fprintf(stderr, "%s\n", out ? out : "client");
    return 1;
  }
  double seconds = atof(argv[2]), deadline = now() + seconds, started;
  long n = 0;
  char request[512];
  for (int warm = 0; warm < 2; warm++) {
    started = now();
    deadline = started + (warm ? seconds : 0.2);
    for (; now() < deadline; n++) {
      snprintf(request, sizeof request,
               "{\"transaction_id\":\"C-%ld\",\"amount\":100,\"currency\":\"XOF\",\"description\":\"Order\","
               "\"notify_url\":\"https://shop.example/notify\",\"return_url\":\"https://shop.example/return\"}",
               n);
      out = NULL;
      if (cinetpay_init_payment(client, request, &out) != CINETPAY_OK) {
        fprintf(stderr, "call failed: %s\n", out ? out : "");
        return 1;
      }
      cinetpay_string_free(out);
    }
    if (!warm) n = 0;
  }
  printf("%.1f\n", (now() - started) * 1e6 / (double)n);
  cinetpay_client_free(client);
  return 0;
}
