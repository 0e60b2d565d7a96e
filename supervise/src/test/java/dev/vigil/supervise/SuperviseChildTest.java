package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.Status;
import dev.vigil.common.Want;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What the child of a real supervise starts with (DESIGN §3: deliberately cleaner than
 * daemontools): its own session, no blocked or ignored signals, descriptors 0, 1 and 2 only, the
 * service directory as cwd, argv {@code ["./run"]} and supervise's environment. Everything is read
 * from /proc of the program the run script exec'd, never of a shell that waits.
 */
class SuperviseChildTest extends LiveTest {
  private static final long SIGUSR1 = 1L << (10 - 1);

  @Test
  void theChildStartsCleanEvenWhenSuperviseDoesNot() throws IOException {
    services.sleeper("svc");
    SuperviseProcess s = launch()
        .env("VIGIL_TEST_MARK", "hello from the test")
        .ignoring("USR1")
        .start("svc")
        .awaitSupervised();
    long child = s.awaitChild();
    Proc.awaitAsleepIn(child, "sleep");

    // witnesses: supervise itself ignores USR1, and its JVM threads block SIGQUIT
    assertTrue((Proc.signals(s.pid(), "SigIgn") & SIGUSR1) != 0, "precondition: supervise ignores USR1");
    assertEquals(0L, Proc.signals(child, "SigBlk"), "blocked signals");
    assertEquals(0L, Proc.signals(child, "SigIgn"), "ignored signals");
    assertEquals(0L, Proc.signals(child, "SigCgt"), "caught signals (sleep catches none)");
    assertEquals(List.of(0, 1, 2), Proc.fds(child), "open descriptors");
    assertEquals(child, Proc.session(child), "a session of its own");
    assertEquals(child, Proc.processGroup(child), "a process group of its own");
    assertNotEquals(Proc.session(s.pid()), Proc.session(child));
    assertEquals(s.pid(), Proc.parent(child), "supervise is the parent");
    assertEquals(root.resolve("svc"), Proc.cwd(child), "cwd is the service directory");
    assertEquals(Proc.startTicks(child), s.status().extension().orElseThrow().childStartTicks());

    Map<String, String> env = Proc.environment(child);
    assertEquals("hello from the test", env.get("VIGIL_TEST_MARK"));
    // the shell sets PWD for what it execs; everything else is supervise's environment as it was
    Map<String, String> expected = new TreeMap<>(Proc.environment(s.pid()));
    Map<String, String> actual = new TreeMap<>(env);
    expected.remove("PWD");
    actual.remove("PWD");
    assertEquals(expected, actual);

    // the descriptors point where supervise's do: stdin, stdout, stderr passed through
    for (int fd = 0; fd <= 2; fd++) {
      assertEquals(Files.readSymbolicLink(Path.of("/proc/" + s.pid() + "/fd/" + fd)),
          Files.readSymbolicLink(Path.of("/proc/" + child + "/fd/" + fd)), "fd " + fd);
    }
  }

  @Test
  void argvIsDotSlashRunAlone() throws IOException {
    // run is sleep itself: with no operand it says so under the name it was given, and exits 1
    ServiceDir d = services.empty("svc");
    Path sleep = Files.exists(Path.of("/usr/bin/sleep")) ? Path.of("/usr/bin/sleep") : Path.of("/bin/sleep");
    Files.createSymbolicLink(d.run(), sleep);
    Files.createFile(d.down());
    SuperviseProcess s = supervise("svc");

    s.send("o");
    Status done = s.awaitStatus("the once child to exit",
        st -> st.pid() == 0 && st.extension().orElseThrow().lastExit().isPresent());
    assertEquals(OptionalInt.of(0x100), done.extension().orElseThrow().lastExit(), "exit 1");
    Await.until("sleep's complaint on stderr", () -> s.err().contains("./run: missing operand"));
    assertTrue(s.err().contains("Try './run --help'"), s.err());
    assertEquals(Want.NONE, done.want());
    Await.holds("the once service to stay down", () -> s.status().pid() == 0
        && s.status().extension().orElseThrow().starts() == 1, Duration.ofMillis(1300));
  }
}
