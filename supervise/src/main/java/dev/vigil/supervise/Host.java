package dev.vigil.supervise;

import dev.vigil.common.os.Clock;
import dev.vigil.common.os.Os;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The event loop: one thread blocked in {@link Os#await}, its timeout the earliest timer. It owns
 * a registry of watched descriptors, each with the callback that handles it, and of timers; it
 * knows nothing of services. One round: each ready descriptor's callback once (a callback reads
 * a bounded amount, so no descriptor, not even a flooded FIFO, can starve the others, the
 * timers or a shutdown), then every timer that is due. Signals only set a flag and wake it.
 */
public final class Host {
  /** What a watched descriptor does when it is readable. */
  public interface Readable {
    void ready();
  }

  private static final int READY_PER_ROUND = 64;

  private final Os os;
  private final Clock clock;
  private final Map<Integer, Readable> watchers = new HashMap<>();
  private final PriorityQueue<Timer.Due> timers = new PriorityQueue<>();
  private final AtomicBoolean terminateRequested = new AtomicBoolean();
  private final int[] ready = new int[READY_PER_ROUND];
  private Runnable onTerminate = () -> finish();
  private boolean finished;

  public Host(Os os, Clock clock) {
    this.os = os;
    this.clock = clock;
  }

  public Os os() {
    return os;
  }

  public Clock clock() {
    return clock;
  }

  /** Calls {@code readable} whenever {@code fd} is readable, until {@link #unwatch}. */
  public void watch(int fd, Readable readable) throws IOException {
    os.watch(fd);
    watchers.put(fd, readable);
  }

  /** Stops watching {@code fd}; call before closing it. */
  public void unwatch(int fd) {
    if (watchers.remove(fd) != null) {
      os.unwatch(fd);
    }
  }

  /** A timer that runs {@code action} on this thread when it is due; not armed yet. */
  public Timer timer(Runnable action) {
    return new Timer(this, action);
  }

  void schedule(Timer.Due due) {
    timers.add(due);
  }

  /** What the loop does when {@link #terminate()} was called: by default, finish. */
  public void onTerminate(Runnable action) {
    this.onTerminate = action;
  }

  /** Asks the loop to run the terminate action. Safe from any thread (a signal handler's). */
  public void terminate() {
    terminateRequested.set(true);
    os.wake();
  }

  /** Ends {@link #run()} after the current round. */
  public void finish() {
    finished = true;
  }

  /**
   * Runs until {@link #finish()}.
   *
   * @throws IOException if waiting itself fails: the loop cannot go on
   */
  public void run() throws IOException {
    while (!finished) {
      if (terminateRequested.getAndSet(false)) {
        onTerminate.run();
        continue;
      }
      int n = os.await(timeoutMillis(), ready);
      for (int i = 0; i < n && !finished; i++) {
        // a callback earlier in the round may have unwatched (or even reused) this fd: callbacks
        // take a readiness that turns out to be nothing (EAGAIN, not yet exited) in their stride
        Readable r = watchers.get(ready[i]);
        if (r != null) {
          r.ready();
        }
      }
      fireDueTimers();
    }
  }

  private void fireDueTimers() {
    long now = clock.nanos();
    while (!finished && !timers.isEmpty() && now - timers.peek().at >= 0) {
      Timer.Due due = timers.poll();
      due.fireIfCurrent();
    }
  }

  /** Milliseconds until the earliest timer, rounded up; -1 (wait forever) if there is none. */
  private long timeoutMillis() {
    while (!timers.isEmpty() && !timers.peek().isCurrent()) {
      timers.poll();
    }
    if (timers.isEmpty()) {
      return -1;
    }
    long nanos = timers.peek().at - clock.nanos();
    return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
  }
}
