package dev.vigil.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ErrnoTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({
    "0, no error",
    "1, permission denied",
    "2, file does not exist",
    "6, device not configured",
    "8, exec format error",
    "11, temporary failure",
    "13, access denied",
    "20, not a directory",
    "21, is a directory",
    "36, file name too long",
    "40, symbolic link loop",
    "95, operation not supported",
    "110, timed out",
    "122, disk quota exceeded",
  })
  void textOfNumber(int errno, String text) {
    assertEquals(text, Errno.text(errno));
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 41, 58, 123, 133, 9999, Integer.MAX_VALUE, Integer.MIN_VALUE})
  void unknownNumbers(int errno) {
    assertEquals("unknown error", Errno.text(errno));
  }

  @Test
  void numbersAreUnique() {
    Set<Integer> seen = new HashSet<>();
    for (Errno e : Errno.values()) {
      assertTrue(seen.add(e.number), "duplicate errno " + e.number + " at " + e);
    }
  }

  @Test
  void noSuchFileFromNio() {
    IOException e = assertThrows(NoSuchFileException.class, () -> Files.readAllBytes(tmp.resolve("missing")));
    assertEquals("file does not exist", Errno.text(e));
    assertEquals(Errno.ENOENT, Errno.of(e));
  }

  @Test
  void accessDenied() {
    // root reads everything, so build the exception the JDK throws for EACCES
    assertEquals("access denied", Errno.text(new AccessDeniedException("/x")));
  }

  @Test
  void exceptionsTheJdkNamesByType() {
    assertEquals(Errno.EEXIST, Errno.of(new FileAlreadyExistsException("/x")));
    assertEquals(Errno.ENOTEMPTY, Errno.of(new DirectoryNotEmptyException("/x")));
  }

  @Test
  void fileAlreadyExistsFromNio() throws IOException {
    Path f = Files.createFile(tmp.resolve("f"));
    IOException e = assertThrows(FileAlreadyExistsException.class, () -> Files.createFile(f));
    assertEquals("file already exists", Errno.text(e));
  }

  /** JDK 17 reports ENOTDIR this way; JDK 25 says NoSuchFile instead (see ServiceDirTest). */
  @Test
  void notADirectoryAsTheJdkWordsIt() {
    IOException e = new FileSystemException("/etc/passwd/x", null, "Not a directory");
    assertEquals(Errno.ENOTDIR, Errno.of(e));
    assertEquals("not a directory", Errno.text(e));
  }

  @Test
  void symlinkLoop() throws IOException {
    Path a = tmp.resolve("a");
    Files.createSymbolicLink(a, tmp.resolve("b"));
    Files.createSymbolicLink(tmp.resolve("b"), a);

    IOException stat = assertThrows(FileSystemException.class,
        () -> Files.readAttributes(a, BasicFileAttributes.class));
    IOException read = assertThrows(FileSystemException.class, () -> Files.readAllBytes(a));
    // JDK 17: plain IOException "Too many levels of symbolic links (NOFOLLOW_LINKS specified)"
    IOException noFollow = assertThrows(IOException.class,
        () -> Files.newByteChannel(a, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS).close());

    assertEquals("symbolic link loop", Errno.text(stat));
    assertEquals("symbolic link loop", Errno.text(read));
    assertEquals("symbolic link loop", Errno.text(noFollow));
  }

  @Test
  void nameTooLong() {
    Path longName = tmp.resolve("n".repeat(5000));
    IOException stat = assertThrows(FileSystemException.class,
        () -> Files.readAttributes(longName, BasicFileAttributes.class));
    IOException open = assertThrows(FileNotFoundException.class,
        () -> new FileInputStream(longName.toFile()));

    assertEquals("file name too long", Errno.text(stat));
    assertEquals("file name too long", Errno.text(open));
  }

  @Test
  void readingADirectory() throws IOException {
    IOException e;
    try (FileChannel dir = FileChannel.open(tmp, StandardOpenOption.READ)) {
      e = assertThrows(IOException.class, () -> dir.read(ByteBuffer.allocate(18)));
    }
    assertEquals("is a directory", Errno.text(e));
    IOException io = assertThrows(FileNotFoundException.class, () -> new FileInputStream(tmp.toFile()));
    assertEquals("is a directory", Errno.text(io));
  }

  @Test
  void javaIoMissingFile() {
    FileNotFoundException e = assertThrows(FileNotFoundException.class,
        () -> new FileInputStream(tmp.resolve("missing (really)").toFile()));
    assertTrue(e.getMessage().endsWith("(No such file or directory)"), e.getMessage());
    assertEquals("file does not exist", Errno.text(e));
  }

  @Test
  void bareStrerrorMessage() {
    assertEquals("temporary failure", Errno.text(new IOException("Resource temporarily unavailable")));
    assertEquals("device not configured", Errno.text(new IOException("No such device or address")));
    assertEquals("device does not support operation", Errno.text(new IOException("No such device")));
    assertEquals("process cannot open more files", Errno.text(new IOException("Too many open files")));
    assertEquals("system cannot open more files",
        Errno.text(new IOException("Too many open files in system")));
  }

  @Test
  void messagesWithoutAnErrno() {
    assertNull(Errno.of(new IOException()));
    assertEquals("unknown error", Errno.text(new IOException()));
    assertEquals("unknown error", Errno.text(new IOException("Stream closed")));
    assertEquals("unknown error", Errno.text(new FileSystemException("/x")));
  }

  @Test
  void errnoExceptionCarriesItsNumber() {
    ErrnoException known = Errno.EAGAIN.exception("supervise/lock");
    ErrnoException unknown = new ErrnoException("f", 4095);

    assertEquals(11, known.errno);
    assertEquals("supervise/lock", known.getFile());
    assertEquals("temporary failure", known.getReason());
    assertEquals("temporary failure", Errno.text(known));
    assertEquals(Errno.EAGAIN, Errno.of(known));
    assertEquals("unknown error", Errno.text(unknown));
    assertNull(Errno.of(unknown));
  }
}
