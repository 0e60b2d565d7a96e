package dev.vigil.svcheck;

import static dev.vigil.svstat.Records.STARTED;
import static dev.vigil.svstat.Records.vigilDown;
import static dev.vigil.svstat.Records.vigilWithReadiness;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.Status;
import dev.vigil.common.StatusCodec;
import dev.vigil.common.Want;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.FakeSupervisor;
import dev.vigil.fixtures.PeerSupervisor;
import dev.vigil.fixtures.PluginOutput;
import dev.vigil.fixtures.ServiceTest;
import dev.vigil.svstat.Records;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * svcheck on hand-made records behind a fake supervisor and on the C supervisors, each run read
 * back by a strict parser of the plugin guidelines' output ({@link PluginOutput}): the state and
 * exit code each condition gives, the worst state of several winning, the text and perfdata.
 */
class SvcheckTest extends ServiceTest {
  private static Captured svcheck(String... args) {
    return Captured.of(Main::run, args);
  }

  private static PluginOutput check(String... args) {
    return PluginOutput.parse("SVCHECK", svcheck(args));
  }

  private String withStatus(String name, byte[] record) throws IOException {
    return Records.withStatus(services, processes, name, record).name();
  }

  /** Up 100 s (since {@link Records#STARTED}), ready. */
  private String ready() throws IOException {
    return withStatus("ready", vigilWithReadiness(true, false, "serving"));
  }

  /** The seconds since STARTED, as svcheck sees them at about the same time. */
  private static long age() {
    return System.currentTimeMillis() / 1000 - STARTED.unixSeconds();
  }

  @Test
  void servicesThatRunAsWantedAreOk() throws Exception {
    String ready = ready();
    String off = withStatus("off", Records.runit(0, Want.DOWN));
    long before = age();
    PluginOutput p = check(ready, off);
    long after = age();
    assertEquals("OK", p.state);
    assertEquals("1 service up, 1 down as wanted", p.text);
    assertEquals(List.of(ready + "_uptime", ready + "_starts", off + "_uptime"), List.copyOf(p.perfdata.keySet()));
    PluginOutput.Datum uptime = p.perfdata.get(ready + "_uptime");
    assertTrue(uptime.value() >= before && uptime.value() <= after, uptime::toString);
    assertEquals(List.of("s", "60:", "", "0", ""),
        List.of(uptime.unit(), uptime.warn(), uptime.crit(), uptime.min(), uptime.max()));
    assertEquals(new PluginOutput.Datum(2, "c", "", "", "", ""), p.perfdata.get(ready + "_starts"));
    assertEquals(0.0, p.perfdata.get(off + "_uptime").value(), "a service that is down has been up 0 seconds");
    assertEquals("2 services up", check(ready, withStatus("dt", Records.daemontools(42, Want.UP))).text);
  }

  @Test
  void downWhileWantedUpIsCritical() throws Exception {
    String backoff = withStatus("backoff", vigilDown());
    PluginOutput p = check(backoff, ready());
    assertEquals("CRITICAL", p.state);
    assertTrue(p.text.matches(Pattern.quote(backoff)
        + ": down \\d+ seconds, normally up, want up, 3 quick deaths in a row; 1 ok"), p.text);
  }

  @Test
  void upButNotReadyWarnsThenIsCriticalAfterMinusC() throws Exception {
    String notReady = withStatus("notready", vigilWithReadiness(false, false, ""));
    assertEquals("CRITICAL", check(notReady).state, "up 100 s, not ready: more than the default 90");
    PluginOutput p = check("-c", "1000", notReady);
    assertEquals("WARNING", p.state);
    assertTrue(p.text.matches(Pattern.quote(notReady) + ": up \\(pid 1234\\) \\d+ seconds, not ready"),
        p.text);
    assertEquals("CRITICAL", check("-c50", notReady).state);
  }

  @Test
  void aRecentStartOrAPauseWarns() throws Exception {
    String ready = ready();
    PluginOutput p = check("-w", "1000", ready);
    assertEquals("WARNING", p.state);
    assertTrue(p.text.matches(Pattern.quote(ready) + ": up \\(pid 1234\\) \\d+ seconds, less than 1000"),
        p.text);
    assertEquals("1000:", p.perfdata.get(ready + "_uptime").warn());
    assertEquals("OK", check("-w", "0", ready).state);

    byte[] paused = Arrays.copyOf(StatusCodec.encode(Status.daemontools(STARTED, 42, true, Want.UP)), 18);
    String stopped = withStatus("paused", paused);
    p = check(stopped);
    assertEquals("WARNING", p.state);
    assertTrue(p.text.endsWith(" seconds, paused"), p.text);
  }

  @Test
  void noSupervisorIsCriticalAndAnUnreadableDirectoryUnknown() throws Exception {
    ServiceDir gone = services.empty("gone");
    FakeSupervisor.start(gone, processes).close();
    String missing = root.resolve("missing").toString();
    assertEquals(new Captured(2, "SVCHECK CRITICAL - " + gone.name() + ": supervise not running\n", ""),
        svcheck(gone.name()));
    String never = services.empty("never").name();
    assertEquals(new Captured(2, "SVCHECK CRITICAL - " + never + ": unable to open supervise/ok: file does not exist\n",
        ""), svcheck(never));
    assertEquals(new Captured(3, "SVCHECK UNKNOWN - " + missing + ": unable to chdir: file does not exist\n", ""),
        svcheck(missing));
  }

  /** CRITICAL over WARNING over UNKNOWN over OK, whatever the order of the directories. */
  @Test
  void theWorstStateWins() throws Exception {
    String ok = ready();
    String warning = withStatus("notready", vigilWithReadiness(false, false, ""));
    String critical = withStatus("backoff", vigilDown());
    String unknown = root.resolve("missing").toString();
    assertEquals("UNKNOWN", check(ok, unknown).state);
    assertEquals("WARNING", check("-c", "1000", unknown, warning).state);
    PluginOutput all = check("-c", "1000", ok, unknown, warning, critical);
    assertEquals("CRITICAL", all.state);
    assertTrue(all.text.startsWith(critical + ": down "), "the worst first: " + all.text);
    assertTrue(all.text.matches(".*; " + Pattern.quote(warning) + ": up .*; "
        + Pattern.quote(unknown) + ": unable to chdir: file does not exist; 1 ok"), all.text);
  }

  @Test
  void aLabelKeepsItsQuotesAndEquals() throws Exception {
    String odd = withStatus("it's a=b c", vigilWithReadiness(true, false, ""));
    PluginOutput p = check(odd, odd);
    assertEquals(List.of(odd + "_uptime", odd + "_starts"), List.copyOf(p.perfdata.keySet()),
        "quoted, the quote doubled, and the directory given twice reported once");
    assertEquals("1 service up", p.text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-x", "-w", "-w abc", "-c -1", "--help", "-w 1e3", "-- "})
  void badArgumentsAreUnknown(String args) {
    String[] argv = args.isEmpty() ? new String[0] : args.split(" ");
    assertEquals(new Captured(3, "SVCHECK UNKNOWN - usage: " + Main.USAGE + "\n", ""), svcheck(argv));
  }

  @Test
  void aDirectoryAfterDoubleDashMayStartWithADash() {
    assertEquals(new Captured(3, "SVCHECK UNKNOWN - -w: unable to chdir: file does not exist\n", ""),
        svcheck("--", "-w"));
  }

  @ParameterizedTest
  @EnumSource(PeerSupervisor.Kind.class)
  void againstTheCSupervisors(PeerSupervisor.Kind kind) throws Exception {
    ServiceDir dir = services.sleeper("service");
    PeerSupervisor.start(kind, dir, services, processes).await("up (pid P) S seconds");
    PluginOutput p = check("-w", "0", dir.name());
    assertEquals("OK", p.state);
    assertEquals(List.of(dir.name() + "_uptime"), List.copyOf(p.perfdata.keySet()), "no starts in their records");
    assertEquals("WARNING", check("-w", "100000", dir.name()).state);
  }

  /** The parser is as strict as it claims: each of these breaks one rule of the guidelines. */
  @Test
  void theParserRefusesWhatTheGuidelinesForbid() {
    for (Captured bad : List.of(
        new Captured(0, "SVCHECK OK - fine\nmore\n", ""),                 // two lines
        new Captured(1, "SVCHECK OK - fine\n", ""),                       // state and exit disagree
        new Captured(0, "SVCHECK OK - fine\n", "noise\n"),                // stderr
        new Captured(4, "SVCHECK OK - fine\n", ""),                       // no such code
        new Captured(0, "SVCHECK OK - fine | a b=1\n", ""),               // a label with a space, unquoted
        new Captured(0, "SVCHECK OK - fine | 'a'=1x\n", ""),              // no such unit
        new Captured(0, "SVCHECK OK - fine | 'a'=1;2;3;4;5;6\n", ""),     // six fields
        new Captured(0, "SVCHECK OK - fine | 'a'=1;x:\n", ""),            // not a range
        new Captured(0, "SVCHECK OK - fine | 'a'=1 'a'=2\n", ""),         // a label twice
        new Captured(0, "SVCHECK OK - fine | 'a=1\n", ""),                // an unterminated quote
        new Captured(0, "SVCHECK OK - fine|'a'=1\n", ""))) {              // no space before |
      assertThrows(AssertionError.class, () -> PluginOutput.parse("SVCHECK", bad), bad::toString);
    }
    PluginOutput p = PluginOutput.parse("SVCHECK", new Captured(0, "SVCHECK OK - fine | 'it''s'=1.5s;@~:2;10:;0\n", ""));
    assertEquals(new PluginOutput.Datum(1.5, "s", "@~:2", "10:", "0", ""), p.perfdata.get("it's"));
  }
}
