package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.ServiceIOException;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.Proc;
import dev.vigil.fixtures.Services;
import dev.vigil.fixtures.TextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * supervise as an adversarial operator finds it: a flooded control FIFO, closed standard
 * descriptors, a service directory renamed under it or longer than PATH_MAX, a child that leaves
 * a grandchild behind. Each of these broke the supervise of issue #4's day.
 */
class SuperviseHostileTest extends LiveTest {
  @Test
  void aFloodOnTheControlFifoStarvesNeitherARestartNorAShutdown() throws IOException {
    services.sleeper("svc");
    SuperviseProcess s = supervise("svc");
    long first = s.awaitChild();
    // any bytes will do; w is the worst: each one is a signal to send
    Process flood = processes.start(root, root.resolve("flood.out"), root.resolve("flood.err"),
        List.of("/bin/sh", "-c", "exec yes w > svc/supervise/control"));
    Await.until("the flood to have written a megabyte", () -> written(flood.pid()) > (1 << 20));

    long killed = System.nanoTime();
    ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);
    long second = s.awaitChildOtherThan(first);
    long restart = (System.nanoTime() - killed) / 1_000_000;
    assertTrue(restart < 1500, "restarted within the throttle despite the flood, took " + restart + " ms");

    long termed = System.nanoTime();
    s.process().destroy();
    assertEquals(0, s.awaitExit(Duration.ofSeconds(5)), "SIGTERM obeyed during the flood");
    long shutdown = (System.nanoTime() - termed) / 1_000_000;
    assertTrue(shutdown < 1500, "down and out in " + shutdown + " ms");
    assertTrue(!Processes.alive(second), "the child went with it");
  }

  /** Bytes the process has written so far (/proc/PID/io). */
  private static long written(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
        if (line.startsWith("wchar:")) {
          return Long.parseLong(line.substring(6).trim());
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  @Test
  void descriptors0To2ThatTheCallerClosedReachTheChildAsDevNull() throws IOException {
    services.sleeper("svc");
    SuperviseProcess s = launch().before("exec 0<&- 1>&- 2>&-").start("svc").awaitSupervised();
    long child = s.awaitChild();
    Proc.awaitAsleepIn(child, "sleep");
    List<Path> fds = new ArrayList<>();
    for (int fd = 0; fd <= 2; fd++) {
      fds.add(Files.readSymbolicLink(Path.of("/proc/" + child + "/fd/" + fd)));
    }
    assertEquals(List.of(Path.of("/dev/null"), Path.of("/dev/null"), Path.of("/dev/null")), fds,
        "never a file the JVM opened for itself (lib/modules, a jar)");
    assertEquals(List.of(0, 1, 2), Proc.fds(child));
    s.send("t");
    s.awaitChildOtherThan(child);
  }

  @Test
  void aServiceDirectoryRenamedWhileSupervisedIsStillSupervised() throws IOException {
    services.sleeper("svc");
    SuperviseProcess s = supervise("svc");
    long first = s.awaitChild();
    Path moved = Files.move(root.resolve("svc"), root.resolve("svc.old"));
    ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);
    ServiceDir now = ServiceDir.of(moved);
    long second = Await.value("a new child, in the renamed directory's status", () -> pid(now),
        pid -> pid != 0 && pid != first && Processes.alive(pid));
    assertEquals(moved.toRealPath(), Proc.cwd(second), "the child runs in the directory, wherever it went");
    Await.until("supervise/pid to follow", () -> (second + "\n").equals(read(moved.resolve("supervise/pid"))));
    assertEquals(List.of(), s.errLines("supervise: "), "no warnings");
    assertTrue(now.send("dx".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    assertEquals(0, s.awaitExit());
  }

  @Test
  void aServiceDirectoryWhosePathIsNearPathMaxIsSupervised() throws IOException {
    // 4,085 bytes: DIR/supervise/status.new is far beyond PATH_MAX. Java cannot name such a
    // path, so the directories are made by a shell that cd's down one step at a time.
    String component = "d".repeat(250);
    int depth = (4085 - root.toString().length()) / (component.length() + 1);
    String padding = "p".repeat(4085 - root.toString().length() - depth * (component.length() + 1) - 1);
    List<String> parts = new ArrayList<>(Collections.nCopies(depth, component));
    parts.add(padding);
    String relative = String.join("/", parts);
    String absolute = root + "/" + relative;
    assertEquals(4085, absolute.length());
    Captured made = Processes.run(root, List.of("/bin/sh", "-c",
        "for d in $(echo \"$1\" | tr / ' '); do mkdir \"$d\" && cd \"$d\" || exit 1; done\n"
            + "printf '#!/bin/sh\\necho $$ >> %s\\nexec sleep 100000\\n' \"$2\" > run && chmod +x run",
        "sh", relative, services.pidLog().toString()));
    assertEquals(0, made.exit(), made.err());

    try {
      SuperviseProcess s = launch().start(absolute);
      Await.until("the child to log its pid", () -> loggedPids().size() >= 1);
      long first = loggedPids().get(0);
      ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);
      Await.until("a second child", () -> loggedPids().size() >= 2);
      long second = loggedPids().get(1);
      Await.until("supervise/pid to name the second child", () -> {
        try {
          return Processes.run(root, List.of("/bin/sh", "-c", "cd \"$1\" && cat supervise/pid", "sh", relative))
              .out().equals(second + "\n");
        } catch (IOException e) {
          return false;
        }
      });
      assertEquals(List.of(), s.errLines("supervise: "), "no warnings");
      s.process().destroy();
      assertEquals(0, s.awaitExit());
    } finally {
      // nor can JUnit delete it
      Processes.run(root, List.of("rm", "-rf", component));
    }
  }

  @Test
  void termToSuperviseTakesTheChildsWholeProcessGroupDown() throws IOException {
    Path dir = Files.createDirectories(root.resolve("svc"));
    Services.script(dir.resolve("run"), "sleep 100000 &\necho $! >> " + services.pidLog() + "\n"
        + "echo $$ >> " + services.pidLog() + "\nexec sleep 100000\n");
    SuperviseProcess s = supervise("svc");
    s.awaitChild();
    Await.until("the run script to log both pids", () -> loggedPids().size() >= 2);
    long grandchild = loggedPids().get(0);
    assertTrue(Processes.alive(grandchild));
    s.process().destroy();
    assertEquals(0, s.awaitExit());
    Await.until("the grandchild to be gone with its group", () -> !Processes.alive(grandchild));
  }

  /**
   * The main goes on TERM, but a member of its group ignores TERM: the shutdown goes on with it
   * (KILL after the grace) and reaps it before supervise exits, so nothing of the group runs on.
   */
  @Test
  void aShutdownTakesDownWhatOutlivesTheMainInItsGroupBeforeSuperviseExits() throws IOException {
    Path dir = Files.createDirectories(root.resolve("svc"));
    Services.script(dir.resolve("run"), "sh -c 'trap \"\" TERM; echo $$ >> " + services.pidLog()
        + "; exec sleep 100000' &\n" + "echo $$ >> " + services.pidLog() + "\nexec sleep 100000\n");
    SuperviseProcess s = supervise("svc");
    long main = s.awaitChild();
    Await.until("the run script and its member to log their pids", () -> loggedPids().size() >= 2);
    long member = loggedPids().stream().filter(p -> p != main).findFirst().orElseThrow();
    s.process().destroy();
    assertEquals(0, s.awaitExit());
    assertFalse(Proc.exists(member), "the member deaf to TERM was killed and reaped before supervise exited");
  }

  /**
   * Both ignore TERM: the shutdown's KILL takes the group down at once. Every member is reaped
   * by supervise (their subreaper) before it exits: no zombie is left to supervise's parent.
   */
  @Test
  void aShutdownLeavesNoZombieOfTheGroupToSupervisesParent() throws IOException {
    Path dir = Files.createDirectories(root.resolve("svc"));
    Services.script(dir.resolve("run"), "trap '' TERM\n"
        + "sleep 100000 &\necho $! >> " + services.pidLog() + "\n"
        + "sleep 100000 &\necho $! >> " + services.pidLog() + "\n"
        + "echo $$ >> " + services.pidLog() + "\nexec sleep 100000\n");
    SuperviseProcess s = supervise("svc");
    s.awaitChild();
    Await.until("the run script to log three pids", () -> loggedPids().size() >= 3);
    List<Long> pids = loggedPids();
    s.process().destroy();
    assertEquals(0, s.awaitExit());
    for (long pid : pids) {
      assertFalse(Proc.exists(pid), "pid " + pid + " left (a zombie, or running) after supervise exited");
    }
  }

  private List<Long> loggedPids() {
    List<Long> pids = new ArrayList<>();
    for (String line : TextFiles.lines(services.pidLog())) {
      pids.add(Long.parseLong(line.trim()));
    }
    return pids;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return null;
    }
  }

  private static long pid(ServiceDir dir) {
    try {
      return dir.readStatus().pid();
    } catch (ServiceIOException e) {
      return 0;
    }
  }
}
