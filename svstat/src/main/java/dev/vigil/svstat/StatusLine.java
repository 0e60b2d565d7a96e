package dev.vigil.svstat;

import dev.vigil.common.Status;
import dev.vigil.common.Tai64n;
import dev.vigil.common.Want;

/** daemontools svstat's status text, character for character (spec §6.2). */
public final class StatusLine {
  private StatusLine() {}

  /**
   * {@code up (pid P) S seconds} or {@code down S seconds}, then the suffixes in daemontools'
   * order. S is whole seconds from the label to {@code nowUnix}, 0 for a label in the future,
   * computed on the unsigned labels as daemontools does (a zeroed label shows a huge age).
   * daemontools prints the age through a double (tai_approx): exact below 2^53 seconds, rounded
   * to 53 significant bits above, which only a garbage label reaches.
   */
  public static String format(Status s, long nowUnix, boolean normallyUp) {
    long nowLabel = Tai64n.EPOCH + nowUnix;
    long label = s.stamp().label();
    // below 2^63 (nowLabel is), so the signed conversions are the unsigned ones daemontools does
    long seconds = Long.compareUnsigned(nowLabel, label) < 0 ? 0 : (long) (double) (nowLabel - label);
    StringBuilder line = new StringBuilder();
    if (s.isUp()) {
      line.append("up (pid ").append(s.pid()).append(") ");
    } else {
      line.append("down ");
    }
    line.append(Long.toUnsignedString(seconds)).append(" seconds");
    if (s.isUp() && !normallyUp) {
      line.append(", normally down");
    }
    if (!s.isUp() && normallyUp) {
      line.append(", normally up");
    }
    if (s.isUp() && s.paused()) {
      line.append(", paused");
    }
    if (!s.isUp() && s.want() == Want.UP) {
      line.append(", want up");
    }
    if (s.isUp() && s.want() == Want.DOWN) {
      line.append(", want down");
    }
    return line.toString();
  }
}
