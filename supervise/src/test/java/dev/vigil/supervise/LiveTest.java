package dev.vigil.supervise;

import dev.vigil.common.ServiceDir;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Proc;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.Services;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the tests that run real supervisors on temporary service directories. Each test gets a
 * fresh root; afterwards every supervisor it started is stopped (svc -dx), every process is
 * killed by pid, and the test fails if anything is still running with its working directory
 * under the root: nothing a test starts may outlive it.
 */
abstract class LiveTest {
  @TempDir
  Path tempDir;

  /** The real path of the test's directory: what /proc/PID/cwd shows. */
  Path root;
  Services services;
  Processes processes;
  private final List<SuperviseProcess> started = new ArrayList<>();

  @BeforeEach
  void setUpLive() throws IOException {
    root = tempDir.toRealPath();
    services = new Services(root);
    processes = new Processes();
    processes.watchPidLog(services.pidLog(), root);
  }

  @AfterEach
  void tearDownLive() {
    AssertionError failure = null;
    for (SuperviseProcess s : started) {
      try {
        s.stop();
      } catch (AssertionError e) {
        failure = failure == null ? e : failure;
      }
    }
    processes.close();
    try {
      Await.until("nothing to be left running under " + root, () -> Proc.runningUnder(root).isEmpty());
    } catch (AssertionError e) {
      List<Long> left = Proc.runningUnder(root);
      for (long pid : left) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
      throw new AssertionError("left running:\n" + Proc.describe(left), e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** A supervise to start, on this test's processes; it is stopped after the test. */
  SuperviseProcess.Launch launch() {
    return new SuperviseProcess.Launch(processes, root, started::add);
  }

  /** Our supervise on {@code dir} (typed relative to the root), up and supervising. */
  SuperviseProcess supervise(String dir) throws IOException {
    return launch().start(dir).awaitSupervised();
  }

  /** How many pids the run scripts have logged (one per start, plus any helpers they log). */
  int logged() {
    try {
      return Files.readAllLines(services.pidLog()).size();
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * A service whose run script traps HUP ALRM INT QUIT USR1 USR2 WINCH CONT and TERM, appending
   * each name to {@code sigs} in the service directory; TERM also makes it exit 0. It waits on a
   * background sleep (logged, so it is killed after the test), never on a short one, so nothing
   * is left behind. It writes {@code ready} once the traps are set.
   */
  ServiceDir trapper(String name) throws IOException {
    Path dir = Files.createDirectories(root.resolve(name));
    String log = services.pidLog().toString();
    Services.script(dir.resolve("run"), String.join("\n",
        "echo $$ >> " + log,
        "for s in HUP ALRM INT QUIT USR1 USR2 WINCH CONT; do trap \"echo $s >> sigs\" $s; done",
        "trap 'echo TERM >> sigs; term=1' TERM",
        "sleep 100000 &",
        "sleeper=$!",
        "echo $sleeper >> " + log,
        "echo ready >> sigs",
        "while [ -z \"$term\" ]; do wait $sleeper; done",
        "kill $sleeper",
        "exit 0",
        ""));
    return ServiceDir.of(dir);
  }

  /** The lines a trapper has written to {@code sigs}. */
  static List<String> signals(ServiceDir dir) {
    try {
      return Files.readAllLines(dir.path().resolve("sigs"), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Waits until a trapper has written {@code ready} {@code times} times in all. */
  static void awaitReady(ServiceDir dir, int times) {
    Await.until(dir.name() + " to be ready (" + times + ")",
        () -> signals(dir).stream().filter("ready"::equals).count() >= times);
  }

  /**
   * A service whose child ignores SIGTERM: the ignore survives the exec into sleep. The pid is
   * logged after the trap is set, so once it is logged a TERM can no longer kill it.
   */
  ServiceDir stubborn(String name) throws IOException {
    Path dir = Files.createDirectories(root.resolve(name));
    Services.script(dir.resolve("run"),
        "trap '' TERM\necho $$ >> " + services.pidLog() + "\nexec sleep 100000\n");
    return ServiceDir.of(dir);
  }
}
