package dev.vigil.supervise;

import dev.vigil.common.Command;

/** What can happen to a service. The event loop turns fds, signals and deadlines into these. */
public sealed interface Event {
  /** A control byte that names a command. Other bytes never reach the machine. */
  record Control(Command command) implements Event {}

  /** The child was reaped with this wait status. */
  record ChildExited(int waitStatus) implements Event {}

  /** The {@link Effect.Spawn} just asked for started a child. */
  record Spawned(long pid, long startTicks) implements Event {}

  /** The {@link Effect.Spawn} just asked for failed: exec reported {@code errno}. */
  record SpawnFailed(int errno) implements Event {}

  /** The service's deadline has come (or the loop woke at or after it). */
  record Tick() implements Event {}

  /** supervise got SIGTERM, SIGINT or SIGHUP: take the service down, then exit. */
  record Terminate() implements Event {}
}
