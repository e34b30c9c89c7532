/* Issue 8, for C: a process that exits right after a call, or with other threads' calls still in
 * flight, exits cleanly. `scripts/test` runs each mode many times and requires status 0.
 *
 *   exit_after_call MODE EMULATOR_URL TX_PREFIX
 *
 * MODE: "after_call"  one call, free the client, return from main;
 *       "no_free"     one call, exit() without freeing anything;
 *       "in_flight"   8 threads start calls to a server that never answers, main calls exit(0)
 *                     while they wait (the client is never freed: freeing it under a running
 *                     call is forbidden by the header).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cinetpay.h"

static CinetPayClient *client_for(const char *base_url) {
  char config[512];
  snprintf(config, sizeof config,
           "{\"api_key\":\"emulator-apikey-0000000000000001\",\"site_id\":\"445160\",\"base_url\":\"%s\","
           "\"max_retries\":0}",
           base_url);
  CinetPayClient *c = cinetpay_client_new(config, NULL);
  if (c == NULL) {
    fprintf(stderr, "client_new failed\n");
    exit(2);
  }
  return c;
}

static int32_t one_call(CinetPayClient *c, const char *tx) {
  char req[512];
  snprintf(req, sizeof req,
           "{\"transaction_id\":\"%s\",\"amount\":100,\"currency\":\"XOF\",\"description\":\"exit\","
           "\"notify_url\":\"https://shop.example/n\",\"return_url\":\"https://shop.example/r\"}",
           tx);
  char *out = NULL;
  int32_t status = cinetpay_init_payment(c, req, &out);
  cinetpay_string_free(out);
  return status;
}

struct job {
  CinetPayClient *client;
  char tx[128];
};

static void *call_thread(void *arg) {
  struct job *j = arg;
  one_call(j->client, j->tx);
  return NULL;
}

/* A loopback listener that never accepts: connections complete in the kernel, requests are sent,
 * and no answer ever comes. */
static int silent_listener(char *url, size_t n) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
    perror("listener");
    exit(2);
  }
  snprintf(url, n, "http://127.0.0.1:%d", ntohs(addr.sin_port));
  return fd;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: exit_after_call MODE EMULATOR_URL TX_PREFIX\n");
    return 2;
  }
  const char *mode = argv[1], *url = argv[2], *tx = argv[3];
  if (strcmp(mode, "after_call") == 0 || strcmp(mode, "no_free") == 0) {
    CinetPayClient *c = client_for(url);
    int32_t status = one_call(c, tx);
    if (status != CINETPAY_OK) {
      fprintf(stderr, "call failed: %s\n", cinetpay_status_code(status));
      return 1;
    }
    printf("ok %s\n", mode);
    fflush(stdout);
    if (strcmp(mode, "no_free") == 0) exit(0);
    cinetpay_client_free(c);
    return 0;
  }
  if (strcmp(mode, "in_flight") == 0) {
    char silent[64];
    silent_listener(silent, sizeof silent);
    CinetPayClient *c = client_for(silent);
    static struct job jobs[8];
    pthread_t threads[8];
    for (int t = 0; t < 8; t++) {
      jobs[t].client = c;
      snprintf(jobs[t].tx, sizeof jobs[t].tx, "%s-%d", tx, t);
      pthread_create(&threads[t], NULL, call_thread, &jobs[t]);
    }
    nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
    printf("ok %s\n", mode);
    fflush(stdout);
    exit(0);
  }
  fprintf(stderr, "unknown mode %s\n", mode);
  return 2;
}
