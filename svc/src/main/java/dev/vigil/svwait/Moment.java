package dev.vigil.svwait;

import dev.vigil.common.Extension;
import dev.vigil.common.Phase;
import dev.vigil.common.Stage;
import dev.vigil.common.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A service's state as svwait's goals ask about it, read from one status record of any
 * supervisor (daemontools', runit's, vigil's) or inferred between two of them.
 *
 * @param up a process runs {@code ./run}: a pid, and not runit's (and vigil's) finish state,
 *     whose pid is {@code ./finish}'s (s6: "up" is a pid and not finishing)
 * @param ready up, and ready: where the record has vigil's readiness fields (layout 3), when they
 *     say since when; where it has none (daemontools, runit, vigil layouts 1 and 2), ready is up
 * @param finished no process, {@code ./finish} included, and none owed before the next start:
 *     runit's state byte says down (not finish); vigil's stage says down (not finishing, and not
 *     starting, which may be a start of {@code ./finish}); daemontools has no finish, so down is
 *     finished
 * @param pid the process the record names (0 if none, -1 for a process inferred, never seen)
 * @param startTicks vigil's start time of that process, which tells it from a recycled pid; 0
 *     where the record has none
 * @param starts vigil's count of starts of {@code ./run}; -1 where the record has none
 * @param tellsReadiness the record has vigil's readiness fields
 */
record Moment(boolean up, boolean ready, boolean finished, long pid, long startTicks, long starts,
    boolean tellsReadiness) {

  /** Down and finished, inferred: a new {@code ./run} starts only after the last one and its ./finish ended. */
  static final Moment FINISHED = new Moment(false, false, true, 0, 0, -1, false);

  static Moment of(Status s) {
    boolean finishing = s.phase() == Phase.FINISH;
    boolean up = s.pid() != 0 && !finishing;
    Optional<Extension> x = s.extension();
    Optional<Extension.Readiness> readiness = x.isPresent() ? x.get().readiness() : Optional.empty();
    Optional<Extension.Progress> progress = x.isPresent() ? x.get().progress() : Optional.empty();
    boolean ready = up && (readiness.isEmpty() || readiness.get().since().isPresent());
    boolean finished = s.pid() == 0 && !finishing && (progress.isEmpty() || progress.get().stage() == Stage.DOWN);
    return new Moment(up, ready, finished, s.pid(), x.isPresent() ? x.get().childStartTicks() : 0,
        x.isPresent() ? x.get().starts() : -1, readiness.isPresent());
  }

  /** An up whose record svwait never read: it was over before svwait looked. */
  private static Moment unseenUp(boolean tellsReadiness) {
    // ready only where ready means up: a service that says when it is ready was not seen say so
    return new Moment(true, !tellsReadiness, false, -1, 0, -1, tellsReadiness);
  }

  /** Whether this moment and {@code other} have the same process up. */
  private boolean sameUpProcess(Moment other) {
    return up && other.up && pid == other.pid && startTicks == other.startTicks;
  }

  /**
   * The moments a service went through from {@code before} to {@code after}, two records read one
   * after the other, {@code after} last. A supervisor writes a record at every change, but a
   * reader that looks after an event may find a later record already in place, so what the two
   * records prove happened in between is put back: a new process up means the old one went down
   * and finished first; more starts on vigil's counter than the records show mean a process came
   * up (and went) unseen. That is what s6-svwait's event stream would have shown (it gets every
   * event); one unseen start stands for several, as the goals ask "did it happen", not "how often".
   */
  static List<Moment> path(Moment before, Moment after) {
    List<Moment> path = new ArrayList<>(4);
    Moment last = before;
    boolean newUp = after.up && !after.sameUpProcess(before);
    long unseenStarts = before.starts >= 0 && after.starts >= 0
        ? after.starts - before.starts - (newUp ? 1 : 0)
        : 0;
    if (unseenStarts > 0) {
      if (!last.finished) {
        path.add(FINISHED);
      }
      last = unseenUp(after.tellsReadiness);
      path.add(last);
    }
    if (newUp && !last.finished) {
      path.add(FINISHED);
    }
    path.add(after);
    return path;
  }
}
