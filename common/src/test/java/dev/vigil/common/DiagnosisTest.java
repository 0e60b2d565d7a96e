package dev.vigil.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Diagnosis#walk} tells why a path does not resolve as the kernel does: checked against
 * the kernel itself, through coreutils {@code stat -L} in the C locale (the oracle may read
 * English; the code under test reads no words at all).
 */
class DiagnosisTest {
  private static final Path CWD = Path.of("").toAbsolutePath();
  private static final String LONGEST = "n".repeat(Diagnosis.NAME_MAX);
  private static final String TOO_LONG = "n".repeat(Diagnosis.NAME_MAX + 1);

  @TempDir Path tmp;
  private Path t;

  /**
   * A tree with every kind of trouble: directories, files, a 255-byte name, symlinks to each, a
   * loop of one and of two, a dangling one, absolute and {@code ..} targets, and a chain of 41
   * links (c1 → c2 → … → c41 → d0), so that c2 is the most links one lookup may follow and c1 one
   * too many.
   */
  @BeforeEach
  void tree() throws IOException {
    t = Files.createDirectory(tmp.resolve("t"));
    Files.createDirectories(t.resolve("d0/d1"));
    Files.createDirectory(t.resolve("e"));
    Files.createDirectory(t.resolve(LONGEST));
    Files.writeString(t.resolve("f0"), "x");
    Files.writeString(t.resolve("d0/f1"), "x");
    link("self", "self");
    link("ping", "pong");
    link("pong", "ping");
    link("dangling", "nowhere");
    link("todir", "d0");
    link("tofile", "f0");
    link("abs", t.resolve("d0").toString());
    link("up", "../t/d0/d1");
    link("dot", ".");
    link("intofile", "f0/x");
    link("d0/back", "..");
    for (int i = 1; i <= 41; i++) {
      link("c" + i, i == 41 ? "d0" : "c" + (i + 1));
    }
  }

  private void link(String name, String target) throws IOException {
    Files.createSymbolicLink(t.resolve(name), Path.of(target));
  }

  /** What the kernel says about each path: null where stat(2) succeeds. */
  private static Map<String, Errno> kernel(List<String> paths) throws IOException, InterruptedException {
    Map<String, Errno> answers = new LinkedHashMap<>();
    List<String> command = new ArrayList<>(List.of("stat", "-L", "--printf=", "--"));
    for (String p : paths) {
      answers.put(p, null);
      command.add(p);
    }
    File err = File.createTempFile("stat", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(CWD.toFile())
          .redirectInput(new File("/dev/null")).redirectOutput(new File("/dev/null")).redirectError(err);
      pb.environment().put("LC_ALL", "C");
      Process p = pb.start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stat still running after 60 s");
      for (String line : Files.readAllLines(err.toPath(), StandardCharsets.UTF_8)) {
        int open = line.indexOf('\'');
        int close = line.lastIndexOf("': ");
        assertTrue(open >= 0 && close > open, line);
        String path = line.substring(open + 1, close);
        assertTrue(answers.containsKey(path), () -> "stat spoke of a path it was not given: " + line);
        answers.put(path, english(line.substring(close + 3)));
      }
    } finally {
      Files.delete(err.toPath());
    }
    return answers;
  }

  private static Errno english(String strerror) {
    switch (strerror) {
      case "No such file or directory": return Errno.ENOENT;
      case "Not a directory": return Errno.ENOTDIR;
      case "Too many levels of symbolic links": return Errno.ELOOP;
      case "File name too long": return Errno.ENAMETOOLONG;
      case "Permission denied": return Errno.EACCES;
      default: throw new AssertionError("stat failed otherwise: " + strerror);
    }
  }

  private void assertSameAsTheKernel(List<String> paths) throws Exception {
    Map<String, Errno> kernel = kernel(paths);
    for (Map.Entry<String, Errno> e : kernel.entrySet()) {
      assertEquals(e.getValue(), Diagnosis.walk(Path.of(e.getKey())), e.getKey());
    }
  }

  @Test
  void eachTroubleAsTheKernelSeesIt() throws Exception {
    List<String> paths = new ArrayList<>();
    for (String p : new String[] {
        "d0", "d0/d1", "missing", "missing/d0", "f0", "f0/x", "f0/.", "f0/..", "d0/f1/x", "self",
        "self/x", "ping", "d0/../ping", "dangling", "dangling/x", "todir/f1", "tofile/x", "abs/d1",
        "abs/../f0/x", "up/..", "up/../f1/x", "dot/dot/dot/f0", "intofile", "d0/back/f0/x",
        "d0/back/self", "c1", "c2", "c2/d1", "c1/d1", "c41/f1", LONGEST, LONGEST + "/x", TOO_LONG,
        TOO_LONG + "/x", "d0/" + TOO_LONG, "f0/" + TOO_LONG, "missing/" + TOO_LONG, "self/" + TOO_LONG,
        "d0//d1/", ".//d0/./d1/.."}) {
      paths.add(t.resolve(p).toString());
      paths.add(CWD.relativize(t).resolve(p).toString());
    }
    paths.add("/..");
    paths.add("/../" + t.toString().substring(1) + "/f0/x");
    assertSameAsTheKernel(paths);
    assertEquals(Errno.ELOOP, Diagnosis.walk(t.resolve("c1")), "41 links");
    assertNull(Diagnosis.walk(t.resolve("c2")), "40 links");
  }

  /** PATH_MAX counts the whole string, however many components: 4095 bytes resolve, 4096 do not. */
  @Test
  void wholePathLength() throws Exception {
    List<String> paths = new ArrayList<>();
    for (String tail : new String[] {"d0", "f0/x", "missing"}) {
      String prefix = t + "/";
      for (int length : new int[] {4094, 4095, 4096, 4097, 5000}) {
        StringBuilder b = new StringBuilder(prefix);
        if ((length - prefix.length() - tail.length()) % 2 == 1) {
          b.append("e/../"); // "./" pads two bytes at a time; "//" would not survive Path.of
        }
        while (b.length() + tail.length() < length) {
          b.append("./");
        }
        b.append(tail);
        assertEquals(length, Path.of(b.toString()).toString().length());
        paths.add(b.toString());
      }
    }
    assertSameAsTheKernel(paths);
    assertEquals(Errno.ENAMETOOLONG, Diagnosis.walk(Path.of(paths.get(2))));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void randomPathsAsTheKernelSeesThem(long seed) throws Exception {
    String[] names = {"d0", "d1", "f0", "f1", "self", "ping", "dangling", "todir", "tofile", "abs", "up",
        "dot", "intofile", "back", "c1", "c2", "c30", "missing", ".", "..", LONGEST, TOO_LONG};
    Random random = new Random(seed);
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      StringBuilder p = new StringBuilder(random.nextBoolean() ? t.toString() : CWD.relativize(t).toString());
      for (int n = 1 + random.nextInt(5); n > 0; n--) {
        p.append('/').append(names[random.nextInt(names.length)]);
      }
      paths.add(p.toString());
    }
    assertSameAsTheKernel(paths);
  }

  @Test
  void theEmptyPathIsMissing() {
    assertEquals(Errno.ENOENT, Diagnosis.walk(Path.of("")));
  }

  /** Root searches every directory, so only another user sees EACCES. */
  @Test
  void aDirectoryThatCannotBeSearched() throws Exception {
    Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root searches every directory");
    Path closed = Files.createDirectory(t.resolve("closed"));
    Files.writeString(closed.resolve("f"), "x");
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rw-------"));
    try {
      assertSameAsTheKernel(List.of(closed.resolve("f").toString(), closed.resolve("missing").toString()));
      assertEquals(Errno.EACCES, Diagnosis.walk(closed.resolve("f")));
    } finally {
      Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void utf8Lengths() {
    assertEquals(0, Diagnosis.utf8Length(""));
    assertEquals(3, Diagnosis.utf8Length("abc"));
    assertEquals(2, Diagnosis.utf8Length("ä"));
    assertEquals(3, Diagnosis.utf8Length("€"));
    assertEquals(4, Diagnosis.utf8Length("\uD83D\uDE00"));
    assertEquals(1, Diagnosis.utf8Length("\uD83D"));
    assertEquals(256, Diagnosis.utf8Length("ä".repeat(128)));
  }

  @Test
  void explainKeepsWhatIsKnownAndNamesTheRest() throws IOException {
    Path missing = t.resolve("missing");
    NoSuchFileException enoent = new NoSuchFileException(missing.toString());
    assertSame(enoent, Diagnosis.explain(enoent, null), "a real ENOENT keeps its type");

    ErrnoException known = Errno.EAGAIN.exception("x");
    assertSame(known, Diagnosis.explain(known, t.resolve("self")));

    IOException loop = Diagnosis.explain(new FileNotFoundException("words"), t.resolve("self"));
    assertEquals(Errno.ELOOP.number, ((ErrnoException) loop).errno);
    assertEquals(t.resolve("self").toString(), ((ErrnoException) loop).getFile());

    IOException throughFile = Diagnosis.explain(new NoSuchFileException(t.resolve("f0/x").toString()), null);
    assertEquals(Errno.ENOTDIR.number, ((ErrnoException) throughFile).errno, "JDK 25's ENOTDIR");

    FileSystemException resolves = new FileSystemException(t.resolve("f0").toString(), null, "Eingabe-/Ausgabefehler");
    assertSame(resolves, Diagnosis.explain(resolves, null), "nothing to tell: unknown error");
    assertNull(Errno.of(resolves));
  }
}
