// bench/controller.sh's measurement, run as a single-file program against the installed tree's
// lib/vigil-controller.jar: DaemonController.connect on a daemon that runs (python3's http.server),
// next to the connector alone. See bench/README.md, "controller.sh".
import dev.vigil.controller.DaemonController;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

public class ControllerBench {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  static final AtomicInteger CALLS = new AtomicInteger();
  static URI uri;

  /** One GET of the front page: the connector. */
  static Integer get() throws Exception {
    CALLS.incrementAndGet();
    return HTTP.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.discarding()).statusCode();
  }

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    int rounds = Integer.parseInt(args[1]);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    uri = URI.create("http://127.0.0.1:" + port + "/");
    Path pid = work.resolve("server.pid");
    DaemonController c = DaemonController.builder()
        .identifier("http.server")
        .startCommand("cd " + work + " && exec python3 -m http.server --bind 127.0.0.1 " + port
            + " >> " + work.resolve("server.log") + " 2>&1 & echo $! > " + pid)
        .ping(() -> get() == 200)
        .pidFile(pid)
        .logFile(work.resolve("server.log"))
        .build();
    long t = System.nanoTime();
    c.connect(ControllerBench::get);
    System.out.printf("connect that starts the daemon (first call in this JVM): %.1f ms%n", ms(System.nanoTime() - t));
    t = System.nanoTime();
    c.connect(ControllerBench::get);
    System.out.printf("second connect (running; code still cold): %.2f ms%n", ms(System.nanoTime() - t));

    for (int i = 0; i < 50; i++) { // warm-up, all three forms
      get();
      c.connect(ControllerBench::get);
      c.connect(() -> Boolean.TRUE);
    }
    List<Long> raw = new ArrayList<>(), connect = new ArrayList<>(), overhead = new ArrayList<>(), bare = new ArrayList<>();
    long[] inside = new long[1];
    CALLS.set(0);
    int connects = 0;
    for (int i = 0; i < rounds; i++) { // interleaved: a load spike hits every form alike
      long a = System.nanoTime();
      get();
      raw.add(System.nanoTime() - a);

      long b = System.nanoTime();
      c.connect(() -> {
        long in = System.nanoTime();
        try {
          return get();
        } finally {
          inside[0] = System.nanoTime() - in;
        }
      });
      long total = System.nanoTime() - b;
      connects++;
      connect.add(total);
      overhead.add(total - inside[0]);

      long d = System.nanoTime();
      c.connect(() -> Boolean.TRUE);
      bare.add(System.nanoTime() - d);
    }
    int getsInConnects = CALLS.get() - rounds; // less the raw GETs
    System.out.printf("%-58s %9s %9s%n", "n=" + rounds + ", daemon running", "median", "p90");
    row("the connector alone (one HTTP GET, no controller)", raw);
    row("connect(HTTP GET)", connect);
    row("  of which outside the connector (locks, checks)", overhead);
    row("connect(() -> true): the controller alone", bare);
    System.out.printf("connector calls per connect: %.2f (1.00 = one ping, no start)%n", (double) getsInConnects / connects);

    // the same from 4 threads at once: shared holders do not queue behind each other
    List<Long> contended = Collections.synchronizedList(new ArrayList<>());
    List<Long> contendedOverhead = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      Thread th = new Thread(() -> {
        long[] in = new long[1];
        for (int i = 0; i < rounds / 4; i++) {
          long s = System.nanoTime();
          try {
            c.connect(() -> {
              long a = System.nanoTime();
              try {
                return get();
              } finally {
                in[0] = System.nanoTime() - a;
              }
            });
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
          long total = System.nanoTime() - s;
          contended.add(total);
          contendedOverhead.add(total - in[0]);
        }
      });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    row("connect(HTTP GET), 4 threads at once", contended);
    row("  of which outside the connector (locks, checks)", contendedOverhead);

    t = System.nanoTime();
    c.stop();
    System.out.printf("stop (SIGTERM, until gone): %.1f ms%n", ms(System.nanoTime() - t));
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }

  static void row(String what, List<Long> samples) {
    List<Long> s = new ArrayList<>(samples);
    Collections.sort(s);
    System.out.printf("%-58s %7.3f ms %7.3f ms%n", what, ms(s.get(s.size() / 2)), ms(s.get((int) (s.size() * 0.9))));
  }
}
