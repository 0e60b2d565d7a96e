package dev.vigil.common;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Is a supervisor running on a service? daemontools supervise, runit runsv and vigil all hold
 * {@code flock(2)} on {@code supervise/lock} for as long as they run, so the answer is whether
 * {@code /proc/locks} lists an flock on that file. Reading {@code /proc/locks} has no side
 * effect; probing with a lock of our own would (a supervisor starting at that instant would lose
 * its lock to the probe), and Java's FileLock cannot see flock locks anyway.
 */
public final class Liveness {
  private static final String PROC_LOCKS = "/proc/locks";

  private Liveness() {}

  /** Whether some process holds an flock on {@code file}; false if it does not exist. */
  public static boolean isLocked(Path file) throws IOException {
    Map<String, Object> id;
    try {
      id = Files.readAttributes(file, "unix:dev,ino");
    } catch (NoSuchFileException e) {
      return false;
    }
    long dev = (Long) id.get("dev");
    long ino = (Long) id.get("ino");
    byte[] locks;
    try (InputStream in = new FileInputStream(PROC_LOCKS)) {
      locks = in.readAllBytes();
    }
    // if, not switch: an enum switch costs a synthetic class at start-up
    Match match = find(locks, device(dev), ino);
    return match == Match.EXACT || (match == Match.INODE_ONLY && reportsOtherDevice(file));
  }

  enum Match {
    NONE,
    /** An flock on a file with this inode number on a device that is not the one stat gave. */
    INODE_ONLY,
    EXACT
  }

  /**
   * Looks for a held flock (not a waiter, shown as {@code ->}) on {@code device:ino}, where
   * {@code device} is {@code MAJ:MIN} as the kernel prints it ({@code %02x:%02x}).
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
      if (line.indexOf(" FLOCK ") < 0 || line.indexOf("->") >= 0) {
        continue;
      }
      // fields: "N:" "FLOCK" "ADVISORY" "WRITE" PID MAJ:MIN:INO START END
      int at = 0;
      for (int field = 0; field < 5; field++) {
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
