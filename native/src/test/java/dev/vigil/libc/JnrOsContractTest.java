package dev.vigil.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.os.Child;
import dev.vigil.common.os.FileStat;
import dev.vigil.common.os.Os;
import dev.vigil.common.os.SpawnSpec;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.OsContract;
import dev.vigil.fixtures.Proc;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The libc door held to the Os contract, plus what only a real process can show: the child
 * starts clean (jvm-notes §2). The test JVM is a good witness, as its threads run with SIGQUIT
 * blocked and it holds dozens of descriptors without close-on-exec.
 */
class JnrOsContractTest extends OsContract {
  private static final String AWAITING_THREAD = "vigil-await";

  @Override
  protected Os newOs() throws IOException {
    return JnrOs.load();
  }

  /** What sd_notify(3) calls, for a client of the contract's datagram socket. */
  public interface Sender {
    int socket(int domain, int type, int protocol);

    long sendto(int fd, @jnr.ffi.annotations.In byte[] buffer, long length, int flags,
        @jnr.ffi.annotations.In byte[] address, int addressLength);

    int close(int fd);
  }

  private static final Sender SENDER = jnr.ffi.LibraryLoader.create(Sender.class).load("c");

  @Override
  protected void sendDatagram(Path socket, byte[] bytes) throws IOException {
    byte[] name = socket.toString().getBytes(StandardCharsets.UTF_8);
    byte[] address = new byte[2 + name.length + 1];
    address[0] = 1; // AF_UNIX
    System.arraycopy(name, 0, address, 2, name.length);
    int fd = SENDER.socket(1, 2 | 02000000, 0); // SOCK_DGRAM | SOCK_CLOEXEC
    try {
      assertEquals(bytes.length, SENDER.sendto(fd, bytes, bytes.length, 0, address, address.length));
    } finally {
      SENDER.close(fd);
    }
  }

  @Override
  protected void writeAsClient(Path fifo, byte[] bytes) throws IOException {
    // O_RDWR never blocks on a FIFO, as vigil's svc writes
    try (FileChannel out = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      out.write(ByteBuffer.wrap(bytes));
    }
  }

  /** Wakes from this thread while another one is blocked in epoll_wait. */
  @Override
  protected int awaitEndedByWake(int[] ready) throws Exception {
    CompletableFuture<Integer> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        result.complete(os.await(-1, ready));
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }, AWAITING_THREAD);
    t.setDaemon(true);
    t.start();
    long tid = Await.value("the " + AWAITING_THREAD + " thread to show in /proc", () -> taskNamed(AWAITING_THREAD),
        id -> id > 0);
    Await.until("the " + AWAITING_THREAD + " thread to block in epoll_wait", () -> inEpollWait(tid));
    assertEquals(false, result.isDone(), "await(-1) returned before the wake");
    os.wake();
    return result.get(Await.DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void theChildStartsCleanInItsOwnSessionWithOnlyDescriptors0To2() throws IOException {
    long self = ProcessHandle.current().pid();
    Child c = spawn(sleeper());
    // the program exec'd by the run script, as it runs, not the shell before it
    Proc.awaitAsleepIn(c.pid(), "sleep");
    assertEquals(List.of(0, 1, 2), Proc.fds(c.pid()), "descriptors");
    assertEquals(0L, Proc.signals(c.pid(), "SigBlk"), "blocked signals");
    assertEquals(0L, Proc.signals(c.pid(), "SigIgn"), "ignored signals");
    assertEquals(c.pid(), Proc.session(c.pid()), "session leader");
    assertEquals(c.pid(), Proc.processGroup(c.pid()), "group leader");
    assertNotEquals(Proc.session(self), Proc.session(c.pid()));
    assertEquals(self, Proc.parent(c.pid()));
    assertEquals(dir.resolve("service").toRealPath(), Proc.cwd(c.pid()), "cwd");
    assertEquals(Proc.startTicks(c.pid()), c.startTicks(), "start ticks = field 22 of /proc/PID/stat");
    assertEquals(List.of("sleep", "100000"), Proc.commandLine(c.pid()));
    // the witness: this JVM's own threads block SIGQUIT, so the reset is real
    assertNotEquals(0L, Proc.signals(self, "SigBlk") | blockedInSomeThread(self), "witness");
  }

  @Test
  void theRunScriptGetsArgv0DotSlashRunAndTheJvmsEnvironment() throws IOException {
    Path service = Files.createDirectories(dir.resolve("service"));
    Files.writeString(service.resolve("run"),
        "#!/bin/sh\necho \"$0|$#\" > argv\nexec sleep 100000\n", StandardCharsets.UTF_8);
    service.resolve("run").toFile().setExecutable(true);
    Child c = spawn(service);
    Await.until("the run script to write argv", () -> {
      try {
        return Files.readString(service.resolve("argv")).endsWith("\n");
      } catch (IOException e) {
        return false;
      }
    });
    assertEquals("./run|0\n", Files.readString(service.resolve("argv")));
    Proc.awaitAsleepIn(c.pid(), "sleep");
    assertEquals(System.getenv("PATH"), Proc.environment(c.pid()).get("PATH"));
    assertEquals(System.getenv("HOME"), Proc.environment(c.pid()).get("HOME"));
  }

  @Test
  void theDescriptorMapPutsDevNullAndSwapsOutputAndErrorWhereAsked() throws IOException {
    long self = ProcessHandle.current().pid();
    Child c = spawn(spec(sleeper(), Map.of(0, SpawnSpec.DEV_NULL, 1, 2, 2, 1)));
    Proc.awaitAsleepIn(c.pid(), "sleep");
    assertEquals(List.of(0, 1, 2), Proc.fds(c.pid()));
    assertEquals(Path.of("/dev/null"), link(c.pid(), 0));
    assertEquals(link(self, 2), link(c.pid(), 1));
    assertEquals(link(self, 1), link(c.pid(), 2));
  }

  @Test
  void anExtraDescriptorArrivesAtItsNumberAndNothingElseDoes() throws IOException {
    Path fifo = dir.resolve("pipe");
    os.mkfifo(at, "pipe", 0600);
    os.openFifo(at, "pipe", false);
    int writer = os.openFifo(at, "pipe", true);
    Child c = spawn(spec(sleeper(), Map.of(0, 0, 1, 1, 2, 2, 5, writer)));
    Proc.awaitAsleepIn(c.pid(), "sleep");
    assertEquals(List.of(0, 1, 2, 5), Proc.fds(c.pid()));
    assertEquals(fifo.toRealPath(), link(c.pid(), 5));
  }

  /** Not in the contract: FakeOs resolves paths by name and does not follow a renamed directory. */
  @Test
  void aDirectoryDescriptorStillReachesItsFilesAfterTheDirectoryWasRenamed() throws IOException {
    Files.createDirectory(dir.resolve("service"));
    int service = os.openDirectory(at, "service");
    Files.move(dir.resolve("service"), dir.resolve("service.old"));
    int fd = os.create(service, "status", 0644);
    os.close(fd);
    assertTrue(Files.exists(dir.resolve("service.old/status")));
    assertEquals(FileStat.Kind.REGULAR, os.stat(service, "status").kind());
  }

  @Test
  void theChildRunsInItsDirectoryEvenAfterTheDirectoryWasRenamed() throws IOException {
    Path service = sleeper();
    SpawnSpec spec = spec(service, Map.of(0, 0, 1, 1, 2, 2));
    Path renamed = Files.move(service, dir.resolve("renamed"));
    Child c = spawn(spec);
    Proc.awaitAsleepIn(c.pid(), "sleep");
    assertEquals(renamed.toRealPath(), Proc.cwd(c.pid()));
  }

  @Test
  void whatIsWrittenToAPipesWriteEndIsReadFromItsReadEnd() throws IOException {
    // both ends block, as the children they are for expect: read only what was written
    int[] ends = os.pipe();
    byte[] line = "1 hello\n".getBytes(StandardCharsets.US_ASCII);
    os.write(ends[1], line, line.length);
    byte[] buffer = new byte[64];
    int n = os.read(ends[0], buffer);
    assertEquals("1 hello\n", new String(buffer, 0, n, StandardCharsets.US_ASCII));
  }

  @Test
  void ourChildrenAreListedUntilTheyAreReaped() throws Exception {
    Child c = spawn(sleeper());
    assertTrue(os.children().contains(c.pid()), os.children() + " lacks " + c.pid());
    os.signal(c.pid(), dev.vigil.common.os.Signal.KILL);
    Await.until("the kill", () -> {
      try {
        return os.reap(c.pid()).isPresent();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    reaped(c);
    assertFalse(os.children().contains(c.pid()));
  }

  @Test
  void aPidfdNamesAProcessThatIsNotOurChild() throws Exception {
    Process p = new ProcessBuilder("sleep", "100000").start();
    try {
      int pidfd = os.pidfdOpen(p.pid());
      os.watch(pidfd);
      os.signalPidfd(pidfd, dev.vigil.common.os.Signal.KILL);
      assertTrue(p.waitFor(Await.DEFAULT.toMillis(), TimeUnit.MILLISECONDS));
      assertEquals(137, p.exitValue());
    } finally {
      p.destroyForcibly();
    }
  }

  private static Path link(long pid, int fd) throws IOException {
    return Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd));
  }

  private static long taskNamed(String name) {
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        String comm = Files.readString(task.resolve("comm")).trim();
        if (comm.equals(name)) {
          return Long.parseLong(task.getFileName().toString());
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  /** The thread sleeps in epoll: the kernel's wait channel or the syscall it is blocked in. */
  private static boolean inEpollWait(long tid) {
    try {
      Path task = Path.of("/proc/self/task/" + tid);
      String wchan = Files.readString(task.resolve("wchan")).trim();
      if (wchan.contains("ep_poll")) {
        return true;
      }
      String call = Files.readString(task.resolve("syscall")).trim().split(" ")[0];
      // x86_64 epoll_wait 232, epoll_pwait 281; aarch64 epoll_pwait 22; epoll_pwait2 441
      boolean x86 = System.getProperty("os.arch").contains("64") && !System.getProperty("os.arch").startsWith("aarch");
      return List.of("441").contains(call) || (x86 ? List.of("232", "281") : List.of("22")).contains(call);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * What sipid's kill relies on: a pidfd on a process that is not our child (its parent reaps
   * it) signals that process and becomes readable when it exits, though we never reap it; a pid
   * with no process gives ESRCH.
   */
  @Test
  void aPidfdOfAProcessThatIsNotOurChildSignalsItAndTellsItsExit() throws Exception {
    Path out = dir.resolve("grandchild.pid");
    Process parent = new ProcessBuilder("sh", "-c", "sleep 1000 & echo $! > \"$0\"; wait", out.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      Await.until("the grandchild's pid", () -> {
        try {
          return Files.readString(out).endsWith("\n");
        } catch (IOException e) {
          return false;
        }
      });
      long grandchild = Long.parseLong(Files.readString(out).trim());
      assertEquals(parent.pid(), Proc.parent(grandchild), "the sleep is the shell's child, not ours");
      int pidfd = os.pidfdOpen(grandchild);
      os.watch(pidfd);
      int[] ready = new int[8];
      assertEquals(0, os.await(0, ready), "running: not readable");
      os.signalPidfd(pidfd, dev.vigil.common.os.Signal.TERM);
      long deadline = System.nanoTime() + Await.DEFAULT.toNanos();
      int n = 0;
      while (n == 0 && System.nanoTime() < deadline) {
        n = os.await(1000, ready);
      }
      assertEquals(1, n, "readable once it has exited");
      assertEquals(pidfd, ready[0]);
      assertEquals(0, parent.waitFor(15, TimeUnit.SECONDS) ? parent.exitValue() : -1, "the shell reaped it and ended");
      os.unwatch(pidfd);
      os.close(pidfd);
      dev.vigil.common.ErrnoException gone = org.junit.jupiter.api.Assertions.assertThrows(
          dev.vigil.common.ErrnoException.class, () -> os.pidfdOpen(grandchild), "reaped: no such process");
      assertEquals(dev.vigil.common.Errno.ESRCH.number, gone.errno);
    } finally {
      parent.destroyForcibly();
      parent.waitFor(15, TimeUnit.SECONDS);
    }
  }

  private static long blockedInSomeThread(long pid) {
    long any = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks) {
        for (String line : Files.readAllLines(task.resolve("status"))) {
          if (line.startsWith("SigBlk:")) {
            any |= Long.parseUnsignedLong(line.substring(7).trim(), 16);
          }
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return any;
  }
}
