package dev.vigil.supervise;

import dev.vigil.common.Command;
import dev.vigil.common.Die;
import dev.vigil.common.Errno;
import dev.vigil.common.ErrnoException;
import dev.vigil.common.Exit;
import dev.vigil.common.Messages;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.StatusCodec;
import dev.vigil.common.os.Child;
import dev.vigil.common.os.Clock;
import dev.vigil.common.os.Os;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The event loop: one thread that owns every service's state. It blocks in {@link Os#await} on
 * each service's control FIFO and child pidfd, with the earliest deadline as its timeout, turns
 * what it sees into {@link Event}s, asks the {@link Machine} what to do and does it. Idle, it is
 * blocked with no timeout. It hosts any number of services; supervise gives it one.
 */
public final class Supervisor {
  private static final int FIFO_MODE = 0600;

  private final Os os;
  private final Clock clock;
  private final PrintStream err;
  private final long pid = ProcessHandle.current().pid();
  private final List<Service> services = new ArrayList<>();
  private final Map<Integer, Service> byControlFd = new HashMap<>();
  private final Map<Integer, Service> byPidfd = new HashMap<>();
  private final AtomicBoolean terminateRequested = new AtomicBoolean();
  private final byte[] controlBuffer = new byte[512];

  public Supervisor(Os os, Clock clock, PrintStream err) {
    this.os = os;
    this.clock = clock;
    this.err = err;
  }

  /** One supervised directory and the descriptors supervise holds for it. */
  private final class Service {
    final ServiceDir dir;
    final Machine machine;
    final AtomicFile status;
    final AtomicFile pidFile;
    final List<Integer> held = new ArrayList<>();
    State state;
    int controlFd = -1;
    Child child;

    Service(ServiceDir dir, int lockFd) {
      this.dir = dir;
      this.machine = new Machine(dir.name(), pid, lockFd);
      held.add(lockFd);
      this.status = new AtomicFile(dir.status(), dir.statusNew(), dir.show("supervise/status.new"), err);
      this.pidFile = new AtomicFile(dir.pid(), dir.pidNew(), dir.show("supervise/pid.new"), err);
    }
  }

  /**
   * Takes charge of a service directory, in daemontools' order (spec §4.1): check the directory
   * and its down file, create supervise/, take the lock, open the control FIFO for reading and
   * writing, write the first status, open ok, and start ./run unless the service is normally down.
   *
   * @throws Die with daemontools' message and exit 111 when the directory cannot be supervised
   */
  public void add(ServiceDir dir) {
    try {
      dir.enter();
    } catch (IOException e) {
      throw Die.fatal(Exit.TEMPORARY, "unable to chdir to " + dir.name(), e);
    }
    boolean normallyUp;
    try {
      normallyUp = dir.isNormallyUp();
    } catch (IOException e) {
      throw Die.fatal(Exit.TEMPORARY, "unable to stat " + dir.show("down"), e);
    }
    makeSuperviseDirectory(dir);
    Service s;
    try {
      s = new Service(dir, os.lock(dir.lock()));
    } catch (IOException e) {
      throw Die.fatal(Exit.TEMPORARY, "unable to acquire " + dir.show("supervise/lock"), e);
    }
    s.controlFd = openFifo(s, dir.control(), false, "read");
    openFifo(s, dir.control(), true, "write");
    Machine.Step first = s.machine.begin(normallyUp, clock.nanos(), clock.wall());
    s.state = first.next();
    execute(s, first.effects());
    openFifo(s, dir.ok(), false, "read");
    try {
      os.watch(s.controlFd);
    } catch (IOException e) {
      throw Die.fatal(Exit.TEMPORARY, "unable to read " + dir.show("supervise/control"), e);
    }
    services.add(s);
    byControlFd.put(s.controlFd, s);
    apply(s, new Event.Tick());
  }

  /**
   * mkdir supervise (0700 less the umask), ignoring errors as daemontools does; with Debian's
   * patch, a dangling {@code supervise} symlink gets its target created.
   */
  private static void makeSuperviseDirectory(ServiceDir dir) {
    Path supervise = dir.supervise();
    try {
      Path target = supervise;
      if (Files.isSymbolicLink(supervise) && !Files.exists(supervise)) {
        target = supervise.resolveSibling(Files.readSymbolicLink(supervise));
      }
      Files.createDirectory(target,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      // it exists, or the lock will fail with the reason
    }
  }

  /** mkfifo (an existing entry is reused) and open without blocking; only a FIFO will do. */
  private int openFifo(Service s, Path fifo, boolean forWriting, String verb) {
    String shown = s.dir.show(s.dir.path().relativize(fifo).toString());
    try {
      os.mkfifo(fifo, FIFO_MODE);
    } catch (IOException e) {
      // EEXIST: reuse it, as daemontools does, once we know it is a FIFO
    }
    try {
      if (!Files.readAttributes(fifo, BasicFileAttributes.class).isOther()) {
        // daemontools would read a regular file as commands and then spin on end-of-file
        throw Die.fatal(Exit.TEMPORARY, "unable to " + verb + " " + shown + ": not a named pipe");
      }
      int fd = os.openFifo(fifo, forWriting);
      s.held.add(fd);
      return fd;
    } catch (IOException e) {
      throw Die.fatal(Exit.TEMPORARY, "unable to " + verb + " " + shown, e);
    }
  }

  /** Asks every service to go down and supervise to exit. Safe from any thread. */
  public void terminate() {
    terminateRequested.set(true);
    os.wake();
  }

  /** Runs until every service has exited; returns supervise's exit code. */
  public int run() {
    int[] ready = new int[64];
    while (!services.isEmpty()) {
      if (terminateRequested.getAndSet(false)) {
        for (Service s : new ArrayList<>(services)) {
          apply(s, new Event.Terminate());
        }
        continue;
      }
      int n;
      try {
        n = os.await(timeoutMillis(), ready);
      } catch (IOException e) {
        throw Die.fatal(Exit.TEMPORARY, "unable to wait for events", e);
      }
      for (int i = 0; i < n; i++) {
        Service control = byControlFd.get(ready[i]);
        if (control != null) {
          readCommands(control);
          continue;
        }
        Service exited = byPidfd.get(ready[i]);
        if (exited != null) {
          reap(exited);
        }
      }
      long now = clock.nanos();
      for (Service s : new ArrayList<>(services)) {
        OptionalLong deadline = s.state.deadline();
        if (deadline.isPresent() && now - deadline.getAsLong() >= 0) {
          apply(s, new Event.Tick());
        }
      }
    }
    return Exit.OK;
  }

  /** Milliseconds until the earliest deadline, rounded up; -1 (wait forever) if there is none. */
  private long timeoutMillis() {
    long now = clock.nanos();
    long earliest = Long.MAX_VALUE;
    boolean any = false;
    for (Service s : services) {
      OptionalLong d = s.state.deadline();
      if (d.isPresent() && (!any || d.getAsLong() - earliest < 0)) {
        earliest = d.getAsLong();
        any = true;
      }
    }
    if (!any) {
      return -1;
    }
    long nanos = earliest - now;
    return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
  }

  /** Every byte waiting in the FIFO, in order; bytes that name no command are ignored. */
  private void readCommands(Service s) {
    while (services.contains(s)) {
      int n;
      try {
        n = os.read(s.controlFd, controlBuffer);
      } catch (IOException e) {
        throw Die.fatal(Exit.TEMPORARY, "unable to read " + s.dir.show("supervise/control"), e);
      }
      if (n == 0) {
        return;
      }
      for (int i = 0; i < n && services.contains(s); i++) {
        Command c = Command.of(controlBuffer[i] & 0xff);
        if (c != null) {
          apply(s, new Event.Control(c));
        }
      }
    }
  }

  private void reap(Service s) {
    OptionalInt status;
    try {
      status = os.reap(s.child.pid());
    } catch (IOException e) {
      // ECHILD: nobody else may reap our child, so this cannot happen; do not spin on the pidfd
      warn("unable to wait for " + s.dir.show("run") + ": " + Errno.text(e));
      status = OptionalInt.of(0);
    }
    if (status.isPresent()) {
      Child old = detachChild(s);
      apply(s, new Event.ChildExited(status.getAsInt()));
      // closed after the machine has acted (spawned), off the restart's path
      release(old);
    }
  }

  /** The service's child, no longer its own; null if it had none. */
  private Child detachChild(Service s) {
    Child c = s.child;
    if (c != null) {
      byPidfd.remove(c.pidfd());
      s.child = null;
    }
    return c;
  }

  private void release(Child c) {
    if (c != null) {
      os.unwatch(c.pidfd());
      os.close(c.pidfd());
    }
  }

  private void apply(Service s, Event event) {
    Machine.Step step = s.machine.on(s.state, event, clock.nanos(), clock.wall());
    s.state = step.next();
    execute(s, step.effects());
  }

  /**
   * Carries out effects in order. A spawn's answer (Spawned or SpawnFailed) goes back into the
   * machine after the rest of the list, so no effect of the old state can follow the new one's.
   */
  private void execute(Service s, List<Effect> effects) {
    Event answer = null;
    for (Effect effect : effects) {
      if (effect instanceof Effect.Spawn) {
        answer = spawn(s);
      } else if (effect instanceof Effect.Kill k) {
        try {
          os.signal(k.pid(), k.signal());
        } catch (IOException e) {
          // the child died and awaits reaping; its pidfd will tell us
        }
      } else if (effect instanceof Effect.WriteStatus w) {
        s.status.write(StatusCodec.encode(w.status()));
      } else if (effect instanceof Effect.WritePid p) {
        s.pidFile.write((p.pid() == 0 ? "" : p.pid() + "\n").getBytes(StandardCharsets.US_ASCII));
      } else if (effect instanceof Effect.Warn w) {
        warn(w.text());
      } else if (effect instanceof Effect.Exit) {
        remove(s);
      }
    }
    if (answer != null) {
      apply(s, answer);
    }
  }

  private Event spawn(Service s) {
    Child child;
    try {
      child = os.spawn(s.dir.path());
    } catch (ErrnoException e) {
      return new Event.SpawnFailed(e.errno);
    } catch (IOException e) {
      return new Event.SpawnFailed(Errno.EIO.number);
    }
    try {
      os.watch(child.pidfd());
    } catch (IOException e) {
      throw Die.fatal(Exit.TEMPORARY, "unable to watch " + s.dir.show("run"), e);
    }
    s.child = child;
    byPidfd.put(child.pidfd(), s);
    return new Event.Spawned(child.pid(), child.startTicks());
  }

  private void remove(Service s) {
    release(detachChild(s));
    services.remove(s);
    byControlFd.remove(s.controlFd);
    os.unwatch(s.controlFd);
    for (int fd : s.held) {
      os.close(fd);
    }
  }

  private void warn(String text) {
    Messages.warning(err, Main.PROGRAM, text);
  }
}
