package dev.vigil.common;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceDirTest {
  private static final byte[] UP_PAUSED =
      StatusCodecTest.hex("40 00 00 00 6b 01 1d c9 14 6c e7 9c ad 4f 00 00 01 75");

  @TempDir Path tmp;
  private Path dir;
  private ServiceDir service;
  private FlockHolder holder;

  @BeforeEach
  void serviceDir() throws IOException {
    dir = Files.createDirectory(tmp.resolve("svc"));
    service = ServiceDir.of(dir);
  }

  @AfterEach
  void stopHolder() {
    if (holder != null) {
      holder.close();
    }
  }

  /** supervise/ with an unlocked lock and plain files for ok and control, as after a supervisor died. */
  private void superviseDir() throws IOException {
    Files.createDirectory(service.supervise());
    Files.createFile(service.lock());
    Files.createFile(service.ok());
    Files.createFile(service.control());
  }

  @Test
  void layout() {
    ServiceDir s = ServiceDir.of("rel/svc");
    assertEquals("rel/svc", s.name());
    assertEquals(Path.of("rel/svc/supervise/status"), s.status());
    assertEquals(Path.of("rel/svc/supervise/status.new"), s.statusNew());
    assertEquals(Path.of("rel/svc/supervise/lock"), s.lock());
    assertEquals(Path.of("rel/svc/supervise/control"), s.control());
    assertEquals(Path.of("rel/svc/supervise/ok"), s.ok());
    assertEquals(Path.of("rel/svc/down"), s.down());
    assertEquals(Path.of("rel/svc/run"), s.run());
    assertEquals("rel/svc/supervise/lock", s.show("supervise/lock"));
  }

  @Test
  void enterAnExistingDirectory() throws IOException {
    service.enter();
  }

  @Test
  void enterMissing() {
    IOException e = assertThrows(IOException.class, () -> ServiceDir.of(tmp.resolve("missing")).enter());
    assertEquals("file does not exist", Errno.text(e));
  }

  @Test
  void enterRegularFile() throws IOException {
    Path file = Files.createFile(tmp.resolve("file"));
    IOException e = assertThrows(IOException.class, () -> ServiceDir.of(file).enter());
    assertEquals("not a directory", Errno.text(e));
  }

  @Test
  void enterEmptyName() {
    IOException e = assertThrows(IOException.class, () -> ServiceDir.of("").enter());
    assertEquals("file does not exist", Errno.text(e));
  }

  /**
   * What the path tells comes as a number, never from the JDK's (localised) words: the
   * exception carries the errno, whatever language the JVM's strerror speaks.
   */
  @Test
  void enterReportsNumbersNotWords() throws IOException {
    Path loop = Files.createSymbolicLink(tmp.resolve("loop"), Path.of("loop"));
    Path file = Files.createFile(tmp.resolve("file"));
    assertErrno(Errno.ELOOP, assertThrows(IOException.class, () -> ServiceDir.of(loop).enter()));
    assertErrno(Errno.ENOTDIR, assertThrows(IOException.class, () -> ServiceDir.of(file.resolve("x")).enter()));
    assertErrno(Errno.ENAMETOOLONG,
        assertThrows(IOException.class, () -> ServiceDir.of(tmp.resolve("n".repeat(300))).enter()));
    assertErrno(Errno.ENAMETOOLONG,
        assertThrows(IOException.class, () -> ServiceDir.of("x/".repeat(2048) + "x").enter()));
  }

  private static void assertErrno(Errno expected, IOException e) {
    assertTrue(e instanceof ErrnoException, () -> "no number in " + e);
    assertEquals(expected.number, ((ErrnoException) e).errno, e::toString);
  }

  @Test
  void sendThroughAFileIsNotADirectory() throws IOException {
    Files.createFile(service.supervise());
    ServiceIOException e = assertThrows(ServiceIOException.class, () -> service.send(new byte[] {'u'}));
    assertEquals(Errno.ENOTDIR, e.errno);
    assertErrno(Errno.ENOTDIR, (IOException) e.getCause());
  }

  /** Root reads everything, so only another user sees the EACCES asked before the open. */
  @Test
  void unreadableStatusIsAccessDenied() throws IOException {
    Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root reads every file");
    Files.createDirectory(service.supervise());
    Files.write(service.status(), UP_PAUSED);
    Files.setPosixFilePermissions(service.status(), PosixFilePermissions.fromString("-w-------"));
    ServiceIOException e = assertThrows(ServiceIOException.class, service::readStatus);
    assertEquals(ServiceIOException.Step.OPEN, e.step);
    assertEquals("access denied", e.reason);
  }

  @Test
  void normallyUpWithoutDownFile() throws IOException {
    assertTrue(service.isNormallyUp());
  }

  @Test
  void normallyDownWithDownFile() throws IOException {
    Files.createFile(service.down());
    assertFalse(service.isNormallyUp());
  }

  @Test
  void danglingDownSymlinkCountsAsAbsent() throws IOException {
    Files.createSymbolicLink(service.down(), dir.resolve("nowhere"));
    assertTrue(service.isNormallyUp());
  }

  @Test
  void downSymlinkLoop() throws IOException {
    Files.createSymbolicLink(service.down(), Path.of("down"));
    IOException e = assertThrows(IOException.class, service::isNormallyUp);
    assertEquals("symbolic link loop", Errno.text(e));
  }

  @Test
  void readStatusMissing() {
    ServiceIOException e = assertThrows(ServiceIOException.class, service::readStatus);
    assertEquals(ServiceIOException.Step.OPEN, e.step);
    assertEquals("file does not exist", e.reason);
    assertEquals(Errno.ENOENT, e.errno);
  }

  @Test
  void readStatusDirectory() throws IOException {
    Files.createDirectories(service.status());
    ServiceIOException e = assertThrows(ServiceIOException.class, service::readStatus);
    assertEquals(ServiceIOException.Step.READ, e.step);
    assertEquals("is a directory", e.reason);
    assertEquals(Errno.EISDIR, e.errno);
  }

  @Test
  void readStatusTooShort() throws IOException {
    Files.createDirectory(service.supervise());
    Files.write(service.status(), new byte[5]);
    ServiceIOException e = assertThrows(ServiceIOException.class, service::readStatus);
    assertEquals(ServiceIOException.Step.READ, e.step);
    assertEquals("bad format", e.reason);
  }

  @Test
  void readStatus18Bytes() throws IOException {
    Files.createDirectory(service.supervise());
    Files.write(service.status(), UP_PAUSED);

    assertEquals(Status.daemontools(Tai64n.ofUnix(1795235263, 342681000), 20397, true, Want.UP),
        service.readStatus());
  }

  @Test
  void readStatusRunitFile() throws IOException {
    Files.createDirectory(service.supervise());
    byte[] runit = StatusCodecTest.golden("runit-want-down-got-term");
    Files.write(service.status(), runit);

    assertEquals(StatusCodec.decode(runit, runit.length), service.readStatus());
    assertTrue(service.readStatus().termSent());
  }

  @Test
  void notSupervisedWithoutALockHolder() throws IOException {
    superviseDir();
    assertFalse(service.isSupervised());
  }

  @Test
  void supervisedWhileTheLockIsHeld() throws IOException {
    superviseDir();
    holder = FlockHolder.lock(service.lock());
    assertTrue(service.isSupervised());
  }

  @Test
  void isSupervisedWithoutOkFails() {
    ServiceIOException e = assertThrows(ServiceIOException.class, service::isSupervised);
    assertEquals(ServiceIOException.Step.OPEN, e.step);
    assertEquals("file does not exist", e.reason);
  }

  @Test
  void sendWritesNothingWithoutALockHolder() throws IOException {
    superviseDir();

    assertFalse(service.send("dx".getBytes(US_ASCII)));
    assertEquals(0, Files.size(service.control()));
  }

  @Test
  void sendWritesTheCommandsWhileTheLockIsHeld() throws IOException {
    superviseDir();
    holder = FlockHolder.lock(service.lock());

    assertTrue(service.send("dx".getBytes(US_ASCII)));
    assertArrayEquals("dx".getBytes(US_ASCII), Files.readAllBytes(service.control()));
  }

  @Test
  void sendWithoutSuperviseDirFails() {
    ServiceIOException e = assertThrows(ServiceIOException.class, () -> service.send(new byte[] {'u'}));
    assertEquals(ServiceIOException.Step.OPEN, e.step);
    assertEquals("file does not exist", e.reason);
  }

  /** Whatever the JDK calls it, a path through a regular file is ENOTDIR, as for daemontools. */
  @Test
  void aPathThroughAFileIsNotADirectory() throws IOException {
    Path file = Files.writeString(tmp.resolve("plain"), "x");
    for (Path p : new Path[] {file.resolve("x"), file.resolve("x/y"), Path.of("/etc/passwd/x")}) {
      IOException e = assertThrows(IOException.class, () -> ServiceDir.stat(p), p::toString);
      assertEquals("not a directory", Errno.text(e), p::toString);
    }
    IOException missing = assertThrows(IOException.class, () -> ServiceDir.stat(tmp.resolve("no/such")));
    assertEquals("file does not exist", Errno.text(missing));
  }

  @Test
  void superviseBeingAFileIsNotADirectoryForTheOkCheck() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("supervise-is-a-file"));
    Files.writeString(dir.resolve("supervise"), "x");
    ServiceIOException e = assertThrows(ServiceIOException.class, () -> ServiceDir.of(dir).isSupervised());
    assertEquals("not a directory", e.reason);
    assertEquals(Errno.ENOTDIR, e.errno);
  }

  /**
   * The article's layout: root/app is the service directory, root/status/app the state
   * directory holding lock, svcontrol and status, as {@code supervise --article app} makes them.
   */
  private ServiceDir articleState() throws IOException {
    Path state = Files.createDirectories(tmp.resolve("status").resolve("app"));
    Files.createDirectory(tmp.resolve("app"));
    Files.createFile(state.resolve("lock"));
    Files.createFile(state.resolve("svcontrol"));
    return ServiceDir.of(state.toString());
  }

  @Test
  void aDirectoryHoldingSvcontrolAndLockIsTheArticlesStateDirectory() throws IOException {
    ServiceDir a = articleState();
    Path state = tmp.resolve("status").resolve("app");
    assertEquals(ServiceDir.Layout.ARTICLE, a.layout());
    assertEquals(state.resolve("lock"), a.lock());
    assertEquals(state.resolve("svcontrol"), a.control());
    assertEquals(state.resolve("svcontrol"), a.ok(), "no ok: the control FIFO's reader tells");
    assertEquals(state.resolve("status"), a.status());
    assertEquals(state, a.supervise(), "the state directory itself is watched");
    assertEquals(tmp.resolve("app").resolve("down").normalize(), a.down().normalize(), "the service's own down file");
    assertEquals(ServiceDir.Layout.DAEMONTOOLS, service.layout(), "an ordinary directory");
    Files.delete(state.resolve("lock"));
    assertEquals(ServiceDir.Layout.DAEMONTOOLS, ServiceDir.of(state.toString()).layout(), "svcontrol alone is not enough");
  }

  @Test
  void theArticlesRecordIsReadAndItsDownFileIsTheServicesOwn() throws IOException {
    ServiceDir a = articleState();
    Status up = new Status(Tai64n.ofUnix(1795235263, 0), 70000, false, Want.UP, false, Phase.RUN,
        java.util.Optional.empty());
    Files.write(a.status(), StatusCodec.encodeArticle(up));
    assertEquals(up, a.readStatus());
    assertTrue(a.isNormallyUp());
    Files.createFile(tmp.resolve("app").resolve("down"));
    assertFalse(a.isNormallyUp());
  }

  @Test
  void theArticlesStateDirectoryIsSupervisedWhileItsLockIsHeld() throws IOException {
    ServiceDir a = articleState();
    assertFalse(a.isSupervised());
    assertFalse(a.send("d".getBytes(US_ASCII)), "nothing is written to a FIFO nobody reads");
    holder = FlockHolder.lock(a.lock());
    assertTrue(a.isSupervised());
  }
}
