/* Plain HTTP/1.0 to a loopback server, for the C tests and example that read the emulator's
 * inspection endpoints and play a customer's choice. Header-only: each program includes it once. */
#ifndef CINETPAY_TEST_LOOPBACK_HTTP_H
#define CINETPAY_TEST_LOOPBACK_HTTP_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* METHOD base_url + path over plain HTTP/1.0 (loopback only), with a JSON body when `json` is
 * not NULL; returns the malloc'd response body or NULL. */
static inline char *http_request(const char *method, const char *base_url, const char *path, const char *json) {
  int port = 0;
  if (sscanf(base_url, "http://127.0.0.1:%d", &port) != 1) return NULL;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    if (fd >= 0) close(fd);
    return NULL;
  }
  char head[1024];
  size_t body_len = json ? strlen(json) : 0;
  int n = snprintf(head, sizeof head,
                   "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   "Content-Length: %zu\r\n\r\n",
                   method, path, body_len);
  if (n < 0 || (size_t)n >= sizeof head || write(fd, head, (size_t)n) != n ||
      (body_len && write(fd, json, body_len) != (ssize_t)body_len)) {
    close(fd);
    return NULL;
  }
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  ssize_t got;
  while (buf && (got = read(fd, buf + len, cap - len - 1)) > 0) {
    len += (size_t)got;
    if (cap - len < 1024) {
      char *bigger = realloc(buf, cap *= 2);
      if (!bigger) free(buf);
      buf = bigger;
    }
  }
  close(fd);
  if (!buf) return NULL;
  buf[len] = '\0';
  char *body = strstr(buf, "\r\n\r\n");
  if (!body) {
    free(buf);
    return NULL;
  }
  memmove(buf, body + 4, strlen(body + 4) + 1);
  return buf;
}

static inline char *http_get(const char *base_url, const char *path) { return http_request("GET", base_url, path, NULL); }

static inline char *http_post_json(const char *base_url, const char *path, const char *json) {
  return http_request("POST", base_url, path, json);
}

#endif
