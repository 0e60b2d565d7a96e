package dev.vigil.supervise;

import dev.vigil.common.Errno;
import dev.vigil.common.os.Os;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Replaces a file of a service directory atomically, as daemontools replaces
 * {@code supervise/status}: write {@code NAME.new} (mode 0644 less the umask), then rename it over
 * {@code NAME}, so a reader sees the old record or the new one, never a mix. Both are reached
 * through the directory's descriptor. A failure (a full disk) leaves the file as it was and is a
 * warning worded as daemontools words it; unlike daemontools, the newest content is kept and
 * {@link #catchUp} writes it later, so the file does not stay stale until its next change.
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
  /** What the file should hold; whether it does not yet; whether the last try failed. */
  private byte[] content;
  private boolean behind;
  private boolean failing;

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

  /** What the file should hold from now on; written by the next {@link #catchUp}. */
  void offer(byte[] newest) {
    content = newest;
    behind = true;
  }

  /**
   * Writes the newest content if the file does not hold it yet. Only the first failure of a run
   * of them is warned about: retries on a disk that stays full would repeat it every second.
   *
   * @return whether the file holds the newest content
   */
  boolean catchUp() {
    if (!behind) {
      return true;
    }
    Optional<String> why = replace();
    if (why.isPresent() && !failing) {
      warn.accept(why.get());
    }
    failing = why.isPresent();
    behind = failing;
    return !behind;
  }

  private Optional<String> replace() {
    int fd;
    try {
      fd = os.create(dir, temporary, MODE);
    } catch (IOException e) {
      return Optional.of("unable to open " + shownTemporary + ": " + Errno.text(e));
    }
    try {
      os.write(fd, content, content.length);
    } catch (IOException e) {
      return Optional.of("unable to write " + shownTemporary + ": " + Errno.text(e));
    } finally {
      os.close(fd);
    }
    try {
      os.rename(dir, temporary, name);
    } catch (IOException e) {
      return Optional.of("unable to rename " + shownTemporary + " to " + shortName + ": " + Errno.text(e));
    }
    return Optional.empty();
  }
}
