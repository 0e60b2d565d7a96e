package dev.vigil.supervise;

import dev.vigil.common.os.Child;
import dev.vigil.common.os.Os;
import dev.vigil.common.os.ProcessIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the process that carries a service on after its process exited having daemonized (the
 * parent of a double fork exits 0 while the daemon runs on): the one the service's pidfile names
 * (systemd's PIDFile=), or, without a pidfile, the only process it left behind (systemd's
 * GuessMainPID). daemontools and runit restart such a ./run in a loop while its daemon runs on.
 *
 * <p>A process counts as the service's only if it is one of ours (reparented to this
 * supervisor, the subreaper) or is still in the exited process's session or process group:
 * a stale pidfile naming a pid some unrelated process took over is never followed (the incident
 * this project started from). Under svscan the strays of all services are reparented to the
 * one process, so a stray is the service's only for a pidfile; the guess then looks at the
 * process group alone.
 */
final class Heirs {
  /** What carries the service on: with a pidfd open on it, and whether it is our child to reap. */
  record Heir(Child process, boolean ours, boolean guessed) {}

  /** An heir, or none and the processes left behind. */
  record Found(Optional<Heir> heir, List<Long> left) {}

  /** A pid file holds a number and a newline; more is not a pid file. */
  private static final int PIDFILE_LIMIT = 64;

  private final Host host;
  private final Os os;
  private final int dir;
  private final long self = ProcessHandle.current().pid();

  /** @param dir the service directory, which a relative pidfile path is relative to */
  Heirs(Host host, int dir) {
    this.host = host;
    this.os = host.os();
    this.dir = dir;
  }

  /**
   * Who carries the service on after process {@code exited} ended. With a pidfile: the process
   * it names, if it is the service's; nothing is guessed. Without: the one process left behind.
   */
  Found find(long exited, Optional<String> pidfile) {
    if (pidfile.isPresent()) {
      long pid = named(pidfile.get());
      Optional<Heir> heir = pid > 0 ? open(pid, exited, false) : Optional.empty();
      return new Found(heir, List.of());
    }
    List<Long> left = leftBehind(exited);
    if (left.size() == 1) {
      Optional<Heir> heir = open(left.get(0), exited, true);
      if (heir.isPresent()) {
        return new Found(heir, List.of());
      }
    }
    return new Found(Optional.empty(), left);
  }

  /** The pid the pidfile holds, or 0 (absent, empty, not a number: not written yet). */
  private long named(String path) {
    try {
      String text = new String(os.readFile(dir, path, PIDFILE_LIMIT), StandardCharsets.US_ASCII);
      long pid = Long.parseLong(text.lines().findFirst().orElse("").trim());
      return pid > 1 ? pid : 0;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  /**
   * What process {@code exited} left: the members of its process group (it led one) and, when
   * this supervisor runs this service alone, every stray reparented to it.
   */
  private List<Long> leftBehind(long exited) {
    Set<Long> left = new LinkedHashSet<>(stillInGroup(exited));
    if (host.hasOneService()) {
      left.addAll(host.strays());
    }
    return running(left);
  }

  /**
   * The processes that still run in process group {@code pgid} (a service's process led it):
   * zombies, this process and other services' children aside.
   */
  List<Long> stillInGroup(long pgid) {
    try {
      return running(os.groupMembers(pgid));
    } catch (IOException e) {
      return List.of();
    }
  }

  private List<Long> running(java.util.Collection<Long> left) {
    List<Long> running = new ArrayList<>();
    for (long pid : left) {
      // a zombie has exited already: it is reaped, not followed nor stopped
      if (pid != self && !host.owns(pid) && isRunning(pid)) {
        running.add(pid);
      }
    }
    return running;
  }

  private boolean isRunning(long pid) {
    try {
      return !os.process(pid).exited();
    } catch (IOException gone) {
      return false;
    }
  }

  /**
   * Process {@code pid} with a pidfd on it, if it is the service's: ours, or in the session or
   * group of the process that exited, and not another service's child. The pidfd is opened
   * before the process is looked at, so it names the process that was checked.
   */
  private Optional<Heir> open(long pid, long exited, boolean guessed) {
    if (pid == self || host.owns(pid)) {
      return Optional.empty();
    }
    int pidfd;
    try {
      pidfd = os.pidfdOpen(pid);
    } catch (IOException gone) {
      return Optional.empty();
    }
    try {
      ProcessIds ids = os.process(pid);
      boolean ours = ids.parent() == self;
      if (!ids.exited() && (ours || ids.session() == exited || ids.group() == exited)) {
        if (ours) {
          host.claim(pid);
        }
        return Optional.of(new Heir(new Child(pid, pidfd, ids.startTicks()), ours, guessed));
      }
    } catch (IOException gone) {
      // exited meanwhile
    }
    os.close(pidfd);
    return Optional.empty();
  }
}
