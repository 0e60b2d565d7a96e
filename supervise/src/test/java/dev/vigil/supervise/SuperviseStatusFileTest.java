package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.StatusCodec;
import dev.vigil.fixtures.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The files supervise keeps, read as bytes at the offsets the format documents (StatusCodec's
 * javadoc, doc/status-format.md) rather than through the codec: daemontools' 18 bytes, runit's
 * two, vigil's extension, supervise/pid, and the modes everything is created with.
 */
class SuperviseStatusFileTest extends LiveTest {
  private static final long TAI_EPOCH = 0x400000000000000AL;

  @Test
  void theRecordWhileAChildRunsAndAfterItIsGone() throws IOException {
    services.sleeper("svc");
    long before = Instant.now().getEpochSecond();
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    long after = Instant.now().getEpochSecond();

    byte[] b = s.statusBytes();
    assertEquals(StatusCodec.SIZE, b.length);
    long unix = big(b, 0, 8) - TAI_EPOCH;
    assertTrue(unix >= before && unix <= after, "TAI64 label " + unix + " not in [" + before + ", " + after + "]");
    long nanos = big(b, 8, 4);
    assertEquals(500, nanos % 1000, "nanoseconds are microseconds * 1000 + 500");
    assertTrue(nanos < 1_000_000_000L);
    assertEquals(child, little(b, 12, 4), "pid, little-endian");
    assertEquals(0, b[16], "not paused");
    assertEquals('u', b[17], "want up");
    assertEquals(0, b[18], "runit: no TERM sent");
    assertEquals(1, b[19], "runit: run");
    assertEquals(4, b[20], "extension version");
    assertEquals(0, b[21], "flags: no child has exited yet");
    assertEquals(0, big(b, 22, 4), "no last wait status");
    assertEquals(1, big(b, 26, 4), "starts");
    assertEquals(Proc.startTicks(child), big(b, 30, 8), "child start ticks = field 22 of /proc/PID/stat");
    assertEquals(s.pid(), big(b, 38, 4), "supervisor pid");
    long lockFd = big(b, 42, 4);
    Path fd = Path.of("/proc/" + s.pid() + "/fd/" + lockFd);
    assertEquals(s.dir().lock().toRealPath(), Files.readSymbolicLink(fd), "bytes 42-45: the lock's fd");
    assertTrue(Files.readString(Path.of("/proc/" + s.pid() + "/fdinfo/" + lockFd)).contains(" FLOCK "),
        "the flock is held in that fd");
    assertEquals(2, b[46], "stage: up");
    assertEquals(0, b[47], "no stop in progress");
    assertEquals(0, big(b, 48, 4), "no fast deaths");
    long since = big(b, 52, 8) - TAI_EPOCH;
    assertTrue(since >= before && since <= after, "up since " + since);
    assertEquals(0, big(b, 64, 8), "no start owed");
    assertEquals(1, b[76], "ready (no readiness protocol: when up)");
    assertArrayEquals(Arrays.copyOfRange(b, 52, 64), Arrays.copyOfRange(b, 77, 89), "ready since it came up");
    assertEquals(0, b[89], "no STATUS= text");
    assertEquals(0, big(b, 90, 4), "layout 4, after the (empty) text: no process has exited yet");
    assertEquals(child + "\n", s.pidFile());
    assertFalse(Files.exists(s.dir().statusNew()), "status.new renamed away");
    assertFalse(Files.exists(s.dir().pidNew()), "pid.new renamed away");

    s.send("d");
    s.awaitStatus("the child to be reaped", st -> st.pid() == 0);
    byte[] d = s.statusBytes();
    assertEquals(StatusCodec.SIZE, d.length);
    assertTrue(big(d, 0, 8) >= big(b, 0, 8), "a pid change restamps the record");
    assertEquals(0, little(d, 12, 4));
    assertEquals(0, d[16]);
    assertEquals('d', d[17]);
    assertEquals(0, d[18]);
    assertEquals(0, d[19], "runit: down");
    assertEquals(4, d[20]);
    assertEquals(child, big(d, 90, 4), "layout 4: the pid that last exited");
    assertEquals(0, d[76], "not ready: no ./run");
    assertArrayEquals(new byte[12], Arrays.copyOfRange(d, 77, 89));
    assertEquals(1, d[21], "flags: a wait status is recorded");
    assertEquals(15, big(d, 22, 4), "killed by SIGTERM");
    assertEquals(1, big(d, 26, 4), "starts");
    assertEquals(0, big(d, 30, 8), "no child, no start time");
    assertEquals(s.pid(), big(d, 38, 4));
    assertEquals(lockFd, big(d, 42, 4));
    assertEquals(0, d[46], "stage: down");
    s.awaitPidFile("");
    assertEquals(0L, Files.size(s.dir().pid()), "supervise/pid is empty while down");
  }

  @Test
  void theFirstRecordOfANormallyDownService() throws IOException {
    ServiceDir dir = services.sleeper("svc");
    Files.createFile(dir.down());
    SuperviseProcess s = supervise("svc");
    byte[] b = s.statusBytes();
    assertEquals(StatusCodec.SIZE, b.length);
    assertEquals(0, little(b, 12, 4));
    assertEquals('d', b[17]);
    assertEquals(0, b[19]);
    assertEquals(4, b[20]);
    assertEquals(0, b[46], "stage: down");
    assertEquals(0, b[21]);
    assertEquals(0, big(b, 26, 4), "no starts");
    assertEquals(0, big(b, 30, 8));
    assertEquals(s.pid(), big(b, 38, 4));
    assertEquals("", s.pidFile());
  }

  @Test
  void modesUnderUmask022And077() throws IOException {
    Files.createFile(services.sleeper("a").down());
    Files.createFile(services.sleeper("b").down());
    SuperviseProcess a = launch().umask("022").start("a");
    SuperviseProcess b = launch().umask("077").start("b");
    a.awaitSupervised();
    b.awaitSupervised();
    Map<String, String> expected022 = new LinkedHashMap<>();
    expected022.put("supervise", "directory 700");
    expected022.put("supervise/lock", "file 600");
    expected022.put("supervise/control", "fifo 600");
    expected022.put("supervise/ok", "fifo 600");
    expected022.put("supervise/status", "file 644");
    expected022.put("supervise/pid", "file 644");
    assertEquals(expected022, modes(a.dir().path(), expected022));
    Map<String, String> expected077 = new LinkedHashMap<>(expected022);
    expected077.put("supervise/status", "file 600");
    expected077.put("supervise/pid", "file 600");
    assertEquals(expected077, modes(b.dir().path(), expected077));
    assertEquals(0L, Files.size(a.dir().lock()), "the lock file stays empty");
  }

  private static Map<String, String> modes(Path dir, Map<String, String> names) throws IOException {
    Map<String, String> got = new LinkedHashMap<>();
    for (String name : names.keySet()) {
      int mode = (Integer) Files.getAttribute(dir.resolve(name), "unix:mode", LinkOption.NOFOLLOW_LINKS);
      String type;
      switch (mode & 0170000) {
        case 0040000:
          type = "directory";
          break;
        case 0010000:
          type = "fifo";
          break;
        case 0100000:
          type = "file";
          break;
        default:
          type = "type " + Integer.toOctalString(mode & 0170000);
      }
      got.put(name, type + " " + Integer.toOctalString(mode & 07777));
    }
    return got;
  }

  static long big(byte[] b, int at, int length) {
    long v = 0;
    for (int i = 0; i < length; i++) {
      v = (v << 8) | (b[at + i] & 0xffL);
    }
    return v;
  }

  static long little(byte[] b, int at, int length) {
    long v = 0;
    for (int i = length - 1; i >= 0; i--) {
      v = (v << 8) | (b[at + i] & 0xffL);
    }
    return v;
  }
}
