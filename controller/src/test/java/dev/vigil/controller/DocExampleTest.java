package dev.vigil.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.fixtures.ServiceTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The usage example of doc/daemon-controller.md runs here, and the page's code block is checked
 * to be this file's example, line for line: the documented example is one that works.
 */
class DocExampleTest extends ServiceTest {
  private static final Path PAGE = Path.of(System.getProperty("vigil.docs"), "daemon-controller.md");
  private static final Path SOURCE = Path.of("src/test/java/dev/vigil/controller/DocExampleTest.java");

  @Test
  void theExampleStartsConnectsAndStops() throws Exception {
    Daemons.python();
    int port = Daemons.freePort();
    Path dir = root;
    Path log = root.resolve("server.log");
    Path pidFile = root.resolve("server.pid");
    try {
      // example:begin
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + port + "/");
      DaemonController server = DaemonController.builder()
          .identifier("web server on port " + port)
          .startCommand("cd " + dir + " && python3 -m http.server --bind 127.0.0.1 " + port
              + " >> " + log + " 2>&1 & echo $! > " + pidFile)
          .ping(() -> http.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.discarding()).statusCode() == 200)
          .pidFile(pidFile)
          .logFile(log)
          .startTimeout(Duration.ofSeconds(30))
          .build();

      // starts the server unless it answers; one start however many JVMs call this at once
      String page = server.connect(
          () -> http.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString()).body());

      server.stop(); // SIGTERM to the pid in server.pid; returns once it has exited
      // example:end
      assertTrue(page.contains("server.log"), "the directory listing: " + page);
      assertFalse(server.running());
    } finally {
      if (Files.exists(pidFile)) {
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // only if the example failed
      }
    }
  }

  @Test
  void thePageShowsThisExample() throws IOException {
    assertEquals(region(Files.readAllLines(SOURCE)), codeBlock(Files.readString(PAGE)));
  }

  @Test
  void thePageGivesTheMavenCoordinates() throws IOException {
    String page = Files.readString(PAGE);
    assertTrue(page.contains("<groupId>dev.vigil</groupId>\n  <artifactId>vigil-controller</artifactId>"), "dependency block");
  }

  /** The lines between the markers, less their common indentation. */
  private static String region(List<String> source) {
    int begin = source.indexOf(source.stream().filter(l -> l.strip().equals("// example:begin")).findFirst().orElseThrow());
    int end = source.indexOf(source.stream().filter(l -> l.strip().equals("// example:end")).findFirst().orElseThrow());
    List<String> lines = new ArrayList<>(source.subList(begin + 1, end));
    int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      out.add(l.isBlank() ? "" : l.substring(indent));
    }
    return String.join("\n", out);
  }

  /** The page's first ```java block. */
  private static String codeBlock(String page) {
    int start = page.indexOf("```java\n");
    assertTrue(start >= 0, "no ```java block in " + PAGE);
    start += "```java\n".length();
    return page.substring(start, page.indexOf("\n```", start));
  }
}
