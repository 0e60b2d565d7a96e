package dev.vigil.supervise;

import dev.vigil.common.Errno;
import dev.vigil.common.os.Child;
import dev.vigil.common.os.Clock;
import dev.vigil.common.os.Os;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The event loop: one thread blocked in {@link Os#await}, its timeout the earliest timer. It owns
 * a registry of watched descriptors, each with the callback that handles it, and of timers; it
 * knows nothing of services. One round: each ready descriptor's callback once (a callback reads
 * a bounded amount, so no descriptor, not even a flooded FIFO, can starve the others, the
 * timers or a shutdown), then every timer that is due, then the round's spawns ({@link #spawn}).
 * Signals only set a flag and wake it.
 */
public final class Host {
  /** What a watched descriptor does when it is readable. */
  public interface Readable {
    void ready();
  }

  /** Where a spawn's outcome goes: the child, or why there is none. */
  public interface SpawnAnswer {
    void spawned(Child child);

    void failed(IOException why);
  }

  private static final int READY_PER_ROUND = 64;
  private static final long SHORT_WAIT_NANOS = 10_000_000;
  /**
   * At most this many spawns per round: each one blocks the loop until its child has exec'd
   * (posix_spawn's vfork), a few milliseconds each, so a mass start (svscan taking thousands
   * of services in charge) goes in slices, with commands, exits and timers handled in between.
   */
  static final int SPAWNS_PER_ROUND = 4;

  /** A spawn asked for and not yet made; one that is withdrawn is skipped, and never answered. */
  private static final class PendingSpawn implements Runnable {
    final Os.Spawner spawner;
    final SpawnAnswer answer;
    boolean withdrawn;

    PendingSpawn(Os.Spawner spawner, SpawnAnswer answer) {
      this.spawner = spawner;
      this.answer = answer;
    }

    @Override
    public void run() {
      withdrawn = true;
    }
  }

  private static final Runnable NOTHING_TO_WITHDRAW = () -> { };

  private final Os os;
  private final Clock clock;
  private final Map<Integer, Readable> watchers = new HashMap<>();
  private final PriorityQueue<Timer.Due> timers = new PriorityQueue<>();
  private final AtomicBoolean terminateRequested = new AtomicBoolean();
  private final AtomicBoolean childSignalled = new AtomicBoolean();
  /**
   * Children spawned here whose owner (a service, a check) reaps them by pid when their pidfd
   * says so: every other child is a stray, reaped by {@link #reapStrays}.
   */
  private final Set<Long> owned = new HashSet<>();
  private final int[] ready = new int[READY_PER_ROUND];
  private final Deque<PendingSpawn> spawns = new ArrayDeque<>();
  private Runnable onTerminate = () -> finish();
  private boolean finished;
  private boolean running;
  private boolean oneService;

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

  /**
   * Starts a child of {@code spawner}; the answer comes on the loop's thread. Outside {@link
   * #run()} (while a program sets up) at once; in the loop at the end of the round, at most
   * {@link #SPAWNS_PER_ROUND} of them per round, in the order asked for.
   *
   * <p>Measured on a 2-core VM, and the reason spawns are not spread over threads: a
   * posix_spawn of a {@code #!/bin/sh} run costs ~7 ms of the spawning process's time, and
   * several threads of one process spawning at once are no faster than one (1, 2, 4 threads:
   * 7.6, 8.3, 9.1 ms a spawn), as each child shares the process's memory until it has exec'd.
   *
   * @return what withdraws the spawn while it waits for its turn (svc -d, a shutdown): it is
   *     then never made and never answered
   */
  public Runnable spawn(Os.Spawner spawner, SpawnAnswer answer) {
    if (!running) {
      answer(answer, attempt(spawner));
      return NOTHING_TO_WITHDRAW;
    }
    PendingSpawn p = new PendingSpawn(spawner, answer);
    spawns.add(p);
    return p;
  }

  private static Object attempt(Os.Spawner spawner) {
    try {
      return spawner.spawn();
    } catch (IOException e) {
      return e;
    } catch (RuntimeException e) {
      return new IOException(e.toString(), e);
    }
  }

  private void answer(SpawnAnswer answer, Object outcome) {
    if (outcome instanceof Child c) {
      owned.add(c.pid());
      answer.spawned(c);
    } else {
      answer.failed((IOException) outcome);
    }
  }

  private void startSpawns() {
    for (int i = 0; i < SPAWNS_PER_ROUND && !spawns.isEmpty() && !finished; ) {
      PendingSpawn p = spawns.poll();
      if (!p.withdrawn) {
        answer(p.answer, attempt(p.spawner));
        i++;
      }
    }
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

  /**
   * Makes this process the subreaper of what its services leave behind (a daemon's double fork,
   * a {@code cmd &} that outlives its script): orphaned, they become our children instead of
   * init's, and each is reaped when SIGCHLD says it exited. Returns why not, if the kernel
   * refused (the strays then go to init, as under daemontools).
   */
  public Optional<String> becomeSubreaper() {
    // the handler runs on a JVM thread of its own; the event loop does the work
    sun.misc.Signal.handle(new sun.misc.Signal("CHLD"), signal -> childSignalled());
    try {
      os.becomeSubreaper();
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(Errno.text(e));
    }
  }

  /**
   * SIGCHLD (from a signal handler's thread): a child exited. Those spawned here are reaped by
   * their owners; this is for the strays a subreaper inherits (doc/supervise.md).
   */
  public void childSignalled() {
    childSignalled.set(true);
    os.wake();
  }

  /**
   * waitpid(pid, WNOHANG) of a child spawned here, by its owner; once it is reaped the pid is no
   * longer one of ours.
   */
  public OptionalInt reap(long pid) throws IOException {
    OptionalInt exit;
    try {
      exit = os.reap(pid);
    } catch (IOException e) {
      owned.remove(pid);
      throw e;
    }
    if (exit.isPresent()) {
      owned.remove(pid);
    }
    return exit;
  }

  /**
   * This host runs one service (supervise, not svscan): every stray it inherits is that
   * service's, so a stray can be the daemon a service's ./run left behind ({@link Heirs}).
   */
  public void servesOneService() {
    oneService = true;
  }

  /** Whether every stray is the one service's ({@link #servesOneService}). */
  public boolean hasOneService() {
    return oneService;
  }

  /** Whether {@code pid} is a child spawned here (or claimed) whose owner reaps it. */
  public boolean owns(long pid) {
    return owned.contains(pid);
  }

  /**
   * Makes a stray one of ours to reap by pid: a service follows it as its process. (Strays are
   * reaped only on this thread, so one found running cannot be reaped before it is claimed.)
   */
  public void claim(long pid) {
    owned.add(pid);
  }

  /** Our children that nobody here owns: what services left behind, reparented to us. */
  public List<Long> strays() {
    List<Long> strays = new ArrayList<>();
    try {
      for (long pid : os.children()) {
        if (!owned.contains(pid)) {
          strays.add(pid);
        }
      }
    } catch (IOException e) {
      // none known
    }
    return strays;
  }

  /**
   * Reaps every child nobody here owns: descendants of services, orphaned and handed to us as
   * the subreaper. Never waitpid(-1): that could take a service's child's status before its
   * pidfd is read. The kernel lists our children per thread in /proc.
   */
  private void reapStrays() {
    List<Long> children;
    try {
      children = os.children();
    } catch (IOException e) {
      return;
    }
    for (long pid : children) {
      if (!owned.contains(pid)) {
        try {
          os.reap(pid);
        } catch (IOException e) {
          // reaped meanwhile, or not ours after all
        }
      }
    }
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
    running = true;
    try {
      loop();
      // the last strays (a group killed as the supervisor went) are ours to reap: as a subreaper,
      // our exit would hand their zombies to our parent, which may never wait for them
      reapStrays();
    } finally {
      running = false;
    }
  }

  private void loop() throws IOException {
    while (!finished) {
      if (terminateRequested.getAndSet(false)) {
        onTerminate.run();
        continue;
      }
      if (childSignalled.getAndSet(false)) {
        reapStrays();
      }
      int n = os.await(spawns.isEmpty() ? timeoutMillis() : 0, ready);
      for (int i = 0; i < n && !finished; i++) {
        // a callback earlier in the round may have unwatched (or even reused) this fd: callbacks
        // take a readiness that turns out to be nothing (EAGAIN, not yet exited) in their stride
        Readable r = watchers.get(ready[i]);
        if (r != null) {
          r.ready();
        }
      }
      fireDueTimers();
      if (!spawns.isEmpty() && !finished) {
        startSpawns();
      }
    }
  }

  private void fireDueTimers() {
    long now = clock.nanos();
    while (!finished && !timers.isEmpty() && now - timers.peek().at >= 0) {
      Timer.Due due = timers.poll();
      due.fireIfCurrent();
    }
  }

  /**
   * Milliseconds to wait for the earliest timer; -1 (for ever) if there is none. The kernel lets
   * a poll timeout run late by 0.1% of its length (select_estimate_accuracy: 2 ms on a 2 s step
   * of a stop schedule, 60 ms on a 60 s backoff), so a longer wait ends 0.2% early and the loop
   * waits again for the rest, whose slack is then microseconds; a wait of up to 10 ms is
   * rounded up. One more wake-up per long timer, and deadlines are kept to within a millisecond.
   */
  private long timeoutMillis() {
    while (!timers.isEmpty() && !timers.peek().isCurrent()) {
      timers.poll();
    }
    if (timers.isEmpty()) {
      return -1;
    }
    long nanos = timers.peek().at - clock.nanos();
    if (nanos <= 0) {
      return 0;
    }
    if (nanos <= SHORT_WAIT_NANOS) {
      return (nanos + 999_999) / 1_000_000;
    }
    return (nanos - nanos / 500) / 1_000_000;
  }
}
