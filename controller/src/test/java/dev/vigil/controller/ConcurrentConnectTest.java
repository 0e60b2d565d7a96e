package dev.vigil.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.ServiceTest;
import dev.vigil.fixtures.Services;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ten JVMs call connect at the same moment on a daemon that is not running: the lock file lets
 * exactly one start it, and all ten connect. The moment is a FIFO: each JVM blocks opening it for
 * reading, and the test opens it for writing once all ten have said they are about to.
 */
class ConcurrentConnectTest extends ServiceTest {
  private static final int JVMS = 10;
  /** Ten JVMs starting at once on a 2-core machine busy with builds can take a while. */
  private static final Duration SLOW = Duration.ofSeconds(90);

  private static List<String> java() {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"), ConnectMain.class.getName());
  }

  private static boolean said(Path out, String line) {
    try {
      return Files.readAllLines(out).contains(line);
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void tenJvmsConnectingAtOnceStartTheDaemonOnce() throws Exception {
    Daemons.python();
    int port = Daemons.freePort();
    Path fifo = Services.fifo(root.resolve("go"));
    List<Process> jvms = new ArrayList<>();
    List<Path> outs = new ArrayList<>();
    for (int i = 0; i < JVMS; i++) {
      Path out = root.resolve("connect" + i + ".out");
      List<String> command = new ArrayList<>(java());
      command.addAll(List.of(root.toString(), Integer.toString(port), fifo.toString()));
      jvms.add(processes.start(root, out, out, command));
      outs.add(out);
    }
    for (int i = 0; i < JVMS; i++) {
      Path out = outs.get(i);
      Process jvm = jvms.get(i);
      Await.until(out.getFileName() + " to be ready", () -> said(out, "ready") || !jvm.isAlive(), SLOW);
      assertTrue(jvm.isAlive(), "connector " + i + " exited early: " + Files.readString(out));
    }
    // the open blocks until one reader is there; held open until every reader has gone through
    try (OutputStream go = new FileOutputStream(fifo.toFile())) {
      for (Path out : outs) {
        Await.until(out.getFileName() + " to go", () -> said(out, "go"), SLOW);
      }
    }
    for (int i = 0; i < JVMS; i++) {
      assertEquals(0, Processes.awaitExit(jvms.get(i), SLOW), Files.readString(outs.get(i)));
      assertEquals(List.of("ready", "go", "connected 200"), Files.readAllLines(outs.get(i)));
    }
    assertEquals(1, Files.readAllLines(root.resolve("starts")).size(), "started exactly once");

    Daemons daemons = new Daemons(root);
    HttpClient http = HttpClient.newHttpClient();
    DaemonController c = DaemonController.builder()
        .identifier("http.server on " + port)
        .startCommand(daemons.httpServer(port))
        .ping(() -> Daemons.get(http, port) == 200)
        .pidFile(daemons.pidFile)
        .logFile(daemons.logFile)
        .build();
    long pid = c.pid().orElseThrow();
    c.stop();
    assertFalse(Processes.alive(pid));
  }
}
