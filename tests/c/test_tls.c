/* TLS through the C API against the emulator serving HTTPS (tests/fixtures/tls.json): the test
 * authority is trusted only when the settings' ca_certificates says so; an unknown authority,
 * an expired certificate or another host's certificate is CINETPAY_ERR_TLS, with nothing sent.
 *
 *   test_tls FIXTURES_DIR CERT_DIR GOOD_URL EXPIRED_URL WRONG_HOST_URL
 *
 * CERT_DIR is what `cinetpay-emulator tls-certs CERT_DIR` wrote; each URL an emulator serving
 * CERT_DIR/NAME.pem. Ends with "N passed, N failed". */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cinetpay.h"
#include "check.h"
#include "read_text.h"

/* A client for `url`, trusting `ca` when not NULL; NULL and the error JSON in `*error` if the
 * settings are refused. */
static CinetPayClient *client(const char *url, const char *ca, char **error) {
  cJSON *settings = cJSON_CreateObject();
  cJSON_AddStringToObject(settings, "api_key", "emulator-apikey-0000000000000001");
  cJSON_AddStringToObject(settings, "site_id", "445160");
  cJSON_AddStringToObject(settings, "base_url", url);
  cJSON_AddNumberToObject(settings, "max_retries", 0);
  if (ca) cJSON_AddStringToObject(settings, "ca_certificates", ca);
  char *text = cJSON_PrintUnformatted(settings);
  CinetPayClient *c = cinetpay_client_new(text, error);
  free(text);
  cJSON_Delete(settings);
  return c;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: test_tls FIXTURES_DIR CERT_DIR GOOD_URL EXPIRED_URL WRONG_HOST_URL\n");
    return 2;
  }
  char path[1024];
  snprintf(path, sizeof path, "%s/tls.json", argv[1]);
  char *text = read_text(path);
  cJSON *fixture = cJSON_Parse(text);
  free(text);
  snprintf(path, sizeof path, "%s/ca.pem", argv[2]);
  char *ca = read_text(path);
  const char *servers[][2] = {{"good", argv[3]}, {"expired", argv[4]}, {"wrong-host", argv[5]}};

  const cJSON *c;
  int n = 0;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(fixture, "cases")) {
    const char *name = cJSON_GetObjectItemCaseSensitive(c, "name")->valuestring;
    const char *server = cJSON_GetObjectItemCaseSensitive(c, "server")->valuestring;
    const char *url = NULL;
    for (int i = 0; i < 3; i++) {
      if (strcmp(servers[i][0], server) == 0) url = servers[i][1];
    }
    int trust = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "trust_ca"));
    CinetPayClient *cl = client(url, trust ? ca : NULL, NULL);
    CHECK(cl != NULL, "%s: client", name);
    if (!cl) continue;
    char request[512];
    snprintf(request, sizeof request,
             "{\"transaction_id\":\"C-TLS-%d\",\"amount\":100,\"currency\":\"XOF\",\"description\":\"Commande\","
             "\"notify_url\":\"https://shop.example/notify\",\"return_url\":\"https://shop.example/return\"}",
             n++);
    char *out = NULL;
    int32_t status = cinetpay_init_payment(cl, request, &out);
    if (strcmp(cJSON_GetObjectItemCaseSensitive(c, "expect")->valuestring, "ok") == 0) {
      CHECK(status == CINETPAY_OK, "%s: status %d: %s", name, status, out ? out : "");
    } else {
      CHECK(status == CINETPAY_ERR_TLS, "%s: status %d, want CINETPAY_ERR_TLS: %s", name, status, out ? out : "");
      CHECK(out && strstr(out, "\"request_sent\":false") && strstr(out, "ca_certificates"), "%s: %s", name,
            out ? out : "");
    }
    cinetpay_string_free(out);
    cinetpay_client_free(cl);
  }
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(fixture, "bad_settings")) {
    char *error = NULL;
    CinetPayClient *cl =
        client(servers[0][1], cJSON_GetObjectItemCaseSensitive(c, "ca_certificates")->valuestring, &error);
    CHECK(cl == NULL && error && strstr(error, "\"field\":\"ca_certificates\""), "bad ca_certificates: %s",
          error ? error : "");
    cinetpay_string_free(error);
    cinetpay_client_free(cl);
  }
  free(ca);
  cJSON_Delete(fixture);
  printf("tls: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
