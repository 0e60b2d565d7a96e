package dev.vigil.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

  /**
   * The JDK's reason is glibc's strerror in the user's language, so it is never read: a path
   * through a file is ENOTDIR whatever the words (JDK 17 says it with a plain
   * FileSystemException, JDK 25 with NoSuchFile), and words alone say nothing.
   */
  @Test
  void notADirectoryWhateverTheWords() throws IOException {
    Path through = Files.writeString(tmp.resolve("plain"), "x").resolve("x");
    for (String words : new String[] {"Not a directory", "Ist kein Verzeichnis", "N'est pas un dossier", null}) {
      IOException e = new FileSystemException(through.toString(), null, words);
      assertEquals(Errno.ENOTDIR, Errno.of(e), words);
      assertEquals("not a directory", Errno.text(e), words);
    }
    assertEquals(Errno.ENOTDIR, Errno.of(new NoSuchFileException(through.toString())));
  }

  @Test
  void strerrorWordsAreNotRead() {
    for (String words : new String[] {"Resource temporarily unavailable", "No such file or directory",
        "Too many open files", "Not a directory", "Is a directory", "Permission denied"}) {
      assertNull(Errno.of(new IOException(words)), words);
      assertEquals("unknown error", Errno.text(new IOException(words)), words);
      FileNotFoundException javaIo = new FileNotFoundException("/etc/passwd/x (" + words + ")");
      assertEquals("unknown error", Errno.text(javaIo), words);
    }
    // a file that resolves: whatever went wrong with it, the path does not tell
    assertEquals("unknown error", Errno.text(new FileSystemException(tmp.toString(), null, "No such device")));
  }

  @Test
  void symlinkLoop() throws IOException {
    Path a = tmp.resolve("a");
    Files.createSymbolicLink(a, tmp.resolve("b"));
    Files.createSymbolicLink(tmp.resolve("b"), a);

    IOException stat = assertThrows(FileSystemException.class,
        () -> Files.readAttributes(a, BasicFileAttributes.class));
    IOException read = assertThrows(FileSystemException.class, () -> Files.readAllBytes(a));
    IOException open = assertThrows(FileNotFoundException.class, () -> new FileInputStream(a.toFile()));

    assertEquals("symbolic link loop", Errno.text(stat));
    assertEquals("symbolic link loop", Errno.text(read));
    assertNull(Errno.of(open), "java.io names no file");
    assertEquals(Errno.ELOOP, Diagnosis.errno(open, a));
  }

  @Test
  void nameTooLong() {
    Path longName = tmp.resolve("n".repeat(5000));
    IOException stat = assertThrows(FileSystemException.class,
        () -> Files.readAttributes(longName, BasicFileAttributes.class));
    IOException open = assertThrows(FileNotFoundException.class,
        () -> new FileInputStream(longName.toFile()));

    assertEquals("file name too long", Errno.text(stat));
    assertEquals(Errno.ENAMETOOLONG, Diagnosis.errno(open, longName));
  }

  @Test
  void javaIoMissingFile() {
    Path missing = tmp.resolve("missing (really)");
    FileNotFoundException e = assertThrows(FileNotFoundException.class,
        () -> new FileInputStream(missing.toFile()));
    assertEquals(Errno.ENOENT, Diagnosis.errno(e, missing));
  }

  @Test
  void messagesWithoutAnErrno() {
    assertNull(Errno.of(new IOException()));
    assertEquals("unknown error", Errno.text(new IOException()));
    assertEquals("unknown error", Errno.text(new IOException("Stream closed")));
    assertEquals("unknown error", Errno.text(new FileSystemException(null)));
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
