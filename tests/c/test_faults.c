/* The fault matrix (tests/fixtures/faults.json) through the C API's one entry, cinetpay_call:
 * each fault the emulator injects ends as the fixture says, in time, with the attempts it says,
 * and no result or error JSON shows the account's keys.
 *
 *   test_faults FIXTURES_DIR EMULATOR_URL
 *
 * EMULATOR_URL is an emulator started with the fixture's account only:
 *   --account API_KEY:SITE_ID:SECRET_KEY:XOF
 *
 * Ends with "N passed, N failed"; exits non-zero on any failure. Run under valgrind by
 * scripts/test c (zero errors, nothing lost), so a fault path that leaks shows too. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cinetpay.h"
#include "check.h"
#include "read_text.h"
#include "loopback_http.h"

static cJSON *read_json(const char *path) {
  char *text = read_text(path);
  cJSON *json = cJSON_Parse(text);
  free(text);
  if (!json) exit(2);
  return json;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* METHOD on one of the emulator's test endpoints; the parsed answer (caller frees), or NULL. */
static cJSON *control(const char *url, const char *method, const char *path, const cJSON *body) {
  char *text = body ? cJSON_PrintUnformatted(body) : NULL;
  char *answer = http_request(method, url, path, text);
  free(text);
  cJSON *json = answer ? cJSON_Parse(answer) : NULL;
  free(answer);
  return json;
}

static double api_requests(const char *url) {
  cJSON *stats = control(url, "GET", "/_emulator/stats", NULL);
  double n = stats ? cJSON_GetObjectItemCaseSensitive(stats, "api_requests")->valuedouble : -1;
  cJSON_Delete(stats);
  return n;
}

static cJSON *payment(const char *id) {
  cJSON *p = cJSON_CreateObject();
  cJSON_AddStringToObject(p, "transaction_id", id);
  cJSON_AddNumberToObject(p, "amount", 100);
  cJSON_AddStringToObject(p, "currency", "XOF");
  cJSON_AddStringToObject(p, "description", "Commande");
  cJSON_AddStringToObject(p, "notify_url", "https://shop.example/notify");
  cJSON_AddStringToObject(p, "return_url", "https://shop.example/return");
  return p;
}

static const char *KEYS[2];

/* cinetpay_call with `input`; returns the status and the parsed result or error (caller frees).
 * The JSON text is all a C caller can print: it must not hold either key. */
static int32_t call(CinetPayClient *c, const char *operation, const cJSON *input, cJSON **out) {
  char *text = cJSON_PrintUnformatted(input);
  char *result = NULL;
  int32_t status = cinetpay_call(c, operation, text, &result);
  for (int i = 0; i < 2; i++) CHECK(!result || !strstr(result, KEYS[i]), "a key shows in %s", result);
  *out = result ? cJSON_Parse(result) : NULL;
  cinetpay_string_free(result);
  free(text);
  return status;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: test_faults FIXTURES_DIR EMULATOR_URL\n");
    return 2;
  }
  const char *url = argv[2];
  char path[1024];
  snprintf(path, sizeof path, "%s/faults.json", argv[1]);
  cJSON *matrix = read_json(path);

  const cJSON *account = cJSON_GetObjectItemCaseSensitive(matrix, "account");
  const char *api_key = cJSON_GetObjectItemCaseSensitive(account, "api_key")->valuestring;
  const char *secret_key = cJSON_GetObjectItemCaseSensitive(account, "secret_key")->valuestring;
  cJSON *settings = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(matrix, "settings"), 1);
  cJSON_AddStringToObject(settings, "api_key", api_key);
  cJSON_AddStringToObject(settings, "site_id", cJSON_GetObjectItemCaseSensitive(account, "site_id")->valuestring);
  cJSON_AddStringToObject(settings, "secret_key", secret_key);
  cJSON_AddStringToObject(settings, "base_url", url);
  char *settings_text = cJSON_PrintUnformatted(settings);
  CinetPayClient *client = cinetpay_client_new(settings_text, NULL);
  free(settings_text);
  cJSON_Delete(settings);
  if (!client) return 2;
  KEYS[0] = api_key;
  KEYS[1] = secret_key;

  int n = 0;
  const cJSON *c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(matrix, "cases")) {
    const char *name = cJSON_GetObjectItemCaseSensitive(c, "name")->valuestring;
    const char *operation = cJSON_GetObjectItemCaseSensitive(c, "operation")->valuestring;
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(c, "expect");
    int check = strcmp(operation, "check_payment") == 0;
    char id[64];
    snprintf(id, sizeof id, "C-FAULT-%ld-%d", (long)time(NULL), n++);
    cJSON_Delete(control(url, "DELETE", "/_emulator/faults", NULL));

    cJSON *input = payment(id), *out = NULL;
    if (check) {
      CHECK(call(client, "init_payment", input, &out) == CINETPAY_OK, "%s: the payment to check", name);
      cJSON_Delete(out);
      cJSON_Delete(input);
      input = cJSON_CreateObject();
      cJSON_AddStringToObject(input, "transaction_id", id);
    }
    cJSON *rule = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(c, "fault"), 1);
    cJSON_AddStringToObject(rule, "path", check ? "/v2/payment/check" : "/v2/payment");
    cJSON_Delete(control(url, "POST", "/_emulator/faults", rule));
    cJSON_Delete(rule);

    double before = api_requests(url), started = now_ms();
    int32_t status = call(client, operation, input, &out);
    double elapsed = now_ms() - started;
    double attempts = api_requests(url) - before;
    cJSON_Delete(control(url, "DELETE", "/_emulator/faults", NULL));

    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(expect, "ok"))) {
      CHECK(status == CINETPAY_OK, "%s: failed with status %d", name, status);
      if (check && out) {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(out, "code");
        CHECK(cJSON_IsString(code) && strcmp(code->valuestring, "662") == 0, "%s: the check's code", name);
      }
    } else {
      const cJSON *code = out ? cJSON_GetObjectItemCaseSensitive(out, "code") : NULL;
      const cJSON *sent = out ? cJSON_GetObjectItemCaseSensitive(out, "request_sent") : NULL;
      const char *want = cJSON_GetObjectItemCaseSensitive(expect, "code")->valuestring;
      CHECK(status != CINETPAY_OK && cJSON_IsString(code) && strcmp(code->valuestring, want) == 0,
            "%s: status %d, code %s, want %s", name, status, cJSON_IsString(code) ? code->valuestring : "-", want);
      CHECK(cJSON_IsBool(sent) &&
                cJSON_IsTrue(sent) == cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(expect, "request_sent")),
            "%s: request_sent", name);
    }
    double want_attempts = cJSON_GetObjectItemCaseSensitive(expect, "attempts")->valuedouble;
    CHECK(attempts == want_attempts, "%s: %.0f attempts, want %.0f", name, attempts, want_attempts);
    double within = cJSON_GetObjectItemCaseSensitive(c, "within_ms")->valuedouble;
    CHECK(elapsed <= within, "%s: took %.0f ms, more than %.0f", name, elapsed, within);
    cJSON_Delete(out);
    cJSON_Delete(input);
  }
  cinetpay_client_free(client);
  cJSON_Delete(matrix);
  printf("fault matrix: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
