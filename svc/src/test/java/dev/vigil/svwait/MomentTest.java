package dev.vigil.svwait;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.common.Extension;
import dev.vigil.common.Phase;
import dev.vigil.common.Stage;
import dev.vigil.common.Status;
import dev.vigil.common.Tai64n;
import dev.vigil.common.Want;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What each supervisor's record means to the goals, and what two records in a row prove. */
class MomentTest {
  private static final Tai64n T = Tai64n.ofUnix(1_700_000_000, 0);

  static Status daemontools(long pid) {
    return Status.daemontools(T, pid, false, Want.UP);
  }

  static Status runit(long pid, Phase phase) {
    return new Status(T, pid, false, Want.UP, false, phase, Optional.empty());
  }

  /** vigil's layout 2 record: a stage, no readiness. */
  static Status vigil(long pid, Stage stage, long starts) {
    return vigil(pid, stage, starts, Optional.empty());
  }

  /** vigil's layout 3 record when readiness is given. */
  static Status vigil(long pid, Stage stage, long starts, Optional<Extension.Readiness> readiness) {
    Phase phase = stage == Stage.FINISHING ? Phase.FINISH : pid == 0 ? Phase.DOWN : Phase.RUN;
    Extension.Progress p = new Extension.Progress(stage, 0, 0, T, Optional.empty());
    return new Status(T, pid, false, Want.UP, false, phase, Optional.of(
        new Extension(999, starts, OptionalInt.empty(), pid == 0 ? 0 : 1000 + pid, 5, Optional.of(p), readiness)));
  }

  static Optional<Extension.Readiness> readySince(Optional<Tai64n> since) {
    return Optional.of(new Extension.Readiness(since, false, ""));
  }

  /** up, ready, finished as three letters: {@code u} or {@code -}, {@code r} or {@code -}, {@code f} or {@code -}. */
  private static String flags(Moment m) {
    return (m.up() ? "u" : "-") + (m.ready() ? "r" : "-") + (m.finished() ? "f" : "-");
  }

  private static String flags(Status s) {
    return flags(Moment.of(s));
  }

  private static String path(Status before, Status after) {
    StringBuilder s = new StringBuilder();
    for (Moment m : Moment.path(Moment.of(before), Moment.of(after))) {
      s.append(s.length() == 0 ? "" : " ").append(flags(m)).append(m.pid() == -1 ? "?" : m == Moment.FINISHED ? "!" : "");
    }
    return s.toString();
  }

  @Test
  void daemontoolsHasNoFinishAndNoReadiness() {
    assertEquals("ur-", flags(daemontools(123)));
    assertEquals("--f", flags(daemontools(0)));
  }

  @Test
  void runitsFinishStateIsNeitherUpNorFinished() {
    assertEquals("ur-", flags(runit(123, Phase.RUN)));
    assertEquals("---", flags(runit(456, Phase.FINISH)));
    assertEquals("--f", flags(runit(0, Phase.DOWN)));
  }

  @Test
  void vigilsStagesSayWhetherDownIsFinished() {
    assertEquals("ur-", flags(vigil(123, Stage.UP, 1)));
    assertEquals("ur-", flags(vigil(123, Stage.STOPPING, 1)));
    assertEquals("---", flags(vigil(456, Stage.FINISHING, 1)));
    assertEquals("---", flags(vigil(0, Stage.STARTING, 1)), "a start out may be ./finish's");
    assertEquals("--f", flags(vigil(0, Stage.DOWN, 1)));
  }

  @Test
  void readyIsUpWhereTheRecordHasNoReadinessAndTheSinceWhereItHas() {
    assertEquals("ur-", flags(vigil(123, Stage.UP, 1)));
    assertEquals("u--", flags(vigil(123, Stage.UP, 1, readySince(Optional.empty()))));
    assertEquals("ur-", flags(vigil(123, Stage.UP, 1, readySince(Optional.of(T)))));
    assertEquals("--f", flags(vigil(0, Stage.DOWN, 1, readySince(Optional.of(T)))), "ready only while up");
  }

  @Test
  void aNewProcessMeansTheOldOneWentDownAndFinishedFirst() {
    assertEquals("--f! ur-", path(daemontools(123), daemontools(124)));
    assertEquals("--f! ur-", path(runit(456, Phase.FINISH), runit(124, Phase.RUN)));
    assertEquals("--f! ur-", path(vigil(0, Stage.STARTING, 1), vigil(124, Stage.UP, 2)));
    assertEquals("ur-", path(daemontools(0), daemontools(124)));
    assertEquals("ur-", path(daemontools(123), daemontools(123)), "the same process: nothing in between");
  }

  @Test
  void aRecycledPidIsANewProcessWhereTheRecordSaysWhenItStarted() {
    Status first = vigil(123, Stage.UP, 1);
    Extension x = first.extension().get();
    Status again = new Status(T, 123, false, Want.UP, false, Phase.RUN, Optional.of(new Extension(999, 2,
        OptionalInt.empty(), x.childStartTicks() + 1, 5, x.progress(), Optional.empty())));
    assertEquals("--f! ur-", path(first, again));
  }

  @Test
  void startsTheRecordsDoNotShowWereUpUnseen() {
    assertEquals("ur-? --f", path(vigil(0, Stage.DOWN, 3), vigil(0, Stage.DOWN, 4)));
    assertEquals("--f! ur-? --f", path(vigil(123, Stage.UP, 3), vigil(0, Stage.DOWN, 5)));
    assertEquals("--f! ur-? --f! ur-", path(vigil(123, Stage.UP, 3), vigil(124, Stage.UP, 5)));
    assertEquals("ur-", path(vigil(0, Stage.DOWN, 3), vigil(124, Stage.UP, 4)), "the one start is the one seen");
    assertEquals("--f", path(vigil(0, Stage.DOWN, 3), vigil(0, Stage.DOWN, 0)), "a new supervisor counts afresh");
  }

  @Test
  void anUnseenUpWasNotSeenReadyWhereTheServiceSaysWhenItIs() {
    Optional<Extension.Readiness> notYet = readySince(Optional.empty());
    assertEquals("u--? --f",
        path(vigil(0, Stage.DOWN, 3, notYet), vigil(0, Stage.DOWN, 4, notYet)));
  }

  @Test
  void goalsAsS6DefinesThem() {
    Moment up = Moment.of(daemontools(123));
    Moment upUnready = Moment.of(vigil(123, Stage.UP, 1, readySince(Optional.empty())));
    Moment finishing = Moment.of(runit(456, Phase.FINISH));
    Moment down = Moment.of(daemontools(0));
    List<Moment> moments = List.of(up, upUnready, finishing, down);
    // per goal, for each moment: met without a down before it, then met after one
    assertEquals("++ ++ -- --", table(Goal.UP, moments));
    assertEquals("++ -- -- --", table(Goal.READY, moments));
    assertEquals("-- -- ++ ++", table(Goal.DOWN, moments));
    assertEquals("-- -- -- ++", table(Goal.FINISHED, moments));
    assertEquals("-+ -+ -- --", table(Goal.RESTARTED, moments));
    assertEquals("-+ -- -- --", table(Goal.RESTARTED_READY, moments));
  }

  private static String table(Goal goal, List<Moment> moments) {
    StringBuilder s = new StringBuilder();
    for (Moment m : moments) {
      s.append(s.length() == 0 ? "" : " ").append(goal.metBy(m, false) ? '+' : '-').append(goal.metBy(m, true) ? '+' : '-');
    }
    return s.toString();
  }

  @Test
  void lettersAreS6s() {
    assertEquals("uUdDrR", Goal.letters());
  }
}
