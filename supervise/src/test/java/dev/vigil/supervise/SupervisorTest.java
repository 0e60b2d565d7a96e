package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Die;
import dev.vigil.common.Errno;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.Status;
import dev.vigil.common.Want;
import dev.vigil.common.os.Signal;
import dev.vigil.fixtures.FakeClock;
import dev.vigil.fixtures.FakeOs;
import dev.vigil.fixtures.Services;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event loop under {@link FakeOs} in simulated time: real status files, real FIFOs, no
 * processes and no waiting. Each test scripts what happens while the loop would block.
 */
class SupervisorTest {
  @TempDir Path root;

  private final FakeClock clock = new FakeClock();
  private final FakeOs os = new FakeOs(clock);
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private Supervisor supervisor;
  private ServiceDir dir;

  @BeforeEach
  void setUp() throws IOException {
    dir = new Services(root).sleeper("svc");
    supervisor = new Supervisor(os, clock, new PrintStream(stderr, true, StandardCharsets.UTF_8));
  }

  /** Runs the loop until supervise exits (0) or would block forever with nothing scripted (-1). */
  private int runLoop() {
    try {
      return supervisor.run();
    } catch (FakeOs.Idle idle) {
      return -1;
    }
  }

  private Status status() throws IOException {
    return dir.readStatus();
  }

  private String pidFile() throws IOException {
    return Files.readString(dir.pid());
  }

  private void send(String commands) {
    os.write(dir.control(), commands);
  }

  private String warnings() {
    return stderr.toString(StandardCharsets.UTF_8);
  }

  @Test
  void startsTheServiceAndRecordsItInStatusAndPidFile() throws IOException {
    supervisor.add(dir);
    FakeOs.FakeChild child = os.last();
    Status s = status();
    assertEquals(child.pid, s.pid());
    assertEquals(Want.UP, s.want());
    assertEquals(1, s.extension().orElseThrow().starts());
    assertEquals(ProcessHandle.current().pid(), s.extension().orElseThrow().supervisorPid());
    assertEquals(4242 + child.pid, s.extension().orElseThrow().childStartTicks());
    assertEquals(child.pid + "\n", pidFile());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.supervise())));
    assertEquals(-1, runLoop(), "with nothing to do the loop blocks with no timeout");
  }

  @Test
  void aDownFileKeepsTheServiceDownUntilUp() throws IOException {
    Files.createFile(dir.down());
    os.then(() -> send("u"));
    supervisor.add(dir);
    assertEquals(0, status().pid());
    assertEquals(Want.DOWN, status().want());
    assertEquals("", pidFile());
    assertEquals(-1, runLoop());
    assertEquals(1, os.spawned().size());
    assertEquals(os.last().pid, status().pid());
  }

  @Test
  void eachSignalLetterReachesTheChildInOrder() throws IOException {
    os.then(() -> send("haiqw12zZ\0\n?"));
    supervisor.add(dir);
    FakeOs.FakeChild child = os.last();
    for (Signal s : List.of(Signal.HUP, Signal.ALRM, Signal.INT, Signal.QUIT, Signal.WINCH,
        Signal.USR1, Signal.USR2)) {
      os.ignore(child.pid, s);
    }
    assertEquals(-1, runLoop());
    assertEquals(List.of(Signal.HUP, Signal.ALRM, Signal.INT, Signal.QUIT, Signal.WINCH,
        Signal.USR1, Signal.USR2), child.received, "bytes that name no command are ignored");
    assertEquals(1, os.spawned().size());
  }

  @Test
  void pauseAndContinueAreRecordedAndSent() throws IOException {
    List<Boolean> pausedSeen = new ArrayList<>();
    os.then(() -> send("p"))
        .then(() -> pausedSeen.add(readPaused()))
        .then(() -> send("c"))
        .then(() -> pausedSeen.add(readPaused()));
    supervisor.add(dir);
    assertEquals(-1, runLoop());
    assertEquals(List.of(true, false), pausedSeen);
    assertEquals(List.of(Signal.STOP, Signal.CONT), os.last().received);
  }

  private boolean readPaused() {
    try {
      return status().paused();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void downSendsTermThenContAndDoesNotRestart() throws IOException {
    os.then(() -> send("d"));
    supervisor.add(dir);
    FakeOs.FakeChild child = os.last();
    assertEquals(-1, runLoop());
    assertEquals(List.of(Signal.TERM, Signal.CONT), child.received);
    assertEquals(1, os.spawned().size());
    Status s = status();
    assertEquals(0, s.pid());
    assertEquals(Want.DOWN, s.want());
    assertEquals(15, s.extension().orElseThrow().lastExit().getAsInt(), "killed by SIGTERM");
    assertEquals("", pidFile());
  }

  @Test
  void aChildThatRanOverASecondIsRestartedAtOnce() throws IOException {
    supervisor.add(dir);
    long first = os.last().pid;
    os.then(() -> {
      clock.advance(Duration.ofSeconds(5));
      os.exit(first, 3 << 8);
    });
    long before = clock.elapsed();
    assertEquals(-1, runLoop());
    assertEquals(2, os.spawned().size());
    assertEquals(Duration.ofSeconds(5).toNanos(), clock.elapsed() - before, "no delay before the restart");
    Status s = status();
    assertEquals(os.last().pid, s.pid());
    assertEquals(3 << 8, s.extension().orElseThrow().lastExit().getAsInt());
    assertEquals(2, s.extension().orElseThrow().starts());
  }

  @Test
  void aChildThatDiesEarlyIsRestartedOneSecondAfterItsStart() throws IOException {
    supervisor.add(dir);
    FakeOs.FakeChild first = os.last();
    os.then(() -> {
      clock.advance(Duration.ofMillis(300));
      os.exit(first.pid, 0);
    });
    assertEquals(-1, runLoop());
    assertEquals(2, os.spawned().size());
    assertEquals(1_000_000_000L, os.last().spawnedAt - first.spawnedAt);
  }

  @Test
  void downAndExitDuringTheThrottleTakeEffectAtOnceWithNoExtraStart() throws IOException {
    supervisor.add(dir);
    long first = os.last().pid;
    os.then(() -> {
      clock.advance(Duration.ofMillis(300));
      os.exit(first, 0);
    }).then(() -> {
      clock.advance(Duration.ofMillis(50));
      send("dx");
    });
    assertEquals(0, runLoop());
    assertEquals(1, os.spawned().size(), "no start after -dx");
    assertEquals(350_000_000L, clock.elapsed());
    assertEquals(Want.DOWN, status().want());
    assertEquals(0, status().pid());
    assertTrue(os.openFds().isEmpty(), "every descriptor released: " + os.openFds());
  }

  @Test
  void exitWaitsForTheChildThenExitsWithoutRestarting() throws IOException {
    supervisor.add(dir);
    long child = os.last().pid;
    os.then(() -> send("x")).then(() -> {
      clock.advance(Duration.ofSeconds(3));
      os.exit(child, 0);
    });
    assertEquals(0, runLoop());
    assertEquals(1, os.spawned().size());
    assertEquals(Want.UP, status().want(), "x does not change want, as in daemontools");
  }

  @Test
  void onceRunsTheChildButDoesNotRestartIt() throws IOException {
    Files.createFile(dir.down());
    os.then(() -> send("o")).then(() -> os.exit(os.last().pid, 0));
    supervisor.add(dir);
    assertEquals(-1, runLoop());
    assertEquals(1, os.spawned().size());
    assertEquals(Want.NONE, status().want());
    assertEquals(0, status().pid());
  }

  @Test
  void anExecFailureWarnsStaysDownAndIsRetriedEverySecond() throws IOException {
    Path run = dir.run();
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rw-r--r--"));
    Runnable oneSecond = () -> clock.advance(Duration.ofSeconds(1));
    os.then(oneSecond).then(oneSecond).then(oneSecond).then(() -> {
      try {
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });
    supervisor.add(dir);
    assertEquals(0, status().pid());
    assertEquals(Want.UP, status().want());
    assertEquals(-1, runLoop());
    String warning = "supervise: warning: unable to start " + dir.name() + "/run: access denied\n";
    assertEquals(warning.repeat(4), warnings(), "at 0, 1, 2 and 3 s");
    assertEquals(1, os.spawned().size(), "started once the file was fixed");
    assertEquals(4_000_000_000L, os.last().spawnedAt, "at the first deadline after the fix");
    assertEquals(os.last().pid, status().pid());
  }

  @Test
  void aRunFileWithoutShebangFailsWithExecFormatError() throws IOException {
    Files.writeString(dir.run(), "exec sleep 1\n");
    os.then(() -> send("dx"));
    supervisor.add(dir);
    assertEquals(0, runLoop());
    assertEquals("supervise: warning: unable to start " + dir.name() + "/run: exec format error\n", warnings());
  }

  @Test
  void terminateTakesTheChildDownThenExits() throws IOException {
    os.then(supervisor::terminate);
    supervisor.add(dir);
    FakeOs.FakeChild child = os.last();
    assertEquals(0, runLoop());
    assertEquals(List.of(Signal.TERM, Signal.CONT), child.received);
    assertEquals(0, status().pid());
    assertEquals(Want.DOWN, status().want());
    assertTrue(os.openFds().isEmpty(), "every descriptor released: " + os.openFds());
  }

  @Test
  void terminateKillsAChildThatIgnoresTermAfterTheGracePeriod() throws IOException {
    supervisor.add(dir);
    FakeOs.FakeChild child = os.last();
    os.ignore(child.pid, Signal.TERM);
    os.then(supervisor::terminate).then(() -> send("u"));
    long before = clock.elapsed();
    assertEquals(0, runLoop());
    assertEquals(List.of(Signal.TERM, Signal.CONT, Signal.KILL), child.received);
    assertEquals(Machine.SHUTDOWN_GRACE_NANOS, clock.elapsed() - before);
    assertEquals(Want.DOWN, status().want(), "u cannot undo a shutdown");
    assertEquals(9, status().extension().orElseThrow().lastExit().getAsInt());
  }

  @Test
  void aBurstIsHandledInOrderAndNothingIsLost() throws IOException {
    os.then(() -> send("uhaitkdx"));
    supervisor.add(dir);
    FakeOs.FakeChild child = os.last();
    os.ignore(child.pid, Signal.HUP);
    os.ignore(child.pid, Signal.ALRM);
    os.ignore(child.pid, Signal.INT);
    os.ignore(child.pid, Signal.TERM);
    assertEquals(0, runLoop());
    // the whole burst is read before the killed child is reaped, so d still signals it (a
    // zombie: harmless); x then exits once it is reaped, and nothing restarts it
    assertEquals(List.of(Signal.HUP, Signal.ALRM, Signal.INT, Signal.TERM, Signal.KILL,
        Signal.TERM, Signal.CONT), child.received);
    assertEquals(1, os.spawned().size());
  }

  @Test
  void aSecondSupervisorOnTheSameDirectoryIsRefused() {
    supervisor.add(dir);
    Supervisor second = new Supervisor(os, clock, new PrintStream(new ByteArrayOutputStream(), true));
    Die d = assertThrows(Die.class, () -> second.add(dir));
    assertEquals("fatal: unable to acquire " + dir.name() + "/supervise/lock: temporary failure", d.getMessage());
    assertEquals(111, d.exit);
  }

  @Test
  void aControlFileThatIsNotAFifoIsRefused() throws IOException {
    Files.createDirectories(dir.supervise());
    Files.writeString(dir.control(), "d");
    Die d = assertThrows(Die.class, () -> supervisor.add(dir));
    assertEquals("fatal: unable to read " + dir.name() + "/supervise/control: not a named pipe", d.getMessage());
  }

  @Test
  void aMissingDirectoryIsRefusedWithDaemontoolsWording() {
    Die d = assertThrows(Die.class, () -> supervisor.add(ServiceDir.of(root.resolve("nope").toString())));
    assertEquals("fatal: unable to chdir to " + root.resolve("nope") + ": file does not exist", d.getMessage());
    assertEquals(111, d.exit);
  }

  @Test
  void spawnFailuresOfAnyKindAreRetried() throws IOException {
    os.failNextSpawn(Errno.EAGAIN);
    os.then(() -> clock.advance(Duration.ofMillis(999)));
    supervisor.add(dir);
    assertEquals(-1, runLoop());
    assertEquals("supervise: warning: unable to start " + dir.name() + "/run: temporary failure\n", warnings());
    assertEquals(1, os.spawned().size());
  }
}
