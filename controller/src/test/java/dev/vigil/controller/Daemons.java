package dev.vigil.controller;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * Real daemons for the tests, as start commands: each goes into the background from a shell that
 * {@code cd}s into the test's root (so the fixture's leak check sees it) and appends its pid to
 * the root's pid log (so the fixture kills it by pid whatever the test did).
 */
final class Daemons {
  final Path root;
  final Path pidFile;
  final Path logFile;

  Daemons(Path root) {
    this.root = root;
    this.pidFile = root.resolve("daemon.pid");
    this.logFile = root.resolve("daemon.log");
  }

  /** python3, or the test is skipped saying so. */
  static String python() {
    Path python = Path.of("/usr/bin/python3");
    Assumptions.assumeTrue(Files.isExecutable(python), "python3 missing: /usr/bin/python3 (Debian package python3)");
    return python.toString();
  }

  /** A port nobody listens on now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * A start command that runs {@code daemon} (sh syntax) in the background with its output
   * appended to the log file, and writes its pid to the pid file (and the root's pid log).
   */
  String background(String daemon) {
    return "cd " + root + " && { " + daemon + "; } >> " + logFile + " 2>&1 & echo $! >> " + root.resolve("pids")
        + "; echo $! > " + pidFile;
  }

  /** python3's http.server on 127.0.0.1:port, serving the root. */
  String httpServer(int port) {
    return background("exec " + python() + " -u -m http.server --bind 127.0.0.1 " + port);
  }

  static URI uri(int port) {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  /** One GET; its status code. Connection refused (not up yet) comes as ConnectException. */
  static int get(HttpClient http, int port) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri(port)).timeout(Duration.ofSeconds(5)).build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
