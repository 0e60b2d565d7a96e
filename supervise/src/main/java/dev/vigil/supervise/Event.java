package dev.vigil.supervise;

import dev.vigil.common.Command;
import java.util.Optional;

/**
 * What can happen to a service. The event loop turns fds, signals and deadlines into these; the
 * machine takes them through {@link Handler}, which every kind of event must have a method in:
 * a new kind fails to compile until the machine handles it.
 */
public sealed interface Event {
  <R> R accept(Handler<R> handler);

  /** One method per kind of event. */
  interface Handler<R> {
    R control(Command command);

    R childExited(int waitStatus);

    R followed(long pid, long startTicks, boolean guessed);

    R spawned(long pid, long startTicks);

    R spawnFailed(int errno);

    R tick();

    R terminate();

    R drain();

    R configured(Config config);

    R notified(boolean ready, Optional<String> text, boolean stopping);
  }

  /** A control byte that names a command. Other bytes never reach the machine. */
  record Control(Command command) implements Event {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.control(command);
    }
  }

  /** The child was reaped with this wait status. */
  record ChildExited(int waitStatus) implements Event {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.childExited(waitStatus);
    }
  }

  /**
   * The service's process exited 0 (it daemonized) and left process
   * {@code pid} to carry the service on: the one its pidfile names, or ({@code guessed}) the
   * only one it left behind. The service is that process from now on.
   */
  record Followed(long pid, long startTicks, boolean guessed) implements Event {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.followed(pid, startTicks, guessed);
    }
  }

  /** The {@link Effect.Spawn} just asked for started a child. */
  record Spawned(long pid, long startTicks) implements Event {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.spawned(pid, startTicks);
    }
  }

  /** The {@link Effect.Spawn} just asked for failed: exec (or watching the child) reported {@code errno}. */
  record SpawnFailed(int errno) implements Event {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.spawnFailed(errno);
    }
  }

  /** The service's deadline has come (or the loop woke at or after it). */
  record Tick() implements Event {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.tick();
    }
  }

  /** The supervisor got SIGTERM, SIGINT or SIGHUP: take the service down, then go. */
  record Terminate() implements Event {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.terminate();
    }
  }

  /**
   * The supervisor is shutting down and this service (a logger) is to finish on its own: its
   * input is closing, so it goes when its child has read to the end and exited. Want down, no
   * signal; a {@link Terminate} later takes it down if it does not.
   */
  record Drain() implements Event {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.drain();
    }
  }

  /** The service directory's files were read (at set-up, and after each start of ./run). */
  record Configured(Config config) implements Event {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.configured(config);
    }
  }

  /**
   * ./run (or its ./check) said something of its readiness: ready (a newline on notification-fd,
   * READY=1, ./check exited 0), a STATUS= text, STOPPING=1.
   */
  record Notified(boolean ready, Optional<String> text, boolean stopping) implements Event {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.notified(ready, text, stopping);
    }
  }
}
