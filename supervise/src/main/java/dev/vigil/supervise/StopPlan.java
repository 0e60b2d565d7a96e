package dev.vigil.supervise;

import dev.vigil.common.os.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a child is taken down: signals to its process group with waits between them, in
 * start-stop-daemon's {@code --retry} terms. After each signal but KILL, CONT and STOP comes a
 * SIGCONT, so that a stopped process can act on it (as daemontools and s6 do). When the items
 * run out the child is waited for, however long it takes, unless the plan repeats.
 *
 * @param items what to do, in order
 * @param repeatFrom where to go on when the items run out (start-stop-daemon's {@code forever}),
 *     or -1: nothing more to do
 */
public record StopPlan(List<Item> items, int repeatFrom) {
  /** One thing to do. */
  public sealed interface Item {}

  /** Send this signal to the child's process group. */
  public record Send(Signal signal) implements Item {}

  /** Wait this long for the child to exit before going on. */
  public record Wait(long nanos) implements Item {}

  private static final long SECOND = 1_000_000_000L;

  public StopPlan {
    items = List.copyOf(items);
    if (repeatFrom >= 0 && items.subList(repeatFrom, items.size()).stream().noneMatch(i -> i instanceof Wait)) {
      // a repeat without a wait would signal in a busy loop: the plan just ends there
      repeatFrom = -1;
    }
  }

  /** What a shutdown does when the service says nothing: TERM, 2 seconds, KILL. */
  static StopPlan shutdown(long graceNanos) {
    return new StopPlan(List.of(new Send(Signal.TERM), new Wait(graceNanos), new Send(Signal.KILL)), -1);
  }

  /** s6's {@code down-signal} and {@code timeout-kill}: the signal, then KILL after the timeout (0: never). */
  static StopPlan s6(Signal downSignal, long timeoutKillNanos) {
    return timeoutKillNanos <= 0
        ? new StopPlan(List.of(new Send(downSignal)), -1)
        : new StopPlan(List.of(new Send(downSignal), new Wait(timeoutKillNanos), new Send(Signal.KILL)), -1);
  }

  /** Whether the plan ever sends KILL: one that does not could wait for ever. */
  boolean kills() {
    return items.contains(new Send(Signal.KILL));
  }

  /** This plan, and if it never kills, KILL {@code graceNanos} after its last item: a shutdown must end. */
  StopPlan endingInKill(long graceNanos) {
    if (kills()) {
      return this;
    }
    List<Item> all = new ArrayList<>(items);
    all.add(new Wait(graceNanos));
    all.add(new Send(Signal.KILL));
    return new StopPlan(all, -1);
  }

  /**
   * Parses start-stop-daemon's {@code --retry} argument: a number of seconds N (meaning
   * {@code SIGNAL/N/KILL/N}, SIGNAL being {@code signal}), or a schedule of at least two items
   * separated by slashes, each a signal ({@code TERM}, {@code -TERM}, {@code SIGTERM},
   * {@code 15}, {@code -15}), a number of seconds to wait, or {@code forever} (repeat the rest).
   *
   * @return the plan, or empty (with {@code why} filled in) if the text is none
   */
  static Optional<StopPlan> parse(String text, Signal signal, StringBuilder why) {
    String t = text.trim();
    if (t.matches("[0-9]+")) {
      long n = Long.parseLong(t) * SECOND;
      return Optional.of(new StopPlan(List.of(new Send(signal), new Wait(n), new Send(Signal.KILL), new Wait(n)), -1));
    }
    String[] words = t.split("/", -1);
    if (words.length < 2) {
      why.append("not SECONDS or SIGNAL/SECONDS/...");
      return Optional.empty();
    }
    List<Item> items = new ArrayList<>();
    int repeatFrom = -1;
    for (String w : words) {
      String word = w.trim();
      if (word.equals("forever")) {
        if (repeatFrom >= 0) {
          why.append("forever twice");
          return Optional.empty();
        }
        repeatFrom = items.size();
      } else if (word.matches("[0-9]+")) {
        items.add(new Wait(Long.parseLong(word) * SECOND));
      } else {
        Signal s = Signal.named(word.startsWith("-") ? word.substring(1) : word);
        if (s == null) {
          why.append("no signal or seconds: ").append(word);
          return Optional.empty();
        }
        items.add(new Send(s));
      }
    }
    if (repeatFrom == items.size()) {
      // forever at the end: nothing to repeat, wait as after any last item
      repeatFrom = -1;
    }
    return Optional.of(new StopPlan(items, repeatFrom));
  }
}
