package dev.vigil.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.Status;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Exposition;
import dev.vigil.fixtures.PluginOutput;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.ServiceTest;
import dev.vigil.fixtures.Services;
import dev.vigil.fixtures.TextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * svstat -o, -l, -j and --prometheus, and svcheck, through their launchers against our real
 * supervise, as the issue asks: a service that runs, then one in a crash loop whose record shows the exit code, the
 * starts, the quick deaths and the next start.
 */
class SvstatOnSuperviseTest extends ServiceTest {
  private static final Path BIN = Path.of(System.getProperty("vigil.home")).resolve("bin");

  private Captured svstat(String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of(BIN.resolve("svstat").toString()));
    command.addAll(List.of(args));
    Captured c = Processes.run(root, command);
    assertEquals(0, c.exit(), c.toString());
    assertEquals("", c.err());
    return c;
  }

  /** svcheck through its launcher, read back strictly as a Nagios plugin's run. */
  private PluginOutput svcheck(String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of(BIN.resolve("svcheck").toString()));
    command.addAll(List.of(args));
    return PluginOutput.parse("SVCHECK", Processes.run(root, command));
  }

  private Process supervise(String name) throws IOException {
    Path log = root.resolve(name + ".log");
    return processes.start(root, log, log, List.of(BIN.resolve("supervise").toString(), name));
  }

  private static Status status(ServiceDir dir) {
    try {
      return dir.readStatus();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * svc -d takes the main down (daemontools' TERM to it alone) and a process it started in its
   * group runs on: svstat counts it as left by that pid, until it is gone.
   */
  @Test
  void whatTheLastProcessLeftInItsGroupIsCounted() throws IOException {
    Path dir = Files.createDirectories(root.resolve("app"));
    Services.script(dir.resolve("run"), String.join("\n",
        "echo $$ >> " + services.pidLog(),
        "sleep 100000 &",
        "echo $! >> " + services.pidLog(),
        "echo $! > left",
        "exec sleep 100000", ""));
    ServiceDir app = ServiceDir.of(dir.toString());
    supervise("app");
    long main = Await.value("app to come up", () -> status(app), s -> s != null && s.isUp()).pid();
    long left = Await.value("the process it left", () -> TextFiles.pid(dir.resolve("left")), p -> p != 0);
    assertEquals("0\n", svstat("-o", "left", "app").out());

    Processes.run(root, List.of(BIN.resolve("svc").toString(), "-d", "app"));
    Await.until("app down", () -> status(app) != null && !status(app).isUp());
    assertEquals("1\n", svstat("-o", "left", "app").out());
    assertTrue(svstat("-l", "app").out().contains(", 1 process left by pid " + main + ","), svstat("-l", "app").out());

    ProcessHandle.of(left).ifPresent(ProcessHandle::destroyForcibly);
    Await.until("the left process gone", () -> ProcessHandle.of(left).map(h -> !h.isAlive()).orElse(true));
    assertEquals("0\n", svstat("-o", "left", "app").out());
  }

  @Test
  void aRunningService() throws IOException {
    ServiceDir dir = services.sleeper("app");
    Process supervise = supervise("app");
    Status up = Await.value("app to come up", () -> status(dir), s -> s != null && s.isUp());
    long pid = up.pid();
    assertEquals("true true true false " + pid + " " + pid + " -1 NA up 1 0 -1 0 " + supervise.pid() + "\n",
        svstat("-o", "up,wantedup,normallyup,paused,pid,pgid,exitcode,signal,stage,starts,fastdeaths,nextstart,"
            + "stopsignals,supervisor", "app").out());
    String json = svstat("-j", "app").out();
    assertTrue(json.startsWith("{\"dir\":\"app\",\"up\":true,\"wantedup\":true,\"normallyup\":true,\"ready\":true,"
        + "\"paused\":false,\"pid\":" + pid + ",\"pgid\":" + pid + ",\"exitcode\":-1,\"signal\":\"NA\",\"signum\":-1,"
        + "\"updownsince\":\"@"), json);
    assertTrue(json.contains(",\"stage\":\"up\",\"starts\":1,\"fastdeaths\":0,\"nextstart\":-1,\"stopsignals\":0,"
        + "\"left\":0,\"supervisor\":" + supervise.pid()), json);
    String[] lines = svstat("-l", "app").out().split("\n");
    assertEquals(2, lines.length);
    assertTrue(lines[0].startsWith("app: up (pid " + pid + ") "), lines[0]);
    // a service without a readiness protocol is ready when up: layout 3 says so, older records leave it out
    assertTrue(lines[1].matches("  up for \\d+ seconds(, ready for \\d+ seconds)?, 1 start, supervisor pid "
        + supervise.pid()), lines[1]);
    Exposition e = Exposition.parse(svstat("--prometheus", "app").out());
    assertEquals(List.of(0.0, 1.0, 1.0, 1.0, 1.0, 1.0, -1.0, 0.0, 0.0), List.of(
        e.value("vigil_svstat_scrape_error", "app"), e.value("vigil_service_supervised", "app"),
        e.value("vigil_service_up", "app"), e.value("vigil_service_ready", "app"),
        e.value("vigil_service_wanted_up", "app"), e.value("vigil_service_starts_total", "app"),
        e.value("vigil_service_last_exit_code", "app"), e.value("vigil_service_backoff_seconds", "app"),
        e.value("vigil_service_fast_deaths", "app")));
    double since = e.value("vigil_service_updown_timestamp_seconds", "app");
    assertTrue(Math.abs(System.currentTimeMillis() / 1000.0 - since) < 60, () -> "came up at " + since);
    PluginOutput check = svcheck("-w", "0", "app");
    assertEquals("OK", check.state);
    assertEquals("1 service up", check.text);
    assertEquals(1.0, check.perfdata.get("app_starts").value());
    assertEquals("WARNING", svcheck("-w", "100000", "app").state, "up for less than -w: a recent start");
  }

  @Test
  void aCrashLoop() throws IOException {
    Path dir = Files.createDirectories(root.resolve("crash"));
    Services.script(dir.resolve("run"), "echo $$ >> " + services.pidLog() + "\nexit 3\n");
    Files.writeString(dir.resolve("backoff-max"), "4000\n");
    supervise("crash");
    // the third death in a row: the next start is 4 s away, so the record holds still to be read
    String fields = Await.value("three quick deaths", () -> {
      try {
        return svstat("-o", "up,exitcode,signal,stage,starts,fastdeaths", "crash").out();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, out -> out.endsWith(" 3\n"));
    assertEquals("false 3 NA down 3 3\n", fields);
    String[] lines = svstat("-l", "crash").out().split("\n");
    assertTrue(lines[1].matches("  down for \\d+ seconds, 3 starts, last exit: code 3, 3 quick deaths in a row,"
        + " next start in [0-4] seconds, supervisor pid \\d+"), lines[1]);
    Exposition e = Exposition.parse(svstat("--prometheus", "crash").out());
    assertEquals(List.of(0.0, 0.0, 1.0, 3.0, 3.0, 3.0), List.of(e.value("vigil_service_up", "crash"),
        e.value("vigil_service_ready", "crash"), e.value("vigil_service_wanted_up", "crash"),
        e.value("vigil_service_starts_total", "crash"), e.value("vigil_service_last_exit_code", "crash"),
        e.value("vigil_service_fast_deaths", "crash")));
    double backoff = e.value("vigil_service_backoff_seconds", "crash");
    assertTrue(backoff >= 0 && backoff <= 4, () -> "backoff " + backoff);
    PluginOutput check = svcheck("crash");
    assertEquals("CRITICAL", check.state);
    assertTrue(check.text.matches("crash: down \\d+ seconds, normally up, want up, 3 quick deaths in a row"),
        check.text);
  }
}
