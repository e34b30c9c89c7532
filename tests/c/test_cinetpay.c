/* The C API under every bad input, against the emulator, and from 8 threads at once.
 *
 *   test_cinetpay EMULATOR_URL RATE_LIMITED_EMULATOR_URL BARRIER_URL
 *
 * BARRIER_URL is tests/support/barrier_server.py started with 8 parties.
 *
 * Ends with "N passed, N failed"; exits non-zero on any failure. Run under valgrind by the test
 * suite.
 */
#define _DEFAULT_SOURCE /* usleep, strndup */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cinetpay.h"
#include "check.h"
#include "loopback_http.h"


static const char *EMULATOR;
static const char *LIMITED;

static CinetPayClient *client_for(const char *base_url, const char *api_key, const char *site_id, int timeout_ms) {
  char config[512];
  snprintf(config, sizeof config,
           "{\"api_key\":\"%s\",\"site_id\":\"%s\",\"base_url\":\"%s\",\"timeout_ms\":%d,\"max_retries\":0}", api_key,
           site_id, base_url, timeout_ms);
  char *error = NULL;
  CinetPayClient *c = cinetpay_client_new(config, &error);
  if (c == NULL) printf("client_new failed: %s\n", error);
  cinetpay_string_free(error);
  return c;
}

static CinetPayClient *emulator_client(void) {
  return client_for(EMULATOR, "emulator-apikey-0000000000000001", "445160", 30000);
}

static void request(char *out, size_t n, const char *tx, const char *extra) {
  snprintf(out, n,
           "{\"transaction_id\":\"%s\",\"amount\":100,\"currency\":\"XOF\",\"description\":\"Order\","
           "\"notify_url\":\"https://shop.example/n\",\"return_url\":\"https://shop.example/r\"%s}",
           tx, extra);
}

/* Calls init_payment; checks the status and that the JSON contains `needle`. */
static void expect(CinetPayClient *c, const char *req, int32_t want, const char *needle, const char *what) {
  char *result = NULL;
  int32_t got = cinetpay_init_payment(c, req, &result);
  CHECK(got == want, "%s: status %d (%s), want %d: %s", what, got, cinetpay_status_code(got), want,
        result ? result : "(null)");
  CHECK(result != NULL && strstr(result, needle) != NULL, "%s: %s lacks %s", what, result ? result : "(null)", needle);
  cinetpay_string_free(result);
}

static void test_static_strings(void) {
  CHECK(strcmp(cinetpay_version(), "0.1.0") == 0, "version %s", cinetpay_version());
  CHECK(strcmp(cinetpay_status_code(CINETPAY_OK), "ok") == 0, "ok");
  CHECK(strcmp(cinetpay_status_code(CINETPAY_ERR_VALIDATION), "validation_error") == 0, "validation");
  CHECK(strcmp(cinetpay_status_code(CINETPAY_ERR_TOO_MANY_REQUESTS), "too_many_requests") == 0, "429");
  CHECK(strcmp(cinetpay_status_code(CINETPAY_ERR_INTERNAL), "internal") == 0, "internal");
  CHECK(strcmp(cinetpay_status_code(CINETPAY_ERR_SECRET_KEY_REQUIRED), "secret_key_required") == 0, "19");
  CHECK(strcmp(cinetpay_status_code(CINETPAY_ERR_PAYMENT_NOT_FOUND), "payment_not_found") == 0, "20");
  CHECK(strcmp(cinetpay_status_code(CINETPAY_ERR_TLS), "tls") == 0, "last code");
  /* Statuses are dense, from CINETPAY_OK to the last code; codes may be added, never renumbered. */
  for (int s = CINETPAY_OK; s <= CINETPAY_ERR_TLS; s++) CHECK(cinetpay_status_code(s) != NULL, "status %d", s);
  CHECK(cinetpay_status_code(-1) == NULL && cinetpay_status_code(CINETPAY_ERR_TLS + 1) == NULL, "unknown");
}

static void test_bad_configs(void) {
  const char *bad[] = {
      NULL,
      "not json",
      "[1]",
      "{\"api_key\":1,\"site_id\":\"1\"}",
      "{\"apikey\":\"x\",\"site_id\":\"1\"}",
      "{\"api_key\":\"k\",\"site_id\":\"1\",\"base_url\":\"http://example.com\"}",
      "{\"api_key\":\"k\"}",
      "{\"api_key\":\"k\",\"site_id\":\"1\",\"timeout_ms\":0}",
      "{\"api_key\":\"\xff\xfe\",\"site_id\":\"1\"}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char *error = NULL;
    CinetPayClient *c = cinetpay_client_new(bad[i], &error);
    CHECK(c == NULL, "config %zu accepted", i);
    CHECK(error != NULL && strstr(error, "\"code\":\"validation_error\"") != NULL, "config %zu: %s", i,
          error ? error : "(null)");
    cinetpay_string_free(error);
    cinetpay_client_free(c);
    CHECK(cinetpay_client_new(bad[i], NULL) == NULL, "config %zu with NULL error_json", i);
  }
  char *error = (char *)1;
  CinetPayClient *c = cinetpay_client_new("{\"api_key\":\"k\",\"site_id\":\"1\"}", &error);
  CHECK(c != NULL && error == NULL, "a good config leaves error_json NULL");
  cinetpay_client_free(c);
}

static void test_bad_calls(CinetPayClient *c) {
  char req[1024];
  request(req, sizeof req, "C-BAD", "");
  expect(NULL, req, CINETPAY_ERR_VALIDATION, "\"field\":\"client\"", "NULL client");
  expect(c, NULL, CINETPAY_ERR_VALIDATION, "\"field\":\"request_json\"", "NULL request");
  CHECK(cinetpay_init_payment(c, req, NULL) == CINETPAY_ERR_VALIDATION, "NULL result_json");
  expect(c, "{\"transaction_id\":\"\xc3\x28\"}", CINETPAY_ERR_VALIDATION, "UTF-8", "invalid UTF-8");
  expect(c, "not json", CINETPAY_ERR_VALIDATION, "\"field\":\"request\"", "non-JSON");
  expect(c, "[]", CINETPAY_ERR_VALIDATION, "\"field\":\"request\"", "an array");
  char bad[1024];
  request(bad, sizeof bad, "C-BAD", ",\"amount\":\"100\"");
  expect(c, "{\"transaction_id\":\"C\",\"amount\":\"100\"}", CINETPAY_ERR_VALIDATION, "\"field\":\"amount\"", "string amount");
  request(bad, sizeof bad, "C-BAD", ",\"notify_ur1\":\"x\"");
  expect(c, bad, CINETPAY_ERR_VALIDATION, "did you mean notify_url", "typo");
  request(bad, sizeof bad, "C-BAD", ",\"lock_phone_number\":true");
  expect(c, bad, CINETPAY_ERR_VALIDATION, "\"field\":\"customer_phone_number\"", "lock_phone_number");
  cinetpay_string_free(NULL);
  cinetpay_client_free(NULL);
}

/* cinetpay_call: every operation by name; the named functions are wrappers around it. */
static void test_call_by_name(CinetPayClient *c) {
  char req[1024], *out = NULL;
  request(req, sizeof req, "C-CALL-1", "");
  int32_t status = cinetpay_call(c, "init_payment", req, &out);
  CHECK(status == CINETPAY_OK && out && strstr(out, "\"payment_token\""), "call init_payment: %s", out ? out : "");
  cinetpay_string_free(out);
  out = NULL;
  status = cinetpay_call(c, "refund", req, &out);
  CHECK(status == CINETPAY_ERR_VALIDATION && out && strstr(out, "\"field\":\"operation\"") &&
            strstr(out, "init_payment"),
        "unknown operation: %s", out ? out : "");
  cinetpay_string_free(out);
  out = NULL;
  status = cinetpay_call(c, NULL, req, &out);
  CHECK(status == CINETPAY_ERR_VALIDATION && out && strstr(out, "\"field\":\"operation\""), "NULL operation");
  cinetpay_string_free(out);
  /* A panic in the core (a test operation of debug builds, which this suite uses) is an
   * internal error, and the client still works afterwards. */
  out = NULL;
  status = cinetpay_call(c, "_panic_for_tests", "{}", &out);
  CHECK(status == CINETPAY_ERR_INTERNAL && out && strstr(out, "\"code\":\"internal\""), "panic: %d %s", status,
        out ? out : "");
  cinetpay_string_free(out);
  out = NULL;
  status = cinetpay_call(c, "init_payment", req, &out);
  CHECK(status == CINETPAY_ERR_MINIMUM_REQUIRED_FIELD, "a call after the panic: %d %s", status, out ? out : "");
  cinetpay_string_free(out);
}

static void test_against_the_emulator(CinetPayClient *c) {
  char req[1024];
  request(req, sizeof req, "C-OK-1", ",\"metadata\":\"order=1\"");
  expect(c, req, CINETPAY_OK, "\"payment_url\":\"http://127.0.0.1:", "success");
  expect(c, req, CINETPAY_ERR_MINIMUM_REQUIRED_FIELD, "\"api_code\":\"608\"", "reused transaction_id");
  expect(c, req, CINETPAY_ERR_MINIMUM_REQUIRED_FIELD, "already used", "reused transaction_id: its own hint");
  request(req, sizeof req, "C-XAF", ",\"currency\":\"XAF\"");
  expect(c, req, CINETPAY_ERR_CURRENCY_NOT_ALLOWED, "\"code\":\"currency_not_allowed\"", "currency");

  CinetPayClient *wrong_key = client_for(EMULATOR, "unknown-apikey-000000000000", "445160", 30000);
  request(req, sizeof req, "C-609", "");
  expect(wrong_key, req, CINETPAY_ERR_AUTH_NOT_FOUND, "\"http_status\":400", "unknown apikey");
  cinetpay_client_free(wrong_key);

  CinetPayClient *wrong_site = client_for(EMULATOR, "emulator-apikey-0000000000000001", "999", 30000);
  expect(wrong_site, req, CINETPAY_ERR_SITE_ID_NOT_VALID, "\"api_code\":\"613\"", "unknown site_id");
  cinetpay_client_free(wrong_site);
}

/* Copies the JSON object that starts at `start` (braces balanced; strings hold no braces here). */
static char *json_object_at(const char *start) {
  if (!start || *start != '{') return NULL;
  int depth = 0;
  for (const char *p = start; *p; p++) {
    if (*p == '{') depth++;
    if (*p == '}' && --depth == 0) return strndup(start, (size_t)(p - start + 1));
  }
  return NULL;
}

/* check_payment and handle_notification: waiting, paid after the customer accepts, the signed
 * notification verified and decided, a forged one refused, an unknown payment named. */
static void test_lifecycle(void) {
  char config[512];
  snprintf(config, sizeof config,
           "{\"api_key\":\"emulator-apikey-0000000000000001\",\"site_id\":\"445160\",\"base_url\":\"%s\","
           "\"secret_key\":\"emulator-secret-key-000000000001\"}", EMULATOR);
  char *out = NULL;
  CinetPayClient *c = cinetpay_client_new(config, &out);
  CHECK(c != NULL, "secret client: %s", out ? out : "");
  cinetpay_string_free(out);
  if (!c) return;
  char req[1024];
  request(req, sizeof req, "C-LIFE-1", "");
  expect(c, req, CINETPAY_OK, "payment_url", "init for the lifecycle");

  out = NULL;
  int32_t status = cinetpay_check_payment(c, "{\"transaction_id\":\"C-LIFE-1\"}", &out);
  CHECK(status == CINETPAY_OK && strstr(out, "\"status\":\"WAITING_FOR_CUSTOMER\"") && strstr(out, "\"is_final\":false"),
        "waiting: %s", out ? out : "");
  cinetpay_string_free(out);

  free(http_post_json(EMULATOR, "/_emulator/outcome", "{\"transaction_id\":\"C-LIFE-1\",\"outcome\":\"accept\"}"));
  out = NULL;
  status = cinetpay_check_payment(c, "{\"transaction_id\":\"C-LIFE-1\"}", &out);
  CHECK(status == CINETPAY_OK && strstr(out, "\"code\":\"00\"") && strstr(out, "\"amount\":100,") &&
            strstr(out, "\"is_paid\":true"),
        "paid: %s", out ? out : "");
  cinetpay_string_free(out);

  /* The signed form the emulator sent to notify_url, as a handler would receive it. */
  char *notes = NULL, *form = NULL;
  for (int i = 0; i < 200 && !form; i++) {
    free(notes);
    notes = http_get(EMULATOR, "/_emulator/notifications?site_id=445160&transaction_id=C-LIFE-1");
    form = notes ? json_object_at(strstr(notes, "\"form\":") ? strstr(notes, "\"form\":") + 7 : NULL) : NULL;
    if (!form) usleep(20000);
  }
  const char *token = notes ? strstr(notes, "\"x_token\":\"") : NULL;
  CHECK(form && token, "the emulator's notification: %s", notes ? notes : "(none)");
  if (form && token) {
    char input[4096];
    snprintf(input, sizeof input, "{\"form\":%s,\"x_token\":\"%.64s\",\"expected_amount\":100,\"expected_currency\":\"XOF\"}",
             form, token + 11);
    out = NULL;
    status = cinetpay_handle_notification(c, input, &out);
    CHECK(status == CINETPAY_OK && strstr(out, "\"outcome\":\"paid\""), "handled: %s", out ? out : "");
    cinetpay_string_free(out);
    snprintf(input, sizeof input, "{\"form\":%s,\"x_token\":\"%064d\"}", form, 0);
    out = NULL;
    status = cinetpay_handle_notification(c, input, &out);
    CHECK(status == CINETPAY_ERR_INVALID_NOTIFICATION, "forged: %d %s", status, out ? out : "");
    cinetpay_string_free(out);
  }
  free(form);
  free(notes);

  out = NULL;
  status = cinetpay_check_payment(c, "{\"transaction_id\":\"C-NEVER\"}", &out);
  CHECK(status == CINETPAY_ERR_PAYMENT_NOT_FOUND, "not found: %d %s", status, out ? out : "");
  cinetpay_string_free(out);
  out = NULL;
  status = cinetpay_check_payment(c, "{}", &out);
  CHECK(status == CINETPAY_ERR_VALIDATION && strstr(out, "\"field\":\"transaction_id\""), "no id: %s", out ? out : "");
  cinetpay_string_free(out);
  cinetpay_client_free(c);
}

static void test_network_timeout_and_rate_limit(void) {
  /* Nothing listens on the port of a closed socket. */
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof addr;
  bind(s, (struct sockaddr *)&addr, sizeof addr);
  getsockname(s, (struct sockaddr *)&addr, &len);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(addr.sin_port));
  close(s);
  char req[1024];
  request(req, sizeof req, "C-NET", "");
  CinetPayClient *refused = client_for(url, "k-000000000000", "1", 30000);
  expect(refused, req, CINETPAY_ERR_NETWORK, "\"request_sent\":false", "connection refused");
  cinetpay_client_free(refused);

  /* A listening socket that never answers: the request is sent, then times out. */
  s = socket(AF_INET, SOCK_STREAM, 0);
  addr.sin_port = 0;
  bind(s, (struct sockaddr *)&addr, sizeof addr);
  listen(s, 4);
  getsockname(s, (struct sockaddr *)&addr, &len);
  snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(addr.sin_port));
  CinetPayClient *slow = client_for(url, "k-000000000000", "1", 300);
  expect(slow, req, CINETPAY_ERR_TIMEOUT, "\"request_sent\":true", "timeout");
  cinetpay_client_free(slow);
  close(s);

  CinetPayClient *limited = client_for(LIMITED, "emulator-apikey-0000000000000001", "445160", 30000);
  int32_t status = CINETPAY_OK;
  char *result = NULL;
  for (int i = 0; i < 10 && status == CINETPAY_OK; i++) {
    char tx[32];
    snprintf(tx, sizeof tx, "C-RL-%d", i);
    request(req, sizeof req, tx, "");
    cinetpay_string_free(result);
    result = NULL;
    status = cinetpay_init_payment(limited, req, &result);
  }
  CHECK(status == CINETPAY_ERR_TOO_MANY_REQUESTS, "rate limit: %d %s", status, result ? result : "");
  CHECK(result && strstr(result, "\"retry_after\":1.0"), "retry_after: %s", result ? result : "");
  cinetpay_string_free(result);
  cinetpay_client_free(limited);
}

/* What the emulator stored for a transaction (its inspection endpoint), or NULL. */
static char *emulator_record(const char *tx) {
  char path[256];
  snprintf(path, sizeof path, "/_emulator/transaction?site_id=445160&transaction_id=%s", tx);
  return http_get(EMULATOR, path);
}

struct job {
  CinetPayClient *client;
  const char *prefix;
  int thread, calls, ok;
  char tx[10][32];
  char tokens[10][160];
};

static void *worker(void *arg) {
  struct job *job = arg;
  for (int i = 0; i < job->calls; i++) {
    char req[1024];
    snprintf(job->tx[i], sizeof job->tx[i], "%s-T%d-%d", job->prefix, job->thread, i);
    request(req, sizeof req, job->tx[i], "");
    char *result = NULL;
    if (cinetpay_init_payment(job->client, req, &result) == CINETPAY_OK) {
      const char *token = strstr(result, "\"payment_token\":\"");
      const char *end = token ? strchr(token + 17, '"') : NULL;
      if (end) {
        snprintf(job->tokens[i], sizeof job->tokens[i], "%.*s", (int)(end - token - 17), token + 17);
        job->ok++;
      }
    }
    cinetpay_string_free(result);
  }
  return NULL;
}

/* Runs `calls` calls on each of `n` threads (at most 16) sharing `c`; returns how many
 * succeeded. */
static int run_threads(CinetPayClient *c, const char *prefix, int n, int calls, struct job *jobs) {
  pthread_t threads[16];
  for (int t = 0; t < n; t++) {
    jobs[t] = (struct job){.client = c, .prefix = prefix, .thread = t, .calls = calls};
    pthread_create(&threads[t], NULL, worker, &jobs[t]);
  }
  int ok = 0;
  for (int t = 0; t < n; t++) {
    pthread_join(threads[t], NULL);
    ok += jobs[t].ok;
  }
  return ok;
}

/* 160 calls from 16 threads; every result is the one the emulator stored for that request. */
static void test_sixteen_threads(CinetPayClient *c) {
  static struct job jobs[16];
  int ok = run_threads(c, "C", 16, 10, jobs);
  CHECK(ok == 160, "16 threads: %d of 160 succeeded", ok);
  int matched = 0;
  for (int t = 0; t < 16; t++) {
    for (int i = 0; i < 10; i++) {
      char *stored = emulator_record(jobs[t].tx[i]);
      char want[200];
      snprintf(want, sizeof want, "\"payment_token\":\"%s\"", jobs[t].tokens[i]);
      if (stored && jobs[t].tokens[i][0] && strstr(stored, want)) matched++;
      free(stored);
    }
  }
  CHECK(matched == 160, "16 threads: %d of 160 results are the emulator's record of that request", matched);
}

/* The barrier server answers only when 8 requests are in flight at once: calls serialised by a
 * lock anywhere in the library would all fail. Its tokens are "tok-<transaction_id>". */
static void test_parallel(const char *barrier_url) {
  CinetPayClient *c = client_for(barrier_url, "emulator-apikey-0000000000000001", "445160", 30000);
  static struct job jobs[8];
  int ok = run_threads(c, "C-PAR", 8, 5, jobs);
  CHECK(ok == 40, "parallel: %d of 40 succeeded with 8 in flight at once", ok);
  int matched = 0;
  for (int t = 0; t < 8; t++) {
    for (int i = 0; i < 5; i++) {
      char want[64];
      snprintf(want, sizeof want, "tok-%s", jobs[t].tx[i]);
      if (strcmp(jobs[t].tokens[i], want) == 0) matched++;
    }
  }
  CHECK(matched == 40, "parallel: %d of 40 results answer their own request", matched);
  cinetpay_client_free(c);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s EMULATOR_URL RATE_LIMITED_EMULATOR_URL BARRIER_URL\n", argv[0]);
    return 2;
  }
  EMULATOR = argv[1];
  LIMITED = argv[2];
  test_static_strings();
  test_bad_configs();
  CinetPayClient *c = emulator_client();
  CHECK(c != NULL, "emulator client");
  test_bad_calls(c);
  test_against_the_emulator(c);
  test_call_by_name(c);
  test_lifecycle();
  test_network_timeout_and_rate_limit();
  test_sixteen_threads(c);
  test_parallel(argv[3]);
  cinetpay_client_free(c);
  printf("c: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
