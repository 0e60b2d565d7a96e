package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.common.Phase;
import dev.vigil.common.Status;
import dev.vigil.common.Want;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code supervise --article NAME}: the seed article's layout, {@code status/NAME/{lock,status,
 * svcontrol}} under supervise's working directory, driven and read with the article's own tools
 * (od, echo into the FIFO, fuser) against a real supervise and a real child.
 */
class SuperviseArticleTest extends LiveTest {
  private static final String FUSER = "/usr/bin/fuser";

  private Path state(String name) {
    return root.resolve("status").resolve(name);
  }

  private SuperviseProcess article(String name) throws IOException {
    return launch().startArticle(name).awaitSupervised();
  }

  /** {@code sh -c SCRIPT} in the test's root, as an operator would type it there. */
  private Captured sh(String script) throws IOException {
    Captured c = Processes.run(root, List.of("/bin/sh", "-c", script));
    assertEquals(0, c.exit(), c.toString());
    return c;
  }

  @Test
  void theStateGoesToStatusNameAndOdPrintsTheChildsPid() throws IOException {
    services.sleeper("app");
    SuperviseProcess s = article("app");
    long child = s.awaitChild();

    assertTrue(Files.isRegularFile(state("app").resolve("lock")));
    assertTrue(Files.isRegularFile(state("app").resolve("status")));
    assertTrue(Files.readAttributes(state("app").resolve("svcontrol"), java.nio.file.attribute.BasicFileAttributes.class)
        .isOther(), "svcontrol is a FIFO");
    try (var entries = Files.list(state("app"))) {
      assertEquals(List.of("lock", "status", "svcontrol"), entries.map(p -> p.getFileName().toString()).sorted().toList(),
          "no ok FIFO, no pid file");
    }
    assertFalse(Files.exists(root.resolve("app").resolve("supervise")), "nothing in the service directory");

    byte[] b = s.statusBytes();
    assertEquals(20, b.length);
    long littleEndian = (b[16] & 0xffL) | (b[17] & 0xffL) << 8 | (b[18] & 0xffL) << 16 | (b[19] & 0xffL) << 24;
    assertEquals(child, littleEndian, "bytes 16-19: the pid, little-endian");
    assertEquals(0, b[15], "byte 15");
    assertEquals('u', b[13], "want up");
    // the article's command prints the low 16 bits: the pid itself below 65536
    assertEquals(Long.toString(child & 0xffff), sh("od -An -j16 -N2 -tu2 status/app/status").out().trim());
    assertEquals(Long.toString(child), sh("od -An -j16 -N4 -tu4 status/app/status").out().trim());
  }

  @Test
  void theArticlesLettersThroughEchoIntoSvcontrol() throws IOException {
    services.sleeper("app");
    SuperviseProcess s = article("app");
    long first = s.awaitChild();

    sh("echo d > status/app/svcontrol");
    Status down = s.awaitStatus("d to take app down", st -> !st.isUp());
    assertEquals(Want.DOWN, down.want());
    assertEquals(Phase.DOWN, down.phase());
    Await.until("the first child gone", () -> SuperviseProcess.gone(first));

    sh("echo u > status/app/svcontrol");
    long second = s.awaitChildOtherThan(first);
    assertEquals(Want.UP, s.status().want());

    sh("echo k > status/app/svcontrol");
    long third = s.awaitChildOtherThan(second);
    assertNotEquals(second, third, "k: killed and started again");

    sh("echo x > status/app/svcontrol");
    // daemontools' x: exit once the child is gone; it still runs
    assertTrue(s.isAlive());
    sh("echo d > status/app/svcontrol");
    assertEquals(0, s.awaitExit(), s.err());
    assertTrue(SuperviseProcess.gone(third) || !Processes.alive(third));
  }

  @Test
  void fuserOnTheLockNamesSuperviseAlone() throws IOException {
    assumeTrue(Files.isExecutable(Path.of(FUSER)), FUSER + " is missing (Debian's psmisc): not tested");
    services.sleeper("app");
    SuperviseProcess s = article("app");
    s.awaitChild();
    Captured c = Processes.run(root, List.of(FUSER, "status/app/lock"));
    assertEquals(0, c.exit(), "fuser exits 0: somebody has it open; " + c);
    // pids on stdout (the file's name goes to stderr); letters after a pid say how it is used
    List<Long> pids = new ArrayList<>();
    for (String word : c.out().trim().split("\\s+")) {
      pids.add(Long.parseLong(word.replaceAll("[^0-9]", "")));
    }
    assertEquals(List.of(s.pid()), pids, "supervise alone holds the lock open: " + c);
  }

  @Test
  void aSecondSuperviseOnTheSameNameFailsOnTheLock() throws IOException {
    services.sleeper("app");
    SuperviseProcess s = article("app");
    s.awaitChild();
    byte[] before = s.statusBytes();
    Captured second = launch().runToExit("--article", "app");
    assertEquals(new Captured(111, "", "supervise: fatal: unable to acquire status/app/lock: temporary failure\n"),
        second);
    assertArrayEquals(before, s.statusBytes(), "the second wrote nothing");
  }

  @Test
  void aNameWithASlashIsRefusedInOneLine() throws IOException {
    Captured c = launch().runToExit("--article", "a/b");
    assertEquals(100, c.exit());
    assertEquals("", c.out());
    assertEquals("supervise: fatal: illegal --article name: a/b: a directory of the current one, without a slash\n",
        c.err());
    assertFalse(Files.exists(root.resolve("status")));
  }

  @Test
  void theDaemontoolsFormIsUnchanged() throws IOException {
    // one argument is daemontools' form, even --article: a directory of that name (here, none)
    assertEquals(new Captured(111, "", "supervise: fatal: unable to chdir to --article: file does not exist\n"),
        launch().runToExit("--article"));
    assertEquals(new Captured(100, "", "supervise: usage: supervise dir\n"), launch().runToExit("--article", "a", "b"));
  }
}
