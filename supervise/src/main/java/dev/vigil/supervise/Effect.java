package dev.vigil.supervise;

import dev.vigil.common.Status;
import dev.vigil.common.os.Signal;

/** What the machine asks the event loop to do, in order. */
public sealed interface Effect {
  /** Start {@code ./run}; the loop answers at once with Spawned or SpawnFailed. */
  record Spawn() implements Effect {}

  /** Send {@code signal} to {@code pid} (the child only, never its group). */
  record Kill(long pid, Signal signal) implements Effect {}

  /** Replace {@code supervise/status} with this record. */
  record WriteStatus(Status status) implements Effect {}

  /** Replace {@code supervise/pid}: the pid and a newline, or empty for 0. */
  record WritePid(long pid) implements Effect {}

  /** Print {@code supervise: warning: TEXT}. */
  record Warn(String text) implements Effect {}

  /** The service is finished; when no service is left, supervise exits 0. */
  record Exit() implements Effect {}
}
