/* read_text(path): a whole file as a malloc'd, NUL-terminated string. Exits on failure: a test
 * cannot run without its fixtures. Each C test program includes it once. */
#ifndef CINETPAY_TEST_READ_TEXT_H
#define CINETPAY_TEST_READ_TEXT_H

#include <stdio.h>
#include <stdlib.h>

static char *read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)size + 1);
  if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
    fprintf(stderr, "%s: cannot read\n", path);
    exit(2);
  }
  text[size] = '\0';
  fclose(f);
  return text;
}

#endif
