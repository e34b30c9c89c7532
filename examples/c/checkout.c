/* Initialises a payment through the CinetPay C API and prints the link or the error.
 *
 *   cc -Iinclude examples/c/checkout.c -Ltarget/debug -lcinetpay -Wl,-rpath,target/debug -o checkout
 *   ./checkout http://127.0.0.1:8090        # the emulator; default: $CINETPAY_BASE_URL
 *
 * Credentials come from CINETPAY_API_KEY / CINETPAY_SITE_ID, defaulting to the emulator's
 * account. Every string the library returns is freed with cinetpay_string_free.
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

int main(int argc, char **argv) {
  const char *base_url = argc > 1 ? argv[1] : env_or("CINETPAY_BASE_URL", "https://api-checkout.cinetpay.com");
  char config[1024];
  snprintf(config, sizeof config, "{\"api_key\":\"%s\",\"site_id\":\"%s\",\"base_url\":\"%s\",\"timeout_ms\":30000}",
           env_or("CINETPAY_API_KEY", "emulator-apikey-0000000000000001"), env_or("CINETPAY_SITE_ID", "445160"),
           base_url);

  char *error = NULL;
  CinetPayClient *client = cinetpay_client_new(config, &error);
  if (client == NULL) {
    fprintf(stderr, "cannot create the client: %s\n", error ? error : "(no details)");
    cinetpay_string_free(error);
    return 1;
  }

  char request[1024];
  snprintf(request, sizeof request,
           "{\"transaction_id\":\"C-%ld-%d\",\"amount\":2500,\"currency\":\"XOF\","
           "\"description\":\"Commande 42\",\"notify_url\":\"https://shop.example/cinetpay/notify\","
           "\"return_url\":\"https://shop.example/cinetpay/return\",\"channels\":\"ALL\"}",
           (long)time(NULL), (int)getpid());

  char *result = NULL;
  int32_t status = cinetpay_init_payment(client, request, &result);
  if (status == CINETPAY_OK) {
    printf("payment created: %s\n", result);
  } else {
    printf("payment refused (%s): %s\n", cinetpay_status_code(status), result);
  }
  cinetpay_string_free(result);
  cinetpay_client_free(client);
  return status == CINETPAY_OK ? 0 : 2;
}
