package dev.vigil.supervise;

import dev.vigil.common.os.Os;
import dev.vigil.common.os.Signal;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes down the processes a service's process left behind when none of them is followed
 * ({@link Heirs}: several left after ./run exited 0), before ./run starts again, so a restart
 * never runs beside what the last run left (systemd's KillMode=control-group does the same).
 * The service's stop plan (or the shutdown plan), made to end in SIGKILL, is sent to each
 * process through a pidfd — never to a pid another process took over — each signal but KILL,
 * CONT and STOP followed by SIGCONT, as the machine's plans are; the sweep is over when every
 * pidfd says its process exited. The machine's plans go to one process group; these processes
 * may be in several (a setsid each), hence a runner of their own here.
 */
final class Sweep {
  private final Os os;
  private final Host host;
  private final StopPlan plan;
  private final Runnable done;
  private final Map<Integer, Long> left = new HashMap<>();
  private final Timer timer;
  private int next;
  private boolean over;

  private Sweep(Host host, StopPlan plan, Runnable done) {
    this.os = host.os();
    this.host = host;
    this.plan = plan;
    this.done = done;
    this.timer = host.timer(this::advance);
  }

  /**
   * Begins taking {@code pids} down by {@code plan}; {@code done} runs on the loop once all are
   * gone (at once if none is left to open a pidfd on).
   */
  static Sweep start(Host host, List<Long> pids, StopPlan plan, Runnable done) {
    Sweep s = new Sweep(host, plan, done);
    for (long pid : pids) {
      try {
        int pidfd = s.os.pidfdOpen(pid);
        s.left.put(pidfd, pid);
        host.watch(pidfd, () -> s.exited(pidfd));
      } catch (IOException gone) {
        // exited already, or cannot be watched (then the group's KILL at the end is its fate)
      }
    }
    if (s.left.isEmpty()) {
      s.finish();
    } else {
      s.advance();
    }
    return s;
  }

  /** Carries out the plan from {@link #next} up to its next wait, or its end. */
  private void advance() {
    List<StopPlan.Item> items = plan.items();
    for (int steps = 0; steps <= 2 * items.size() && !over; steps++) {
      if (next >= items.size()) {
        if (plan.repeatFrom() < 0) {
          return;
        }
        next = plan.repeatFrom();
      }
      StopPlan.Item item = items.get(next++);
      if (item instanceof StopPlan.Wait w) {
        timer.at(host.clock().nanos() + w.nanos());
        return;
      }
      Signal signal = ((StopPlan.Send) item).signal();
      signalAll(signal);
      if (signal != Signal.KILL && signal != Signal.CONT && signal != Signal.STOP) {
        signalAll(Signal.CONT);
      }
    }
  }

  private void signalAll(Signal signal) {
    for (int pidfd : List.copyOf(left.keySet())) {
      try {
        os.signalPidfd(pidfd, signal);
      } catch (IOException exited) {
        // its pidfd will say so
      }
    }
  }

  private void exited(int pidfd) {
    if (left.remove(pidfd) != null) {
      host.unwatch(pidfd);
      os.close(pidfd);
    }
    if (left.isEmpty()) {
      finish();
    }
  }

  private void finish() {
    if (!over) {
      over = true;
      timer.cancel();
      done.run();
    }
  }

  boolean isOver() {
    return over;
  }

  /** The service is gone: nothing more is sent, every pidfd is closed, {@code done} never runs. */
  void abandon() {
    over = true;
    timer.cancel();
    for (int pidfd : left.keySet()) {
      host.unwatch(pidfd);
      os.close(pidfd);
    }
    left.clear();
  }
}
