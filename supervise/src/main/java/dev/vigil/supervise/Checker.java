package dev.vigil.supervise;

import dev.vigil.common.Errno;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.os.Child;
import dev.vigil.common.os.Os;
import dev.vigil.common.os.SpawnSpec;
import java.io.IOException;
import java.util.List;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.function.Consumer;

/**
 * runit's {@code ./check} for one child of ./run: run at once, then at every interval from the
 * last start, until one exits 0; then ./run is ready. Each ./check is a clean child as ./run is
 * (its own process group, the service directory, the same descriptors 0–2); one that is still
 * there when the next is due has outlived its interval and is killed with its group, so checks
 * never pile up. runit's {@code sv} runs ./check itself, from the client, every 420 ms; here the
 * supervisor does, so any client can wait on the status instead.
 */
final class Checker {
  private final Host host;
  private final Os os;
  private final Os.Spawner spawner;
  private final long interval;
  private final String name;
  private final Consumer<String> warn;
  private final Runnable ready;
  private final Timer timer;
  private Child running;
  private Runnable withdraw;
  private boolean warned;
  private boolean over;

  private Checker(Host host, Os.Spawner spawner, long interval, String name, Consumer<String> warn, Runnable ready) {
    this.host = host;
    this.os = host.os();
    this.spawner = spawner;
    this.interval = interval;
    this.name = name;
    this.warn = warn;
    this.ready = ready;
    this.timer = host.timer(this::due);
  }

  /**
   * Starts checking; {@code ready} runs once, when a ./check has exited 0.
   *
   * @param dir the service directory's descriptor
   * @param stdio the descriptors 0–2 ./run has
   * @param name the service directory as messages name it
   */
  static Checker start(Host host, int dir, SortedMap<Integer, Integer> stdio, long interval, String name,
      Consumer<String> warn, Runnable ready) throws IOException {
    String program = "./" + ServiceDir.CHECK;
    Os.Spawner spawner = host.os().spawner(new SpawnSpec(dir, program, List.of(program), List.of(), stdio, true));
    Checker c = new Checker(host, spawner, interval, name, warn, ready);
    c.due();
    return c;
  }

  /** The next check is due: the last one, if still there, has had its interval. */
  private void due() {
    if (over) {
      return;
    }
    if (running != null) {
      Service.killAndReap(host, detach());
    }
    timer.at(host.clock().nanos() + interval);
    withdraw = host.spawn(spawner, new Host.SpawnAnswer() {
      @Override
      public void spawned(Child c) {
        withdraw = null;
        try {
          host.watch(c.pidfd(), Checker.this::reap);
          running = c;
        } catch (IOException e) {
          Service.killAndReap(host, c);
          failed(e);
        }
      }

      @Override
      public void failed(IOException why) {
        withdraw = null;
        // said once for this child of ./run, not every interval
        if (!warned) {
          warned = true;
          warn.accept("unable to start " + name + "/" + ServiceDir.CHECK + ": " + Errno.text(why));
        }
      }
    });
  }

  private void reap() {
    OptionalInt exit;
    try {
      exit = host.reap(running.pid());
    } catch (IOException e) {
      exit = OptionalInt.of(-1);
    }
    if (exit.isEmpty()) {
      return;
    }
    os.close(detach().pidfd());
    if (exit.getAsInt() == 0) {
      stop();
      ready.run();
    }
  }

  private Child detach() {
    Child c = running;
    running = null;
    host.unwatch(c.pidfd());
    return c;
  }

  /** No more checks (./run exited, or one said ready): a check still running is killed. */
  void stop() {
    if (over) {
      return;
    }
    over = true;
    timer.cancel();
    if (withdraw != null) {
      withdraw.run();
      withdraw = null;
    }
    if (running != null) {
      Service.killAndReap(host, detach());
    }
    spawner.close();
  }
}
