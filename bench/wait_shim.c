// Splits a sequential client's time per call into the time blocked waiting for the answer and
// the rest (its own work plus the send syscall, which wakes the server). Preloaded into any
// client that reads with recv/recvfrom or waits in epoll_wait, and sends with send, sendto or
// writev (the C and Python clients of bench/, wrk); prints one line on exit:
//
//   gcc -O2 -shared -fPIC -o /tmp/wait_shim.so bench/wait_shim.c -ldl
//   LD_PRELOAD=/tmp/wait_shim.so taskset -c 1 bench-client ...
//
// Used for "Where the wake-up regime's time goes" in BENCHMARKS.md. Not thread-safe: for
// single-threaded clients only.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static double blocked, first, last;
static long sends;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

// A call that may wait: its time counts as blocked.
#define WAITING(ret, name, params, args)                                                       \
  ret name params {                                                                            \
    static ret(*real) params;                                                                  \
    if (!real) real = (ret(*) params)dlsym(RTLD_NEXT, #name);                                  \
    double t0_ = now();                                                                        \
    ret r_ = real args;                                                                        \
    double t1_ = now();                                                                        \
    blocked += t1_ - t0_;                                                                      \
    if (first == 0) first = t0_;                                                               \
    last = t1_;                                                                                \
    return r_;                                                                                 \
  }

// A send: counted, one per request.
#define SENDING(ret, name, params, args)                                                       \
  ret name params {                                                                            \
    static ret(*real) params;                                                                  \
    if (!real) real = (ret(*) params)dlsym(RTLD_NEXT, #name);                                  \
    sends++;                                                                                   \
    return real args;                                                                          \
  }

WAITING(ssize_t, recv, (int fd, void *b, size_t n, int f), (fd, b, n, f))
WAITING(ssize_t, recvfrom, (int fd, void *b, size_t n, int f, struct sockaddr *s, socklen_t *l),
        (fd, b, n, f, s, l))
WAITING(int, epoll_wait, (int e, struct epoll_event *ev, int m, int t), (e, ev, m, t))
SENDING(ssize_t, send, (int fd, const void *b, size_t n, int f), (fd, b, n, f))
SENDING(ssize_t, sendto, (int fd, const void *b, size_t n, int f, const struct sockaddr *s, socklen_t l),
        (fd, b, n, f, s, l))
SENDING(ssize_t, writev, (int fd, const struct iovec *v, int n), (fd, v, n))

__attribute__((destructor)) static void report(void) {
  if (sends == 0) return;
  double wall = last - first;
  fprintf(stderr, "wait_shim: %ld sends; per send: wall %.1f us, blocked %.1f us, the rest %.1f us\n",
          sends, wall * 1e6 / (double)sends, blocked * 1e6 / (double)sends,
          (wall - blocked) * 1e6 / (double)sends);
}
