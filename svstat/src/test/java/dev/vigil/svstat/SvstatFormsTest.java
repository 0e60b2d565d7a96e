package dev.vigil.svstat;

import static dev.vigil.svstat.Records.NEXT;
import static dev.vigil.svstat.Records.NOW;
import static dev.vigil.svstat.Records.READY;
import static dev.vigil.svstat.Records.STARTED;
import static dev.vigil.svstat.Records.SUPERVISOR;
import static dev.vigil.svstat.Records.label;
import static dev.vigil.svstat.Records.vigilDown;
import static dev.vigil.svstat.Records.vigilUp;
import static dev.vigil.svstat.Records.vigilWithReadiness;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Extension;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.Stage;
import dev.vigil.common.Status;
import dev.vigil.common.StatusCodec;
import dev.vigil.common.Want;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.PeerSupervisor;
import dev.vigil.fixtures.ServiceTest;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * svstat -l, -o and -j, on hand-made records behind a fake supervisor (vigil's layouts 2 and 3,
 * daemontools' 18 bytes, runit's 20) and on real daemontools and runit supervisors: what a record does
 * not hold is left out, never made up.
 */
class SvstatFormsTest extends ServiceTest {
  private static Captured svstat(String... args) {
    return Captured.of(Main::run, args);
  }

  /**
   * Runs svstat within one wall-clock second and checks its output against {@code expected},
   * given the seconds since {@link #STARTED} and until {@link #NEXT}; a run that straddles a
   * second boundary is repeated, so the arithmetic is checked exactly and never wobbles.
   */
  private static void assertOutput(java.util.function.BiFunction<Long, Long, String> expected, String... args) {
    for (;;) {
      long before = System.currentTimeMillis() / 1000;
      Captured c = svstat(args);
      if (System.currentTimeMillis() / 1000 == before) {
        assertEquals(new Captured(0, expected.apply(before - STARTED.unixSeconds(), NEXT.unixSeconds() - before), ""), c);
        return;
      }
    }
  }

  /**
   * A pid no process can have (Linux's pid_max is at most 2^22): svstat looks for the process
   * group of the pid in a daemontools record, and must find none here.
   */
  private static final long NOBODY = 4_194_305;

  private ServiceDir withStatus(String name, byte[] record) throws Exception {
    return Records.withStatus(services, processes, name, record);
  }

  @Test
  void aLayout3Or4RecordTellsReadinessAndTheStatusText() throws Exception {
    String ready = withStatus("ready", vigilWithReadiness(true, false, "serving 3 clients")).name();
    String notReady = withStatus("notready", vigilWithReadiness(false, false, "")).name();
    long readyAgo = NOW - READY.unixSeconds() - (NOW - STARTED.unixSeconds());
    assertOutput((ago, ahead) -> "true true " + label(READY) + " " + (ago + readyAgo) + " serving 3 clients\n"
        + "true false - - -\n", "-o", "up,ready,readysince,readyfor,statustext", ready, notReady);
    assertOutput((ago, ahead) -> ready + ": up (pid 1234) " + ago + " seconds\n"
        + "  up for " + ago + " seconds, ready for " + (ago + readyAgo) + " seconds, 2 starts, supervisor pid 4321,"
        + " status: serving 3 clients\n"
        + notReady + ": up (pid 1234) " + ago + " seconds\n"
        + "  up for " + ago + " seconds, not ready, 2 starts, supervisor pid 4321\n", "-l", ready, notReady);
    assertOutput((ago, ahead) -> "{\"dir\":\"" + notReady + "\",\"up\":true,\"wantedup\":true,\"normallyup\":true,"
        + "\"ready\":false,\"paused\":false,\"pid\":1234,\"pgid\":1234,\"exitcode\":-1,\"signal\":\"NA\",\"signum\":-1,"
        + "\"updownsince\":\"" + label(STARTED) + "\",\"updownfor\":" + ago + ",\"stage\":\"up\",\"starts\":2,"
        + "\"fastdeaths\":0,\"nextstart\":-1,\"stopsignals\":0,\"left\":0,\"supervisor\":4321,\"statustext\":\"\"}\n",
        "-j", notReady);
  }

  /** An adopted child's end cannot be known: never shown as an exit code or a signal. */
  @Test
  void anUnknownLastExitIsNoExitCodeAndNoSignal() throws Exception {
    Extension.Progress p = new Extension.Progress(Stage.UP, 0, 0, STARTED, java.util.Optional.empty());
    Status st = new Status(STARTED, 1234, false, Want.UP, false, dev.vigil.common.Phase.RUN,
        java.util.Optional.of(new Extension(SUPERVISOR, 3, java.util.OptionalInt.of(Extension.EXIT_UNKNOWN), 5,
            3, java.util.Optional.of(p))));
    String svc = withStatus("adopted", StatusCodec.encode(st)).name();
    assertEquals(new Captured(0, "- - -\n", ""), svstat("-o", "exitcode,signal,signum", svc));
    assertTrue(svstat("-l", svc).out().contains(", 3 starts, last exit: unknown (adopted)"), () -> svstat("-l", svc).out());
    String json = svstat("-j", svc).out();
    assertFalse(json.contains("\"exitcode\"") || json.contains("\"signal\"") || json.contains("\"signum\""), json);
  }

  /** The service's words are its own: one line in -o and -l whatever they hold, exact in JSON. */
  @Test
  void aStatusTextStaysOnItsLine() throws Exception {
    String odd = withStatus("odd", vigilWithReadiness(true, true, "a\nb\t\"c\" \\ d\u00e9")).name();
    assertEquals(new Captured(0, "a?b?\"c\" \\ d\u00e9\n", ""), svstat("-o", "statustext", odd));
    assertTrue(svstat("-j", odd).out().endsWith(",\"statustext\":\"a\\u000ab\\u0009\\\"c\\\" \\\\ d\u00e9\"}\n"),
        () -> svstat("-j", odd).out());
    String words = svstat("-l", odd).out().split("\n")[1];
    assertTrue(words.contains(", announced stopping, ") && words.endsWith(", status: a?b?\"c\" \\ d\u00e9"), words);
  }

  @Test
  void fieldsOfAVigilRecord() throws Exception {
    String svc = withStatus("svc", vigilDown()).name();
    assertOutput((ago, ahead) -> "false true true false -1 -1 1 NA -1 down 3 3 " + ahead + " 0 4321\n",
        "-o", "up,wantedup,normallyup,paused,pid,pgid,exitcode,signal,signum,stage,starts,fastdeaths,"
            + "nextstart,stopsignals,supervisor", svc);
    assertOutput((ago, ahead) -> ago + "\n", "-o", "updownfor", svc);
    String killed = withStatus("killed", vigilUp(9)).name();
    assertEquals(new Captured(0, "true 1234 1234 -1 SIGKILL 9\n", ""),
        svstat("-o", "up,pid,pgid,exitcode,signal,signum", killed));
  }

  @Test
  void theLongFormAddsALineOfWords() throws Exception {
    String svc = withStatus("svc", vigilDown()).name();
    assertOutput((ago, ahead) -> svc + ": down " + ago + " seconds, normally up, want up\n"
        + "  down for " + ago + " seconds, 3 starts, last exit: code 1, 3 quick deaths in a row,"
        + " next start in " + ahead + " seconds, supervisor pid 4321\n", "-l", svc);
  }

  @Test
  void jsonHoldsWhatTheRecordHolds() throws Exception {
    String svc = withStatus("svc", vigilDown()).name();
    String since = "@" + Long.toHexString(STARTED.label()) + String.format("%08x", STARTED.nanos());
    assertOutput((ago, ahead) -> "{\"dir\":\"" + svc + "\",\"up\":false,\"wantedup\":true,\"normallyup\":true,"
        + "\"ready\":false,\"paused\":false,\"pid\":-1,\"pgid\":-1,\"exitcode\":1,\"signal\":\"NA\",\"signum\":-1,"
        + "\"updownsince\":\"" + since + "\",\"updownfor\":" + ago + ",\"stage\":\"down\",\"starts\":3,\"fastdeaths\":3,"
        + "\"nextstart\":" + ahead + ",\"stopsignals\":0,\"supervisor\":4321}\n", "-j", svc);
    assertEquals(new Captured(0, "{\"dir\":\"missing\",\"error\":\"unable to chdir: file does not exist\"}\n", ""),
        svstat("-j", "missing"));
  }

  @Test
  void daemontoolsAndRunitRecordsLeaveVigilsFieldsOut() throws Exception {
    Status up = Status.daemontools(STARTED, NOBODY, false, Want.UP);
    String dt = withStatus("dt", Arrays.copyOf(StatusCodec.encode(up), StatusCodec.DAEMONTOOLS_SIZE)).name();
    String rs = withStatus("rs", Arrays.copyOf(StatusCodec.encode(up), StatusCodec.RUNIT_SIZE)).name();
    assertEquals(new Captured(0, "true " + NOBODY + " - - - - -\ntrue " + NOBODY + " - - - - -\n", ""),
        svstat("-o", "up,pid,exitcode,signal,stage,starts,supervisor", dt, rs));
    // without readiness in the record, ready is up (s6-svstat's rule for a service without notification)
    Status down = Status.daemontools(STARTED, 0, false, Want.UP);
    String dtDown = withStatus("dtdown", Arrays.copyOf(StatusCodec.encode(down), StatusCodec.DAEMONTOOLS_SIZE)).name();
    String layout2 = withStatus("layout2", vigilUp(0)).name();
    assertEquals(new Captured(0, "true " + label(STARTED) + " -\nfalse - -\ntrue " + label(STARTED) + " -\n", ""),
        svstat("-o", "ready,readysince,statustext", dt, dtDown, layout2));
    String since = "@" + Long.toHexString(STARTED.label()) + String.format("%08x", STARTED.nanos());
    assertOutput((ago, ahead) -> "{\"dir\":\"" + dt + "\",\"up\":true,\"wantedup\":true,\"normallyup\":true,"
        + "\"ready\":true,\"paused\":false,\"pid\":" + NOBODY + ",\"updownsince\":\"" + since + "\",\"readysince\":\"" + since
        + "\",\"updownfor\":" + ago + ",\"readyfor\":" + ago + "}\n", "-j", dt);
    assertOutput((ago, ahead) -> dt + ": up (pid " + NOBODY + ") " + ago + " seconds\n  up for " + ago + " seconds\n", "-l", dt);
  }

  @Test
  void anUnknownFieldIsAUsageErrorAndOtherDashedArgumentsAreDirectories() throws Exception {
    assertEquals(100, svstat("-o", "up,bogus", "svc").exit());
    assertEquals(new Captured(0, "-x: unable to chdir: file does not exist\n", ""), svstat("-x"));
    assertEquals(new Captured(0, "--: unable to chdir: file does not exist\n", ""), svstat("--"), "no end of options");
    assertEquals(new Captured(0, "-o: unable to chdir: file does not exist\n", ""), svstat("-o"), "-o without fields");
  }

  @ParameterizedTest
  @EnumSource(PeerSupervisor.Kind.class)
  void againstTheCSupervisors(PeerSupervisor.Kind kind) throws Exception {
    ServiceDir dir = services.sleeper("service");
    PeerSupervisor peer = PeerSupervisor.start(kind, dir, services, processes);
    long pid = PeerSupervisor.childPid(peer.await("up (pid P) S seconds"));
    Captured c = svstat("-o", "up,pid,exitcode,stage,starts", dir.name());
    assertEquals(new Captured(0, "true " + pid + " - - -\n", ""), c);
    String json = svstat("-j", dir.name()).out();
    assertEquals(false, json.contains("\"stage\"") || json.contains("\"exitcode\"") || json.contains("\"starts\""),
        json);
  }
}
