package dev.vigil.supervise;

import dev.vigil.common.Die;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.os.Clock;
import java.io.PrintStream;

/**
 * {@code supervise dir}: starts {@code dir/run} and keeps it running, obeying the commands svc
 * writes to {@code dir/supervise/control}. Exits 0 after {@code svc -x} (once the child is gone)
 * or after SIGTERM, SIGINT or SIGHUP (once it has taken the child down); 100 for bad usage; 111
 * when the directory cannot be supervised.
 */
public final class Main {
  static final String PROGRAM = "supervise";

  private Main() {}

  public static void main(String[] args) {
    Program.main(PROGRAM, args, Main::supervise);
  }

  private static int supervise(String[] args, PrintStream err) {
    if (args.length != 1) {
      throw Die.usage("supervise dir");
    }
    Supervisor supervisor = new Supervisor(Program.loadOs(), Clock.SYSTEM, err, StandardDescriptors.forChild());
    for (String name : new String[] {"TERM", "INT", "HUP"}) {
      // the handler runs on a JVM thread of its own; the event loop does the work
      sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> supervisor.terminate());
    }
    supervisor.becomeSubreaper();
    supervisor.add(ServiceDir.of(args[0]));
    return supervisor.run();
  }
}
