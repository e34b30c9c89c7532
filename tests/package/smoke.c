/* Built from the C archive alone, through pkg-config: initialise a payment on the emulator. */
#include <stdio.h>

#include <cinetpay.h>

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  char config[512], request[512], *out = NULL;
  snprintf(config, sizeof config,
           "{\"api_key\":\"emulator-apikey-0000000000000001\",\"site_id\":\"445160\",\"base_url\":\"%s\"}", argv[1]);
  CinetPayClient *client = cinetpay_client_new(config, &out);
  if (!client) return fprintf(stderr, "%s\n", out), 1;
  snprintf(request, sizeof request,
           "{\"transaction_id\":\"%s\",\"amount\":100,\"currency\":\"XOF\",\"description\":\"Commande\","
           "\"notify_url\":\"https://shop.example/notify\",\"return_url\":\"https://shop.example/return\"}",
           argv[2]);
  int32_t status = cinetpay_init_payment(client, request, &out);
  printf("c: %s\n", out);
  cinetpay_string_free(out);
  cinetpay_client_free(client);
  return status == CINETPAY_OK ? 0 : 1;
}
