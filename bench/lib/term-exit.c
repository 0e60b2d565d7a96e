/*
 * The target of bench/sipid.sh: a daemon that exits on SIGTERM. Its TERM handler reads
 * CLOCK_REALTIME, writes "NANOSECONDS\n" to the file named by argv[1] with one write(2) and
 * _exit(0)s: the stamp is the moment the process dies, give or take the exit itself.
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *stamp_file;

static void on_term(int sig) {
  (void) sig;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  char line[32];
  char *end = line + sizeof line;
  char *p = end;
  unsigned long long n = (unsigned long long) now.tv_sec * 1000000000ULL + (unsigned long long) now.tv_nsec;
  *--p = '\n';
  do {
    *--p = (char) ('0' + n % 10);
    n /= 10;
  } while (n != 0);
  int fd = open(stamp_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    (void) !write(fd, p, (size_t) (end - p));
  }
  _exit(0);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    return 100;
  }
  stamp_file = argv[1];
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_term;
  sigaction(SIGTERM, &sa, 0);
  (void) !write(1, "ready\n", 6);
  for (;;) {
    pause();
  }
}
