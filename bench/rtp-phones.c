// RTP phones for bench/relay.ts, in C so the load generator costs a fraction of what it measures.
// A Node generator pays Node's dgram cost per packet (one syscall and one JS callback each way), as
// much CPU as the relay under test: on a 2-core machine the figures would be the generator's. Here
// sendmmsg/recvmmsg batch the syscalls and nothing runs per packet but a memcpy and a histogram add.
//
//   rtp-phones SOCKETS        binds SOCKETS UDP sockets on 127.0.0.1, prints "ports P1 P2 ...",
//                             then reads "DELAY_MS SECONDS N T1 .. TN" on stdin: stream i sends a
//                             172-byte G.711 RTP packet every 20 ms to 127.0.0.1:Ti from socket
//                             i*SOCKETS/N, phases spread evenly over the 20 ms; prints one JSON line.
// The send time (ns) travels in the payload; latency = the kernel's arrival stamp − that time.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#define PACKET 172
#define PERIOD_NS 20000000LL
#define BATCH 256
#define BUCKETS 100001 /* 10 µs buckets; the last one holds everything from 1 s up */
#define MAX_SOCKETS 64

// CLOCK_REALTIME because the kernel stamps arrivals (SO_TIMESTAMPNS) with it: latency is then the
// arrival at our socket, not when this loop got round to reading it
static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static uint32_t histogram[BUCKETS];
static uint64_t received;

static unsigned char in_bufs[BATCH][2048];
static struct mmsghdr in_msgs[BATCH];
static struct iovec in_iov[BATCH];
static char in_control[BATCH][64];

static void drain(int fd, int measuring) {
  for (;;) {
    for (int i = 0; i < BATCH; i++) in_msgs[i].msg_hdr.msg_controllen = sizeof in_control[i];
    int n = recvmmsg(fd, in_msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) return;
    int64_t now = now_ns();
    for (int i = 0; measuring && i < n; i++) {
      if (in_msgs[i].msg_len < 20) continue;
      int64_t sent, arrived = now;
      memcpy(&sent, in_bufs[i] + 12, sizeof sent);
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&in_msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&in_msgs[i].msg_hdr, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
          struct timespec t;
          memcpy(&t, CMSG_DATA(c), sizeof t);
          arrived = (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
        }
      int64_t bucket = (arrived - sent) / 10000;
      histogram[bucket < 0 ? 0 : bucket >= BUCKETS ? BUCKETS - 1 : bucket]++;
      received++;
    }
    if (n < BATCH) return;
  }
}

int main(int argc, char **argv) {
  int nsock = argc > 1 ? atoi(argv[1]) : 1;
  if (nsock < 1 || nsock > MAX_SOCKETS) return fprintf(stderr, "SOCKETS must be 1..%d\n", MAX_SOCKETS), 2;
  for (int i = 0; i < BATCH; i++) {
    in_iov[i] = (struct iovec){.iov_base = in_bufs[i], .iov_len = sizeof in_bufs[i]};
    in_msgs[i].msg_hdr = (struct msghdr){.msg_iov = &in_iov[i], .msg_iovlen = 1, .msg_control = in_control[i]};
  }
  int fds[MAX_SOCKETS];
  printf("ports");
  for (int s = 0; s < nsock; s++) {
    fds[s] = socket(AF_INET, SOCK_DGRAM, 0);
    int size = 16 << 20; // room for a burst of the engine's replies; FORCE works as root
    if (setsockopt(fds[s], SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
      setsockopt(fds[s], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    int on = 1;
    setsockopt(fds[s], SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (bind(fds[s], (struct sockaddr *)&a, sizeof a) != 0 || getsockname(fds[s], (struct sockaddr *)&a, &len) != 0)
      return perror("bind"), 1;
    printf(" %d", ntohs(a.sin_port));
  }
  printf("\n");
  fflush(stdout);

  long delay_ms, seconds, n;
  if (scanf("%ld %ld %ld", &delay_ms, &seconds, &n) != 3 || n < 1) return fprintf(stderr, "bad run line\n"), 2;
  struct sockaddr_in *to = calloc(n, sizeof *to);
  for (long i = 0; i < n; i++) {
    int port;
    if (scanf("%d", &port) != 1) return fprintf(stderr, "missing target %ld\n", i), 2;
    to[i] = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  }

  static unsigned char out[BATCH][PACKET];
  static struct mmsghdr msgs[BATCH];
  static struct iovec iov[BATCH];
  int64_t total = (seconds * 1000000000LL / PERIOD_NS) * n, k = 0, errors = 0;
  int64_t start = now_ns() + delay_ms * 1000000LL;
  struct rusage r0;
  getrusage(RUSAGE_SELF, &r0);
  // packet k is stream k % n in round k / n, due at start + round*20 ms + (stream/n)*20 ms
  while (k < total) {
    int64_t now = now_ns();
    while (k < total) {
      int count = 0, sock = -1;
      while (k < total && count < BATCH) {
        int64_t stream = k % n, round = k / n;
        if (start + round * PERIOD_NS + stream * PERIOD_NS / n > now) break;
        int s = (int)(stream * nsock / n);
        if (sock >= 0 && s != sock) break; // sendmmsg sends from one socket
        sock = s;
        unsigned char *b = out[count];
        memset(b, 0, PACKET);
        b[0] = 0x80;
        uint16_t seq = htons((uint16_t)round);
        uint32_t ts = htonl((uint32_t)(round * 160)), ssrc = htonl((uint32_t)(0x10000 + stream));
        memcpy(b + 2, &seq, 2);
        memcpy(b + 4, &ts, 4);
        memcpy(b + 8, &ssrc, 4);
        int64_t t = now_ns();
        memcpy(b + 12, &t, sizeof t);
        iov[count] = (struct iovec){.iov_base = b, .iov_len = PACKET};
        msgs[count].msg_hdr = (struct msghdr){.msg_name = &to[stream], .msg_namelen = sizeof to[stream], .msg_iov = &iov[count], .msg_iovlen = 1};
        count++;
        k++;
      }
      if (count == 0) break;
      for (int done = 0; done < count;) {
        int m = sendmmsg(fds[sock], msgs + done, count - done, 0);
        if (m < 0) {
          if (errno != EINTR) errors += count - done, done = count;
          continue;
        }
        done += m;
      }
    }
    for (int s = 0; s < nsock; s++) drain(fds[s], 1);
    if (k >= total) break;
    // wake every 0.5 ms at most, not per packet: sends go out in small bursts (each stamped when
    // built) and arrivals wait in the socket buffers with their kernel timestamps
    int64_t due = start + (k / n) * PERIOD_NS + (k % n) * PERIOD_NS / n, wait = due - now_ns();
    if (wait < 500000) wait = 500000;
    struct timespec ts = {.tv_sec = wait / 1000000000LL, .tv_nsec = wait % 1000000000LL};
    nanosleep(&ts, NULL);
  }
  double send_seconds = (now_ns() - start) / 1e9;
  // packets still in flight: keep receiving for 500 ms
  for (int64_t end = now_ns() + 500000000LL; now_ns() < end;) {
    struct timespec ts = {.tv_sec = 0, .tv_nsec = 10000000};
    nanosleep(&ts, NULL);
    for (int s = 0; s < nsock; s++) drain(fds[s], 1);
  }
  struct rusage r1;
  getrusage(RUSAGE_SELF, &r1);
  double cpu = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) + (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
               ((r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) + (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec)) / 1e6;
  printf("{\"sent\":%lld,\"sendErrors\":%lld,\"received\":%llu,\"sendSeconds\":%.3f,\"cpuSeconds\":%.3f,\"histogram\":[",
         (long long)(total - errors), (long long)errors, (unsigned long long)received, send_seconds, cpu);
  int first = 1;
  for (int i = 0; i < BUCKETS; i++)
    if (histogram[i]) printf("%s[%d,%u]", first ? "" : ",", i, histogram[i]), first = 0;
  printf("]}\n");
  return 0;
}
