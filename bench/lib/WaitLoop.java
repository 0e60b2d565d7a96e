import dev.vigil.common.ServiceDir;
import dev.vigil.svwait.Goal;
import dev.vigil.svwait.Waiter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;

/**
 * bench/readiness.sh part c: svwait's Waiter in a JVM that is already running, as a Java program
 * embeds it (the controller module's service mode does). For each line read from stdin: watch
 * DIR for "up and ready" (svwait -U), print "watching", wait, then print CLOCK_REALTIME in
 * nanoseconds (Instant.now) the moment the wait returned. The JVM's start and exit are outside
 * every sample, as the goal asks.
 *
 * usage: java -cp vigil-common.jar:vigil-svc.jar WaitLoop.java DIR
 */
public final class WaitLoop {
  public static void main(String[] args) throws IOException {
    ServiceDir dir = ServiceDir.of(args[0]);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    PrintStream out = System.out;
    while (in.readLine() != null) {
      try (Waiter waiter = Waiter.watch(List.of(dir), Goal.READY, false)) {
        out.println("watching");
        out.flush();
        waiter.await(15_000);
        Instant now = Instant.now();
        out.println(now.getEpochSecond() * 1_000_000_000L + now.getNano());
        out.flush();
      }
    }
  }
}
