package dev.vigil.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.Status;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.ServiceTest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every program through its real launcher in the installed tree ({@code dist/target/vigil}),
 * on the JDK that built it and on JDK 25 when one is installed: the right output, the right exit
 * code, and not one line of JVM warnings.
 */
class LaunchersTest extends ServiceTest {
  private static final Path HOME = Path.of(System.getProperty("vigil.home"));
  private static final Path BIN = HOME.resolve("bin");
  private static final Path JDK17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
  private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

  /** The JDKs to launch with, as JAVA_HOME values: the one that built the tree, 17 and 25. */
  static Stream<String> jdks() {
    return Stream.of(System.getProperty("java.home"), JDK17.toString(), JDK25.toString()).distinct();
  }

  private static void requireJdk(String javaHome) {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(javaHome, "bin/java")),
        () -> "JDK missing: " + javaHome + " (launcher test on that JDK skipped)");
  }

  private Captured run(String javaHome, Map<String, String> env, String... command) throws IOException {
    Path out = root.resolve("out");
    Path err = root.resolve("err");
    ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile())
        .redirectInput(new File("/dev/null"))
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    pb.environment().put("JAVA_HOME", javaHome);
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("still running after 60 s: " + List.of(command));
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return new Captured(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private Captured run(String javaHome, String... command) throws IOException {
    return run(javaHome, Map.of(), command);
  }

  private static String bin(String program) {
    return BIN.resolve(program).toString();
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void svokWithoutArgumentsPrintsUsage(String jdk) throws IOException {
    requireJdk(jdk);
    assertEquals(new Captured(100, "", "svok: usage: svok dir\n"), run(jdk, bin("svok")));
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void svstatReportsAMissingDirectoryOnStdout(String jdk) throws IOException {
    requireJdk(jdk);
    assertEquals(new Captured(0, "nowhere: unable to chdir: file does not exist\n", ""),
        run(jdk, bin("svstat"), "nowhere"));
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void svcheckWithoutArgumentsIsUnknown(String jdk) throws IOException {
    requireJdk(jdk);
    assertEquals(new Captured(3, "SVCHECK UNKNOWN - usage: svcheck [-w SECONDS] [-c SECONDS] dir ...\n", ""),
        run(jdk, bin("svcheck")));
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void svcRejectsAnUnknownOption(String jdk) throws IOException {
    requireJdk(jdk);
    assertEquals(new Captured(100, "", "svc: illegal option -- Z\nsvc options: " + dev.vigil.svc.Main.usage() + "\n"),
        run(jdk, bin("svc"), "-Z", "nowhere"));
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void svwaitSaysWhyItCannotWait(String jdk) throws IOException {
    requireJdk(jdk);
    assertEquals(new Captured(100, "", "svwait: usage: svwait [-U|-u|-D|-d|-R|-r] [-a|-o] [-t timeout] dir ...\n"),
        run(jdk, bin("svwait"), "-x", "nowhere"));
    assertEquals(new Captured(111, "", "svwait: fatal: unable to chdir to nowhere: file does not exist\n"),
        run(jdk, bin("svwait"), "-d", "nowhere"));
  }

  /** sipid through its launcher: the native door loads (flock, pidfd) and not one JVM warning. */
  @ParameterizedTest
  @MethodSource("jdks")
  void sipidClaimsAndKills(String jdk) throws IOException {
    requireJdk(jdk);
    try (Processes processes = new Processes()) {
      Process daemon = processes.start(root, root.resolve("daemon.out"), root.resolve("daemon.err"), List.of("sleep", "1000"));
      String pidfile = root.resolve("run/job/web.pid").toString();
      assertEquals(new Captured(0, "", ""), run(jdk, bin("sipid"), "claim", "--pid", Long.toString(daemon.pid()), "--pid-file", pidfile));
      assertEquals(new Captured(1, "", "sipid: fatal: claim failed: process " + daemon.pid() + " (" + pidfile + ") already exists\n"),
          run(jdk, bin("sipid"), "claim", "--pid", "1", "--pid-file", pidfile));
      assertEquals(new Captured(0, "", ""), run(jdk, bin("sipid"), "kill", "--pid-file", pidfile));
      assertEquals(128 + 15, Processes.awaitExit(daemon, Duration.ofSeconds(15)), "ended by SIGTERM");
      assertFalse(Files.exists(Path.of(pidfile)));
      assertEquals(new Captured(1, "", "sipid: usage: sipid kill --pid-file PID_FILE [--show-stacks]\n"), run(jdk, bin("sipid"), "kill"));
    }
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void superviseRunsAServiceAndTheClientsDriveIt(String jdk) throws IOException {
    requireJdk(jdk);
    ServiceDir dir = services.sleeper("app");
    Path log = root.resolve("supervise.log");
    ProcessBuilder pb = new ProcessBuilder(bin("supervise"), "app").directory(root.toFile())
        .redirectInput(new File("/dev/null"))
        .redirectOutput(log.toFile())
        .redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", jdk);
    Process supervise = pb.start();
    try {
      Status up = Await.value("app to come up", () -> status(dir), s -> s != null && s.isUp());
      assertEquals(new Captured(0, "", ""), run(jdk, bin("svok"), "app"));
      Captured svstat = run(jdk, bin("svstat"), "app");
      assertTrue(svstat.out().startsWith("app: up (pid " + up.pid() + ") "), svstat.out());
      assertEquals(new Captured(0, "", ""), run(jdk, bin("svwait"), "-u", "app"));
      assertEquals(new Captured(0, "", ""), run(jdk, bin("svc"), "-dx", "app"));
      assertEquals(0, Processes.awaitExit(supervise, Duration.ofSeconds(15)));
      assertFalse(Processes.alive(up.pid()), "the child is gone");
      assertEquals("", Files.readString(log), "supervise printed nothing, the JVM no warnings");
      assertEquals(new Captured(100, "", ""), run(jdk, bin("svok"), "app"));
    } finally {
      supervise.destroyForcibly();
    }
  }

  @ParameterizedTest
  @MethodSource("jdks")
  void svscanRunsEveryServiceAndStopsThemOnTerm(String jdk) throws IOException {
    requireJdk(jdk);
    Path scan = Files.createDirectory(root.resolve("service"));
    ServiceDir a = new dev.vigil.fixtures.Services(scan).sleeper("a");
    ServiceDir b = new dev.vigil.fixtures.Services(scan).sleeper("b");
    Path log = root.resolve("svscan.log");
    ProcessBuilder pb = new ProcessBuilder(bin("svscan"), "service").directory(root.toFile())
        .redirectInput(new File("/dev/null"))
        .redirectOutput(log.toFile())
        .redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", jdk);
    Process svscan = pb.start();
    try {
      Status upA = Await.value("a to come up", () -> status(a), s -> s != null && s.isUp());
      Status upB = Await.value("b to come up", () -> status(b), s -> s != null && s.isUp());
      Captured svstat = run(jdk, bin("svstat"), "service/a", "service/b");
      assertTrue(svstat.out().startsWith("service/a: up (pid " + upA.pid() + ") "), svstat.out());
      svscan.destroy();
      assertEquals(0, Processes.awaitExit(svscan, Duration.ofSeconds(15)));
      assertFalse(Processes.alive(upA.pid()) || Processes.alive(upB.pid()), "the services are gone");
      assertEquals("", Files.readString(log), "svscan printed nothing, the JVM no warnings");
      assertEquals(0, status(a).pid());
    } finally {
      svscan.destroyForcibly();
    }
  }

  private static Status status(ServiceDir dir) {
    try {
      return dir.readStatus();
    } catch (IOException e) {
      return null;
    }
  }

  /** Issue #4: jnr-ffi reported running out of descriptors as "null". */
  @ParameterizedTest
  @MethodSource("jdks")
  void superviseOutOfDescriptorsSaysSoInOneLine(String jdk) throws IOException {
    requireJdk(jdk);
    services.sleeper("svc");
    Captured c = run(jdk, "/bin/sh", "-c", "ulimit -n 16 && exec \"$0\" svc", bin("supervise"));
    assertEquals(111, c.exit(), c.err());
    assertEquals("supervise: fatal: unable to load native code: process cannot open more files\n", c.err());
    assertEquals("", c.out());
  }

  @Test
  void theClientClasspathHoldsNoNativeCode() throws IOException {
    for (String program : List.of("svc", "svstat", "svok", "svcheck")) {
      Captured c = run(System.getProperty("java.home"),
          Map.of("VIGIL_JAVA_OPTS", "-XshowSettings:properties"), bin(program));
      String classpath = c.err().lines().filter(l -> l.contains("java.class.path = "))
          .findFirst().orElseThrow(() -> new AssertionError("no class path shown:\n" + c.err()));
      assertTrue(classpath.contains("vigil-common.jar"), classpath);
      assertFalse(classpath.contains("jnr") || classpath.contains("jffi") || classpath.contains("*"),
          program + " must not load native code: " + classpath);
    }
  }

  @Test
  void aLauncherWorksThroughASymlink() throws IOException {
    Path link = Files.createSymbolicLink(root.resolve("svstat"), BIN.resolve("svstat"));
    assertEquals(new Captured(0, "nowhere: unable to chdir: file does not exist\n", ""),
        run(System.getProperty("java.home"), link.toString(), "nowhere"));
  }

  /** sipid's archive is trained on a kill: a kill loads every class of ours from it. */
  @Test
  void sipidUsesItsClassDataArchive() throws IOException {
    Assumptions.assumeTrue(Files.exists(HOME.resolve("lib/cds/sipid.jsa")), "no archive was made for this JDK");
    try (Processes processes = new Processes()) {
      Process daemon = processes.start(root, root.resolve("daemon.out"), root.resolve("daemon.err"), List.of("sleep", "1000"));
      Path pidfile = root.resolve("daemon.pid");
      Files.writeString(pidfile, Long.toString(daemon.pid()));
      Captured c = run(System.getProperty("java.home"), Map.of("VIGIL_JAVA_OPTS", "-Xlog:class+load=info:stderr"),
          bin("sipid"), "kill", "--pid-file", pidfile.toString());
      assertEquals(0, c.exit(), c.err());
      List<String> ours = new ArrayList<>();
      c.err().lines().filter(l -> l.contains("dev.vigil.")).forEach(ours::add);
      assertFalse(ours.isEmpty(), c.err());
      for (String line : ours) {
        assertTrue(line.contains("shared objects file"), "loaded from the archive: " + line);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"svstat", "svcheck"})
  void theClientsUseTheirClassDataArchive(String program) throws IOException {
    Path archive = HOME.resolve("lib/cds/" + program + ".jsa");
    Assumptions.assumeTrue(Files.exists(archive), "no archive was made for this JDK");
    Captured c = run(System.getProperty("java.home"),
        Map.of("VIGIL_JAVA_OPTS", "-Xlog:class+load=info:stderr"), bin(program), "nowhere");
    List<String> ours = new ArrayList<>();
    c.err().lines().filter(l -> l.contains("dev.vigil.")).forEach(ours::add);
    assertFalse(ours.isEmpty(), c.err());
    for (String line : ours) {
      assertTrue(line.contains("shared objects file"), "loaded from the archive: " + line);
    }
  }
}
