package dev.vigil.svwait;

import static dev.vigil.svwait.MomentTest.daemontools;
import static dev.vigil.svwait.MomentTest.readySince;
import static dev.vigil.svwait.MomentTest.runit;
import static dev.vigil.svwait.MomentTest.vigil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Phase;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.Stage;
import dev.vigil.common.Status;
import dev.vigil.common.Tai64n;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Backgrounded;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.FakeSupervisor;
import dev.vigil.fixtures.ServiceTest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * svwait in-process against a fake supervisor (a real process holding the lock) whose records the
 * test renames into place as a supervisor does. A wait under way ({@link Backgrounded}) is parked
 * in the watch's poll when the test changes the record, so each wake-up is the watch's doing.
 */
class SvwaitTest extends ServiceTest {
  private static final String USAGE = "svwait: usage: svwait [-U|-u|-D|-d|-R|-r] [-a|-o] [-t timeout] dir ...\n";
  private static final Captured MET = new Captured(0, "", "");
  /** Longer than the period in which svwait notices a supervisor gone. */
  private static final Duration LIVENESS_ROUND = Duration.ofNanos(Waiter.LIVENESS_PERIOD_NANOS).plusMillis(500);

  private final List<Backgrounded> waits = new ArrayList<>();

  @AfterEach
  void noWaitLeft() throws InterruptedException {
    for (Backgrounded b : waits) {
      b.assertEnded(Duration.ofSeconds(5)); // every wait ends: met, timed out or its supervisor gone
    }
  }

  private static Captured svwait(String... args) {
    return Captured.of(Main::run, args);
  }

  /** A service with a fake supervisor and {@code record} in place. */
  private ServiceDir supervised(String name, Status record) throws IOException {
    ServiceDir dir = services.empty(name);
    FakeSupervisor.start(dir, processes);
    write(dir, record);
    return dir;
  }

  /** The directory {@code name} of the test's root, as svwait is given it. */
  private String dir(String name) {
    return root.resolve(name).toString();
  }

  /** The same as {@link #supervised}, for a test that stops the supervisor: it is returned. */
  private FakeSupervisor supervisedBy(String name, Status record) throws IOException {
    ServiceDir dir = services.empty(name);
    FakeSupervisor fake = FakeSupervisor.start(dir, processes);
    write(dir, record);
    return fake;
  }

  private static void write(ServiceDir dir, Status record) throws IOException {
    FakeSupervisor.write(dir, record);
  }

  private Backgrounded waiting(String... args) {
    Backgrounded b = Backgrounded.waiting(Main::run, args);
    waits.add(b);
    return b;
  }

  @Test
  void aGoalMetAlreadyEndsTheWaitAtOnce() throws IOException {
    ServiceDir up = supervised("up", daemontools(123));
    ServiceDir down = supervised("down", daemontools(0));
    assertEquals(MET, svwait(up.name()), "-u is the default");
    assertEquals(MET, svwait("-u", up.name()));
    assertEquals(MET, svwait("-U", up.name()), "no readiness in the record: ready is up");
    assertEquals(MET, svwait("-d", down.name()));
    assertEquals(MET, svwait("-D", down.name()));
  }

  @Test
  void upWaitsForAStart() throws IOException {
    ServiceDir dir = supervised("app", daemontools(0));
    Backgrounded w = waiting("-u", dir.name());
    write(dir, daemontools(123));
    assertEquals(MET, w.result());
  }

  @Test
  void downWaitsForTheProcessToGo() throws IOException {
    ServiceDir dir = supervised("app", runit(123, Phase.RUN));
    Backgrounded w = waiting("-d", dir.name());
    write(dir, runit(123, Phase.RUN)); // a record with no change: the wait goes on
    write(dir, runit(456, Phase.FINISH));
    assertEquals(MET, w.result(), "./finish running is down");
  }

  @Test
  void finishedWaitsForFinishToEnd() throws IOException {
    ServiceDir dir = supervised("app", vigil(456, Stage.FINISHING, 1));
    assertEquals(MET, svwait("-d", dir.name()));
    Backgrounded w = waiting("-D", dir.name());
    write(dir, vigil(0, Stage.STARTING, 1));
    Await.holds("svwait to wait on while a start is out", () -> !w.isDone(), Duration.ofMillis(100));
    write(dir, vigil(0, Stage.DOWN, 1));
    assertEquals(MET, w.result());
  }

  @Test
  void readyWaitsForTheServiceToSaySo() throws IOException {
    ServiceDir dir = supervised("app", vigil(123, Stage.UP, 1, readySince(Optional.empty())));
    Backgrounded w = waiting("-U", dir.name());
    write(dir, vigil(123, Stage.UP, 1, readySince(Optional.of(Tai64n.now()))));
    assertEquals(MET, w.result());
  }

  @Test
  void restartedIsANewProcessEvenIfTheDownWasNeverSeen() throws IOException {
    ServiceDir dir = supervised("app", daemontools(123));
    Backgrounded w = waiting("-r", dir.name());
    write(dir, daemontools(124)); // down and up again before svwait looked
    assertEquals(MET, w.result());
  }

  @Test
  void restartedFromDownIsAStart() throws IOException {
    ServiceDir dir = supervised("app", daemontools(0));
    Backgrounded w = waiting("-r", dir.name()); // the down it was in counts as the down of a restart
    write(dir, daemontools(123));
    assertEquals(MET, w.result());
  }

  @Test
  void aDownThatCameAndWentBeforeTheReadStillCounts() throws IOException {
    ServiceDir dir = supervised("app", daemontools(123));
    try (Waiter waiter = Waiter.watch(List.of(dir), Goal.DOWN, false)) {
      write(dir, daemontools(0));
      write(dir, daemontools(124)); // both renames before the wait reads: it finds only this one
      waiter.await(5000);
    }
  }

  @Test
  void timesOut() throws IOException {
    ServiceDir dir = supervised("app", daemontools(0));
    long start = System.nanoTime();
    assertEquals(new Captured(99, "", "svwait: fatal: timed out\n"), svwait("-u", "-t", "300", dir.name()));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(ms >= 300 && ms < 2000, ms + " ms");
  }

  @Test
  void aSupervisorKilledEndsTheWaitWithinTheLivenessPeriod() throws IOException {
    FakeSupervisor fake = supervisedBy("app", daemontools(0));
    Backgrounded w = waiting("-u", dir("app"));
    long start = System.nanoTime();
    fake.close();
    assertEquals(new Captured(102, "", "svwait: fatal: unable to wait for " + dir("app") + ": supervise not running\n"),
        w.result());
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(ms < 2000, "noticed after " + ms + " ms (the period is 1000)");
  }

  @Test
  void theLastRecordOfAnExitingSupervisorCounts() throws IOException {
    FakeSupervisor fake = supervisedBy("app", daemontools(123));
    ServiceDir dir = ServiceDir.of(dir("app"));
    Backgrounded w = waiting("-d", dir.name());
    write(dir, daemontools(0));
    fake.close(); // svc -dx: the down record, then the supervisor goes
    assertEquals(MET, w.result());
  }

  @Test
  void withoutASupervisorOnlyAGoalMetAlreadyEndsWell() throws IOException {
    FakeSupervisor fake = supervisedBy("app", daemontools(0));
    fake.close();
    ServiceDir dir = ServiceDir.of(dir("app"));
    assertEquals(MET, svwait("-d", dir.name()));
    assertEquals(new Captured(102, "", "svwait: fatal: unable to wait for " + dir.name() + ": supervise not running\n"),
        svwait("-u", dir.name()));
  }

  @Test
  void oneOfTwo() throws IOException {
    ServiceDir a = supervised("a", daemontools(0));
    ServiceDir b = supervised("b", daemontools(0));
    Backgrounded w = waiting("-o", "-u", a.name(), b.name());
    write(b, daemontools(123));
    assertEquals(MET, w.result());
  }

  @Test
  void allOfTwoAtOnce() throws IOException {
    ServiceDir a = supervised("a", daemontools(0));
    ServiceDir b = supervised("b", daemontools(0));
    Backgrounded w = waiting("-u", a.name(), b.name());
    write(a, daemontools(123));
    Await.holds("svwait to wait for b", () -> !w.isDone(), Duration.ofMillis(100));
    write(b, daemontools(124));
    assertEquals(MET, w.result());
  }

  @Test
  void withOneOfTwoTheOtherSupervisorMayStillMeetIt() throws IOException {
    FakeSupervisor fakeA = supervisedBy("a", daemontools(0));
    FakeSupervisor fakeB = supervisedBy("b", daemontools(0));
    Backgrounded w = waiting("-o", dir("a"), dir("b"));
    fakeA.close();
    Await.holds("svwait to wait on for b past a liveness round", () -> !w.isDone(), LIVENESS_ROUND);
    write(ServiceDir.of(dir("b")), daemontools(123));
    assertEquals(MET, w.result());
    fakeB.close();
  }

  @Test
  void withOneOfTwoAllSupervisorsGoneEndsTheWait() throws IOException {
    FakeSupervisor fakeA = supervisedBy("a", daemontools(0));
    FakeSupervisor fakeB = supervisedBy("b", daemontools(0));
    Backgrounded w = waiting("-o", dir("a"), dir("b"));
    fakeA.close();
    fakeB.close();
    assertEquals(102, w.result().exit());
  }

  @Test
  void aGoneSupervisorsServiceThatMetTheGoalStillCounts() throws IOException {
    FakeSupervisor fakeA = supervisedBy("a", daemontools(0));
    ServiceDir b = supervised("b", daemontools(123));
    Backgrounded w = waiting("-d", dir("a"), b.name());
    fakeA.close();
    Await.holds("svwait to wait on for b past a liveness round", () -> !w.isDone(), LIVENESS_ROUND);
    write(b, daemontools(0));
    assertEquals(MET, w.result());
  }

  @Test
  void usageErrorsAreOneLine() {
    assertEquals(new Captured(100, "", USAGE), svwait("-x", "dir"));
    assertEquals(new Captured(100, "", USAGE), svwait("-t"));
    assertEquals(new Captured(100, "", USAGE), svwait("-t", "1s", "dir"));
    assertEquals(new Captured(100, "", USAGE), svwait("-t", "-1", "dir"));
    assertEquals(new Captured(100, "", USAGE), svwait("-t", "", "dir"));
  }

  @Test
  void noDirectoryNothingToWaitFor() {
    assertEquals(MET, svwait());
    assertEquals(MET, svwait("-d", "-t", "10"));
    assertEquals(MET, svwait("-o"));
    try (Waiter none = Waiter.watch(List.of(), Goal.UP, true)) {
      none.await(0); // returns: one of none is as met as all of none
    }
  }

  @Test
  void directoriesThatCannotBeWatched() throws IOException {
    assertEquals(new Captured(111, "", "svwait: fatal: unable to chdir to nowhere: file does not exist\n"),
        svwait("nowhere"));
    // the test JVM's working directory is not the root: "nowhere" is missing there too
    ServiceDir bare = services.empty("bare");
    assertEquals(new Captured(111, "", "svwait: fatal: unable to watch " + bare.name() + "/supervise: file does not exist\n"),
        svwait(bare.name()));
    ServiceDir fresh = services.empty("fresh");
    FakeSupervisor.start(fresh, processes);
    assertEquals(new Captured(111, "", "svwait: fatal: unable to open " + fresh.name() + "/supervise/status: file does not exist\n"),
        svwait(fresh.name()));
  }
}
