package dev.vigil.common.os;

/** The signals supervise sends, with their Linux numbers. */
public enum Signal {
  HUP(1),
  INT(2),
  QUIT(3),
  KILL(9),
  USR1(10),
  USR2(12),
  ALRM(14),
  TERM(15),
  CONT(18),
  STOP(19),
  WINCH(28);

  public final int number;

  Signal(int number) {
    this.number = number;
  }
}
