/* The CinetPay C API in a shop's two moments: start a payment, then handle the notification.
 *
 *   cc -Iinclude examples/c/checkout.c -Ltarget/debug -lcinetpay -Wl,-rpath,target/debug -o checkout
 *   ./checkout http://127.0.0.1:8090                      # initialise, then check the payment
 *   ./checkout http://127.0.0.1:8090 notify BODY X_TOKEN  # what a notify_url handler (CGI) does
 *
 * The first form creates a payment and checks its status (waiting for the customer). The second
 * takes the raw urlencoded body CinetPay POSTed to notify_url and its x-token header, verifies
 * the token, checks the payment with CinetPay and prints the decision (paid, failed, pending).
 *
 * Credentials come from CINETPAY_API_KEY, CINETPAY_SITE_ID and CINETPAY_SECRET_KEY, defaulting
 * to the emulator's account. Every string the library returns is freed with cinetpay_string_free.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cinetpay.h"

static const char *env_or(const char *name, const char *fallback) {
  const char *value = getenv(name);
  return value && *value ? value : fallback;
}

/* Writes `s` as a JSON string (quotes and backslashes escaped, control characters as \u00XX). */
static void json_string(char *out, size_t n, const char *s) {
  size_t j = 0;
  if (j < n) out[j++] = '"';
  for (; *s && j + 8 < n; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      out[j++] = '\\';
      out[j++] = (char)c;
    } else if (c < 0x20) {
      j += (size_t)snprintf(out + j, n - j, "\\u%04x", c);
    } else {
      out[j++] = (char)c;
    }
  }
  if (j + 1 < n) out[j++] = '"';
  out[j < n ? j : n - 1] = '\0';
}

/* notify_url: verify, check, decide. Answer CinetPay 200 unless the check failed (then it retries). */
static int on_notification(CinetPayClient *client, const char *body, const char *x_token) {
  char body_json[8192], token_json[256], input[9000];
  json_string(body_json, sizeof body_json, body);
  json_string(token_json, sizeof token_json, x_token);
  /* The order's amount and currency come from the shop's database, found by cpm_trans_id. */
  snprintf(input, sizeof input,
           "{\"body\":%s,\"x_token\":%s,\"expected_amount\":2500,\"expected_currency\":\"XOF\"}", body_json,
           token_json);
  char *result = NULL;
  int32_t status = cinetpay_handle_notification(client, input, &result);
  if (status == CINETPAY_OK) {
    printf("notification verified: %s\n", result);  /* "outcome": paid, failed or pending */
  } else if (status == CINETPAY_ERR_INVALID_NOTIFICATION) {
    printf("forged notification refused (answer 401): %s\n", result);
  } else {
    printf("could not check the payment (answer 503, CinetPay will retry): %s\n", result);
  }
  cinetpay_string_free(result);
  return status == CINETPAY_OK ? 0 : 2;
}

int main(int argc, char **argv) {
  const char *base_url = argc > 1 ? argv[1] : env_or("CINETPAY_BASE_URL", "https://api-checkout.cinetpay.com");
  char config[1024];
  snprintf(config, sizeof config,
           "{\"api_key\":\"%s\",\"site_id\":\"%s\",\"secret_key\":\"%s\",\"base_url\":\"%s\",\"timeout_ms\":30000}",
           env_or("CINETPAY_API_KEY", "emulator-apikey-0000000000000001"), env_or("CINETPAY_SITE_ID", "445160"),
           env_or("CINETPAY_SECRET_KEY", "emulator-secret-key-000000000001"), base_url);

  char *error = NULL;
  CinetPayClient *client = cinetpay_client_new(config, &error);
  if (client == NULL) {
    fprintf(stderr, "cannot create the client: %s\n", error ? error : "(no details)");
    cinetpay_string_free(error);
    return 1;
  }
  if (argc == 5 && strcmp(argv[2], "notify") == 0) {
    int rc = on_notification(client, argv[3], argv[4]);
    cinetpay_client_free(client);
    return rc;
  }

  char id[64], request[1024];
  snprintf(id, sizeof id, "C-%ld-%d", (long)time(NULL), (int)getpid());
  snprintf(request, sizeof request,
           "{\"transaction_id\":\"%s\",\"amount\":2500,\"currency\":\"XOF\","
           "\"description\":\"Commande 42\",\"notify_url\":\"https://shop.example/cinetpay/notify\","
           "\"return_url\":\"https://shop.example/cinetpay/return\",\"channels\":\"ALL\"}",
           id);

  char *result = NULL;
  int32_t status = cinetpay_init_payment(client, request, &result);
  if (status == CINETPAY_OK) {
    printf("payment created: %s\n", result);
  } else {
    printf("payment refused (%s): %s\n", cinetpay_status_code(status), result);
  }
  cinetpay_string_free(result);
  if (status == CINETPAY_OK) {
    /* Later (or after a timeout on init): ask CinetPay where the payment stands. */
    char lookup[128];
    snprintf(lookup, sizeof lookup, "{\"transaction_id\":\"%s\"}", id);
    result = NULL;
    status = cinetpay_check_payment(client, lookup, &result);
    printf("%s: %s\n", status == CINETPAY_OK ? "payment status" : cinetpay_status_code(status), result);
    cinetpay_string_free(result);
  }
  cinetpay_client_free(client);
  return status == CINETPAY_OK ? 0 : 2;
}
