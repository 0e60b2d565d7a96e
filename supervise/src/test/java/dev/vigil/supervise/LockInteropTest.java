package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Peers;
import dev.vigil.fixtures.Processes;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our supervise, daemontools' supervise and runit's runsv all take flock(2) on supervise/lock, so
 * whichever holds a directory keeps the others out, each saying so in its own words, exit 111.
 */
class LockInteropTest extends LiveTest {

  @Test
  void daemontoolsAndRunitAreKeptOutOfADirectoryWeHold() throws IOException {
    String theirSupervise = Peers.require("supervise");
    String runsv = Peers.require("runsv");
    services.sleeper("svc");
    SuperviseProcess ours = supervise("svc");
    long child = ours.awaitChild();
    byte[] status = ours.statusBytes();
    long inode = ours.statusInode();

    assertEquals(new Captured(111, "", "supervise: fatal: unable to acquire svc/supervise/lock: temporary failure\n"),
        Processes.run(root, List.of(theirSupervise, "svc")));
    assertEquals(new Captured(111, "", "runsv svc: fatal: unable to lock supervise/lock: temporary failure\n"),
        Processes.run(root, List.of(runsv, "svc")));

    assertEquals(child, ours.currentChild());
    assertEquals(inode, ours.statusInode());
    assertArrayEquals(status, ours.statusBytes());
    assertEquals(1, logged(), "neither started a child");
  }

  /** Ours is refused, with our message, on a directory daemontools' supervise or runit's runsv holds. */
  @ParameterizedTest
  @ValueSource(strings = {"supervise", "runsv"})
  void weAreKeptOutOfADirectoryAPeerHolds(String peer) throws IOException {
    String binary = Peers.require(peer);
    services.sleeper("svc");
    SuperviseProcess theirs = launch().peer(binary).start("svc").awaitSupervised();
    long child = theirs.awaitChild();

    assertEquals(new Captured(111, "", "supervise: fatal: unable to acquire svc/supervise/lock: temporary failure\n"),
        launch().runToExit("svc"));
    assertEquals(child, theirs.currentChild());
    assertTrue(theirs.isAlive());
    assertEquals(1, logged());
  }
}
