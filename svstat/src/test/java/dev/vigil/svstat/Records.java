package dev.vigil.svstat;

import dev.vigil.common.Extension;
import dev.vigil.common.Phase;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.Stage;
import dev.vigil.common.Status;
import dev.vigil.common.StatusCodec;
import dev.vigil.common.Tai64n;
import dev.vigil.common.Want;
import dev.vigil.fixtures.FakeSupervisor;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.Services;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Hand-made status records of every kind svstat and svcheck read, at fixed times around the
 * test run's start, and service directories that hold one behind a fake supervisor.
 */
public final class Records {
  /** Whole seconds, when the test class was loaded. */
  public static final long NOW = System.currentTimeMillis() / 1000;
  /** When the service's pid last changed: 100 s ago. */
  public static final Tai64n STARTED = Tai64n.ofUnix(NOW - 100, 0);
  /** When the next start is due, in a record that owes one. */
  public static final Tai64n NEXT = Tai64n.ofUnix(NOW + 1000, 0);
  /** When a layout 3 service became ready: 60 s after it started. */
  public static final Tai64n READY = Tai64n.ofUnix(NOW - 40, 0);
  /** The supervisor's pid in vigil's records. */
  public static final long SUPERVISOR = 4321;

  private Records() {}

  /** A service directory {@code name} of {@code services} with a fake supervisor and {@code record}. */
  public static ServiceDir withStatus(Services services, Processes processes, String name, byte[] record)
      throws IOException {
    ServiceDir dir = services.empty(name);
    FakeSupervisor.start(dir, processes);
    Files.write(dir.status(), record);
    return dir;
  }

  /** The 18 bytes daemontools' supervise writes. */
  public static byte[] daemontools(long pid, Want want) {
    Status s = Status.daemontools(STARTED, pid, false, want);
    return Arrays.copyOf(StatusCodec.encode(s), StatusCodec.DAEMONTOOLS_SIZE);
  }

  /** The 20 bytes runit's runsv writes. */
  public static byte[] runit(long pid, Want want) {
    return Arrays.copyOf(StatusCodec.encode(Status.daemontools(STARTED, pid, false, want)), StatusCodec.RUNIT_SIZE);
  }

  /** A vigil layout 2 record: down after three quick deaths (the last exit code 1), the next start due. */
  public static byte[] vigilDown() {
    Extension.Progress p = new Extension.Progress(Stage.DOWN, 0, 3, STARTED, Optional.of(NEXT));
    return StatusCodec.encode(new Status(STARTED, 0, false, Want.UP, false, Phase.DOWN,
        Optional.of(new Extension(SUPERVISOR, 3, OptionalInt.of(0x100), 0, 5, Optional.of(p)))));
  }

  /** A vigil layout 2 record of a running child (pid 1234), the last one's wait status given. */
  public static byte[] vigilUp(int lastExit) {
    Extension.Progress p = new Extension.Progress(Stage.UP, 0, 0, STARTED, Optional.empty());
    return StatusCodec.encode(new Status(STARTED, 1234, false, Want.UP, false, Phase.RUN,
        Optional.of(new Extension(SUPERVISOR, 2, OptionalInt.of(lastExit), 777, 5, Optional.of(p)))));
  }

  /** A layout 3 record of a running service: ready since {@link #READY} or not ready, with a status text. */
  public static byte[] vigilWithReadiness(boolean ready, boolean stopping, String text) {
    Extension.Progress p = new Extension.Progress(Stage.UP, 0, 0, STARTED, Optional.empty());
    Extension.Readiness r = new Extension.Readiness(ready ? Optional.of(READY) : Optional.empty(), stopping, text);
    return StatusCodec.encode(new Status(STARTED, 1234, false, Want.UP, false, Phase.RUN,
        Optional.of(new Extension(SUPERVISOR, 2, OptionalInt.empty(), 777, 5, Optional.of(p), Optional.of(r)))));
  }

  /** A TAI64N label as svstat prints it. */
  public static String label(Tai64n t) {
    return "@" + Long.toHexString(t.label()) + String.format("%08x", t.nanos());
  }
}
