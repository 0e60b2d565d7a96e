package dev.vigil.sipid;

import dev.vigil.common.Die;
import dev.vigil.common.Errno;
import dev.vigil.common.ErrnoException;
import dev.vigil.common.Messages;
import dev.vigil.common.os.Os;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code sipid claim --pid PID --pid-file PID_FILE}: writes PID to the pidfile unless another
 * claim holds it or the process it names still runs. sipid's steps, in its order: the directory
 * (mode 0700, as sipid's MkdirAll), an exclusive flock(2) taken without waiting on the pidfile
 * itself (the lock sipid and util-linux flock(1) take, so a claim by either excludes this one and
 * back), the running check, the write in place (truncate, then the pid, no newline, mode 0600
 * for a new file), the lock released by closing.
 */
final class Claim {
  static final String SYNOPSIS = "sipid claim --pid PID --pid-file PID_FILE";

  private Claim() {}

  static int run(java.util.List<String> args, PrintStream err, java.util.function.Supplier<Os> door) {
    Flags flags = new Flags(SYNOPSIS)
        .define("pid", Flags.Kind.INT, -1L)
        .define("pid-file", Flags.Kind.STRING, "")
        .parse(args);
    long pid = flags.integer("pid");
    String file = flags.string("pid-file");
    if (pid == -1 || file.isEmpty()) {
      throw Die.usage(Main.FAILED, SYNOPSIS);
    }
    if (pid < 1) {
      // sipid writes it; its kill would then signal a process group (kill(0), kill(-N))
      throw Die.fatal(Main.FAILED, "claim failed: not a process ID: " + pid);
    }
    Path path = Path.of(file);
    try {
      Path dir = path.toAbsolutePath().getParent();
      if (dir != null && !Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException e) {
      throw Die.fatal(Main.FAILED, "claim failed: unable to create the directory of " + file, e);
    }
    Os os = door.get();
    int lock;
    try {
      lock = os.lock(Os.CWD, file);
    } catch (ErrnoException e) {
      if (e.errno == Errno.EAGAIN.number) {
        throw Die.fatal(Main.FAILED, "claim failed: another process is locking " + file);
      }
      throw Die.fatal(Main.FAILED, "claim failed: unable to lock " + file, e);
    } catch (IOException e) {
      throw Die.fatal(Main.FAILED, "claim failed: unable to lock " + file, e);
    }
    try {
      claimLocked(os, err, new PidFile(path), pid);
    } finally {
      os.close(lock);
    }
    return 0;
  }

  private static void claimLocked(Os os, PrintStream err, PidFile pidFile, long pid) {
    String file = pidFile.path.toString();
    long named = 0;
    try {
      named = pidFile.pid();
    } catch (IOException | GoSyntax.Invalid e) {
      // empty (the lock just created it), unreadable or garbage: nothing claimed, as in sipid
    }
    if (named > 0) {
      PidFile.Occupant occupant;
      Exits exits = new Exits(os);
      try {
        occupant = pidFile.occupant(os, exits, named);
      } catch (IOException e) {
        throw Die.fatal(Main.FAILED, "claim failed: unable to check pid " + named, e);
      }
      if (occupant.pidfd() >= 0) {
        exits.forget(occupant.pidfd());
        os.close(occupant.pidfd());
      }
      switch (occupant.verdict()) {
        case CLAIMED:
          throw Die.fatal(Main.FAILED, "claim failed: process " + named + " (" + file + ")"
              + (named == pid ? " is already in the pidfile" : " already exists"));
        case STRANGER:
          Messages.warning(err, Main.PROGRAM, "pid " + named + " in " + file
              + " is another process now (started after the pidfile was written): claimed over it");
          break;
        default:
          break;
      }
    }
    try {
      int fd = os.create(Os.CWD, file, 0600);
      try {
        byte[] bytes = Long.toString(pid).getBytes(StandardCharsets.US_ASCII);
        os.write(fd, bytes, bytes.length);
      } finally {
        os.close(fd);
      }
    } catch (IOException e) {
      throw Die.fatal(Main.FAILED, "claim failed: unable to write " + file, e);
    }
  }
}
