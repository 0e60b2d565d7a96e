package dev.vigil.svc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.Status;
import dev.vigil.common.Tai64n;
import dev.vigil.common.Want;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Backgrounded;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.FakeSupervisor;
import dev.vigil.fixtures.ServiceTest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code svc -W STATE [-T MS]}: the commands go out after the watch began, then svc waits as
 * svwait does. Against a fake supervisor: the test reads what arrives on supervise/control and
 * answers with the record a supervisor would write.
 */
class SvcWaitTest extends ServiceTest {
  private static final Captured MET = new Captured(0, "", "");

  private final List<AutoCloseable> taps = new ArrayList<>();
  private final List<Backgrounded> waits = new ArrayList<>();

  @AfterEach
  void closeTapsAndWaits() throws Exception {
    for (Backgrounded b : waits) {
      b.assertEnded(Duration.ofSeconds(5));
    }
    for (AutoCloseable t : taps) {
      t.close();
    }
  }

  private static Captured svc(String... args) {
    return Captured.of(Main::run, args);
  }

  private Backgrounded waiting(String... args) {
    Backgrounded b = Backgrounded.waiting(Main::run, args);
    waits.add(b);
    return b;
  }

  private static Status record(long pid) {
    return Status.daemontools(Tai64n.now(), pid, false, pid == 0 ? Want.DOWN : Want.UP);
  }

  private ServiceDir supervised(String name, long pid) throws IOException {
    ServiceDir dir = services.empty(name);
    FakeSupervisor.start(dir, processes);
    FakeSupervisor.write(dir, record(pid));
    return dir;
  }

  private ControlTap tap(ServiceDir dir) throws IOException {
    ControlTap t = new ControlTap(dir);
    taps.add(t);
    return t;
  }

  /** What has arrived on the tap, once something has. */
  private static String commands(ControlTap tap) {
    return Await.value("commands on supervise/control", () -> {
      try {
        return tap.drain();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, s -> !s.isEmpty());
  }

  @Test
  void sendsThenWaits() throws IOException {
    ServiceDir dir = supervised("app", 123);
    ControlTap control = tap(dir);
    Backgrounded svc = waiting("-d", "-W", "d", dir.name());
    assertEquals("d", commands(control));
    FakeSupervisor.write(dir, record(0));
    assertEquals(MET, svc.result());
  }

  @Test
  void restartedComparesWithTheStateBeforeTheCommands() throws IOException {
    ServiceDir dir = supervised("app", 123);
    ControlTap control = tap(dir);
    Backgrounded svc = waiting("-tWr", dir.name());
    assertEquals("t", commands(control));
    FakeSupervisor.write(dir, record(124)); // the new child; its predecessor's down went unseen
    assertEquals(MET, svc.result());
  }

  @Test
  void aGoalMetAlreadyEndsAtOnce() throws IOException {
    ServiceDir dir = supervised("app", 0);
    ControlTap control = tap(dir);
    assertEquals(MET, svc("-W", "D", "-d", dir.name()));
    assertEquals("d", control.drain());
  }

  @Test
  void timesOutAsSvwait() throws IOException {
    ServiceDir dir = supervised("app", 0);
    ControlTap control = tap(dir);
    long start = System.nanoTime();
    assertEquals(new Captured(99, "", "svc: fatal: timed out\n"), svc("-u", "-Wu", "-T200", dir.name()));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(ms >= 200 && ms < 2000, ms + " ms");
    assertEquals("u", control.drain());
  }

  @Test
  void notSupervisedWarnsThenFails() throws IOException {
    ServiceDir dir = services.empty("app");
    FakeSupervisor.start(dir, processes).close();
    FakeSupervisor.write(dir, record(0));
    assertEquals(new Captured(102, "", "svc: warning: unable to control " + dir.name() + ": supervise not running\n"
        + "svc: fatal: unable to wait for " + dir.name() + ": supervise not running\n"), svc("-u", "-W", "u", dir.name()));
  }

  @Test
  void aDirectoryThatCannotBeWatchedStopsEverythingBeforeAnyCommand() throws IOException {
    ServiceDir ok = supervised("ok", 0);
    ControlTap control = tap(ok);
    String missing = root.resolve("missing").toString();
    assertEquals(new Captured(111, "", "svc: fatal: unable to chdir to " + missing + ": file does not exist\n"),
        svc("-u", "-W", "u", ok.name(), missing));
    assertEquals("", control.drain());
  }

  @Test
  void usageErrors() {
    assertEquals(new Captured(100, "", "svc: illegal -W state: x\n" + SvcTest.USAGE), svc("-W", "x", "dir"));
    assertEquals(new Captured(100, "", "svc: illegal -W state: uu\n" + SvcTest.USAGE), svc("-Wuu", "dir"));
    assertEquals(new Captured(100, "", "svc: option requires an argument -- W\n" + SvcTest.USAGE), svc("-uW"));
    assertEquals(new Captured(100, "", "svc: illegal -T timeout: 5s\n" + SvcTest.USAGE), svc("-Wu", "-T", "5s", "dir"));
  }

  @Test
  void theTimeoutAloneChangesNothing() throws IOException {
    ServiceDir dir = supervised("app", 0);
    ControlTap control = tap(dir);
    assertEquals(MET, svc("-T", "10", "-h", dir.name()));
    assertEquals("h", control.drain());
  }
}
