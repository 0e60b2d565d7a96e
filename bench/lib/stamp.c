/*
 * ./run for bench/restart.sh: the first thing it does is read CLOCK_REALTIME; it then appends
 * "NANOSECONDS PID\n" to ./stamps (in its working directory, the service directory) with one
 * write(2), and pause()s until a signal kills it. No stdio, no shell: what it adds to a restart
 * is exec + the dynamic loader + one open/write/close.
 */
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
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
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
  for (;;) {
    pause();
  }
}
