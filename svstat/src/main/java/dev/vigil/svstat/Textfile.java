package dev.vigil.svstat;

import dev.vigil.common.Diagnosis;
import dev.vigil.common.Die;
import dev.vigil.common.Errno;
import dev.vigil.common.Exit;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Replaces a file whole, for node_exporter's textfile collector: a reader sees the old content or
 * the new, never a part. The text goes to {@code FILE.tmp-PID} beside it (same directory, so the
 * rename stays on one file system; the collector ignores names that do not end in {@code .prom}),
 * is synced to disk, and is renamed over FILE. Any failure dies with 111 and one line, and takes
 * the temporary file away: a full disk leaves the last good FILE in place and nothing else.
 */
final class Textfile {
  private Textfile() {}

  static void replace(Path file, byte[] content) {
    Path temp = Path.of(file + ".tmp-" + ProcessHandle.current().pid());
    FileOutputStream out;
    try {
      out = new FileOutputStream(temp.toFile());
    } catch (IOException e) {
      throw Die.fatal(Exit.TEMPORARY, "unable to create " + temp + ": " + whyNotCreated(e, temp));
    }
    try (out) {
      out.write(content);
      out.getFD().sync();
    } catch (IOException e) {
      delete(temp);
      throw Die.fatal(Exit.TEMPORARY, "unable to write " + temp, e);
    }
    try {
      if (Files.isDirectory(file)) {
        throw Errno.EISDIR.exception(file.toString()); // rename(2) says so; the JDK's exception would not
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      delete(temp);
      throw Die.fatal(Exit.TEMPORARY, "unable to rename " + temp + " to " + file, Diagnosis.explain(e, file));
    }
  }

  /**
   * Why creating {@code temp} failed, in daemontools' words. The path tells most reasons; a
   * directory we may not write to does not, so it is asked here (root may write anywhere but on a
   * read-only file system).
   */
  private static String whyNotCreated(IOException e, Path temp) {
    Path dir = temp.toAbsolutePath().getParent();
    if (Files.isDirectory(dir) && !Files.isWritable(dir)) {
      try {
        return Files.getFileStore(dir).isReadOnly() ? Errno.EROFS.text : Errno.EACCES.text;
      } catch (IOException unknown) {
        return Errno.EACCES.text;
      }
    }
    return Errno.text(Diagnosis.explain(e, temp));
  }

  private static void delete(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      // nothing more to do: the fatal line that follows names the file
    }
  }
}
