package dev.vigil.supervise;

import dev.vigil.common.Errno;
import dev.vigil.common.os.Os;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Replaces a file of a service directory atomically, as daemontools replaces
 * {@code supervise/status}: write {@code NAME.new} (mode 0644 less the umask), then rename it over
 * {@code NAME}, so a reader sees the old record or the new one, never a mix. Both are reached
 * through the directory's descriptor. A failure is a warning worded as daemontools words it; the
 * service carries on and the file stays as it was.
 */
final class AtomicFile {
  private static final int MODE = 0644;

  private final Os os;
  private final int dir;
  private final String name;
  private final String temporary;
  private final String shownTemporary;
  private final String shortName;
  private final Consumer<String> warn;

  /**
   * @param name the file, relative to {@code dir} ({@code supervise/status})
   * @param temporary where it is written first ({@code supervise/status.new})
   * @param shownTemporary the temporary as messages print it ({@code DIR/supervise/status.new})
   */
  AtomicFile(Os os, int dir, String name, String temporary, String shownTemporary, Consumer<String> warn) {
    this.os = os;
    this.dir = dir;
    this.name = name;
    this.temporary = temporary;
    this.shownTemporary = shownTemporary;
    this.shortName = name.substring(name.lastIndexOf('/') + 1);
    this.warn = warn;
  }

  void write(byte[] content) {
    int fd;
    try {
      fd = os.create(dir, temporary, MODE);
    } catch (IOException e) {
      warn.accept("unable to open " + shownTemporary + ": " + Errno.text(e));
      return;
    }
    try {
      os.write(fd, content, content.length);
    } catch (IOException e) {
      warn.accept("unable to write " + shownTemporary + ": " + Errno.text(e));
      return;
    } finally {
      os.close(fd);
    }
    try {
      os.rename(dir, temporary, name);
    } catch (IOException e) {
      warn.accept("unable to rename " + shownTemporary + " to " + shortName + ": " + Errno.text(e));
    }
  }
}
