/*
 * NAME/log/run for bench/svscan.sh's log-pipe test: copies standard input to ./out (in its
 * working directory, NAME/log), like `exec cat >> out`, except that a SIGTERM (svc -d) never
 * costs a line. cat can be killed between a read(2) from the pipe and its write(2) to the file,
 * and what it had read is gone: a loss that would be the logger's, not svscan's. Here SIGTERM is
 * blocked except while the program waits for input (ppoll), so it exits only with nothing in
 * hand. End of input (the pipe's last writer gone) ends it too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int signo) {
  (void) signo;
  stop = 1;
}

int main(void) {
  static char buf[65536];
  sigset_t term;
  sigset_t waiting;
  struct sigaction sa = {0};
  struct pollfd in = {.fd = 0, .events = POLLIN};
  int out;

  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  if (sigprocmask(SIG_BLOCK, &term, &waiting) != 0) {
    return 111;
  }
  sigdelset(&waiting, SIGTERM); /* the mask while waiting for input: TERM comes through */
  sa.sa_handler = on_term;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGTERM, &sa, 0) != 0) {
    return 111;
  }
  out = open("out", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (out < 0) {
    return 111;
  }
  for (;;) {
    ssize_t n;
    ssize_t done;
    if (stop) {
      return 0;
    }
    if (ppoll(&in, 1, 0, &waiting) < 0) {
      if (errno == EINTR) {
        continue;
      }
      return 111;
    }
    n = read(0, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      return 111;
    }
    if (n == 0) {
      return 0;
    }
    for (done = 0; done < n;) {
      ssize_t w = write(out, buf + done, (size_t) (n - done));
      if (w < 0) {
        if (errno == EINTR) {
          continue;
        }
        return 111;
      }
      done += w;
    }
  }
}
