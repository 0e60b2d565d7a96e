package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Extension;
import dev.vigil.common.Status;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Proc;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.Services;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The three readiness protocols of doc/service-dir.md with real children: s6's notification-fd,
 * systemd's NOTIFY_SOCKET driven by the real systemd-notify, and runit's ./check. Each child is
 * held at a FIFO until the test lets it say it is ready, so "up and not ready" is seen for sure.
 */
class SuperviseReadinessTest extends LiveTest {
  private static final String SYSTEMD_NOTIFY = "/usr/bin/systemd-notify";

  private Path service(String name, String... runLines) throws IOException {
    Path dir = Files.createDirectories(root.resolve(name));
    Processes.run(dir, List.of("mkfifo", "go"));
    Services.script(dir.resolve("run"), "echo $$ >> " + services.pidLog() + "\n" + String.join("\n", runLines) + "\n");
    return dir;
  }

  /** Lets the child past its next {@code read go < go}. */
  private static void release(Path dir) throws IOException {
    assertEquals(0, Processes.run(dir, List.of("timeout", "10", "sh", "-c", "echo go > go")).exit(),
        "the child never read the FIFO");
  }

  private static Extension.Readiness readiness(Status s) {
    return s.extension().orElseThrow().readiness().orElseThrow();
  }

  private static boolean ready(Status s) {
    return s.isUp() && readiness(s).since().isPresent();
  }

  @Test
  void aNewlineOnTheNotificationFdMakesItReadyAndARestartForgetsIt() throws IOException {
    Path dir = service("svc", "read go < go", "echo >&5", "exec sleep 100000");
    Files.writeString(dir.resolve("notification-fd"), "5\n");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    assertTrue(Proc.fds(child).contains(5), "fd 5 passed: " + Proc.fds(child));
    assertTrue(Files.readSymbolicLink(Path.of("/proc/" + child + "/fd/5")).toString().startsWith("pipe:"));
    Status up = s.status();
    assertEquals(Extension.Readiness.NONE, readiness(up), "up, not ready");

    release(dir);
    Status ready = s.awaitStatus("ready", SuperviseReadinessTest::ready);
    assertEquals(child, ready.pid());
    assertTrue(nanos(readiness(ready).since().orElseThrow())
        >= nanos(up.extension().orElseThrow().progress().orElseThrow().since()), "ready after up");
    assertEquals(up.stamp(), ready.stamp(), "readiness does not restamp daemontools' up-since");

    s.send("k");
    long next = s.awaitChildOtherThan(child);
    Status restarted = s.awaitStatus("the new child", st -> st.pid() == next);
    assertFalse(readiness(restarted).since().isPresent(), "a new child is not ready until it says so");
    release(dir);
    s.awaitStatus("the new child ready", SuperviseReadinessTest::ready);
  }

  @Test
  void systemdNotifyThroughNotifySocketSetsReadyStatusAndStopping() throws IOException {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(SYSTEMD_NOTIFY)),
        SYSTEMD_NOTIFY + " is not installed (Debian's systemd package): the sd_notify test is skipped");
    Path dir = service("svc", "read go < go",
        SYSTEMD_NOTIFY + " --ready --status='serving 4 clients'",
        "read go < go",
        SYSTEMD_NOTIFY + " STOPPING=1",
        "exec sleep 100000");
    Files.writeString(dir.resolve("notify-socket"), "");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    assertEquals(dir.resolve("supervise/notify").toString(), Proc.environment(child).get("NOTIFY_SOCKET"),
        "the absolute path, as it fits in sun_path");
    assertFalse(readiness(s.status()).since().isPresent());

    release(dir);
    Status ready = s.awaitStatus("READY=1", SuperviseReadinessTest::ready);
    assertEquals("serving 4 clients", readiness(ready).text());
    assertFalse(readiness(ready).stopping());
    release(dir);
    Status stopping = s.awaitStatus("STOPPING=1", st -> readiness(st).stopping());
    assertEquals(readiness(ready).since(), readiness(stopping).since(), "still ready, since the same time");
    assertEquals("serving 4 clients", readiness(stopping).text(), "the last STATUS= stays");
  }

  @Test
  void checkRunsEveryIntervalUntilItPassesAndOneThatHangsIsKilled() throws IOException {
    Path dir = service("svc", "exec sleep 100000");
    Files.writeString(dir.resolve("check-interval"), "100\n");
    Files.createFile(dir.resolve("hang"));
    Services.script(dir.resolve("check"), String.join("\n",
        "echo $$ >> checks",
        "echo $$ >> " + services.pidLog(),
        "[ -e hang ] && exec sleep 100000",
        "test -e healthy",
        ""));
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    Await.until("three checks", () -> lines(dir.resolve("checks")).size() >= 3);
    List<String> hung = lines(dir.resolve("checks"));
    for (String pid : hung.subList(0, hung.size() - 1)) {
      Await.until("check " + pid + " killed after its interval", () -> SuperviseProcess.gone(Long.parseLong(pid)));
    }
    assertFalse(readiness(s.status()).since().isPresent(), "a check that hangs is no pass");

    Files.delete(dir.resolve("hang"));
    Await.until("a failing check", () -> lines(dir.resolve("checks")).size() >= hung.size() + 2);
    assertFalse(readiness(s.status()).since().isPresent(), "a failing check is no pass");
    Files.createFile(dir.resolve("healthy"));
    Status ready = s.awaitStatus("ready", SuperviseReadinessTest::ready);
    assertEquals(child, ready.pid());
    int checks = lines(dir.resolve("checks")).size();
    Await.holds("no check after the pass", () -> lines(dir.resolve("checks")).size() == checks, Duration.ofMillis(400));

    // a new child is checked again
    Files.delete(dir.resolve("healthy"));
    s.send("k");
    long next = s.awaitChildOtherThan(child);
    Await.until("checks of the new child", () -> lines(dir.resolve("checks")).size() >= checks + 2);
    assertFalse(readiness(s.awaitStatus("the new child", st -> st.pid() == next)).since().isPresent());
    s.send("d");
    s.awaitStatus("down", st -> st.pid() == 0);
    for (String pid : lines(dir.resolve("checks"))) {
      Await.until("check " + pid + " gone once ./run is down", () -> SuperviseProcess.gone(Long.parseLong(pid)));
    }
  }

  private static long nanos(dev.vigil.common.Tai64n t) {
    return t.unixSeconds() * 1_000_000_000L + t.nanos();
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
