package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.ServiceDir;
import dev.vigil.fixtures.Captured;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * How supervise refuses to start (spec §4.1, §4.6): the exact line on stderr, nothing on stdout,
 * the exit code, and nothing started or changed.
 */
class SuperviseStartupTest extends LiveTest {

  @Test
  void noArgumentIsAUsageError() throws IOException {
    assertEquals(new Captured(100, "", "supervise: usage: supervise dir\n"), launch().runToExit());
  }

  @Test
  void twoArgumentsAreAUsageError() throws IOException {
    services.sleeper("a");
    services.sleeper("b");
    assertEquals(new Captured(100, "", "supervise: usage: supervise dir\n"), launch().runToExit("a", "b"));
    assertEquals(0, logged());
    assertFalse(Files.exists(root.resolve("a/supervise")));
  }

  @Test
  void aMissingDirectoryCannotBeEntered() throws IOException {
    assertEquals(new Captured(111, "", "supervise: fatal: unable to chdir to nosuch: file does not exist\n"),
        launch().runToExit("nosuch"));
  }

  @Test
  void aFileIsNotADirectory() throws IOException {
    Files.createFile(root.resolve("plain"));
    assertEquals(new Captured(111, "", "supervise: fatal: unable to chdir to plain: not a directory\n"),
        launch().runToExit("plain"));
  }

  @Test
  void aSecondSuperviseOnTheSameDirectoryCannotTakeTheLockAndChangesNothing() throws IOException {
    services.sleeper("svc");
    SuperviseProcess first = supervise("svc");
    long child = first.awaitChild();
    byte[] status = first.statusBytes();
    long inode = first.statusInode();

    assertEquals(new Captured(111, "", "supervise: fatal: unable to acquire svc/supervise/lock: temporary failure\n"),
        launch().runToExit("svc"));
    assertEquals(new Captured(111, "", "supervise: fatal: unable to acquire ./svc/supervise/lock: temporary failure\n"),
        launch().runToExit("./svc"));

    assertTrue(first.isAlive());
    assertTrue(first.isSupervised());
    assertEquals(child, first.currentChild(), "the first one's child runs on");
    assertEquals(inode, first.statusInode(), "the status file was not touched");
    assertArrayEquals(status, first.statusBytes());
    assertEquals(1, logged(), "no second child");
    first.send("h");
    assertTrue(first.isAlive(), "the first one still obeys");
  }

  @Test
  void aRegularFileNamedControlIsRefused() throws IOException {
    ServiceDir dir = services.sleeper("svc");
    Files.createDirectories(dir.supervise());
    Files.writeString(dir.control(), "d");
    assertEquals(new Captured(111, "", "supervise: fatal: unable to read svc/supervise/control: not a named pipe\n"),
        launch().runToExit("svc"));
    assertEquals(0, logged(), "nothing was started");
    assertEquals("d", Files.readString(dir.control()), "the file is left as it was");
  }

  @Test
  void aRegularFileNamedOkIsRefused() throws IOException {
    ServiceDir dir = services.sleeper("svc");
    Files.createDirectories(dir.supervise());
    Files.createFile(dir.ok());
    assertEquals(new Captured(111, "", "supervise: fatal: unable to read svc/supervise/ok: not a named pipe\n"),
        launch().runToExit("svc"));
    assertEquals(0, logged(), "nothing was started");
  }

  @Test
  void aFileNamedSuperviseIsNotADirectoryForTheLock() throws IOException {
    ServiceDir dir = services.sleeper("svc");
    Files.createFile(dir.supervise());
    assertEquals(new Captured(111, "", "supervise: fatal: unable to acquire svc/supervise/lock: not a directory\n"),
        launch().runToExit("svc"));
    assertEquals(0, logged());
  }
}
