/* The shared vectors of tests/fixtures/, through the C API: the same files every language runs.
 *
 *   test_vectors FIXTURES_DIR EMULATOR_URL DOCS_EMULATOR_URL
 *
 * DOCS_EMULATOR_URL is an emulator started with --config FIXTURES_DIR/emulator-docs-accounts.json.
 * Fixtures are read with cJSON (Debian's libcjson-dev); requests go to the library as the JSON
 * text C callers pass. Ends with "N passed, N failed"; exits non-zero on any failure.
 */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cinetpay.h"
#include "check.h"
#include "read_text.h"
#include "loopback_http.h"


static const char *FIXTURES;

/* A fixture file, parsed. Exits on a missing or broken file: the suite cannot run without it. */
static cJSON *fixture(const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", FIXTURES, name);
  char *text = read_text(path);
  cJSON *json = cJSON_Parse(text);
  free(text);
  if (!json) {
    fprintf(stderr, "%s: not JSON\n", path);
    exit(2);
  }
  return json;
}

static const char *str(const cJSON *obj, const char *key) {
  const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
  return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* GET base_url + path; returns the parsed JSON body, or NULL. */
static cJSON *http_get_json(const char *base_url, const char *path) {
  char *body = http_get(base_url, path);
  cJSON *json = body ? cJSON_Parse(body) : NULL;
  free(body);
  return json;
}

static CinetPayClient *client_for(const char *base_url, const char *api_key, const char *site_id) {
  cJSON *config = cJSON_CreateObject();
  cJSON_AddStringToObject(config, "api_key", api_key);
  cJSON_AddStringToObject(config, "site_id", site_id);
  cJSON_AddStringToObject(config, "base_url", base_url);
  cJSON_AddNumberToObject(config, "max_retries", 0);
  char *text = cJSON_PrintUnformatted(config);
  CinetPayClient *c = cinetpay_client_new(text, NULL);
  free(text);
  cJSON_Delete(config);
  return c;
}

/* Calls init_payment with `request`; returns the status and the parsed result (caller frees). */
static int32_t call(CinetPayClient *c, const cJSON *request, cJSON **result) {
  char *text = cJSON_PrintUnformatted(request);
  char *out = NULL;
  int32_t status = cinetpay_init_payment(c, text, &out);
  *result = out ? cJSON_Parse(out) : NULL;
  cinetpay_string_free(out);
  free(text);
  return status;
}

/* validation.json's base with a case's `set` and `unset` applied. */
static cJSON *patched(const cJSON *base, const cJSON *c) {
  cJSON *body = cJSON_Duplicate(base, 1);
  const cJSON *item;
  cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(c, "set")) {
    cJSON_DeleteItemFromObjectCaseSensitive(body, item->string);
    cJSON_AddItemToObject(body, item->string, cJSON_Duplicate(item, 1));
  }
  cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(c, "unset")) {
    cJSON_DeleteItemFromObjectCaseSensitive(body, item->valuestring);
  }
  return body;
}

static void test_docs_examples(const char *docs_url) {
  const char *names[] = {"requests/docs-axios.json", "requests/docs-refid12354.json", "requests/docs-seamless.json"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    cJSON *v = fixture(names[i]);
    const cJSON *creds = cJSON_GetObjectItemCaseSensitive(v, "client");
    const cJSON *payload = cJSON_GetObjectItemCaseSensitive(v, "payload");
    CinetPayClient *c = client_for(docs_url, str(creds, "api_key"), str(creds, "site_id"));
    cJSON *result = NULL;
    int32_t status = call(c, payload, &result);
    CHECK(status == CINETPAY_OK, "%s: status %s", names[i], cinetpay_status_code(status));
    char path[512];
    snprintf(path, sizeof path, "/_emulator/transaction?site_id=%s&transaction_id=%s", str(creds, "site_id"),
             str(payload, "transaction_id"));
    cJSON *stored = http_get_json(docs_url, path);
    const cJSON *sent = cJSON_GetObjectItemCaseSensitive(stored, "request");
    CHECK(sent && cJSON_Compare(sent, cJSON_GetObjectItemCaseSensitive(v, "wire"), 1),
          "%s: the wire body differs from the fixture's", names[i]);
    CHECK(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(stored, "payment_token"),
                        cJSON_GetObjectItemCaseSensitive(result, "payment_token"), 1),
          "%s: the returned token is the stored one", names[i]);
    const cJSON *order = cJSON_GetObjectItemCaseSensitive(v, "invoice_order");
    if (order) {
      const cJSON *invoice = cJSON_GetObjectItemCaseSensitive(sent, "invoice_data");
      const cJSON *want = order->child, *got = invoice ? invoice->child : NULL;
      int same = 1;
      for (; want && got; want = want->next, got = got->next) same &= strcmp(want->valuestring, got->string) == 0;
      CHECK(same && !want && !got, "%s: invoice_data keeps the docs' order", names[i]);
    }
    const char *ua = str(stored, "user_agent");
    CHECK(ua && strncmp(ua, "cinetpay-rust/", 14) == 0 && strstr(ua, " cinetpay-c/"), "%s: user agent %s", names[i],
          ua ? ua : "(none)");
    cJSON_Delete(stored);
    cJSON_Delete(result);
    cinetpay_client_free(c);
    cJSON_Delete(v);
  }
}

static void test_validation_cases(void) {
  cJSON *v = fixture("validation.json");
  const cJSON *base = cJSON_GetObjectItemCaseSensitive(v, "base");
  /* Port 9 (discard) is closed on loopback: a request that leaked out would be a network error. */
  CinetPayClient *c = client_for("http://127.0.0.1:9", "emulator-apikey-0000000000000001", "445160");
  const cJSON *k;
  cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(v, "cases")) {
    const char *name = str(k, "name");
    cJSON *body = patched(base, k);
    cJSON *error = NULL;
    int32_t status = call(c, body, &error);
    CHECK(status == CINETPAY_ERR_VALIDATION, "%s: status %s", name, cinetpay_status_code(status));
    const char *field = str(error, "field"), *message = str(error, "message");
    CHECK(field && strcmp(field, str(k, "field")) == 0, "%s: field %s", name, field ? field : "(none)");
    CHECK(message && strstr(message, str(k, "message_contains")), "%s: message %s", name, message ? message : "");
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(error, "request_sent")), "%s: request_sent", name);
    /* The one-line form every language shares (Python str, Node message, Rust Display). */
    char want[512];
    snprintf(want, sizeof want, "validation_error: %s: %s", str(k, "field"), message ? message : "");
    const char *display = str(error, "display");
    CHECK(display && strcmp(display, want) == 0, "%s: display %s", name, display ? display : "(none)");
    cJSON_Delete(error);
    cJSON_Delete(body);
  }
  cinetpay_client_free(c);
  cJSON_Delete(v);
}

/* seamless.json through cinetpay_seamless_checkout: the docs' example gives exactly the objects
 * of setConfig and getCheckout, and every validation.json case fails as init_payment does. */
static void test_seamless(void) {
  cJSON *v = fixture("seamless.json");
  const cJSON *docs = cJSON_GetObjectItemCaseSensitive(v, "docs_example");
  const cJSON *creds = cJSON_GetObjectItemCaseSensitive(docs, "client");
  char config[256];
  snprintf(config, sizeof config, "{\"api_key\":\"%s\",\"site_id\":\"%s\"}", str(creds, "api_key"),
           str(creds, "site_id"));
  CinetPayClient *c = cinetpay_client_new(config, NULL);
  char *text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(docs, "payload")), *out = NULL;
  int32_t status = cinetpay_seamless_checkout(c, text, &out);
  CHECK(status == CINETPAY_OK, "seamless: docs example: status %s", cinetpay_status_code(status));
  cJSON *got = out ? cJSON_Parse(out) : NULL;
  CHECK(cJSON_Compare(got, cJSON_GetObjectItemCaseSensitive(docs, "result"), 1), "seamless: docs example: %s",
        out ? out : "(null)");
  cJSON_Delete(got);
  cinetpay_string_free(out);
  free(text);
  cinetpay_client_free(c);

  cJSON *validation = fixture("validation.json");
  const cJSON *base = cJSON_GetObjectItemCaseSensitive(validation, "base");
  c = client_for("http://127.0.0.1:9", "emulator-apikey-0000000000000001", "445160");
  const cJSON *k;
  cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(validation, "cases")) {
    const char *name = str(k, "name");
    cJSON *body = patched(base, k);
    text = cJSON_PrintUnformatted(body);
    out = NULL;
    status = cinetpay_seamless_checkout(c, text, &out);
    cJSON *error = out ? cJSON_Parse(out) : NULL;
    const char *field = str(error, "field");
    CHECK(status == CINETPAY_ERR_VALIDATION, "seamless: %s: status %s", name, cinetpay_status_code(status));
    CHECK(field && strcmp(field, str(k, "field")) == 0, "seamless: %s: field %s", name, field ? field : "(none)");
    cJSON_Delete(error);
    cinetpay_string_free(out);
    free(text);
    cJSON_Delete(body);
  }
  /* Seamless has no redirect back: return_url may be absent. */
  cJSON *body = cJSON_Duplicate(base, 1);
  cJSON_DeleteItemFromObjectCaseSensitive(body, "return_url");
  text = cJSON_PrintUnformatted(body);
  out = NULL;
  status = cinetpay_seamless_checkout(c, text, &out);
  cJSON *result = out ? cJSON_Parse(out) : NULL;
  const cJSON *config_json = cJSON_GetObjectItemCaseSensitive(result, "set_config");
  CHECK(status == CINETPAY_OK && strcmp(str(config_json, "mode"), "EMULATOR") == 0 &&
            strcmp(str(result, "script_url"), "http://127.0.0.1:9/seamless/main.js") == 0,
        "seamless: without return_url, against the emulator: %s", out ? out : "(null)");
  cJSON_Delete(result);
  cinetpay_string_free(out);
  free(text);
  cJSON_Delete(body);
  cinetpay_client_free(c);
  cJSON_Delete(validation);
  cJSON_Delete(v);
}

/* notifications.json: tokens computed with Python's hmac verify and sign alike through
 * cinetpay_call; forged ones are refused with CINETPAY_ERR_INVALID_NOTIFICATION. */
static void test_notifications(void) {
  cJSON *v = fixture("notifications.json");
  char config[256];
  snprintf(config, sizeof config,
           "{\"api_key\":\"emulator-apikey-0000000000000001\",\"site_id\":\"445160\","
           "\"base_url\":\"http://127.0.0.1:9\",\"secret_key\":\"%s\"}",
           str(v, "secret_key"));
  CinetPayClient *c = cinetpay_client_new(config, NULL);
  const cJSON *k;
  cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(v, "cases")) {
    const char *name = str(k, "name");
    for (int raw = 0; raw < 2; raw++) {
      cJSON *input = cJSON_CreateObject();
      if (raw) {
        cJSON_AddStringToObject(input, "body", str(k, "body"));
      } else {
        cJSON_AddItemToObject(input, "form", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(k, "form"), 1));
      }
      cJSON_AddStringToObject(input, "x_token", str(k, "x_token"));
      char *text = cJSON_PrintUnformatted(input), *out = NULL;
      int32_t status = cinetpay_call(c, "verify_notification", text, &out);
      cJSON *n = out ? cJSON_Parse(out) : NULL;
      CHECK(status == CINETPAY_OK && n &&
                strcmp(str(n, "cpm_trans_id") ? str(n, "cpm_trans_id") : "",
                       str(cJSON_GetObjectItemCaseSensitive(k, "form"), "cpm_trans_id")) == 0,
            "%s (%s): %s", name, raw ? "body" : "form", out ? out : "");
      cJSON_Delete(n);
      cinetpay_string_free(out);
      free(text);
      cJSON_Delete(input);
    }
    cJSON *input = cJSON_CreateObject();
    cJSON_AddItemToObject(input, "form", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(k, "form"), 1));
    char *text = cJSON_PrintUnformatted(input), *out = NULL;
    int32_t status = cinetpay_call(c, "sign_notification", text, &out);
    cJSON *signed_ = out ? cJSON_Parse(out) : NULL;
    const char *token = str(signed_, "x_token");
    CHECK(status == CINETPAY_OK && token && strcmp(token, str(k, "x_token")) == 0, "%s: signed %s", name,
          out ? out : "");
    cJSON_Delete(signed_);
    cinetpay_string_free(out);
    free(text);
    cJSON_Delete(input);
  }
  cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(v, "forged")) {
    cJSON *input = cJSON_CreateObject();
    cJSON_AddItemToObject(input, "form", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(k, "form"), 1));
    cJSON_AddStringToObject(input, "x_token", str(k, "x_token"));
    char *text = cJSON_PrintUnformatted(input), *out = NULL;
    int32_t status = cinetpay_call(c, "verify_notification", text, &out);
    CHECK(status == CINETPAY_ERR_INVALID_NOTIFICATION, "%s: status %s", str(k, "name"), cinetpay_status_code(status));
    cinetpay_string_free(out);
    free(text);
    cJSON_Delete(input);
  }
  cinetpay_client_free(c);
  cJSON_Delete(v);
}

/* settings.json: a bad client setting is the same validation error in every language. */
static void test_settings_cases(void) {
  cJSON *v = fixture("settings.json");
  const cJSON *base = cJSON_GetObjectItemCaseSensitive(v, "base");
  const cJSON *k;
  cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(v, "cases")) {
    const char *name = str(k, "name");
    cJSON *settings = patched(base, k);
    char *text = cJSON_PrintUnformatted(settings), *error = NULL;
    CinetPayClient *c = cinetpay_client_new(text, &error);
    cJSON *e = error ? cJSON_Parse(error) : NULL;
    const char *field = str(e, "field"), *message = str(e, "message");
    CHECK(c == NULL, "%s: accepted", name);
    CHECK(field && strcmp(field, str(k, "field")) == 0, "%s: field %s", name, field ? field : "(none)");
    CHECK(message && strstr(message, str(k, "message_contains")), "%s: message %s", name, message ? message : "");
    cinetpay_client_free(c);
    cJSON_Delete(e);
    cinetpay_string_free(error);
    free(text);
    cJSON_Delete(settings);
  }
  cJSON_Delete(v);
}

/* accepted.json: what people type and the docs allow is sent exactly as given. */
static void test_accepted_cases(const char *url) {
  cJSON *v = fixture("accepted.json");
  cJSON *validation = fixture("validation.json");
  const cJSON *base = cJSON_GetObjectItemCaseSensitive(validation, "base");
  CinetPayClient *c = client_for(url, "emulator-apikey-0000000000000001", "445160");
  const cJSON *k;
  int n = 0;
  cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(v, "cases")) {
    const char *name = str(k, "name");
    cJSON *body = patched(base, k);
    char tx[64], path[256];
    snprintf(tx, sizeof tx, "C-ACC-%d-%d", (int)getpid(), n++);
    cJSON_DeleteItemFromObjectCaseSensitive(body, "transaction_id");
    cJSON_AddStringToObject(body, "transaction_id", tx);
    cJSON *result = NULL;
    int32_t status = call(c, body, &result);
    CHECK(status == CINETPAY_OK, "%s: status %s", name, cinetpay_status_code(status));
    snprintf(path, sizeof path, "/_emulator/transaction?site_id=445160&transaction_id=%s", tx);
    cJSON *stored = http_get_json(url, path);
    const cJSON *sent = cJSON_GetObjectItemCaseSensitive(stored, "request");
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(k, "set")) {
      CHECK(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(sent, item->string), item, 1), "%s: %s sent as given",
            name, item->string);
    }
    cJSON_Delete(stored);
    cJSON_Delete(result);
    cJSON_Delete(body);
  }
  cinetpay_client_free(c);
  cJSON_Delete(validation);
  cJSON_Delete(v);
}

static void test_api_error_cases(const char *url) {
  cJSON *v = fixture("api-errors.json");
  cJSON *validation = fixture("validation.json");
  const cJSON *base = cJSON_GetObjectItemCaseSensitive(validation, "base");
  const cJSON *k;
  int n = 0;
  cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(v, "cases")) {
    const char *name = str(k, "name");
    const cJSON *creds = cJSON_GetObjectItemCaseSensitive(k, "client");
    const char *api_key = str(creds, "api_key") ? str(creds, "api_key") : "emulator-apikey-0000000000000001";
    const char *site_id = str(creds, "site_id") ? str(creds, "site_id") : "445160";
    CinetPayClient *c = client_for(url, api_key, site_id);
    cJSON *body = patched(base, k);
    char tx[64];
    snprintf(tx, sizeof tx, "C-VEC-%d-%d", (int)getpid(), n++);
    cJSON_DeleteItemFromObjectCaseSensitive(body, "transaction_id");
    cJSON_AddStringToObject(body, "transaction_id", tx);
    cJSON *error = NULL;
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k, "repeat"))) {
      int32_t first = call(c, body, &error);
      CHECK(first == CINETPAY_OK, "%s: first call %s", name, cinetpay_status_code(first));
      cJSON_Delete(error);
    }
    int32_t status = call(c, body, &error);
    CHECK(strcmp(cinetpay_status_code(status), str(k, "code")) == 0, "%s: status %s", name,
          cinetpay_status_code(status));
    const char *code = str(error, "code"), *api_code = str(error, "api_code");
    CHECK(code && strcmp(code, str(k, "code")) == 0, "%s: code %s", name, code ? code : "(none)");
    CHECK(api_code && strcmp(api_code, str(k, "api_code")) == 0, "%s: api_code", name);
    const cJSON *http = cJSON_GetObjectItemCaseSensitive(error, "http_status");
    CHECK(cJSON_IsNumber(http) &&
              http->valueint == cJSON_GetObjectItemCaseSensitive(k, "http_status")->valueint,
          "%s: http_status", name);
    const char *contains = str(k, "description_contains"), *description = str(error, "description");
    CHECK(!contains || (description && strstr(description, contains)), "%s: description", name);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(error, "request_sent")), "%s: request_sent", name);
    char *text = cJSON_PrintUnformatted(error);
    /* The client's own key, whichever the case uses. The emulator never echoes keys, so this
     * guards the binding's error path; the core's scrubbing of echoed keys has its own tests. */
    CHECK(text && !strstr(text, api_key), "%s: the apikey is not echoed", name);
    free(text);
    cJSON_Delete(error);
    cJSON_Delete(body);
    cinetpay_client_free(c);
  }
  cJSON_Delete(validation);
  cJSON_Delete(v);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s FIXTURES_DIR EMULATOR_URL DOCS_EMULATOR_URL\n", argv[0]);
    return 2;
  }
  FIXTURES = argv[1];
  test_docs_examples(argv[3]);
  test_validation_cases();
  test_settings_cases();
  test_notifications();
  test_seamless();
  test_accepted_cases(argv[2]);
  test_api_error_cases(argv[2]);
  printf("c vectors: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
