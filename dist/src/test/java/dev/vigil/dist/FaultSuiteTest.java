package dev.vigil.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.ServiceTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CI's short run of the fault suite, {@code bench/faults.sh} (bench/README.md), on this tree:
 * each part with a few rounds, its exit code (1 when a check of vigil failed) and its counts
 * line read. The scratch directory is made under the test's root ({@code TMPDIR}), so {@link
 * ServiceTest} fails the test if anything the suite started is still running afterwards. A part
 * the machine cannot host (no tmpfs mount, not root, no daemontools to compare with) says so in
 * the suite's output and is skipped here with that line.
 */
class FaultSuiteTest extends ServiceTest {
  private static final Path BENCH = Path.of(System.getProperty("vigil.bench"));
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final Pattern COUNTS = Pattern.compile("(?m)^counts \\(vigil, every part run\\): (.*)$");

  @BeforeEach
  void needsPython() {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")) || Files.isExecutable(Path.of("/usr/local/bin/python3")),
        "the fault suite's harness needs python3");
  }

  /** Runs the suite; its whole output, after checking that it passed. */
  private String run(Map<String, String> environment, String... args) throws IOException {
    Path out = root.resolve("faults.out");
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put("TMPDIR", root.toString());
    List<String> command = new java.util.ArrayList<>(List.of("/bin/sh", BENCH.resolve("faults.sh").toString()));
    command.addAll(List.of(args));
    Process p = processes.start(root, out, out, command, env);
    int exit;
    try {
      exit = Processes.awaitExit(p, TIMEOUT);
    } catch (AssertionError slow) {
      // the script's trap stops everything it started; ServiceTest kills what is left
      p.toHandle().destroy();
      Processes.awaitExit(p, Duration.ofSeconds(30));
      throw slow;
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    for (String skip : output.lines().filter(l -> l.startsWith("skipped: ") && !l.contains("(not in PARTS")).toList()) {
      System.out.println("faults.sh " + env.get("PARTS") + ": " + skip);
    }
    assertEquals(0, exit, "bench/faults.sh failed a check:\n" + output);
    return output;
  }

  /** The counts line: name to value. */
  private static Map<String, Integer> counts(String output) {
    Matcher m = COUNTS.matcher(output);
    assertTrue(m.find(), "no counts line in:\n" + output);
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String pair : m.group(1).trim().split(" ")) {
      String[] kv = pair.split("=");
      counts.put(kv[0], Integer.parseInt(kv[1]));
    }
    return counts;
  }

  private static void assertNone(String output, String... names) {
    Map<String, Integer> counts = counts(output);
    for (String name : names) {
      assertEquals(0, counts.get(name), name + ":\n" + output);
    }
  }

  private static void assumeRan(String output, String part) {
    output.lines().filter(l -> l.startsWith("skipped: part " + part + " ")).findFirst()
        .ifPresent(line -> Assumptions.abort(line));
  }

  @Test
  void aKilledSuperviseOrSvscanIsFollowedByOneThatAdoptsEveryOrphan() throws IOException {
    String output = run(Map.of("PARTS", "ab"), "5", "1", "10");
    assertTrue(output.contains("== a. supervise") && output.contains("== b. vigil's svscan, 10 services"), output);
    assertTrue(output.contains("over 1 rounds: adopted 10 of 10, second copies 0, duplicates 0"), output);
    assertNone(output, "duplicates", "orphans");
  }

  @Test
  void termAtRandomMomentsLeavesNoProcessAndAReadableRecord() throws IOException {
    String output = run(Map.of("PARTS", "e", "TERM_ROUNDS", "2", "TERM_SCAN_ROUNDS", "1", "TERM_SERVICES", "5"));
    assertTrue(output.contains("== e. SIGTERM") && output.contains("vigil supervise, TERM, TERM ") && output.contains("vigil svscan (5 services)"), output);
    assertNone(output, "duplicates", "orphans", "torn");
  }

  @Test
  void aDiskThatFillsTearsNoRecordAndTheRecordRecovers() throws IOException {
    String output = run(Map.of("PARTS", "f", "DISK_SECONDS", "3"));
    assumeRan(output, "f");
    assertTrue(output.contains("== f. a disk that fills"), output);
    assertNone(output, "torn");
  }

  @Test
  void aNonOwnersClientsSayWhatDaemontoolsSay() throws IOException {
    String output = run(Map.of("PARTS", "g"));
    assumeRan(output, "g");
    assertTrue(output.contains("36 comparisons") || output.contains("18 comparisons"), output);
    assertNone(output, "differences");
  }
}
