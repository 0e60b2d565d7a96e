package dev.vigil.common.os;

/** The standard Linux signals (x86_64 and aarch64 share these numbers), by their names. */
public enum Signal {
  HUP(1),
  INT(2),
  QUIT(3),
  ILL(4),
  TRAP(5),
  ABRT(6),
  BUS(7),
  FPE(8),
  KILL(9),
  USR1(10),
  SEGV(11),
  USR2(12),
  PIPE(13),
  ALRM(14),
  TERM(15),
  STKFLT(16),
  CHLD(17),
  CONT(18),
  STOP(19),
  TSTP(20),
  TTIN(21),
  TTOU(22),
  URG(23),
  XCPU(24),
  XFSZ(25),
  VTALRM(26),
  PROF(27),
  WINCH(28),
  IO(29),
  PWR(30),
  SYS(31);

  public final int number;

  Signal(int number) {
    this.number = number;
  }

  /**
   * The signal a word names, as s6's down-signal file and start-stop-daemon's schedules write
   * it: {@code TERM}, {@code SIGTERM}, or the number {@code 15}, any case; null if none.
   */
  public static Signal named(String word) {
    String w = word.trim().toUpperCase(java.util.Locale.ROOT);
    if (w.startsWith("SIG")) {
      w = w.substring(3);
    }
    for (Signal s : values()) {
      if (s.name().equals(w) || Integer.toString(s.number).equals(w)) {
        return s;
      }
    }
    return null;
  }
}
