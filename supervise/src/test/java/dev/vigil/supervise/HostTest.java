package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.common.os.Os;
import dev.vigil.fixtures.FakeClock;
import dev.vigil.fixtures.FakeOs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event loop alone, under FakeOs: fairness between descriptors, timers, terminate. */
class HostTest {
  @TempDir Path dir;

  private final FakeClock clock = new FakeClock();
  private final FakeOs os = new FakeOs(clock);
  private final Host host = new Host(os, clock);
  private final List<String> log = new ArrayList<>();
  private int at;

  @BeforeEach
  void openDirectory() throws IOException {
    at = os.openDirectory(Os.CWD, dir.toString());
  }

  /** A FIFO with a reader held by the host's Os and {@code bytes} waiting in it. */
  private int fifo(String name, int bytes) throws IOException {
    os.mkfifo(at, name, 0600);
    int reader = os.openFifo(at, name, false);
    os.openFifo(at, name, true);
    os.write(dir.resolve(name), "x".repeat(bytes));
    return reader;
  }

  private void runUntilIdle() throws IOException {
    try {
      host.run();
    } catch (FakeOs.Idle idle) {
      // nothing left to happen
    }
  }

  @Test
  void aFloodedDescriptorGetsOneReadPerRoundAndTheOthersAndTheTimersGetTheirs() throws IOException {
    int flooded = fifo("flooded", 100_000);
    int quiet = fifo("quiet", 1);
    byte[] small = new byte[512];
    host.watch(flooded, () -> {
      try {
        os.read(flooded, small);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      log.add("flood");
      if (log.size() > 20) {
        host.finish();
      }
    });
    host.watch(quiet, () -> {
      try {
        os.read(quiet, small);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      log.add("quiet");
    });
    host.timer(() -> log.add("timer")).at(clock.nanos());
    host.run();
    assertEquals(List.of("flood", "quiet", "timer", "flood", "flood"), log.subList(0, 5),
        "the quiet descriptor and the due timer come in the first round, whatever the flood");
  }

  @Test
  void timersFireInOrderAndReArmingReplacesTheDeadline() throws IOException {
    Timer a = host.timer(() -> log.add("a"));
    Timer b = host.timer(() -> log.add("b"));
    Timer c = host.timer(() -> log.add("c"));
    long now = clock.nanos();
    a.at(now + 3_000_000);
    b.at(now + 1_000_000);
    c.at(now + 2_000_000);
    c.at(now + 5_000_000);
    b.atOrBefore(now + 4_000_000);
    host.timer(() -> log.add("cancelled")).cancel();
    Timer cancelled = host.timer(() -> log.add("never"));
    cancelled.at(now + 1_000_000);
    cancelled.cancel();
    runUntilIdle();
    assertEquals(List.of("b", "a", "c"), log);
  }

  /**
   * The kernel makes a poll timeout late by 0.1% of its length; a long wait ends early and the
   * rest is waited for again, so a 2 s step of a stop schedule is not 2 ms late.
   */
  @Test
  void aLongWaitEndsEarlyAndTheRestIsWaitedForAgain() throws IOException {
    long start = clock.nanos();
    host.timer(() -> log.add("at " + (clock.nanos() - start) / 1_000_000 + " ms")).at(start + 2_000_000_000L);
    runUntilIdle();
    assertEquals(List.of("at 2000 ms"), log);
    assertEquals(List.of(1996L, 4L, -1L), os.awaited, "0.2% early, then the rest; then nothing is due");
  }

  @Test
  void terminateRunsTheTerminateActionOnTheLoopAndTheDefaultFinishes() throws IOException {
    host.onTerminate(() -> {
      log.add("terminate");
      host.finish();
    });
    os.then(host::terminate);
    host.run();
    assertEquals(List.of("terminate"), log);
    Host plain = new Host(os, clock);
    plain.terminate();
    plain.run();
  }

  @Test
  void aDescriptorUnwatchedEarlierInTheRoundIsNotCalled() throws IOException {
    int first = fifo("first", 10);
    int second = fifo("second", 10);
    host.watch(first, () -> {
      log.add("first");
      host.unwatch(first);
      host.unwatch(second);
    });
    host.watch(second, () -> log.add("second"));
    runUntilIdle();
    assertEquals(List.of("first"), log);
  }
}
