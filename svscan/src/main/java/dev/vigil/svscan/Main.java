package dev.vigil.svscan;

import dev.vigil.common.Die;
import dev.vigil.common.Errno;
import dev.vigil.common.Exit;
import dev.vigil.common.Messages;
import dev.vigil.common.os.Clock;
import dev.vigil.common.os.Os;
import dev.vigil.supervise.Host;
import dev.vigil.supervise.Program;
import dev.vigil.supervise.StandardDescriptors;
import java.io.IOException;
import java.io.PrintStream;

/**
 * {@code svscan [dir]}: supervises every service of {@code dir} (default: the current directory)
 * in this one JVM, each with its own {@code supervise/} files, a logger for each {@code NAME/log}.
 * Runs until SIGTERM, SIGINT or SIGHUP, then takes every service down and exits 0; 111 if the
 * directory cannot be opened.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Program.main(Scanner.PROGRAM, args, Main::svscan);
  }

  private static int svscan(String[] args, PrintStream err) {
    // daemontools' svscan ignores arguments after the first
    String name = args.length > 0 ? args[0] : ".";
    Os os = Program.loadOs();
    try {
      // a few descriptors per service: the soft limit (often 1,024) would cap it at a few hundred
      os.raiseDescriptorLimit();
    } catch (IOException e) {
      Messages.warning(err, Scanner.PROGRAM, "unable to raise the descriptor limit: " + Errno.text(e));
    }
    int dir;
    try {
      dir = os.openDirectory(Os.CWD, name);
    } catch (IOException e) {
      throw Die.fatal(Exit.TEMPORARY, "unable to chdir to " + name, e);
    }
    Host host = new Host(os, Clock.SYSTEM);
    Scanner scanner = new Scanner(host, dir, StandardDescriptors.forChild(), err);
    host.onTerminate(scanner::terminate);
    for (String signal : new String[] {"TERM", "INT", "HUP"}) {
      // the handler runs on a JVM thread of its own; the event loop does the work
      sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> host.terminate());
    }
    host.becomeSubreaper().ifPresent(why ->
        Messages.warning(err, Scanner.PROGRAM, "unable to become a subreaper: " + why));
    scanner.start();
    try {
      host.run();
    } catch (IOException e) {
      throw Die.fatal(Exit.TEMPORARY, "unable to wait for events", e);
    }
    return Exit.OK;
  }
}
