package dev.vigil.supervise;

import dev.vigil.common.Status;
import dev.vigil.common.os.Signal;
import java.util.List;

/**
 * What the machine asks the event loop to do, in order. The loop carries them out through
 * {@link Handler}: a new kind of effect fails to compile until the loop handles it.
 */
public sealed interface Effect {
  void accept(Handler handler);

  /** One method per kind of effect. */
  interface Handler {
    void spawn(Lifecycle.Program program, List<String> args);

    void withdrawSpawn();

    void signal(long pid, Signal signal);

    void signalGroup(long pgid, Signal signal);

    void writeStatus(Status status);

    void writePid(long pid);

    void warn(String text);

    void exit();
  }

  /**
   * Start {@code ./run} (no arguments) or {@code ./finish} (runit's two); the loop answers with
   * Spawned or SpawnFailed after the step's other effects.
   */
  record Spawn(Lifecycle.Program program, List<String> args) implements Effect {
    static final Spawn RUN = new Spawn(Lifecycle.Program.RUN, List.of());

    public Spawn {
      args = List.copyOf(args);
    }

    @Override
    public void accept(Handler handler) {
      handler.spawn(program, args);
    }
  }

  /**
   * Take back the start of ./run asked for and not yet made (it waits for its turn in a mass
   * start): svc -d or a shutdown came first. No answer comes for it.
   */
  record WithdrawSpawn() implements Effect {
    static final WithdrawSpawn INSTANCE = new WithdrawSpawn();

    @Override
    public void accept(Handler handler) {
      handler.withdrawSpawn();
    }
  }

  /** Send {@code signal} to the child {@code pid} only, as svc's letters do. */
  record Kill(long pid, Signal signal) implements Effect {
    @Override
    public void accept(Handler handler) {
      handler.signal(pid, signal);
    }
  }

  /** Send {@code signal} to the child's whole process group (it leads one): what a shutdown sends. */
  record KillGroup(long pgid, Signal signal) implements Effect {
    @Override
    public void accept(Handler handler) {
      handler.signalGroup(pgid, signal);
    }
  }

  /** Replace {@code supervise/status} with this record. */
  record WriteStatus(Status status) implements Effect {
    @Override
    public void accept(Handler handler) {
      handler.writeStatus(status);
    }
  }

  /**
   * Replace {@code supervise/pid}: the pid and a newline, or empty for 0. It always comes before
   * the status it goes with (runit's order), so a client that has read a status finds the
   * matching pid file.
   */
  record WritePid(long pid) implements Effect {
    @Override
    public void accept(Handler handler) {
      handler.writePid(pid);
    }
  }

  /** Print a warning naming the service. */
  record Warn(String text) implements Effect {
    @Override
    public void accept(Handler handler) {
      handler.warn(text);
    }
  }

  /** The service's supervision is over: it releases everything and leaves its host. */
  record Exit() implements Effect {
    @Override
    public void accept(Handler handler) {
      handler.exit();
    }
  }
}
