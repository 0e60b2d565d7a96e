package dev.vigil.supervise;

import dev.vigil.common.ServiceDir;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.ServiceTest;
import dev.vigil.fixtures.Services;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * Base of the tests that run real supervisors on temporary service directories: every
 * supervisor a test started is stopped with svc -dx afterwards, before {@link ServiceTest}
 * kills what is left by pid and fails the test if anything still runs under its root.
 */
abstract class LiveTest extends ServiceTest {
  private final List<SuperviseProcess> started = new ArrayList<>();

  @AfterEach
  void stopSupervisors() {
    for (SuperviseProcess s : started) {
      s.stop();
    }
  }

  /**
   * A supervise to start, on this test's processes; it is stopped after the test. A child counts
   * as running once its run script has logged its pid ({@link SuperviseProcess.Launch#pidLog}).
   */
  SuperviseProcess.Launch launch() {
    return new SuperviseProcess.Launch(processes, root, started::add).pidLog(services.pidLog());
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
}
