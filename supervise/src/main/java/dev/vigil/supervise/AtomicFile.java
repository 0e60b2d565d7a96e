package dev.vigil.supervise;

import dev.vigil.common.Errno;
import dev.vigil.common.Messages;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replaces a file atomically, as daemontools replaces {@code supervise/status}: write
 * {@code NAME.new} (mode 0644 less the umask), then rename it over {@code NAME}, so a reader sees
 * the old record or the new one, never a mix. A failure is a warning worded as daemontools words
 * it; the service carries on and the file stays as it was.
 */
final class AtomicFile {
  private static final FileAttribute<?> MODE_0644 =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));
  private static final Set<StandardOpenOption> CREATE_TRUNCATE = Set.of(
      StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);

  private final Path target;
  private final Path temporary;
  private final String shownTemporary;
  private final String targetName;
  private final PrintStream err;

  /**
   * @param shownTemporary the temporary file as messages print it ({@code DIR/supervise/status.new})
   */
  AtomicFile(Path target, Path temporary, String shownTemporary, PrintStream err) {
    this.target = target;
    this.temporary = temporary;
    this.shownTemporary = shownTemporary;
    this.targetName = target.getFileName().toString();
    this.err = err;
  }

  void write(byte[] content) {
    FileChannel out;
    try {
      out = FileChannel.open(temporary, CREATE_TRUNCATE, MODE_0644);
    } catch (IOException e) {
      warn("unable to open " + shownTemporary + ": " + Errno.text(e));
      return;
    }
    try (out) {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        out.write(b);
      }
    } catch (IOException e) {
      warn("unable to write " + shownTemporary + ": " + Errno.text(e));
      return;
    }
    try {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      warn("unable to rename " + shownTemporary + " to " + targetName + ": " + Errno.text(e));
    }
  }

  private void warn(String text) {
    Messages.warning(err, Main.PROGRAM, text);
  }
}
