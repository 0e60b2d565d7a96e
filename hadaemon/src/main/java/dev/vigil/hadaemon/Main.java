package dev.vigil.hadaemon;

import dev.vigil.common.Die;
import dev.vigil.common.os.Child;
import dev.vigil.common.os.Os;
import dev.vigil.common.os.Signal;
import dev.vigil.common.os.SpawnSpec;
import dev.vigil.libc.JnrLocks;
import dev.vigil.supervise.Program;
import dev.vigil.supervise.StandardDescriptors;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code hadaemon config action}: HADaemon::Control's init script for any program (doc/hadaemon.md).
 * Exit codes are LSB's: for status 0 running, 1 dead with a pid file left (or only some running),
 * 3 not running, 4 unknown; for the other actions 0 success, 1 failure, 2 bad arguments, 6 not
 * configured, 7 not running (reload).
 */
public final class Main {
  static final String PROGRAM = "hadaemon";
  static final String ACTIONS = "start|stop|restart|hard_restart|reload|status|fork|foreground|get_init_file";
  /** The actions that may start the program, and so must be able to run it as its user. */
  private static final List<String> STARTS_THE_PROGRAM = List.of("start", "restart", "hard_restart", "fork", "foreground");
  /** LSB: invalid or excess argument(s). */
  static final int BAD_ARGUMENTS = 2;
  /** The hidden first argument with which hadaemon starts its own main and standby processes. */
  static final String KEEPER = "--keeper";

  private Main() {}

  public static void main(String[] args) {
    Program.main(PROGRAM, args, (a, err) -> run(a, System.out, err));
  }

  /**
   * The Java API, HADaemon::Control's {@code run_command}: performs {@code action} on the daemon
   * {@code config} describes and returns the LSB exit code; status lines go to {@code out}, a
   * diagnostic to {@code err} as one line. Keepers are started with this JVM's java and class
   * path (the launcher's when run through bin/hadaemon).
   */
  public static int runCommand(Path config, String action, PrintStream out, PrintStream err) {
    try {
      return run(new String[] {config.toString(), action}, out, err);
    } catch (Die d) {
      return d.report(PROGRAM, err);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 2 && args[0].equals(KEEPER)) {
      Config config = Config.read(Path.of(args[1]));
      config.runAs.checkCanSwitch();
      return keep(config, err);
    }
    if (args.length != 2) {
      throw Die.fatal(BAD_ARGUMENTS, "usage: hadaemon config " + ACTIONS);
    }
    String action = args[1].replaceFirst("^-+", "");
    if (!List.of(ACTIONS.split("\\|")).contains(action)) {
      throw Die.fatal(BAD_ARGUMENTS, "unknown action " + args[1] + "; usage: hadaemon config " + ACTIONS);
    }
    Config config = Config.read(Path.of(args[0]));
    if (STARTS_THE_PROGRAM.contains(action)) {
      config.runAs.checkCanSwitch();
    }
    boolean colors = System.console() != null && System.getenv("HADC_NO_COLORS") == null;
    Control control = new Control(config, Program::loadOs, out, keeperCommand(), colors);
    try {
      switch (action) {
        case "start":
          return control.start();
        case "stop":
          return control.stop();
        case "restart":
          return control.restart();
        case "hard_restart":
          return control.hardRestart();
        case "reload":
          return control.reload();
        case "status":
          return control.status();
        case "fork":
          return control.fork();
        case "foreground":
          return foreground(config);
        default:
          out.print(InitFile.of(config, launcher(), "vigil"));
          out.flush();
          return 0;
      }
    } catch (IOException | UncheckedIOException e) {
      throw Die.fatal(Control.FAILED, action + " " + config.name + ": " + e.getMessage());
    }
  }

  /** A main or standby process, started by start, restart or fork; its output is log_file. */
  private static int keep(Config config, PrintStream err) {
    Log log = new Log(err);
    try {
      return new Keeper(config, Program.loadOs(), JnrLocks.load(), log).run();
    } catch (IOException e) {
      log.warn(e.getMessage());
      return Control.FAILED;
    } catch (InterruptedException e) {
      return Control.FAILED;
    }
  }

  /**
   * The original's foreground: the program in this terminal, without locks or pid files; TERM,
   * INT and HUP sent to hadaemon are passed on. Exits as the program did.
   */
  private static int foreground(Config config) throws IOException {
    Os os = Program.loadOs();
    List<String> command = config.command();
    int dir = os.openDirectory(Os.CWD, config.directory == null ? "." : config.directory.toString());
    Os.Spawner spawner = os.spawner(new SpawnSpec(dir, command.get(0), command, config.runAs.environment(),
        StandardDescriptors.forChild(), false));
    Child child;
    try {
      child = spawner.spawn();
    } catch (IOException e) {
      throw Die.fatal(Control.FAILED, "unable to start " + config.program, e);
    }
    for (String name : new String[] {"TERM", "INT", "HUP"}) {
      sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
        try {
          os.signalPidfd(child.pidfd(), Signal.valueOf(name));
        } catch (IOException e) {
          // exited already
        }
      });
    }
    os.watch(child.pidfd());
    int[] ready = new int[2];
    while (true) {
      var status = os.reap(child.pid());
      if (status.isPresent()) {
        int s = status.getAsInt();
        return (s & 0x7f) == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f);
      }
      os.await(-1, ready);
    }
  }

  /**
   * How hadaemon starts a keeper: its own launcher (bin/hadaemon exports its path), or, run
   * from a build tree, this JVM's java and class path.
   */
  private static List<String> keeperCommand() {
    String launcher = System.getenv("HADAEMON_LAUNCHER");
    if (launcher != null && !launcher.isEmpty()) {
      return List.of(launcher);
    }
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        Main.class.getName());
  }

  /** The launcher's absolute path, for the init file; the name alone if unknown. */
  private static String launcher() {
    String launcher = System.getenv("HADAEMON_LAUNCHER");
    return launcher == null || launcher.isEmpty() ? PROGRAM : Path.of(launcher).toAbsolutePath().normalize().toString();
  }
}
