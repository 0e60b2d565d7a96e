package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Status;
import dev.vigil.common.Want;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Services;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A run file that cannot be executed (vigil's deliberate difference from daemontools, DESIGN §3):
 * supervise knows at once, says so on stderr in daemontools' words, stays down with want up and
 * no fake pid, tries again about a second later, and starts the service once run is fixed.
 */
class SuperviseExecFailureTest extends LiveTest {

  @ParameterizedTest(name = "{0}, typed as {1}")
  @CsvSource({
      "missing,     svc,                     file does not exist",
      "mode 0644,   ./svc,                   access denied",
      "no shebang,  ABSOLUTE,                exec format error",
  })
  void aRunThatCannotStartIsReportedAndRetriedUntilItIsFixed(String kind, String typedAs, String reason)
      throws IOException {
    Path dir = Files.createDirectories(root.resolve("svc"));
    switch (kind) {
      case "missing":
        break;
      case "mode 0644":
        Files.writeString(dir.resolve("run"), "#!/bin/sh\nexec sleep 100000\n");
        Files.setPosixFilePermissions(dir.resolve("run"), PosixFilePermissions.fromString("rw-r--r--"));
        break;
      default:
        Services.script(dir.resolve("run"), "");
        Files.writeString(dir.resolve("run"), "exec sleep 100000\n");
    }
    String typed = typedAs.equals("ABSOLUTE") ? dir.toString() : typedAs;
    String warning = "supervise: warning: unable to start " + typed + "/run: " + reason;

    SuperviseProcess s = launch().start(typed).awaitSupervised();
    Await.until("the first warning", () -> s.errLines("supervise: ").size() >= 1);
    long first = System.nanoTime();
    assertEquals(List.of(warning), s.errLines("supervise: "), "stderr: " + s.err());
    Status st = s.status();
    assertEquals(0, st.pid(), "no fake pid");
    assertEquals(Want.UP, st.want(), "down, normally up, want up");
    assertEquals(0, s.statusBytes()[19], "runit: down");
    assertEquals("", s.pidFile());
    assertEquals(0, st.extension().orElseThrow().starts());

    Await.until("the retry's warning", () -> s.errLines("supervise: ").size() >= 2);
    long gap = (System.nanoTime() - first) / 1_000_000;
    assertTrue(gap >= 850 && gap < 2000, "retried " + gap + " ms after the first warning");
    assertEquals(List.of(warning, warning), s.errLines("supervise: "));

    // fix it in one step, as an operator's editor or deploy tool would
    Path fixed = root.resolve("run.new");
    Services.script(fixed, "echo $$ >> " + services.pidLog() + "\nexec sleep 100000\n");
    Files.move(fixed, dir.resolve("run"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    long child = s.awaitChild();
    assertEquals(1, s.status().extension().orElseThrow().starts(), "failed attempts are not starts");
    assertEquals(child + "\n", s.pidFile());
    int warnings = s.errLines("supervise: ").size();
    assertTrue(warnings >= 2 && warnings <= 3, "warnings: " + s.err());
    assertEquals("", String.join("", s.errLines("supervise: fatal")));
    Await.until("the child to log its pid", () -> logged() >= 1);
    assertTrue(Files.readString(services.pidLog(), StandardCharsets.US_ASCII).startsWith(child + "\n"));
  }
}
