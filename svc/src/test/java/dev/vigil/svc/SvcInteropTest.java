package dev.vigil.svc;

import static dev.vigil.fixtures.PeerSupervisor.Kind.DAEMONTOOLS;
import static dev.vigil.fixtures.PeerSupervisor.Kind.RUNIT;
import static dev.vigil.fixtures.PeerSupervisor.childPid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.common.ServiceDir;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.FakeSupervisor;
import dev.vigil.fixtures.PeerSupervisor;
import dev.vigil.fixtures.Peers;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.ServiceTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our svc drives daemontools supervise and runit runsv exactly as daemontools svc does: every
 * scenario runs once with each svc, and daemontools svstat must show the same states. Warnings
 * are compared with daemontools svc's, byte for byte.
 */
class SvcInteropTest extends ServiceTest {
  /** Both sides run with the same working directory, so relative names mean the same. */
  private static final Path CWD = Path.of("").toAbsolutePath();

  /** Who sends the commands. */
  enum Driver {
    VIGIL,
    DAEMONTOOLS_SVC;

    Captured svc(String... args) {
      return this == VIGIL ? Captured.of(Main::run, args) : daemontoolsSvc(args);
    }
  }


  private static Captured daemontoolsSvc(String... args) {
    List<String> command = new ArrayList<>(List.of(Peers.require("svc")));
    command.addAll(List.of(args));
    try {
      return Processes.run(CWD, command);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<Arguments> supervisorsAndDrivers() {
    return Stream.of(PeerSupervisor.Kind.values())
        .flatMap(kind -> Stream.of(Driver.values()).map(driver -> Arguments.of(kind, driver)));
  }

  private static void send(Driver driver, String options, ServiceDir dir) {
    assertEquals(new Captured(0, "", ""), driver.svc(options, dir.name()), driver + " svc " + options);
  }

  /** {@code -dx}: the supervisor exits 0, and both svc then warn alike. */
  private static void exit(Driver driver, PeerSupervisor peer, ServiceDir dir) {
    send(driver, "-dx", dir);
    assertEquals(0, peer.awaitExit());
    assertEquals(dir.name() + ": supervise not running\n", peer.svstat());
    Captured warning = new Captured(0, "", "svc: warning: unable to control " + dir.name() + ": supervise not running\n");
    assertEquals(warning, daemontoolsSvc("-u", dir.name()));
    assertEquals(warning, Captured.of(Main::run, "-u", dir.name()));
  }

  @ParameterizedTest(name = "{1} drives {0}")
  @MethodSource("supervisorsAndDrivers")
  void everyLetter(PeerSupervisor.Kind kind, Driver driver) throws IOException {
    // all signals at default whatever this JVM inherited (nohup ignores HUP), so each one ends sleep
    ServiceDir dir = services.create("service", "env --default-signal sleep 100000");
    PeerSupervisor peer = PeerSupervisor.start(kind, dir, services, processes);
    String up = "up (pid P) S seconds";
    long pid = childPid(peer.await(up));

    send(driver, "-d", dir);
    peer.await("down S seconds, normally up");
    send(driver, "-u", dir);
    pid = childPid(peer.await(up, pid));
    send(driver, "-p", dir);
    assertEquals(pid, childPid(peer.await(up + ", paused")));
    send(driver, "-c", dir);
    assertEquals(pid, childPid(peer.await(up)));

    // each of these signals ends sleep, and the supervisor starts a new one
    for (String signal : List.of("-k", "-t", "-h", "-a", "-i")) {
      send(driver, signal, dir);
      pid = childPid(peer.await(up, pid));
    }
    if (driver == Driver.VIGIL) {
      // only our svc has runit's letters: runsv sends USR1 and USR2 (which end sleep)
      for (String signal : kind == RUNIT ? List.of("-1", "-2") : List.<String>of()) {
        send(driver, signal, dir);
        pid = childPid(peer.await(up, pid));
      }
      // and ignores w, as supervise ignores q 1 2 w: the pause after them finds the same child
      send(driver, kind == DAEMONTOOLS ? "-q12w" : "-w", dir);
      send(driver, "-p", dir);
      assertEquals(pid, childPid(peer.await(up + ", paused")));
      send(driver, "-c", dir);
      peer.await(up);
    }

    send(driver, "-d", dir);
    peer.await("down S seconds, normally up");
    send(driver, "-o", dir);
    // runsv records "once" as want down (spec §9.1)
    peer.await(kind == RUNIT ? up + ", want down" : up);
    send(driver, "-k", dir);
    peer.await("down S seconds, normally up"); // once: not restarted

    exit(driver, peer, dir);
  }

  @ParameterizedTest(name = "{1} drives {0}")
  @MethodSource("supervisorsAndDrivers")
  void downWhileTheChildIgnoresTerm(PeerSupervisor.Kind kind, Driver driver) throws IOException {
    ServiceDir dir = services.stubborn("stubborn");
    PeerSupervisor peer = PeerSupervisor.start(kind, dir, services, processes);
    long pid = childPid(peer.await("up (pid P) S seconds"));
    Await.until("run script to ignore TERM", () -> services.logged(pid));

    send(driver, "-d", dir);
    assertEquals(pid, childPid(peer.await("up (pid P) S seconds, want down")));
    send(driver, "-k", dir);
    peer.await("down S seconds, normally up");

    exit(driver, peer, dir);
  }

  /** Every warning, for every kind of bad directory, as daemontools svc words it. */
  @Test
  void warningsAsDaemontools() throws Exception {
    ServiceDir gone = services.empty("gone");
    FakeSupervisor.start(gone, processes).close();
    ServiceDir bare = services.empty("bare");
    ServiceDir superviseFile = services.empty("supervise-file");
    Files.createFile(superviseFile.supervise());
    ServiceDir controlDir = services.empty("control-dir");
    Files.createDirectories(controlDir.control());
    String file = Files.createFile(root.resolve("file")).toString();
    String missing = root.resolve("missing").toString();
    String relative = CWD.relativize(gone.path()).toString();

    List<String[]> calls = List.of(
        new String[] {"-u", missing, file, "", bare.name(), superviseFile.name(), controlDir.name(), gone.name(), relative},
        new String[] {gone.name()},
        new String[] {"--", "-u"},
        new String[] {"-", "-u"},
        new String[] {"-d", gone.name(), "-u"},
        new String[] {"-d"},
        new String[] {});
    for (String[] args : calls) {
      assertEquals(daemontoolsSvc(args), Captured.of(Main::run, args), () -> "svc " + String.join(" ", args));
    }
  }

  /** Same first line and exit code; our usage line also lists q 1 2 w, on purpose. */
  @Test
  void illegalOptionAsDaemontools() {
    Captured theirs = daemontoolsSvc("-uZ", "whatever");
    Captured ours = Captured.of(Main::run, "-uZ", "whatever");
    assertEquals(theirs.exit(), ours.exit());
    assertEquals(theirs.out(), ours.out());
    assertEquals(theirs.err().lines().findFirst(), ours.err().lines().findFirst());
    assertEquals("svc options: u up, d down, o once, x exit, p pause, c continue, h hup, a alarm, i interrupt,"
        + " t term, k kill", theirs.err().lines().skip(1).findFirst().orElseThrow());
  }
}
