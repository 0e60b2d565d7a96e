package dev.vigil.svwait;

/**
 * What svwait (and {@code svc -W}) waits for, one letter each, s6-svwait's options and meanings.
 * This enum is the single source of the letters: svwait's option string, svc's {@code -W}
 * values, the usage texts and the docs.
 */
public enum Goal {
  /** A process runs {@code ./run}. */
  UP('u', "up", true, false, false),
  /** Up and ready: as the service said (vigil's readiness), or simply up where nobody says. */
  READY('U', "ready", true, true, false),
  /** No process runs {@code ./run} ({@code ./finish} may run). */
  DOWN('d', "down", false, false, false),
  /** Down and {@code ./finish} done: ready to be started again. */
  FINISHED('D', "finished", false, true, false),
  /** Up again after being down since the wait began: the down may have been before it. */
  RESTARTED('r', "restarted", true, false, true),
  /** Restarted and ready. */
  RESTARTED_READY('R', "restarted and ready", true, true, true);

  public final char letter;
  public final String word;
  // s6's encoding: up or down, "with something more" (ready, or finished), after a down or not
  private final boolean up;
  private final boolean more;
  private final boolean restart;

  Goal(char letter, String word, boolean up, boolean more, boolean restart) {
    this.letter = letter;
    this.word = word;
    this.up = up;
    this.more = more;
    this.restart = restart;
  }

  /** The goal a letter names, or null. */
  public static Goal of(int letter) {
    for (Goal g : values()) {
      if (g.letter == letter) {
        return g;
      }
    }
    return null;
  }

  /** Every letter, in declaration order: {@code uUdDrR}. */
  public static String letters() {
    StringBuilder s = new StringBuilder();
    for (Goal g : values()) {
      s.append(g.letter);
    }
    return s.toString();
  }

  /** {@code u up, U ready, ...}: the usage texts' list. */
  public static String usage() {
    StringBuilder s = new StringBuilder();
    for (Goal g : values()) {
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append(g.letter).append(' ').append(g.word);
    }
    return s.toString();
  }

  /**
   * Whether a service at {@code moment} has reached this goal. (No switch: an enum switch costs
   * a client a synthetic class at start-up.)
   *
   * @param wentDown whether the service has been down at some moment since the wait began,
   *     that one included: what "restarted" asks first
   */
  boolean metBy(Moment moment, boolean wentDown) {
    if (restart && !wentDown) {
      return false;
    }
    if (up) {
      return moment.up() && (!more || moment.ready());
    }
    return more ? moment.finished() : !moment.up();
  }
}
