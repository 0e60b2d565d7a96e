package dev.vigil.common;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LivenessTest {
  @TempDir Path tmp;
  private FlockHolder holder;

  @AfterEach
  void stopHolder() {
    if (holder != null) {
      holder.close();
    }
  }

  private static Liveness.Match find(String locks, String device, long ino) {
    return Liveness.find(locks.getBytes(ISO_8859_1), device, ino);
  }

  @Test
  void exactMatch() {
    String locks = "1: POSIX  ADVISORY  WRITE 900 fe:00:17 0 EOF\n"
        + "2: FLOCK  ADVISORY  WRITE 4503 fe:00:2146567 0 EOF\n";

    assertEquals(Liveness.Match.EXACT, find(locks, "fe:00", 2146567));
  }

  @Test
  void lastLineWithoutNewline() {
    assertEquals(Liveness.Match.EXACT, find("7: FLOCK  ADVISORY  WRITE 1 08:01:42 0 EOF", "08:01", 42));
  }

  @Test
  void waiterIsNotAHolder() {
    String locks = "1: FLOCK  ADVISORY  WRITE 4503 fe:00:99 0 EOF\n"
        + "1: -> FLOCK  ADVISORY  WRITE 4504 fe:00:2146567 0 EOF\n";

    assertEquals(Liveness.Match.NONE, find(locks, "fe:00", 2146567));
  }

  @Test
  void posixAndOfdLocksAreNotFlocks() {
    String locks = "1: POSIX  ADVISORY  WRITE 4503 fe:00:2146567 0 EOF\n"
        + "2: OFDLCK ADVISORY  READ  -1 fe:00:2146567 0 EOF\n"
        + "3: LEASE  ACTIVE    READ  4505 fe:00:2146567 0 EOF\n";

    assertEquals(Liveness.Match.NONE, find(locks, "fe:00", 2146567));
  }

  @Test
  void sameInodeOnAnotherDevice() {
    String locks = "1: FLOCK  ADVISORY  WRITE 4503 00:2a:2146567 0 EOF\n";

    assertEquals(Liveness.Match.INODE_ONLY, find(locks, "fe:00", 2146567));
  }

  @Test
  void exactBeatsAnEarlierInodeOnlyMatch() {
    String locks = "1: FLOCK  ADVISORY  WRITE 1 00:2a:5 0 EOF\n2: FLOCK  ADVISORY  WRITE 2 fe:00:5 0 EOF\n";

    assertEquals(Liveness.Match.EXACT, find(locks, "fe:00", 5));
  }

  @Test
  void noMatch() {
    String locks = "1: FLOCK  ADVISORY  WRITE 4503 fe:00:2146567 0 EOF\n"
        + "2: FLOCK  ADVISORY  WRITE 4504 fe:01:2146568 0 EOF\n";

    assertEquals(Liveness.Match.NONE, find(locks, "fe:00", 6567));
    assertEquals(Liveness.Match.NONE, find(locks, "fe:00", 214656));
    assertEquals(Liveness.Match.NONE, find("", "fe:00", 2146567));
  }

  @Test
  void deviceAsTheKernelPrintsIt() {
    assertEquals("fe:00", Liveness.device(65024));
    assertEquals("08:01", Liveness.device(0x801));
    assertEquals("00:2a", Liveness.device(42));
    // the largest the kernel has: 12-bit major, 20-bit minor, encoded as stat(2) reports it
    assertEquals("fff:fffff", Liveness.device(makedev(0xfff, 0xfffff)));
    assertEquals("103:12345", Liveness.device(makedev(0x103, 0x12345)));
    // glibc's dev_t has room for 32-bit majors and minors
    assertEquals("12345:6789a", Liveness.device(makedev(0x12345, 0x6789a)));
    assertEquals("ffffffff:ffffffff", Liveness.device(makedev(0xffffffffL, 0xffffffffL)));
  }

  @Test
  void deviceMatchesWhatProcLocksShowsForARealLock() throws IOException {
    Path file = Files.createFile(tmp.resolve("lock"));
    Map<String, Object> id = Files.readAttributes(file, "unix:dev,ino");
    String expected = " " + Liveness.device((Long) id.get("dev")) + ":" + id.get("ino") + " ";
    holder = FlockHolder.lock(file);

    String locks = Files.readString(Path.of("/proc/locks"), ISO_8859_1);
    assertTrue(locks.lines().anyMatch(l -> l.contains(" FLOCK ") && l.contains(expected)),
        "no FLOCK on" + expected + "in\n" + locks);
  }

  @Test
  void lockedWhileAProcessHoldsAnFlock() throws IOException {
    Path file = Files.createFile(tmp.resolve("lock"));
    assertFalse(Liveness.isLocked(file));

    holder = FlockHolder.lock(file);
    Poll.until("isLocked", () -> Liveness.isLocked(file));

    holder.close();
    holder = null;
    Poll.until("not isLocked", () -> !Liveness.isLocked(file));
  }

  @Test
  void aLockOnAnotherFileDoesNotCount() throws IOException {
    Path mine = Files.createFile(tmp.resolve("mine"));
    Path other = Files.createFile(tmp.resolve("other"));
    holder = FlockHolder.lock(other);

    assertTrue(Liveness.isLocked(other));
    assertFalse(Liveness.isLocked(mine));
  }

  @Test
  void aLikelyHolderIsAskedThroughItsFdinfo() throws IOException {
    Path file = Files.createFile(tmp.resolve("lock"));
    holder = FlockHolder.lock(file);
    Map<String, Object> id = Files.readAttributes(file, "unix:dev,ino");
    String device = Liveness.device((Long) id.get("dev"));
    long ino = (Long) id.get("ino");
    long self = ProcessHandle.current().pid();

    assertTrue(Liveness.holds(new Liveness.Holder(holder.pid(), OptionalInt.empty()), device, ino),
        "found among its few descriptors");
    assertTrue(Liveness.holds(new Liveness.Holder(holder.pid(), OptionalInt.of(9)), device, ino), "in fd 9");
    assertFalse(Liveness.holds(new Liveness.Holder(holder.pid(), OptionalInt.of(0)), device, ino), "not in fd 0");
    assertFalse(Liveness.holds(new Liveness.Holder(self, OptionalInt.empty()), device, ino), "not this JVM");
    assertFalse(Liveness.holds(new Liveness.Holder(holder.pid(), OptionalInt.empty()), device, ino + 1),
        "only this very inode");
    // a wrong guess costs only the fall-back to /proc/locks
    assertTrue(Liveness.isLocked(file, Optional.of(new Liveness.Holder(self, OptionalInt.of(0)))));
  }

  @Test
  void missingFileIsNotLocked() throws IOException {
    assertFalse(Liveness.isLocked(tmp.resolve("missing")));
  }

  /** glibc's makedev(3). */
  private static long makedev(long major, long minor) {
    return ((major & 0xfff) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xff) | ((minor & ~0xffL) << 12);
  }
}
