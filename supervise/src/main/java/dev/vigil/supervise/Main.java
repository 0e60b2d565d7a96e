package dev.vigil.supervise;

import dev.vigil.common.Die;
import dev.vigil.common.Exit;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.os.Clock;
import java.io.PrintStream;

/**
 * {@code supervise dir}: starts {@code dir/run} and keeps it running, obeying the commands svc
 * writes to {@code dir/supervise/control}. {@code supervise --article name} does the same for
 * {@code name/run} with the seed article's state files, {@code status/name/{lock,status,svcontrol}}
 * under the working directory (doc/supervise.md). Exits 0 after {@code svc -x} (once the child is
 * gone) or after SIGTERM, SIGINT or SIGHUP (once it has taken the child down); 100 for bad usage;
 * 111 when the directory cannot be supervised.
 */
public final class Main {
  static final String PROGRAM = "supervise";
  /** The option for the seed article's layout; two arguments can never be daemontools' form. */
  static final String ARTICLE = "--article";
  /** daemontools' words, unchanged: the article's option is told in doc/supervise.md. */
  static final String USAGE = "supervise dir";

  private Main() {}

  public static void main(String[] args) {
    Program.main(PROGRAM, args, Main::supervise);
  }

  private static int supervise(String[] args, PrintStream err) {
    boolean article = args.length == 2 && args[0].equals(ARTICLE);
    if (args.length != 1 && !article) {
      throw Die.usage(USAGE);
    }
    if (article && !StateFiles.isArticleName(args[1])) {
      throw Die.fatal(Exit.USAGE, "illegal " + ARTICLE + " name: " + args[1]
          + ": a directory of the current one, without a slash");
    }
    Supervisor supervisor = new Supervisor(Program.loadOs(), Clock.SYSTEM, err, StandardDescriptors.forChild());
    for (String name : new String[] {"TERM", "INT", "HUP"}) {
      // the handler runs on a JVM thread of its own; the event loop does the work
      sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> supervisor.terminate());
    }
    supervisor.becomeSubreaper();
    if (article) {
      supervisor.addArticle(args[1]);
    } else {
      supervisor.add(ServiceDir.of(args[0]));
    }
    return supervisor.run();
  }
}
