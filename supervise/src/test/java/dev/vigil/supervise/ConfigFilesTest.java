package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.os.Os;
import dev.vigil.common.os.Signal;
import dev.vigil.fixtures.FakeClock;
import dev.vigil.fixtures.FakeOs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings files of doc/service-dir.md: values, defaults, and a warning once per trouble. */
class ConfigFilesTest {
  private static final long MS = 1_000_000L;

  @TempDir
  Path dir;
  private final List<String> warnings = new ArrayList<>();
  private ConfigFiles files;

  @BeforeEach
  void open() throws IOException {
    Os os = new FakeOs(new FakeClock());
    files = new ConfigFiles(os, os.openDirectory(Os.CWD, dir.toString()), "svc", warnings::add);
  }

  private void put(String file, String text) throws IOException {
    Files.writeString(dir.resolve(file), text);
  }

  @Test
  void anEmptyDirectoryGivesTheDefaults() {
    assertEquals(Config.DEFAULT, files.read());
    assertEquals(List.of(), warnings);
  }

  @Test
  void everyFileIsRead() throws IOException {
    put("finish", "#!/bin/sh\n");
    put("timeout-finish", "0\n");
    put("backoff-max", " 1000 \n");
    put("backoff-reset", "2500");
    put("stop-schedule", "QUIT/1/forever/KILL/2\n");
    Config c = files.read();
    assertTrue(c.finish());
    assertEquals(0, c.finishTimeoutNanos(), "0: for ever, as s6");
    assertEquals(1000 * MS, c.backoffMaxNanos());
    assertEquals(2500 * MS, c.backoffResetNanos());
    assertEquals(new StopPlan(List.of(new StopPlan.Send(Signal.QUIT), new StopPlan.Wait(1000 * MS),
        new StopPlan.Send(Signal.KILL), new StopPlan.Wait(2000 * MS)), 2), c.stop().orElseThrow());
    assertEquals(List.of(), warnings);
  }

  @Test
  void s6sDownSignalAndTimeoutKillMakeAPlanAndAScheduleSupersedesThem() throws IOException {
    put("down-signal", "SIGHUP\n");
    assertEquals(Optional.of(StopPlan.s6(Signal.HUP, 0)), files.read().stop());
    put("timeout-kill", "250\n");
    assertEquals(Optional.of(StopPlan.s6(Signal.HUP, 250 * MS)), files.read().stop());
    put("stop-schedule", "7\n");
    assertEquals(new StopPlan(List.of(new StopPlan.Send(Signal.HUP), new StopPlan.Wait(7000 * MS),
        new StopPlan.Send(Signal.KILL), new StopPlan.Wait(7000 * MS)), -1), files.read().stop().orElseThrow(),
        "a bare number: the down signal, N seconds, KILL, N seconds");
  }

  @Test
  void eachReadinessProtocolIsReadAndTheFirstOfSeveralWins() throws IOException {
    put("check", "#!/bin/sh\n");
    assertEquals(new ReadyWhen.Check(100 * MS), files.read().ready(), "check-interval: 100 ms by default");
    put("check-interval", "250\n");
    assertEquals(new ReadyWhen.Check(250 * MS), files.read().ready());
    put("notify-socket", "");
    assertEquals(new ReadyWhen.NotifySocket(), files.read().ready());
    assertEquals(List.of("unable to use svc/check: ignored: notify-socket says when svc is ready"), warnings);
    put("notification-fd", "3\n");
    assertEquals(new ReadyWhen.Notification(3), files.read().ready());
    files.read();
    assertEquals(List.of("unable to use svc/check: ignored: notify-socket says when svc is ready",
        "unable to use svc/notify-socket: ignored: notification-fd says when svc is ready",
        "unable to use svc/check: ignored: notification-fd says when svc is ready"), warnings,
        "each once, and again when the reason changes");
  }

  @Test
  void aNotificationFdMustBeADescriptorAboveStandardErrorAndACheckIntervalAboveZero() throws IOException {
    for (String bad : new String[] {"2", "-4", "1024", "three", "3.5"}) {
      warnings.clear();
      put("notification-fd", bad);
      assertEquals(ReadyWhen.UP, files.read().ready(), bad);
      assertEquals(List.of("unable to use svc/notification-fd: not a descriptor number from 3 to 1023; using the default"),
          warnings, bad);
    }
    Files.delete(dir.resolve("notification-fd"));
    warnings.clear();
    put("check", "#!/bin/sh\n");
    put("check-interval", "0");
    assertEquals(new ReadyWhen.Check(100 * MS), files.read().ready());
    assertEquals(List.of("unable to use svc/check-interval: not a number of milliseconds above 0; using the default"),
        warnings);
  }

  @Test
  void aTroubledFileIsWarnedAboutOnceUntilItIsFixedAndBreaksAgain() throws IOException {
    put("backoff-max", "soon\n");
    assertEquals(Config.DEFAULT.backoffMaxNanos(), files.read().backoffMaxNanos());
    files.read();
    assertEquals(List.of("unable to use svc/backoff-max: not a number of milliseconds; using the default"), warnings);
    put("backoff-max", "later\n");
    files.read();
    assertEquals(2, warnings.size(), "a new content, a new warning");
    put("backoff-max", "5000\n");
    assertEquals(5000 * MS, files.read().backoffMaxNanos());
    put("backoff-max", "later\n");
    files.read();
    assertEquals(3, warnings.size(), "fixed, then broken again: warned again");

    put("down-signal", "SIGNOPE\n");
    put("stop-schedule", "TERM/1.5\n");
    put("timeout-finish", "-5\n");
    files.read();
    assertEquals(List.of("unable to use svc/down-signal: no signal; using the default",
        "unable to use svc/stop-schedule: no signal or seconds: 1.5; using the default",
        "unable to use svc/timeout-finish: not a number of milliseconds; using the default"),
        warnings.subList(3, warnings.size()).stream().sorted().toList());
  }

  @Test
  void aFinishThatIsNoFileIsNoFinish() throws IOException {
    Files.createDirectory(dir.resolve("finish"));
    assertFalse(files.read().finish());
    Files.delete(dir.resolve("finish"));
    Files.createSymbolicLink(dir.resolve("finish"), Path.of("finish"));
    assertFalse(files.read().finish());
    files.read();
    assertEquals(List.of("unable to stat svc/finish: symbolic link loop"), warnings);
  }
}
