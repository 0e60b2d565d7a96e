/*
 * ./run for bench/readiness.sh: a service that says it is ready on its notification descriptor
 * (s6's notification-fd, here 3), with no shell and no stdio.
 *
 * With a FIFO ./trigger in its working directory (the service directory) it first opens it and
 * reads one byte: the harness decides when the service becomes ready. Without one it goes on at
 * once. Then it reads CLOCK_REALTIME, writes "\n" to descriptor 3 (skipped when 3 is not open:
 * runsv gives none, runit's sv runs ./check instead), appends "NANOSECONDS PID\n" to ./stamps
 * with one write(2) (after the newline, so the file's open and write are not in the figure),
 * closes 3 and pause()s until a signal kills it. Exit 111 when anything fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

static char *decimal(char *end, unsigned long long n) {
  do {
    *--end = (char) ('0' + n % 10);
    n /= 10;
  } while (n != 0);
  return end;
}

int main(void) {
  int trigger = open("trigger", O_RDONLY | O_CLOEXEC);  /* blocks until the harness opens it */
  if (trigger >= 0) {
    char c;
    ssize_t r;
    do {
      r = read(trigger, &c, 1);
    } while (r < 0 && errno == EINTR);
    if (r != 1) {
      return 111;
    }
    close(trigger);
  } else if (errno != ENOENT) {
    return 111;
  }
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  int notify = fcntl(3, F_GETFD) != -1;
  if (notify && write(3, "\n", 1) != 1) {
    return 111;
  }
  char line[64];
  char *end = line + sizeof line;
  char *p = end;
  *--p = '\n';
  p = decimal(p, (unsigned long long) getpid());
  *--p = ' ';
  p = decimal(p, (unsigned long long) now.tv_sec * 1000000000ULL + (unsigned long long) now.tv_nsec);
  int fd = open("stamps", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || write(fd, p, (size_t) (end - p)) != end - p) {
    return 111;
  }
  close(fd);
  if (notify) {
    close(3);
  }
  for (;;) {
    pause();
  }
}
