package dev.vigil.svstat;

import static dev.vigil.fixtures.PeerSupervisor.Kind.RUNIT;
import static dev.vigil.fixtures.PeerSupervisor.childPid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.Status;
import dev.vigil.common.StatusCodec;
import dev.vigil.common.Tai64n;
import dev.vigil.common.Want;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.PeerSupervisor;
import dev.vigil.fixtures.Peers;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.ServiceTest;
import dev.vigil.svok.Svok;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our svstat and svok against daemontools' on the same directories: driven by the C svc through
 * every state of a real daemontools supervise and runit runsv, and on every broken directory.
 * Output must be identical but for the seconds; svok's exit code and messages identical.
 */
class InteropTest extends ServiceTest {
  /** Both sides run with the same working directory, so relative names mean the same. */
  private static final Path CWD = Path.of("").toAbsolutePath();


  private static Captured daemontools(String program, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Peers.require(program)));
    command.addAll(List.of(args));
    return Processes.run(CWD, command);
  }

  /** The C svc, which must accept the command silently. */
  private static void svc(String options, ServiceDir dir) throws IOException {
    assertEquals(new Captured(0, "", ""), daemontools("svc", options, dir.name()), "svc " + options);
  }

  /** Our svstat prints what daemontools svstat prints but for the seconds; svok exits the same. */
  private static void assertSameAsDaemontools(String... dirs) throws IOException {
    Captured theirs = daemontools("svstat", dirs);
    Captured ours = Captured.of(Main::run, dirs);
    assertEquals(theirs.normalizingSeconds(), ours.normalizingSeconds(), "svstat");
    for (String dir : dirs) {
      assertEquals(daemontools("svok", dir), Svok.run(dir), "svok " + dir);
    }
  }

  /** Waits until daemontools svstat shows {@code state}, then compares; returns svstat's line. */
  private static String at(PeerSupervisor peer, ServiceDir dir, String state) throws IOException {
    String line = peer.await(state);
    assertSameAsDaemontools(dir.name());
    return line;
  }

  private static void exitsAndIsNotRunning(PeerSupervisor peer, ServiceDir dir) throws IOException {
    svc("-dx", dir);
    assertEquals(0, peer.awaitExit());
    assertEquals(dir.name() + ": supervise not running\n", peer.svstat());
    assertSameAsDaemontools(dir.name());
  }

  @ParameterizedTest
  @EnumSource(PeerSupervisor.Kind.class)
  void lifecycle(PeerSupervisor.Kind kind) throws IOException {
    ServiceDir dir = services.sleeper("service");
    PeerSupervisor peer = PeerSupervisor.start(kind, dir, services, processes);
    long pid = childPid(at(peer, dir, "up (pid P) S seconds"));

    svc("-d", dir);
    at(peer, dir, "down S seconds, normally up");
    svc("-u", dir);
    pid = childPid(peer.await("up (pid P) S seconds", pid));
    assertSameAsDaemontools(dir.name());
    svc("-p", dir);
    assertEquals(pid, childPid(at(peer, dir, "up (pid P) S seconds, paused")));
    svc("-c", dir);
    assertEquals(pid, childPid(at(peer, dir, "up (pid P) S seconds")));
    svc("-k", dir);
    pid = childPid(peer.await("up (pid P) S seconds", pid));
    assertSameAsDaemontools(dir.name());

    svc("-d", dir);
    at(peer, dir, "down S seconds, normally up");
    svc("-o", dir);
    // runsv records "once" as want down (spec §9.1), and daemontools svstat says so
    at(peer, dir, kind == RUNIT ? "up (pid P) S seconds, want down" : "up (pid P) S seconds");
    svc("-k", dir);
    at(peer, dir, "down S seconds, normally up");

    exitsAndIsNotRunning(peer, dir);
  }

  @ParameterizedTest
  @EnumSource(PeerSupervisor.Kind.class)
  void wantDownWhileTheChildIgnoresTerm(PeerSupervisor.Kind kind) throws IOException {
    ServiceDir dir = services.stubborn("stubborn");
    PeerSupervisor peer = PeerSupervisor.start(kind, dir, services, processes);
    long pid = childPid(at(peer, dir, "up (pid P) S seconds"));
    Await.until("run script to ignore TERM", () -> services.logged(pid));

    svc("-d", dir);
    assertEquals(pid, childPid(at(peer, dir, "up (pid P) S seconds, want down")));
    svc("-k", dir);
    at(peer, dir, "down S seconds, normally up");

    exitsAndIsNotRunning(peer, dir);
  }

  @ParameterizedTest
  @EnumSource(PeerSupervisor.Kind.class)
  void normallyDown(PeerSupervisor.Kind kind) throws IOException {
    ServiceDir dir = services.sleeper("lazy");
    Files.createFile(dir.down());
    PeerSupervisor peer = PeerSupervisor.start(kind, dir, services, processes);
    at(peer, dir, "down S seconds");

    svc("-u", dir);
    at(peer, dir, "up (pid P) S seconds, normally down");
    svc("-p", dir);
    at(peer, dir, "up (pid P) S seconds, normally down, paused");
    svc("-d", dir);
    at(peer, dir, "down S seconds");
    svc("-o", dir);
    at(peer, dir, kind == RUNIT ? "up (pid P) S seconds, normally down, want down" : "up (pid P) S seconds, normally down");

    exitsAndIsNotRunning(peer, dir);
  }

  /**
   * Every broken directory daemontools reads as we do, at once in one svstat call, and each
   * through svok; then a relative name, the empty name and an option-like name.
   */
  @Test
  void brokenDirectoriesReadAsDaemontoolsReadsThem() throws Exception {
    List<String> dirs = new ArrayList<>();
    for (Arguments a : BrokenServices.all().filter(a -> (Boolean) a.get()[3]).toList()) {
      BrokenServices.Layout layout = (BrokenServices.Layout) a.get()[1];
      dirs.add(layout.make(services, processes, "broken" + dirs.size()).toString());
    }
    ServiceDir relative = BrokenServices.supervised(services, processes, "relative");
    Files.write(relative.status(), StatusCodec.encode(Status.daemontools(Tai64n.now(), 42, true, Want.DOWN)));
    dirs.add(CWD.relativize(relative.path()).toString());
    dirs.add("");
    dirs.add("-x");
    assertSameAsDaemontools(dirs.toArray(String[]::new));
  }

  @ParameterizedTest(name = "pid {0} paused {1} want {2} down file {3}: {4}")
  @MethodSource("dev.vigil.svstat.StatusMatrix#rows")
  void matrixAsDaemontoolsPrintsIt(long pid, boolean paused, Want want, boolean downFile, String line)
      throws Exception {
    ServiceDir dir = BrokenServices.supervised(services, processes, "service");
    if (downFile) {
      Files.createFile(dir.down());
    }
    Files.write(dir.status(), StatusCodec.encode(Status.daemontools(
        Tai64n.ofUnix(System.currentTimeMillis() / 1000 - StatusMatrix.AGE, 0), pid, paused, want)));
    assertEquals(dir.name() + ": " + line.replace("5 seconds", "S seconds") + "\n",
        daemontools("svstat", dir.name()).normalizingSeconds().out());
    assertSameAsDaemontools(dir.name());
  }

  /** Exact, seconds included: a zeroed label is about 2^62 seconds old, printed through a double. */
  @Test
  void zeroedLabelAsDaemontoolsPrintsIt() throws Exception {
    ServiceDir dir = BrokenServices.supervised(services, processes, "service");
    byte[] zeroed = new byte[StatusCodec.DAEMONTOOLS_SIZE];
    zeroed[12] = (byte) 0xff; // pid 0xffffffff, printed unsigned
    zeroed[13] = (byte) 0xff;
    zeroed[14] = (byte) 0xff;
    zeroed[15] = (byte) 0xff;
    zeroed[16] = 2;
    zeroed[17] = 'A';
    Files.write(dir.status(), zeroed);
    Captured before = daemontools("svstat", dir.name());
    Captured ours = Captured.of(Main::run, dir.name());
    Captured after = daemontools("svstat", dir.name());
    assertTrue(before.out().startsWith(dir.name() + ": up (pid 4294967295) 46116860"), before::toString);
    // the printed age moves in steps of 1024 s: crossing one between the runs is the only way they differ
    assertTrue(ours.equals(before) || ours.equals(after), () -> "ours " + ours + ", theirs " + before);
  }
}
