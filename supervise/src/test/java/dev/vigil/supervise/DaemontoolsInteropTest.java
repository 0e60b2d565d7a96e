package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.common.Want;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Normalize;
import dev.vigil.fixtures.Peers;
import dev.vigil.fixtures.Proc;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.Services;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One scenario, run against daemontools' own supervise and then against ours, driven and observed
 * only with daemontools' svc, svstat and svok: every svstat line (seconds and pids normalised),
 * every exit code and the status bytes daemontools defines must come out the same, and each svc
 * letter must have the same effect on the child. Skipped, visibly, without the Debian package.
 */
class DaemontoolsInteropTest extends LiveTest {
  private String svc;
  private String svstat;
  private String svok;

  /** What daemontools 0.76 prints at each step (spec §3.3, §6.2). */
  private static final List<String> EXPECTED = List.of(
      "up: svc: up (pid P) S seconds | svstat 0, svok 0, bytes 16-17 00 75",
      "-p: svc: up (pid P) S seconds, paused | svstat 0, svok 0, bytes 16-17 01 75",
      "-c: svc: up (pid P) S seconds | svstat 0, svok 0, bytes 16-17 00 75",
      "-d: svc: down S seconds, normally up | svstat 0, svok 0, bytes 16-17 00 64",
      "-u: svc: up (pid P) S seconds | svstat 0, svok 0, bytes 16-17 00 75",
      "-o: svc: up (pid P) S seconds | svstat 0, svok 0, bytes 16-17 00 00",
      "-k: svc: down S seconds, normally up | svstat 0, svok 0, bytes 16-17 00 00",
      "down file: svc: down S seconds | svstat 0, svok 0, bytes 16-17 00 00",
      "-x: svc: supervise not running | svstat 0, svok 100, bytes 16-17 00 00");

  @Test
  void svcSvstatAndSvokSeeOurSuperviseAsTheySeeTheirs() throws IOException {
    String theirSupervise = Peers.require("supervise");
    svc = Peers.require("svc");
    svstat = Peers.require("svstat");
    svok = Peers.require("svok");

    List<String> theirs = scenario(launch().peer(theirSupervise), "daemontools");
    List<String> ours = scenario(launch(), "vigil");
    assertEquals(String.join("\n", theirs), String.join("\n", ours));
    assertEquals(String.join("\n", EXPECTED), String.join("\n", theirs), "daemontools itself");
  }

  private List<String> scenario(SuperviseProcess.Launch launch, String name) throws IOException {
    Path base = Files.createDirectories(root.resolve(name));
    Path dir = Files.createDirectories(base.resolve("svc"));
    Services.script(dir.resolve("run"), "echo $$ >> " + services.pidLog() + "\nexec sleep 100000\n");
    SuperviseProcess s = launch.cwd(base).start("svc").awaitSupervised();
    List<String> t = new ArrayList<>();

    long first = s.awaitChild();
    t.add(snapshot("up", base, s));

    svc(base, "-p");
    Await.until(name + ": -p stops the child", () -> Proc.state(first) == 'T');
    s.awaitStatus(name + ": paused recorded", st -> st.paused());
    t.add(snapshot("-p", base, s));

    svc(base, "-c");
    Await.until(name + ": -c continues the child", () -> Proc.state(first) != 'T');
    s.awaitStatus(name + ": continue recorded", st -> !st.paused());
    t.add(snapshot("-c", base, s));

    svc(base, "-d");
    s.awaitStatus(name + ": -d takes the child down", st -> st.pid() == 0);
    Await.until(name + ": the child is reaped", () -> SuperviseProcess.gone(first));
    t.add(snapshot("-d", base, s));

    svc(base, "-u");
    long second = s.awaitChildOtherThan(first);
    t.add(snapshot("-u", base, s));

    svc(base, "-o");
    s.awaitStatus(name + ": -o makes want none", st -> st.want() == Want.NONE);
    t.add(snapshot("-o", base, s));

    svc(base, "-k");
    s.awaitStatus(name + ": -k kills the once child", st -> st.pid() == 0);
    Await.until(name + ": the child is reaped", () -> SuperviseProcess.gone(second));
    t.add(snapshot("-k", base, s));

    Files.createFile(dir.resolve("down"));
    t.add(snapshot("down file", base, s));

    svc(base, "-x");
    assertEquals(0, s.awaitExit(), name + ": -x with no child exits 0");
    t.add(snapshot("-x", base, s));
    return t;
  }

  private String snapshot(String step, Path base, SuperviseProcess s) throws IOException {
    Captured st = Processes.run(base, List.of(svstat, "svc"));
    Captured ok = Processes.run(base, List.of(svok, "svc"));
    byte[] b = s.statusBytes();
    return step + ": " + Normalize.seconds(st.out()).replaceAll("\\(pid \\d+\\)", "(pid P)").trim()
        + st.err() + ok.err()
        + " | svstat " + st.exit() + ", svok " + ok.exit()
        + String.format(", bytes 16-17 %02x %02x", b[16], b[17]);
  }

  private void svc(Path base, String option) throws IOException {
    assertEquals(new Captured(0, "", ""), Processes.run(base, List.of(svc, option, "svc")), "svc " + option);
  }
}
