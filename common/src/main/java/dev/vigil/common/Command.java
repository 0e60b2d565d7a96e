package dev.vigil.common;

/**
 * The control alphabet: one byte per command, written to {@code supervise/control}. The first
 * eleven are daemontools'; {@code q 1 2 w} are runit's and daemontools-encore's. This enum is the
 * single source of svc's option letters and usage text, of supervise's dispatch and of the docs;
 * declaration order is the order svc's usage lists them.
 */
public enum Command {
  UP('u', "up"),
  DOWN('d', "down"),
  ONCE('o', "once"),
  EXIT('x', "exit"),
  PAUSE('p', "pause"),
  CONTINUE('c', "continue"),
  HUP('h', "hup"),
  ALARM('a', "alarm"),
  INTERRUPT('i', "interrupt"),
  TERM('t', "term"),
  KILL('k', "kill"),
  QUIT('q', "quit"),
  USR1('1', "usr1"),
  USR2('2', "usr2"),
  WINCH('w', "winch");

  private static final Command[] BY_BYTE = new Command[128];

  static {
    for (Command c : values()) {
      BY_BYTE[c.letter] = c;
    }
  }

  public final char letter;
  public final String word;

  Command(char letter, String word) {
    this.letter = letter;
    this.word = word;
  }

  /** The command a control byte stands for, or null: supervise ignores every other byte. */
  public static Command of(int controlByte) {
    return controlByte >= 0 && controlByte < BY_BYTE.length ? BY_BYTE[controlByte] : null;
  }

  /** Every letter, in declaration order: svc's option string. */
  public static String letters() {
    StringBuilder s = new StringBuilder();
    for (Command c : values()) {
      s.append(c.letter);
    }
    return s.toString();
  }

  /** {@code u up, d down, ...}: svc's usage text after {@code svc options: }. */
  public static String usage() {
    StringBuilder s = new StringBuilder();
    for (Command c : values()) {
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append(c.letter).append(' ').append(c.word);
    }
    return s.toString();
  }
}
