package dev.vigil.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.Status;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.ServiceTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Our svc (and its svwait), svstat and svok, through their launchers, on the state directory of a supervise in
 * the seed article's layout ({@code supervise --article app}: {@code status/app}).
 */
class ArticleLayoutTest extends ServiceTest {
  private static final Path BIN = Path.of(System.getProperty("vigil.home")).resolve("bin");

  private Captured run(String program, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(BIN.resolve(program).toString()));
    command.addAll(List.of(args));
    return Processes.run(root, command);
  }

  private static Status status(ServiceDir dir) {
    try {
      return dir.readStatus();
    } catch (IOException e) {
      return null;
    }
  }

  @Test
  void svcSvstatSvokAndSvwaitWorkOnStatusName() throws IOException {
    services.sleeper("app");
    Path log = root.resolve("supervise.log");
    Process supervise = processes.start(root, log, log, List.of(BIN.resolve("supervise").toString(), "--article", "app"));
    ServiceDir state = ServiceDir.of(root.resolve("status").resolve("app"), ServiceDir.Layout.ARTICLE);
    long pid = Await.value("app to come up", () -> status(state), s -> s != null && s.isUp() && services.logged(s.pid()))
        .pid();

    Captured up = run("svstat", "status/app");
    assertEquals(0, up.exit(), up.toString());
    assertTrue(up.out().matches("status/app: up \\(pid " + pid + "\\) \\d+ seconds\n"), up.out());
    assertEquals("", up.err());
    assertEquals(new Captured(0, "", ""), run("svok", "status/app"));

    // -W d: svwait's watch of the state directory sees the record renamed into place
    assertEquals(new Captured(0, "", ""), run("svc", "-d", "-W", "d", "-T", "20000", "status/app"));
    assertTrue(!status(state).isUp(), "down when svc -W d returned");
    Captured down = run("svstat", "status/app");
    assertTrue(down.out().matches("status/app: down \\d+ seconds, normally up\n"), down.out());

    assertEquals(new Captured(0, "", ""), run("svc", "-u", "status/app"));
    Await.until("app to come up again", () -> status(state) != null && status(state).isUp());

    assertEquals(new Captured(0, "", ""), run("svc", "-dx", "status/app"));
    assertEquals(0, Processes.awaitExit(supervise, Await.DEFAULT));
    Captured gone = run("svstat", "status/app");
    assertEquals("status/app: supervise not running\n", gone.out() + gone.err());
    assertEquals(100, run("svok", "status/app").exit());
  }
}
