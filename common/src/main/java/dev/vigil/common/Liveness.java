package dev.vigil.common;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Is a supervisor running on a service? daemontools supervise, runit runsv and vigil all hold
 * {@code flock(2)} on {@code supervise/lock} for as long as they run, so the answer is whether
 * somebody holds an flock on that file. Looking has no side effect; probing with a lock of our
 * own would (a supervisor starting at that instant would lose its lock to the probe), and Java's
 * FileLock cannot see flock locks anyway.
 *
 * <p>{@code /proc/locks} lists every lock, but reading it makes the kernel wait for an RCU grace
 * period (it takes {@code file_rwsem} for writing): about 13 ms on our machines, a third of a
 * client's run. So a likely holder is asked first, through {@code /proc/PID/fdinfo}, which shows
 * the same lock line at no such cost: the supervisor and descriptor vigil's status record names,
 * or else the parent of the child any supervisor's record names. A stale record cannot fool
 * that: a recycled pid does not hold an flock on this file's device and inode.
 */
public final class Liveness {
  private static final String PROC_LOCKS = "/proc/locks";

  private Liveness() {}

  /** Most descriptors a likely holder may have for us to look through them all. */
  private static final int MAX_SCANNED_FDS = 32;

  /**
   * A process that probably holds the lock, to be asked before /proc/locks is read.
   *
   * @param pid the process
   * @param fd the descriptor it holds the lock in, when known (vigil records it); otherwise its
   *     descriptors are looked through, if it has only a few (a supervisor does)
   */
  public record Holder(long pid, OptionalInt fd) {}

  /** Whether some process holds an flock on {@code file}; false if it does not exist. */
  public static boolean isLocked(Path file) throws IOException {
    return isLocked(file, Optional.empty());
  }

  /**
   * The same, asking {@code likely} first: its {@code /proc/PID/fdinfo} must show an flock on
   * {@code file}'s very device and inode, so a wrong guess (a recycled pid) only costs the
   * fall-back to {@code /proc/locks}.
   */
  public static boolean isLocked(Path file, Optional<Holder> likely) throws IOException {
    Map<String, Object> id;
    try {
      id = Files.readAttributes(file, "unix:dev,ino");
    } catch (NoSuchFileException e) {
      return false;
    }
    String device = device((Long) id.get("dev"));
    long ino = (Long) id.get("ino");
    if (likely.isPresent() && holds(likely.get(), device, ino)) {
      return true;
    }
    byte[] locks;
    try (InputStream in = new FileInputStream(PROC_LOCKS)) {
      locks = in.readAllBytes();
    } catch (IOException e) {
      throw Diagnosis.explain(e, Path.of(PROC_LOCKS)); // java.io names no file
    }
    // if, not switch: an enum switch costs a synthetic class at start-up
    Match match = find(locks, device, ino);
    return match == Match.EXACT || (match == Match.INODE_ONLY && reportsOtherDevice(file));
  }

  /** Whether {@code h}'s fdinfo shows an flock on {@code device:ino}. */
  static boolean holds(Holder h, String device, long ino) {
    String proc = "/proc/" + h.pid();
    if (h.fd().isPresent()) {
      return holdsIn(proc + "/fdinfo/" + h.fd().getAsInt(), device, ino);
    }
    String[] fds = new File(proc + "/fd").list();
    if (fds == null || fds.length > MAX_SCANNED_FDS) {
      return false;
    }
    for (String fd : fds) {
      if (holdsIn(proc + "/fdinfo/" + fd, device, ino)) {
        return true;
      }
    }
    return false;
  }

  private static boolean holdsIn(String fdinfo, String device, long ino) {
    byte[] info = readIfPossible(fdinfo);
    return info != null && find(info, device, ino) == Match.EXACT;
  }

  /** The file's bytes, or null if it cannot be read (gone, or not ours to read). */
  private static byte[] readIfPossible(String file) {
    try (InputStream in = new FileInputStream(file)) {
      return in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }

  enum Match {
    NONE,
    /** An flock on a file with this inode number on a device that is not the one stat gave. */
    INODE_ONLY,
    EXACT
  }

  /**
   * Looks for a held flock (not a waiter, shown as {@code ->}) on {@code device:ino}, where
   * {@code device} is {@code MAJ:MIN} as the kernel prints it ({@code %02x:%02x}), in lock lines
   * as /proc/locks prints them ({@code 1: FLOCK  ADVISORY  WRITE PID MAJ:MIN:INO 0 EOF}) and as
   * fdinfo does (the same after {@code lock:\t}).
   */
  static Match find(byte[] locks, String device, long ino) {
    String exact = device + ":" + ino;
    String inode = ":" + ino;
    Match best = Match.NONE;
    int start = 0;
    while (start < locks.length) {
      int end = start;
      while (end < locks.length && locks[end] != '\n') {
        end++;
      }
      String line = new String(locks, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
      start = end + 1;
      int at = line.indexOf(" FLOCK ");
      if (at < 0 || line.indexOf("->") >= 0) {
        continue;
      }
      // after FLOCK: ADVISORY WRITE PID MAJ:MIN:INO START END
      at++;
      for (int field = 0; field < 4; field++) {
        at = skipField(line, at);
      }
      String id = line.substring(at, skipWord(line, at));
      if (id.equals(exact)) {
        return Match.EXACT;
      }
      if (id.endsWith(inode) && id.indexOf(':') != id.lastIndexOf(':')) {
        best = Match.INODE_ONLY;
      }
    }
    return best;
  }

  private static int skipWord(String s, int at) {
    while (at < s.length() && s.charAt(at) != ' ') {
      at++;
    }
    return at;
  }

  private static int skipField(String s, int at) {
    at = skipWord(s, at);
    while (at < s.length() && s.charAt(at) == ' ') {
      at++;
    }
    return at;
  }

  /** {@code MAJ:MIN} of a Linux dev_t as /proc/locks prints it. */
  static String device(long dev) {
    long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    long minor = (dev & 0xff) | ((dev >>> 12) & 0xffffff00L);
    return hex2(major) + ":" + hex2(minor);
  }

  private static String hex2(long v) {
    String h = Long.toHexString(v);
    return h.length() < 2 ? "0" + h : h;
  }

  /**
   * On overlayfs and btrfs, stat(2) reports a device number that differs from the superblock's,
   * which is what /proc/locks prints; there an inode match is the best evidence we have.
   */
  private static boolean reportsOtherDevice(Path file) throws IOException {
    String type = Files.getFileStore(file).type();
    return type.equals("overlay") || type.equals("btrfs");
  }
}
