package dev.vigil.controller;

/**
 * Asks whether the daemon answers: daemon_controller's ping command, either a shell command (exit
 * 0: it answers) or a {@link Connector} (a connection: it answers; "not yet" as {@link NotYet}
 * says; whatever it returns that can be closed is closed).
 */
final class Pinger {
  private final String command;
  private final Connector<?, ?> connector;

  private Pinger(String command, Connector<?, ?> connector) {
    this.command = command;
    this.connector = connector;
  }

  static Pinger command(String command) {
    return new Pinger(command, null);
  }

  static Pinger connector(Connector<?, ?> connector) {
    return new Pinger(null, connector);
  }

  /**
   * One ping; a ping command is given until {@code deadline} and stopped then.
   *
   * @throws Exception what the connector threw that does not mean "not yet"
   */
  boolean answers(Deadline deadline) throws Exception {
    if (connector != null) {
      return NotYet.attempt(connector, true) != null;
    }
    // as daemon_controller's system(): the command's output goes where this JVM's goes
    Shell.Result r = Shell.run(command, false, deadline);
    if (r.outcome() == Shell.Outcome.TIMED_OUT) {
      r.process().destroyForcibly();
    }
    return r.outcome() == Shell.Outcome.OK;
  }
}
