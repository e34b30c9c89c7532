/* The floor of a C client: one kept-alive socket, a fixed POST written and its answer read with
 * blocking send/recv, nothing parsed beyond the answer's length. Prints µs per call.
 *
 *   raw_seq PORT SECONDS
 *
 * Run by bench/floors.sh beside the SDK, to show how much of a call's time is the SDK's. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One POST and its whole answer; 0 on success. */
static int call(int s, const char *req, int len) {
  static char buf[65536];
  if (send(s, req, (size_t)len, 0) != len) return -1;
  int got = 0;
  for (;;) {
    ssize_t r = recv(s, buf + got, sizeof buf - 1 - (size_t)got, 0);
    if (r <= 0) return -1;
    got += (int)r;
    buf[got] = 0;
    char *end = strstr(buf, "\r\n\r\n"), *cl = strcasestr(buf, "content-length: ");
    if (end && cl && got >= (int)(end + 4 - buf) + atoi(cl + 16)) return 0;
  }
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(argv[1]));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, (struct sockaddr *)&a, sizeof a)) return 1;
  const char *body =
      "{\"apikey\":\"bench-apikey-000000000000\",\"site_id\":\"445160\",\"transaction_id\":\"R-1\","
      "\"amount\":100,\"currency\":\"XOF\",\"description\":\"Order\",\"notify_url\":\"https://shop."
      "example/notify\",\"return_url\":\"https://shop.example/return\",\"channels\":\"ALL\"}";
  char req[1024];
  int len = snprintf(req, sizeof req,
                     "POST /v2/payment HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n%s",
                     strlen(body), body);
  for (int i = 0; i < 2000; i++)
    if (call(s, req, len)) return 1;
  double seconds = atof(argv[2]), started = now();
  long n = 0;
  for (; now() - started < seconds; n++)
    if (call(s, req, len)) return 1;
  printf("%.1f\n", (now() - started) * 1e6 / (double)n);
  return 0;
}
