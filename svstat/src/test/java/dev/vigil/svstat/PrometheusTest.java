package dev.vigil.svstat;

import static dev.vigil.svstat.Records.NEXT;
import static dev.vigil.svstat.Records.STARTED;
import static dev.vigil.svstat.Records.vigilDown;
import static dev.vigil.svstat.Records.vigilWithReadiness;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.Want;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Exposition;
import dev.vigil.fixtures.FakeSupervisor;
import dev.vigil.fixtures.PeerSupervisor;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.ServiceTest;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * svstat --prometheus on every kind of record, read back by a strict parser of the exposition
 * format ({@link Exposition}) and, where it is installed, by Prometheus' own promtool; and
 * --prometheus=FILE replacing its file whole, or failing with 111, one line and no file left.
 */
class PrometheusTest extends ServiceTest {
  private static final Set<String> EVERY_FAMILY = Set.of("vigil_svstat_scrape_error", "vigil_service_supervised",
      "vigil_service_up", "vigil_service_ready", "vigil_service_wanted_up", "vigil_service_updown_timestamp_seconds",
      "vigil_service_starts_total", "vigil_service_last_exit_code", "vigil_service_backoff_seconds",
      "vigil_service_fast_deaths");
  /** What every record tells, daemontools' too. */
  private static final Set<String> EVERY_RECORD = Set.of("vigil_svstat_scrape_error", "vigil_service_supervised",
      "vigil_service_up", "vigil_service_ready", "vigil_service_wanted_up", "vigil_service_updown_timestamp_seconds");

  private static Captured svstat(String... args) {
    return Captured.of(Main::run, args);
  }

  private static Exposition prometheus(String... dirs) {
    String[] args = Stream.concat(Stream.of("--prometheus"), Stream.of(dirs)).toArray(String[]::new);
    Captured c = svstat(args);
    assertEquals(0, c.exit(), c::toString);
    assertEquals("", c.err());
    return Exposition.parse(c.out());
  }

  private String withStatus(String name, byte[] record) throws IOException {
    return Records.withStatus(services, processes, name, record).name();
  }

  @Test
  void eachServiceGetsWhatItsRecordHolds() throws Exception {
    String ready = withStatus("ready", vigilWithReadiness(true, false, "serving"));
    String notReady = withStatus("notready", vigilWithReadiness(false, false, ""));
    String backoff = withStatus("backoff", vigilDown());
    String daemontools = withStatus("daemontools", Records.daemontools(42, Want.UP));
    String runit = withStatus("runit", Records.runit(0, Want.DOWN));
    ServiceDir gone = services.empty("gone");
    FakeSupervisor.start(gone, processes).close();
    ServiceDir never = services.empty("never");
    String missing = root.resolve("missing").toString();

    long before = System.currentTimeMillis() / 1000;
    Exposition e = prometheus(ready, notReady, backoff, daemontools, runit, gone.name(), never.name(), missing, ready);
    long after = System.currentTimeMillis() / 1000;

    assertEquals(EVERY_FAMILY, e.familiesOf(ready));
    assertEquals(List.of(0.0, 1.0, 1.0, 1.0, 1.0, (double) STARTED.unixSeconds(), 2.0, -1.0, 0.0, 0.0),
        values(e, ready));
    assertEquals(0.0, e.value("vigil_service_ready", notReady));
    assertEquals(1.0, e.value("vigil_service_up", notReady));

    assertEquals(List.of(0.0, 0.0, 1.0), List.of(e.value("vigil_service_up", backoff),
        e.value("vigil_service_ready", backoff), e.value("vigil_service_wanted_up", backoff)));
    assertEquals(List.of(3.0, 1.0, 3.0), List.of(e.value("vigil_service_starts_total", backoff),
        e.value("vigil_service_last_exit_code", backoff), e.value("vigil_service_fast_deaths", backoff)));
    double wait = e.value("vigil_service_backoff_seconds", backoff);
    assertTrue(wait >= NEXT.unixSeconds() - after && wait <= NEXT.unixSeconds() - before, () -> "backoff " + wait);

    // the C supervisors' records: no starts, exit codes or backoff, and ready is up
    assertEquals(EVERY_RECORD, e.familiesOf(daemontools));
    assertEquals(List.of(1.0, 1.0, 1.0), List.of(e.value("vigil_service_up", daemontools),
        e.value("vigil_service_ready", daemontools), e.value("vigil_service_wanted_up", daemontools)));
    assertEquals(EVERY_RECORD, e.familiesOf(runit));
    assertEquals(List.of(0.0, 0.0, 0.0), List.of(e.value("vigil_service_up", runit),
        e.value("vigil_service_ready", runit), e.value("vigil_service_wanted_up", runit)));

    // no supervisor: said so, and nothing from a record nobody keeps
    for (String unsupervised : List.of(gone.name(), never.name())) {
      assertEquals(Set.of("vigil_svstat_scrape_error", "vigil_service_supervised"), e.familiesOf(unsupervised));
      assertEquals(0.0, e.value("vigil_service_supervised", unsupervised));
      assertEquals(0.0, e.value("vigil_svstat_scrape_error", unsupervised));
    }
    assertEquals(Set.of("vigil_svstat_scrape_error"), e.familiesOf(missing));
    assertEquals(1.0, e.value("vigil_svstat_scrape_error", missing));
    assertEquals(8, e.samples.get("vigil_svstat_scrape_error").size(), "a directory given twice is one series");
  }

  private static List<Double> values(Exposition e, String service) {
    return e.samples.keySet().stream().map(f -> e.value(f, service)).collect(Collectors.toList());
  }

  /** The updown time keeps the record's microseconds (supervise writes them, plus 500 ns). */
  @Test
  void theUpdownTimeIsUnixTimeWithMicroseconds() throws Exception {
    String svc = withStatus("svc", java.util.Arrays.copyOf(dev.vigil.common.StatusCodec.encode(
        dev.vigil.common.Status.daemontools(dev.vigil.common.Tai64n.ofUnix(1_700_000_000L, 123_456_789), 7, false,
            Want.UP)), 18));
    String out = svstat("--prometheus", svc).out();
    assertTrue(out.contains("\nvigil_service_updown_timestamp_seconds{service=\"" + svc + "\"} 1700000000.123456\n"),
        out);
  }

  @Test
  void labelValuesAreEscaped() {
    String odd = "no\"such\\dir\nat all";
    Exposition e = prometheus(odd);
    assertEquals(1.0, e.value("vigil_svstat_scrape_error", odd));
    assertTrue(svstat("--prometheus", odd).out().contains("{service=\"no\\\"such\\\\dir\\nat all\"} 1\n"));
  }

  @Test
  void noDirectoriesGiveAnEmptyText() {
    assertEquals(new Captured(0, "", ""), svstat("--prometheus"));
  }

  @ParameterizedTest
  @EnumSource(PeerSupervisor.Kind.class)
  void againstTheCSupervisors(PeerSupervisor.Kind kind) throws Exception {
    ServiceDir dir = services.sleeper("service");
    PeerSupervisor.start(kind, dir, services, processes).await("up (pid P) S seconds");
    Exposition e = prometheus(dir.name());
    assertEquals(EVERY_RECORD, e.familiesOf(dir.name()));
    assertEquals(1.0, e.value("vigil_service_ready", dir.name()));
  }

  /** Prometheus' own checker, where the Debian package is installed (CI does not install it: 100 MB). */
  @Test
  void promtoolAcceptsIt() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    Assumptions.assumeTrue(Files.isExecutable(promtool), "promtool not installed (Debian package prometheus)");
    String out = svstat("--prometheus", withStatus("ready", vigilWithReadiness(true, false, "")),
        withStatus("dt", Records.daemontools(0, Want.UP)), "missing", "we\"ird\\").out();
    Path file = Files.writeString(root.resolve("out.prom"), out);
    Captured check = Processes.run(root, List.of("/bin/sh", "-c", "exec \"$0\" check metrics < \"$1\"",
        promtool.toString(), file.toString()));
    assertEquals(new Captured(0, "", ""), check, out);
  }

  @Test
  void aFileIsReplacedWhole() throws Exception {
    String svc = withStatus("svc", vigilWithReadiness(true, false, ""));
    Path dir = Files.createDirectory(root.resolve("textfiles"));
    Path file = Files.writeString(dir.resolve("vigil.prom"), "the old text\n");
    try (FileInputStream reader = new FileInputStream(file.toFile())) {
      assertEquals(new Captured(0, "", ""), svstat("--prometheus=" + file, svc));
      assertEquals("the old text\n", new String(reader.readAllBytes(), StandardCharsets.UTF_8),
          "a reader of the old file reads it whole: the new one was renamed over it, not written into it");
    }
    assertEquals(svstat("--prometheus", svc).out(), Files.readString(file));
    assertEquals(List.of(file), list(dir), "no temporary file left");
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().collect(Collectors.toList());
    }
  }

  @Test
  void aFileThatCannotBeWrittenIsFatalAndLeavesNothing() throws Exception {
    String temp = ".tmp-" + ProcessHandle.current().pid();
    Path missing = root.resolve("nowhere/vigil.prom");
    assertEquals(new Captured(111, "", "svstat: fatal: unable to create " + missing + temp + ": file does not exist\n"),
        svstat("--prometheus=" + missing));

    Path overFile = Files.createFile(root.resolve("plain")).resolve("vigil.prom");
    assertEquals(new Captured(111, "", "svstat: fatal: unable to create " + overFile + temp + ": not a directory\n"),
        svstat("--prometheus=" + overFile));

    Path dir = Files.createDirectory(root.resolve("textfiles"));
    Path aDirectory = Files.createDirectory(dir.resolve("vigil.prom"));
    assertEquals(new Captured(111, "", "svstat: fatal: unable to rename " + aDirectory + temp + " to " + aDirectory
        + ": is a directory\n"), svstat("--prometheus=" + aDirectory));
    assertEquals(List.of(aDirectory), list(dir), "the temporary file is gone");
  }

  /** Root writes anywhere, so this runs only for another user (dist's test runs it as nobody). */
  @Test
  void aDirectoryWeMayNotWriteTo() throws Exception {
    Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root may write to any directory");
    Path dir = Files.createDirectory(root.resolve("readonly"));
    dir.toFile().setWritable(false);
    Path file = dir.resolve("vigil.prom");
    String temp = file + ".tmp-" + ProcessHandle.current().pid();
    assertEquals(new Captured(111, "", "svstat: fatal: unable to create " + temp + ": access denied\n"),
        svstat("--prometheus=" + file));
  }

  @Test
  void aFailedWriteToStdoutIsFatal() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    OutputStream full = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("no space left on device");
      }
    };
    int exit = Main.run(new String[] {"--prometheus", "missing"}, new PrintStream(full),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(111, exit);
    assertEquals("svstat: fatal: unable to write to stdout: unknown error\n", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void anEmptyFileNameIsAUsageError() {
    assertEquals(new Captured(100, "", "svstat: usage: " + Main.USAGE + "\n"), svstat("--prometheus=", "svc"));
  }

  /** The parser is as strict as it claims: each of these breaks one rule of the format. */
  @Test
  void theParserRefusesWhatTheFormatForbids() {
    String head = "# HELP m h\n# TYPE m gauge\n";
    for (String bad : List.of(
        head + "m{service=\"a\"} 1",                                  // no final newline
        head + "m{service=\"a\"} 1\nm{service=\"a\"} 2\n",             // a series twice
        "# HELP m h\nm 1\n# TYPE m gauge\n",                           // TYPE after a sample
        head + "# TYPE m gauge\nm 1\n",                                // two TYPEs
        head + "m{service=\"a\\t\"} 1\n",                              // a bad escape
        head + "m{service=\"a\"} 1 1700000000\n",                      // a timestamp
        head + "m{1a=\"a\"} 1\n",                                      // a bad label name
        head + "m 0x10\n",                                             // not a Go float
        head + "m 1\n# HELP n h\n# TYPE n gauge\nn 1\nm 2\n",         // a family split in two
        "# HELP c h\n# TYPE c counter\nc 1\n",                         // a counter not named _total
        "# TYPE m gauge\nm 1\n",                                       // no HELP
        head + "\nm 1\n")) {                                           // a blank line
      assertThrows(AssertionError.class, () -> Exposition.parse(bad), bad);
    }
    assertEquals(1.0, Exposition.parse(head + "m{service=\"a\",} 1\n").value("m", "a"), "a trailing comma is allowed");
  }
}
