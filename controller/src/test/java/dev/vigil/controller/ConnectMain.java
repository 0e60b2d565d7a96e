package dev.vigil.controller;

import java.io.FileInputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One of the concurrent connectors of {@link ConcurrentConnectTest}, a JVM of its own: says
 * {@code ready}, blocks opening the start FIFO until the test opens its other end (so all of them
 * call connect at one moment), says {@code go}, connects to python's http.server (starting it if
 * nobody has: each start appends a line to the starts file), and says {@code connected 200}.
 *
 * <p>{@code ConnectMain ROOT PORT FIFO}
 */
public final class ConnectMain {
  private ConnectMain() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    Daemons daemons = new Daemons(root);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    DaemonController c = DaemonController.builder()
        .identifier("http.server on " + port)
        .startCommand("echo $$ >> " + root.resolve("starts") + "; " + daemons.httpServer(port))
        .ping(() -> Daemons.get(http, port) == 200)
        .pidFile(daemons.pidFile)
        .logFile(daemons.logFile)
        .build();
    System.out.println("ready");
    try (InputStream go = new FileInputStream(args[2])) {
      System.out.println("go");
    }
    try {
      System.out.println("connected " + c.connect(() -> Daemons.get(http, port)));
    } catch (RuntimeException e) {
      System.out.println("failed: " + e);
      System.exit(1);
    }
    System.exit(0);
  }
}
