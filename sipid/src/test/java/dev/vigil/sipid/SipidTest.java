package dev.vigil.sipid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.os.Os;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Peers;
import dev.vigil.fixtures.Proc;
import dev.vigil.fixtures.Processes;
import dev.vigil.libc.JnrOs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sipid's README, step by step, against real processes: claim's directory, flock and running
 * check; kill's TERM, 20-second grace, QUIT for the stacks, KILL and removal; and where vigil's
 * sipid does better (a pid taken over by another process is never signalled). The real sipid,
 * where built (.ci/sipid-peer), shows the lock is the same flock and what it does instead.
 */
class SipidTest {
  private static final int SIGTERM = 15;
  private static final int SIGKILL = 9;
  private static Os os;

  @TempDir Path dir;
  private final Processes processes = new Processes();

  @BeforeAll
  static void loadTheNativeDoor() throws IOException {
    os = JnrOs.load();
  }

  @AfterEach
  void stopEverything() {
    processes.close();
  }

  private static Captured sipid(String... args) {
    return Captured.of((a, out, err) -> Main.run(a, out, err, () -> os), args);
  }

  private Process sleeper() throws IOException {
    return processes.start(dir, dir.resolve("sleep.out"), dir.resolve("sleep.err"), List.of("sleep", "1000"));
  }

  private static void writePidfile(Path file, long pid, Duration age) throws IOException {
    Files.writeString(file, Long.toString(pid));
    if (!age.isZero()) {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
    }
  }

  private static String content(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Exactly one line on stderr, {@code sipid: ...}. */
  private static void assertOneLine(Captured c, String expected) {
    assertEquals(expected + "\n", c.err(), "stderr");
    assertEquals("", c.out(), "stdout");
  }

  // ------------------------------------------------------------------ claim

  @Test
  void claimCreatesTheDirectoryAndWritesThePid() throws IOException {
    Path file = dir.resolve("run/example-job/web.pid");
    Captured c = sipid("claim", "--pid", "4242", "--pid-file", file.toString());
    assertEquals(new Captured(0, "", ""), c);
    assertEquals("4242", content(file), "the pid, no newline, as sipid writes it");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void claimAbortsWhileTheClaimedProcessRuns() throws IOException {
    Process running = sleeper();
    Path file = dir.resolve("web.pid");
    writePidfile(file, running.pid(), Duration.ZERO);
    Captured c = sipid("claim", "--pid", "4242", "--pid-file", file.toString());
    assertEquals(1, c.exit());
    assertOneLine(c, "sipid: fatal: claim failed: process " + running.pid() + " (" + file + ") already exists");
    assertEquals(Long.toString(running.pid()), content(file));

    Captured again = sipid("claim", "--pid", Long.toString(running.pid()), "--pid-file", file.toString());
    assertEquals(1, again.exit());
    assertOneLine(again, "sipid: fatal: claim failed: process " + running.pid() + " (" + file + ") is already in the pidfile");
  }

  @Test
  void claimTakesOverThePidfileOfAProcessThatExited() throws IOException {
    Process gone = sleeper();
    gone.destroyForcibly();
    Processes.awaitExit(gone, Await.DEFAULT);
    Path file = dir.resolve("web.pid");
    writePidfile(file, gone.pid(), Duration.ZERO);
    assertEquals(new Captured(0, "", ""), sipid("claim", "--pid", "4242", "--pid-file", file.toString()));
    assertEquals("4242", content(file));
  }

  @Test
  void claimTakesOverAPidReusedSinceThePidfileWasWritten() throws IOException {
    Process stranger = sleeper();
    Path file = dir.resolve("web.pid");
    writePidfile(file, stranger.pid(), Duration.ofMinutes(1)); // written before the stranger started
    Captured c = sipid("claim", "--pid", "4242", "--pid-file", file.toString());
    assertEquals(0, c.exit(), c::err);
    assertOneLine(c, "sipid: warning: pid " + stranger.pid() + " in " + file
        + " is another process now (started after the pidfile was written): claimed over it");
    assertEquals("4242", content(file));
    assertTrue(stranger.isAlive());
  }

  /**
   * util-linux flock(1) takes the pidfile's flock, as another claim would, on a descriptor of a
   * shell that then becomes {@code sleep}: one process holds the lock, and killing it by pid
   * releases it.
   */
  private Process lockHolder(Path file) throws IOException {
    String flock = Peers.require("flock");
    Path out = dir.resolve("flock.out");
    Process holder = processes.start(dir, out, dir.resolve("flock.err"), List.of("sh", "-c",
        "exec 9>>\"$1\" && \"$0\" -n 9 && echo held && exec sleep 1000", flock, file.toString()));
    Await.until("flock(1) to hold " + file, () -> Files.exists(out) && content(out).equals("held\n"));
    return holder;
  }

  @Test
  void claimIsExcludedByAnotherHolderOfTheFlock() throws IOException {
    Path file = dir.resolve("web.pid");
    Process holder = lockHolder(file);
    Captured c = sipid("claim", "--pid", "4242", "--pid-file", file.toString());
    assertEquals(1, c.exit());
    assertOneLine(c, "sipid: fatal: claim failed: another process is locking " + file);
    assertEquals("", content(file), "nothing written");
    holder.destroyForcibly();
    Processes.awaitExit(holder, Await.DEFAULT);
    assertEquals(0, sipid("claim", "--pid", "4242", "--pid-file", file.toString()).exit());
  }

  @Test
  void theRealSipidAndOursExcludeEachOther() throws IOException {
    String real = Peers.requireSipid();
    Path file = dir.resolve("web.pid");
    // the real one, while the lock our claim takes (Os.lock: open, flock LOCK_EX|LOCK_NB) is held
    int lock = os.lock(Os.CWD, file.toString());
    try {
      Captured c = Processes.run(dir, List.of(real, "claim", "--pid", "4242", "--pid-file", file.toString()));
      assertEquals(1, c.exit());
      assertTrue(c.err().endsWith("claim failed: another process is locking\n"), c.err());
      assertEquals("", content(file));
    } finally {
      os.close(lock);
    }
    // and the real one's lock, held by flock(1) as the real one takes it, excludes both
    Process holder = lockHolder(file);
    assertEquals(1, sipid("claim", "--pid", "4242", "--pid-file", file.toString()).exit());
    assertEquals(1, Processes.run(dir, List.of(real, "claim", "--pid", "4242", "--pid-file", file.toString())).exit());
    holder.destroyForcibly();
    Processes.awaitExit(holder, Await.DEFAULT);
    assertEquals(0, Processes.run(dir, List.of(real, "claim", "--pid", "4242", "--pid-file", file.toString())).exit());
    assertEquals("4242", content(file));
  }

  /**
   * The pid-file incident (a daemon started a second time beside the copy an operator forgot):
   * with the README's start script, the second start stops at the claim and execs nothing; after
   * the stop script's kill, a start runs again.
   */
  @Test
  void theReadmesStartScriptNeverStartsASecondCopy() throws IOException {
    Path sipid = dir.resolve("sipid");
    Files.writeString(sipid, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
        + "' --enable-native-access=ALL-UNNAMED -Djnr.ffi.asm.enabled=false -XX:TieredStopAtLevel=1 -cp '"
        + System.getProperty("java.class.path") + "' " + Main.class.getName() + " \"$@\"\n");
    Path start = dir.resolve("start");
    Path file = dir.resolve("run/example-job/web.pid");
    Files.writeString(start, "#!/bin/sh\nset -e\n\"$(dirname \"$0\")/sipid\" claim --pid \"$$\" --pid-file '" + file
        + "'\necho started\nexec sleep 1000\n");
    Files.setPosixFilePermissions(sipid, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(start, PosixFilePermissions.fromString("rwx------"));

    Path firstOut = dir.resolve("first.out");
    Process first = processes.start(dir, firstOut, dir.resolve("first.err"), List.of(start.toString()));
    Await.until("the first start to exec its daemon", () -> Files.exists(firstOut) && content(firstOut).equals("started\n"));
    assertEquals(Long.toString(first.pid()), content(file));

    Path secondErr = dir.resolve("second.err");
    Process second = processes.start(dir, dir.resolve("second.out"), secondErr, List.of(start.toString()));
    assertEquals(1, Processes.awaitExit(second, Await.DEFAULT), "set -e: the claim's failure ends the script");
    assertEquals("", content(dir.resolve("second.out")), "no second copy started");
    assertEquals("sipid: fatal: claim failed: process " + first.pid() + " (" + file + ") already exists\n", content(secondErr));
    assertTrue(first.isAlive());

    assertEquals(new Captured(0, "", ""), sipid("kill", "--pid-file", file.toString()));
    assertEquals(128 + SIGTERM, Processes.awaitExit(first, Await.DEFAULT));
    assertFalse(Files.exists(file));

    Path thirdOut = dir.resolve("third.out");
    Process third = processes.start(dir, thirdOut, dir.resolve("third.err"), List.of(start.toString()));
    Await.until("a start after the stop to exec its daemon", () -> Files.exists(thirdOut) && content(thirdOut).equals("started\n"));
    assertEquals(Long.toString(third.pid()), content(file));
  }

  // ------------------------------------------------------------------ kill

  @Test
  void killStopsAProcessThatExitsOnTermAndRemovesThePidfile() throws IOException {
    Process target = sleeper();
    Path file = dir.resolve("web.pid");
    writePidfile(file, target.pid(), Duration.ZERO);
    long start = System.nanoTime();
    Captured c = sipid("kill", "--pid-file", file.toString());
    long took = (System.nanoTime() - start) / 1_000_000;
    assertEquals(new Captured(0, "", ""), c);
    assertEquals(128 + SIGTERM, Processes.awaitExit(target, Await.DEFAULT), "ended by TERM");
    assertTrue(took < 5_000, "kill took " + took + " ms for a process that exits on TERM");
    assertFalse(Files.exists(file), "pidfile removed");
  }

  @Test
  void killWithNothingRunningDoesNothing() throws IOException {
    Process gone = sleeper();
    gone.destroyForcibly();
    Processes.awaitExit(gone, Await.DEFAULT);
    Path file = dir.resolve("web.pid");
    writePidfile(file, gone.pid(), Duration.ZERO);
    assertEquals(new Captured(0, "", ""), sipid("kill", "--pid-file", file.toString()));
    assertEquals(Long.toString(gone.pid()), content(file), "left as sipid leaves it");
  }

  /**
   * A zombie (exited, its parent never reaps it) has no process left to stop: kill returns at
   * once. sipid's kill(pid, 0) succeeds on a zombie, so it sends TERM and waits the whole 20 s.
   */
  @Test
  void killOfAZombieReturnsAtOnce() throws IOException {
    Path zombiePid = dir.resolve("zombie");
    Path go = dir.resolve("go");
    os.mkfifo(Os.CWD, go.toString(), 0600);
    // the child waits on the FIFO until its parent has become sleep (the exec), which never
    // waits: once released, the child stays a zombie
    Process parent = processes.start(dir, dir.resolve("parent.out"), dir.resolve("parent.err"),
        List.of("sh", "-c", "(read x < \"$1\") & echo $! > \"$0\"; exec sleep 1000", zombiePid.toString(), go.toString()));
    Await.until("the parent to exec sleep", () -> Files.exists(zombiePid) && content(zombiePid).endsWith("\n")
        && Proc.commandLine(parent.pid()).equals(List.of("sleep", "1000")));
    long zombie = Long.parseLong(content(zombiePid).trim());
    Files.writeString(go, "go\n");
    Await.until("a zombie", () -> Proc.state(zombie) == 'Z');
    Path file = dir.resolve("web.pid");
    Files.writeString(file, Files.readString(zombiePid).trim());
    long start = System.nanoTime();
    assertEquals(new Captured(0, "", ""), sipid("kill", "--pid-file", file.toString()));
    long took = (System.nanoTime() - start) / 1_000_000;
    assertTrue(took < 5_000, "took " + took + " ms");
    assertTrue(Files.exists(file), "nothing ran: the pidfile stays, as sipid leaves it");
  }

  @Test
  void killWithoutAPidfileOrWithGarbageFails() throws IOException {
    Path missing = dir.resolve("missing.pid");
    Captured c = sipid("kill", "--pid-file", missing.toString());
    assertEquals(1, c.exit());
    assertOneLine(c, "sipid: fatal: kill failed: unable to read " + missing + ": file does not exist");

    Path garbage = dir.resolve("garbage.pid");
    for (String text : new String[] {"", "twelve", "0", "-1"}) {
      Files.writeString(garbage, text);
      Captured g = sipid("kill", "--pid-file", garbage.toString());
      assertEquals(1, g.exit(), text);
      assertOneLine(g, "sipid: fatal: kill failed: pidfile (" + garbage + ") does not contain a valid pid");
    }
  }

  @Test
  void killLeavesAProcessThatTookOverTheStalePidAlone() throws IOException {
    Process stranger = sleeper();
    Path file = dir.resolve("web.pid");
    writePidfile(file, stranger.pid(), Duration.ofMinutes(1)); // the claimed process died; its pid was reused
    Captured c = sipid("kill", "--pid-file", file.toString());
    assertEquals(0, c.exit(), c::err);
    assertOneLine(c, "sipid: warning: pid " + stranger.pid() + " in " + file
        + " is another process now (started after the pidfile was written): not signalled");
    assertTrue(stranger.isAlive(), "the stranger runs on");
    assertEquals(0, Proc.signals(stranger.pid(), "SigPnd") | Proc.signals(stranger.pid(), "ShdPnd"), "no signal pending");
    assertFalse(Files.exists(file), "the stale pidfile is removed, so the next claim is not refused");
  }

  @Test
  void theRealSipidSignalsAProcessThatTookOverTheStalePid() throws IOException {
    String real = Peers.requireSipid();
    Process stranger = sleeper();
    Path file = dir.resolve("web.pid");
    writePidfile(file, stranger.pid(), Duration.ofMinutes(1));
    assertEquals(0, Processes.run(dir, List.of(real, "kill", "--pid-file", file.toString())).exit());
    assertEquals(128 + SIGTERM, Processes.awaitExit(stranger, Await.DEFAULT), "what ours avoids");
  }

  /**
   * The README's stuck process: a JVM that ignores TERM. After the 20-second grace, --show-stacks
   * sends QUIT (the JVM prints its thread dump and carries on), then KILL. sipid has no flag for
   * the grace period, so this test takes 20 seconds.
   */
  @Test
  void killShowsTheStacksOfAProcessThatIgnoresTermThenKillsIt() throws IOException {
    Path out = dir.resolve("jvm.out");
    Process jvm = processes.start(dir, out, dir.resolve("jvm.err"), List.of("sh", "-c",
        "trap '' TERM; exec \"$0\" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp \"$1\" " + Sleeper.class.getName(),
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), System.getProperty("java.class.path")));
    Await.until("the JVM to start", () -> Files.exists(out) && content(out).startsWith("ready\n"));
    assertTrue((Proc.signals(jvm.pid(), "SigIgn") & (1L << (SIGTERM - 1))) != 0, "the JVM ignores TERM");
    Path file = dir.resolve("web.pid");
    writePidfile(file, jvm.pid(), Duration.ZERO);

    long start = System.nanoTime();
    Captured c = sipid("kill", "--pid-file", file.toString(), "--show-stacks");
    long took = (System.nanoTime() - start) / 1_000_000;

    assertEquals(new Captured(0, "", ""), c);
    assertEquals(128 + SIGKILL, Processes.awaitExit(jvm, Await.DEFAULT), "ended by KILL");
    assertTrue(content(out).contains("Full thread dump"), "QUIT before KILL: the JVM's stacks");
    assertTrue(took >= Kill.GRACE_MILLIS && took < Kill.GRACE_MILLIS + 5_000, "took " + took + " ms");
    assertFalse(Files.exists(file));
  }

  // ------------------------------------------------------------------ usage

  /** Wrong command lines: one line, sipid's exit code (1 its usage, 2 Go's flag errors, 0 -h). */
  @Test
  void wrongArgumentsGiveOneLineAndSipidsExitCode() {
    Object[][] cases = {
        {new String[] {}, 1, "sipid: usage: " + Main.SYNOPSIS},
        {new String[] {"bogus"}, 1, "sipid: usage: " + Main.SYNOPSIS},
        {new String[] {"claim"}, 1, "sipid: usage: " + Claim.SYNOPSIS},
        {new String[] {"claim", "--pid", "5"}, 1, "sipid: usage: " + Claim.SYNOPSIS},
        {new String[] {"claim", "--pid-file", "f"}, 1, "sipid: usage: " + Claim.SYNOPSIS},
        {new String[] {"claim", "--pid", "x", "--pid-file", "f"}, 2,
            "sipid: fatal: invalid value \"x\" for flag -pid: parse error (usage: " + Claim.SYNOPSIS + ")"},
        {new String[] {"claim", "--nope"}, 2,
            "sipid: fatal: flag provided but not defined: -nope (usage: " + Claim.SYNOPSIS + ")"},
        {new String[] {"claim", "--pid"}, 2, "sipid: fatal: flag needs an argument: -pid (usage: " + Claim.SYNOPSIS + ")"},
        {new String[] {"claim", "---pid", "5"}, 2, "sipid: fatal: bad flag syntax: ---pid (usage: " + Claim.SYNOPSIS + ")"},
        {new String[] {"claim", "-h"}, 0, "sipid: usage: " + Claim.SYNOPSIS},
        {new String[] {"kill"}, 1, "sipid: usage: " + Kill.SYNOPSIS},
        {new String[] {"kill", "--show-stacks=maybe", "--pid-file", "f"}, 2,
            "sipid: fatal: invalid boolean value \"maybe\" for -show-stacks: parse error (usage: " + Kill.SYNOPSIS + ")"},
        {new String[] {"kill", "x", "--pid-file", "f"}, 1, "sipid: usage: " + Kill.SYNOPSIS},
        {new String[] {"wait-until-healthy"}, 1, "sipid: usage: " + Health.SYNOPSIS},
        {new String[] {"wait-until-healthy", "--url", "http://127.0.0.1:1/", "--timeout", "5"}, 2,
            "sipid: fatal: invalid value \"5\" for flag -timeout: missing unit in duration \"5\" (usage: " + Health.SYNOPSIS + ")"},
        {new String[] {"wait-until-healthy", "--url", "http://127.0.0.1:1/", "--polling-frequency", "0s"}, 2,
            "sipid: fatal: invalid value \"0s\" for flag -polling-frequency: not positive (usage: " + Health.SYNOPSIS + ")"},
        {new String[] {"wait-until-healthy", "--url", "ftp://127.0.0.1/"}, 1,
            "sipid: fatal: poll failed: unsupported protocol scheme \"ftp\" in ftp://127.0.0.1/"},
    };
    for (Object[] k : cases) {
      String[] args = (String[]) k[0];
      Captured c = sipid(args);
      assertEquals(k[1], c.exit(), () -> String.join(" ", args) + ": " + c.err());
      assertOneLine(c, (String) k[2]);
    }
  }

  /** Go's integer syntax for --pid: each spelling writes what the real sipid writes. */
  @Test
  void pidSpellingsMeanWhatTheyMeanToTheRealSipid() throws IOException {
    String real = Peers.requireSipid();
    for (String spelling : new String[] {"4242", "010", "0x10", "0o17", "0b101", "1_000", "+7", "0_7"}) {
      Path theirs = dir.resolve("theirs.pid");
      Path ours = dir.resolve("ours.pid");
      Files.deleteIfExists(theirs);
      Files.deleteIfExists(ours);
      assertEquals(0, Processes.run(dir, List.of(real, "claim", "--pid", spelling, "--pid-file", theirs.toString())).exit(), spelling);
      assertEquals(0, sipid("claim", "--pid", spelling, "--pid-file", ours.toString()).exit(), spelling);
      assertEquals(content(theirs), content(ours), spelling);
    }
  }

  /** The same command lines, the real sipid's exit codes (its messages are Go's, on several lines). */
  @Test
  void wrongArgumentsExitAsTheRealSipidExits() throws IOException {
    String real = Peers.requireSipid();
    String[][] lines = {
        {}, {"bogus"}, {"claim"}, {"claim", "--pid", "5"}, {"claim", "--pid-file", "f"},
        {"claim", "--pid", "x", "--pid-file", "f"}, {"claim", "--nope"}, {"claim", "--pid"}, {"claim", "---pid", "5"},
        {"claim", "-h"}, {"claim", "-help"}, {"kill"}, {"kill", "--show-stacks=maybe", "--pid-file", "f"},
        {"kill", "x", "--pid-file", "f"}, {"kill", "--pid-file", "missing.pid"}, {"wait-until-healthy"},
        {"wait-until-healthy", "--url", "http://127.0.0.1:1/", "--timeout", "5"},
        {"wait-until-healthy", "--url", "http://127.0.0.1:1/", "--timeout", "1h", "--timeout=0s"},
    };
    for (String[] args : lines) {
      List<String> command = new java.util.ArrayList<>(List.of(real));
      command.addAll(List.of(args));
      Captured theirs = Processes.run(dir, command);
      Captured ours = sipid(args);
      assertEquals(theirs.exit(), ours.exit(), () -> String.join(" ", args) + ": theirs " + theirs.err() + " ours " + ours.err());
    }
  }
}
