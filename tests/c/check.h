/* CHECK(cond, fmt, ...): counts a passed or failed check, printing the failed ones with their
 * line. Each C test program includes it once and ends with its `passed`/`failed` counts. */
#ifndef CINETPAY_TEST_CHECK_H
#define CINETPAY_TEST_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond, ...)                          \
  do {                                            \
    if (cond) {                                   \
      passed++;                                   \
    } else {                                      \
      failed++;                                   \
      printf("FAIL %s:%d: ", __FILE__, __LINE__); \
      printf(__VA_ARGS__);                        \
      printf("\n");                               \
    }                                             \
  } while (0)

#endif
