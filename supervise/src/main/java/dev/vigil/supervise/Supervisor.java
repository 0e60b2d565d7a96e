package dev.vigil.supervise;

import dev.vigil.common.Die;
import dev.vigil.common.Exit;
import dev.vigil.common.Messages;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.os.Clock;
import dev.vigil.common.os.Os;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * supervise's program: a {@link Host} with the services named on the command line (one, for
 * supervise), which ends when they are all gone. A directory that cannot be taken in charge is
 * fatal here, as in daemontools.
 */
public final class Supervisor {
  /** The child gets the supervisor's own 0, 1 and 2. */
  public static final SortedMap<Integer, Integer> INHERITED_STDIO = new TreeMap<>(java.util.Map.of(0, 0, 1, 1, 2, 2));

  private final Host host;
  private final PrintStream err;
  private final SortedMap<Integer, Integer> stdio;
  private final List<Service> services = new ArrayList<>();

  public Supervisor(Os os, Clock clock, PrintStream err) {
    this(os, clock, err, INHERITED_STDIO);
  }

  /** @param stdio what the child gets as its descriptors 0, 1 and 2 */
  public Supervisor(Os os, Clock clock, PrintStream err, SortedMap<Integer, Integer> stdio) {
    this.host = new Host(os, clock);
    // supervise runs one service: whatever is reparented to it is that service's
    host.servesOneService();
    this.err = err;
    this.stdio = stdio;
    host.onTerminate(this::terminateAll);
  }

  /**
   * Takes charge of a service directory and starts it unless it is normally down.
   *
   * @throws Die with daemontools' message and exit 111 when the directory cannot be supervised
   */
  public void add(ServiceDir dir) {
    add(dir, StateFiles.IN_SERVICE);
  }

  /** The same, with the state files in the seed article's {@code status/NAME/}. */
  public void addArticle(String name) {
    add(ServiceDir.of(name), StateFiles.article(name));
  }

  private void add(ServiceDir dir, StateFiles where) {
    Service s;
    try {
      s = Service.open(host, dir.name(), Os.CWD, dir.name(), where, stdio, this::warn);
    } catch (Service.SetupFailure e) {
      throw Die.fatal(Exit.TEMPORARY, e.getMessage());
    }
    services.add(s);
    s.onGone(() -> {
      services.remove(s);
      if (services.isEmpty()) {
        host.finish();
      }
    });
    s.start();
  }

  /** {@link Host#becomeSubreaper}, with a warning if the kernel refuses. */
  public void becomeSubreaper() {
    host.becomeSubreaper().ifPresent(why -> warn("unable to become a subreaper: " + why));
  }

  /** Asks every service to go down and supervise to exit. Safe from any thread. */
  public void terminate() {
    host.terminate();
  }

  private void terminateAll() {
    for (Service s : new ArrayList<>(services)) {
      s.terminate();
    }
  }

  /** Runs until every service has gone; returns supervise's exit code. */
  public int run() {
    if (services.isEmpty()) {
      return Exit.OK;
    }
    try {
      host.run();
    } catch (IOException e) {
      throw Die.fatal(Exit.TEMPORARY, "unable to wait for events", e);
    }
    return Exit.OK;
  }

  private void warn(String text) {
    Messages.warning(err, Main.PROGRAM, text);
  }
}
