package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Status;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Services;
import dev.vigil.fixtures.TextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The crash-loop backoff with a real crashing child: doubling, its cap, and what resets it. */
class SuperviseBackoffTest extends LiveTest {
  private Path crasher() throws IOException {
    Path dir = Files.createDirectories(root.resolve("svc"));
    // the kernel's start time of the run script itself: the spawn, whatever the scheduler does after
    Services.script(dir.resolve("run"),
        "echo $$ >> " + services.pidLog() + "\ncut -d' ' -f22 /proc/$$/stat >> starts\nexit 1\n");
    return dir;
  }

  private static List<Long> gapsMillis(Path dir) throws IOException {
    long hz = 100;
    List<String> starts = TextFiles.lines(dir.resolve("starts"));
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < starts.size(); i++) {
      gaps.add((Long.parseLong(starts.get(i)) - Long.parseLong(starts.get(i - 1))) * 1000 / hz);
    }
    return gaps;
  }

  @Test
  void aCrashLoopWaitsTwiceAsLongEachTimeUpToBackoffMax() throws IOException {
    Path dir = crasher();
    Files.writeString(dir.resolve("backoff-max"), "2000\n");
    SuperviseProcess s = supervise("svc");
    Await.until("four starts", () -> TextFiles.lines(dir.resolve("starts")).size() >= 4,
        java.time.Duration.ofSeconds(20));
    s.send("dx");
    assertEquals(0, s.awaitExit());
    List<Long> gaps = gapsMillis(dir).subList(0, 3);
    assertTrue(gaps.get(0) >= 950 && gaps.get(0) < 1500, "1 s after the first: " + gaps);
    assertTrue(gaps.get(1) >= 1950 && gaps.get(1) < 2500, "2 s after the second: " + gaps);
    assertTrue(gaps.get(2) >= 1950 && gaps.get(2) < 2500, "capped at backoff-max (2 s): " + gaps);
  }

  @Test
  void upClearsTheBackoffAndTheStatusCountsTheQuickDeaths() throws IOException {
    Path dir = crasher();
    SuperviseProcess s = supervise("svc");
    // after the third quick death the next start waits 4 s
    Status waiting = s.awaitStatus("three quick deaths", st -> st.extension().flatMap(x -> x.progress())
        .map(p -> p.fastDeaths() >= 3 && p.nextStart().isPresent()).orElse(false));
    long nextIn = waiting.extension().get().progress().get().nextStart().get().unixSeconds()
        - System.currentTimeMillis() / 1000;
    assertTrue(nextIn >= 2, "the next start is due seconds ahead: " + nextIn);
    int before = TextFiles.lines(dir.resolve("starts")).size();
    long sent = System.nanoTime();
    s.send("u");
    Await.until("a start at once", () -> TextFiles.lines(dir.resolve("starts")).size() > before);
    long ms = (System.nanoTime() - sent) / 1_000_000;
    assertTrue(ms < 1500, "u started it within the one-second floor, not the backoff: " + ms + " ms");
    s.send("dx");
    assertEquals(0, s.awaitExit());
  }

  @Test
  void aDeathAskedForThroughTheControlFifoIsNoCrash() throws IOException {
    services.sleeper("svc");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    for (int i = 0; i < 3; i++) {
      s.send("k");
      child = s.awaitChildOtherThan(child);
    }
    assertEquals(0, s.status().extension().get().progress().get().fastDeaths(), "svc -k three times: no crash");
  }
}
